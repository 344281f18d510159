// Steady traffic for the cluster tests: users pinned to gateways in direct and group conversations, senders sending
// continuously with retries by clientMsgId, readers marking read, and every attempt and ack recorded for lib/audit.js.
import { TRANSPORTS, makeUsers, newClientMsgId, sleep } from "./chat.js";
import { pinned } from "./pinning.js";
import { ATTEMPT_TIMEOUT_MS, NON_RETRYABLE, classify, withTimeout } from "./retry.js";

const transportName = (i) => TRANSPORTS[i % TRANSPORTS.length][0];

/** The highest seq up to which the client holds every message (from `from`), as the web client's store keeps it. */
export function contiguousCursor(seqs, from = 0) {
  let cursor = from;
  while (seqs.has(cursor + 1)) cursor++;
  return cursor;
}

/**
 * Senders send continuously (one at a time each, 20–50 ms apart); a Send that errors or times out is retried with the
 * same clientMsgId until acknowledged or the deadline. Readers mark read now and then. Everything is recorded for audit.
 */
export class Traffic {
  constructor({ conversations, clientOf, hardDeadlineMs = 150_000 }) {
    this.conversations = conversations; // [{ id, members: [userId], senders: [userId], base }]
    this.clientOf = clientOf;           // userId -> ChatClient (pinned)
    this.records = new Map();           // clientMsgId -> record
    this.errors = {};                   // code -> count (every failed attempt)
    this.otherErrors = [];              // texts of unclassified errors
    this.reads = new Map();             // `${user}|${conv}` -> { attempted, acked }
    this.readErrors = {};
    this.stopping = false;
    this.hardDeadline = Date.now() + hardDeadlineMs;
    this.sendDeadline = this.hardDeadline;
    this.loops = [];
  }

  start() {
    this.startedAt = Date.now();
    for (const conv of this.conversations) for (const sender of conv.senders) this.loops.push(this.sendLoop(conv, sender));
    for (const userId of new Set(this.conversations.flatMap((c) => c.members))) this.loops.push(this.readLoop(userId));
  }

  async sendLoop(conv, sender) {
    const client = this.clientOf(sender);
    for (let n = 0; !this.stopping && Date.now() < this.hardDeadline; n++) {
      const record = { clientMsgId: newClientMsgId(), conversationId: conv.id, sender, text: `${sender} #${n}`, createdAt: Date.now(), attempts: 0, errors: [], allAcks: [] };
      this.records.set(record.clientMsgId, record);
      await this.sendUntilAcked(client, record);
      await sleep(20 + Math.random() * 30);
    }
  }

  async sendUntilAcked(client, record) {
    for (;;) {
      if (Date.now() > this.sendDeadline) { record.gaveUp = true; return; }
      record.attempts++;
      try {
        await client.ensureConnected();
        const call = client.invoke("Send", { conversationId: record.conversationId, clientMsgId: record.clientMsgId, kind: "text", text: record.text });
        call.then((ack) => { record.allAcks.push(ack); }, () => {}); // also the late answer of a timed-out attempt
        const ack = await withTimeout(call, ATTEMPT_TIMEOUT_MS);
        record.ack = ack;
        record.ackAt = Date.now();
        return;
      } catch (error) {
        const code = classify(error);
        record.errors.push(code);
        this.errors[code] = (this.errors[code] ?? 0) + 1;
        if (code === "other" && this.otherErrors.length < 10) this.otherErrors.push(String(error?.message ?? error).slice(0, 200));
        if (NON_RETRYABLE.has(code)) { record.failed = `${code}: ${String(error?.message ?? error).slice(0, 200)}`; return; }
        await sleep(code === "disconnected" ? 300 : 200);
      }
    }
  }

  async readLoop(userId) {
    const client = this.clientOf(userId);
    const mine = this.conversations.filter((c) => c.members.includes(userId));
    while (!this.stopping && Date.now() < this.hardDeadline) {
      await sleep(600 + Math.random() * 600);
      const conv = mine[Math.floor(Math.random() * mine.length)];
      const seen = new Set(client.messagesOf(conv.id).map((m) => m.seq));
      const seq = contiguousCursor(seen, conv.base);
      if (seq <= conv.base) continue;
      const key = `${userId}|${conv.id}`;
      const entry = this.reads.get(key) ?? { attempted: 0, acked: 0 };
      this.reads.set(key, entry);
      entry.attempted = Math.max(entry.attempted, seq);
      try {
        await client.ensureConnected();
        await withTimeout(client.invoke("MarkRead", conv.id, seq), ATTEMPT_TIMEOUT_MS);
        entry.acked = Math.max(entry.acked, seq);
      } catch (error) {
        const code = classify(error);
        this.readErrors[code] = (this.readErrors[code] ?? 0) + 1;
      }
    }
  }

  /** Stops new messages; in-flight ones keep retrying until `graceMs` from now. */
  async stop(graceMs = 60_000) {
    this.stopping = true;
    this.stoppedAt = Date.now();
    this.sendDeadline = Math.min(this.hardDeadline + graceMs, Date.now() + graceMs);
    await Promise.all(this.loops);
    this.finishedAt = Date.now();
  }

  acked() { return [...this.records.values()].filter((r) => r.ack); }

  /** Per conversation, the sorted ack times. */
  ackTimes() {
    const times = new Map(this.conversations.map((c) => [c.id, []]));
    for (const r of this.acked()) times.get(r.conversationId).push(r.ackAt);
    for (const list of times.values()) list.sort((a, b) => a - b);
    return times;
  }

  /** The longest gap between consecutive acks in each conversation (from `since`), and where it starts. */
  ackGaps(since = 0) {
    const gaps = [];
    for (const [id, list] of this.ackTimes()) {
      let worst = { gap: 0, from: null };
      let previous = null;
      for (const at of list) {
        if (previous !== null && at >= since && at - previous > worst.gap) worst = { gap: at - previous, from: previous };
        previous = at;
      }
      gaps.push({ id, ...worst, acks: list.length });
    }
    return gaps;
  }

  retried() { return [...this.records.values()].filter((r) => r.attempts > 1).length; }
}

/** Users on alternating gateways and transports; conversations: directs of pairs and groups. ctx is { cluster, clients }. */
export async function setUpConversations(ctx, { prefix, users: count, directs, groups, gatewayOf = (i) => (i % 2 ? "gw2" : "gw1"), transportOf = transportName }) {
  const users = await makeUsers(ctx.cluster.url, count, prefix);
  const byId = new Map();
  for (const [i, user] of users.entries()) {
    const client = await pinned(ctx, user, transportOf(i), gatewayOf(i), `${prefix}${i}@${gatewayOf(i)}/${transportOf(i)}`);
    byId.set(user.userId, client);
  }
  const conversations = [];
  for (const [a, b] of directs) {
    const view = await byId.get(users[a].userId).invoke("OpenDirect", users[b].userId);
    conversations.push({ id: view.conversationId, members: [users[a].userId, users[b].userId], senders: [users[a].userId, users[b].userId], base: view.lastSeq ?? 0 });
  }
  for (const [gi, { members, senders }] of groups.entries()) {
    const owner = users[members[0]];
    const view = await byId.get(owner.userId).invoke("CreateGroup", { title: `${prefix} group ${gi}`, memberIds: members.slice(1).map((i) => users[i].userId) });
    conversations.push({ id: view.conversationId, members: members.map((i) => users[i].userId), senders: senders.map((i) => users[i].userId), base: view.lastSeq ?? 0 });
  }
  return { users, conversations, clientOf: (userId) => byId.get(userId), clients: byId };
}
