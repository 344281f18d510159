// The visitors and agents of desk-load.test.js, each on its own pinned SignalR connection, driven by the server's
// events the way the widget and the console are: a visitor opens its service chat and answers each agent message; an
// agent takes what `assigned` gives it, writes, answers, and finishes after `rounds` exchanges. Whatever contradicts
// docs/protocol.md ("Customer service") is written to the shared ledger as it happens, for the test to assert on.
//
// A chat: visitor "hello" (while queued), then agent "a1", visitor "v1", …, agent "aN", visitor "vN", agent finishes.
// After a reconnect (a killed gateway) both sides do what the protocol asks: the visitor GetQueuePosition, the agent
// SetAgentStatus online and GetAgentState, and both Sync their chats from the last contiguous seq they hold.
import { sleep, syncAll } from "./chat.js";
import { contiguousCursor } from "./traffic.js";
import { ATTEMPT_TIMEOUT_MS, NON_RETRYABLE, classify, retrying, sendUntilAcked, withTimeout } from "./retry.js";

/** What all parties share: settings, the violations seen, who was assigned what, and counters for the report. */
export class Ledger {
  constructor(settings) {
    this.settings = settings;              // { deskId, capacity, rounds, thinkMs }
    this.problems = [];                    // first 40 violations, as text
    this.problemCount = 0;
    this.assignments = new Map();          // conversationId -> [{ agentId, how, at }]
    this.finished = 0;                     // chats finished by their agent
    this.retriedSends = 0;                 // sends that needed more than one attempt (the kill)
    this.recovered = 0;                    // messages a party got by Sync only
    this.killedAt = null;
  }

  problem(text) {
    this.problemCount++;
    if (this.problems.length < 40) this.problems.push(text);
  }

  assign(conversationId, agentId, how) {
    const list = this.assignments.get(conversationId) ?? [];
    list.push({ agentId, how, at: Date.now() });
    this.assignments.set(conversationId, list);
  }

  think() {
    const ms = this.settings.thinkMs;
    return sleep(ms / 2 + Math.random() * ms);
  }
}

/** One user's connection and the messages it holds per conversation (pushed or synced, deduplicated by seq). */
class Party {
  constructor(ledger, user, client, gateway) {
    Object.assign(this, { ledger, user, client, gateway, id: user.userId });
    this.seen = new Map();          // conversationId -> Map(seq -> message)
    this.reconnects = 0;
    this.tasks = new Set();
    client.connection.on("message", (m) => this.ingest(m));
    client.connection.onreconnected(() => {
      this.reconnects++;
      this.spawn(`${this.id} after reconnect`, () => this.afterReconnect());
    });
  }

  /** Runs a step in the background; a failure becomes a problem instead of an unhandled rejection. */
  spawn(what, fn) {
    const task = (async () => fn())().catch((error) => this.ledger.problem(`${what}: ${String(error?.message ?? error).slice(0, 300)}`));
    this.tasks.add(task);
    task.finally(() => this.tasks.delete(task));
  }

  held(conversationId) {
    if (!this.seen.has(conversationId)) this.seen.set(conversationId, new Map());
    return this.seen.get(conversationId);
  }

  /** A message pushed or synced: the first copy of each seq is acted on, later copies are ignored. */
  ingest(message, synced = false) {
    const held = this.seen.get(message.conversationId);
    if (!held || held.has(message.seq)) return;
    held.set(message.seq, message);
    if (synced) this.ledger.recovered++;
    if (message.senderId !== this.id) this.heard(message);
  }

  async send(conversationId, text) {
    const result = await sendUntilAcked(this.client, conversationId, text);
    if (result.errors.length) this.ledger.retriedSends++;
    // The sender's own message counts as held (its push may be lost in a reconnect), so the Sync cursor can pass it.
    this.held(conversationId).set(result.ack.seq, { seq: result.ack.seq, senderId: this.id, text, own: true });
    return result;
  }

  /** Sync from the last contiguous seq held, as the web client's store does after a reconnect. */
  async catchUp(conversationId) {
    const held = this.held(conversationId);
    const { messages } = await retrying(this.client, `Sync ${conversationId}`, () => syncAll(this.client, conversationId, contiguousCursor(new Set(held.keys()))));
    for (const m of messages) this.ingest(m, true);
  }

  async idle() {
    while (this.tasks.size) await Promise.allSettled([...this.tasks]);
  }
}

export class Visitor extends Party {
  constructor(ledger, user, client, gateway) {
    super(ledger, user, client, gateway);
    this.conversationId = `s:${ledger.settings.deskId}:${this.id}`; // known before OpenServiceChat answers: pushes may come first
    this.held(this.conversationId);
    this.openPosition = null;       // position in the OpenServiceChat answer
    this.pushedPositions = [];      // positions of `queue` events, in arrival order
    this.agents = new Set();        // every agentId seen (answer, events, polls)
    this.servedAt = null;
    this.closed = false;            // the desk said: no longer held (after being served)
    this.answered = new Set();
    client.connection.on("queue", (q) => this.queued(q, "event"));
  }

