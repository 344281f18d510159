// The chat pane: header, the message timeline (day separators, one time per run, the unread divider, reusing
// unchanged nodes), the jump-to-latest button, the typing line and older pages.

import { state, typingByConv } from "./state.js";
import { $, el, toast, formatDay, lastSeenText } from "./dom.js";
import { friendly } from "./errors.js";
import { call } from "./hub.js";
import { HISTORY_PAGE } from "./conversations.js";
import { paintAvatar } from "./profiles.js";
import { fillAvatar } from "./dom.js";
import { buildMessage, buildPending, ui } from "./views-message.js";
import { renderComposeContext } from "./message-actions.js";
import { renderRecorderButtons } from "./recorder.js";

const RECALL_WINDOW_MS = 2 * 60 * 1000;
const RUN_GAP_MS = 5 * 60 * 1000; // messages of one sender closer than this share one time stamp
const NEAR_BOTTOM_PX = 120;
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
  if (peer) paintAvatar($("chat-avatar"), peer, state.store.presence.get(peer)?.status);
  else fillAvatar($("chat-avatar"), title, state.activeId);
  const blocked = !!peer && state.store.blocked.has(peer);
  if (view.kind === "direct") {
    $("chat-sub").textContent = peer === state.store.me ? "Notes to yourself" : lastSeenText(state.store.presence.get(peer)) || peer;
  } else {
    const names = (view.members || []).map((m) => (m.userId === state.store.me ? "you" : state.store.nameOf(m.userId)));
    $("chat-sub").textContent = `${names.length} members: ${names.join(", ")}`;
  }
  const group = view.kind === "group";
  const admin = group && ["owner", "admin"].includes((view.members || []).find((m) => m.userId === state.store.me)?.role);
  $("add-members").hidden = !admin;
  $("group-info").hidden = !group;
  $("block").hidden = view.kind !== "direct" || peer === state.store.me;
  $("block").textContent = blocked ? "Unblock" : "Block";
  $("block").dataset.blocked = String(blocked);
  $("blocked-banner").hidden = !blocked;
  $("blocked-text").textContent = blocked ? `You blocked ${state.store.nameOf(peer)}. They cannot send you messages.` : "";
  $("leave").hidden = !group;
  // A muted member cannot send: say so where the composer would be, rather than refusing each message.
  const muted = group && !!(view.members || []).find((m) => m.userId === state.store.me)?.muted;
  $("muted-note").hidden = !muted;
  $("composer").classList.toggle("muted", muted);
  renderComposeContext();
  renderRecorderButtons();
  renderMessages({ scrollToEnd });
  renderTyping();
}

const messageNodes = new Map(); // key -> { sig, node }

// Names belong in the signature: a sender's or reader's display name often arrives after the message was drawn.
function messageSignature(m, readers, extra) {
  const names = [m.senderId, ...readers].map((u) => [state.store.nameOf(u), state.store.avatars.get(u)]);
  return JSON.stringify([m.seq, m.recalled, m.text, m.editedAt, m.reactions, m.attachment?.id, m.system, readers, names, extra]);
}

let tailShownFor = null; // the conversation whose newest page renderMessages last drew
let seenLast = { id: null, seq: 0 }; // the newest message the user has had on screen (for the jump button's count)

/** The user's place when the conversation opens: messages after it get the "new messages" divider. */
export function markDivider(id) {
  const view = state.store.conversations.get(id);
  state.divider = view && (view.unread || 0) > 0 ? { id, seq: (view.readSeq || 0) + 1, scroll: true } : null;
}

function sameRun(a, b) {
  return a && b && a.kind !== "system" && b.kind !== "system" && a.senderId === b.senderId
    && formatDay(a.sentAt) === formatDay(b.sentAt) && Math.abs(Date.parse(b.sentAt) - Date.parse(a.sentAt)) < RUN_GAP_MS;
}

