#!/usr/bin/env node
// Idle-connection holder for the server's memory per connection (bench/connections.sh): N WebSocket hub connections
// to /hubs/chat over the official @microsoft/signalr client, spread over --users users, opened at a bounded rate by
// several worker processes (idle-worker.js; one process may hold ~20,000 open files here), each from its own source
// address 127.0.0.2, .3 … (loopback gives ~28k ephemeral ports per address), and held idle until SIGTERM/SIGINT or
// --hold seconds.
//
// Progress goes to stderr; --status FILE is rewritten every second with {connections, attempted, open, failed,
// closed, reasons, done} (done: every start has succeeded or failed). The last stdout line is the final JSON.
// Only loopback targets are accepted.
import { fork } from "node:child_process";
import { writeFileSync, renameSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const HELP = `usage: node idle.js --url http://127.0.0.1:5000 --connections N [options]

  --url URL              server base URL (loopback only)                        default http://127.0.0.1:5000
  --connections N        hub connections to open and hold                       default 1000
  --users M              users the connections are spread over (round robin); 0: one user per connection  default 300
  --api-key K            mint tokens with POST /api/auth/token (X-Api-Key) instead of POST /api/auth/guest
  --rate R               connection starts per second, all workers together     default 500
  --in-flight F          starts in flight at once, per worker                   default 100
  --per-worker P         connections per worker process (each has its own source address)  default 5000
  --first-address A      the first worker uses 127.0.0.A, the next A+1 …        default 2
  --skip-negotiation     connect the WebSocket directly (no POST /negotiate)
  --hold S               hold S seconds after the last start, then close and exit; 0: until SIGTERM/SIGINT  default 0
  --status FILE          rewritten every second with the counts (JSON)
  --label TEXT           copied into the JSON
  --quiet                no progress on stderr
`;

function parseArgs(argv) {
  const o = { url: "http://127.0.0.1:5000", connections: 1000, users: 300, apiKey: null, rate: 500, inFlight: 100, perWorker: 5000, firstAddress: 2, skipNegotiation: false, hold: 0, status: null, label: null, quiet: false };
  const numeric = { "--connections": "connections", "--users": "users", "--rate": "rate", "--in-flight": "inFlight", "--per-worker": "perWorker", "--first-address": "firstAddress", "--hold": "hold" };
  const text = { "--url": "url", "--api-key": "apiKey", "--status": "status", "--label": "label" };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === "--help" || flag === "-h") { process.stdout.write(HELP); process.exit(0); }
    if (flag === "--quiet") { o.quiet = true; continue; }
    if (flag === "--skip-negotiation") { o.skipNegotiation = true; continue; }
    if (!(flag in numeric) && !(flag in text)) usage(`unknown argument ${flag}`);
    if (i + 1 >= argv.length) usage(`${flag} needs a value`);
    const value = argv[++i];
    if (flag in numeric) {
      const n = Number(value);
      if (!Number.isFinite(n) || n < 0) usage(`${flag} must be a number ≥ 0, not ${value}`);
      o[numeric[flag]] = n;
    } else {
      o[text[flag]] = value;
    }
  }
  if (!Number.isInteger(o.connections) || o.connections < 1) usage("--connections must be a positive integer");
  if (o.users === 0) o.users = o.connections;
  if (!Number.isInteger(o.users) || o.users > o.connections) usage("--users must be an integer, at most --connections");
  if (o.rate <= 0 || o.inFlight < 1 || o.perWorker < 1) usage("--rate, --in-flight and --per-worker must be positive");
  const workers = Math.ceil(o.connections / o.perWorker);
  if (o.firstAddress < 1 || o.firstAddress + workers - 1 > 254) usage("the workers' source addresses must stay within 127.0.0.1–254");
  let url;
  try { url = new URL(o.url); } catch { usage(`--url is not a URL: ${o.url}`); }
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (!(host === "localhost" || host === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host))) usage(`--url must name a loopback address, not ${url.hostname}`);
  o.url = `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
  return o;
}

function usage(problem) {
  process.stderr.write(`idle.js: ${problem}\n\n${HELP}`);
  process.exit(2);
}

const options = parseArgs(process.argv.slice(2));
const say = (line) => { if (!options.quiet) process.stderr.write(`idle: ${line}\n`); };
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function postJson(url, body, headers = {}) {
  const response = await fetch(url, { method: "POST", headers: { "Content-Type": "application/json", ...headers }, body: JSON.stringify(body), signal: AbortSignal.timeout(30_000) });
  const text = await response.text();
  if (!response.ok) throw new Error(`POST ${new URL(url).pathname}: ${response.status} ${text.slice(0, 200)}`);
  return JSON.parse(text);
}

/** One token per user, 32 sign-ins at a time. */
async function tokens() {
  const run = Date.now().toString(36);
  const out = new Array(options.users);
  let next = 0;
  const one = async () => {
    for (let i = next++; i < options.users; i = next++) {
      const displayName = `Idle ${run} ${i}`;
      const answer = options.apiKey
        ? await postJson(`${options.url}/api/auth/token`, { userId: `idle-${run}-${i}`, displayName, role: "user" }, { "X-Api-Key": options.apiKey })
        : await postJson(`${options.url}/api/auth/guest`, { displayName });
      out[i] = answer.token;
    }
  };
  await Promise.all(Array.from({ length: Math.min(32, options.users) }, one));
  return out;
}

const started = Date.now();
const userTokens = await tokens();
say(`${options.users} users signed in in ${((Date.now() - started) / 1000).toFixed(1)} s`);

const here = path.dirname(fileURLToPath(import.meta.url));
const workerCount = Math.ceil(options.connections / options.perWorker);
const workers = [];
for (let w = 0; w < workerCount; w++) {
  const first = w * options.perWorker;
  const count = Math.min(options.perWorker, options.connections - first);
  const child = fork(path.join(here, "idle-worker.js"), [], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const entry = { child, counts: null, exited: false };
  child.on("message", (m) => { if (m?.type === "counts") entry.counts = m.counts; });
  child.on("exit", () => { entry.exited = true; });
  child.send({
    type: "job",
    job: {
      url: options.url, localAddress: `127.0.0.${options.firstAddress + w}`, skipNegotiation: options.skipNegotiation,
      rate: options.rate / workerCount, maxInFlight: options.inFlight,
      tokens: Array.from({ length: count }, (_, i) => userTokens[(first + i) % options.users]),
    },
  });
  workers.push(entry);
}

function totals() {
  const t = { connections: options.connections, users: options.users, workers: workerCount, attempted: 0, open: 0, failed: 0, closed: 0, reasons: {}, done: true };
  for (const { counts, exited } of workers) {
    if (!counts) { t.done = false; continue; }
    for (const k of ["attempted", "open", "failed", "closed"]) t[k] += counts[k];
    for (const [k, v] of Object.entries(counts.reasons)) t.reasons[k] = (t.reasons[k] ?? 0) + v;
    t.done &&= counts.done || exited;
  }
  t.seconds = Number(((Date.now() - started) / 1000).toFixed(1));
  return t;
}

function writeStatus() {
  if (!options.status) return;
  // Written aside and renamed, so a reader never sees half a file.
  writeFileSync(`${options.status}.tmp`, JSON.stringify(totals()));
  renameSync(`${options.status}.tmp`, options.status);
}

let stopping = false;
async function finish(signal) {
  if (stopping) return;
  stopping = true;
  const last = totals();
  for (const { child, exited } of workers) if (!exited) child.send({ type: "stop" });
  const deadline = Date.now() + 15_000;
  while (workers.some((w) => !w.exited) && Date.now() < deadline) await sleep(100);
  for (const { child, exited } of workers) if (!exited) child.kill("SIGKILL");
  process.stdout.write(`${JSON.stringify({ ...last, stoppedBy: signal, label: options.label })}\n`);
  process.exit(0);
}
process.on("SIGTERM", () => finish("SIGTERM"));
process.on("SIGINT", () => finish("SIGINT"));

let announced = false;
let doneAt = null;
for (;;) {
  await sleep(1000);
  writeStatus();
  const t = totals();
  if (!announced) say(`${t.open} open, ${t.failed} failed, ${t.closed} closed of ${t.attempted} started (${t.seconds} s)`);
  if (t.done && !announced) {
    announced = true;
    doneAt = Date.now();
    say(`holding ${t.open} open connections${Object.keys(t.reasons).length ? `; ${JSON.stringify(t.reasons)}` : ""}`);
  }
  if (workers.every((w) => w.exited)) { say("every worker exited"); await finish("workers exited"); }
  if (options.hold > 0 && doneAt && Date.now() - doneAt >= options.hold * 1000) await finish("hold elapsed");
}
