// One message on screen: bubble, attachment, quoted reply, reactions, the meta line and the message's menu;
// system messages as centred lines; messages still being sent.

import { state } from "./state.js";
import { fileUrl } from "./api.js";
import { $, el, toast, formatTime, formatSize, linkified } from "./dom.js";
import { friendly } from "./errors.js";
import { render } from "./render.js";
import { deliver } from "./sending.js";
import { recall, startReply, startEdit, deleteForMe, toggleReaction, REACTIONS, canEdit } from "./message-actions.js";
import { paintAvatar } from "./profiles.js";
import { quoteOf, previewText } from "./quotes.js";

export const ui = { menuFor: null }; // the key of the message whose menu is open

/** The sentence of a system message ("Alice renamed the group to Trip"). */
export function systemText(m) {
  const s = m.system || {};
  const name = (id) => (id === state.store.me ? "You" : state.store.nameOf(id));
  const names = (ids) => (ids || []).map((id) => (id === state.store.me ? "you" : state.store.nameOf(id))).join(", ");
  const actor = name(s.actorId || m.senderId);
  switch (s.action) {
    case "joined": return `${actor} added ${names(s.userIds)}`;
    case "left": return `${actor} left the group`;
    case "removed": return `${actor} removed ${names(s.userIds)}`;
    case "renamed": return `${actor} renamed the group to "${s.title || ""}"`;
    case "role": return s.role === "owner" ? `${actor} made ${names(s.userIds)} the owner`
      : s.role === "admin" ? `${actor} made ${names(s.userIds)} an admin` : `${actor} made ${names(s.userIds)} a member`;
    case "muted": return `${actor} muted ${names(s.userIds)}`;
    case "unmuted": return `${actor} unmuted ${names(s.userIds)}`;
    default: return m.text || "";
  }
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
    const media = el(m.kind === "voice" ? "audio" : "video", { controls: true, preload: "metadata", testid: m.kind === "voice" ? "message-audio" : "message-video", class: `media-${m.kind}`, playsinline: true });
    if (localUrl) media.src = localUrl;
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
      toast(friendly(error), true);
    }
  });
  return link;
}

function buildQuote(m) {
  const original = quoteOf(m.conversationId, m.replyToSeq);
  const who = original ? (original.senderId === state.store.me ? "You" : state.store.nameOf(original.senderId)) : "";
  const text = original ? previewText(original) : "…";
  const quote = el("button", { type: "button", class: "reply-quote", testid: "reply-quote", title: "Show the original" },
    el("strong", { text: who }), el("span", { text }));
  quote.addEventListener("click", (event) => { event.stopPropagation(); state.focus = { id: m.conversationId, seq: m.replyToSeq }; render(); });
  return quote;
}

function buildReactions(m) {
  const entries = Object.entries(m.reactions || {}).filter(([, users]) => users?.length);
  if (!entries.length) return null;
  return el("div", { class: "reactions", testid: "reactions" }, entries.map(([emoji, users]) => {
    const mine = users.includes(state.store.me);
    return el("button", {
      type: "button", class: `reaction${mine ? " mine" : ""}`, testid: "reaction", dataset: { emoji, mine: String(mine) },
      title: users.map((u) => (u === state.store.me ? "You" : state.store.nameOf(u))).join(", "),
      onclick: (event) => { event.stopPropagation(); toggleReaction(m, emoji); },
    }, `${emoji} ${users.length}`);
  }));
}

function buildMenu(m, mine) {
  const item = (testid, text, action) => el("button", { type: "button", testid, text, onclick: (event) => { event.stopPropagation(); ui.menuFor = null; action(); } });
  return el("div", { class: "msg-menu", testid: "message-menu" },
    el("div", { class: "react-row" }, REACTIONS.map((emoji) =>
      item("react-option", emoji, () => toggleReaction(m, emoji)))),
    el("div", { class: "menu-row" },
      item("menu-reply", "Reply", () => startReply(m)),
      mine && canEdit(m) ? item("menu-edit", "Edit", () => startEdit(m)) : null,
      item("menu-delete", "Delete for me", () => deleteForMe(m))));
}

function toggleMenu(key) {
  ui.menuFor = ui.menuFor === key ? null : key;
  render();
}

