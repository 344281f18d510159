// Customer-service desks under load, end to end (issue 10): PostgreSQL, silos and two gateways as separate processes
// behind nginx (lib/cluster.js), 300 visitors and 20 agents on the official @microsoft/signalr client, half pinned to
// each gateway. The desk is configured over REST (PUT /api/desks/{deskId}) with agent capacity 3, so most visitors
// wait. Each chat is a ping-pong (lib/deskparties.js) that the agent finishes, so the queue drains. While a third of
// the chats are done, gw1 is SIGKILLed with its agents mid-chat: its clients reconnect through nginx to gw2.
// What must hold (docs/protocol.md "Customer service"):
//   1. every visitor is assigned exactly once, to one agent (agents' `assigned`, visitors' `queue`);
//   2. no agent is ever over capacity (its own count of held chats, and every GetAgentState answer);
//   3. each visitor's queue positions only decrease;
//   4. every chat's messages arrive in seq order, none lost, none twice (pushes, History);
//   5. across the kill, agents and visitors keep their conversations and nothing sent around it is lost.
// Sizes are parameters (DESK_LOAD_VISITORS, _AGENTS, _CAPACITY, _ROUNDS, _THINK_MS, _SILOS, _TRANSPORT, _KILL_AFTER);
// the defaults are the issue's figures.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { startCluster } from "./lib/cluster.js";
import { connectPinned } from "./lib/pinning.js";
import { TRANSPORTS, fullHistory, hostToken, sleep } from "./lib/chat.js";
import { retrying } from "./lib/retry.js";
import { getDesk, mintUsers, putDesk } from "./lib/desks.js";
import { Agent, Ledger, Visitor } from "./lib/deskparties.js";

const int = (name, fallback) => {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
};
const VISITORS = int("DESK_LOAD_VISITORS", 300);
const AGENTS = int("DESK_LOAD_AGENTS", 20);
const CAPACITY = int("DESK_LOAD_CAPACITY", 3);
const ROUNDS = int("DESK_LOAD_ROUNDS", 3);
const THINK_MS = int("DESK_LOAD_THINK_MS", 100);
const SILOS = int("DESK_LOAD_SILOS", 2);
// The share of chats finished before gw1 is killed; 1 or more: no kill (to measure the load alone; test 5 then fails).
const KILL_AFTER = Number(process.env.DESK_LOAD_KILL_AFTER ?? 0.3);
const OPEN_PARALLEL = int("DESK_LOAD_OPEN_PARALLEL", 100); // visitors whose OpenServiceChat is in flight at once
const TRANSPORT = process.env.DESK_LOAD_TRANSPORT ?? "WebSockets";
const LOAD_LIMIT_MS = 240_000;
const DESK = "load-desk";

const say = (line) => console.log(`# ${line}`);
const transport = Object.fromEntries(TRANSPORTS)[TRANSPORT];
const gatewayOf = (i) => (i % 2 === 0 ? "gw1" : "gw2");

let cluster;
const ledger = new Ledger({ deskId: DESK, capacity: CAPACITY, rounds: ROUNDS, thinkMs: THINK_MS });
const agents = [];
const visitors = [];
const timings = {};
let killChats = [];      // chats held by gw1's agents when it was killed: { conversationId, agentId, visitor }
const histories = new Map(); // conversationId -> History

/** Runs fn over items, `parallel` at a time. */
async function each(items, parallel, fn) {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(parallel, items.length) }, async () => {
    for (let i = next++; i < items.length; i = next++) await fn(items[i], i);
  }));
}

async function connect(user, gateway, name) {
  return connectPinned(cluster, user, transport, gateway, { name, reconnectForMs: 90_000 });
}

/** Waits until a third of the chats are done and an agent of gw1 is mid-chat, then SIGKILLs gw1. */
async function killGatewayMidChat(deadline) {
  const start = Date.now();
  const onGw1 = agents.filter((a) => a.gateway === "gw1");
  while (Date.now() < deadline) {
    const midChat = onGw1.flatMap((a) => [...a.chats.entries()].filter(([, c]) => c.replied.size < ROUNDS).map(([id]) => ({ conversationId: id, agentId: a.id })));
    if (ledger.finished >= VISITORS * KILL_AFTER && midChat.length) {
      killChats = onGw1.flatMap((a) => [...a.chats.entries()].map(([id, chat]) => ({
        conversationId: id, agentId: a.id, midChat: chat.replied.size < ROUNDS, visitor: visitors.find((v) => v.conversationId === id) })));
      ledger.killedAt = await cluster.killNode("gw1");
      say(`gw1 killed at +${((ledger.killedAt - start) / 1000).toFixed(1)} s after ${ledger.finished} finished chats; its agents held ${killChats.length} chats (${midChat.length} mid-exchange)`);
      return;
    }
    await sleep(20);
  }
}

