// The audit after a cluster test's traffic: what every client got (pushes, then Sync) against History, Sync from 0
// and the PostgreSQL message log; counts of sent, acknowledged, delivered, recovered, lost and duplicated messages,
// unread checks and push outages, printed; and assertClean, which fails the test on any violation.
import assert from "node:assert/strict";
import { describeSeqs, fullHistory, sleep, syncAll } from "./chat.js";
import { retrying } from "./retry.js";
import { contiguousCursor } from "./traffic.js";

// Pushes to every connected member must resume after a silo dies or joins (gateways re-announce their connections when
// the active silos change); E2E_STRICT_PUSHES=0 only prints a member that got messages through Sync alone.
const STRICT_PUSHES = process.env.E2E_STRICT_PUSHES !== "0";

/** First push of each seq in arrival order, the raw duplicate count, and pushes that disagree with another of the same seq. */
export function pushedOf(client, conversationId) {
  const bySeq = new Map();
  const order = [];
  let duplicates = 0;
  let conflicts = 0;
  for (const m of client.messagesOf(conversationId)) {
    const first = bySeq.get(m.seq);
    if (first) {
      duplicates++;
      if (first.messageId !== m.messageId) conflicts++;
      continue;
    }
    bySeq.set(m.seq, m);
    order.push(m.seq);
  }
  return { bySeq, order, duplicates, conflicts };
}

/**
 * After the traffic: every client Syncs from its contiguous cursor; History is the truth. Answers the counts and
 * the violations (each an array of descriptions). ctx is { cluster, say }: the message log is read from cluster.pg, the counts are printed through say.
 */
