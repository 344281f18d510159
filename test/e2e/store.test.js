// The web client's store (src/Gateway/wwwroot/js/store.js) on its own: dedupe by (conversationId, seq), cursors
// that only advance over gap-free runs, and what Sync is asked for after a reconnect. No server needed.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { loadClientStore } from "./lib/chat.js";

const ChatStore = await loadClientStore();

const msg = (seq, extra = {}) => ({
  conversationId: "c1", seq, messageId: `m${seq}`, clientMsgId: `k${seq}`, senderId: "bob", kind: "text",
  text: `t${seq}`, attachment: null, sentAt: new Date(1_700_000_000_000 + seq * 1000).toISOString(), recalled: false, ...extra,
});
const view = (lastSeq, extra = {}) => ({
  conversationId: "c1", kind: "direct", title: "", members: [{ userId: "me", role: "member" }, { userId: "bob", role: "member", displayName: "Bob" }],
  lastSeq, lastMessage: lastSeq ? msg(lastSeq) : null, unread: 0, readSeq: 0, ...extra,
});

describe("web client store", () => {
  it("drops a message seen twice and counts it", () => {
    const store = new ChatStore("me");
    store.upsertConversation(view(0));
    store.loadTail("c1", [], 30);
    assert.deepEqual(store.addMessage(msg(1)), { added: true, gap: false });
    assert.deepEqual(store.addMessage(msg(1)), { added: false, gap: false });
    assert.equal(store.duplicatesDropped, 1);
    assert.deepEqual(store.messageList("c1").list.map((m) => m.seq), [1]);
  });

  it("advances the cursor only over runs without gaps, and reports a gap", () => {
    const store = new ChatStore("me");
    store.upsertConversation(view(2));
    store.loadTail("c1", [msg(1), msg(2)], 30);
    assert.equal(store.cursors().c1, 2);
    assert.equal(store.addMessage(msg(4)).gap, true, "seq 3 is missing");
    assert.equal(store.cursors().c1, 2, "the cursor stays before the gap");
    assert.equal(store.hasGap("c1"), true);
    store.addMessage(msg(3));
    assert.equal(store.cursors().c1, 4, "filling the gap moves the cursor over everything held");
    assert.equal(store.hasGap("c1"), false);
  });

  it("asks Sync only for conversations whose tail it holds", () => {
    const store = new ChatStore("me");
    store.upsertConversation(view(5));
    store.upsertConversation({ ...view(9), conversationId: "c2", lastMessage: { ...msg(9), conversationId: "c2" } });
    store.loadTail("c1", [msg(4), msg(5)], 2);
    assert.deepEqual(store.cursors(), { c1: 5 });
    assert.equal(store.tails.get("c1").hasOlder, true, "a full page means older messages may exist");
    store.loadOlder("c1", [msg(1), msg(2), msg(3)], 30);
    assert.equal(store.tails.get("c1").hasOlder, false);
    assert.deepEqual(store.messageList("c1").list.map((m) => m.seq), [1, 2, 3, 4, 5]);
  });

  it("a pending message disappears when its own push or ack arrives", () => {
    const store = new ChatStore("me");
    store.upsertConversation(view(0));
    store.loadTail("c1", [], 30);
    store.addPending({ clientMsgId: "k1", conversationId: "c1", kind: "text", text: "hi" });
    assert.equal(store.messageList("c1").pending.length, 1);
    store.addMessage(msg(1, { senderId: "me", clientMsgId: "k1" }));
    assert.equal(store.messageList("c1").pending.length, 0);
  });

  it("recall, read receipts, unread and the list order", () => {
    const store = new ChatStore("me");
    store.upsertConversation(view(2, { unread: 2 }));
    store.upsertConversation({ ...view(1), conversationId: "c0", lastMessage: { ...msg(1), conversationId: "c0", sentAt: "2020-01-01T00:00:00Z" } });
    store.loadTail("c1", [msg(1), msg(2, { senderId: "me" })], 30);
    assert.deepEqual(store.sortedConversations().map((c) => c.conversationId), ["c1", "c0"], "newest first");
    assert.equal(store.totalUnread(), 2);
    store.applyUnread({ conversationId: "c1", unread: -3, totalUnread: 0 });
    assert.equal(store.conversations.get("c1").unread, 0, "never negative");
    store.applyRead({ conversationId: "c1", userId: "bob", seq: 2 });
    store.applyRead({ conversationId: "c1", userId: "bob", seq: 1 });
    assert.deepEqual(store.readersOf("c1", 2), ["bob"], "a stale read event does not move a receipt back");
    store.applyRecalled({ conversationId: "c1", seq: 2, messageId: "m2" });
    assert.equal(store.messageList("c1").list[1].recalled, true);
    assert.equal(store.messageList("c1").list[1].text, null);
    assert.equal(store.titleOf(store.conversations.get("c1")), "Bob");
  });

  it("a stale conversation view never moves lastSeq back", () => {
    const store = new ChatStore("me");
    store.upsertConversation(view(3));
    store.upsertConversation(view(2));
    assert.equal(store.conversations.get("c1").lastSeq, 3);
    store.setConversations([]);
    assert.equal(store.conversations.size, 0, "a conversation the server no longer lists is dropped");
  });

  it("the newest page keeps pushed messages joined to it in view, but not ones behind a gap", () => {
    const store = new ChatStore("me");
    store.upsertConversation(view(0));
    for (let seq = 1; seq <= 45; seq++) store.addMessage(msg(seq));
    store.loadTail("c1", Array.from({ length: 30 }, (_, i) => msg(16 + i)), 30);
    assert.deepEqual(store.messageList("c1").list.map((m) => m.seq), Array.from({ length: 45 }, (_, i) => i + 1));
    assert.equal(store.tails.get("c1").hasOlder, false, "everything down to seq 1 is held");

    const gapped = new ChatStore("me");
    gapped.upsertConversation(view(0));
    for (const seq of [2, 3, 4, 40]) gapped.addMessage(msg(seq));
    gapped.loadTail("c1", Array.from({ length: 30 }, (_, i) => msg(11 + i)), 30);
    assert.deepEqual(gapped.messageList("c1").list.map((m) => m.seq), Array.from({ length: 30 }, (_, i) => 11 + i));
    assert.equal(gapped.tails.get("c1").hasOlder, true);
    gapped.loadOlder("c1", Array.from({ length: 6 }, (_, i) => msg(5 + i)), 6);
    assert.equal(gapped.tails.get("c1").oldest, 2, "an older page joins the held run below it");
    assert.deepEqual(gapped.messageList("c1").list.map((m) => m.seq), Array.from({ length: 39 }, (_, i) => 2 + i));
    assert.equal(gapped.tails.get("c1").hasOlder, true, "seq 1 is still to load");
  });
});

describe("web client error codes", () => {
  it("reads the wait out of a rate_limited refusal, hub or REST wording alike", async () => {
    const { errorCode, retryAfterMs } = await import("../../src/Gateway/wwwroot/js/errors.js");
    const hub = new Error("An unexpected error occurred invoking 'Send' on the server. HubException: rate_limited: too many messages, slow down; retry after 1250 ms");
    assert.equal(errorCode(hub), "rate_limited");
    assert.equal(retryAfterMs(hub), 1250);
    assert.equal(retryAfterMs({ message: "rate_limited: too many sign-ins; retry after 30000 ms" }), 30000);
    assert.equal(retryAfterMs(new Error("invalid: text is required for a text message")), null);
  });
});
