// One storm user: one connection, one group conversation. It keeps what it has seen of the conversation by seq
// (pushes and Sync answers; pushes are at-least-once, so a repeat is counted, not an error), catches up with Sync after
// every reconnect as docs/protocol.md asks, checks that every message acknowledged before the kill is there at its
// seq, and then sends what waited for the reconnect (the sends in flight at the kill with their clientMsgIds, and the
// messages written during the outage).
import signalR from "@microsoft/signalr";
import { reasonOf } from "./transport.js";

const clock = () => Date.now();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const SYNC_LIMIT = 500;

export async function postJson(url, body, headers = {}) {
  for (let attempt = 0; ; attempt++) {
    try {
      const response = await fetch(url, { method: "POST", headers: { "Content-Type": "application/json", ...headers }, body: JSON.stringify(body), signal: AbortSignal.timeout(30_000) });
      const text = await response.text();
      if (!response.ok) throw new Error(`POST ${new URL(url).pathname}: ${response.status} ${text.slice(0, 200)}`);
      return JSON.parse(text);
    } catch (error) {
      if (attempt >= 5) throw error;
      await sleep(500 * (attempt + 1));
    }
  }
}

/** Runs fn over items with at most `limit` at once. */
export async function pooled(items, limit, fn) {
  let next = 0;
  const run = async () => { while (next < items.length) { const i = next++; await fn(items[i], i); } };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, run));
}

export class Member {
  constructor(worker, index, address, webSocketClass) {
    this.worker = worker;
    this.index = index;
    this.address = address;
    this.webSocketClass = webSocketClass;
    this.group = null;
    this.sender = false;
    this.log = new Map();         // seq -> clientMsgId, of the group conversation
    this.contiguous = 0;          // every seq up to this one is in the log
    this.pending = [];            // { cmid } waiting for the reconnect
    this.sent = 0;
    this.inFlight = false;
    this.sendFailures = 0;
    this.generation = 0;          // a newer reconnect stops an older catch-up
    this.reconnects = 0;
    this.reconnectedAt = null;    // the last reconnect before the member synced
    this.syncedAt = null;
    this.doneAt = null;           // synced and nothing left to send
    this.missingAtSync = 0;
    this.duplicatePushes = 0;     // repeats after the kill (around the reconnect, the offline hand-over)
    this.duplicatePushesBeforeKill = 0; // repeats in steady state
    this.conflicts = 0;           // two clientMsgIds at one seq: never expected
    this.resentDuplicates = 0;    // resends the server already had (duplicate: true)
    this.lastError = null;
    this.final = { lost: 0, duplicates: 0, gaps: 0, unchecked: 0 };
  }

  get connected() { return this.connection?.state === signalR.HubConnectionState.Connected; }

  add(message, push) {
    if (message.conversationId !== this.group.id) return;
    const seen = this.log.get(message.seq);
    if (seen !== undefined) {
      if (seen !== message.clientMsgId) this.conflicts++;
      else if (push && this.worker.state.killedAt === null) this.duplicatePushesBeforeKill++;
      else if (push) this.duplicatePushes++;
      return;
    }
    this.log.set(message.seq, message.clientMsgId);
    while (this.log.has(this.contiguous + 1)) this.contiguous++;
  }

  onMessage(message) { this.add(message, true); }

  onLost(error) {
    this.generation++;
    this.worker.losses.add(reasonOf(error));
  }

  async onReconnected() {
    this.reconnects++;
    const generation = ++this.generation;
    if (this.worker.state.killedAt === null) return; // a drop before the kill: the storm has not begun
    if (this.syncedAt === null) this.reconnectedAt = clock();
    while (generation === this.generation) {
      try { await this.sync(this.contiguous); break; } catch (e) { this.lastError = `Sync: ${e?.message ?? e}`; this.worker.errors.add(`sync_${reasonOf(e)}`); await sleep(500 + Math.random() * 1000); }
    }
    if (generation !== this.generation) return;
    if (this.syncedAt === null) {
      for (const [cmid, ack] of this.group.acked) if (ack.beforeKill && this.log.get(ack.seq) !== cmid) this.missingAtSync++;
      this.syncedAt = clock();
    }
    while (this.pending.length && generation === this.generation) {
      const next = this.pending[0];
      if (await this.sendOne(next.cmid, false, false)) this.pending.shift();
      else await sleep(500 + Math.random() * 1000);
    }
    if (!this.pending.length && this.doneAt === null && generation === this.generation) this.doneAt = clock();
  }

  /** Sync from `after` until the server has nothing more; answers the messages of the group conversation. */
  async sync(after, into = null) {
    const found = [];
    for (;;) {
      const answer = await this.connection.invoke("Sync", { cursors: { [this.group.id]: after }, limit: SYNC_LIMIT });
      let top = after;
      for (const m of answer.messages ?? []) {
        if (m.conversationId !== this.group.id) continue;
        found.push(m);
        if (into) into(m); else this.add(m, false);
        top = Math.max(top, m.seq);
      }
      if (!answer.hasMore || top === after) return found;
      after = top;
    }
  }

  nextId() { return `${this.worker.config.runId}-${this.index}-${this.sent++}`; }

  sendNew(awaited) {
    const cmid = this.nextId();
    return this.sendOne(cmid, this.worker.state.killedAt === null, awaited);
  }

  queueNew() { this.pending.push({ cmid: this.nextId() }); }

  /** One Send, one at a time per member; true when acknowledged. A failure waits for the reconnect (pending). */
  async sendOne(cmid, beforeKill, retryNow) {
    this.inFlight = true;
    try {
      for (let attempt = 0; ; attempt++) {
        try {
          const ack = await this.connection.invoke("Send", { conversationId: this.group.id, clientMsgId: cmid, kind: "text", text: `storm ${cmid}` });
          if (ack?.duplicate) this.resentDuplicates++;
          if (!this.group.acked.has(cmid)) this.group.acked.set(cmid, { seq: ack.seq, beforeKill, sender: this.index });
          return true;
        } catch (e) {
          this.lastError = `Send: ${e?.message ?? e}`;
          this.worker.errors.add(`send_${reasonOf(e)}`);
          if (retryNow && clock() < this.worker.setupDeadline && this.connected && this.worker.state.killedAt === null) { await sleep(300 + Math.random() * 700); continue; }
          this.sendFailures++;
          if (beforeKill || this.worker.state.killedAt !== null) {
            if (!this.pending.some((p) => p.cmid === cmid)) this.pending.push({ cmid });
          }
          return false;
        }
      }
    } finally {
      this.inFlight = false;
    }
  }

  /** The whole log again from seq 0, checked against every acknowledged message of the group. */
  async finalCheck() {
    if (!this.connected) { this.final.unchecked = this.group.acked.size; return; }
    const full = new Map();
    const counts = new Map();
    try {
      await this.sync(0, (m) => { full.set(m.seq, m.clientMsgId); counts.set(m.clientMsgId, (counts.get(m.clientMsgId) ?? 0) + 1); });
    } catch (e) {
      this.lastError = `final Sync: ${e?.message ?? e}`;
      this.final.unchecked = this.group.acked.size;
      return;
    }
    const top = full.size ? Math.max(...full.keys()) : 0;
    for (let seq = 1; seq <= top; seq++) if (!full.has(seq)) this.final.gaps++;
    for (const n of counts.values()) if (n > 1) this.final.duplicates += n - 1;
    for (const [cmid, ack] of this.group.acked) if (full.get(ack.seq) !== cmid) this.final.lost++;
  }
}
