// Faults under steady traffic on a cluster (lib/cluster.js: PostgreSQL, 2 silos, 2 gateways, nginx): for each fault
// a fresh set of users pinned to both gateways on all three transports sends steadily (lib/traffic.js, each Send
// retried by clientMsgId until acknowledged), the fault strikes, traffic goes on until every conversation has been
// acknowledging again for a while, and lib/audit.js compares everything with the PostgreSQL message log:
// acknowledged, lost (acknowledged but not in the log, or not seen by a member after Sync), stored twice (one
// clientMsgId at two seqs), seq gaps, and unread per user against the truth recomputed from the log.
// Faults: "gw" SIGKILLs a gateway (then restarts it), "silo" SIGKILLs a silo (then starts a new one under its name),
// "pg" stops PostgreSQL and starts it again after a few seconds.
import { startCluster } from "../e2e/lib/cluster.js";
import { Traffic, setUpConversations } from "../e2e/lib/traffic.js";
import { audit } from "../e2e/lib/audit.js";
import { sleep } from "./common.js";

const SETTLE_MS = 5000;     // every conversation acknowledging again this long after the fault
const RECOVERY_CAP_MS = 60_000;
const PG_DOWN_MS = 4000;

function conversationsFor(users) {
  // Two directs and two groups of four (8 users), or three directs and three groups (12).
  if (users >= 12) {
    return { directs: [[0, 1], [2, 3], [4, 5]], groups: [{ members: [6, 7, 8, 9], senders: [6, 7] }, { members: [8, 9, 10, 11], senders: [10, 11] }, { members: [0, 3, 6, 10], senders: [0, 3] }] };
  }
  return { directs: [[0, 1], [2, 3]], groups: [{ members: [4, 5, 6, 7], senders: [4, 5] }, { members: [0, 3, 5, 6], senders: [0, 6] }] };
}

async function strike(ctx, kind, n) {
  const { cluster } = ctx;
  if (kind === "gw") {
    const victim = n % 2 === 0 ? "gw1" : "gw2";
    const at = await cluster.killNode(victim);
    return { name: `SIGKILL ${victim}`, at, victim, restore: async () => { await cluster.restartGateway(victim); } };
  }
  if (kind === "silo") {
    const victim = n % 2 === 0 ? "silo1" : "silo2";
    const at = await cluster.killNode(victim);
    const declared = cluster.waitForActiveSilos(cluster.alive("silo").length, 60_000).then(() => Date.now() - at, () => NaN);
    return {
      name: `SIGKILL ${victim}`, at, victim, declared,
      restore: async () => { await cluster.startSilo(victim); await cluster.waitForActiveSilos(2, 60_000); },
    };
  }
  if (kind === "pg") {
    const at = Date.now();
    const restart = cluster.pg.restart({ downMs: PG_DOWN_MS });
    return { name: `restart PostgreSQL (${PG_DOWN_MS / 1000} s down)`, at, restarted: restart, restore: async () => { await restart; } };
  }
  throw new Error(`unknown fault ${kind}`);
}

async function oneFault(ctx, kind, index, users, last) {
  const counts = ctx.counts;
  counts[kind] = (counts[kind] ?? 0) + 1;
  // The users of this fault sign in and connect; a refusal there (say, a gateway still failing after the previous
  // fault) is retried for up to 30 s and reported, so one fault's aftermath does not hide the next fault's figures.
  const setupErrors = [];
  let setup;
  for (let attempt = 0; ; attempt++) {
    try {
      setup = await setUpConversations(ctx, { prefix: `c${index}${kind}${attempt || ""}`, users, ...conversationsFor(users) });
      break;
    } catch (error) {
      setupErrors.push(String(error?.message ?? error).slice(0, 120));
      await Promise.all(ctx.clients.splice(0).map((client) => client.stop()));
      if (attempt >= 10) throw new Error(`setting up the users of fault ${index + 1} (${kind}) failed ${setupErrors.length} times: ${setupErrors.slice(-3).join(" | ")}`);
      await sleep(3000);
    }
  }
  const setupNote = setupErrors.length ? `setup before the fault failed ${setupErrors.length} time(s) first: ${[...new Set(setupErrors)].slice(0, 2).join(" | ")}` : null;
  const traffic = new Traffic({ conversations: setup.conversations, clientOf: setup.clientOf, hardDeadlineMs: 180_000 });
  traffic.start();
  await sleep(3000);
  const fault = await strike(ctx, kind, counts[kind] - 1);
  ctx.say(`${fault.name} after ${traffic.acked().length} acks`);
  const extra = setupNote ? [setupNote] : [];
  if (fault.restarted) {
    const { stopMs, downMs } = await fault.restarted;
    extra.push(`stopped in ${stopMs} ms, down ${downMs} ms`);
  }
  // Until every conversation acknowledges again later than SETTLE_MS after the fault (at most RECOVERY_CAP_MS), then 2 s more.
  const cap = fault.at + RECOVERY_CAP_MS;
  for (;;) {
    await sleep(500);
    const settled = [...traffic.ackTimes().values()].every((list) => list.some((at) => at > fault.at + SETTLE_MS));
    if (settled || Date.now() > cap) break;
  }
  await sleep(2000);
  await traffic.stop(60_000);
  const gaps = traffic.ackGaps(fault.at);
  const longestGapMs = Math.max(0, ...gaps.map((g) => g.gap));
  if (fault.declared) extra.push(`survivors dropped ${fault.victim} after ${await fault.declared} ms`);
  const result = await audit(ctx, traffic, { label: fault.name });
  const { counts: c, violations: v } = result;
  const lostList = [...v.lostInLog, ...v.lost];
  const others = Object.entries(v).filter(([k, list]) => list.length && !["lostInLog", "lost", "duplicated", "gaps", "unread"].includes(k)).map(([k, list]) => `${k} ${list.length}`);
  if (others.length) extra.push(`other audit findings: ${others.join(", ")}`);
  if (v.gaveUp.length) extra.push(`${v.gaveUp.length} Sends never acknowledged`);
  await Promise.all([...setup.clients.values()].map((client) => client.stop()));
  ctx.clients.length = 0;
  if (last) await fault.restarted; else await fault.restore(); // the last fault's node need not come back
  return {
    name: fault.name, sent: c.sent, acked: c.acknowledged, lost: v.lostInLog.length + c.lost, storedTwice: c.duplicated,
    seqGaps: v.gaps.length, unreadWrong: c.unreadWrong, unreadChecked: c.unreadChecked, retried: c.retried, longestGapMs,
    errors: c.errorsByCode, readErrors: c.readErrorsByCode, note: extra.join("; "),
    details: { lost: lostList.slice(0, 3).join(" | "), storedTwice: v.duplicated.slice(0, 3).join(" | "), seqGaps: v.gaps.slice(0, 3).join(" | "), unreadWrong: v.unread.slice(0, 3).join(" | ") },
  };
}

export async function runFaults({ kills, users = 8, say }) {
  const cluster = await startCluster({ silos: 2, gateways: 2, log: say });
  const ctx = { cluster, clients: [], say, counts: {} };
  const rows = [];
  try {
    for (const [index, kind] of kills.entries()) rows.push(await oneFault(ctx, kind, index, users, index === kills.length - 1));
    return rows;
  } finally {
    await Promise.all(ctx.clients.splice(0).map((c) => c.stop()));
    await cluster.stop();
  }
}
