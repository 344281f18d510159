// The chat pane: header, messages (reusing unchanged nodes), pending messages, typing line, older pages.

import { state, typingByConv } from "./state.js";
import { fileUrl } from "./api.js";
import { $, el, toast, fillAvatar, formatDay, formatTime, formatSize, lastSeenText, linkified } from "./dom.js";
import { errorText } from "./errors.js";
import { render } from "./render.js";
import { HISTORY_PAGE } from "./conversations.js";
import { deliver } from "./sending.js";
import { recall } from "./actions.js";

const RECALL_WINDOW_MS = 2 * 60 * 1000;
const loadingOlder = new Set();

export function renderChat({ scrollToEnd = false } = {}) {
  const view = state.activeId ? state.store.conversations.get(state.activeId) : null;
  $("placeholder").hidden = !!view;
  $("chat-inner").hidden = !view;
  $("chat").dataset.conversationId = view ? state.activeId : "";
  if (!view) return;

  const title = state.store.titleOf(view);
  const peer = state.store.peerOf(view);
  $("chat-title").textContent = title;
  fillAvatar($("chat-avatar"), title, peer || state.activeId, peer ? state.store.presence.get(peer)?.status : undefined);
  if (view.kind === "direct") {
    $("chat-sub").textContent = peer === state.store.me ? "Notes to yourself" : lastSeenText(state.store.presence.get(peer)) || peer;
  } else {
    const names = (view.members || []).map((m) => (m.userId === state.store.me ? "you" : state.store.nameOf(m.userId)));
    $("chat-sub").textContent = `${names.length} members: ${names.join(", ")}`;
  }
  const group = view.kind === "group";
  $("add-members").hidden = !group;
  $("block").hidden = view.kind !== "direct" || peer === state.store.me;
  $("leave").hidden = !group;
  renderMessages({ scrollToEnd });
  renderTyping();
}

const messageNodes = new Map(); // key -> { sig, node }

// Names belong in the signature: a sender's or reader's display name often arrives after the message was drawn.
function messageSignature(m, readers, extra) {
  const names = [m.senderId, ...readers].map((u) => state.store.nameOf(u));
  return JSON.stringify([m.seq, m.recalled, m.text, m.attachment?.id, readers, names, extra]);
}

let tailShownFor = null; // the conversation whose newest page renderMessages last drew

function renderMessages({ scrollToEnd = false, keep = null } = {}) {
  const box = $("messages");
  const nearBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 120;
  const { list, pending } = state.store.messageList(state.activeId);
  const tail = state.store.tails.get(state.activeId);
  $("older").hidden = !(tail && tail.hasOlder);
  const view = state.store.conversations.get(state.activeId);
  const group = view?.kind === "group";

  const nodes = [];
  const used = new Set();
  let lastDay = "";
  let lastSender = null;
  const take = (key, sig, build) => {
    used.add(key);
    const cached = messageNodes.get(key);
    if (cached && cached.sig === sig) return cached.node;
    const node = build();
    messageNodes.set(key, { sig, node });
    return node;
  };

  for (const m of list) {
    const day = formatDay(m.sentAt);
    if (day !== lastDay) {
      nodes.push(take(`${state.activeId}/day/${day}`, day, () => el("li", { class: "day", text: day })));
      lastDay = day;
      lastSender = null;
    }
    const mine = m.senderId === state.store.me;
    const readers = mine ? state.store.readersOf(state.activeId, m.seq) : [];
    const canRecall = mine && !m.recalled && m.kind !== "system" && Date.now() - Date.parse(m.sentAt) < RECALL_WINDOW_MS;
    const first = lastSender !== m.senderId;
    lastSender = m.senderId;
    const key = `${state.activeId}/${m.seq}`;
    nodes.push(take(key, messageSignature(m, readers, [first, canRecall, group]), () => buildMessage(m, { mine, readers, canRecall, first, group })));
  }
  for (const p of pending) {
    const key = `pending/${p.clientMsgId}`;
    nodes.push(take(key, JSON.stringify([p.state, p.attachment?.id]), () => buildPending(p)));
  }
  for (const key of [...messageNodes.keys()]) if (!used.has(key)) messageNodes.delete(key);
  const items = $("message-items");
  const current = [...items.children];
  if (current.length !== nodes.length || current.some((n, i) => n !== nodes[i])) items.replaceChildren(...nodes);

  if (keep !== null) box.scrollTop = box.scrollHeight - keep;
  else if (scrollToEnd || nearBottom) box.scrollTop = box.scrollHeight;
  tailShownFor = tail ? state.activeId : null;
}

/**
 * The message list's scroll handler: near the top, page in older messages. Only once the newest page is on screen:
 * switching conversations shrinks the list, and the browser's scroll event for that (scrollTop 0) can arrive after
 * the History answer is stored but before it is drawn, which used to fetch a second page nobody scrolled to.
 */
export function loadOlderOnScroll() {
  if ($("messages").scrollTop < 60 && tailShownFor === state.activeId) loadOlder();
}

/** Drops the cached message nodes (a new session must not reuse the previous user's). */
export function clearMessageNodes() {
  messageNodes.clear();
}

