// Connection churn: `rounds` times, open `connections` hub connections at once (half with the official client over
// WebSockets, closed properly; half raw WebSockets dropped without a close handshake, as a phone losing its network)
// and close them all. The gateway's resident memory and open file descriptors before, right after and after a settle
// tell whether connections leave anything behind.
import { ChatClient, makeUsers, signalR } from "../e2e/lib/chat.js";
import { gatewayFds, gatewayRss, sleep } from "./common.js";
import { RawHub } from "./rawhub.js";

export async function runChurn(ctx, { rounds, connections, users = Math.max(20, Math.ceil(connections / 5)), settleMs = 5000 }) {
  const people = await makeUsers(ctx.gateway().url, users, "churn");
  const rssBefore = gatewayRss(ctx.gateway());
  const fdsBefore = gatewayFds(ctx.gateway());
  let opened = 0;
  let failed = 0;
  const failures = {};
  const started = Date.now();
  for (let round = 0; round < rounds; round++) {
    const attempts = Array.from({ length: connections }, async (_, i) => {
      const user = people[(round * connections + i) % people.length];
      try {
        if (i % 2 === 0) {
          const client = await ChatClient.connect(ctx.gateway().url, user.token, signalR.HttpTransportType.WebSockets, { name: "churn" });
          opened++;
          return () => client.stop();
        }
        const hub = await new RawHub(ctx.gateway().url, user.token).open();
        opened++;
        return async () => hub.close(); // a TCP reset, no close frame
      } catch (error) {
        failed++;
        const why = String(error?.status ?? error?.message ?? error).slice(0, 60);
        failures[why] = (failures[why] ?? 0) + 1;
        return async () => {};
      }
    });
    const closers = await Promise.all(attempts);
    await Promise.all(closers.map((close) => close()));
  }
  const ms = Date.now() - started;
  const rssAfter = gatewayRss(ctx.gateway());
  const fdsAfter = gatewayFds(ctx.gateway());
  await sleep(settleMs);
  return {
    rounds, connections, opened, failed, failures, ms,
    rssBefore, rssAfter, rssSettled: gatewayRss(ctx.gateway()), fdsBefore, fdsAfter, fdsSettled: gatewayFds(ctx.gateway()), settleMs,
    alive: !ctx.gateway().exited,
  };
}
