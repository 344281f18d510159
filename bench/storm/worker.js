// One worker process of the storm (storm.js forks several: a process may hold at most 20,000 open files here). It
// owns a contiguous range of users and every group made of them, so it checks its own conversations with no help:
// every message acknowledged to one of its senders must reach every member, at its seq, once.
//
// Commands from storm.js (IPC), each answered with a message of the same type when done: setup (sign in and
// connect), groups (CreateGroup), send (each sender sends its messages, one at a time), trickle (keep sending until
// killed), killed (the gateway is gone: what was in flight and the outage messages wait for the reconnect), ready (the
// restarted gateway answers /health/ready: for the figures), final (every member syncs its whole log and checks it).
import { randomBytes } from "node:crypto";
import signalR from "@microsoft/signalr";
import { LocalHttpClient, Tally, reasonOf, retryPolicy, webSocketFrom } from "./transport.js";
import { Member, pooled, postJson } from "./member.js";

const clock = () => Date.now();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

class Worker {
  constructor(config) {
    this.config = config;
    this.tally = new Tally();       // attempts: websocket, negotiate
    this.refusals = { outage: new Tally(), afterReady: new Tally() }; // failed attempts by reason
    this.losses = new Tally();      // why connections dropped
    this.closedForGood = new Tally(); // closes the client's automatic reconnect does not retry, by reason
    this.errors = new Tally();      // failed calls: group_<code>, send_<code>, sync_<code>
    this.state = { killedAt: null, readyAt: null };
    this.members = [];
    this.groups = [];
  }

  async setup() {
    const c = this.config;
    this.setupDeadline = clock() + c.setupTimeoutMs;
    const classes = new Map();
    for (let i = c.from; i < c.to; i++) {
      const address = `127.0.0.${2 + (i % c.addresses)}`;
      if (!classes.has(address)) classes.set(address, webSocketFrom(address, this.tally, c.attemptTimeoutMs));
      this.members.push(new Member(this, i, address, classes.get(address)));
    }
    // Groups never cross workers; a last group of one joins the one before it.
    for (let at = 0; at < this.members.length; at += c.groupSize) {
      const slice = this.members.slice(at, at + c.groupSize);
      if (slice.length === 1 && this.groups.length) this.groups.at(-1).members.push(slice[0]);
      else this.groups.push({ id: null, members: slice, acked: new Map(), senders: [] });
    }
    for (const group of this.groups) {
      for (const m of group.members) m.group = group;
      const senders = Math.max(1, Math.round(c.senderFraction * group.members.length));
      group.senders = group.members.slice(0, senders);
      for (const s of group.senders) s.sender = true;
    }
    await pooled(this.members, 16, async (m) => {
      const issued = await postJson(`${c.url}/api/auth/token`, { userId: `storm-${c.runId}-${m.index}`, displayName: `Storm ${m.index}`, role: "user" }, { "X-Api-Key": c.apiKey });
      m.userId = issued.userId;
      m.token = issued.token;
    });
    let failed = 0;
    await pooled(this.members, c.connectConcurrency, async (m) => {
      m.connection = this.build(m);
      for (let attempt = 0; ; attempt++) {
        try { await m.connection.start(); return; } catch (e) {
          if (attempt >= 20) { failed++; m.startError = String(e?.message ?? e); return; }
          await sleep(200 + Math.random() * 1000);
        }
      }
    });
    return { connected: this.members.length - failed, failed, groups: this.groups.length };
  }

  build(member) {
    const c = this.config;
    const connection = new signalR.HubConnectionBuilder()
      .withUrl(`${c.url}/hubs/chat?device=storm`, {
        transport: signalR.HttpTransportType.WebSockets,
        accessTokenFactory: () => member.token,
        httpClient: new LocalHttpClient(member.address, this.tally, c.attemptTimeoutMs),
        WebSocket: member.webSocketClass,
        timeout: c.attemptTimeoutMs,
      })
      .withAutomaticReconnect(retryPolicy(c.backoff, (reason) => this.refused(reason)))
      .configureLogging(signalR.LogLevel.None)
      .build();
    connection.on("message", (message) => member.onMessage(message));
    connection.onreconnecting((error) => member.onLost(error));
    connection.onreconnected(() => member.onReconnected());
    // The server closed with allowReconnect: false (SignalR does so whenever OnConnectedAsync throws, e.g. a grain
    // call timed out there during the storm): the client's automatic reconnect stops for good, so reconnect by hand.
    connection.onclose((error) => { if (!this.stopping) this.restart(member, error); });
    return connection;
  }

