// The agent console at /console: sign-in, the desk and status pickers, switching between the views (chats, the
// agent's quick replies; for supervisors also board, audit and blocked visitors). Everything else lives in its own
// module (lists, chat, casepane, actions, replies, myreplies, board, audit, blocked).

import { state, isSupervisor } from "./state.js";
import { $, explain, notice, toast } from "./ui.js";
import { connect, disconnect, invoke, onConnected, onUnauthorized } from "./hub.js";
import { auth } from "/js/api.js";
import { initLists, refreshLists } from "./lists.js";
import { initChat, reloadOpenChat } from "./chat.js";
import { initActions } from "./actions.js";
import { initReplies, loadReplies, closeReplies } from "./replies.js";
import { initMyReplies, showMyReplies } from "./myreplies.js";
import { initBlocked, showBlocked } from "./blocked.js";
import { startBoard, stopBoard } from "./board.js";
import { initAudit, showAudit } from "./audit.js";

const KEY = "im.console.auth"; // not the web client's key: signing in here must not switch its user

function roleOf(token) {
  try { return JSON.parse(atob(token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/"))).role || null; } catch { return null; }
}

function loadSession() {
  try {
    const s = JSON.parse(localStorage.getItem(KEY) || "null");
    if (s?.token && Date.parse(s.expiresAt) > Date.now() + 5000) return s;
  } catch { /* none */ }
  return null;
}

function showLogin(message = "") {
  $("console").hidden = true;
  $("login").hidden = false;
  $("login-error").textContent = message;
  $("login-form").userId.focus();
}

$("login-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const f = e.target;
  const button = f.querySelector("button");
  button.disabled = true;
  $("login-error").textContent = "";
  try {
    const answer = await auth.login(f.userId.value.trim(), f.password.value);
    const session = { ...answer, role: roleOf(answer.token) };
    if (session.role !== "agent" && session.role !== "operator") {
      $("login-error").textContent = "This account is not an agent. Ask an operator to add you to a desk, then sign in again.";
      return;
    }
    localStorage.setItem(KEY, JSON.stringify(session));
    f.password.value = "";
    await enter(session);
  } catch (error) {
    $("login-error").textContent = error.status === 401 ? "Wrong user id or password." : explain(error, "Sign-in");
  } finally {
    button.disabled = false;
  }
});

$("logout").addEventListener("click", async () => {
  await disconnect();
  localStorage.removeItem(KEY);
  state.session = null;
  stopBoard();
  showLogin();
});
onUnauthorized(() => { localStorage.removeItem(KEY); showLogin("Your session has ended. Please sign in again."); });

async function loadDesks() {
  const response = await fetch("/api/desks", { headers: { Authorization: `Bearer ${state.session.token}` } });
  if (response.status === 403) throw new Error("You are not listed on any desk yet.");
  if (response.status === 404) throw new Error("This server does not list desks yet. Chats the desk gives you still appear under My chats.");
  if (!response.ok) throw new Error(`The desks could not be loaded (HTTP ${response.status}). Chats the desk gives you still appear under My chats.`);
  return response.json();
}

async function enter(session) {
  state.session = session;
  $("login").hidden = true;
  $("console").hidden = false;
  $("me").textContent = session.userId;
  try {
    state.desks = await loadDesks();
    notice("");
  } catch (error) {
    state.desks = [];
    notice(error.message);
  }
  const select = $("desk-select");
  select.replaceChildren(...state.desks.map((d) => new Option(d.name || d.deskId, d.deskId)));
  select.hidden = state.desks.length === 0;
  const saved = localStorage.getItem(`${KEY}.desk`);
  state.deskId = state.desks.some((d) => d.deskId === saved) ? saved : state.desks[0]?.deskId ?? null;
  select.value = state.deskId ?? "";
  deskChanged();
  await connect();
}

function deskChanged() {
  localStorage.setItem(`${KEY}.desk`, state.deskId ?? "");
  const sup = isSupervisor();
  for (const b of document.querySelectorAll("#views button.sup")) b.hidden = !sup;
  if (!sup && SUPERVISOR_VIEWS.includes(state.view)) setView("chats");
  const labels = $("filter-label");
  const deskLabels = state.desks.find((d) => d.deskId === state.deskId)?.labels || [];
  labels.replaceChildren(new Option("Any label", ""), ...deskLabels.map((l) => new Option(l, l)));
  labels.hidden = deskLabels.length === 0;
}

$("desk-select").addEventListener("change", (e) => {
  state.deskId = e.target.value;
  deskChanged();
  refreshLists();
  loadReplies();
  if (state.view === "board") startBoard();
  if (state.view === "audit") showAudit(true);
  if (state.view === "blocked") showBlocked();
  if (state.view === "replies") showMyReplies();
});

const SUPERVISOR_VIEWS = ["board", "audit", "blocked"];

function setView(view) {
  state.view = view;
  for (const b of document.querySelectorAll("#views button")) b.classList.toggle("on", b.dataset.view === view);
  $("chats-view").hidden = view !== "chats";
  $("board-view").hidden = view !== "board";
  $("audit-view").hidden = view !== "audit";
  $("blocked-view").hidden = view !== "blocked";
  $("replies-view").hidden = view !== "replies";
  closeReplies();
  if (view === "board") startBoard(); else stopBoard();
  if (view === "audit") showAudit(true);
  if (view === "blocked") showBlocked();
  if (view === "replies") showMyReplies();
}
$("views").addEventListener("click", (e) => { const v = e.target.closest("button")?.dataset.view; if (v) setView(v); });
$("replies-edit").addEventListener("click", () => setView("replies"));

$("status-select").addEventListener("change", async (e) => {
  try {
    const agent = await invoke("SetAgentStatus", e.target.value);
    showStatus(agent);
  } catch (error) {
    toast(explain(error, "Changing your status"), true);
  }
});

function showStatus(agent) {
  const select = $("status-select");
  select.value = agent?.status || "offline";
  select.dataset.status = select.value;
  select.title = agent ? `${agent.chats?.length ?? 0} of ${agent.capacity} chats` : "Your status";
}

onConnected(async () => {
  try { showStatus(await invoke("GetAgentState")); } catch (error) { toast(explain(error, "Reading your status"), true); }
  await Promise.all([refreshLists(), loadReplies()]);
  await reloadOpenChat();
  // A view opened while the connection was down said so; read it now (an edit in progress is left alone).
  if (state.view === "blocked") await showBlocked();
  if (state.view === "replies" && $("reply-form").hidden) await showMyReplies();
});

initLists();
initChat();
initReplies();
initActions();
initAudit();
initBlocked();
initMyReplies();
window.__console = state; // for tests and debugging
const session = loadSession();
if (session) enter(session); else showLogin();