before(async () => {
  const started = Date.now();
  cluster = await startCluster({ silos: SILOS, gateways: 2, log: say });
  timings.cluster = Date.now() - started;
  const base = cluster.url;

  let mark = Date.now();
  const operator = { userId: "load-operator", token: (await hostToken(base, "load-operator", "Operator", "operator")).token };
  const staff = await mintUsers(base, AGENTS, { prefix: "agent", role: "agent" });
  const guests = await mintUsers(base, VISITORS, { prefix: "visitor" });
  const config = { deskId: DESK, name: "Load desk", agents: staff.map((s) => s.userId), supervisors: [], agentCapacity: CAPACITY,
    // No take-back for slow answers: this test counts assignments, and every agent answers within a second anyway.
    noAnswerTimeoutSeconds: 0, stickyWindowSeconds: 0 };
  const stored = await putDesk(base, operator.token, config);
  assert.equal(stored.agentCapacity, CAPACITY, `PUT answers the stored desk: ${JSON.stringify(stored).slice(0, 300)}`);
  assert.deepEqual((await getDesk(base, operator.token, DESK)).agents, config.agents);
  timings.tokensAndDesk = Date.now() - mark;

  mark = Date.now();
  await each(staff, 10, async (user, i) => {
    const agent = new Agent(ledger, user, await connect(user, gatewayOf(i), `agent${i}@${gatewayOf(i)}`), gatewayOf(i));
    agents.push(agent);
    const state = await agent.goOnline();
    assert.equal(state.capacity, CAPACITY, `${user.userId} gets the desk's capacity`);
  });
  await each(guests, 25, async (user, i) => {
    visitors.push(new Visitor(ledger, user, await connect(user, gatewayOf(i), `visitor${i}@${gatewayOf(i)}`), gatewayOf(i)));
  });
  timings.connect = Date.now() - mark;

  // Agents check their load on the server all along; a chat they hold that no event announced is theirs after 10 s.
  let polling = true;
  const pollers = agents.map(async (agent) => {
    while (polling) {
      await sleep(400 + Math.random() * 200);
      try { await agent.checkState(10_000); } catch (error) { if (polling) ledger.problem(`${agent.id} GetAgentState: ${error.message}`); }
    }
  });

  mark = Date.now();
  const deadline = mark + LOAD_LIMIT_MS;
  const kill = KILL_AFTER < 1 ? killGatewayMidChat(deadline) : Promise.resolve();
  const progress = setInterval(() => {
    const waiting = visitors.filter((v) => v.openPosition != null && !v.servedAt).length;
    say(`+${((Date.now() - mark) / 1000).toFixed(0)} s: ${ledger.finished} finished, ${agents.reduce((n, a) => n + a.chats.size, 0)} held, ${waiting} waiting, ${ledger.problemCount} problems`);
  }, 5000);
  // Everyone opens at once (OPEN_PARALLEL in flight): 60 slots for 300 visitors, so a queue forms.
  await each(visitors, OPEN_PARALLEL, (v) => v.open().catch((error) => ledger.problem(`${v.id} OpenServiceChat: ${String(error?.message ?? error)}`)));
  timings.opened = Date.now() - mark;
  await kill;
  while (ledger.finished < VISITORS && Date.now() < deadline) await sleep(50);
  // The last `queue` push (all null) may still be on its way; a visitor whose push was lost to the kill asks.
  await sleep(1000);
  await each(visitors.filter((v) => !v.closed), 20, (v) => v.poll().catch(() => {}));
  await Promise.all([...agents, ...visitors].map((p) => p.idle()));
  polling = false;
  clearInterval(progress);
  await Promise.all(pollers);
  timings.load = Date.now() - mark;

  mark = Date.now();
  await each(visitors, 20, async (v) => {
    try {
      histories.set(v.conversationId, await retrying(v.client, "History", () => fullHistory(v.client, v.conversationId)));
    } catch (error) {
      ledger.problem(`${v.id} History: ${error.message}`);
      histories.set(v.conversationId, []);
    }
  });
  timings.verify = Date.now() - mark;
  timings.total = Date.now() - started;
  const waits = visitors.filter((v) => v.servedAt).map((v) => v.openPosition ?? 0);
  say(`${VISITORS} visitors, ${AGENTS} agents × capacity ${CAPACITY}, ${ROUNDS} rounds, think ${THINK_MS} ms, ${SILOS} silos, ${TRANSPORT}`);
  say(`finished ${ledger.finished}/${VISITORS} chats in ${timings.load} ms (${(ledger.finished / (timings.load / 1000)).toFixed(1)} chats/s); ` +
    `highest queue position ${Math.max(0, ...waits)}; most held at once ${Math.max(...agents.map((a) => a.maxHeld))}, ` +
    `most in GetAgentState ${Math.max(...agents.map((a) => a.maxServerLoad))}`);
  const openMs = visitors.map((v) => v.openMs ?? Infinity).sort((a, b) => a - b);
  say(`OpenServiceChat ms (${OPEN_PARALLEL} in flight): median ${openMs[openMs.length >> 1]}, p95 ${openMs[Math.floor(openMs.length * 0.95)]}, max ${openMs.at(-1)}`);
  say(`kill: ${killChats.length} chats on gw1's agents; sends retried ${ledger.retriedSends}; messages recovered by Sync ${ledger.recovered}; ` +
    `chats taken from GetAgentState ${agents.reduce((n, a) => n + a.adopted.length, 0)}`);
  say(`timings ms: ${JSON.stringify(timings)}`);
  if (ledger.problemCount) say(`${ledger.problemCount} problems, first: ${ledger.problems.slice(0, 10).join(" | ")}`);
});

