// The group info dialog: rename, members with their roles, and the owner's and admins' actions (make admin or
// owner, mute, remove). The server decides who may do what; the dialog offers what the caller's role allows.

import { state } from "./state.js";
import { $, el } from "./dom.js";
import { friendly } from "./errors.js";
import { call, missingMethod } from "./hub.js";
import { render } from "./render.js";
import { paintAvatar } from "./profiles.js";
import { openGroupDialog, leaveActive } from "./actions.js";

let target = null; // the conversation the dialog shows

const ROLE_LABEL = { owner: "Owner", admin: "Admin", member: "Member" };

function myRole(view) {
  return (view?.members || []).find((m) => m.userId === state.store.me)?.role || "member";
}

export function openInfo() {
  target = state.activeId;
  const view = state.store.conversations.get(target);
  if (!view || view.kind !== "group") return;
  $("info-form").title.value = state.store.titleOf(view);
  $("info-error").textContent = "";
  renderInfo();
  $("info-dialog").showModal();
}

/** Redraws the dialog while it is open (a `conversation` push changes roles and members). */
export function renderInfo() {
  if (!$("info-dialog").open && target === null) return;
  const view = state.store.conversations.get(target);
  if (!view) { if ($("info-dialog").open) $("info-dialog").close(); return; }
  const role = myRole(view);
  const admin = role === "owner" || role === "admin";
  const form = $("info-form");
  form.title.readOnly = !admin;
  $("info-rename").hidden = !admin;
  $("info-add").hidden = !admin;
  const order = { owner: 0, admin: 1, member: 2 };
  const members = [...(view.members || [])].sort((a, b) => (order[a.role] ?? 3) - (order[b.role] ?? 3)
    || state.store.nameOf(a.userId).localeCompare(state.store.nameOf(b.userId)));
  $("member-list").replaceChildren(...members.map((m) => {
    const avatar = el("div", { class: "avatar small" });
    paintAvatar(avatar, m.userId);
    const me = m.userId === state.store.me;
    const actions = [];
    if (!me && admin && m.role !== "owner") {
      if (role === "owner") {
        actions.push(m.role === "admin" ? act("member-unadmin", "Remove admin", () => setRole(m.userId, "member"))
          : act("member-admin", "Make admin", () => setRole(m.userId, "admin")));
        actions.push(act("member-owner", "Make owner", () => setRole(m.userId, "owner")));
      }
      actions.push(m.muted ? act("member-unmute", "Unmute", () => setMuted(m.userId, false)) : act("member-mute", "Mute", () => setMuted(m.userId, true)));
      actions.push(act("member-remove", "Remove", () => removeMember(m.userId), "danger"));
    }
    return el("li", { class: "member", testid: "member", dataset: { userId: m.userId, role: m.role } },
      avatar,
      el("div", { class: "member-text" },
        el("div", { class: "member-name", text: me ? `${state.store.nameOf(m.userId)} (you)` : state.store.nameOf(m.userId) }),
        el("div", { class: "member-role", testid: "member-role", text: `${ROLE_LABEL[m.role] || m.role}${m.muted ? " · muted" : ""}` })),
      actions.length ? el("div", { class: "member-actions" }, actions) : null);
  }));
}

function act(testid, text, action, extra = "") {
  return el("button", { type: "button", class: extra, testid, text, onclick: action });
}

async function administer(method, args) {
  $("info-error").textContent = "";
  try {
    const view = await call(method, args);
    if (view?.conversationId) state.store.upsertConversation(view);
    render();
    renderInfo();
  } catch (error) {
    $("info-error").textContent = missingMethod(error) ? "This server does not support that yet." : friendly(error, "admin");
  }
}

const setRole = (userId, role) => {
  if (role === "owner" && !confirm(`Make ${state.store.nameOf(userId)} the owner? You will become an admin.`)) return;
  return administer("SetRole", [target, userId, role]);
};
const setMuted = (userId, muted) => administer("SetMuted", [target, userId, muted]);
const removeMember = (userId) => {
  if (!confirm(`Remove ${state.store.nameOf(userId)} from the group?`)) return;
  return administer("RemoveMember", [target, userId]);
};

async function rename() {
  const title = $("info-form").title.value.trim();
  if (!title) { $("info-error").textContent = "A group title is 1 to 100 characters."; return; }
  await administer("RenameGroup", [target, title]);
}

export function wireAdmin() {
  $("group-info").addEventListener("click", openInfo);
  $("chat-head-text").addEventListener("click", () => { if (state.store.conversations.get(state.activeId)?.kind === "group") openInfo(); });
  $("info-rename").addEventListener("click", rename);
  $("info-form").title.addEventListener("keydown", (event) => { if (event.key === "Enter") { event.preventDefault(); rename(); } });
  $("info-add").addEventListener("click", () => { $("info-dialog").close(); openGroupDialog("add"); });
  $("info-leave").addEventListener("click", leaveActive);
  $("info-dialog").addEventListener("close", () => { target = null; });
}
