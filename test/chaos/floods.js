// Floods against the embedded gateway, each measured by the well-behaved prober (Send→ack latency in a quiet window
// before the flood and during it) and, where memory or logs are the point, by the gateway's resident memory and the
// bytes it logged. Every flood answers one row: { name, calls, answers (by code or status), ms, before, during, … }.
import { randomBytes } from "node:crypto";
import { ChatClient, errorCode, login, makeUsers, newClientMsgId, register, signalR, sleep, uid } from "../e2e/lib/chat.js";
import { floodLoop, gatewayRss, latencyStats, settledLogBytes } from "./common.js";

const ws = signalR.HttpTransportType.WebSockets;
const QUIET_MS = 2500;

function count(answers, key) { answers[key] = (answers[key] ?? 0) + 1; }

async function hubAnswer(promise) {
  try {
    await promise;
    return "ok";
  } catch (error) {
    return errorCode(error) ?? `other: ${String(error?.message ?? error).slice(0, 60)}`;
  }
}

/** Runs a flood between a quiet window and its end; answers the prober's windows and the memory around it. */
async function measured(ctx, name, flood) {
  await sleep(QUIET_MS);
  const quietFrom = Date.now() - QUIET_MS;
  const rssBefore = gatewayRss(ctx.gateway());
  let rssPeak = rssBefore ?? 0;
  const sampler = setInterval(() => { rssPeak = Math.max(rssPeak, gatewayRss(ctx.gateway()) ?? 0); }, 250);
  const started = Date.now();
  let row;
  try {
    row = await flood();
  } finally {
    clearInterval(sampler);
  }
  const ended = Date.now();
  const rssAfter = gatewayRss(ctx.gateway());
  return {
    name, ...row, ms: ended - started, rssBefore, rssPeak: Math.max(rssPeak, rssAfter ?? 0), rssAfter,
    before: ctx.prober.window(quietFrom, started), during: ctx.prober.window(started, ended), alive: !ctx.gateway().exited,
  };
}

/**
 * GetPresence with 200 random (never seen) user ids per call and Sync with 1,000 random conversation ids, from
 * `lanes` connections until `ids` ids were asked about (or `maxMs` passed). The memory a gateway keeps for ids
 * nobody has is the point: RSS before, at the peak, right after and after `settleMs`.
 */
export async function unknownIdFlood(ctx, { ids, lanes = 4, syncEvery = 5, maxMs = 60_000, settleMs = 5000 }) {
  const [flooder] = await makeUsers(ctx.gateway().url, 1, "flood");
  const clients = await Promise.all(Array.from({ length: lanes }, () => ChatClient.connect(ctx.gateway().url, flooder.token, ws, { name: "flooder" })));
  const answers = {};
  let asked = 0;
  const deadline = Date.now() + maxMs;
  try {
    const row = await measured(ctx, "unknown ids: GetPresence ×200 ids, Sync ×1,000 ids", async () => {
      const calls = await floodLoop(lanes, () => asked >= ids || Date.now() > deadline, async (lane, n) => {
        if (n % syncEvery === 0) {
          asked += 1000;
          const cursors = Object.fromEntries(Array.from({ length: 1000 }, () => [`g:${randomBytes(12).toString("hex")}`, 0]));
          count(answers, `Sync ${await hubAnswer(clients[lane].invoke("Sync", { cursors }))}`);
        } else {
          asked += 200;
          const userIds = Array.from({ length: 200 }, () => `nx${randomBytes(10).toString("hex")}`);
          count(answers, `GetPresence ${await hubAnswer(clients[lane].invoke("GetPresence", userIds))}`);
        }
      });
      return { calls, answers, ids: asked };
    });
    await sleep(settleMs);
    row.rssSettled = gatewayRss(ctx.gateway());
    row.settleMs = settleMs;
    return row;
  } finally {
    await Promise.all(clients.map((c) => c.stop()));
  }
}

/** History of a conversation the caller is not in, `calls` times: refusals, and the bytes the gateway logged for them. */
export async function historyRefusalFlood(ctx, { calls, lanes = 4 }) {
  const [owner, peer, outsider] = await makeUsers(ctx.gateway().url, 3, "hist");
  const o = await ChatClient.connect(ctx.gateway().url, owner.token, ws, { name: "owner" });
  const conv = (await o.invoke("OpenDirect", peer.userId)).conversationId;
  await o.stop();
  const client = await ChatClient.connect(ctx.gateway().url, outsider.token, ws, { name: "outsider" });
  const answers = {};
  let done = 0;
  try {
    const logBefore = await settledLogBytes(ctx.gateway());
    const row = await measured(ctx, "History refusals (not a member)", async () => {
      const n = await floodLoop(lanes, () => done >= calls, async () => {
        done++;
        count(answers, await hubAnswer(client.invoke("History", conv, Number.MAX_SAFE_INTEGER, 50)));
      });
      return { calls: n, answers };
    });
    row.logBytes = (await settledLogBytes(ctx.gateway())) - logBefore;
    row.note = `${row.logBytes} log bytes, ${(row.logBytes / Math.max(1, row.calls)).toFixed(0)} per refusal`;
    return row;
  } finally {
    await client.stop();
  }
}

