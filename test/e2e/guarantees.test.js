// The delivery guarantees of docs/design.md, end to end against the real gateway process, with the official
// @microsoft/signalr client, each on all three transports (WebSockets, Server-Sent Events, long polling).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { startGateway } from "./lib/gateway.js";
import {
  TRANSPORTS, NEWEST, ChatClient, makeUsers, sendText, newClientMsgId, fullHistory, syncAll, refusal, forgeToken,
  loadClientStore, describeSeqs, sleep, signalR,
} from "./lib/chat.js";

const TEST_TIMEOUT = 180_000;
// Generous send limits: these tests measure delivery, not the rate limiter (which has its own test in the isolation block).
const CONFIG = ["RateLimit:Send:PerSecond=500", "RateLimit:Send:Burst=500"];

let gateway;
before(async () => { gateway = await startGateway({ name: "guarantees", config: CONFIG }); });
after(async () => { await gateway?.stop(); });

const clients = [];
async function connect(user, transport, name) {
  const client = await ChatClient.connect(gateway.url, user.token, transport, { name });
  clients.push(client);
  return client;
}
async function closeAll() {
  await Promise.all(clients.splice(0).map((c) => c.stop()));
}

function assertContiguous(seqs, from, to, what) {
  const expected = [];
  for (let s = from; s <= to; s++) expected.push(s);
  assert.deepEqual(seqs, expected, `${what}: expected seq ${from}..${to} ascending without gaps or repeats, got ${describeSeqs(seqs)}`);
}

/** Keeps the first push of every seq, in arrival order (what a client shows after dedupe). */
function dedupedPushOrder(client, conversationId) {
  const seen = new Set();
  const order = [];
  for (const m of client.messagesOf(conversationId)) {
    if (seen.has(m.seq)) continue;
    seen.add(m.seq);
    order.push(m.seq);
  }
  return { order, duplicates: client.messagesOf(conversationId).length - order.length };
}

