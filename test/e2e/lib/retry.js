// How the cluster tests tell a retryable failure from a real refusal: one attempt's time limit, the classification of
// what a hub call threw, and a read-only call retried as a client would retry it. Shared by the traffic and the audit.
import { errorCode, newClientMsgId, sleep } from "./chat.js";

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

/**
 * Sends a text until it is acknowledged, as a client keeps an unsent message: an attempt that fails on the connection
 * or times out is retried with the same clientMsgId (the server stores it once), a refusal is thrown. Answers
 * { ack, clientMsgId, attempts, errors } (errors: the classified failed attempts, e.g. ["disconnected"]).
 */
export async function sendUntilAcked(client, conversationId, text, { clientMsgId = newClientMsgId(), timeoutMs = 60_000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  const errors = [];
  for (;;) {
    try {
      await client.ensureConnected?.();
      const ack = await withTimeout(client.invoke("Send", { conversationId, clientMsgId, kind: "text", text }), ATTEMPT_TIMEOUT_MS);
      return { ack, clientMsgId, attempts: errors.length + 1, errors };
    } catch (error) {
      const code = classify(error);
      errors.push(code);
      if (NON_RETRYABLE.has(code) || Date.now() > deadline) {
        throw new Error(`${client.name}: Send "${text}" to ${conversationId} failed after ${errors.length} attempts (${errors.join(",")}): ${String(error?.message ?? error)}`);
      }
      await sleep(code === "disconnected" ? 300 : 200);
    }
  }
}