/** Typing from one member of a `members`-member group, `calls` times: how many typing events the others received. */
export async function typingFlood(ctx, { members = 50, calls, lanes = 4 }) {
  const users = await makeUsers(ctx.gateway().url, members, "typ");
  const clients = [];
  for (const user of users) clients.push(await ChatClient.connect(ctx.gateway().url, user.token, ws, { name: user.userId }));
  const answers = {};
  let done = 0;
  try {
    const conv = (await clients[0].invoke("CreateGroup", { title: "typing flood", memberIds: users.slice(1).map((u) => u.userId) })).conversationId;
    const row = await measured(ctx, `Typing in a ${members}-member group`, async () => {
      const n = await floodLoop(lanes, () => done >= calls, async () => {
        done++;
        count(answers, await hubAnswer(clients[0].invoke("Typing", conv)));
      });
      return { calls: n, answers };
    });
    await sleep(1500); // late fan-out
    const events = clients.slice(1).reduce((sum, c) => sum + c.events.typing.filter((e) => e.conversationId === conv).length, 0);
    row.fannedOut = events;
    row.note = `${events} typing events fanned out to ${members - 1} members (${(events / Math.max(1, row.calls)).toFixed(1)} per call)`;
    return row;
  } finally {
    await Promise.all(clients.map((c) => c.stop()));
  }
}

/**
 * One user Sends as fast as it can from two connections for `ms`: acks per second against the limit (20/s, burst
 * 40 by default), rate_limited answers and their "retry after N ms" hint.
 */
export async function sendFlood(ctx, { ms, lanes = 16 }) {
  const [sender, peer] = await makeUsers(ctx.gateway().url, 2, "sf");
  const clients = await Promise.all([0, 1].map(() => ChatClient.connect(ctx.gateway().url, sender.token, ws, { name: "sender" })));
  const conv = (await clients[0].invoke("OpenDirect", peer.userId)).conversationId;
  const answers = {};
  const hints = [];
  let withoutHint = 0;
  try {
    const row = await measured(ctx, "Send flood (one user, two connections)", async () => {
      const end = Date.now() + ms;
      const n = await floodLoop(lanes, () => Date.now() >= end, async (lane) => {
        try {
          await clients[lane % 2].invoke("Send", { conversationId: conv, clientMsgId: newClientMsgId(), kind: "text", text: "flood" });
          count(answers, "ok");
        } catch (error) {
          const text = String(error?.message ?? error);
          const code = errorCode(text) ?? "other";
          count(answers, code);
          if (code === "rate_limited") {
            const hint = /retry after (\d+) ms/.exec(text);
            if (hint) hints.push(Number(hint[1])); else withoutHint++;
          }
        }
      });
      return { calls: n, answers };
    });
    const acked = answers.ok ?? 0;
    row.ackedPerSecond = acked / (row.ms / 1000);
    row.retryHints = hints.length ? latencyStats(hints) : null;
    row.withoutHint = withoutHint;
    row.note = `${acked} acked (${row.ackedPerSecond.toFixed(1)}/s), ${answers.rate_limited ?? 0} rate_limited` +
      (hints.length ? `, "retry after N ms" N ${hints.reduce((a, b) => Math.min(a, b))}–${hints.reduce((a, b) => Math.max(a, b))}` : "") + (withoutHint ? `, ${withoutHint} without the hint` : "");
    return row;
  } finally {
    await Promise.all(clients.map((c) => c.stop()));
  }
}

async function postStatus(url, body) {
  try {
    const response = await fetch(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    await response.arrayBuffer();
    return String(response.status);
  } catch (error) {
    return `error ${error?.cause?.code ?? "fetch"}`;
  }
}

/** POST /api/auth/guest `requests` times: how many accounts a stranger can mint, at what rate. */
export async function guestFlood(ctx, { requests, lanes = 8 }) {
  const answers = {};
  let done = 0;
  return measured(ctx, "guest-account creation (POST /api/auth/guest)", async () => {
    const n = await floodLoop(lanes, () => done >= requests, async () => {
      done++;
      count(answers, await postStatus(`${ctx.gateway().url}/api/auth/guest`, { displayName: "flood" }));
    });
    return { calls: n, answers };
  }).then((row) => ({ ...row, note: `${answers["200"] ?? 0} guests created (${((answers["200"] ?? 0) / (row.ms / 1000)).toFixed(1)}/s)` }));
}

/** POST /api/auth/login with wrong passwords for one account; then whether the right password still works. */
export async function wrongPasswordFlood(ctx, { requests, lanes = 8 }) {
  const userId = uid("pw");
  await register(ctx.gateway().url, userId, "the right password", "Victim");
  const answers = {};
  let done = 0;
  const row = await measured(ctx, "login with wrong passwords", async () => {
    const n = await floodLoop(lanes, () => done >= requests, async () => {
      done++;
      count(answers, await postStatus(`${ctx.gateway().url}/api/auth/login`, { userId, password: `wrong ${randomBytes(4).toString("hex")}` }));
    });
    return { calls: n, answers };
  });
  let rightAfter;
  try { await login(ctx.gateway().url, userId, "the right password"); rightAfter = "200"; } catch (error) { rightAfter = String(error.status ?? error.message); }
  row.note = `${(row.calls / (row.ms / 1000)).toFixed(1)} attempts/s; the right password right after: ${rightAfter}`;
  return row;
}

