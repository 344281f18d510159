// A SignalR hub connection over a raw WebSocket (the `ws` package from test/e2e's install), for frames the official
// client would never send: the JSON handshake by hand, then anything at all. Records completions by invocation id,
// the server's close message and the socket's close, so a caller can tell answered / closed / silent apart.
import { createRequire } from "node:module";

// One npm install for both harnesses: test/e2e's node_modules (ws comes with @microsoft/signalr).
const require = createRequire(new URL("../e2e/package.json", import.meta.url));
export const WebSocket = require("ws");

export const RS = "\u001e"; // the JSON hub protocol's record separator

export class RawHub {
  /** options.localAddress binds the client side (127.0.0.2 …) for floods past the per-address port range. */
  constructor(baseUrl, token, { localAddress, handshakeTimeoutMs = 10_000 } = {}) {
    this.url = `${baseUrl.replace(/^http/, "ws")}/hubs/chat${token === null ? "" : `?access_token=${encodeURIComponent(token)}`}`;
    this.localAddress = localAddress;
    this.handshakeTimeoutMs = handshakeTimeoutMs;
    this.completions = new Map(); // invocationId -> completion message
    this.waiters = new Map();     // invocationId -> [resolve]
    this.closeMessage = null;     // the server's {"type":7} message, if any
    this.closed = null;           // { code, reason, at } once the socket closed
    this.closeWaiters = [];
    this.other = [];              // other messages (events, stray completions), capped
    this.pings = 0;
    this.buffer = "";
    this.serial = 0;
  }

  /** Opens the socket and does the handshake; rejects with .status set when the upgrade was refused (401, 503 …). */
  open() {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(this.url, { localAddress: this.localAddress, handshakeTimeout: this.handshakeTimeoutMs, perMessageDeflate: false });
      this.ws = ws;
      let handshaken = false;
      const fail = (error) => { if (!handshaken) { handshaken = true; reject(error); } };
      const timer = setTimeout(() => { fail(Object.assign(new Error("handshake timed out"), { timedOut: true })); ws.terminate(); }, this.handshakeTimeoutMs);
      ws.on("unexpected-response", (_req, res) => {
        clearTimeout(timer);
        res.resume();
        fail(Object.assign(new Error(`upgrade refused: ${res.statusCode}`), { status: res.statusCode }));
        ws.terminate();
      });
      ws.on("error", (error) => { clearTimeout(timer); fail(error); });
      ws.on("open", () => ws.send(`{"protocol":"json","version":1}${RS}`));
      ws.on("message", (data) => {
        this.buffer += data.toString("utf8");
        let at;
        while ((at = this.buffer.indexOf(RS)) >= 0) {
          const record = this.buffer.slice(0, at);
          this.buffer = this.buffer.slice(at + 1);
          let message;
          try { message = JSON.parse(record); } catch { message = { unparsable: record.slice(0, 200) }; }
          if (!handshaken) {
            handshaken = true;
            clearTimeout(timer);
            if (message.error) reject(new Error(`handshake refused: ${message.error}`));
            else resolve(this);
            continue;
          }
          this.onMessage(message);
        }
      });
      ws.on("close", (code, reason) => {
        clearTimeout(timer);
        this.closed = { code, reason: reason?.toString?.() ?? "", at: Date.now() };
        fail(new Error(`closed during handshake (${code})`));
        for (const resolveClose of this.closeWaiters.splice(0)) resolveClose(this.closed);
        for (const [, list] of this.waiters) for (const w of list) w(null);
        this.waiters.clear();
      });
    });
  }

  onMessage(message) {
    if (message.type === 6) { this.pings++; return; }
    if (message.type === 7) { this.closeMessage = message; return; }
    if (message.type === 3 && typeof message.invocationId === "string") {
      this.completions.set(message.invocationId, message);
      for (const w of this.waiters.get(message.invocationId) ?? []) w(message);
      this.waiters.delete(message.invocationId);
      return;
    }
    if (this.other.length < 100) this.other.push(message);
  }

  get isOpen() { return this.ws?.readyState === WebSocket.OPEN; }

  /** Sends a text frame as given (a string is sent as its UTF-8; a Buffer's bytes go out unchanged, valid UTF-8 or not). */
  sendText(data) { this.ws.send(data, { binary: false }); }

  sendBinary(data) { this.ws.send(data, { binary: true }); }

  nextId(prefix = "i") { return `${prefix}${++this.serial}`; }

  /** Sends an invocation; answers its id. */
  invokeRaw(target, args, { type = 1, id = this.nextId() } = {}) {
    this.sendText(`${JSON.stringify({ type, invocationId: id, target, arguments: args })}${RS}`);
    return id;
  }

  /** The completion of an invocation id, null when the socket closed first, "timeout" after ms. */
  waitCompletion(id, ms) {
    if (this.completions.has(id)) return Promise.resolve(this.completions.get(id));
    if (this.closed) return Promise.resolve(null);
    return new Promise((resolve) => {
      let timer;
      const done = (value) => { clearTimeout(timer); resolve(value); };
      timer = setTimeout(() => {
        const list = this.waiters.get(id) ?? [];
        list.splice(list.indexOf(done), 1);
        resolve("timeout");
      }, ms);
      const list = this.waiters.get(id) ?? [];
      list.push(done);
      this.waiters.set(id, list);
    });
  }

  /** Resolves with the close record once the socket closed, or null after ms. */
  waitClosed(ms) {
    if (this.closed) return Promise.resolve(this.closed);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(null), ms);
      this.closeWaiters.push((value) => { clearTimeout(timer); resolve(value); });
    });
  }

  close() {
    try { this.ws?.terminate(); } catch { /* gone */ }
  }
}
