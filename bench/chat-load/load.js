#!/usr/bin/env node
// Group-chat load generator for the Im.Orleans gateway, over the official @microsoft/signalr client.
//
// Users sign in (guest, or host tokens with --api-key), connect to /hubs/chat, and are split into groups of
// --group-size members; each group is one conversation made with CreateGroup. Then Send calls go out at --rate per
// second across all users (round robin over the users, paced evenly, open loop: the next send never waits for an
// ack), for --warmup seconds (not counted) and then --seconds (counted). Every Send carries a unique clientMsgId and
// the sender's clock in its text; every member's connection timestamps the `message` events it gets, which gives the
// end-to-end latency. Then it waits at most --drain seconds for outstanding acks and deliveries, and stops.
//
// Output (stdout): a human-readable table, then one line of JSON (the last line). Progress goes to stderr.
// Only loopback targets are accepted. See bench/README.md ("Chat load") for the definitions of every figure.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import signalR from "@microsoft/signalr";
import { SocketIoConnection } from "./socketio-client.js";

const HELP = `usage: node load.js --url http://127.0.0.1:5000 [options]

  --url URL[,URL...]   gateway base URL (loopback only); several, comma-separated: user i signs in
                       and connects to URL number i mod their count (one cluster, several gateways)
                                                                              default http://127.0.0.1:5000
  --users N            users, each with one connection                        default 20
  --group-size G       members per group conversation (CreateGroup)           default 5
  --rate R             offered Send calls per second, all users together      default 500
  --seconds S          measured seconds                                       default 10
  --warmup W           seconds of sending before the measurement (not counted) default 3
  --drain D            at most D seconds after the last send for acks and deliveries  default 10
  --transport T        websockets | sse | longpolling                          default websockets
  --target T           signalr (our gateway, bench/relay) | socketio (bench/socketio, WebSocket only)  default signalr
  --protocol P         json | messagepack: the SignalR hub protocol (signalr target only)  default json
  --api-key K          mint tokens with POST /api/auth/token (X-Api-Key) instead of guest sign-in
  --pid P[,P...]       the server's process id(s): RSS (VmRSS) sampled every second, peak, CPU time;
                       several (a cluster's gateway and silos) are added up
  --self-copies M      auto | yes | no: whether the sender's own connection gets its message back
                       (auto: found out by a probe message per group before the run)  default auto
  --setup-timeout T    seconds for sign-in, connections, groups and probes     default 120
  --label TEXT         copied into the JSON (e.g. the build's name)
  --quiet              no progress on stderr
`;

// ---------------------------------------------------------------- arguments

