// How the cluster tests tell a retryable failure from a real refusal: one attempt's time limit, the classification of
// what a hub call threw, and a read-only call retried as a client would retry it. Shared by the traffic and the audit.
import { errorCode, sleep } from "./chat.js";

export const ATTEMPT_TIMEOUT_MS = 12_000; // one Send attempt; a timed-out attempt is retried with the same clientMsgId
export const NON_RETRYABLE = new Set(["invalid", "forbidden", "not_found", "conflict"]);

export function withTimeout(promise, ms) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => { timer = setTimeout(() => reject(Object.assign(new Error(`no answer within ${ms} ms`), { timedOut: true })), ms); }),
  ]);
}

export function classify(error) {
  const code = errorCode(error);
  if (code) return code;
  const text = String(error?.message ?? error);
  if (error?.timedOut) return "timeout";
  if (/Status code '\d+'/.test(text)) return "disconnected"; // the transport's request failed (e.g. nginx 502, 404 for a connection id the new gateway never saw)
  if (/not in the 'Connected' State|connection (was )?(closed|stopped|lost)|Invocation canceled|being closed|WebSocket closed|disconnected/i.test(text)) return "disconnected";
  return "other";
}

/** Runs a read-only hub call, retrying what a client would retry (unavailable, timeouts, a reconnecting connection). */
export async function retrying(client, what, fn, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await client.ensureConnected();
      return await withTimeout(fn(), ATTEMPT_TIMEOUT_MS);
    } catch (error) {
      const code = classify(error);
      if (NON_RETRYABLE.has(code) || Date.now() > deadline) throw new Error(`${client.name}: ${what} failed: ${String(error?.message ?? error)}`);
      await sleep(300);
    }
  }
}