  async restart(member, error) {
    this.closedForGood.add(reasonOf(error));
    member.generation++;
    for (let attempt = 1; !this.stopping; attempt++) {
      const { initialMs, maxMs } = this.config.backoff;
      await sleep(Math.random() * Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 16)));
      try {
        await member.connection.start();
        member.onReconnected();
        return;
      } catch (e) {
        this.refused(e);
      }
    }
  }

  refused(reason) {
    (this.state.readyAt === null ? this.refusals.outage : this.refusals.afterReady).add(reasonOf(reason));
  }

  async groupsUp() {
    let failed = 0;
    await pooled(this.groups, this.config.connectConcurrency, async (group, i) => {
      const [owner, ...others] = group.members;
      // A CreateGroup that timed out may still have made its group: that one stays empty and unused.
      while (!group.id && clock() < this.setupDeadline) {
        try {
          const view = await owner.connection.invoke("CreateGroup", { title: `storm ${this.config.runId} ${this.config.from + i}`, memberIds: others.map((m) => m.userId) });
          group.id = view.conversationId ?? view.id;
        } catch (e) { this.errors.add(`group_${reasonOf(e)}`); await sleep(500 + Math.random() * 1000); }
      }
      if (!group.id) failed++;
    });
    return { groups: this.groups.length, failed };
  }

  async send() {
    const senders = this.members.filter((m) => m.sender && m.group.id);
    await pooled(senders, this.config.sendConcurrency, async (m) => {
      for (let i = 0; i < this.config.messages; i++) await m.sendNew(true);
    });
    return this.sentSummary();
  }

  trickle(rate) {
    const senders = this.members.filter((m) => m.sender && m.group.id);
    if (!senders.length || rate <= 0) return;
    let next = 0;
    const interval = 1000 / rate;
    const started = clock();
    let done = 0;
    const tick = () => {
      if (this.state.killedAt !== null) return;
      const due = Math.floor((clock() - started) / interval);
      for (; done < due; done++) {
        // One send in flight per sender keeps each sender's messages in order; a busy sender's turn is skipped.
        for (let tries = 0; tries < senders.length; tries++) {
          const m = senders[next++ % senders.length];
          if (!m.inFlight) { m.sendNew(false).catch(() => {}); break; }
        }
      }
      this.trickleTimer = setTimeout(tick, Math.max(5, interval));
    };
    tick();
  }

  killed(at) {
    this.state.killedAt = at;
    clearTimeout(this.trickleTimer);
    for (const m of this.members) if (m.sender && m.group.id) for (let i = 0; i < this.config.outageMessages; i++) m.queueNew();
  }

  sentSummary() {
    let acked = 0, failed = 0;
    for (const g of this.groups) acked += g.acked.size;
    for (const m of this.members) failed += m.sendFailures;
    return { acked, failed };
  }

  progress() {
    let reconnected = 0, synced = 0, done = 0;
    for (const m of this.members) {
      if (m.reconnectedAt !== null) reconnected++;
      if (m.syncedAt !== null) synced++;
      if (m.doneAt !== null) done++;
    }
    return { reconnected, synced, done, total: this.members.length };
  }

  async final() {
    // Members still reconnecting get half a minute more, all at once; whoever is not back then goes unchecked.
    const until = clock() + 30_000;
    while (this.members.some((m) => !m.connected) && clock() < until) await sleep(500);
    await pooled(this.members, this.config.connectConcurrency, (m) => m.finalCheck());
    const sum = (key) => this.members.reduce((t, m) => t + m.final[key], 0);
    return {
      members: this.members.length,
      reconnectedAt: this.members.map((m) => m.reconnectedAt),
      syncedAt: this.members.map((m) => m.syncedAt),
      doneAt: this.members.map((m) => m.doneAt),
      missingAtSync: this.members.reduce((t, m) => t + m.missingAtSync, 0),
      lost: sum("lost"), duplicatesStored: sum("duplicates"), gaps: sum("gaps"), unchecked: sum("unchecked"),
      duplicatePushes: this.members.reduce((t, m) => t + m.duplicatePushes, 0),
      duplicatePushesBeforeKill: this.members.reduce((t, m) => t + m.duplicatePushesBeforeKill, 0),
      conflicts: this.members.reduce((t, m) => t + m.conflicts, 0),
      reconnects: this.members.reduce((t, m) => t + m.reconnects, 0),
      ackedBeforeKill: this.groups.reduce((t, g) => t + [...g.acked.values()].filter((a) => a.beforeKill).length, 0),
      ackedTotal: this.groups.reduce((t, g) => t + g.acked.size, 0),
      resentDuplicates: this.members.reduce((t, m) => t + m.resentDuplicates, 0),
      pendingLeft: this.members.reduce((t, m) => t + m.pending.length, 0),
      attempts: this.tally.counts,
      refusals: { outage: this.refusals.outage.counts, afterReady: this.refusals.afterReady.counts },
      losses: this.losses.counts,
      errors: this.errors.counts,
      closedForGood: this.closedForGood.counts,
      samples: this.members.filter((m) => m.lastError).slice(0, 3).map((m) => m.lastError),
    };
  }
}

let worker;
process.on("message", async (command) => {
  try {
    let answer = null;
    switch (command.type) {
      case "setup": worker = new Worker({ ...command.config, runId: command.config.runId ?? randomBytes(4).toString("hex") }); answer = await worker.setup(); break;
      case "groups": answer = await worker.groupsUp(); break;
      case "send": answer = await worker.send(); break;
      case "trickle": worker.trickle(command.rate); answer = {}; break;
      case "killed": worker.killed(command.at); answer = {}; break;
      case "ready": worker.state.readyAt = command.at; answer = {}; break;
      case "progress": answer = worker.progress(); break;
      case "final": answer = await worker.final(); break;
      case "stop": worker.stopping = true; await Promise.all(worker.members.map((m) => m.connection?.stop().catch(() => {}))); answer = {}; break;
      default: throw new Error(`unknown command ${command.type}`);
    }
    process.send({ type: command.type, id: command.id, answer });
  } catch (error) {
    process.send({ type: command.type, id: command.id, error: String(error?.stack ?? error) });
  }
});
process.on("disconnect", () => process.exit(0));