function parseArgs(argv) {
  const options = {
    url: "http://127.0.0.1:5000", users: 20, groupSize: 5, rate: 500, seconds: 10, warmup: 3, drain: 10,
    transport: "websockets", target: "signalr", apiKey: null, pid: null, selfCopies: "auto", setupTimeout: 120, label: null, quiet: false,
    protocol: "json",
  };
  const numeric = { "--users": "users", "--group-size": "groupSize", "--rate": "rate", "--seconds": "seconds", "--warmup": "warmup", "--drain": "drain", "--setup-timeout": "setupTimeout" };
  const text = { "--pid": "pid", "--url": "url", "--transport": "transport", "--target": "target", "--api-key": "apiKey", "--self-copies": "selfCopies", "--label": "label", "--protocol": "protocol" };
  for (let i = 0; i < argv.length; i++) {
    let flag = argv[i];
    let value;
    const eq = flag.indexOf("=");
    if (flag.startsWith("--") && eq > 0) { value = flag.slice(eq + 1); flag = flag.slice(0, eq); }
    if (flag === "--help" || flag === "-h") { process.stdout.write(HELP); process.exit(0); }
    if (flag === "--quiet") { options.quiet = true; continue; }
    if (!(flag in numeric) && !(flag in text)) usage(`unknown argument ${flag}`);
    if (value === undefined) {
      if (i + 1 >= argv.length) usage(`${flag} needs a value`);
      value = argv[++i];
    }
    if (flag in numeric) {
      const n = Number(value);
      if (!Number.isFinite(n)) usage(`${flag} must be a number, not ${value}`);
      options[numeric[flag]] = n;
    } else {
      options[text[flag]] = value;
    }
  }
  const between = (name, value, min, max, integer = true) => {
    if (value < min || value > max || (integer && !Number.isInteger(value))) usage(`${name} must be ${integer ? "an integer " : ""}from ${min} to ${max}`);
  };
  between("--users", options.users, 2, 10_000);
  between("--group-size", options.groupSize, 2, 500);
  if (options.groupSize > options.users) usage("--group-size must not exceed --users");
  between("--rate", options.rate, 0.1, 100_000, false);
  between("--seconds", options.seconds, 1, 3600, false);
  between("--warmup", options.warmup, 0, 600, false);
  between("--drain", options.drain, 0, 600, false);
  between("--setup-timeout", options.setupTimeout, 5, 3600, false);
  if (options.pid !== null) {
    options.pids = options.pid.split(",").map((p) => Number(p.trim()));
    if (options.pids.some((p) => !Number.isInteger(p) || p < 1)) usage("--pid must be process ids separated by commas");
  }
  if (!["signalr", "socketio"].includes(options.target)) usage("--target must be signalr or socketio");
  if (!["json", "messagepack"].includes(options.protocol)) usage("--protocol must be json or messagepack");
  if (options.protocol !== "json" && options.target !== "signalr") usage("--protocol messagepack needs --target signalr");
  if (!["auto", "yes", "no"].includes(options.selfCopies)) usage("--self-copies must be auto, yes or no");
  options.transportType = transportOf(options.transport);
  options.urls = options.url.split(",").map((u) => loopbackBase(u.trim()));
  options.url = options.urls.join(",");
  return options;
}

function usage(problem) {
  process.stderr.write(`load.js: ${problem}\n\n${HELP}`);
  process.exit(2);
}

function transportOf(name) {
  switch (name.toLowerCase()) {
    case "websockets": case "ws": return signalR.HttpTransportType.WebSockets;
    case "sse": case "serversentevents": return signalR.HttpTransportType.ServerSentEvents;
    case "longpolling": case "lp": return signalR.HttpTransportType.LongPolling;
    default: return usage(`--transport must be websockets, sse or longpolling, not ${name}`);
  }
}

/** The base URL without a trailing slash, when it names this machine's loopback interface; exits otherwise. */
function loopbackBase(raw) {
  let url;
  try { url = new URL(raw); } catch { return usage(`--url is not a URL: ${raw}`); }
  if (url.protocol !== "http:" && url.protocol !== "https:") usage("--url must be http or https");
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const loopback = host === "localhost" || host === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
  if (!loopback) usage(`--url must name a loopback address (127.x.x.x, ::1, localhost), not ${url.hostname}`);
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
}

// ---------------------------------------------------------------- small tools

const clock = () => performance.timeOrigin + performance.now(); // ms since the epoch, sub-millisecond
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
let quiet = false;
const say = (line) => { if (!quiet) process.stderr.write(`load: ${line}\n`); };

// The gateway refuses with "code: text" (docs/protocol.md); the client's Error carries that text.
const CODE = /\b(invalid|forbidden|not_found|conflict|rate_limited|unavailable|internal): /;

/** A short name for why a call failed: the protocol code when the server gave one, else what the client saw. */
function codeOf(error) {
  const message = String(error?.message ?? error);
  const coded = CODE.exec(message);
  if (coded) return coded[1];
  if (error?.timedOut) return "timeout";
  if (/not in the 'Connected' State|connection (was )?(closed|stopped|lost)|Invocation canceled|being closed|WebSocket closed|disconnected/i.test(message)) return "disconnected";
  if (/Status code '(\d+)'/.test(message)) return `http_${/Status code '(\d+)'/.exec(message)[1]}`;
  return "other";
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(Object.assign(new Error(`${what}: no answer within ${ms} ms`), { timedOut: true })), ms);
    }),
  ]);
}

