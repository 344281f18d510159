// Hub calls that survive a dropped connection: a call made while the connection is down waits for it to come back
// (SignalR would throw "Cannot send data if the connection is not in the 'Connected' State"), and calls that are
// safe to repeat are retried quietly after connection trouble, `unavailable` or `rate_limited`.

import { state } from "./state.js";
import { errorCode, retryAfterMs } from "./errors.js";

const signalR = window.signalR;
const WAIT_FOR_CONNECTION_MS = 20_000;
const RETRY_DELAYS_MS = [300, 1000, 2500];

/** Resolves once the connection is up (or rejects with a connection error after a while / on sign-out). */
export async function connected() {
  const started = Date.now();
  for (;;) {
    if (state.stopping || !state.connection) throw new Error("signed out");
    if (state.connection.state === signalR.HubConnectionState.Connected) return;
    if (Date.now() - started > WAIT_FOR_CONNECTION_MS) throw new Error("not connected");
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * Invokes a hub method. retry: repeat after connection trouble or `unavailable` (for reads and calls the server
 * applies idempotently, e.g. React with on/off, SetProfile, MarkRead).
 */
export async function call(method, args = [], { retry = true } = {}) {
  const delays = [...RETRY_DELAYS_MS];
  for (;;) {
    await connected();
    try {
      return await state.connection.invoke(method, ...args);
    } catch (error) {
      const code = errorCode(error);
      const again = retry && !state.stopping && (code === null || code === "unavailable" || code === "rate_limited") && delays.length > 0;
      if (!again) throw error;
      const wait = delays.shift();
      // rate_limited names its wait; honour it (capped, so a person is not left waiting long).
      await new Promise((resolve) => setTimeout(resolve, code === "rate_limited" ? Math.min(retryAfterMs(error) ?? wait, 5000) : wait));
    }
  }
}

/** Whether an error says the server has no such hub method (an older server): the feature is then left out quietly. */
export function missingMethod(error) {
  return /no such hub method|Method does not exist/i.test(String(error?.message || error));
}
