// The sign-in screen: sign in, register or continue as a guest.

import { auth as authApi, loadAuth, saveAuth } from "./api.js";
import { $ } from "./dom.js";
import { friendly } from "./errors.js";

let authMode = "login";
let onSignedIn = null; // app.js's startApp, handed over by wireAuth

export function showAuth(message = "") {
  $("app").hidden = true;
  $("auth").hidden = false;
  $("auth-form").querySelector("[data-testid=auth-error]").textContent = message;
  setAuthMode(authMode);
}

function setAuthMode(mode) {
  authMode = mode;
  const form = $("auth-form");
  for (const tab of form.querySelectorAll(".tab")) tab.classList.toggle("active", tab.dataset.mode === mode);
  form.querySelector("[data-for=userId]").hidden = mode === "guest";
  form.querySelector("[data-for=password]").hidden = mode === "guest";
  form.querySelector("[data-for=displayName]").hidden = mode === "login";
  form.password.autocomplete = mode === "register" ? "new-password" : "current-password";
  form.querySelector("[data-testid=auth-submit]").textContent =
    mode === "login" ? "Sign in" : mode === "register" ? "Create account" : "Continue as guest";
}

async function submitAuth(event) {
  event.preventDefault();
  const form = $("auth-form");
  const errorEl = form.querySelector("[data-testid=auth-error]");
  const submit = form.querySelector("[data-testid=auth-submit]");
  const userId = form.userId.value.trim();
  const password = form.password.value;
  const displayName = form.displayName.value.trim();
  errorEl.textContent = "";
  if (authMode !== "guest" && (!userId || !password)) { errorEl.textContent = "Enter a user id and a password."; return; }
  submit.disabled = true;
  try {
    let result;
    if (authMode === "login") result = await authApi.login(userId, password);
    else if (authMode === "register") result = await authApi.register(userId, password, displayName || userId);
    else result = await authApi.guest(displayName || "Guest");
    saveAuth({ ...result, displayName: displayName || result.displayName });
    form.password.value = "";
    await onSignedIn(loadAuth() || result);
  } catch (error) {
    errorEl.textContent = error.status === 401 ? "Wrong user id or password." : friendly(error, authMode);
  } finally {
    submit.disabled = false;
  }
}

/** signedIn(auth) starts the app for a session just saved; app.js passes it so this screen need not import it. */
export function wireAuth(signedIn) {
  onSignedIn = signedIn;
  $("auth-form").addEventListener("submit", submitAuth);
  for (const tab of document.querySelectorAll(".tab")) tab.addEventListener("click", () => setAuthMode(tab.dataset.mode));
}