export function buildMessage(m, { key, mine, readers, canRecall, first, last, group, menuOpen }) {
  if (m.kind === "system") {
    return el("li", { class: "msg system", testid: "message", dataset: { seq: String(m.seq), sender: m.senderId || "" } },
      el("div", { class: "system-line", testid: "system-text", text: systemText(m) }));
  }
  const classes = ["msg", mine ? "mine" : "theirs", group && !mine ? "with-avatar" : "", first ? "first" : "", last ? "last" : "", m.recalled ? "recalled" : "", menuOpen ? "menu-open" : ""].filter(Boolean).join(" ");
  let body;
  if (m.recalled) {
    body = el("div", { class: "bubble", testid: "message-text", text: mine ? "You recalled a message" : `${state.store.nameOf(m.senderId)} recalled a message` });
  } else {
    const media = m.kind === "image" || m.kind === "video";
    body = el("div", { class: `bubble${media ? " media" : ""}`, title: new Date(m.sentAt).toLocaleString() },
      m.replyToSeq ? buildQuote(m) : null,
      buildAttachment(m),
      m.text ? el("span", { testid: "message-text" }, linkified(m.text)) : null);
    body.addEventListener("click", (event) => { if (!event.target.closest("a, audio, video, img, button")) toggleMenu(key); });
  }
  let receipt = null;
  if (mine && !m.recalled && last) {
    const read = readers.length > 0;
    const text = !read ? "✓ Sent" : group ? `✓✓ Read by ${readers.length}` : "✓✓ Read";
    receipt = el("span", { class: "receipt", testid: "receipt", dataset: { read: String(read) }, title: read ? readers.map((u) => state.store.nameOf(u)).join(", ") : "", text });
  }
  const avatar = group && !mine ? el("div", { class: `avatar small${first ? "" : " spacer"}` }) : null;
  if (avatar && first) paintAvatar(avatar, m.senderId);
  const more = m.recalled ? null : el("button", { type: "button", class: "more", testid: "message-menu-button", title: "More", "aria-label": "More actions", text: "⋯", onclick: () => toggleMenu(key) });
  return el("li", { class: classes, testid: "message", dataset: { seq: String(m.seq), sender: m.senderId, messageId: m.messageId } },
    group && !mine && first ? el("div", { class: "sender", text: state.store.nameOf(m.senderId) }) : null,
    el("div", { class: "bubble-row" }, avatar, body, more),
    m.recalled ? null : buildReactions(m),
    menuOpen ? buildMenu(m, mine) : null,
    el("div", { class: "meta" },
      m.editedAt && !m.recalled ? el("span", { class: "edited", testid: "edited-mark", text: "edited" }) : null,
      last ? el("time", { datetime: m.sentAt, testid: "message-time", text: formatTime(m.sentAt) }) : null,
      receipt,
      canRecall ? el("button", { type: "button", testid: "recall-button", onclick: () => recall(m.seq), text: "Recall" }) : null));
}

export function buildPending(p) {
  const phase = p.state === "failed" ? "failed" : "pending";
  const fake = { kind: p.kind, attachment: p.attachment };
  const media = p.kind === "image" || p.kind === "video";
  const body = el("div", { class: `bubble${media ? " media" : ""}` },
    p.replyToSeq ? buildQuote({ conversationId: p.conversationId, replyToSeq: p.replyToSeq }) : null,
    p.attachment ? buildAttachment(fake, p.localUrl) : null,
    p.text ? el("span", { testid: "message-text" }, linkified(p.text)) : null);
  const uploaded = !p.attachment || p.attachment.id;
  const action = uploaded && !p.refused
    ? el("button", { type: "button", testid: "retry-button", onclick: () => deliver(p.clientMsgId), text: "Retry" })
    : el("button", { type: "button", testid: "dismiss-button", onclick: () => { state.store.pending.delete(p.clientMsgId); render(); }, text: "Dismiss" });
  const waiting = p.state === "failed" && p.retryOnReconnect;
  const status = p.state === "failed"
    ? el("span", { testid: "pending-status" }, waiting ? "Waiting for the connection… " : `Not sent${p.error ? `: ${p.error}` : ""} `, action)
    : el("span", { testid: "pending-status", text: p.state === "uploading" ? "Uploading…" : "Sending…" });
  return el("li", { class: `msg mine first last ${phase}`, testid: "message-pending", dataset: { clientMsgId: p.clientMsgId } },
    el("div", { class: "bubble-row" }, body), el("div", { class: "meta" }, status));
}

/** Closes an open message menu when the user clicks elsewhere. */
export function wireMessageMenus() {
  document.addEventListener("click", (event) => {
    if (ui.menuFor && !event.target.closest("[data-testid=message]")) { ui.menuFor = null; render(); }
  });
  $("messages").addEventListener("keydown", (event) => { if (event.key === "Escape" && ui.menuFor) { ui.menuFor = null; render(); } });
}
