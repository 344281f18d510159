// The web client: sign-in, conversation list, chat pane. Talks to the gateway's SignalR hub (/hubs/chat) with the
// official @microsoft/signalr browser bundle (lib/signalr.min.js, global `signalR`).
import { auth as authApi, loadAuth, saveAuth, clearAuth, uploadFile, fileUrl } from "./api.js";
import { ChatStore } from "./store.js";

const signalR = window.signalR;
const $ = (id) => document.getElementById(id);
const HISTORY_PAGE = 30;
const SYNC_LIMIT = 200;
const NEWEST = Number.MAX_SAFE_INTEGER; // History(beforeSeq = NEWEST) answers the latest page
const RECALL_WINDOW_MS = 2 * 60 * 1000;
const TYPING_EVERY_MS = 2500;
const TYPING_SHOWN_MS = 4000;
const UNAVAILABLE_RESEND_DELAYS_MS = [250, 1000, 2000, 4000]; // then the message shows as failed, with Retry
const EMOJI = ["😀", "😂", "😊", "😍", "😉", "😎", "🤔", "😅", "😢", "😮", "😡", "🥳", "😴", "🙏", "👍", "👎",
  "👏", "🙌", "💪", "👋", "🤝", "❤️", "🔥", "✨", "🎉", "✅", "❌", "⭐", "☕", "🍕", "🚀", "💡"];

let session = null;      // { userId, token, expiresAt, displayName? }
let store = null;
let connection = null;
let activeId = null;
let stopping = false;
let syncing = null;      // the running sync's promise
let syncAgain = false;
let lastTypingSent = 0;
const typingByConv = new Map(); // conversationId -> Map(userId -> expiresAt)
const markingRead = new Map();  // conversationId -> seq being marked
const loadingOlder = new Set();

// ---------------------------------------------------------------- helpers

function newClientMsgId() {
  if (window.crypto?.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** The protocol error code of a hub or HTTP error (forbidden, invalid, not_found, rate_limited, conflict). */
function errorCode(error) {
  const m = /(?:^|HubException: |\b)(forbidden|invalid|not_found|rate_limited|conflict|internal|unavailable):/.exec(String(error?.message || error));
  return m ? m[1] : null;
}

function errorText(error) {
  const text = String(error?.message || error);
  const at = text.search(/(forbidden|invalid|not_found|rate_limited|conflict|internal|unavailable|unauthorized):/);
  return at >= 0 ? text.slice(at) : text;
}

let toastTimer = 0;
function toast(text, isError = false) {
  const el = $("toast");
  el.textContent = text;
  el.classList.toggle("error", isError);
  el.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { el.hidden = true; }, isError ? 5000 : 2500);
}

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key === "testid") node.dataset.testid = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "text") node.textContent = value;
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function hue(text) {
  let h = 0;
  for (const ch of String(text)) h = (h * 31 + ch.codePointAt(0)) % 360;
  return h;
}

function fillAvatar(node, name, seed, status) {
  node.textContent = "";
  node.style.background = `hsl(${hue(seed)} 55% 52%)`;
  node.append(String(name || "?").trim().slice(0, 1) || "?");
  if (status !== undefined) node.append(el("span", { class: "dot", dataset: { status: status || "offline" }, testid: "presence-dot" }));
}