function buildAttachment(m, localUrl) {
  const a = m.attachment;
  if (!a) return null;
  if (m.kind === "image") {
    const img = el("img", { class: "inline", alt: a.fileName || "image", testid: "message-image", loading: "lazy" });
    if (localUrl) img.src = localUrl;
    if (a.id) fileUrl(state.session.token, a.id).then((url) => { img.src = url; }).catch(() => { img.alt = "image unavailable"; });
    img.addEventListener("click", () => img.src && window.open(img.src, "_blank"));
    return img;
  }
  if (m.kind === "voice" || m.kind === "video") {
    const media = el(m.kind === "voice" ? "audio" : "video", { controls: true, preload: "metadata", testid: "message-media" });
    if (m.kind === "video") media.style.maxWidth = "320px";
    if (a.id) fileUrl(state.session.token, a.id).then((url) => { media.src = url; }).catch(() => {});
    return media;
  }
  const link = el("a", { class: "file-link", href: "#", testid: "message-file" },
    el("span", { class: "file-icon", text: "📄" }),
    el("span", {}, a.fileName || "file", el("small", { text: formatSize(a.size) })));
  link.addEventListener("click", async (event) => {
    event.preventDefault();
    if (!a.id) return;
    try {
      const url = await fileUrl(state.session.token, a.id);
      const save = el("a", { href: url, download: a.fileName || "file" });
      document.body.append(save);
      save.click();
      save.remove();
    } catch (error) {
      toast(errorText(error), true);
    }
  });
  return link;
}

function buildMessage(m, { mine, readers, canRecall, first, group }) {
  if (m.kind === "system") {
    return el("li", { class: "msg system", testid: "message", dataset: { seq: String(m.seq), sender: m.senderId || "" } },
      el("div", { class: "bubble", testid: "message-text", text: m.text || "" }));
  }
  const classes = ["msg", mine ? "mine" : "theirs", first ? "first" : "", m.recalled ? "recalled" : ""].filter(Boolean).join(" ");
  let body;
  if (m.recalled) {
    body = el("div", { class: "bubble", testid: "message-text", text: mine ? "You recalled a message" : `${state.store.nameOf(m.senderId)} recalled a message` });
  } else {
    const media = m.kind === "image" || m.kind === "video";
    const reply = m.replyToSeq ? el("div", { class: "reply-ref", text: `↩ reply to #${m.replyToSeq}` }) : null;
    body = el("div", { class: `bubble${media ? " media" : ""}` },
      reply,
      buildAttachment(m),
      m.text ? el("span", { testid: "message-text" }, linkified(m.text)) : null);
  }
  let receipt = null;
  if (mine && !m.recalled) {
    const read = readers.length > 0;
    const text = !read ? "✓ Sent" : group ? `✓✓ Read by ${readers.length}` : "✓✓ Read";
    receipt = el("span", { class: "receipt", testid: "receipt", dataset: { read: String(read) }, title: read ? readers.map((u) => state.store.nameOf(u)).join(", ") : "", text });
  }
  return el("li", { class: classes, testid: "message", dataset: { seq: String(m.seq), sender: m.senderId, messageId: m.messageId } },
    group && !mine && first ? el("div", { class: "sender", text: state.store.nameOf(m.senderId) }) : null,
    body,
    el("div", { class: "meta" },
      el("time", { datetime: m.sentAt, text: formatTime(m.sentAt) }),
      receipt,
      canRecall ? el("button", { type: "button", testid: "recall-button", onclick: () => recall(m.seq), text: "Recall" }) : null));
}

function buildPending(p) {
  const phase = p.state === "failed" ? "failed" : "pending";
  const fake = { kind: p.kind, attachment: p.attachment };
  const body = el("div", { class: `bubble${p.kind === "image" ? " media" : ""}` },
    p.attachment ? buildAttachment(fake, p.localUrl) : null,
    p.text ? el("span", { testid: "message-text" }, linkified(p.text)) : null);
  const uploaded = !p.attachment || p.attachment.id;
  const action = uploaded
    ? el("button", { type: "button", testid: "retry-button", onclick: () => deliver(p.clientMsgId), text: "Retry" })
    : el("button", { type: "button", testid: "dismiss-button", onclick: () => { state.store.pending.delete(p.clientMsgId); render(); }, text: "Dismiss" });
  const status = p.state === "failed"
    ? el("span", {}, `Not sent${p.error ? ` (${p.error})` : ""} `, action)
    : el("span", { text: p.state === "uploading" ? "Uploading…" : "Sending…" });
  return el("li", { class: `msg mine first ${phase}`, testid: "message-pending", dataset: { clientMsgId: p.clientMsgId } },
    body, el("div", { class: "meta" }, status));
}

export function renderTyping() {
  const node = $("typing");
  const users = state.activeId ? typingByConv.get(state.activeId) : null;
  const now = Date.now();
  const names = users ? [...users].filter(([, until]) => until > now).map(([u]) => state.store.nameOf(u)) : [];
  node.textContent = names.length === 0 ? "" : names.length === 1 ? `${names[0]} is typing…` : `${names.join(", ")} are typing…`;
}

export async function loadOlder() {
  const id = state.activeId;
  const tail = state.store.tails.get(id);
  if (!tail || !tail.hasOlder || loadingOlder.has(id)) return;
  loadingOlder.add(id);
  const box = $("messages");
  const fromBottom = box.scrollHeight - box.scrollTop;
  try {
    const page = await state.connection.invoke("History", id, tail.oldest, HISTORY_PAGE);
    state.store.loadOlder(id, page || [], HISTORY_PAGE);
    renderMessages({ keep: fromBottom });
  } catch (error) {
    toast(errorText(error), true);
  } finally {
    loadingOlder.delete(id);
  }
}
