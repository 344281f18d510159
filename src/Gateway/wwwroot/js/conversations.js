// Opening and closing conversations, loading their newest page, and marking them read.

import { state } from "./state.js";
import { $, toast, isVisible } from "./dom.js";
import { errorText } from "./errors.js";
import { render } from "./render.js";
import { scheduleSync } from "./sync.js";

const signalR = window.signalR;
export const HISTORY_PAGE = 30;
const NEWEST = Number.MAX_SAFE_INTEGER; // History(beforeSeq = NEWEST) answers the latest page
const markingRead = new Map();  // conversationId -> seq being marked

export async function loadTail(id) {
  try {
    const page = await state.connection.invoke("History", id, NEWEST, HISTORY_PAGE);
    state.store.loadTail(id, page || [], HISTORY_PAGE);
    if (state.store.hasGap(id)) scheduleSync();
  } catch (error) {
    toast(errorText(error), true);
  }
}

export async function openConversation(id, { fromFocus = false } = {}) {
  const switching = state.activeId !== id;
  state.activeId = id;
  $("app").classList.add("show-chat");
  $("emoji-picker").hidden = true;
  render({ scrollToEnd: switching });
  if (!fromFocus && state.connection?.state === signalR.HubConnectionState.Connected) {
    state.connection.invoke("Focus", id).catch((error) => console.warn("focus failed", error));
  }
  if (!state.store.isLoaded(id)) {
    await loadTail(id);
    if (state.activeId !== id) return;
    render({ scrollToEnd: true });
  }
  if (isVisible()) markRead(id);
  if (!fromFocus && window.matchMedia("(min-width: 761px)").matches) $("composer-input").focus();
}

export function closeConversation() {
  state.activeId = null;
  $("app").classList.remove("show-chat");
  render();
}

export async function markRead(id) {
  const view = state.store.conversations.get(id);
  if (!view || state.connection?.state !== signalR.HubConnectionState.Connected) return;
  const seq = state.store.lastSeq(id);
  if (seq <= 0) return;
  if ((view.unread || 0) <= 0 && (view.readSeq || 0) >= seq) return;
  if ((markingRead.get(id) || 0) >= seq) return;
  markingRead.set(id, seq);
  try {
    const result = await state.connection.invoke("MarkRead", id, seq);
    const current = state.store.conversations.get(id);
    if (current) {
      current.unread = Math.max(0, result?.unread ?? 0);
      current.readSeq = Math.max(current.readSeq || 0, seq);
    }
    render();
  } catch (error) {
    console.warn("mark read failed", error);
  } finally {
    if (markingRead.get(id) === seq) markingRead.delete(id);
  }
}
