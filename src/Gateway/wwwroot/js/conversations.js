// Opening and closing conversations, loading their newest page, and marking them read.

import { state } from "./state.js";
import { $, toast, isVisible } from "./dom.js";
import { friendly } from "./errors.js";
import { call } from "./hub.js";
import { loadReads } from "./receipts.js";
import { markDivider } from "./views-chat.js";
import { cancelRecording } from "./recorder.js";
import { render } from "./render.js";
import { scheduleSync } from "./sync.js";

const signalR = window.signalR;
export const HISTORY_PAGE = 30;
const NEWEST = Number.MAX_SAFE_INTEGER; // History(beforeSeq = NEWEST) answers the latest page
const markingRead = new Map();  // conversationId -> seq being marked

export async function loadTail(id) {
  try {
    const page = await call("History", [id, NEWEST, HISTORY_PAGE]);
    state.store.loadTail(id, page || [], HISTORY_PAGE);
    if (state.store.hasGap(id)) scheduleSync();
  } catch (error) {
    toast(friendly(error), true);
  }
}

export async function openConversation(id, { fromFocus = false } = {}) {
  const switching = state.activeId !== id;
  if (switching) { cancelRecording(); markDivider(id); }
  state.activeId = id;
  rememberOpen(id);
  $("app").classList.add("show-chat");
  $("emoji-picker").hidden = true;
  render({ scrollToEnd: switching });
  if (!fromFocus && state.connection?.state === signalR.HubConnectionState.Connected) {
    state.connection.invoke("Focus", id).catch((error) => console.warn("focus failed", error));
  }
  if (switching) loadReads(id);
  if (!state.store.isLoaded(id)) {
    await loadTail(id);
    if (state.activeId !== id) return;
    render({ scrollToEnd: true });
  }
  if (isVisible()) markRead(id);
  if (!fromFocus && window.matchMedia("(min-width: 761px)").matches) $("composer-input").focus();
}

/** Opens a conversation with the message `seq` in view (a search hit): pages back until it is loaded. */
export async function openAt(id, seq) {
  await openConversation(id);
  for (let round = 0; round < 20; round++) {
    const tail = state.store.tails.get(id);
    if (!tail || tail.oldest <= seq || !tail.hasOlder || state.activeId !== id) break;
    try {
      const page = await call("History", [id, tail.oldest, 200]);
      state.store.loadOlder(id, page || [], 200);
    } catch (error) {
      toast(friendly(error), true);
      break;
    }
  }
  state.focus = { id, seq };
  render();
}

// The open conversation lives in the address (#c=…), so a reload (or a bookmark) reopens it.
function rememberOpen(id) {
  const hash = id ? `#c=${encodeURIComponent(id)}` : "";
  if (location.hash !== hash) history.replaceState(null, "", `${location.pathname}${location.search}${hash}`);
}

/** The conversation the address names, if any. */
export function conversationInAddress() {
  const m = /^#c=(.+)$/.exec(location.hash);
  return m ? decodeURIComponent(m[1]) : null;
}

export function closeConversation() {
  cancelRecording();
  rememberOpen(null);
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
    const result = await call("MarkRead", [id, seq]);
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