export async function audit(ctx, traffic, { label, unreadTimeoutMs = 20_000 } = {}) {
  const { cluster, say } = ctx;
  const records = [...traffic.records.values()];
  for (const r of records) {
    // An attempt that timed out on the client may still have been answered later: then it is acknowledged after all.
    if (!r.ack && r.allAcks.length) { r.ack = r.allAcks[0]; r.ackAt = traffic.finishedAt; r.lateOnly = true; }
  }
  const acked = records.filter((r) => r.ack);
  const byCmid = new Map(records.map((r) => [r.clientMsgId, r]));
  const violations = { lostInLog: [], historyVsLog: [], lost: [], duplicated: [], gaps: [], ackMismatch: [], pushConflicts: [], unread: [], readCursor: [], failed: [], gaveUp: [] };
  const counts = {
    sent: records.length, acknowledged: acked.length, delivered: 0, recovered: 0, lost: 0, duplicated: 0, seqGaps: 0,
    retried: traffic.retried(), duplicateAcks: acked.filter((r) => r.ack.duplicate).length, storedUnacked: 0,
    pushDuplicates: 0, pushHoles: 0, syncedMessages: 0, pushOutages: 0, pushNeverResumed: 0, longestPushOutageMs: 0,
  };
  const outages = [];
  for (const r of records) {
    if (r.failed) violations.failed.push(`${r.clientMsgId} (${r.sender} in ${r.conversationId}): ${r.failed}`);
    else if (r.gaveUp) violations.gaveUp.push(`${r.clientMsgId} (${r.sender} in ${r.conversationId}) after ${r.attempts} attempts: ${r.errors.join(",")}`);
  }

  const histories = new Map();
  const seenBy = new Map(); // conv -> userId -> { pushed: Set(seq), all: Set(seq) }
  for (const conv of traffic.conversations) {
    const reader = traffic.clientOf(conv.members[0]);
    const history = await retrying(reader, `History of ${conv.id}`, () => fullHistory(reader, conv.id), 60_000);
    histories.set(conv.id, history);
    const bySeq = new Map(history.map((m) => [m.seq, m]));
    // The message log in PostgreSQL itself: what is durable, whatever any activation keeps in memory.
    const logRows = cluster.pg.query(`SELECT seq, message_id, client_msg_id FROM messages WHERE conversation_id = '${conv.id.replace(/'/g, "''")}' ORDER BY seq`);
    const logBySeq = new Map(logRows.map(([seq, messageId, clientMsgId]) => [Number(seq), { messageId, clientMsgId }]));
    counts.logRows = (counts.logRows ?? 0) + logRows.length;
    for (const r of acked.filter((x) => x.conversationId === conv.id)) {
      const row = logBySeq.get(r.ack.seq);
      if (!row || row.clientMsgId !== r.clientMsgId || row.messageId !== r.ack.messageId) violations.lostInLog.push(`${conv.id}: ack seq ${r.ack.seq} (${r.text}) → log has ${row ? `${row.clientMsgId} ${row.messageId}` : "no row"}`);
    }
    if (logRows.length !== history.length || history.some((m) => logBySeq.get(m.seq)?.messageId !== m.messageId)) {
      const missing = [...logBySeq.keys()].filter((seq) => !bySeq.has(seq));
      violations.historyVsLog.push(`${conv.id}: History has ${history.length} messages, the log ${logRows.length}; missing from History: seq ${describeSeqs(missing)}`);
    }
    // A new device: Sync from 0 must return the whole log too.
    const fresh = await retrying(reader, `Sync from 0 of ${conv.id}`, () => syncAll(reader, conv.id, 0, 500), 60_000);
    const freshSeqs = new Set(fresh.messages.map((m) => m.seq));
    const notSynced = [...logBySeq.keys()].filter((seq) => !freshSeqs.has(seq));
    if (notSynced.length || fresh.messages.length !== logRows.length) {
      violations.historyVsLog.push(`${conv.id}: Sync from 0 returned ${fresh.messages.length} messages, the log has ${logRows.length}; missing: seq ${describeSeqs(notSynced)}`);
    }
    // seq 1..N without gaps or repeats
    const seqs = history.map((m) => m.seq);
    for (let i = 0; i < seqs.length; i++) {
      if (seqs[i] !== i + 1) { violations.gaps.push(`${conv.id}: History seq ${describeSeqs(seqs)}`); counts.seqGaps++; break; }
    }
    // the same clientMsgId at two seqs
    const cmidSeqs = new Map();
    for (const m of history) if (m.clientMsgId) cmidSeqs.set(m.clientMsgId, [...(cmidSeqs.get(m.clientMsgId) ?? []), m.seq]);
    for (const [cmid, at] of cmidSeqs) if (at.length > 1) { violations.duplicated.push(`${conv.id}: clientMsgId ${cmid} at seq ${at.join(",")}`); counts.duplicated++; }
    for (const m of history) {
      const r = m.clientMsgId && byCmid.get(m.clientMsgId);
      if (r && !r.ack) counts.storedUnacked++;
    }
    // every ack (and every late ack of a timed-out attempt) names the stored message
    for (const r of acked.filter((x) => x.conversationId === conv.id)) {
      const stored = bySeq.get(r.ack.seq);
      if (!stored || stored.clientMsgId !== r.clientMsgId || stored.messageId !== r.ack.messageId) {
        violations.ackMismatch.push(`${conv.id}: ack seq ${r.ack.seq} ${r.ack.messageId} for ${r.clientMsgId}, History has ${stored ? `${stored.clientMsgId} ${stored.messageId}` : "nothing"}`);
      }
      for (const late of r.allAcks) {
        if (late.seq !== r.ack.seq || late.messageId !== r.ack.messageId) violations.ackMismatch.push(`${conv.id}: ${r.clientMsgId} acknowledged as seq ${r.ack.seq} and (another answer) as seq ${late.seq}`);
      }
    }

    // every member: pushes, then Sync from the contiguous cursor
    const members = new Map();
    for (const userId of conv.members) {
      const client = traffic.clientOf(userId);
      const pushed = pushedOf(client, conv.id);
      counts.pushDuplicates += pushed.duplicates;
      for (const [seq, m] of pushed.bySeq) {
        const stored = bySeq.get(seq);
        if (!stored || stored.messageId !== m.messageId) violations.pushConflicts.push(`${conv.id}: ${userId} was pushed seq ${seq} ${m.messageId} (${m.clientMsgId}), History has ${stored ? stored.messageId : "nothing"}`);
      }
      if (pushed.conflicts) violations.pushConflicts.push(`${conv.id}: ${userId} was pushed ${pushed.conflicts} seq(s) twice with different messages`);
      const pushedSeqs = new Set(pushed.bySeq.keys());
      const maxPushed = Math.max(0, ...pushedSeqs);
      for (let s = conv.base + 1; s < maxPushed; s++) if (!pushedSeqs.has(s)) counts.pushHoles++;
      const cursor = contiguousCursor(pushedSeqs, conv.base);
      const sync = await retrying(client, `Sync of ${conv.id}`, () => syncAll(client, conv.id, cursor), 60_000);
      counts.syncedMessages += sync.messages.length;
      const all = new Set(pushedSeqs);
      for (const m of sync.messages) {
        const stored = bySeq.get(m.seq);
        if (!stored || stored.messageId !== m.messageId) violations.pushConflicts.push(`${conv.id}: ${userId} got seq ${m.seq} from Sync as ${m.messageId}, History has ${stored?.messageId}`);
        all.add(m.seq);
      }
      const syncSeqs = sync.messages.map((m) => m.seq);
      if (syncSeqs.some((s, i) => i > 0 && s <= syncSeqs[i - 1])) violations.gaps.push(`${conv.id}: ${userId}'s Sync is not ascending: ${describeSeqs(syncSeqs)}`);
      members.set(userId, { pushed: pushedSeqs, all });

      // Push outages: runs of consecutive seqs this member got only through Sync while its connection stayed up or
      // came back; how long each lasted (ack times of its first and last message) and whether pushes resumed after it.
      const ackAtBySeq = new Map(acked.filter((x) => x.conversationId === conv.id).map((x) => [x.ack.seq, x.ackAt]));
      const onlySync = [...all].filter((seq) => seq > conv.base && !pushedSeqs.has(seq)).sort((x, y) => x - y);
      for (let i = 0; i < onlySync.length;) {
        let j = i;
        while (j + 1 < onlySync.length && onlySync[j + 1] === onlySync[j] + 1) j++;
        const from = onlySync[i], to = onlySync[j];
        const times = onlySync.slice(i, j + 1).map((seq) => ackAtBySeq.get(seq)).filter((at) => at !== undefined);
        const lasted = times.length ? Math.max(...times) - Math.min(...times) : 0;
        const resumed = maxPushed > to;
        counts.pushOutages++;
        if (!resumed) counts.pushNeverResumed++;
        counts.longestPushOutageMs = Math.max(counts.longestPushOutageMs, lasted);
        if (outages.length < 12) outages.push(`${client.name} in ${conv.id.slice(0, 16)}: seq ${from}..${to} (${to - from + 1} msgs over ${lasted} ms${resumed ? ", pushes resumed" : ", pushes never resumed"})`);
        i = j + 1;
      }
    }
    seenBy.set(conv.id, members);

    for (const r of acked.filter((x) => x.conversationId === conv.id)) {
      const others = conv.members.filter((u) => u !== r.sender);
      const missing = others.filter((u) => !members.get(u).all.has(r.ack.seq));
      if (missing.length) { counts.lost++; violations.lost.push(`${conv.id} seq ${r.ack.seq} (${r.text}) not seen by ${missing.join(",")} after Sync`); continue; }
      if (others.every((u) => members.get(u).pushed.has(r.ack.seq))) counts.delivered++;
      else counts.recovered++;
    }
    // log messages nobody acknowledged must reach everyone too
    for (const m of history) {
      const missing = conv.members.filter((u) => u !== m.senderId && !members.get(u).all.has(m.seq));
      if (missing.length && !(byCmid.get(m.clientMsgId)?.ack)) violations.lost.push(`${conv.id} seq ${m.seq} (stored, not acknowledged) not seen by ${missing.join(",")} after Sync`);
    }
  }

  // Unread: what ListConversations says equals messages from others after the read cursor, recomputed from History.
  const users = [...new Set(traffic.conversations.flatMap((c) => c.members))];
  const deadline = Date.now() + unreadTimeoutMs;
  let unreadChecked = 0;
  let wrong = [];
  for (;;) {
    wrong = [];
    unreadChecked = 0;
    for (const userId of users) {
      const client = traffic.clientOf(userId);
      const views = await retrying(client, "ListConversations", () => client.invoke("ListConversations"), 60_000);
      for (const conv of traffic.conversations.filter((c) => c.members.includes(userId))) {
        const view = views.find((v) => v.conversationId === conv.id);
        const history = histories.get(conv.id);
        if (!view) { wrong.push(`${userId}: ${conv.id} missing from ListConversations`); continue; }
        const truth = history.filter((m) => m.seq > view.readSeq && m.senderId !== userId).length;
        unreadChecked++;
        if (view.unread !== truth) wrong.push(`${userId} in ${conv.id}: unread ${view.unread}, truth ${truth} (readSeq ${view.readSeq}, lastSeq ${view.lastSeq}, History ${history.length})`);
        const read = traffic.reads.get(`${userId}|${conv.id}`);
        if (read && view.readSeq < read.acked) violations.readCursor.push(`${userId} in ${conv.id}: readSeq ${view.readSeq} < acknowledged MarkRead ${read.acked}`);
        if (view.readSeq > Math.max(read?.attempted ?? 0, conv.base)) violations.readCursor.push(`${userId} in ${conv.id}: readSeq ${view.readSeq} beyond any MarkRead (${read?.attempted ?? 0})`);
      }
    }
    if (!wrong.length || Date.now() > deadline) break;
    violations.readCursor = [];
    await sleep(1000);
  }
  violations.unread = wrong;
  counts.unreadChecked = unreadChecked;
  counts.unreadWrong = wrong.length;

  const first = Math.min(...acked.map((r) => r.ackAt));
  const last = Math.max(...acked.map((r) => r.ackAt));
  counts.ackPerSecond = acked.length > 1 ? Math.round((acked.length / ((last - first) / 1000)) * 10) / 10 : 0;
  counts.errorsByCode = traffic.errors;
  counts.readErrorsByCode = traffic.readErrors;
  say(`${label}: ${JSON.stringify(counts)}`);
  if (outages.length) say(`${label}: push outages (messages a connected member got only through Sync): ${outages.join(" | ")}`);
  if (counts.pushNeverResumed) say(`${label}: WARNING ${counts.pushNeverResumed} (member, conversation) pair(s) got no push again until the end of the run (E2E_STRICT_PUSHES=1 fails on this)`);
  if (traffic.otherErrors.length) say(`${label}: unclassified errors: ${JSON.stringify(traffic.otherErrors)}`);
  for (const [kind, list] of Object.entries(violations)) if (list.length) say(`${label}: ${kind} (${list.length}): ${list.slice(0, 8).join(" | ")}`);
  return { counts, violations };
}