/** Runs fn over items with at most `limit` running at once; answers the results in order. */
async function pooled(items, limit, fn) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

function percentile(sorted, p) {
  if (!sorted.length) return null;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

const round = (value, digits = 1) => (value === null || value === undefined ? null : Math.round(value * 10 ** digits) / 10 ** digits);

// ---------------------------------------------------------------- the server process(es) (--pid)

/** Reads /proc for the server's processes: RSS now and its high-water mark, CPU seconds; several are added up. */
class ServerProcesses {
  constructor(pids) {
    this.pids = pids;
    this.samples = 0;
    this.peakKb = 0;
    this.ticksPerSecond = 100;
    try { this.ticksPerSecond = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100; } catch { /* keep 100 */ }
  }

  /** { rssKb, hwmKb, each: [{ pid, rssKb, hwmKb }] }, or null when a process is gone. */
  status() {
    const each = [];
    for (const pid of this.pids) {
      let text;
      try { text = readFileSync(`/proc/${pid}/status`, "utf8"); } catch { return null; }
      const kb = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(text)?.[1] ?? NaN);
      each.push({ pid, rssKb: kb("VmRSS"), hwmKb: kb("VmHWM") });
    }
    const sum = (key) => each.reduce((total, e) => total + e[key], 0);
    return { rssKb: sum("rssKb"), hwmKb: sum("hwmKb"), each };
  }

  /** User + system CPU seconds of the processes so far, or null when one is gone. */
  cpuSeconds() {
    let total = 0;
    for (const pid of this.pids) {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" "); // fields from the 3rd (state) on
        total += (Number(fields[11]) + Number(fields[12])) / this.ticksPerSecond; // utime (14th), stime (15th)
      } catch {
        return null;
      }
    }
    return total;
  }

  sample() {
    const status = this.status();
    if (status && Number.isFinite(status.rssKb)) {
      this.samples++;
      this.peakKb = Math.max(this.peakKb, status.rssKb);
    }
    return status;
  }

  startSampling() {
    if (!this.status()) throw new Error(`--pid ${this.pids.join(",")}: no such process (or /proc/PID/status is not readable)`);
    this.sample();
    this.timer = setInterval(() => this.sample(), 1000);
    this.timer.unref();
  }

  stopSampling() {
    clearInterval(this.timer);
    return this.sample();
  }
}

// ---------------------------------------------------------------- sign-in and connections

async function postJson(url, body, headers = {}) {
  const response = await fetch(url, { method: "POST", headers: { "Content-Type": "application/json", ...headers }, body: JSON.stringify(body), signal: AbortSignal.timeout(30_000) });
  const text = await response.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  if (!response.ok) throw new Error(`POST ${new URL(url).pathname}: ${response.status} ${json?.error ?? text.slice(0, 200)}`);
  return json;
}

/** The gateway user `index` talks to: the users alternate over the --url list. */
const urlOf = (options, index) => options.urls[index % options.urls.length];

async function signIn(options, runId, index) {
  const url = urlOf(options, index);
  const displayName = `Load ${runId} ${index}`;
  if (options.apiKey) {
    // 401 here: the key is not one of the gateway's Auth:ApiKeys.
    return postJson(`${url}/api/auth/token`, { userId: `load-${runId}-${index}`, displayName, role: "user" }, { "X-Api-Key": options.apiKey });
  }
  return postJson(`${url}/api/auth/guest`, { displayName });
}

class LoadUser {
  constructor(index, userId, token) {
    this.index = index;
    this.userId = userId;
    this.token = token;
    this.group = null;
    this.seen = new Set();   // send indexes whose `message` this connection got (dedupe: pushes are at-least-once)
    this.closed = null;      // why the connection closed, when it did
  }
}

// ---------------------------------------------------------------- the run

