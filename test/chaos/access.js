// Cross-user access: a third user (mallory) reaches for a direct conversation of alice and bob and for a group she
// is not in, through every hub method that names a conversation, and for their files. Each attempt must be refused
// with a coded error (or, for Sync, which skips conversations the caller is not in, return nothing of them), and
// alice's History afterwards holds nothing of mallory's.
import { randomBytes } from "node:crypto";
import { ChatClient, errorCode, fullHistory, makeUsers, newClientMsgId, signalR, uploadFile } from "../e2e/lib/chat.js";

const REFUSAL_CODES = new Set(["forbidden", "not_found", "invalid"]);

async function attempt(promise) {
  try {
    const value = await promise;
    return { answered: value === undefined ? "(nothing)" : JSON.stringify(value), value };
  } catch (error) {
    const text = String(error?.message ?? error);
    return { code: errorCode(text), text: text.slice(0, 160) };
  }
}

export async function runAccess(ctx) {
  const base = ctx.gateway().url;
  const [alice, bob, carol, mallory] = await makeUsers(base, 4, "acc");
  const ws = signalR.HttpTransportType.WebSockets;
  const a = await ChatClient.connect(base, alice.token, ws, { name: "alice" });
  const m = await ChatClient.connect(base, mallory.token, ws, { name: "mallory" });
  try {
    const direct = (await a.invoke("OpenDirect", bob.userId)).conversationId;
    const group = (await a.invoke("CreateGroup", { title: "private", memberIds: [bob.userId, carol.userId] })).conversationId;
    const own = (await m.invoke("OpenDirect", carol.userId)).conversationId; // mallory's own conversation, for the file trick
    const first = await a.invoke("Send", { conversationId: direct, clientMsgId: newClientMsgId(), kind: "text", text: "secret" });
    await a.invoke("Send", { conversationId: group, clientMsgId: newClientMsgId(), kind: "text", text: "group secret" });
    const upload = await uploadFile(base, alice.token, direct, randomBytes(2000), { type: "application/pdf", fileName: "secret.pdf" });
    const file = await upload.json();

    const rows = [];
    const hub = async (what, call, { refused = (r) => REFUSAL_CODES.has(r.code) } = {}) => {
      const result = await attempt(call());
      const answer = result.code ? result.text : result.value?.conversations
        ? `answered ${result.value.conversations.length} conversation(s) of her own, ${result.value.messages.length} message(s)`
        : `answered ${result.answered.slice(0, 160)}`;
      rows.push({ what, answer, refused: refused(result) });
    };
    for (const [label, id] of [["direct", direct], ["group", group]]) {
      await hub(`History of their ${label}`, () => m.invoke("History", id, Number.MAX_SAFE_INTEGER, 50));
      await hub(`Send into their ${label}`, () => m.invoke("Send", { conversationId: id, clientMsgId: newClientMsgId(), kind: "text", text: "mallory was here" }));
      await hub(`Recall of their ${label}'s seq 1`, () => m.invoke("Recall", id, 1));
      await hub(`MarkRead in their ${label}`, () => m.invoke("MarkRead", id, 1));
      await hub(`Typing in their ${label}`, () => m.invoke("Typing", id));
      await hub(`Leave their ${label}`, () => m.invoke("Leave", id));
      await hub(`AddMembers(self) to their ${label}`, () => m.invoke("AddMembers", id, [mallory.userId]));
      await hub(`RemoveMember(bob) from their ${label}`, () => m.invoke("RemoveMember", id, bob.userId));
      // Sync skips conversations the caller is not in: refused means nothing of it comes back.
      await hub(`Sync with a cursor on their ${label}`, () => m.invoke("Sync", { cursors: { [id]: 0 } }), {
        refused: (r) => r.code ? REFUSAL_CODES.has(r.code) : !r.answered.includes(id) && !r.answered.includes("secret"),
      });
    }
    // Recall by a member who is not the sender (bob is in both, alice sent): the sender only.
    const b = await ChatClient.connect(base, bob.token, ws, { name: "bob" });
    try {
      await hub("Recall of alice's message by bob (a member, not the sender)", () => b.invoke("Recall", direct, first.seq));
    } finally {
      await b.stop();
    }

    // Files: download, upload into their conversation, attach their file into her own.
    const download = await fetch(`${base}${file.url}`, { headers: { Authorization: `Bearer ${mallory.token}` } });
    const downloadBody = await download.text();
    rows.push({ what: "GET their file", answer: `${download.status} ${downloadBody.slice(0, 100)}`, refused: download.status === 403 || download.status === 404 });
    const viaQuery = await fetch(`${base}${file.url}?access_token=${encodeURIComponent(mallory.token)}`);
    const viaQueryBody = await viaQuery.text();
    rows.push({ what: "GET their file (?access_token=)", answer: `${viaQuery.status} ${viaQueryBody.slice(0, 100)}`, refused: viaQuery.status === 403 || viaQuery.status === 404 });
    const ranged = await fetch(`${base}${file.url}`, { headers: { Authorization: `Bearer ${mallory.token}`, Range: "bytes=0-10" } });
    await ranged.arrayBuffer();
    rows.push({ what: "GET a range of their file", answer: `${ranged.status}`, refused: ranged.status === 403 || ranged.status === 404 });
    const up = await uploadFile(base, mallory.token, direct, randomBytes(100), { type: "application/pdf", fileName: "x.pdf" });
    const upBody = await up.text();
    rows.push({ what: "POST a file into their direct", answer: `${up.status} ${upBody.slice(0, 100)}`, refused: up.status === 403 || up.status === 404 });
    await hub("Send into her own conversation with their file attached", () => m.invoke("Send", { conversationId: own, clientMsgId: newClientMsgId(), kind: "file", attachmentId: file.id }));

    // Nothing of mallory's reached alice's conversations, and they are not in her list.
    const leaked = [];
    for (const id of [direct, group]) {
      const history = await fullHistory(a, id);
      if (history.some((x) => x.senderId === mallory.userId)) leaked.push(`${id} holds a message of mallory`);
      const view = (await a.invoke("ListConversations")).find((v) => v.conversationId === id);
      if (view?.members.some((x) => x.userId === mallory.userId)) leaked.push(`mallory became a member of ${id}`);
    }
    const hers = await m.invoke("ListConversations");
    if (hers.some((v) => v.conversationId === direct || v.conversationId === group)) leaked.push("their conversations are in mallory's list");
    rows.push({ what: "afterwards: nothing of mallory in their conversations", answer: leaked.join("; ") || "clean", refused: leaked.length === 0 });
    return { rows, refused: rows.filter((r) => r.refused).length, tried: rows.length };
  } finally {
    await Promise.all([a.stop(), m.stop()]);
  }
}
