#!/usr/bin/env node
// Reconnect storm: U users connected through the gateway (official @microsoft/signalr client, one connection each,
// in group conversations), some messages acknowledged, the gateway SIGKILLed while messages are in flight, restarted
// on the same port and data directory, and every client back, synced and checked. storm.js starts and kills the
// gateway itself (the command after `--`), so the kill lands while the trickle of sends is running; the users live in
// forked worker processes (worker.js), each under the 20,000 open files a process may hold here.
//
// Output: a table, then one line of JSON (the last line). Progress goes to stderr. Loopback only.
import { spawn, fork, execFileSync } from "node:child_process";
import { openSync, readFileSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { table, summarize } from "./report.js";

const HELP = `usage: node storm.js --api-key KEY [options] -- dotnet Im.Orleans.Gateway.dll --urls http://127.0.0.1:PORT …

  --url URL              the gateway's base URL (loopback)                 default http://127.0.0.1:5000
  --users N              users, one connection each                        default 15000
  --group-size G         members per group conversation (CreateGroup)      default 5
  --workers W            worker processes (0: one per 4000 users)          default 0
  --addresses A          source addresses 127.0.0.2 … (one per user, round robin)  default 8
  --sender-fraction F    of each group's members, these send               default 0.2
  --messages M           messages each sender sends, acked, before the kill default 2
  --trickle R            sends/s going on when the kill lands              default 200
  --outage-messages K    messages each sender writes during the outage     default 1
  --down-seconds S       wait between the kill and the restart             default 0
  --backoff-initial MS   retry policy: attempt n waits random(0, min(max, initial*2^n))  default 1000
  --backoff-max MS                                                         default 10000
  --connect-concurrency C  connections/groups being set up at once, per worker  default 50
  --attempt-timeout MS   negotiate and WebSocket handshake timeout         default 30000
  --setup-timeout S      at most S seconds to connect, make the groups and send before the kill (calls are retried)  default 1200
  --timeout S            at most S seconds from the restart for everybody to be back and done  default 600
  --gateway-log FILE     the gateway's output (appended)                   default /dev/null
  --pid-file FILE        the running gateway's pid, for the caller's cleanup
  --quiet                no progress on stderr
`;

function parseArgs(argv) {
  const o = { url: "http://127.0.0.1:5000", users: 15000, groupSize: 5, workers: 0, addresses: 8, senderFraction: 0.2, messages: 2,
    trickle: 200, outageMessages: 1, downSeconds: 0, backoffInitial: 1000, backoffMax: 10000, connectConcurrency: 50,
    attemptTimeout: 30000, timeout: 600, setupTimeout: 1200, apiKey: null, gatewayLog: "/dev/null", pidFile: null, quiet: false, gateway: [] };
  const names = { "--url": "url", "--api-key": "apiKey", "--gateway-log": "gatewayLog", "--pid-file": "pidFile" };
  const numbers = { "--users": "users", "--group-size": "groupSize", "--workers": "workers", "--addresses": "addresses",
    "--sender-fraction": "senderFraction", "--messages": "messages", "--trickle": "trickle", "--outage-messages": "outageMessages",
    "--down-seconds": "downSeconds", "--backoff-initial": "backoffInitial", "--backoff-max": "backoffMax",
    "--connect-concurrency": "connectConcurrency", "--attempt-timeout": "attemptTimeout", "--timeout": "timeout", "--setup-timeout": "setupTimeout" };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === "--") { o.gateway = argv.slice(i + 1); break; }
    if (flag === "-h" || flag === "--help") { process.stdout.write(HELP); process.exit(0); }
    if (flag === "--quiet") { o.quiet = true; continue; }
    if (!(flag in names) && !(flag in numbers)) usage(`unknown argument ${flag}`);
    if (i + 1 >= argv.length) usage(`${flag} needs a value`);
    const value = argv[++i];
    if (flag in names) o[names[flag]] = value;
    else if (!Number.isFinite((o[numbers[flag]] = Number(value)))) usage(`${flag} must be a number`);
  }
  if (!o.apiKey) usage("--api-key is required (one of the gateway's Auth:ApiKeys)");
  if (!o.gateway.length) usage("the gateway's command goes after --");
  if (!/^https?:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?$/.test(o.url)) usage("--url must be a loopback base URL");
  if (o.users < 2 || o.groupSize < 2 || o.groupSize > o.users) usage("--users and --group-size must be at least 2, the group no larger than the users");
  if (o.addresses < 1 || o.addresses > 250) usage("--addresses must be 1 to 250");
  if (!o.workers) o.workers = Math.ceil(o.users / 4000);
  return o;
}

function usage(problem) { process.stderr.write(`storm.js: ${problem}\n\n${HELP}`); process.exit(2); }