function formatTime(iso) {
  const d = new Date(iso);
  return isNaN(d) ? "" : d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

function formatDay(iso) {
  const d = new Date(iso);
  if (isNaN(d)) return "";
  const today = new Date();
  const yesterday = new Date(Date.now() - 86400000);
  if (d.toDateString() === today.toDateString()) return "Today";
  if (d.toDateString() === yesterday.toDateString()) return "Yesterday";
  return d.toLocaleDateString([], { weekday: "short", day: "numeric", month: "short", year: d.getFullYear() === today.getFullYear() ? undefined : "numeric" });
}

function formatListTime(iso) {
  const d = new Date(iso);
  if (isNaN(d)) return "";
  return d.toDateString() === new Date().toDateString() ? formatTime(iso) : formatDay(iso);
}

function formatSize(bytes) {
  if (!(bytes >= 0)) return "";
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function lastSeenText(p) {
  if (!p) return "";
  if (p.status && p.status !== "offline") return p.status;
  if (!p.lastSeenAt) return "offline";
  const mins = Math.round((Date.now() - Date.parse(p.lastSeenAt)) / 60000);
  if (mins < 1) return "last seen just now";
  if (mins < 60) return `last seen ${mins} min ago`;
  return `last seen ${formatListTime(p.lastSeenAt)}`;
}

function preview(message) {
  if (!message) return "";
  if (message.recalled) return "Message recalled";
  const who = message.senderId === store.me ? "You: " : "";
  switch (message.kind) {
    case "text": return who + (message.text || "");
    case "image": return who + "📷 Photo";
    case "file": return who + "📎 " + (message.attachment?.fileName || "File");
    case "voice": return who + "🎤 Voice message";
    case "video": return who + "🎬 Video";
    case "system": return message.text || "";
    default: return who + (message.text || message.kind);
  }
}

function linkified(text) {
  const parts = [];
  const re = /\bhttps?:\/\/[^\s<>"]+/g;
  let at = 0;
  for (const m of String(text || "").matchAll(re)) {
    if (m.index > at) parts.push(text.slice(at, m.index));
    parts.push(el("a", { href: m[0], target: "_blank", rel: "noopener noreferrer", text: m[0] }));
    at = m.index + m[0].length;
  }
  if (at < String(text || "").length) parts.push(text.slice(at));
  return parts;
}

function isVisible() {
  return document.visibilityState === "visible";
}

// ---------------------------------------------------------------- auth screen

let authMode = "login";

function showAuth(message = "") {
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
    await startApp(loadAuth() || result);
  } catch (error) {
    errorEl.textContent = error.status === 401 ? "Wrong user id or password." : errorText(error);
  } finally {
    submit.disabled = false;
  }
}

// ---------------------------------------------------------------- connection

function transportFromQuery() {
  const t = new URLSearchParams(location.search).get("transport");
  const T = signalR.HttpTransportType;
  if (!t) return undefined;
  if (/^(ws|websockets?)$/i.test(t)) return T.WebSockets;
  if (/^(sse|serversentevents)$/i.test(t)) return T.ServerSentEvents;
  if (/^(lp|longpolling)$/i.test(t)) return T.LongPolling;
  return undefined;
}

function tokenExpired() {
  return session?.expiresAt && Date.parse(session.expiresAt) <= Date.now();
}

function setConnState(state, text) {
  const node = $("conn");
  node.dataset.state = state;
  node.textContent = text;
}

function buildConnection() {
  const options = { accessTokenFactory: () => session.token };
  const transport = transportFromQuery();
  if (transport !== undefined) options.transport = transport;
  const conn = new signalR.HubConnectionBuilder()
    .withUrl("/hubs/chat?device=web", options)
    .withAutomaticReconnect({
      nextRetryDelayInMilliseconds: (ctx) => {
        if (tokenExpired()) return null;
        return [0, 1000, 2000, 5000][ctx.previousRetryCount] ?? 10000;
      },
    })
    .configureLogging(signalR.LogLevel.Warning)
    .build();

  conn.on("message", onMessage);
  conn.on("unread", onUnread);
  conn.on("presence", onPresence);
  conn.on("typing", onTyping);
  conn.on("read", onRead);
  conn.on("focus", onFocus);
  conn.on("conversation", onConversation);
  conn.on("recalled", onRecalled);

  conn.onreconnecting(() => setConnState("reconnecting", "Connection lost — reconnecting…"));
  conn.onreconnected(async () => {
    setConnState("connected", "Connected");
    await afterConnect(true);
  });
  conn.onclose(() => {
    if (stopping) return;
    if (tokenExpired()) { signOut("Your session has expired. Please sign in again."); return; }
    setConnState("disconnected", "Offline — retrying…");
    setTimeout(() => connectLoop(), 3000);
  });
  return conn;
}

async function connectLoop() {
  if (stopping || !connection) return;
  if (connection.state !== signalR.HubConnectionState.Disconnected) return;
  setConnState("reconnecting", "Connecting…");
  try {
    await connection.start();
  } catch (error) {
    if (error?.statusCode === 401 || /401|Unauthorized/.test(String(error?.message))) {
      signOut("Your session is no longer valid. Please sign in again.");
      return;
    }
    setConnState("disconnected", "Offline — retrying…");
    setTimeout(() => connectLoop(), 5000);
    return;
  }
  setConnState("connected", "Connected");
  await afterConnect(false);
}

/** After every (re)connect: catch up with Sync from our cursors, resend what was unsent, restore presence. */
async function afterConnect(reconnected) {
  try {
    const wanted = localStorage.getItem(`im.presence.${session.userId}`);
    if (wanted && wanted !== "online") await connection.invoke("SetPresence", wanted);
  } catch { /* presence is best effort */ }
  await sync();
  if (activeId && store.conversations.has(activeId) && !store.isLoaded(activeId)) await loadTail(activeId);
  if (activeId && !store.conversations.has(activeId)) closeConversation();
  for (const p of [...store.pending.values()]) {
    if (p.state === "failed" && p.retryOnReconnect) deliver(p.clientMsgId);
  }
  refreshPresence();
  if (reconnected && activeId) markRead(activeId);
  render();
}

/** Sync with the per-conversation cursors until nothing more is missing; concurrent calls fold into one rerun. */
function sync() {
  if (syncing) { syncAgain = true; return syncing; }
  syncing = (async () => {
    try {
      do {
        syncAgain = false;
        let cursors = store.cursors();
        let first = true;
        for (let round = 0; round < 100; round++) {
          const result = await connection.invoke("Sync", { cursors, limit: SYNC_LIMIT });
          if (first) { store.setConversations(result.conversations || []); first = false; }
          else for (const v of result.conversations || []) store.upsertConversation(v);
          for (const m of result.messages || []) store.addMessage(m);
          if (!result.hasMore) break;
          const before = JSON.stringify(cursors);
          cursors = store.cursors();
          if (JSON.stringify(cursors) === before) break; // no progress: do not spin
        }
        render();
      } while (syncAgain);
    } catch (error) {
      console.warn("sync failed", error);
    } finally {
      syncing = null;
    }
  })();
  return syncing;
}

let syncTimer = 0;
function scheduleSync() {
  clearTimeout(syncTimer);
  syncTimer = setTimeout(() => { if (connection?.state === signalR.HubConnectionState.Connected) sync(); }, 150);
}

async function refreshPresence() {
  const peers = [...new Set([...store.conversations.values()].map((c) => store.peerOf(c)).filter((p) => p && p !== store.me))];
  if (!peers.length || connection?.state !== signalR.HubConnectionState.Connected) return;
  try {
    const list = await connection.invoke("GetPresence", peers);
    for (const p of list || []) store.presence.set(p.userId, p);
    render();
  } catch (error) {
    console.warn("presence failed", error);
  }
}

// ---------------------------------------------------------------- server events

function onMessage(message) {
  const known = store.conversations.has(message.conversationId);
  const { added, gap } = store.addMessage(message);
  if (!known || gap) scheduleSync();
  if (added) {
    const typing = typingByConv.get(message.conversationId);
    typing?.delete(message.senderId);
  }
  if (added && message.conversationId === activeId && isVisible()) markRead(activeId);
  render();
}

function onUnread(event) {
  store.applyUnread(event);
  render();
}

function onPresence(presence) {
  store.presence.set(presence.userId, presence);
  render();
}

function onTyping(event) {
  if (event.userId === store.me) return;
  let users = typingByConv.get(event.conversationId);
  if (!users) { users = new Map(); typingByConv.set(event.conversationId, users); }
  users.set(event.userId, Date.now() + TYPING_SHOWN_MS);
  renderTyping();
  setTimeout(renderTyping, TYPING_SHOWN_MS + 50);
}

// Read receipts arrive as events only; keep them per user in localStorage so a reload or another window of this
// browser still shows what the others have read.
function receiptsKey() { return `im.receipts.${session.userId}`; }

function loadReceipts() {
  try {
    const saved = JSON.parse(localStorage.getItem(receiptsKey()) || "{}");
    for (const [conversationId, readers] of Object.entries(saved)) {
      for (const [userId, seq] of Object.entries(readers)) store.applyRead({ conversationId, userId, seq });
    }
  } catch { /* nothing saved */ }
}

function saveReceipts() {
  const out = {};
  for (const [conversationId, readers] of store.readBy) {
    if (store.conversations.has(conversationId)) out[conversationId] = Object.fromEntries(readers);
  }
  try { localStorage.setItem(receiptsKey(), JSON.stringify(out)); } catch { /* storage full: receipts are a nicety */ }
}

function onRead(event) {
  store.applyRead(event);
  if (event.userId !== store.me) saveReceipts();
  if (event.userId === store.me) {
    const view = store.conversations.get(event.conversationId);
    if (view && (view.readSeq || 0) < event.seq) view.readSeq = event.seq;
  }
  render();
}

function onFocus(event) {
  if (event.originConnectionId && event.originConnectionId === connection?.connectionId) return;
  if (!event.conversationId || event.conversationId === activeId) return;
  if (!store.conversations.has(event.conversationId)) { scheduleSync(); return; }
  openConversation(event.conversationId, { fromFocus: true });
}

function onConversation(view) {
  const member = (view.members || []).some((m) => m.userId === store.me);
  if (!member) {
    store.removeConversation(view.conversationId);
    if (activeId === view.conversationId) closeConversation();
  } else {
    store.upsertConversation(view);
    if (store.hasGap(view.conversationId)) scheduleSync();
    if (view.kind === "direct") refreshPresence();
  }
  render();
}

function onRecalled(event) {
  store.applyRecalled(event);
  render();
}

// ---------------------------------------------------------------- actions

async function loadTail(id) {
  try {
    const page = await connection.invoke("History", id, NEWEST, HISTORY_PAGE);
    store.loadTail(id, page || [], HISTORY_PAGE);
    if (store.hasGap(id)) scheduleSync();
  } catch (error) {
    toast(errorText(error), true);
  }
}

async function loadOlder() {
  const id = activeId;
  const tail = store.tails.get(id);
  if (!tail || !tail.hasOlder || loadingOlder.has(id)) return;
  loadingOlder.add(id);
  const box = $("messages");
  const fromBottom = box.scrollHeight - box.scrollTop;
  try {
    const page = await connection.invoke("History", id, tail.oldest, HISTORY_PAGE);
    store.loadOlder(id, page || [], HISTORY_PAGE);
    renderMessages({ keep: fromBottom });
  } catch (error) {
    toast(errorText(error), true);
  } finally {
    loadingOlder.delete(id);
  }
}

async function openConversation(id, { fromFocus = false } = {}) {
  const switching = activeId !== id;
  activeId = id;
  $("app").classList.add("show-chat");
  $("emoji-picker").hidden = true;
  render({ scrollToEnd: switching });
  if (!fromFocus && connection?.state === signalR.HubConnectionState.Connected) {
    connection.invoke("Focus", id).catch((error) => console.warn("focus failed", error));
  }
  if (!store.isLoaded(id)) {
    await loadTail(id);
    if (activeId !== id) return;
    render({ scrollToEnd: true });
  }
  if (isVisible()) markRead(id);
  if (!fromFocus && window.matchMedia("(min-width: 761px)").matches) $("composer-input").focus();
}

function closeConversation() {
  activeId = null;
  $("app").classList.remove("show-chat");
  render();
}

async function markRead(id) {
  const view = store.conversations.get(id);
  if (!view || connection?.state !== signalR.HubConnectionState.Connected) return;
  const seq = store.lastSeq(id);
  if (seq <= 0) return;
  if ((view.unread || 0) <= 0 && (view.readSeq || 0) >= seq) return;
  if ((markingRead.get(id) || 0) >= seq) return;
  markingRead.set(id, seq);
  try {
    const result = await connection.invoke("MarkRead", id, seq);
    const current = store.conversations.get(id);
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

async function sendText() {
  const input = $("composer-input");
  const text = input.value.trim();
  if (!text || !activeId) return;
  input.value = "";
  autoGrow();
  await send({ conversationId: activeId, kind: "text", text });
}

async function send({ conversationId, kind, text = null, attachment = null, localUrl = null }) {
  const clientMsgId = newClientMsgId();
  store.addPending({ clientMsgId, conversationId, kind, text, attachment, localUrl });
  render({ scrollToEnd: true });
  await deliver(clientMsgId);
}

/** Sends (or resends: same clientMsgId, so the server stores it once) a pending message. */
async function deliver(clientMsgId) {
  const p = store.pending.get(clientMsgId);
  if (!p) return;
  p.state = "sending";
  p.retryOnReconnect = false;
  render();
  try {
    const ack = await invokeSend(p, clientMsgId);
    // Usually the "message" push arrived first; if not, the ack holds everything needed to show it.
    store.addMessage({
      conversationId: p.conversationId, seq: ack.seq, messageId: ack.messageId, clientMsgId, senderId: store.me,
      kind: p.kind, text: p.text, attachment: p.attachment, sentAt: ack.sentAt, recalled: false,
    }, { fromView: true });
    store.pending.delete(clientMsgId);
    if (store.hasGap(p.conversationId)) scheduleSync();
    if (p.conversationId === activeId) markRead(activeId);
  } catch (error) {
    const code = errorCode(error);
    store.failPending(clientMsgId, errorText(error));
    const entry = store.pending.get(clientMsgId);
    if (entry) entry.retryOnReconnect = !code; // connection trouble: resend when back; a refusal stays refused
    if (code) toast(errorText(error), true);
  }
  render({ scrollToEnd: true });
}

/**
 * Send, resent by itself while the server answers "unavailable" (a silo failing over, a busy database): the same
 * clientMsgId makes every resend store the message at most once, so the user sees "sending" for a few seconds
 * instead of a failed message to retry by hand.
 */
async function invokeSend(p, clientMsgId) {
  const args = { conversationId: p.conversationId, clientMsgId, kind: p.kind, text: p.text || null, attachmentId: p.attachment?.id || null };
  for (const delay of [...UNAVAILABLE_RESEND_DELAYS_MS, null]) {
    try {
      return await connection.invoke("Send", args);
    } catch (error) {
      if (delay === null || errorCode(error) !== "unavailable" || stopping) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

async function sendFiles(files) {
  const id = activeId;
  for (const file of files) {
    if (!id) return;
    const kind = file.type.startsWith("image/") ? "image" : file.type.startsWith("video/") ? "video" : file.type.startsWith("audio/") ? "voice" : "file";
    const clientMsgId = newClientMsgId();
    const localUrl = kind === "image" ? URL.createObjectURL(file) : null;
    store.addPending({ clientMsgId, conversationId: id, kind, text: null, attachment: { fileName: file.name, size: file.size, contentType: file.type }, localUrl, state: "uploading" });
    render({ scrollToEnd: true });
    try {
      const attachment = await uploadFile(session.token, file, id);
      const p = store.pending.get(clientMsgId);
      p.attachment = attachment;
      if (attachment.kind) p.kind = attachment.kind; // the kind the server says the file fits
      await deliver(clientMsgId);
    } catch (error) {
      store.failPending(clientMsgId, errorText(error));
      toast(`Upload failed: ${errorText(error)}`, true);
      render();
    }
  }
}

async function recall(seq) {
  try {
    await connection.invoke("Recall", activeId, seq);
    store.applyRecalled({ conversationId: activeId, seq });
    render();
  } catch (error) {
    toast(errorText(error), true);
  }
}

function typingNow() {
  if (!activeId || connection?.state !== signalR.HubConnectionState.Connected) return;
  const now = Date.now();
  if (now - lastTypingSent < TYPING_EVERY_MS) return;
  lastTypingSent = now;
  connection.invoke("Typing", activeId).catch(() => { /* best effort */ });
}

async function openDirect(event) {
  event.preventDefault();
  const input = $("new-direct-input");
  const peer = input.value.trim();
  if (!peer) return;
  try {
    const view = await connection.invoke("OpenDirect", peer);
    store.upsertConversation(view);
    input.value = "";
    refreshPresence();
    await openConversation(view.conversationId);
  } catch (error) {
    toast(errorCode(error) === "not_found" ? `No user "${peer}"` : errorText(error), true);
  }
}

let groupMode = "create";
function openGroupDialog(mode) {
  groupMode = mode;
  const form = $("group-form");
  form.reset();
  $("group-error").textContent = "";
  $("group-dialog-title").textContent = mode === "create" ? "New group" : `Add members to ${store.titleOf(store.conversations.get(activeId))}`;
  $("group-title-field").hidden = mode !== "create";
  form.querySelector("[data-testid=group-create]").textContent = mode === "create" ? "Create" : "Add";
  $("group-dialog").showModal();
  (mode === "create" ? form.title : form.members).focus();
}

async function submitGroup(event) {
  if (event.submitter?.value === "cancel") return;
  event.preventDefault();
  const form = $("group-form");
  const ids = form.members.value.split(/[\s,;]+/).map((s) => s.trim()).filter(Boolean);
  try {
    let view;
    if (groupMode === "create") {
      const title = form.title.value.trim();
      if (!title) { $("group-error").textContent = "Give the group a title."; return; }
      view = await connection.invoke("CreateGroup", { title, memberIds: ids });
    } else {
      if (!ids.length) { $("group-error").textContent = "Enter at least one user id."; return; }
      view = await connection.invoke("AddMembers", activeId, ids);
    }
    store.upsertConversation(view);
    $("group-dialog").close();
    await openConversation(view.conversationId);
  } catch (error) {
    $("group-error").textContent = errorText(error);
  }
}

async function leaveActive() {
  const id = activeId;
  const view = store.conversations.get(id);
  if (!view || !confirm(`Leave "${store.titleOf(view)}"?`)) return;
  try {
    await connection.invoke("Leave", id);
    store.removeConversation(id);
    closeConversation();
  } catch (error) {
    toast(errorText(error), true);
  }
}

async function blockPeer() {
  const peer = store.peerOf(store.conversations.get(activeId));
  if (!peer || !confirm(`Block ${store.nameOf(peer)}? They will no longer be able to send you messages.`)) return;
  try {
    await connection.invoke("Block", peer);
    toast(`${store.nameOf(peer)} is blocked`);
  } catch (error) {
    toast(errorText(error), true);
  }
}

async function setPresence() {
  const status = $("presence-select").value;
  localStorage.setItem(`im.presence.${session.userId}`, status);
  try {
    await connection.invoke("SetPresence", status);
  } catch (error) {
    toast(errorText(error), true);
  }
}

async function signOut(message = "") {
  stopping = true;
  try { await connection?.stop(); } catch { /* already down */ }
  connection = null;
  clearAuth();
  session = null;
  store = null;
  activeId = null;
  showAuth(message);
}

// ---------------------------------------------------------------- rendering

let renderQueued = false;
let renderScroll = false;
function render({ scrollToEnd = false } = {}) {
  renderScroll ||= scrollToEnd;
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(() => {
    renderQueued = false;
    const scroll = renderScroll;
    renderScroll = false;
    if (!store) return;
    renderList();
    renderKnownUsers();
    renderChat({ scrollToEnd: scroll });
  });
}

function renderList() {
  const list = $("conv-list");
  const conversations = store.sortedConversations();
  $("empty-list").hidden = conversations.length > 0;
  const total = store.totalUnread();
  const totalBadge = $("total-unread");
  totalBadge.hidden = total <= 0;
  totalBadge.textContent = total > 99 ? "99+" : String(total);
  document.title = total > 0 ? `(${total}) Im.Orleans chat` : "Im.Orleans chat";

  const items = conversations.map((view) => {
    const id = view.conversationId;
    const title = store.titleOf(view);
    const peer = store.peerOf(view);
    const avatar = el("div", { class: "avatar" });
    fillAvatar(avatar, title, peer || id, peer ? store.presence.get(peer)?.status : undefined);
    const unread = Math.max(0, view.unread || 0);
    return el("li", {
      class: `conv-item${id === activeId ? " active" : ""}${unread ? " has-unread" : ""}`,
      testid: "conv-item", dataset: { conversationId: id, kind: view.kind, unread: String(unread) },
      onclick: () => openConversation(id),
    },
    avatar,
    el("div", { class: "conv-main" },
      el("div", { class: "conv-top" },
        el("span", { class: "conv-title", testid: "conv-title", text: title }),
        el("span", { class: "conv-time", text: view.lastMessage ? formatListTime(view.lastMessage.sentAt) : "" })),
      el("div", { class: "conv-bottom" },
        el("span", { class: "conv-last", testid: "conv-last", text: preview(view.lastMessage) || (view.kind === "group" ? `${(view.members || []).length} members` : "No messages yet") }),
        unread ? el("span", { class: "badge", testid: "conv-unread", text: unread > 99 ? "99+" : String(unread) }) : null)));
  });
  list.replaceChildren(...items);
}

/** Everyone the user shares a conversation with, as suggestions for the "chat with user id" box. */
function renderKnownUsers() {
  const ids = new Set();
  for (const view of store.conversations.values()) for (const m of view.members || []) if (m.userId !== store.me) ids.add(m.userId);
  const list = $("known-users");
  if (list.childElementCount === ids.size && [...list.children].every((o) => ids.has(o.value))) return;
  list.replaceChildren(...[...ids].sort().map((id) => el("option", { value: id, label: store.nameOf(id) !== id ? store.nameOf(id) : undefined })));
}

function renderChat({ scrollToEnd = false } = {}) {
  const view = activeId ? store.conversations.get(activeId) : null;
  $("placeholder").hidden = !!view;
  $("chat-inner").hidden = !view;
  $("chat").dataset.conversationId = view ? activeId : "";
  if (!view) return;

  const title = store.titleOf(view);
  const peer = store.peerOf(view);
  $("chat-title").textContent = title;
  fillAvatar($("chat-avatar"), title, peer || activeId, peer ? store.presence.get(peer)?.status : undefined);
  if (view.kind === "direct") {
    $("chat-sub").textContent = peer === store.me ? "Notes to yourself" : lastSeenText(store.presence.get(peer)) || peer;
  } else {
    const names = (view.members || []).map((m) => (m.userId === store.me ? "you" : store.nameOf(m.userId)));
    $("chat-sub").textContent = `${names.length} members: ${names.join(", ")}`;
  }
  const group = view.kind === "group";
  $("add-members").hidden = !group;
  $("block").hidden = view.kind !== "direct" || peer === store.me;
  $("leave").hidden = !group;
  renderMessages({ scrollToEnd });
  renderTyping();
}

const messageNodes = new Map(); // key -> { sig, node }

function messageSignature(m, readers, extra) {
  return JSON.stringify([m.seq, m.recalled, m.text, m.attachment?.id, readers, extra]);
}

function renderMessages({ scrollToEnd = false, keep = null } = {}) {
  const box = $("messages");
  const nearBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 120;
  const { list, pending } = store.messageList(activeId);
  const tail = store.tails.get(activeId);
  $("older").hidden = !(tail && tail.hasOlder);
  const view = store.conversations.get(activeId);
  const group = view?.kind === "group";

  const nodes = [];
  const used = new Set();
  let lastDay = "";
  let lastSender = null;
  const take = (key, sig, build) => {
    used.add(key);
    const cached = messageNodes.get(key);
    if (cached && cached.sig === sig) return cached.node;
    const node = build();
    messageNodes.set(key, { sig, node });
    return node;
  };

  for (const m of list) {
    const day = formatDay(m.sentAt);
    if (day !== lastDay) {
      nodes.push(take(`${activeId}/day/${day}`, day, () => el("li", { class: "day", text: day })));
      lastDay = day;
      lastSender = null;
    }
    const mine = m.senderId === store.me;
    const readers = mine ? store.readersOf(activeId, m.seq) : [];
    const canRecall = mine && !m.recalled && m.kind !== "system" && Date.now() - Date.parse(m.sentAt) < RECALL_WINDOW_MS;
    const first = lastSender !== m.senderId;
    lastSender = m.senderId;
    const key = `${activeId}/${m.seq}`;
    nodes.push(take(key, messageSignature(m, readers, [first, canRecall, group]), () => buildMessage(m, { mine, readers, canRecall, first, group })));
  }
  for (const p of pending) {
    const key = `pending/${p.clientMsgId}`;
    nodes.push(take(key, JSON.stringify([p.state, p.attachment?.id]), () => buildPending(p)));
  }
  for (const key of [...messageNodes.keys()]) if (!used.has(key)) messageNodes.delete(key);
  const items = $("message-items");
  const current = [...items.children];
  if (current.length !== nodes.length || current.some((n, i) => n !== nodes[i])) items.replaceChildren(...nodes);

  if (keep !== null) box.scrollTop = box.scrollHeight - keep;
  else if (scrollToEnd || nearBottom) box.scrollTop = box.scrollHeight;
}

function buildAttachment(m, localUrl) {
  const a = m.attachment;
  if (!a) return null;
  if (m.kind === "image") {
    const img = el("img", { class: "inline", alt: a.fileName || "image", testid: "message-image", loading: "lazy" });
    if (localUrl) img.src = localUrl;
    if (a.id) fileUrl(session.token, a.id).then((url) => { img.src = url; }).catch(() => { img.alt = "image unavailable"; });
    img.addEventListener("click", () => img.src && window.open(img.src, "_blank"));
    return img;
  }
  if (m.kind === "voice" || m.kind === "video") {
    const media = el(m.kind === "voice" ? "audio" : "video", { controls: true, preload: "metadata", testid: "message-media" });
    if (m.kind === "video") media.style.maxWidth = "320px";
    if (a.id) fileUrl(session.token, a.id).then((url) => { media.src = url; }).catch(() => {});
    return media;
  }
  const link = el("a", { class: "file-link", href: "#", testid: "message-file" },
    el("span", { class: "file-icon", text: "📄" }),
    el("span", {}, a.fileName || "file", el("small", { text: formatSize(a.size) })));
  link.addEventListener("click", async (event) => {
    event.preventDefault();
    if (!a.id) return;
    try {
      const url = await fileUrl(session.token, a.id);
      const save = el("a", { href: url, download: a.fileName || "file" });
      document.body.append(save);
      save.click();
      save.remove();
    } catch (error) {
      toast(errorText(error), true);
    }
  });
  return link;
}

function buildMessage(m, { mine, readers, canRecall, first, group }) {
  if (m.kind === "system") {
    return el("li", { class: "msg system", testid: "message", dataset: { seq: String(m.seq), sender: m.senderId || "" } },
      el("div", { class: "bubble", testid: "message-text", text: m.text || "" }));
  }
  const classes = ["msg", mine ? "mine" : "theirs", first ? "first" : "", m.recalled ? "recalled" : ""].filter(Boolean).join(" ");
  let body;
  if (m.recalled) {
    body = el("div", { class: "bubble", testid: "message-text", text: mine ? "You recalled a message" : `${store.nameOf(m.senderId)} recalled a message` });
  } else {
    const media = m.kind === "image" || m.kind === "video";
    const reply = m.replyToSeq ? el("div", { class: "reply-ref", text: `↩ reply to #${m.replyToSeq}` }) : null;
    body = el("div", { class: `bubble${media ? " media" : ""}` },
      reply,
      buildAttachment(m),
      m.text ? el("span", { testid: "message-text" }, linkified(m.text)) : null);
  }
  let receipt = null;
  if (mine && !m.recalled) {
    const read = readers.length > 0;
    const text = !read ? "✓ Sent" : group ? `✓✓ Read by ${readers.length}` : "✓✓ Read";
    receipt = el("span", { class: "receipt", testid: "receipt", dataset: { read: String(read) }, title: read ? readers.map((u) => store.nameOf(u)).join(", ") : "", text });
  }
  return el("li", { class: classes, testid: "message", dataset: { seq: String(m.seq), sender: m.senderId, messageId: m.messageId } },
    group && !mine && first ? el("div", { class: "sender", text: store.nameOf(m.senderId) }) : null,
    body,
    el("div", { class: "meta" },
      el("time", { datetime: m.sentAt, text: formatTime(m.sentAt) }),
      receipt,
      canRecall ? el("button", { type: "button", testid: "recall-button", onclick: () => recall(m.seq), text: "Recall" }) : null));
}

function buildPending(p) {
  const state = p.state === "failed" ? "failed" : "pending";
  const fake = { kind: p.kind, attachment: p.attachment };
  const body = el("div", { class: `bubble${p.kind === "image" ? " media" : ""}` },
    p.attachment ? buildAttachment(fake, p.localUrl) : null,
    p.text ? el("span", { testid: "message-text" }, linkified(p.text)) : null);
  const uploaded = !p.attachment || p.attachment.id;
  const action = uploaded
    ? el("button", { type: "button", testid: "retry-button", onclick: () => deliver(p.clientMsgId), text: "Retry" })
    : el("button", { type: "button", testid: "dismiss-button", onclick: () => { store.pending.delete(p.clientMsgId); render(); }, text: "Dismiss" });
  const status = p.state === "failed"
    ? el("span", {}, `Not sent${p.error ? ` (${p.error})` : ""} `, action)
    : el("span", { text: p.state === "uploading" ? "Uploading…" : "Sending…" });
  return el("li", { class: `msg mine first ${state}`, testid: "message-pending", dataset: { clientMsgId: p.clientMsgId } },
    body, el("div", { class: "meta" }, status));
}

function renderTyping() {
  const node = $("typing");
  const users = activeId ? typingByConv.get(activeId) : null;
  const now = Date.now();
  const names = users ? [...users].filter(([, until]) => until > now).map(([u]) => store.nameOf(u)) : [];
  node.textContent = names.length === 0 ? "" : names.length === 1 ? `${names[0]} is typing…` : `${names.join(", ")} are typing…`;
}

function buildEmojiPicker() {
  const picker = $("emoji-picker");
  picker.replaceChildren(...EMOJI.map((e) => el("button", { type: "button", testid: "emoji", text: e, onclick: () => insertText(e) })));
}

function insertText(text) {
  const input = $("composer-input");
  const start = input.selectionStart ?? input.value.length;
  const end = input.selectionEnd ?? input.value.length;
  input.value = input.value.slice(0, start) + text + input.value.slice(end);
  input.selectionStart = input.selectionEnd = start + text.length;
  input.focus();
  autoGrow();
}

function autoGrow() {
  const input = $("composer-input");
  input.style.height = "auto";
  input.style.height = `${Math.min(input.scrollHeight + 2, 140)}px`;
}

// ---------------------------------------------------------------- start

async function startApp(auth) {
  session = auth;
  stopping = false;
  store = new ChatStore(auth.userId);
  if (auth.displayName) store.names.set(auth.userId, auth.displayName);
  activeId = null;
  messageNodes.clear();
  $("auth").hidden = true;
  $("app").hidden = false;
  $("me-name").textContent = auth.displayName || auth.userId;
  $("me-id").textContent = auth.userId;
  fillAvatar($("me-avatar"), auth.displayName || auth.userId, auth.userId);
  $("presence-select").value = localStorage.getItem(`im.presence.${auth.userId}`) || "online";
  loadReceipts();
  render();
  connection = buildConnection();
  await connectLoop();
}

function wire() {
  $("auth-form").addEventListener("submit", submitAuth);
  for (const tab of document.querySelectorAll(".tab")) tab.addEventListener("click", () => setAuthMode(tab.dataset.mode));
  $("logout").addEventListener("click", () => signOut());
  $("presence-select").addEventListener("change", setPresence);
  $("new-direct").addEventListener("submit", openDirect);
  $("new-group-button").addEventListener("click", () => openGroupDialog("create"));
  $("add-members").addEventListener("click", () => openGroupDialog("add"));
  $("leave").addEventListener("click", leaveActive);
  $("block").addEventListener("click", blockPeer);
  $("group-form").addEventListener("submit", submitGroup);
  $("back").addEventListener("click", closeConversation);
  $("load-older").addEventListener("click", loadOlder);
  $("messages").addEventListener("scroll", () => { if ($("messages").scrollTop < 60) loadOlder(); });
  $("composer").addEventListener("submit", (event) => { event.preventDefault(); sendText(); });
  const input = $("composer-input");
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) { event.preventDefault(); sendText(); }
  });
  input.addEventListener("input", () => { autoGrow(); if (input.value) typingNow(); });
  $("emoji-button").addEventListener("click", () => { $("emoji-picker").hidden = !$("emoji-picker").hidden; });
  document.addEventListener("click", (event) => {
    if (!event.target.closest("#emoji-picker, #emoji-button")) $("emoji-picker").hidden = true;
  });
  $("file-input").addEventListener("change", (event) => {
    const files = [...event.target.files];
    event.target.value = "";
    sendFiles(files);
  });
  document.addEventListener("visibilitychange", () => { if (isVisible() && activeId) markRead(activeId); });
  window.addEventListener("focus", () => { if (activeId) markRead(activeId); });
  // Another window signed out (or in as someone else): follow it.
  window.addEventListener("storage", (event) => {
    if (event.key === "im.auth" && (event.newValue === null || JSON.parse(event.newValue || "{}").userId !== session?.userId)) location.reload();
    if (store && session && event.key === receiptsKey()) { loadReceipts(); render(); }
  });
  setInterval(() => { if (store && activeId) render(); }, 30000); // recall buttons expire, "last seen" ages
  buildEmojiPicker();
}

// Test hooks (read-only views of the client's state for the browser tests).
window.__im = {
  get activeConversationId() { return activeId; },
  get connectionId() { return connection?.connectionId ?? null; },
  get connectionState() { return connection?.state ?? "Disconnected"; },
  get userId() { return session?.userId ?? null; },
  get duplicatesDropped() { return store?.duplicatesDropped ?? 0; },
  cursors: () => store?.cursors() ?? {},
};

wire();
const saved = loadAuth();
if (saved) startApp(saved);
else showAuth();