for (const [transportName, transport] of TRANSPORTS) {
  describe(`guarantees over ${transportName}`, { timeout: TEST_TIMEOUT * 6 }, () => {
    after(closeAll);

    it("1. acknowledged means stored: a SIGKILL right after the ack loses nothing", { timeout: TEST_TIMEOUT }, async (t) => {
      const crashing = await startGateway({ name: `crash-${transportName}` });
      let restarted = null;
      try {
        const [alice, bob] = await makeUsers(crashing.url, 2, "crash");
        const a = await ChatClient.connect(crashing.url, alice.token, transport, { name: "alice" });
        const conv = await a.invoke("OpenDirect", bob.userId);
        const id = conv.conversationId;
        const acks = [];
        for (let i = 0; i < 5; i++) acks.push(await sendText(a, id, `durable ${i} ${transportName}`));
        // A pipelined burst: the kill lands right after the last of these acks.
        acks.push(...(await Promise.all([0, 1, 2, 3, 4].map((i) => sendText(a, id, `burst ${i} ${transportName}`)))));
        await crashing.kill("SIGKILL");
        t.diagnostic(`${acks.length} acks (seq ${describeSeqs(acks.map((x) => x.seq))}), then SIGKILL of pid ${crashing.pid}`);

        restarted = await startGateway({ name: `restart-${transportName}`, dataDir: crashing.dataDir });
        const b = await ChatClient.connect(restarted.url, bob.token, transport, { name: "bob" });
        try {
          const result = await b.invoke("Sync", { cursors: { [id]: 0 } });
          assert.ok(result.conversations.some((c) => c.conversationId === id), "Sync lists the conversation after the restart");
          const got = new Map(result.messages.filter((m) => m.conversationId === id).map((m) => [m.seq, m]));
          for (const ack of acks) {
            const m = got.get(ack.seq);
            assert.ok(m, `acknowledged seq ${ack.seq} ("${ack.text}") is missing after the crash; Sync returned ${describeSeqs([...got.keys()])}`);
            assert.equal(m.messageId, ack.messageId, `seq ${ack.seq} kept its messageId`);
            assert.equal(m.text, ack.text, `seq ${ack.seq} kept its text`);
            assert.equal(m.senderId, alice.userId);
          }
          // The idempotency record survived too: retrying an acknowledged send after the crash stores nothing new.
          const last = acks[acks.length - 1];
          const a2 = await ChatClient.connect(restarted.url, alice.token, transport, { name: "alice-after" });
          const retry = await sendText(a2, id, last.text, last.clientMsgId).finally(() => a2.stop());
          assert.equal(retry.duplicate, true, "a retry after the restart is a duplicate");
          assert.equal(retry.seq, last.seq);
          assert.equal(retry.messageId, last.messageId);
          t.diagnostic(`after restart Sync returned seq ${describeSeqs([...got.keys()].sort((x, y) => x - y))}; retry of seq ${last.seq} answered duplicate=${retry.duplicate}`);
        } finally {
          await b.stop();
        }
      } finally {
        await restarted?.stop();
        await crashing.stop();
      }
    });

    it("2. exactly once: a retried Send returns the first result and History holds it once", { timeout: TEST_TIMEOUT }, async (t) => {
      const [alice, bob] = await makeUsers(gateway.url, 2, "once");
      const a = await connect(alice, transport, "alice");
      const b = await connect(bob, transport, "bob");
      const id = (await a.invoke("OpenDirect", bob.userId)).conversationId;

      const cmid = newClientMsgId();
      const first = await sendText(a, id, "exactly once", cmid);
      const again = await sendText(a, id, "exactly once", cmid);
      assert.equal(first.duplicate, false, "the first Send is not a duplicate");
      assert.equal(again.duplicate, true, "the retry answers duplicate=true");
      assert.equal(again.seq, first.seq, "the retry answers the first seq");
      assert.equal(again.messageId, first.messageId, "the retry answers the first messageId");
      assert.equal(again.conversationId, id);

      // Concurrent retries from two connections of the same user (a lost ack retried on another device/connection).
      const a2 = await connect(alice, transport, "alice-2");
      const cmid2 = newClientMsgId();
      const racing = await Promise.all([a, a2, a, a2].map((c) => sendText(c, id, "raced", cmid2)));
      assert.equal(new Set(racing.map((r) => r.seq)).size, 1, `racing retries share one seq: ${racing.map((r) => r.seq)}`);
      assert.equal(new Set(racing.map((r) => r.messageId)).size, 1, "racing retries share one messageId");
      assert.equal(racing.filter((r) => !r.duplicate).length, 1, `exactly one racing Send stored it: duplicate flags ${racing.map((r) => r.duplicate)}`);

      // A retry on a brand-new connection (the client reconnected before it saw the ack).
      await a.stop();
      const a3 = await connect(alice, transport, "alice-3");
      const later = await sendText(a3, id, "exactly once", cmid);
      assert.deepEqual([later.seq, later.messageId, later.duplicate], [first.seq, first.messageId, true], "a retry after reconnecting is the same message");

      const history = await fullHistory(a3, id);
      assert.equal(history.filter((m) => m.clientMsgId === cmid).length, 1, "History holds the retried message once");
      assert.equal(history.filter((m) => m.clientMsgId === cmid2).length, 1, "History holds the raced message once");
      assertContiguous(history.map((m) => m.seq), 1, history[history.length - 1].seq, "History");
      await b.waitForSeqs(id, 2);
      const { order, duplicates } = dedupedPushOrder(b, id);
      assert.deepEqual(order, [first.seq, racing[0].seq], "the peer shows each message once after dedupe");
      t.diagnostic(`seq ${first.seq} (retried twice) and seq ${racing[0].seq} (raced 4×); History ${describeSeqs(history.map((m) => m.seq))}; peer got ${duplicates} duplicate push(es), dropped by dedupe`);
    });

    it("3. order: every member sees seq ascending without gaps", { timeout: TEST_TIMEOUT }, async (t) => {
      const users = await makeUsers(gateway.url, 4, "order");
      const [owner, ...others] = users;
      const conns = [];
      for (const [i, u] of users.entries()) conns.push(await connect(u, transport, `member${i}`));
      const view = await conns[0].invoke("CreateGroup", { title: `order ${transportName}`, memberIds: others.map((u) => u.userId) });
      const id = view.conversationId;
      const base = view.lastSeq ?? 0;
      const senders = conns.slice(0, 3); // three senders; the fourth member only listens
      const perSender = 15;

      // Every sender pipelines its messages; the senders run at the same time.
      const ackLists = await Promise.all(senders.map((c, s) =>
        Promise.all(Array.from({ length: perSender }, (_, i) => sendText(c, id, `s${s} #${i}`)))));
      const total = senders.length * perSender;
      const allAcks = ackLists.flat();
      assertContiguous(allAcks.map((x) => x.seq).sort((x, y) => x - y), base + 1, base + total, "acknowledged seqs");
      for (const [s, acks] of ackLists.entries()) {
        const seqs = acks.map((x) => x.seq);
        assert.deepEqual(seqs, [...seqs].sort((x, y) => x - y), `sender ${s}'s messages keep its sending order`);
      }

      for (const [i, c] of conns.entries()) {
        await c.waitForSeqs(id, total, 30000, base);
        const { order, duplicates } = dedupedPushOrder(c, id);
        const mine = order.filter((s) => s > base);
        assertContiguous(mine, base + 1, base + total, `member ${i} (${users[i].userId}) push order`);
        const texts = new Map(allAcks.map((x) => [x.seq, x.text]));
        for (const m of c.messagesOf(id)) if (m.seq > base) assert.equal(m.text, texts.get(m.seq), `member ${i}: seq ${m.seq} carries the text acknowledged for it`);
        if (duplicates) t.diagnostic(`member ${i} dropped ${duplicates} duplicate push(es)`);
      }
      const history = await fullHistory(conns[3], id);
      assertContiguous(history.map((m) => m.seq), 1, base + total, "History");
      const sync = await syncAll(conns[3], id, 0, 10);
      assertContiguous(sync.messages.map((m) => m.seq), 1, base + total, "Sync paged by 10");
      t.diagnostic(`${total} messages from ${senders.length} concurrent senders: every one of ${conns.length} members saw seq ${base + 1}..${base + total} in order; Sync took ${sync.rounds} pages of 10`);
    });

    it("4. completeness after disconnect: Sync from the last seen cursor returns everything, once", { timeout: TEST_TIMEOUT }, async (t) => {
      const ChatStore = await loadClientStore();
      const users = await makeUsers(gateway.url, 3, "gap");
      const [alice, bob, carol] = users;
      const a = await connect(alice, transport, "alice");
      const c = await connect(carol, transport, "carol");
      let b = await connect(bob, transport, "bob");
      const view = await a.invoke("CreateGroup", { title: `gap ${transportName}`, memberIds: [bob.userId, carol.userId] });
      const id = view.conversationId;

      // Bob's client as the web client runs it: the store loads the tail, pushes go in, cursors come out.
      const store = new ChatStore(bob.userId);
      store.upsertConversation(view);
      store.loadTail(id, await b.invoke("History", id, NEWEST, 30), 30);
      const feed = (client) => client.connection.on("message", (m) => store.addMessage(m));
      feed(b);
      for (let i = 0; i < 3; i++) await sendText(a, id, `before ${i}`);
      const seenBefore = view.lastSeq + 3;
      await b.waitForSeqs(id, 3);
      await sleep(200);
      const cursor = store.cursors()[id];
      assert.equal(cursor, seenBefore, `bob's cursor covers what he saw (${describeSeqs(b.messagesOf(id).map((m) => m.seq))})`);

      await b.stop();
      const missed = await Promise.all([
        ...Array.from({ length: 12 }, (_, i) => sendText(a, id, `while away a${i}`)),
        ...Array.from({ length: 12 }, (_, i) => sendText(c, id, `while away c${i}`)),
      ]);
      const lastSeq = Math.max(...missed.map((x) => x.seq));

      // A brand-new connection (as after a reconnect to any gateway): pushes (e.g. the drained offline queue) and
      // Sync both feed the same store, which must end with every message exactly once.
      b = new ChatClient(gateway.url, bob.token, transport, { name: "bob-again" });
      clients.push(b);
      feed(b);
      await b.connection.start();
      // Sync from the cursor the client had when it lost the connection (pushes on the new connection may already
      // have moved the store's cursor; a client that syncs first would ask with exactly this one).
      const sync = await b.invoke("Sync", { cursors: { [id]: cursor } });
      const fromSync = sync.messages.filter((m) => m.conversationId === id).map((m) => m.seq);
      assertContiguous(fromSync, cursor + 1, lastSeq, "Sync after the reconnect");
      for (const m of sync.messages) store.addMessage(m);
      const held = store.messageList(id).list.map((m) => m.seq);
      assertContiguous(held, 1, lastSeq, "the client's messages after dedupe");
      assert.equal(store.cursors()[id], lastSeq, "the cursor reached the last seq");
      const pushed = b.messagesOf(id).length;

      // The same with a small limit: hasMore pages through everything.
      const paged = await syncAll(b, id, cursor, 5);
      assertContiguous(paged.messages.map((m) => m.seq), cursor + 1, lastSeq, "Sync paged by 5");
      assert.ok(paged.rounds >= Math.ceil((lastSeq - cursor) / 5), "hasMore asked for more pages");
      t.diagnostic(`bob saw up to seq ${cursor}, missed ${missed.length}; new connection got ${pushed} push(es), Sync returned ${describeSeqs(fromSync)}; store dropped ${store.duplicatesDropped} duplicate(s); paged Sync took ${paged.rounds} rounds`);
    });

    it("5. unread converges across two devices of one user and never goes negative", { timeout: TEST_TIMEOUT }, async (t) => {
      const [alice, bob] = await makeUsers(gateway.url, 2, "unread");
      const d1 = await connect(alice, transport, "alice-device-A");
      const d2 = await connect(alice, transport, "alice-device-B");
      const b = await connect(bob, transport, "bob");
      const id = (await b.invoke("OpenDirect", alice.userId)).conversationId;

      const acks = [];
      for (let i = 0; i < 5; i++) acks.push(await sendText(b, id, `unread ${i}`));
      const last = acks[acks.length - 1].seq;
      for (const d of [d1, d2]) await d.waitFor("unread", (e) => e.conversationId === id && e.unread === 5);

      let mark = d2.mark("unread");
      const partial = await d1.invoke("MarkRead", id, acks[2].seq);
      assert.equal(partial.unread, 2, "device A: 2 left after reading up to the third");
      await d2.waitForNext("unread", mark, (e) => e.conversationId === id && e.unread === 2);

      mark = d2.mark("unread");
      const done = await d1.invoke("MarkRead", id, last);
      assert.equal(done.unread, 0);
      assert.equal(done.totalUnread, 0);
      const seenByB = await d2.waitForNext("unread", mark, (e) => e.conversationId === id && e.unread === 0);
      assert.equal(seenByB.totalUnread, 0, "device B's total follows");

      // Retries and stale marks change nothing; a mark beyond the end is refused or clamped, never negative.
      const retried = await d2.invoke("MarkRead", id, last);
      const stale = await d1.invoke("MarkRead", id, 1);
      assert.equal(retried.unread, 0, "a repeated MarkRead keeps 0");
      assert.equal(stale.unread, 0, "an older MarkRead does not bring messages back");
      const beyond = await refusal(d1.invoke("MarkRead", id, last + 1000));
      t.diagnostic(`MarkRead beyond the last seq: ${beyond.code ? `refused "${beyond.message}"` : beyond.message}`);

      // Own messages never count as unread; the peer's read receipt arrived.
      await sendText(d1, id, "my own");
      const views = await d2.invoke("ListConversations");
      const v = views.find((x) => x.conversationId === id);
      assert.equal(v.unread, 0, "own messages are not unread");
      assert.ok(v.readSeq >= last, `readSeq ${v.readSeq} >= ${last}`);
      const receipt = await b.waitFor("read", (e) => e.conversationId === id && e.userId === alice.userId && e.seq >= last);
      assert.equal(receipt.seq >= last, true);

      // One more from bob: both devices go to 1 again, then back to 0 when device B reads it.
      const marks = [d1.mark("unread"), d2.mark("unread")];
      const one = await sendText(b, id, "one more");
      await d1.waitForNext("unread", marks[0], (e) => e.conversationId === id && e.unread === 1);
      await d2.waitForNext("unread", marks[1], (e) => e.conversationId === id && e.unread === 1);
      const mark1 = d1.mark("unread");
      await d2.invoke("MarkRead", id, one.seq);
      await d1.waitForNext("unread", mark1, (e) => e.conversationId === id && e.unread === 0);

      for (const d of [d1, d2]) {
        for (const e of d.events.unread) {
          assert.ok(e.unread >= 0 && e.totalUnread >= 0, `${d.name}: counts never negative (${JSON.stringify(e)})`);
          assert.ok(e.unread <= e.totalUnread, `${d.name}: unread <= totalUnread (${JSON.stringify(e)})`);
        }
      }
      t.diagnostic(`device A unread events ${d1.events.unread.filter((e) => e.conversationId === id).map((e) => e.unread).join("→")}; device B ${d2.events.unread.filter((e) => e.conversationId === id).map((e) => e.unread).join("→")}`);
    });

    it("6a. isolation: members only; no valid token, no connection", { timeout: TEST_TIMEOUT }, async (t) => {
      const [alice, bob, mallory] = await makeUsers(gateway.url, 3, "iso");
      const a = await connect(alice, transport, "alice");
      const b = await connect(bob, transport, "bob");
      const m = await connect(mallory, transport, "mallory");
      const id = (await a.invoke("OpenDirect", bob.userId)).conversationId;
      const secret = await sendText(a, id, "for bob only");

      const history = await refusal(m.invoke("History", id, NEWEST, 50));
      t.diagnostic(`non-member History → ${history.message}`);
      assert.equal(history.code, "forbidden", `History by a non-member: ${history.message}`);
      assert.match(history.message, /^forbidden: /, "the error the client sees starts with its code (protocol v1)");
      const send = await refusal(m.invoke("Send", { conversationId: id, clientMsgId: newClientMsgId(), kind: "text", text: "intrude" }));
      t.diagnostic(`non-member Send → ${send.message}`);
      assert.equal(send.code, "forbidden", `Send by a non-member: ${send.message}`);
      const recall = await refusal(m.invoke("Recall", id, secret.seq));
      t.diagnostic(`non-member Recall → ${recall.message}`);
      assert.ok(["forbidden", "not_found"].includes(recall.code), `Recall by a non-member: ${recall.message}`);
      const markRead = await refusal(m.invoke("MarkRead", id, secret.seq));
      t.diagnostic(`non-member MarkRead → ${markRead.message}`);
      const sync = await m.invoke("Sync", { cursors: { [id]: 0 } });
      assert.equal(sync.messages.filter((x) => x.conversationId === id).length, 0, "Sync with a foreign cursor leaks nothing");
      assert.ok(!sync.conversations.some((x) => x.conversationId === id), "the foreign conversation is not listed");
      const addSelf = await refusal(m.invoke("AddMembers", id, [mallory.userId]));
      t.diagnostic(`non-member AddMembers → ${addSelf.message}`);
      assert.ok(addSelf.code, `AddMembers by a non-member is refused: ${addSelf.message}`);
      assert.equal(m.messagesOf(id).length, 0, "no push reached the non-member");

      // No ghost members: an id no one signed in with is "no such user" for every way of adding someone.
      const ghost = `${bob.userId}-typo`;
      const direct = await refusal(a.invoke("OpenDirect", ghost));
      t.diagnostic(`OpenDirect to an unknown id → ${direct.message}`);
      assert.equal(direct.message, `not_found: No such user: ${ghost}.`);
      const group = await refusal(a.invoke("CreateGroup", { title: "ghosts", memberIds: [bob.userId, ghost] }));
      assert.equal(group.message, `not_found: No such user: ${ghost}.`, "CreateGroup with an unknown member");
      const real = await a.invoke("CreateGroup", { title: "real", memberIds: [bob.userId] });
      const add = await refusal(a.invoke("AddMembers", real.conversationId, [ghost]));
      assert.equal(add.message, `not_found: No such user: ${ghost}.`, "AddMembers with an unknown id");

      // Media are served to members only.
      const form = new FormData();
      form.append("conversationId", id);
      form.append("file", new Blob(["private notes"], { type: "text/plain" }), "notes.txt");
      const upload = await fetch(`${gateway.url}/api/files`, { method: "POST", headers: { Authorization: `Bearer ${alice.token}` }, body: form });
      assert.equal(upload.status, 200, `upload by a member: ${upload.status}`);
      const file = await upload.json();
      const asMember = await fetch(`${gateway.url}/api/files/${file.id}`, { headers: { Authorization: `Bearer ${bob.token}` } });
      assert.equal(asMember.status, 200, "a member downloads the file");
      assert.equal(await asMember.text(), "private notes");
      const asStranger = await fetch(`${gateway.url}/api/files/${file.id}`, { headers: { Authorization: `Bearer ${mallory.token}` } });
      t.diagnostic(`non-member GET /api/files/{id} → ${asStranger.status} ${await asStranger.text()}`);
      assert.equal(asStranger.status, 403, "a non-member may not download it");
      const foreignUpload = new FormData();
      foreignUpload.append("conversationId", id);
      foreignUpload.append("file", new Blob(["x"], { type: "text/plain" }), "x.txt");
      const intruding = await fetch(`${gateway.url}/api/files`, { method: "POST", headers: { Authorization: `Bearer ${mallory.token}` }, body: foreignUpload });
      assert.equal(intruding.status, 403, "a non-member may not upload into it");

      // Connecting: bad signature, expired, garbage, none.
      const now = Math.floor(Date.now() / 1000);
      const cases = [
        ["a token signed with another key", forgeToken({ sub: alice.userId, key: Buffer.alloc(32, 7) })],
        ["an expired token", forgeToken({ sub: alice.userId, iat: now - 7200, nbf: now - 7200, exp: now - 3600 })],
        ["a malformed token", "not.a.jwt"],
        ["no token", null],
      ];
      for (const [what, token] of cases) {
        const client = new ChatClient(gateway.url, token, transport, { name: what });
        const refused = await refusal(client.connection.start());
        t.diagnostic(`connect with ${what} → ${refused.message}${refused.statusCode ? ` (HTTP ${refused.statusCode})` : ""}`);
        assert.equal(client.connection.state, signalR.HubConnectionState.Disconnected, `${what}: no connection`);
        assert.ok(/401|Unauthorized/i.test(refused.message) || refused.statusCode === 401, `${what} is refused with 401: ${refused.message}`);
        await client.stop();
      }
      // The same forged tokens are refused by REST too.
      const rest = await fetch(`${gateway.url}/api/files/whatever`, { headers: { Authorization: `Bearer ${cases[1][1]}` } });
      assert.equal(rest.status, 401, "an expired token is refused by GET /api/files");
    });

    it("6b. isolation: a blocked sender is refused", { timeout: TEST_TIMEOUT }, async (t) => {
      const [alice, bob] = await makeUsers(gateway.url, 2, "block");
      const a = await connect(alice, transport, "alice");
      const b = await connect(bob, transport, "bob");
      const id = (await a.invoke("OpenDirect", bob.userId)).conversationId;
      await sendText(a, id, "hello before the block");
      // Bob blocks Alice (hub method Block(userId), backed by IUserGrain.Block); Alice's sends are refused.
      const block = await refusal(b.invoke("Block", alice.userId));
      t.diagnostic(`Block(userId) → ${block.message}`);
      assert.equal(block.code, null, `Block(userId) works: ${block.message}`);
      const blocked = await refusal(a.invoke("Send", { conversationId: id, clientMsgId: newClientMsgId(), kind: "text", text: "are you there?" }));
      t.diagnostic(`blocked sender Send → ${blocked.message}`);
      assert.equal(blocked.code, "forbidden", `a blocked sender is refused: ${blocked.message}`);
      assert.match(blocked.message, /^forbidden: /, "the error the client sees starts with its code");
      const history = await fullHistory(b, id);
      assert.equal(history.length, 1, "nothing from the blocked sender was stored");
    });

    it("6c. flooding: Send answers rate_limited, and retries with the same clientMsgId store each message once", { timeout: TEST_TIMEOUT }, async (t) => {
      // A tight limit so that a flood outruns it on every transport (long polling sends more slowly).
      const limited = await startGateway({ name: `ratelimit-${transportName}`, config: ["RateLimit:Send:PerSecond=5", "RateLimit:Send:Burst=10"] });
      try {
        const [alice, bob] = await makeUsers(limited.url, 2, "flood");
        const a = await ChatClient.connect(limited.url, alice.token, transport, { name: "alice" });
        try {
          const id = (await a.invoke("OpenDirect", bob.userId)).conversationId;
          const ids = Array.from({ length: 30 }, () => newClientMsgId());
          const first = await Promise.all(ids.map((cmid, i) => refusal(sendText(a, id, `flood ${i}`, cmid)).then((r) => ({ cmid, i, ...r }))));
          const refused = first.filter((r) => r.code);
          t.diagnostic(`30 pipelined Sends at 5/s, burst 10: ${30 - refused.length} stored, ${refused.length} refused, e.g. "${refused[0]?.message}"`);
          assert.ok(refused.length > 0, "a flood is rate limited");
          assert.ok(refused.every((r) => r.code === "rate_limited"), `refusals are rate_limited: ${[...new Set(refused.map((r) => r.message))].join(" | ")}`);
          // Retry the refused ones (and, harmlessly, every other one) with their clientMsgIds until all are in.
          let pending = ids.map((cmid, i) => ({ cmid, i }));
          for (let round = 0; pending.length && round < 40; round++) {
            await sleep(300);
            const results = await Promise.all(pending.map((p) => refusal(sendText(a, id, `flood ${p.i}`, p.cmid)).then((r) => ({ ...p, ...r }))));
            pending = results.filter((r) => r.code === "rate_limited");
          }
          assert.equal(pending.length, 0, "every message got in eventually");
          const history = await fullHistory(a, id);
          assertContiguous(history.map((m) => m.seq), 1, 30, "History after the flood");
          assert.equal(new Set(history.map((m) => m.clientMsgId)).size, 30, "each clientMsgId once");
        } finally {
          await a.stop();
        }
      } finally {
        await limited.stop();
      }
    });
  });
}