class Run {
  constructor(options) {
    this.options = options;
    this.runId = randomBytes(4).toString("hex");
    this.users = [];
    this.groups = [];
    this.errors = {};          // code -> count, Send refusals and failures (measured sends only)
    this.events = {};          // server event name -> count (all connections, whole run)
    this.closedConnections = 0;
    this.selfCopies = options.selfCopies === "yes";
    this.unknownMessages = 0;  // `message` events not from this run (e.g. another run's offline queue)
    this.sends = [];           // send index -> { measured, user, sentAt, acked, others, self }
    this.duplicates = 0;       // pushes of a message this connection already had
  }

  count(table, code) { table[code] = (table[code] ?? 0) + 1; }

  async setUp() {
    const { options } = this;
    const started = clock();
    const deadline = started + options.setupTimeout * 1000;
    const remaining = () => Math.max(1000, deadline - clock());

    say(`run ${this.runId}: ${options.users} users (${options.apiKey ? "host tokens" : "guest sign-in"}) on ${options.url}, ${options.transport}, ${options.protocol}`);
    const indexes = Array.from({ length: options.users }, (_, i) => i);
    this.users = await pooled(indexes, 8, async (i) => {
      const issued = await withTimeout(signIn(options, this.runId, i), remaining(), "sign-in");
      return new LoadUser(i, issued.userId, issued.token);
    });

    // Loaded only when asked for, so a JSON run needs nothing beyond @microsoft/signalr.
    const MessagePack = options.protocol === "messagepack" ? (await import("@microsoft/signalr-protocol-msgpack")).MessagePackHubProtocol : null;
    await pooled(this.users, 8, async (user) => {
      const url = urlOf(options, user.index);
      const builder = new signalR.HubConnectionBuilder()
        .withUrl(`${url}/hubs/chat?device=load-${this.runId}`, { transport: options.transportType, accessTokenFactory: () => user.token })
        .configureLogging(signalR.LogLevel.None);
      if (MessagePack) builder.withHubProtocol(new MessagePack());
      const connection = options.target === "socketio" ? new SocketIoConnection(url, user.token) : builder.build();
      // The official client's defaults (ping every 15 s, server timeout 30 s), which the gateway's settings match.
      connection.on("message", (message) => this.onMessage(user, message));
      for (const name of ["unread", "presence", "typing", "read", "focus", "conversation", "recalled"]) {
        connection.on(name, () => this.count(this.events, name));
      }
      connection.onclose((error) => {
        if (this.tearingDown) return;
        this.closedConnections++;
        user.closed = String(error?.message ?? "closed");
      });
      user.connection = connection;
      await withTimeout(connection.start(), remaining(), "connect");
    });
    say(`${this.users.length} connections up after ${Math.round(clock() - started)} ms`);

    // Groups of G consecutive users; a remainder of 2 or more is one smaller group, a single leftover joins the last.
    const size = options.groupSize;
    for (let from = 0; from < this.users.length; from += size) {
      const members = this.users.slice(from, from + size);
      if (members.length === 1) { this.groups[this.groups.length - 1].members.push(members[0]); members[0].group = this.groups[this.groups.length - 1]; continue; }
      const group = { index: this.groups.length, members, id: null };
      for (const member of members) member.group = group;
      this.groups.push(group);
    }
    await pooled(this.groups, 4, async (group) => {
      const [owner, ...others] = group.members;
      const view = await withTimeout(owner.connection.invoke("CreateGroup", { title: `load ${this.runId} #${group.index}`, memberIds: others.map((u) => u.userId) }), remaining(), "CreateGroup");
      group.id = view.conversationId;
    });
    say(`${this.groups.length} groups of ${size}${this.groups.some((g) => g.members.length !== size) ? " (one of another size)" : ""} created`);

    await this.probe(remaining);
    say(`setup done in ${Math.round(clock() - started)} ms; the sender's own connection ${this.selfCopies ? "gets" : "does not get"} its messages back (${this.options.selfCopies === "auto" ? "probed" : "--self-copies"})`);
  }

