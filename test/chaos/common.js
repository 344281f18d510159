// Shared pieces of the chaos scenarios: a seeded random source, percentiles, the gateway's figures (memory, log
// bytes, alive), and the well-behaved client whose Send→ack latency is measured before and during each flood.
import { statSync } from "node:fs";
import { ChatClient, makeUsers, newClientMsgId, signalR, sleep } from "../e2e/lib/chat.js";
import { openFiles, serverPid, serverRssBytes } from "../e2e/lib/procstat.js";

export { sleep };

/** mulberry32: a small seeded generator, so a run's frames can be made again from its printed seed. */
export function seededRandom(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const rng = {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)), // inclusive
    pick: (list) => list[Math.floor(next() * list.length)],
    chance: (p) => next() < p,
    bytes: (n) => Buffer.from(Array.from({ length: n }, () => Math.floor(next() * 256))),
    hex: (n) => Array.from({ length: n }, () => Math.floor(next() * 16).toString(16)).join(""),
    shuffle: (list) => {
      for (let i = list.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [list[i], list[j]] = [list[j], list[i]];
      }
      return list;
    },
  };
  return rng;
}

export function percentile(sorted, p) {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** { n, p50, p99, max } of a list of milliseconds. */
export function latencyStats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return { n: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.length ? sorted[sorted.length - 1] : NaN };
}

export const fmtMs = (v) => (Number.isFinite(v) ? `${Math.round(v)}` : "-");

/** The gateway's server process (the largest member of its process group), its memory and open files. */
export const gatewayRss = (gateway) => (gateway.exited ? null : serverRssBytes(gateway.pid));
export const gatewayFds = (gateway) => (gateway.exited ? null : openFiles(serverPid(gateway.pid)));

/** Bytes the gateway has written to its log so far (lib/processes.js copies its stdout and stderr to the file). */
export function logBytes(gateway) {
  try { return statSync(gateway.logPath).size; } catch { return 0; }
}

/** Waits for the log writer to catch up, then answers the log size. */
export async function settledLogBytes(gateway) {
  let last = -1;
  for (let i = 0; i < 20; i++) {
    const now = logBytes(gateway);
    if (now === last) return now;
    last = now;
    await sleep(150);
  }
  return last;
}

/** Whether the gateway still answers /health/live (and its process is there). */
export async function isAlive(gateway) {
  if (gateway.exited) return false;
  try {
    const response = await fetch(`${gateway.url}/health/live`, { signal: AbortSignal.timeout(5000) });
    await response.text();
    return response.ok;
  } catch {
    await sleep(500); // the exit of a process that just died is reported a moment later
    return !gateway.exited;  // a saturated gateway may be slow to answer; only a dead process counts as crashed
  }
}

/**
 * A well-behaved user sending one message at a time into a direct conversation, every `intervalMs`; every Send→ack
 * latency is recorded with its time, so a report can compare a quiet window with a flood's window.
 */
export class Prober {
  static async start(baseUrl, { intervalMs = 100, name = "prober" } = {}) {
    const [me, peer] = await makeUsers(baseUrl, 2, "probe");
    const client = await ChatClient.connect(baseUrl, me.token, signalR.HttpTransportType.WebSockets, { name });
    const view = await client.invoke("OpenDirect", peer.userId);
    const prober = new Prober(client, view.conversationId, intervalMs);
    prober.loop = prober.run();
    return prober;
  }

  constructor(client, conversationId, intervalMs) {
    this.client = client;
    this.conversationId = conversationId;
    this.intervalMs = intervalMs;
    this.samples = []; // { at, ms, error }
    this.stopping = false;
  }

  async run() {
    while (!this.stopping) {
      const started = Date.now();
      try {
        await Promise.race([
          this.client.invoke("Send", { conversationId: this.conversationId, clientMsgId: newClientMsgId(), kind: "text", text: "probe" }),
          sleep(15_000).then(() => { throw new Error("timeout: no ack within 15 s"); }),
        ]);
        this.samples.push({ at: started, ms: Date.now() - started });
      } catch (error) {
        this.samples.push({ at: started, ms: Date.now() - started, error: String(error?.message ?? error).slice(0, 120) });
        if (this.client.connection.state !== "Connected") {
          try { await this.client.connection.start(); } catch { await sleep(500); }
        }
      }
      await sleep(Math.max(0, this.intervalMs - (Date.now() - started)));
    }
  }

  /** Latency of the Sends started in [from, to): { n, p50, p99, max, errors }. */
  window(from, to = Date.now()) {
    const inside = this.samples.filter((s) => s.at >= from && s.at < to);
    return { ...latencyStats(inside.filter((s) => !s.error).map((s) => s.ms)), errors: inside.filter((s) => s.error).length };
  }

  async stop() {
    this.stopping = true;
    await this.loop;
    await this.client.stop();
  }
}

/**
 * Runs `worker(i)` in `concurrency` parallel loops until `until()` is true; answers how many calls ran. Each worker
 * call is one unit of a flood (an invocation, a POST).
 */
export async function floodLoop(concurrency, until, worker) {
  let calls = 0;
  await Promise.all(Array.from({ length: concurrency }, async (_, lane) => {
    while (!until()) {
      calls++;
      await worker(lane, calls);
    }
  }));
  return calls;
}