const options = parseArgs(process.argv.slice(2));
const clock = () => Date.now();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const say = (line) => { if (!options.quiet) process.stderr.write(`storm: ${line}\n`); };
const ticks = (() => { try { return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" })) || 100; } catch { return 100; } })();

/** The gateway process: started, watched (RSS and CPU from /proc), SIGKILLed, started again. */
class Gateway {
  constructor() { this.proc = null; this.peakRssKb = 0; }

  async start() {
    const log = openSync(options.gatewayLog, "a");
    this.spawnedAt = clock();
    this.proc = spawn(options.gateway[0], options.gateway.slice(1), { stdio: ["ignore", log, log] });
    this.exited = new Promise((resolve) => this.proc.once("exit", resolve));
    if (options.pidFile) writeFileSync(options.pidFile, `${this.proc.pid}\n`);
    this.peakRssKb = 0;
    const until = clock() + 180_000;
    while (clock() < until) {
      if (this.proc.exitCode !== null) throw new Error(`the gateway exited with ${this.proc.exitCode} before it was ready (see ${options.gatewayLog})`);
      try {
        const response = await fetch(`${options.url}/health/ready`, { signal: AbortSignal.timeout(2000) });
        if (response.ok) { this.readyAt = clock(); return this.readyAt; }
      } catch { /* not listening yet */ }
      await sleep(100);
    }
    throw new Error("the gateway was not ready within 180 s");
  }

  sample() {
    try {
      const status = readFileSync(`/proc/${this.proc.pid}/status`, "utf8");
      const rss = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0);
      this.peakRssKb = Math.max(this.peakRssKb, rss);
      const stat = readFileSync(`/proc/${this.proc.pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      return { rssKb: rss, cpuSeconds: (Number(fields[11]) + Number(fields[12])) / ticks };
    } catch { return null; }
  }

  async kill() {
    this.proc.kill("SIGKILL");
    await this.exited;
    return clock();
  }

  async stop() {
    if (!this.proc || this.proc.exitCode !== null) return;
    this.proc.kill("SIGTERM");
    const timer = setTimeout(() => this.proc.kill("SIGKILL"), 20_000);
    await this.exited;
    clearTimeout(timer);
  }
}

/** A forked worker.js with request/answer over IPC. */
class WorkerProcess {
  constructor(index) {
    this.child = fork(fileURLToPath(new URL("./worker.js", import.meta.url)), [], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
    this.waiting = new Map();
    this.next = 0;
    this.child.on("message", (m) => { const w = this.waiting.get(m.id); if (!w) return; this.waiting.delete(m.id); if (m.error) w.reject(new Error(`worker ${index}: ${m.error}`)); else w.resolve(m.answer); });
    this.child.on("exit", (code) => { for (const w of this.waiting.values()) w.reject(new Error(`worker ${index} exited with ${code}`)); this.waiting.clear(); });
  }

  ask(type, extra = {}) {
    const id = this.next++;
    return new Promise((resolve, reject) => { this.waiting.set(id, { resolve, reject }); this.child.send({ type, id, ...extra }); });
  }
}

/** Connections to the gateway's port by local (source) address, from ss: proof the clients spread over addresses. */
function sourceAddresses() {
  const port = new URL(options.url).port || "80";
  try {
    const out = execFileSync("ss", ["-Htn", "state", "established", `( dport = :${port} )`], { encoding: "utf8", maxBuffer: 64 << 20 });
    const counts = {};
    for (const line of out.split("\n")) {
      const local = line.trim().split(/\s+/)[2];
      if (local) { const ip = local.slice(0, local.lastIndexOf(":")); counts[ip] = (counts[ip] ?? 0) + 1; }
    }
    return counts;
  } catch { return null; }
}

async function main() {
  const runId = randomBytes(3).toString("hex");
  const gateway = new Gateway();
  const workers = [];
  const all = (type, extra) => Promise.all(workers.map((w) => w.ask(type, extra)));
  const sum = (answers, key) => answers.reduce((t, a) => t + (a[key] ?? 0), 0);
  const result = { run: runId, users: options.users, groupSize: options.groupSize, workers: options.workers, addresses: options.addresses,
    senderFraction: options.senderFraction, messages: options.messages, trickle: options.trickle, outageMessages: options.outageMessages,
    backoff: { initialMs: options.backoffInitial, maxMs: options.backoffMax }, loadAverageStart: readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ") };
  try {
    await gateway.start();
    say(`gateway ${gateway.proc.pid} ready after ${((gateway.readyAt - gateway.spawnedAt) / 1000).toFixed(1)} s; ${options.users} users over ${options.workers} workers`);
    const per = Math.ceil(options.users / options.workers / options.groupSize) * options.groupSize;
    for (let w = 0, from = 0; from < options.users; w++, from += per) {
      const worker = new WorkerProcess(w);
      workers.push(worker);
      worker.range = { from, to: Math.min(options.users, from + per) };
    }
    const config = { url: options.url, apiKey: options.apiKey, runId, groupSize: options.groupSize, addresses: options.addresses,
      senderFraction: options.senderFraction, messages: options.messages, outageMessages: options.outageMessages,
      backoff: { initialMs: options.backoffInitial, maxMs: options.backoffMax }, connectConcurrency: options.connectConcurrency,
      sendConcurrency: options.connectConcurrency, attemptTimeoutMs: options.attemptTimeout, setupTimeoutMs: options.setupTimeout * 1000 };
    let started = clock();
    const setups = await Promise.all(workers.map((w) => w.ask("setup", { config: { ...config, ...w.range } })));
    result.connected = sum(setups, "connected");
    result.connectSeconds = (clock() - started) / 1000;
    say(`${result.connected} of ${options.users} connected in ${result.connectSeconds.toFixed(1)} s (${sum(setups, "failed")} failed)`);
    result.sourceAddresses = sourceAddresses();
    say(`established connections by source address: ${JSON.stringify(result.sourceAddresses)}`);
    started = clock();
    const groups = await all("groups");
    result.groups = sum(groups, "groups");
    result.groupsFailed = sum(groups, "failed");
    say(`${result.groups} groups in ${((clock() - started) / 1000).toFixed(1)} s (${result.groupsFailed} failed)`);
    started = clock();
    const sent = await all("send");
    say(`${sum(sent, "acked")} messages acked before the kill in ${((clock() - started) / 1000).toFixed(1)} s (${sum(sent, "failed")} failed sends)`);
    const before = gateway.sample();
    result.beforeKill = { rssMb: before ? Math.round(before.rssKb / 1024) : null, connected: result.connected };

    await all("trickle", { rate: options.trickle / workers.length });
    await sleep(1500);
    result.killedAt = await gateway.kill();
    await all("killed", { at: result.killedAt });
    say(`gateway SIGKILLed with a trickle of ${options.trickle} sends/s going on; restarting`);
    if (options.downSeconds > 0) await sleep(options.downSeconds * 1000);
    const restartAt = clock();
    const startSample = { cpuSeconds: 0 };
    const readyAt = await gateway.start();
    await all("ready", { at: readyAt });
    result.restartSeconds = (readyAt - restartAt) / 1000;
    result.outageSeconds = (readyAt - result.killedAt) / 1000;
    say(`restarted gateway ${gateway.proc.pid} ready after ${result.restartSeconds.toFixed(1)} s (outage ${result.outageSeconds.toFixed(1)} s)`);
    const readySample = gateway.sample() ?? startSample;

    const deadline = readyAt + options.timeout * 1000;
    let progress;
    let lastSay = 0;
    for (;;) {
      const answers = await all("progress");
      gateway.sample();
      progress = { reconnected: sum(answers, "reconnected"), synced: sum(answers, "synced"), done: sum(answers, "done"), total: sum(answers, "total") };
      if (clock() - lastSay >= 2000 || progress.done === progress.total) {
        lastSay = clock();
        say(`+${((clock() - readyAt) / 1000).toFixed(1)} s: ${progress.reconnected} reconnected, ${progress.synced} synced, ${progress.done} done of ${progress.total}; load ${readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ")}`);
      }
      if (progress.done === progress.total || clock() > deadline) break;
      await sleep(250);
    }
    const end = gateway.sample();
    result.doneAt = clock();
    result.server = { peakRssMbAfterRestart: Math.round(gateway.peakRssKb / 1024), rssMbAtEnd: end ? Math.round(end.rssKb / 1024) : null,
      cpuSecondsStartup: round(readySample.cpuSeconds), cpuSecondsStorm: end ? round(end.cpuSeconds - readySample.cpuSeconds) : null,
      stormSeconds: round((result.doneAt - readyAt) / 1000) };
    result.loadAverageEnd = readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
    say("every member syncs its whole log once more and checks it");
    const finals = await all("final");
    Object.assign(result, summarize(finals, readyAt, result.killedAt));
    await all("stop").catch(() => {});
    process.stdout.write(`${table(result)}\n${JSON.stringify(result)}\n`);
    process.exitCode = result.lost === 0 && result.neverBack === 0 && result.duplicatesStored === 0 ? 0 : 1;
  } catch (error) {
    process.stderr.write(`storm: ${error?.stack ?? error}\n`);
    process.exitCode = 1;
  } finally {
    for (const w of workers) w.child.kill();
    await gateway.stop();
  }
}

const round = (v, d = 1) => (v === null || v === undefined ? null : Math.round(v * 10 ** d) / 10 ** d);
main();