  /**
   * One message per group from its owner before the run: checks that every member's connection gets pushes and,
   * with --self-copies auto, finds out whether the server pushes a message to its sender's connection too.
   */
  async probe(remaining) {
    this.probes = new Map(); // clientMsgId -> { group, seenBy: Set(userIndex) }
    await pooled(this.groups, 4, async (group) => {
      const clientMsgId = `${this.runId}-p${group.index}`;
      this.probes.set(clientMsgId, { group, seenBy: new Set() });
      await withTimeout(group.members[0].connection.invoke("Send", { conversationId: group.id, clientMsgId, kind: "text", text: `load ${this.runId} probe` }), remaining(), "probe Send");
    });
    const othersReached = () => [...this.probes.values()].every((p) => p.group.members.slice(1).every((u) => p.seenBy.has(u.index)));
    const ownersReached = () => [...this.probes.values()].every((p) => p.seenBy.has(p.group.members[0].index));
    const until = clock() + Math.min(remaining(), 30_000);
    while (!othersReached() && clock() < until) await sleep(20);
    if (!othersReached()) throw new Error("the probe messages did not reach every member within 30 s");
    if (this.options.selfCopies === "auto") {
      // The owners' copies (if any) travel the same way as the others' did: give them a second beyond that.
      const selfUntil = clock() + 1000;
      while (!ownersReached() && clock() < selfUntil) await sleep(20);
      const owners = [...this.probes.values()].filter((p) => p.seenBy.has(p.group.members[0].index)).length;
      if (owners !== 0 && owners !== this.probes.size) throw new Error(`only ${owners} of ${this.probes.size} group owners got their own probe back; pass --self-copies yes or no`);
      this.selfCopies = owners === this.probes.size;
    }
  }

  onMessage(user, message) {
    if (this.frozen) return;
    const at = clock();
    this.count(this.events, "message");
    // The group's own system messages ("created") are not sends of this run.
    if (message?.kind === "system") return;
    const cmid = message?.clientMsgId ?? "";
    if (!cmid.startsWith(`${this.runId}-`)) { this.unknownMessages++; return; }
    const tail = cmid.slice(this.runId.length + 1);
    if (tail.startsWith("p")) { this.probes?.get(cmid)?.seenBy.add(user.index); return; }
    const index = Number(tail);
    const record = this.sends[index];
    if (!record) { this.unknownMessages++; return; }
    if (user.seen.has(index)) { this.duplicates++; return; }
    user.seen.add(index);
    const self = message.senderId === user.userId;
    // The sender's clock, from the text: "load <run> <index> <sentAt ms>".
    const sentAt = Number(String(message.text ?? "").split(" ")[3]);
    const inWindow = at >= this.windowStart && at < this.windowEnd;
    if (inWindow) this.deliveredInWindow++;
    if (!record.measured) return;
    if (self) record.self++;
    else record.others++;
    // Delivered counts only messages whose Send was acknowledged (before or after this push), so it compares with
    // expected; pushes of sends that failed or got no ack are counted apart.
    if (record.acked) this.countDelivery(self, 1);
    if (Number.isFinite(sentAt) && (!self || this.selfCopies)) this.latencies.push(at - sentAt);
  }

