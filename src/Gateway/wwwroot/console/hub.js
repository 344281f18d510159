// The console's hub connection: built with the agent's token, reconnecting forever, its pushes handed to the
// modules that asked for them (on), and a catch-up hook for every (re)connect.

import { state } from "./state.js";
import { $ } from "./ui.js";

const signalR = window.signalR;
const handlers = new Map();
let afterConnect = async () => {};

/** Registers a handler for a push (message, unread, assigned, conversation, queue, case, note, typing). */
export function on(name, fn) {
  if (!handlers.has(name)) handlers.set(name, []);
  handlers.get(name).push(fn);
}

export function onConnected(fn) { afterConnect = fn; }

export const invoke = (method, ...args) => {
  if (!state.conn || state.conn.state !== signalR.HubConnectionState.Connected) {
    return Promise.reject(new Error("unavailable: not connected"));
  }
  return state.conn.invoke(method, ...args);
};

export const connected = () => state.conn?.state === signalR.HubConnectionState.Connected;

function setConn(phase, text) {
  const node = $("conn");
  node.dataset.state = phase;
  node.textContent = text;
}

const EVENTS = ["message", "unread", "assigned", "conversation", "queue", "case", "note", "typing"];

export function connect() {
  const conn = new signalR.HubConnectionBuilder()
    .withUrl("/hubs/chat?device=console", { accessTokenFactory: () => state.session.token })
    .withAutomaticReconnect({ nextRetryDelayInMilliseconds: (c) => [0, 1000, 2000, 5000][c.previousRetryCount] ?? 10000 })
    .configureLogging(signalR.LogLevel.Warning)
    .build();
  for (const name of EVENTS) {
    conn.on(name, (payload) => {
      for (const fn of handlers.get(name) || []) {
        try { fn(payload); } catch (error) { console.error(`console: ${name} handler`, error); }
      }
    });
  }
  conn.onreconnecting(() => setConn("reconnecting", "Reconnecting"));
  conn.onreconnected(() => { setConn("connected", "Connected"); afterConnect(true); });
  conn.onclose(() => {
    if (state.conn !== conn) return; // signed out
    setConn("disconnected", "Offline");
    setTimeout(() => start(conn), 3000);
  });
  state.conn = conn;
  return start(conn);
}

async function start(conn) {
  if (state.conn !== conn || conn.state !== signalR.HubConnectionState.Disconnected) return;
  setConn("reconnecting", "Connecting");
  try {
    await conn.start();
  } catch (error) {
    if (/401|Unauthorized/.test(String(error?.message))) { setConn("disconnected", "Signed out"); handlersFor401(); return; }
    setConn("disconnected", "Offline");
    setTimeout(() => start(conn), 5000);
    return;
  }
  setConn("connected", "Connected");
  await afterConnect(false);
}

let handlersFor401 = () => {};
export function onUnauthorized(fn) { handlersFor401 = fn; }

export async function disconnect() {
  const conn = state.conn;
  state.conn = null;
  try { await conn?.stop(); } catch { /* already down */ }
}
