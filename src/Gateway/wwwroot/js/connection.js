// The hub connection: building it (transport, reconnect policy, push handlers), connecting, catching up, signing out.

import { state } from "./state.js";
import { clearAuth } from "./api.js";
import { $ } from "./dom.js";
import { render } from "./render.js";
import { sync, refreshPresence } from "./sync.js";
import { loadTail, closeConversation, markRead, openConversation, conversationInAddress } from "./conversations.js";
import { loadReads } from "./receipts.js";
import { loadProfiles } from "./profiles.js";
import { loadContacts } from "./people.js";
import { deliver } from "./sending.js";
import { showAuth } from "./views-auth.js";
import { onMessage, onUnread, onPresence, onTyping, onRead, onFocus, onConversation, onRecalled, onEdited, onDeleted, onReaction, onSync } from "./events.js";
import { onProfile } from "./profiles.js";

const signalR = window.signalR;

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
  return state.session?.expiresAt && Date.parse(state.session.expiresAt) <= Date.now();
}

function setConnState(phase, text) {
  const node = $("conn");
  node.dataset.state = phase;
  node.textContent = text;
}

export function buildConnection() {
  const options = { accessTokenFactory: () => state.session.token };
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
  conn.on("edited", onEdited);
  conn.on("deleted", onDeleted);
  conn.on("reaction", onReaction);
  conn.on("profile", onProfile);
  conn.on("sync", onSync);

  conn.onreconnecting(() => setConnState("reconnecting", "Connection lost — reconnecting…"));
  conn.onreconnected(async () => {
    setConnState("connected", "Connected");
    await afterConnect(true);
  });
  conn.onclose(() => {
    if (state.stopping) return;
    if (tokenExpired()) { signOut("Your session has expired. Please sign in again."); return; }
    setConnState("disconnected", "Offline — retrying…");
    setTimeout(() => connectLoop(), 3000);
  });
  return conn;
}

export async function connectLoop() {
  if (state.stopping || !state.connection) return;
  if (state.connection.state !== signalR.HubConnectionState.Disconnected) return;
  setConnState("reconnecting", "Connecting…");
  try {
    await state.connection.start();
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
    const wanted = localStorage.getItem(`im.presence.${state.session.userId}`);
    if (wanted && wanted !== "online") await state.connection.invoke("SetPresence", wanted);
  } catch { /* presence is best effort */ }
  await sync();
  if (!state.store) return;
  loadProfiles([state.store.me, ...[...state.store.conversations.values()].flatMap((v) => (v.members || []).map((m) => m.userId))]);
  loadContacts();
  // A reload reopens the conversation the address names.
  const named = !reconnected && !state.activeId ? conversationInAddress() : null;
  if (named && state.store.conversations.has(named)) openConversation(named);
  if (state.activeId && state.store.conversations.has(state.activeId) && !state.store.isLoaded(state.activeId)) await loadTail(state.activeId);
  if (state.activeId && !state.store.conversations.has(state.activeId)) closeConversation();
  if (reconnected && state.activeId) loadReads(state.activeId);
  for (const p of [...state.store.pending.values()]) {
    if (p.state === "failed" && p.retryOnReconnect) deliver(p.clientMsgId);
  }
  refreshPresence();
  if (reconnected && state.activeId) markRead(state.activeId);
  render();
}

export async function signOut(message = "") {
  state.stopping = true;
  try { await state.connection?.stop(); } catch { /* already down */ }
  state.connection = null;
  clearAuth();
  state.session = null;
  state.store = null;
  state.activeId = null;
  showAuth(message);
}
