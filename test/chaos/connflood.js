// Connection flood past the gateway's open-file limit (long form): several client processes (connflood-worker.js),
// each from its own source address (127.0.0.2, .3 …), open raw hub WebSockets until `target` were tried, and hold
// them. The gateway must stay up, refuse the excess (503 on negotiate or the upgrade, or a close) and keep serving:
// a fresh client connects and Sends during the flood and after it.
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { SIGNING_KEY } from "../e2e/lib/gateway.js";
import { ChatClient, makeUsers, newClientMsgId, signalR, uid } from "../e2e/lib/chat.js";
import { removeAtExit, startProcess } from "../e2e/lib/processes.js";
import { openFileLimit, openFiles, serverPid } from "../e2e/lib/procstat.js";
import { gatewayRss, isAlive, sleep } from "./common.js";

const here = path.dirname(fileURLToPath(import.meta.url));

/** A new user connects (official client, WebSockets) and Sends once: "sent", or what went wrong. */
async function freshClientSends(base) {
  let client;
  try {
    const [me, peer] = await makeUsers(base, 2, "fresh");
    client = new ChatClient(base, me.token, signalR.HttpTransportType.WebSockets, { name: "fresh" });
    await Promise.race([client.connection.start(), sleep(30_000).then(() => { throw new Error("connect: no answer in 30 s"); })]);
    const conv = (await client.invoke("OpenDirect", peer.userId)).conversationId;
    await Promise.race([client.invoke("Send", { conversationId: conv, clientMsgId: newClientMsgId(), kind: "text", text: "still here?" }), sleep(30_000).then(() => { throw new Error("Send: no ack in 30 s"); })]);
    return "sent";
  } catch (error) {
    return `failed: ${String(error?.message ?? error).slice(0, 100)}${error?.cause?.code ? ` (${error.cause.code})` : ""}`;
  } finally {
    await client?.stop();
  }
}

export async function runConnectionFlood(ctx, { target, workers = 4, parallel = 64, capMs = 300_000 }) {
  const gateway = ctx.gateway();
  const pid = serverPid(gateway.pid);
  const dir = mkdtempSync(path.join(tmpdir(), "im-chaos-connflood-"));
  removeAtExit(dir);
  const rssBefore = gatewayRss(gateway);
  const fileLimit = openFileLimit(pid);
  const addresses = Array.from({ length: workers }, (_, i) => `127.0.0.${i + 2}`);
  const perWorker = Math.ceil(target / workers);
  const started = Date.now();
  const procs = [];
  for (const [i, address] of addresses.entries()) {
    const statusFile = path.join(dir, `worker-${i}.json`);
    const job = { url: gateway.url, localAddress: address, count: perWorker, parallel, users: 500, userPrefix: `${uid("cf")}w${i}u`, signingKey: SIGNING_KEY.toString("base64"), statusFile };
    procs.push({ statusFile, node: await startProcess({ name: `connflood-${i}`, file: process.execPath, args: [path.join(here, "connflood-worker.js")], cwd: here, env: { CHAOS_CONNFLOOD: JSON.stringify(job) } }) });
  }
  const read = () => procs.map((p) => { try { return existsSync(p.statusFile) ? JSON.parse(readFileSync(p.statusFile, "utf8")) : null; } catch { return null; } });
  let peakOpen = 0, peakFds = 0, rssPeak = rssBefore ?? 0, aliveDuring = true, freshDuring = "not tried (the gateway died first)";
  let fresh = null;
  let lastAlive = []; // the workers' figures at the last look while the gateway was still up (its death closes everything)
  for (;;) {
    await sleep(1000);
    const states = read();
    if (!gateway.exited) lastAlive = states;
    const open = states.reduce((s, x) => s + (x?.open ?? 0), 0);
    const fds = openFiles(pid) ?? 0;
    peakOpen = Math.max(peakOpen, open);
    peakFds = Math.max(peakFds, fds);
    rssPeak = Math.max(rssPeak, gatewayRss(gateway) ?? 0);
    if (gateway.exited) aliveDuring = false;
    const attempted = states.reduce((s, x) => s + (x?.attempted ?? 0), 0);
    // A fresh client once the gateway is near its limit, the flood nearly sent or done (without stopping the watch).
    if (!fresh && (attempted >= target * 0.9 || (fileLimit && fds >= fileLimit - 200) || states.every((x) => x?.done))) {
      fresh = freshClientSends(gateway.url).then((answer) => { freshDuring = answer; });
    }
    if ((fresh && states.every((x) => x?.done)) || Date.now() - started > capMs || gateway.exited) break;
  }
  await fresh;
  const final = read();
  const states = gateway.exited ? lastAlive : final; // refusals and closes: not those of a gateway's death
  const refusals = {};
  const closes = {};
  for (const s of states) {
    for (const [k, v] of Object.entries(s?.refused ?? {})) refusals[k] = (refusals[k] ?? 0) + v;
    for (const [k, v] of Object.entries(s?.closedByServer ?? {})) closes[k] = (closes[k] ?? 0) + v;
  }
  for (const [k, v] of Object.entries(closes)) refusals[`closed later: ${k}`] = v;
  const attempted = final.reduce((s, x) => s + (x?.attempted ?? 0), 0);
  await Promise.all(procs.map((p) => p.node.kill("SIGKILL")));
  await sleep(10_000); // the gateway notices every dropped socket
  const aliveAfter = await isAlive(gateway) && !gateway.exited;
  const freshAfter = aliveAfter ? await freshClientSends(gateway.url) : "gateway dead";
  return {
    target, attempted, peakOpen, refusals, peakFds, fileLimit, rssBefore, rssPeak, aliveDuring, aliveAfter,
    freshDuring, freshAfter, workers, addresses, ms: Date.now() - started, fdsAfter: openFiles(pid),
    // How a dead gateway ended: the last line it wrote (e.g. the runtime's "Out of memory." when no file is left).
    lastWords: gateway.exited ? gateway.output().trim().split("\n").pop().slice(0, 200) : null,
  };
}
