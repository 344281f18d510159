// Client helpers over the official @microsoft/signalr client: tokens, connections on a chosen transport,
// recorded server events, coded hub errors, and the web client's own store (dedupe by conversationId + seq).
import { createHmac, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import signalR from "@microsoft/signalr";
import { API_KEY, SIGNING_KEY, repoRoot } from "./gateway.js";

export { signalR };

export const TRANSPORTS = [
  ["WebSockets", signalR.HttpTransportType.WebSockets],
  ["ServerSentEvents", signalR.HttpTransportType.ServerSentEvents],
  ["LongPolling", signalR.HttpTransportType.LongPolling],
];

// "queue" and "assigned" are the customer-service events (a visitor's place and agent, an agent's new chat).
export const EVENTS = ["message", "unread", "presence", "typing", "read", "focus", "conversation", "recalled", "queue", "assigned"];
export const NEWEST = Number.MAX_SAFE_INTEGER;

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const uid = (prefix = "u") => `${prefix}${randomBytes(5).toString("hex")}`;
export const newClientMsgId = () => randomBytes(16).toString("hex");

// ---------------------------------------------------------------- tokens

async function postJson(url, body, headers = {}) {
  const response = await fetch(url, { method: "POST", headers: { "Content-Type": "application/json", ...headers }, body: JSON.stringify(body) });
  const text = await response.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  if (!response.ok) {
    const error = new Error(`${response.status} ${json?.error || text}`);
    error.status = response.status;
    error.body = json;
    throw error;
  }
  return json;
}

/** A token for a user id minted the way a host system does (POST /api/auth/token with the API key). */
export function hostToken(base, userId, displayName = userId, role = "user") {
  return postJson(`${base}/api/auth/token`, { userId, displayName, role }, { "X-Api-Key": API_KEY });
}

export const register = (base, userId, password, displayName) => postJson(`${base}/api/auth/register`, { userId, password, displayName });
export const login = (base, userId, password) => postJson(`${base}/api/auth/login`, { userId, password });
export const guest = (base, displayName) => postJson(`${base}/api/auth/guest`, { displayName });

const b64url = (value) => Buffer.from(value).toString("base64url");

/** An HS256 JWT with the gateway's claims; key and times are the test's choice (to forge bad or expired tokens). */
export function forgeToken({ sub, name = sub, role = "user", key = SIGNING_KEY, exp, nbf, iat, iss = "im-orleans", aud = "im-orleans" }) {
  const now = Math.floor(Date.now() / 1000);
  const header = { alg: "HS256", typ: "JWT" };
  const payload = { sub, name, role, iss, aud, iat: iat ?? now, nbf: nbf ?? now - 60, exp: exp ?? now + 3600 };
  const unsigned = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  const signature = createHmac("sha256", key).update(unsigned).digest("base64url");
  return `${unsigned}.${signature}`;
}

// ---------------------------------------------------------------- errors

const CODE = /(forbidden|invalid|not_found|rate_limited|conflict|internal|unavailable):/;

/** The protocol code of a HubException the client saw ("forbidden", ...), or null. */
export function errorCode(error) {
  return CODE.exec(String(error?.message ?? error))?.[1] ?? null;
}

/** Runs a hub call that must fail; answers { code, message } of the error the client saw. */
export async function refusal(promise) {
  try {
    const value = await promise;
    return { code: null, message: `no error (answered ${JSON.stringify(value)?.slice(0, 200)})` };
  } catch (error) {
    return { code: errorCode(error), message: String(error?.message ?? error), statusCode: error?.statusCode };
  }
}

// ---------------------------------------------------------------- connections

class Waiter {
  constructor(predicate, resolve) { this.predicate = predicate; this.resolve = resolve; }
}

/** One SignalR connection of a user on one transport, recording every server event it receives. */
export class ChatClient {
  /**
   * options.reconnect: true (retry after 0, 0.5, 1, 2, 5 s, then give up), or the delays / an IRetryPolicy to pass to
   * withAutomaticReconnect. options.httpOptions: extra IHttpConnectionOptions for withUrl (e.g. an httpClient).
   * options.protocol: an IHubProtocol to ask for instead of JSON (e.g. new MessagePackHubProtocol()).
   */
  constructor(base, token, transport, { name = "client", reconnect = false, httpOptions = {}, protocol = null } = {}) {
    this.name = name;
    this.token = token;
    this.events = Object.fromEntries(EVENTS.map((e) => [e, []]));
    this.waiters = [];
    const builder = new signalR.HubConnectionBuilder()
      .withUrl(`${base}/hubs/chat`, { ...httpOptions, transport, accessTokenFactory: token === null ? undefined : () => this.token })
      .configureLogging(signalR.LogLevel.None);
    if (protocol) builder.withHubProtocol(protocol);
    if (reconnect) builder.withAutomaticReconnect(reconnect === true ? [0, 500, 1000, 2000, 5000] : reconnect);
    this.connection = builder.build();
    for (const name of EVENTS) {
      this.connection.on(name, (payload) => {
        this.events[name].push(payload);
        for (const w of [...this.waiters]) {
          if (w.event === name && w.predicate(payload, this.events[name])) {
            this.waiters.splice(this.waiters.indexOf(w), 1);
            w.resolve(payload);
          }
        }
      });
    }
  }

  static async connect(base, token, transport, options) {
    const client = new ChatClient(base, token, transport, options);
    await client.connection.start();
    return client;
  }

  get connectionId() { return this.connection.connectionId; }

  invoke(method, ...args) { return this.connection.invoke(method, ...args); }

  /** Resolves with the first event (already received or future) that satisfies the predicate. */
  waitFor(event, predicate = () => true, timeoutMs = 15000, since = 0) {
    const seen = this.events[event].slice(since).find((e) => predicate(e, this.events[event]));
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const waiter = new Waiter(predicate, resolve);
      waiter.event = event;
      this.waiters.push(waiter);
      setTimeout(() => {
        const at = this.waiters.indexOf(waiter);
        if (at >= 0) {
          this.waiters.splice(at, 1);
          reject(new Error(`${this.name}: no "${event}" event matching ${predicate.toString().slice(0, 160)} within ${timeoutMs} ms; got ${JSON.stringify(this.events[event]).slice(0, 600)}`));
        }
      }, timeoutMs);
    });
  }

  /** Like waitFor, for events that arrive after the mark taken by mark(event). */
  waitForNext(event, mark, predicate = () => true, timeoutMs = 15000) {
    return this.waitFor(event, predicate, timeoutMs, mark);
  }

  mark(event) { return this.events[event].length; }

  /** Waits until `count` distinct seqs (above `above`) of a conversation have been pushed to this connection. */
  async waitForSeqs(conversationId, count, timeoutMs = 20000, above = 0) {
    const distinct = () => new Set(this.events.message.filter((m) => m.conversationId === conversationId && m.seq > above).map((m) => m.seq)).size;
    const deadline = Date.now() + timeoutMs;
    while (distinct() < count) {
      if (Date.now() > deadline) throw new Error(`${this.name}: saw ${distinct()} of ${count} messages of ${conversationId} within ${timeoutMs} ms`);
      await sleep(50);
    }
  }

  messagesOf(conversationId) {
    return this.events.message.filter((m) => m.conversationId === conversationId);
  }

  async stop() {
    try { await this.connection.stop(); } catch { /* already stopped */ }
  }
}