  /** The open-loop schedule: send i is due at start + i / rate; overdue sends go out at once, never waiting for acks. */
  async drive() {
    const { options } = this;
    const interval = 1000 / options.rate;
    const warmupCount = Math.round(options.warmup * options.rate);
    const measuredCount = Math.round(options.seconds * options.rate);
    const total = warmupCount + measuredCount;
    this.sends = new Array(total);
    this.latencies = [];
    this.ackLatencies = [];
    this.sendLags = [];
    this.duplicates = 0;
    this.deliveredSelf = 0;
    this.deliveredOthers = 0;
    this.deliveredInWindow = 0;
    this.acked = 0;
    this.ackedInWindow = 0;
    this.expected = 0;
    this.outstanding = 0;
    const start = clock() + 50;
    this.windowStart = start + warmupCount * interval;
    this.windowEnd = this.windowStart + measuredCount * interval;
    const senders = this.users.filter((u) => u.group);
    say(`sending ${options.rate}/s: ${warmupCount} warm-up sends over ${options.warmup} s, then ${measuredCount} measured over ${options.seconds} s`);

    let next = 0;
    await new Promise((resolve) => {
      const tick = () => {
        const now = clock();
        if (this.windowStartedAt === undefined && now >= this.windowStart) this.markWindowStart();
        // At most 2000 per turn, so a late turn does not starve the receiving side for long.
        for (let burst = 0; next < total && start + next * interval <= now && burst < 2000; burst++, next++) {
          this.send(senders[next % senders.length], next, next >= warmupCount, start + next * interval);
        }
        if (next >= total) { resolve(); return; }
        const wait = start + next * interval - clock();
        if (wait > 1) setTimeout(tick, Math.min(wait, 50));
        else setImmediate(tick);
      };
      setTimeout(tick, 50);
    });
    if (this.windowStartedAt === undefined) this.markWindowStart();
    const untilWindowEnd = this.windowEnd - clock();
    if (untilWindowEnd > 0) await sleep(untilWindowEnd);
    this.markWindowEnd();
    this.lastSendAt = clock();

    // Drain: wait for every measured send's ack and every expected delivery, at most --drain seconds.
    const drainUntil = clock() + options.drain * 1000;
    const complete = () => this.outstanding === 0 && this.deliveredTotal() >= this.expected;
    while (!complete() && clock() < drainUntil) await sleep(25);
    // From here on nothing counts: stopping the connections rejects the calls still open, which are no_ack.
    this.frozen = true;
    this.drainedMs = clock() - this.lastSendAt;
    this.complete = complete();
    this.warmupCount = warmupCount;
    this.measuredCount = measuredCount;
  }

  markWindowStart() {
    this.clientCpuStart = process.cpuUsage();
    this.serverCpuStart = this.server?.cpuSeconds() ?? null;
    this.windowStartedAt = clock();
  }

  markWindowEnd() {
    this.clientCpu = process.cpuUsage(this.clientCpuStart);
    const serverCpu = this.server?.cpuSeconds();
    this.serverCpuSeconds = serverCpu !== null && serverCpu !== undefined && this.serverCpuStart !== null ? serverCpu - this.serverCpuStart : null;
    this.windowSeconds = (clock() - this.windowStartedAt) / 1000;
  }

  send(user, index, measured, due) {
    const sentAt = clock();
    const record = { measured, user, sentAt, acked: false, others: 0, self: 0 };
    this.sends[index] = record;
    if (measured) this.sendLags.push(sentAt - due);
    const clientMsgId = `${this.runId}-${index}`;
    if (user.closed) { if (measured) this.count(this.errors, "disconnected"); return; }
    if (measured) this.outstanding++;
    const conversationId = user.group.id;
    user.connection.invoke("Send", { conversationId, clientMsgId, kind: "text", text: `load ${this.runId} ${index} ${sentAt.toFixed(3)}` }).then(
      (ack) => {
        if (!measured || this.frozen) return;
        this.outstanding--;
        this.acked++;
        record.acked = true;
        this.countDelivery(false, record.others);
        this.countDelivery(true, record.self);
        const at = clock();
        if (at >= this.windowStart && at < this.windowEnd) this.ackedInWindow++;
        this.ackLatencies.push(at - sentAt);
        if (ack?.duplicate) this.count(this.errors, "duplicate_ack");
        // Deliveries an acknowledged send calls for: the other members, plus the sender when it gets copies.
        this.expected += user.group.members.length - 1 + (this.selfCopies ? 1 : 0);
      },
      (error) => {
        if (!measured || this.frozen) return;
        this.outstanding--;
        this.count(this.errors, codeOf(error));
      },
    );
  }