export function assertClean({ counts, violations }, { allowGaveUp = false } = {}) {
  assert.equal(violations.failed.length, 0, `Sends refused with a non-retryable error: ${violations.failed.slice(0, 5).join(" | ")}`);
  if (!allowGaveUp) assert.equal(violations.gaveUp.length, 0, `Sends never acknowledged: ${violations.gaveUp.slice(0, 5).join(" | ")}`);
  assert.equal(violations.lostInLog.length, 0, `acknowledged but not in the PostgreSQL message log: ${violations.lostInLog.slice(0, 5).join(" | ")}`);
  assert.equal(violations.historyVsLog.length, 0, `History or Sync from 0 differ from the PostgreSQL message log: ${violations.historyVsLog.slice(0, 5).join(" | ")}`);
  assert.equal(counts.lost, 0, `lost (acknowledged, not seen after Sync): ${violations.lost.slice(0, 5).join(" | ")}`);
  assert.equal(violations.lost.length, 0, `stored messages not seen after Sync: ${violations.lost.slice(0, 5).join(" | ")}`);
  assert.equal(counts.duplicated, 0, `duplicated: ${violations.duplicated.slice(0, 5).join(" | ")}`);
  assert.equal(violations.gaps.length, 0, `seq gaps / order: ${violations.gaps.slice(0, 5).join(" | ")}`);
  assert.equal(violations.ackMismatch.length, 0, `acks that do not name the stored message: ${violations.ackMismatch.slice(0, 5).join(" | ")}`);
  assert.equal(violations.pushConflicts.length, 0, `pushes that disagree with History: ${violations.pushConflicts.slice(0, 5).join(" | ")}`);
  assert.equal(violations.readCursor.length, 0, `read cursors: ${violations.readCursor.slice(0, 5).join(" | ")}`);
  assert.equal(violations.unread.length, 0, `unread counts differ from the log: ${violations.unread.slice(0, 5).join(" | ")}`);
  if (STRICT_PUSHES) assert.equal(counts.pushNeverResumed, 0, `${counts.pushNeverResumed} connected member(s) stopped receiving pushes for the rest of the run (got messages only through Sync)`);
}