function renderMessages({ scrollToEnd = false, keep = null } = {}) {
  const box = $("messages");
  const nearBottom = box.scrollHeight - box.scrollTop - box.clientHeight < NEAR_BOTTOM_PX;
  const id = state.activeId;
  const { list, pending } = state.store.messageList(id);
  const tail = state.store.tails.get(id);
  $("older").hidden = !(tail && tail.hasOlder);
  const view = state.store.conversations.get(id);
  const group = view?.kind === "group";
  const divider = state.divider?.id === id ? state.divider.seq : null;

  const nodes = [];
  const used = new Set();
  let lastDay = "";
  let dividerDrawn = false;
  const take = (key, sig, build) => {
    used.add(key);
    const cached = messageNodes.get(key);
    if (cached && cached.sig === sig) return cached.node;
    const node = build();
    messageNodes.set(key, { sig, node });
    return node;
  };

  list.forEach((m, i) => {
    const day = formatDay(m.sentAt);
    const dayChanged = day !== lastDay;
    if (dayChanged) {
      nodes.push(take(`${id}/day/${day}`, day, () => el("li", { class: "day", testid: "day-separator", text: day })));
      lastDay = day;
    }
    const mine = m.senderId === state.store.me;
    if (divider !== null && !dividerDrawn && m.seq >= divider && !mine && m.kind !== "system") {
      nodes.push(take(`${id}/divider`, "divider", () => el("li", { class: "unread-divider", testid: "unread-divider", text: "New messages" })));
      dividerDrawn = true;
    }
    const prev = list[i - 1];
    const next = list[i + 1];
    const first = dayChanged || !sameRun(prev, m);
    const last = !sameRun(m, next) || (i === list.length - 1);
    const readers = mine ? state.store.readersOf(id, m.seq) : [];
    const canRecall = mine && !m.recalled && m.kind !== "system" && Date.now() - Date.parse(m.sentAt) < RECALL_WINDOW_MS;
    const key = `${id}/${m.seq}`;
    const menuOpen = ui.menuFor === key;
    const quoted = m.replyToSeq ? state.store.message(id, m.replyToSeq) : null;
    const quote = quoted ? [quoted.senderId, quoted.text, quoted.recalled, quoted.deleted] : null;
    nodes.push(take(key, messageSignature(m, readers, [first, last, canRecall, group, menuOpen, quote]),
      () => buildMessage(m, { key, mine, readers, canRecall, first, last, group, menuOpen })));
  });
  for (const p of pending) {
    const key = `pending/${p.clientMsgId}`;
    nodes.push(take(key, JSON.stringify([p.state, p.attachment?.id, p.error, p.retryOnReconnect]), () => buildPending(p)));
  }
  for (const key of [...messageNodes.keys()]) if (!used.has(key)) messageNodes.delete(key);
  const items = $("message-items");
  const current = [...items.children];
  if (current.length !== nodes.length || current.some((n, i) => n !== nodes[i])) items.replaceChildren(...nodes);

  const focus = state.focus?.id === id ? items.querySelector(`[data-testid=message][data-seq="${state.focus.seq}"]`) : null;
  if (focus) {
    focus.scrollIntoView({ block: "center" });
    focus.classList.add("flash");
    setTimeout(() => focus.classList.remove("flash"), 1600);
    state.focus = null;
  } else if (keep !== null) box.scrollTop = box.scrollHeight - keep;
  else if (scrollToEnd && dividerDrawn && state.divider.scroll) {
    // Until the newest page is in, every redraw puts the divider back at the top: the user starts where they left off.
    items.querySelector(".unread-divider")?.scrollIntoView({ block: "start" });
    if (tail) state.divider.scroll = false;
  }
  else if (scrollToEnd || nearBottom) box.scrollTop = box.scrollHeight;
  tailShownFor = tail ? id : null;
  renderJump(list);
}

function atBottom() {
  const box = $("messages");
  return box.scrollHeight - box.scrollTop - box.clientHeight < NEAR_BOTTOM_PX;
}

/**
 * The jump-to-latest button: shown while scrolled away from the end, counting the others' messages below the
 * newest one the user has had on screen.
 */
function renderJump(list = state.store.messageList(state.activeId).list) {
  const box = $("messages");
  const id = state.activeId;
  if (seenLast.id !== id) seenLast = { id, seq: 0 };
  const bottom = box.getBoundingClientRect().bottom;
  const nodes = $("message-items").querySelectorAll("[data-testid=message]");
  for (let i = nodes.length - 1; i >= 0; i--) {
    if (nodes[i].getBoundingClientRect().top < bottom) { seenLast.seq = Math.max(seenLast.seq, Number(nodes[i].dataset.seq)); break; }
  }
  const unseen = list.filter((m) => m.seq > seenLast.seq && m.senderId !== state.store.me && m.kind !== "system").length;
  $("jump-latest").hidden = atBottom();
  $("jump-count").textContent = unseen ? String(unseen) : "";
}

export function jumpToLatest() {
  const box = $("messages");
  box.scrollTop = box.scrollHeight;
  renderJump();
}

/**
 * The message list's scroll handler: near the top, page in older messages. Only once the newest page is on screen:
 * switching conversations shrinks the list, and the browser's scroll event for that (scrollTop 0) can arrive after
 * the History answer is stored but before it is drawn, which used to fetch a second page nobody scrolled to.
 */
export function loadOlderOnScroll() {
  if ($("messages").scrollTop < 60 && tailShownFor === state.activeId) loadOlder();
  renderJump();
}

/** Drops the cached message nodes (a new session must not reuse the previous user's). */
export function clearMessageNodes() {
  messageNodes.clear();
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
    const page = await call("History", [id, tail.oldest, HISTORY_PAGE]);
    state.store.loadOlder(id, page || [], HISTORY_PAGE);
    renderMessages({ keep: fromBottom });
  } catch (error) {
    toast(friendly(error), true);
  } finally {
    loadingOlder.delete(id);
  }
}
