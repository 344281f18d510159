// Profiles: display names and avatars of the people on screen, my own profile in the sidebar header, live
// `profile` pushes, and the profile dialog (name, avatar upload, listed in search).

import { state } from "./state.js";
import { addressUrl, uploadFile } from "./api.js";
import { $, fillAvatar, toast } from "./dom.js";
import { friendly } from "./errors.js";
import { call, missingMethod } from "./hub.js";
import { render } from "./render.js";

const asked = new Set(); // user ids whose profile was already asked for this session

/** A promise of the user's avatar picture (an object URL), or null when they have none. */
export function avatarImage(userId) {
  const address = userId && state.store?.avatars.get(userId);
  return address ? addressUrl(state.session.token, address) : null;
}

/** Paints a person's avatar (picture or initial) into node. */
export function paintAvatar(node, userId, status) {
  fillAvatar(node, state.store.nameOf(userId), userId, status, avatarImage(userId));
}

/** Reads the display name from the token (its `name` claim): the header shows it at once, before any call. */
export function nameFromToken(token) {
  try {
    const payload = JSON.parse(atob(token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
    return typeof payload.name === "string" && payload.name ? payload.name : null;
  } catch {
    return null;
  }
}

/** Asks the server for profiles not asked for yet (GetProfiles; an older server without it is fine). */
export async function loadProfiles(userIds) {
  const wanted = [...new Set(userIds)].filter((id) => id && !asked.has(id));
  if (!wanted.length) return;
  for (const id of wanted) asked.add(id);
  try {
    for (let i = 0; i < wanted.length; i += 200) {
      const list = await call("GetProfiles", [wanted.slice(i, i + 200)]);
      for (const p of list || []) applyProfile(p);
    }
    render();
  } catch (error) {
    if (!missingMethod(error)) for (const id of wanted) asked.delete(id);
  }
}

export function forgetProfiles() {
  asked.clear();
}

/** A Profile answer or a `profile` push. */
export function applyProfile(p) {
  state.store.applyProfile(p);
  if (p.userId === state.store.me) {
    if (p.listed !== undefined) state.myListed = p.listed;
    renderMe();
  }
}

export function onProfile(p) {
  applyProfile(p);
  render();
}

export function renderMe() {
  const me = state.store.me;
  const name = state.store.nameOf(me);
  $("me-name").textContent = name;
  $("me-id").textContent = me;
  paintAvatar($("me-avatar"), me);
}

// ---------- the profile dialog ----------

let pendingAvatar = undefined; // undefined: unchanged; "": remove; else the uploaded file's id

export function openProfileDialog() {
  const form = $("profile-form");
  const me = state.store.me;
  form.displayName.value = state.store.nameOf(me);
  form.listed.checked = state.myListed !== false;
  form.listed.closest("label").hidden = state.session.role === "guest" || me.startsWith("guest-");
  $("profile-error").textContent = "";
  pendingAvatar = undefined;
  paintAvatar($("profile-avatar"), me);
  $("profile-dialog").showModal();
}

async function pickAvatar(event) {
  const file = event.target.files[0];
  event.target.value = "";
  if (!file) return;
  if (!file.type.startsWith("image/")) { $("profile-error").textContent = "Choose a picture for your avatar."; return; }
  if (file.size > 2 * 1024 * 1024) { $("profile-error").textContent = "That picture is too large (at most 2 MB)."; return; }
  $("profile-error").textContent = "";
  try {
    const uploaded = await uploadFile(state.session.token, file, null);
    pendingAvatar = uploaded.id;
    const url = URL.createObjectURL(file);
    fillAvatar($("profile-avatar"), "", state.store.me, undefined, Promise.resolve(url));
  } catch (error) {
    $("profile-error").textContent = friendly(error, "upload");
  }
}

async function saveProfile(event) {
  if (event.submitter?.value === "cancel") return;
  event.preventDefault();
  const form = $("profile-form");
  const displayName = form.displayName.value.trim();
  if (!displayName) { $("profile-error").textContent = "Please enter a display name."; return; }
  const request = { displayName };
  if (pendingAvatar !== undefined) request.avatarId = pendingAvatar;
  if (!form.listed.closest("label").hidden) request.listed = form.listed.checked;
  try {
    const profile = await call("SetProfile", [request]);
    applyProfile(profile);
    $("profile-dialog").close();
    toast("Profile saved");
    render();
  } catch (error) {
    $("profile-error").textContent = missingMethod(error) ? "Profiles cannot be changed on this server yet." : friendly(error);
  }
}

export function wireProfile() {
  $("me-open").addEventListener("click", openProfileDialog);
  $("profile-form").addEventListener("submit", saveProfile);
  $("profile-avatar-input").addEventListener("change", pickAvatar);
  $("profile-avatar-remove").addEventListener("click", () => {
    pendingAvatar = "";
    fillAvatar($("profile-avatar"), state.store.nameOf(state.store.me), state.store.me);
  });
}