  countDelivery(self, n) {
    if (self) this.deliveredSelf += n;
    else this.deliveredOthers += n;
  }

  /** What "delivered" counts: the other members' copies, and the sender's own when the server is to send them. */
  deliveredTotal() {
    return this.deliveredOthers + (this.selfCopies ? this.deliveredSelf : 0);
  }

  async tearDown() {
    this.tearingDown = true;
    await Promise.all(this.users.map((u) => (u.connection ? u.connection.stop().catch(() => {}) : null)));
  }

  report() {
    const { options } = this;
    const sent = this.measuredCount;
    const errors = { ...this.errors };
    if (this.outstanding > 0) errors.no_ack = (errors.no_ack ?? 0) + this.outstanding;
    const latencies = Float64Array.from(this.latencies).sort();
    const acks = Float64Array.from(this.ackLatencies).sort();
    const lags = Float64Array.from(this.sendLags).sort();
    const delivered = this.deliveredTotal();
    let deliveredUnacked = 0;
    for (const record of this.sends) if (record?.measured && !record.acked) deliveredUnacked += record.others + record.self;
    const serverEnd = this.serverEnd;
    const mb = (kb) => (kb ? round(kb / 1024, 1) : null);
    return {
      label: options.label,
      run: this.runId,
      url: options.url,
      transport: options.transport,
      target: options.target,
      protocol: options.protocol,
      users: this.users.length,
      groups: this.groups.length,
      groupSize: options.groupSize,
      groupSizes: this.groups.map((g) => g.members.length),
      offeredPerSecond: options.rate,
      seconds: options.seconds,
      warmupSeconds: options.warmup,
      selfCopies: this.selfCopies,
      sent,
      acknowledged: this.acked,
      delivered,
      deliveredToOthers: this.deliveredOthers,
      deliveredToSender: this.deliveredSelf,
      deliveredUnacknowledged: deliveredUnacked,
      expected: this.expected,
      missing: Math.max(0, this.expected - delivered),
      duplicatePushes: this.duplicates,
      sentPerSecond: round(sent / this.windowSeconds),
      ackedPerSecond: round(this.ackedInWindow / this.windowSeconds),
      deliveredPerSecond: round(this.deliveredInWindow / this.windowSeconds),
      latencyMs: { p50: round(percentile(latencies, 50)), p90: round(percentile(latencies, 90)), p99: round(percentile(latencies, 99)), max: round(latencies.at(-1) ?? null) },
      ackLatencyMs: { p50: round(percentile(acks, 50)), p99: round(percentile(acks, 99)), max: round(acks.at(-1) ?? null) },
      sendLagMs: { p50: round(percentile(lags, 50), 2), p99: round(percentile(lags, 99), 2), max: round(lags.at(-1) ?? null, 2) },
      errors,
      errorCount: Object.values(errors).reduce((a, b) => a + b, 0),
      closedConnections: this.closedConnections,
      unknownMessages: this.unknownMessages,
      events: this.events,
      drainedMs: Math.round(this.drainedMs),
      complete: this.complete,
      windowSeconds: round(this.windowSeconds, 3),
      clientCpuSeconds: round((this.clientCpu.user + this.clientCpu.system) / 1e6, 2),
      server: this.server
        ? {
          pids: this.server.pids,
          rssMb: mb(serverEnd?.rssKb),
          rssPeakSampledMb: mb(this.server.peakKb),
          rssSamples: this.server.samples,
          rssMbEach: serverEnd?.each.map((e) => ({ pid: e.pid, rssMb: mb(e.rssKb), hwmMb: mb(e.hwmKb) })) ?? null,
          hwmMb: mb(serverEnd?.hwmKb),
          cpuSeconds: round(this.serverCpuSeconds, 2),
        }
        : null,
    };
  }
}