  /** OpenServiceChat, retried over a lost connection as a widget would (opening again keeps the chat's place). */
  async open() {
    const started = Date.now();
    const answer = await retrying(this.client, "OpenServiceChat", () => this.client.invoke("OpenServiceChat", this.ledger.settings.deskId), 60_000);
    this.openMs = Date.now() - started;
    if (answer.conversation.conversationId !== this.conversationId) this.ledger.problem(`${this.id}: OpenServiceChat answered ${answer.conversation.conversationId}`);
    this.queued(answer.queue, "open");
    this.opened = true;
    this.hello = this.send(this.conversationId, "hello");
    await this.hello;
  }

  queued(q, source) {
    if (q.conversationId !== this.conversationId) return;
    const { position, agentId } = q;
    if (source === "open") {
      // The answer was computed before any push about this chat, but may arrive after some: it is no newer than they are.
      if (this.openPosition == null) this.openPosition = position;
      if (agentId) {
        this.agents.add(agentId);
        this.servedAt ??= Date.now();
      }
      return;
    }
    if (position != null) {
      // Every push is computed after the OpenServiceChat answer; pushes arrive in order, so each is at most the one before.
      // A poll's answer is not ordered with the pushes (it may have been computed before an assignment pushed since):
      // it is only checked against the first position. A chat queued again would show in the pushes and assignments.
      if (source === "event") {
        if (this.servedAt) this.ledger.problem(`${this.id}: position ${position} pushed after being served by ${[...this.agents]}`);
        const last = this.pushedPositions.at(-1) ?? this.openPosition;
        this.pushedAt = (this.pushedAt ?? []).concat(Date.now());
        if (last != null && position > last) {
          const kill = this.ledger.killedAt ? ` (${Date.now() - this.ledger.killedAt} ms after the kill)` : "";
          // A value skipped earlier (…, 176, 174, then 175) is an old push overtaken by newer ones, not a chat put ahead.
          const skipped = this.pushedPositions.some((p, i) => p > position && position > (this.pushedPositions[i + 1] ?? Infinity));
          const late = skipped ? ", an older push arriving late" : "";
          this.ledger.problem(`${this.id}: position rose ${last} -> ${position}${late}${kill}; pushes before: ${this.pushedPositions.slice(-6).join(",")}`);
        }
        this.pushedPositions.push(position);
      } else if (source === "poll" && this.openPosition != null && position > this.openPosition) {
        this.ledger.problem(`${this.id}: polled position ${position} above the first ${this.openPosition}`);
      }
    }
    if (agentId) {
      this.agents.add(agentId);
      this.servedAt ??= Date.now();
    } else if (position == null && this.servedAt) {
      this.closed = true;
    }
  }

  heard(message) {
    const k = /^a(\d+)$/.exec(message.text ?? "")?.[1];
    if (!k || this.answered.has(k)) return;
    this.answered.add(k);
    this.spawn(`${this.id} answers a${k}`, async () => {
      await this.hello;
      await this.ledger.think();
      await this.send(this.conversationId, `v${k}`);
    });
  }

  async poll() {
    const q = await retrying(this.client, "GetQueuePosition", () => this.client.invoke("GetQueuePosition", this.conversationId));
    this.queued(q, "poll");
    return q;
  }

  async afterReconnect() {
    if (!this.opened) return; // open() itself retries
    await this.poll();
    await this.catchUp(this.conversationId);
  }
}

export class Agent extends Party {
  constructor(ledger, user, client, gateway) {
    super(ledger, user, client, gateway);
    this.chats = new Map();         // conversationId -> { visitorId, replied: Set, how }
    this.closing = new Set();       // FinishServiceChat sent, not yet answered
    this.done = new Set();          // finished by this agent
    this.maxHeld = 0;               // most chats held at once, as the events tell
    this.maxServerLoad = 0;         // most chats in a GetAgentState answer
    this.unknownSince = new Map();  // chats GetAgentState lists that no `assigned` told of yet
    this.adopted = [];              // chats taken from GetAgentState instead of an event
    client.connection.on("assigned", (a) => this.assigned(a, "event"));
  }

  async goOnline() {
    const state = await retrying(this.client, "SetAgentStatus", () => this.client.invoke("SetAgentStatus", "online"));
    if (state.status !== "online") this.ledger.problem(`${this.id}: SetAgentStatus online answered ${state.status}`);
    return state;
  }

