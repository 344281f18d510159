// Handlers of the hub's pushes: messages, unread counts, presence, typing, read receipts, focus, membership, recalls,
// edits, deletions for me, reactions and the server's request to Sync.

import { state, typingByConv } from "./state.js";
import { isVisible } from "./dom.js";
import { render } from "./render.js";
import { scheduleSync, refreshPresence } from "./sync.js";
import { openConversation, closeConversation, markRead } from "./conversations.js";
import { sync } from "./sync.js";
import { renderTyping } from "./views-chat.js";

const TYPING_SHOWN_MS = 4000;

export function onMessage(message) {
  const known = state.store.conversations.has(message.conversationId);
  const { added, gap } = state.store.addMessage(message);
  if (!known || gap) scheduleSync();
  if (added) {
    const typing = typingByConv.get(message.conversationId);
    typing?.delete(message.senderId);
  }
  if (added && message.conversationId === state.activeId && isVisible()) markRead(state.activeId);
  render();
}

export function onUnread(event) {
  state.store.applyUnread(event);
  render();
}

export function onPresence(presence) {
  state.store.presence.set(presence.userId, presence);
  render();
}

export function onTyping(event) {
  if (event.userId === state.store.me) return;
  let users = typingByConv.get(event.conversationId);
  if (!users) { users = new Map(); typingByConv.set(event.conversationId, users); }
  users.set(event.userId, Date.now() + TYPING_SHOWN_MS);
  renderTyping();
  setTimeout(renderTyping, TYPING_SHOWN_MS + 50);
}

export function onRead(event) {
  state.store.applyRead(event);
  if (event.userId === state.store.me) {
    const view = state.store.conversations.get(event.conversationId);
    if (view && (view.readSeq || 0) < event.seq) view.readSeq = event.seq;
  }
  render();
}

export function onFocus(event) {
  if (event.originConnectionId && event.originConnectionId === state.connection?.connectionId) return;
  if (!event.conversationId || event.conversationId === state.activeId) return;
  if (!state.store.conversations.has(event.conversationId)) { scheduleSync(); return; }
  openConversation(event.conversationId, { fromFocus: true });
}

export function onConversation(view) {
  const member = (view.members || []).some((m) => m.userId === state.store.me);
  if (!member) {
    state.store.removeConversation(view.conversationId);
    if (state.activeId === view.conversationId) closeConversation();
  } else {
    state.store.upsertConversation(view);
    if (state.store.hasGap(view.conversationId)) scheduleSync();
    if (view.kind === "direct") refreshPresence();
  }
  render();
}

export function onRecalled(event) {
  state.store.applyRecalled(event);
  render();
}

export function onEdited(message) {
  state.store.applyEdited(message);
  render();
}

export function onDeleted(event) {
  state.store.applyDeleted(event);
  render();
}

export function onReaction(event) {
  state.store.applyReaction(event);
  render();
}

/** The server dropped pushes for us (offline overflow): catch up from the cursors. */
export function onSync() {
  sync();
}
