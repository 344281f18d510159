// Actions on conversations and users: recall, open a direct chat, the group dialog, leave, block, own presence.

import { state } from "./state.js";
import { $, toast } from "./dom.js";
import { errorCode, errorText } from "./errors.js";
import { render } from "./render.js";
import { refreshPresence } from "./sync.js";
import { openConversation, closeConversation } from "./conversations.js";

export async function recall(seq) {
  try {
    await state.connection.invoke("Recall", state.activeId, seq);
    state.store.applyRecalled({ conversationId: state.activeId, seq });
    render();
  } catch (error) {
    toast(errorText(error), true);
  }
}

export async function openDirect(event) {
  event.preventDefault();
  const input = $("new-direct-input");
  const peer = input.value.trim();
  if (!peer) return;
  try {
    const view = await state.connection.invoke("OpenDirect", peer);
    state.store.upsertConversation(view);
    input.value = "";
    refreshPresence();
    await openConversation(view.conversationId);
  } catch (error) {
    toast(errorCode(error) === "not_found" ? `No user "${peer}"` : errorText(error), true);
  }
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
      view = await state.connection.invoke("CreateGroup", { title, memberIds: ids });
    } else {
      if (!ids.length) { $("group-error").textContent = "Enter at least one user id."; return; }
      view = await state.connection.invoke("AddMembers", groupTarget, ids);
    }
    state.store.upsertConversation(view);
    $("group-dialog").close();
    await openConversation(view.conversationId);
  } catch (error) {
    $("group-error").textContent = errorText(error);
  }
}

export async function leaveActive() {
  const id = state.activeId;
  const view = state.store.conversations.get(id);
  if (!view || !confirm(`Leave "${state.store.titleOf(view)}"?`)) return;
  try {
    await state.connection.invoke("Leave", id);
    state.store.removeConversation(id);
    closeConversation();
  } catch (error) {
    toast(errorText(error), true);
  }
}

export async function blockPeer() {
  const peer = state.store.peerOf(state.store.conversations.get(state.activeId));
  if (!peer || !confirm(`Block ${state.store.nameOf(peer)}? They will no longer be able to send you messages.`)) return;
  try {
    await state.connection.invoke("Block", peer);
    toast(`${state.store.nameOf(peer)} is blocked`);
  } catch (error) {
    toast(errorText(error), true);
  }
}

export async function setPresence() {
  const status = $("presence-select").value;
  localStorage.setItem(`im.presence.${state.session.userId}`, status);
  try {
    await state.connection.invoke("SetPresence", status);
  } catch (error) {
    toast(errorText(error), true);
  }
}