/** Makes users with tokens (via the host API key): answers [{ userId, token }, ...]. */
export async function makeUsers(base, count, prefix = "u") {
  const users = [];
  for (let i = 0; i < count; i++) {
    const userId = uid(`${prefix}${i}`);
    const issued = await hostToken(base, userId, `${prefix.toUpperCase()}${i} ${userId.slice(-4)}`);
    users.push({ userId, token: issued.token });
  }
  return users;
}

/** POST /api/files: uploads bytes into a conversation as multipart form data; answers the fetch Response. */
export function uploadFile(base, token, conversationId, bytes, { type = "application/octet-stream", fileName = "file.bin" } = {}) {
  const form = new FormData();
  form.append("conversationId", conversationId);
  form.append("file", new Blob([bytes], { type }), fileName);
  return fetch(`${base}/api/files`, { method: "POST", headers: { Authorization: `Bearer ${token}` }, body: form });
}

/** Sends text; answers the ack with the clientMsgId used. */
export async function sendText(client, conversationId, text, clientMsgId = newClientMsgId()) {
  const ack = await client.invoke("Send", { conversationId, clientMsgId, kind: "text", text });
  return { ...ack, clientMsgId, text };
}

/** Every message of a conversation via History, oldest first (pages of 200 going back from the newest). */
export async function fullHistory(client, conversationId) {
  const all = [];
  let before = NEWEST;
  for (let round = 0; round < 1000; round++) {
    const page = await client.invoke("History", conversationId, before, 200);
    if (!page.length) break;
    all.unshift(...page);
    before = page[0].seq;
    if (page.length < 200 || before <= 1) break;
  }
  return all;
}

/** Sync from one cursor until hasMore is false: answers every message after it. */
export async function syncAll(client, conversationId, afterSeq, limit) {
  const messages = [];
  let cursor = afterSeq;
  let rounds = 0;
  for (;;) {
    const result = await client.invoke("Sync", { cursors: { [conversationId]: cursor }, ...(limit ? { limit } : {}) });
    rounds++;
    const mine = result.messages.filter((m) => m.conversationId === conversationId);
    messages.push(...mine);
    if (mine.length) cursor = Math.max(cursor, ...mine.map((m) => m.seq));
    if (!result.hasMore || !mine.length || rounds > 1000) return { messages, rounds, conversations: result.conversations };
  }
}

// ---------------------------------------------------------------- the web client's store

let storeModule = null;

/** The web client's ChatStore (src/Gateway/wwwroot/js/store.js), loaded as-is so tests check the real dedupe. */
export async function loadClientStore() {
  if (!storeModule) {
    const source = readFileSync(path.join(repoRoot, "src/Gateway/wwwroot/js/store.js"), "utf8");
    storeModule = await import(`data:text/javascript;base64,${Buffer.from(source).toString("base64")}`);
  }
  return storeModule.ChatStore;
}

/** Asserts seqs are exactly 1..n (or from..to) ascending without gaps or repeats; answers a description. */
export function describeSeqs(seqs) {
  if (!seqs.length) return "none";
  return seqs.length > 12 ? `${seqs.slice(0, 6).join(",")} … ${seqs.slice(-6).join(",")} (${seqs.length})` : seqs.join(",");
}
