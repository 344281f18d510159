// What a user does to a message: reply, edit, recall, delete for me, react; and the composer's reply/edit bar.

import { state } from "./state.js";
import { $, toast } from "./dom.js";
import { friendly, errorCode } from "./errors.js";
import { call, missingMethod } from "./hub.js";
import { render } from "./render.js";
import { previewText } from "./quotes.js";

export const REACTIONS = ["👍", "❤️", "😂", "😮", "😢", "🙏"];
const EDIT_WINDOW_MS = 15 * 60 * 1000; // the server's default Chat:Conversations:EditWindow; it has the last word

export function canEdit(m) {
  return m.kind === "text" && !m.recalled && m.senderId === state.store.me && Date.now() - Date.parse(m.sentAt) < EDIT_WINDOW_MS;
}

const unsupported = (error) => (missingMethod(error) ? "This server does not support that yet." : null);

export async function recall(seq) {
  try {
    await call("Recall", [state.activeId, seq], { retry: false });
    state.store.applyRecalled({ conversationId: state.activeId, seq });
    render();
  } catch (error) {
    toast(friendly(error, "recall"), true);
  }
}

/** The composer's mode: null, or { mode: "reply" | "edit", conversationId, seq }. */
export function composeMode() {
  const c = state.compose;
  return c && c.conversationId === state.activeId ? c : null;
}

function showContext() {
  const c = composeMode();
  $("compose-context").hidden = !c;
  if (!c) return;
  const m = state.store.message(c.conversationId, c.seq);
  const who = m?.senderId === state.store.me ? "yourself" : state.store.nameOf(m?.senderId);
  $("compose-context-title").textContent = c.mode === "edit" ? "Edit message" : `Reply to ${who}`;
  $("compose-context-quote").textContent = previewText(m);
}

export function startReply(m) {
  state.compose = { mode: "reply", conversationId: m.conversationId, seq: m.seq };
  showContext();
  $("composer-input").focus();
}

export function startEdit(m) {
  state.compose = { mode: "edit", conversationId: m.conversationId, seq: m.seq };
  const input = $("composer-input");
  input.value = m.text || "";
  showContext();
  input.focus();
  input.dispatchEvent(new Event("input"));
}

export function cancelCompose() {
  const wasEdit = state.compose?.mode === "edit";
  state.compose = null;
  showContext();
  if (wasEdit) { $("composer-input").value = ""; $("composer-input").dispatchEvent(new Event("input")); }
}

/** Draws the reply/edit bar for the open conversation (another conversation's draft mode is dropped). */
export function renderComposeContext() {
  if (state.compose && state.compose.conversationId !== state.activeId) state.compose = null;
  showContext();
}

/** Sends an edit; answers whether the text was taken (false keeps it in the composer). */
export async function submitEdit(text) {
  const c = composeMode();
  try {
    const message = await call("Edit", [{ conversationId: c.conversationId, seq: c.seq, text }]);
    state.store.applyEdited(message);
    state.compose = null;
    showContext();
    render();
    return true;
  } catch (error) {
    toast(unsupported(error) || friendly(error, "edit"), true);
    return false;
  }
}

export async function deleteForMe(m) {
  try {
    await call("DeleteForMe", [m.conversationId, [m.seq]]);
    state.store.applyDeleted({ conversationId: m.conversationId, seqs: [m.seq] });
    render();
  } catch (error) {
    toast(unsupported(error) || friendly(error), true);
  }
}

export async function toggleReaction(m, emoji) {
  const on = !(m.reactions?.[emoji] || []).includes(state.store.me);
  try {
    const result = await call("React", [{ conversationId: m.conversationId, seq: m.seq, emoji, on }]);
    state.store.applyReaction(result);
    render();
  } catch (error) {
    toast(unsupported(error) || (errorCode(error) === "invalid" ? "That reaction is not available." : friendly(error)), true);
  }
}

export function wireMessageActions() {
  $("compose-context-cancel").addEventListener("click", cancelCompose);
}
