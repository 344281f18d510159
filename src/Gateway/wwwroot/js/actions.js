// Actions on conversations and users: recall, open a direct chat, the group dialog, leave, block, own presence.

import { state } from "./state.js";
import { $, toast } from "./dom.js";
import { errorCode, friendly } from "./errors.js";
import { call } from "./hub.js";
import { render } from "./render.js";
import { refreshPresence } from "./sync.js";
import { openConversation, closeConversation } from "./conversations.js";

/** Opens (creating if need be) the direct chat with a user id; answers whether it opened. */
export async function openDirectWith(peer) {
  try {
    const view = await call("OpenDirect", [peer]);
    state.store.upsertConversation(view);
    refreshPresence();
    await openConversation(view.conversationId);
    return true;
  } catch (error) {
    const code = errorCode(error);
    toast(code === "not_found" ? `No user "${peer}"` : code === "invalid" ? `"${peer}" is not a user id.` : friendly(error, "user"), true);
    return false;
  }
}

export async function openDirect(event) {
  event.preventDefault();
  const input = $("new-direct-input");
  const peer = input.value.trim();
  if (!peer) return;
  if (await openDirectWith(peer)) { input.value = ""; input.dispatchEvent(new Event("input")); }
}

let groupMode = "create";
let groupTarget = null; // the conversation an "add members" dialog was opened for
export function openGroupDialog(mode) {
  groupMode = mode;
  // The dialog names this conversation; a focus push from another window may switch the active one meanwhile.
  groupTarget = state.activeId;
  const form = $("group-form");
  form.reset();
  $("group-error").textContent = "";
  $("group-dialog-title").textContent = mode === "create" ? "New group" : `Add members to ${state.store.titleOf(state.store.conversations.get(state.activeId))}`;
  $("group-title-field").hidden = mode !== "create";
  form.querySelector("[data-testid=group-create]").textContent = mode === "create" ? "Create" : "Add";
  $("group-dialog").showModal();
  (mode === "create" ? form.title : form.members).focus();
}

export async function submitGroup(event) {
  if (event.submitter?.value === "cancel") return;
  event.preventDefault();
  const form = $("group-form");
  const ids = form.members.value.split(/[\s,;]+/).map((s) => s.trim()).filter(Boolean);
  try {
    let view;
    if (groupMode === "create") {
      const title = form.title.value.trim();
      if (!title) { $("group-error").textContent = "Give the group a title."; return; }
      view = await call("CreateGroup", [{ title, memberIds: ids }], { retry: false });
    } else {
      if (!ids.length) { $("group-error").textContent = "Enter at least one user id."; return; }
      view = await call("AddMembers", [groupTarget, ids]);
    }
    state.store.upsertConversation(view);
    $("group-dialog").close();
    await openConversation(view.conversationId);
  } catch (error) {
    $("group-error").textContent = friendly(error, groupMode === "create" ? "" : "admin");
  }
}

export async function leaveActive() {
  const id = state.activeId;
  const view = state.store.conversations.get(id);
  if (!view || !confirm(`Leave "${state.store.titleOf(view)}"?`)) return;
  try {
    await call("Leave", [id]);
    state.store.removeConversation(id);
    closeConversation();
    $("info-dialog").close();
  } catch (error) {
    toast(friendly(error), true);
  }
}

/** The header's Block / Unblock button of a direct chat. */
export async function blockPeer() {
  const peer = state.store.peerOf(state.store.conversations.get(state.activeId));
  if (!peer) return;
  if (state.store.blocked.has(peer)) { await setBlocked(peer, false); return; }
  if (!confirm(`Block ${state.store.nameOf(peer)}? They will no longer be able to send you messages.`)) return;
  await setBlocked(peer, true);
}

export async function setBlocked(userId, blocked) {
  try {
    await call(blocked ? "Block" : "Unblock", [userId]);
    if (blocked) state.store.blocked.add(userId);
    else state.store.blocked.delete(userId);
    toast(`${state.store.nameOf(userId)} is ${blocked ? "blocked" : "unblocked"}`);
    render();
  } catch (error) {
    toast(friendly(error), true);
  }
}

export async function setPresence() {
  const status = $("presence-select").value;
  localStorage.setItem(`im.presence.${state.session.userId}`, status);
  try {
    await call("SetPresence", [status]);
  } catch (error) {
    toast(friendly(error), true);
  }
}