function table(result) {
  const uniform = result.groupSizes.every((n) => n === result.groupSize);
  const ms = (v) => (v === null || v === undefined ? "-" : `${v} ms`);
  const errors = Object.entries(result.errors).map(([code, n]) => `${code} ${n}`).join(", ") || "none";
  const rows = [
    ["target", `${result.url} (${result.transport}, ${result.protocol})${result.label ? `, ${result.label}` : ""}`],
    ["users / groups", `${result.users} users in ${result.groups} groups of ${uniform ? result.groupSize : result.groupSizes.join(", ")}; sender gets its own copy: ${result.selfCopies ? "yes" : "no"}`],
    ["offered", `${result.offeredPerSecond}/s for ${result.seconds} s (after ${result.warmupSeconds} s warm-up)`],
    ["sent", result.sent],
    ["acknowledged", `${result.acknowledged} (${result.ackedPerSecond}/s during the measured window)`],
    ["delivered", `${result.delivered} (to others ${result.deliveredToOthers}, to the sender ${result.deliveredToSender}${result.selfCopies ? "" : " not counted"}; of unacknowledged sends ${result.deliveredUnacknowledged}, not counted; ${result.duplicatePushes} duplicate pushes ignored)`],
    ["expected", `${result.expected} = acknowledged x ${uniform ? result.groupSize - 1 + (result.selfCopies ? 1 : 0) : `(its group's size${result.selfCopies ? "" : " - 1"})`}${result.missing ? `, ${result.missing} missing` : ""}`],
    ["delivered/s", `${result.deliveredPerSecond} (message events received during the measured window)`],
    ["end-to-end latency", `p50 ${ms(result.latencyMs.p50)}, p90 ${ms(result.latencyMs.p90)}, p99 ${ms(result.latencyMs.p99)}, max ${ms(result.latencyMs.max)}`],
    ["ack latency", `p50 ${ms(result.ackLatencyMs.p50)}, p99 ${ms(result.ackLatencyMs.p99)}, max ${ms(result.ackLatencyMs.max)}`],
    ["send lag (client)", `p50 ${ms(result.sendLagMs.p50)}, p99 ${ms(result.sendLagMs.p99)}, max ${ms(result.sendLagMs.max)}`],
    ["errors", errors],
    ["connections lost", result.closedConnections],
    ["drain", `${result.drainedMs} ms, ${result.complete ? "complete" : "INCOMPLETE (gave up)"}`],
    ["client CPU", `${result.clientCpuSeconds} s over ${result.windowSeconds} s`],
  ];
  if (result.server) {
    const each = result.server.pids.length > 1 ? ` (${result.server.rssMbEach?.map((e) => `${e.pid}: ${e.rssMb}`).join(", ")})` : "";
    rows.push(["server RSS", `${result.server.rssMb} MB at the end${each}, peak ${result.server.rssPeakSampledMb} MB sampled every second (VmHWM ${result.server.hwmMb} MB)`]);
    rows.push(["server CPU", `${result.server.cpuSeconds} s over the measured window`]);
  }
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join("\n");
}

// ---------------------------------------------------------------- main

async function main() {
  const options = parseArgs(process.argv.slice(2));
  quiet = options.quiet;
  const run = new Run(options);
  if (options.pid !== null) {
    run.server = new ServerProcesses(options.pids);
    run.server.startSampling();
  }
  // Bounded in time whatever happens: setup, warm-up, the run, the drain and a minute for the rest.
  const hardLimitMs = (options.setupTimeout + options.warmup + options.seconds + options.drain + 60) * 1000;
  const watchdog = setTimeout(() => { process.stderr.write(`load: still running after ${hardLimitMs / 1000} s: giving up\n`); process.exit(3); }, hardLimitMs);
  watchdog.unref();
  try {
    await run.setUp();
    await run.drive();
  } catch (error) {
    process.stderr.write(`load: ${String(error?.message ?? error)}\n`);
    await run.tearDown();
    process.exit(1);
  }
  if (run.server) run.serverEnd = run.server.stopSampling();
  await run.tearDown();
  const result = run.report();
  process.stdout.write(`${table(result)}\n${JSON.stringify(result)}\n`);
  process.exit(0);
}

main();