  assigned(event, how) {
    const { conversationId } = event;
    if (event.deskId && event.deskId !== this.ledger.settings.deskId) this.ledger.problem(`${this.id}: assigned from desk ${event.deskId}`);
    const known = this.chats.get(conversationId);
    if (known) {
      // A late event for a chat taken from GetAgentState is the same assignment; a second event is a second assignment.
      if (how === "event") {
        if (known.eventSeen) this.ledger.problem(`${this.id}: assigned ${conversationId} twice`);
        known.eventSeen = true;
      }
      return;
    }
    if (this.done.has(conversationId)) {
      this.ledger.problem(`${this.id}: ${conversationId} assigned again after finishing it`);
      return;
    }
    this.ledger.assign(conversationId, this.id, how);
    this.chats.set(conversationId, { visitorId: event.visitorId ?? conversationId.split(":")[2], replied: new Set(), how, eventSeen: how === "event" });
    this.held(conversationId);
    this.unknownSince.delete(conversationId);
    // Chats leave this count when FinishServiceChat is sent, before the server can free their slot: a count above
    // capacity means the server gave this agent too many, whatever the timing of events and answers.
    const load = this.chats.size;
    this.maxHeld = Math.max(this.maxHeld, load);
    if (load > this.ledger.settings.capacity) this.ledger.problem(`${this.id}: holds ${load} chats, capacity ${this.ledger.settings.capacity}`);
    this.spawn(`${this.id} opens ${conversationId}`, async () => {
      if (how === "state") await this.joined(conversationId);
      await this.ledger.think();
      await this.send(conversationId, "a1");
    });
  }

  heard(message) {
    const chat = this.chats.get(message.conversationId);
    const k = Number(/^v(\d+)$/.exec(message.text ?? "")?.[1]);
    if (!chat || !k || chat.replied.has(k)) return;
    chat.replied.add(k);
    this.spawn(`${this.id} answers v${k} in ${message.conversationId}`, async () => {
      await this.ledger.think();
      if (k < this.ledger.settings.rounds) await this.send(message.conversationId, `a${k + 1}`);
      else await this.finish(message.conversationId);
    });
  }

  /**
   * The agent grain holds a chat a moment before the desk has the agent join the conversation (and sends `assigned`):
   * a chat found in GetAgentState is written to once GetQueuePosition (members only) names this agent.
   */
  async joined(conversationId) {
    for (const deadline = Date.now() + 15_000; Date.now() < deadline; await sleep(200)) {
      try {
        const q = await withTimeout(this.client.invoke("GetQueuePosition", conversationId), ATTEMPT_TIMEOUT_MS);
        if (q.agentId === this.id) return;
      } catch { /* not a member yet, or reconnecting */ }
    }
    throw new Error(`${this.id} holds ${conversationId} but was not made its agent within 15 s`);
  }

  /** FinishServiceChat, retried over a reconnect; not_found after a lost answer means the first attempt did it. */
  async finish(conversationId) {
    this.closing.add(conversationId);
    this.chats.delete(conversationId);
    for (let attempt = 1; ; attempt++) {
      try {
        await this.client.ensureConnected?.();
        await withTimeout(this.client.invoke("FinishServiceChat", conversationId), ATTEMPT_TIMEOUT_MS);
        break;
      } catch (error) {
        const code = classify(error);
        if (code === "not_found" && attempt > 1) {
          const state = await retrying(this.client, "GetAgentState", () => this.client.invoke("GetAgentState"));
          if (!state.chats.includes(conversationId)) break;
        }
        if (NON_RETRYABLE.has(code) || attempt >= 20) throw error;
        await sleep(300);
      }
    }
    this.closing.delete(conversationId);
    this.done.add(conversationId);
    this.ledger.finished++;
  }

  /** GetAgentState: load within capacity; a chat held that no event announced is taken up after a grace period. */
  async checkState(graceMs) {
    const state = await retrying(this.client, "GetAgentState", () => this.client.invoke("GetAgentState"));
    const { capacity } = this.ledger.settings;
    this.maxServerLoad = Math.max(this.maxServerLoad, state.chats.length);
    if (state.chats.length > capacity) this.ledger.problem(`${this.id}: GetAgentState lists ${state.chats.length} chats, capacity ${capacity}`);
    if (state.capacity !== capacity) this.ledger.problem(`${this.id}: GetAgentState capacity ${state.capacity}, the desk says ${capacity}`);
    const now = Date.now();
    for (const id of state.chats) {
      if (this.chats.has(id) || this.closing.has(id) || this.done.has(id)) continue;
      const since = this.unknownSince.get(id) ?? now;
      this.unknownSince.set(id, since);
      if (now - since >= graceMs) {
        this.adopted.push({ conversationId: id, afterReconnects: this.reconnects });
        this.assigned({ conversationId: id }, "state");
      }
    }
    return state;
  }

  async afterReconnect() {
    await this.goOnline();
    await this.checkState(0);  // `assigned` pushes sent while disconnected are gone: the state tells
    for (const id of this.chats.keys()) await this.catchUp(id);
  }
}
