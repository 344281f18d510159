// What a storm client needs beyond the official @microsoft/signalr client: its own loopback source address for the
// negotiate request and the WebSocket (one address gives about 28k ports, and every attempt of a storm takes one), a
// retry policy that never gives up and honours the server's "retry after N ms", and a short name for why an attempt
// failed.
import http from "node:http";
import signalR from "@microsoft/signalr";
import WebSocket from "ws";

/** Counts per name, shared by everything in one worker; read by the worker's report. */
export class Tally {
  constructor() { this.counts = {}; }
  add(name, n = 1) { this.counts[name] = (this.counts[name] ?? 0) + n; }
}

/**
 * A `ws` WebSocket bound to a source address. The client builds its socket with `new ctor(url, protocols, options)`;
 * this passes `localAddress` (an http.request option ws hands on) and a handshake timeout, so a stalled upgrade fails
 * instead of hanging the reconnect loop.
 */
export function webSocketFrom(localAddress, tally, handshakeTimeoutMs) {
  return class LocalWebSocket extends WebSocket {
    constructor(url, protocols, options) {
      tally.add("websocket");
      super(url, protocols, { ...options, localAddress, handshakeTimeout: handshakeTimeoutMs });
    }
  };
}

/**
 * The client's HttpClient (negotiate only: the transport is WebSockets) over node:http, from a source address, one
 * fresh TCP connection per request as separate devices would make. A refusal keeps the server's coded error text and
 * its Retry-After in the error, which is all the retry policy gets to see.
 */
export class LocalHttpClient extends signalR.HttpClient {
  constructor(localAddress, tally, timeoutMs) {
    super();
    this.localAddress = localAddress;
    this.tally = tally;
    this.timeoutMs = timeoutMs;
  }

  send(request) {
    this.tally.add("negotiate");
    return new Promise((resolve, reject) => {
      const req = http.request(request.url, {
        method: request.method,
        headers: { ...request.headers, Connection: "close" },
        localAddress: this.localAddress,
        agent: false,
        timeout: request.timeout || this.timeoutMs,
      }, (res) => {
        const chunks = [];
        res.on("data", (chunk) => chunks.push(chunk));
        res.on("error", reject);
        res.on("end", () => {
          const body = Buffer.concat(chunks).toString("utf8");
          if (res.statusCode >= 200 && res.statusCode < 300) {
            resolve(new signalR.HttpResponse(res.statusCode, res.statusMessage, body));
            return;
          }
          const retryAfter = res.headers["retry-after"] ? ` retry-after=${res.headers["retry-after"]}s` : "";
          reject(new signalR.HttpError(`${res.statusMessage} ${body.slice(0, 300)}${retryAfter}`, res.statusCode));
        });
      });
      req.on("error", reject);
      req.on("timeout", () => req.destroy(new signalR.TimeoutError("negotiate timed out")));
      if (request.abortSignal) request.abortSignal.onabort = () => req.destroy(new signalR.AbortError());
      req.end(request.content || undefined);
    });
  }

  getCookieString() { return ""; }
}

/** A short name for why a connection attempt failed, a connection was lost or a call failed. */
export function reasonOf(error) {
  const text = String(error?.message ?? error ?? "none");
  let m;
  if ((m = /error on close: (\w+):/.exec(text))) return `server_close_${m[1]}`;
  if ((m = /\b(invalid|forbidden|not_found|conflict|rate_limited|unavailable|internal): /.exec(text))) return m[1];
  if (/not in the 'Connected' State|connection being closed|Invocation canceled/.test(text)) return "disconnected";
  if (/ECONNREFUSED/.test(text)) return "tcp_refused";
  if ((m = /Status code '(\d+)'/.exec(text))) return `negotiate_http_${m[1]}`;
  if ((m = /WebSocket closed with status code: (\d+)/.exec(text))) return `ws_close_${m[1]}`;
  if ((m = /error on close: (\w+):/.exec(text))) return `server_close_${m[1]}`;
  if (/ECONNRESET|socket hang up|other side closed/i.test(text)) return "tcp_reset";
  if (/timed out|timeout/i.test(text)) return "timeout";
  if (/Unexpected server response: (\d+)/.test(text)) return `ws_http_${/Unexpected server response: (\d+)/.exec(text)[1]}`;
  if (/WebSocket failed to connect|error with the transport/.test(text)) return "ws_failed";
  if (/EADDRNOTAVAIL|EADDRINUSE/.test(text)) return "source_port";
  if (/Server timeout elapsed/.test(text)) return "server_timeout";
  return "other";
}

/** The wait the server asked for, in ms, from "retry after N ms" (coded errors) or Retry-After (negotiate), else null. */
export function retryAfterOf(error) {
  const text = String(error?.message ?? error ?? "");
  let m;
  if ((m = /retry after (\d+) ms/.exec(text))) return Number(m[1]);
  if ((m = /retry-after=(\d+)s/.exec(text))) return Number(m[1]) * 1000;
  return null;
}

/**
 * Exponential backoff with full jitter that never gives up (the client's default stops after 4 tries): attempt n
 * waits a random time up to min(max, initial * 2^n); a server's "retry after" is a floor, plus up to half of it again
 * so the refused do not come back together. onFailure sees every failed attempt (not the loss that started it).
 */
export function retryPolicy({ initialMs, maxMs }, onFailure) {
  return {
    nextRetryDelayInMilliseconds(context) {
      if (context.previousRetryCount > 0) onFailure(context.retryReason);
      const hint = retryAfterOf(context.retryReason);
      if (hint !== null) return hint + Math.random() * hint * 0.5;
      const ceiling = Math.min(maxMs, initialMs * 2 ** Math.min(context.previousRetryCount, 16));
      return Math.random() * ceiling;
    },
  };
}