after(async () => {
  await Promise.all([...agents, ...visitors].map((p) => p.client.stop()));
  if (cluster) {
    for (const name of cluster.names()) {
      // nginx refusing gw1 and silos losing its connection are the kill itself.
      const excerpt = cluster.logExcerpt(name, /^(?!.*(connect\(\) failed|Connection reset by peer|Broken pipe)).*(fail|error|exception|crit)/i, 6);
      if (excerpt) say(`${name} log errors, last lines:\n${excerpt.split("\n").map((l) => `#   ${l.slice(0, 300)}`).join("\n")}`);
    }
    await cluster.stop();
  }
});

const problemsMatching = (pattern) => ledger.problems.filter((p) => pattern.test(p));

describe(`desk under load: ${VISITORS} visitors, ${AGENTS} agents, two gateways`, { timeout: 420_000 }, () => {
  it("serves every visitor exactly once, each by one agent, and the queue drains", () => {
    // Every problem that is not about capacity or positions (tests 2 and 3): refusals, double assignments, failed calls.
    assert.deepEqual(ledger.problems.filter((p) => !/capacity|position/.test(p)), []);
    assert.equal(ledger.finished, VISITORS, "every chat was finished by its agent");
    const unserved = visitors.filter((v) => !ledger.assignments.has(v.conversationId)).map((v) => v.id);
    assert.deepEqual(unserved, [], "every visitor was assigned");
    for (const v of visitors) {
      const given = ledger.assignments.get(v.conversationId);
      assert.equal(given.length, 1, `${v.conversationId} assigned once (${JSON.stringify(given)})`);
      assert.deepEqual([...v.agents], [given[0].agentId], `${v.id} saw only the agent the desk gave its chat`);
      assert.ok(v.closed, `${v.id} was told its chat was finished`);
    }
    // Chats taken from GetAgentState instead of an event: only by agents whose connection dropped (the kill).
    const adopted = agents.flatMap((a) => a.adopted.filter((x) => x.afterReconnects === 0).map((x) => `${a.id}:${x.conversationId}`));
    assert.deepEqual(adopted, [], "agents that never reconnected got an `assigned` event for every chat");
  });

  it("never has an agent over capacity", () => {
    assert.deepEqual(problemsMatching(/capacity/), []);
    for (const a of agents) assert.ok(a.maxHeld <= CAPACITY && a.maxServerLoad <= CAPACITY, `${a.id}: held ${a.maxHeld}, server ${a.maxServerLoad}`);
    // The load really reached capacity, so the bound was tested.
    assert.equal(Math.max(...agents.map((a) => a.maxHeld)), CAPACITY);
  });

  it("only ever moves a waiting visitor forward", () => {
    assert.deepEqual(problemsMatching(/position/), []);
    const waited = visitors.filter((v) => v.openPosition > 1);
    assert.ok(waited.length >= Math.min(VISITORS - AGENTS * CAPACITY, VISITORS / 2), `a queue formed (${waited.length} visitors waited)`);
    assert.ok(waited.some((v) => v.pushedPositions.length > 1), "waiting visitors were told their new positions");
  });

  it("delivers every message of every chat in order, none lost, none twice", () => {
    const expected = ["hello", ...Array.from({ length: ROUNDS }, (_, i) => [`a${i + 1}`, `v${i + 1}`]).flat()];
    for (const v of visitors) {
      const history = histories.get(v.conversationId);
      const agentId = ledger.assignments.get(v.conversationId)?.[0]?.agentId;
      assert.deepEqual(history.map((m) => m.seq), history.map((_, i) => i + 1), `${v.conversationId}: seqs 1..n`);
      assert.deepEqual(history.map((m) => m.text).sort(), [...expected].sort(), `${v.conversationId}: each message once`);
      assert.equal(new Set(history.map((m) => m.clientMsgId)).size, history.length, `${v.conversationId}: clientMsgIds unique`);
      const seqOf = Object.fromEntries(history.map((m) => [m.text, m.seq]));
      for (let k = 1; k <= ROUNDS; k++) {
        assert.ok(seqOf[`a${k}`] < seqOf[`v${k}`] && (k === ROUNDS || seqOf[`v${k}`] < seqOf[`a${k + 1}`]), `${v.conversationId}: a${k} < v${k} < a${k + 1}`);
      }
      for (const m of history) assert.equal(m.senderId, /^a/.test(m.text) ? agentId : v.id, `${v.conversationId}: ${m.text} from the right side`);
    }
    // Every connection got its pushes of a chat in ascending seq order, no seq twice.
    for (const p of [...agents, ...visitors]) {
      const last = new Map();
      for (const m of p.client.events.message) {
        assert.ok(m.seq > (last.get(m.conversationId) ?? 0), `${p.id}: pushed ${m.conversationId} #${m.seq} after #${last.get(m.conversationId)}`);
        last.set(m.conversationId, m.seq);
      }
    }
  });

  it("keeps the conversations of a killed gateway's agents and visitors, losing nothing", async () => {
    assert.ok(ledger.killedAt, "gw1 was killed while its agents were mid-chat");
    assert.ok(killChats.length > 0, "gw1's agents held chats at the kill");
    const onGw1 = [...agents, ...visitors].filter((p) => p.gateway === "gw1");
    const notBack = onGw1.filter((p) => p.reconnects === 0 || p.client.cookieGateway() !== "gw2").map((p) => p.id);
    assert.deepEqual(notBack, [], "every client of gw1 reconnected, to gw2");
    for (const { conversationId, agentId, visitor } of killChats) {
      assert.deepEqual([...visitor.agents], [agentId], `${conversationId}: the visitor kept its agent`);
      assert.deepEqual(ledger.assignments.get(conversationId).map((x) => x.agentId), [agentId], `${conversationId}: not handed to anyone else`);
      const texts = histories.get(conversationId).map((m) => m.text);
      assert.ok(texts.length === 1 + 2 * ROUNDS && new Set(texts).size === texts.length, `${conversationId}: every message once (${texts})`);
    }
    // Server and test share the clock. Which chats still had messages to come is known only afterwards (a reply may have
    // been stored just before the kill, its push lost with the gateway): at least one did, and all of them are complete.
    const wentOn = killChats.filter(({ conversationId }) => histories.get(conversationId).some((m) => Date.parse(m.sentAt) > ledger.killedAt));
    assert.ok(wentOn.length > 0, `a chat of gw1's agents went on after the kill (${killChats.filter((c) => c.midChat).length} were mid-exchange)`);
    // Agents of gw1 are online again (they said so after reconnecting) and hold nothing: every chat finished.
    for (const a of agents.filter((x) => x.gateway === "gw1")) {
      const state = await retrying(a.client, "GetAgentState", () => a.client.invoke("GetAgentState"));
      assert.equal(state.status, "online", `${a.id} is online after the kill`);
      assert.deepEqual(state.chats, [], `${a.id} holds no chat at the end`);
    }
  });
});
