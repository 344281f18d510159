#!/usr/bin/env node
// Prints bench/run.sh's one table from its results.jsonl (one load.js JSON line per target and rate, with `target`
// set, or { target, rate, failed: true }): a row per target, a column per offered rate, then the ratio rows.
// usage: node table.js results.jsonl
import { readFileSync } from "node:fs";

const rows = readFileSync(process.argv[2], "utf8").split("\n").filter(Boolean).map((line) => JSON.parse(line));
const rates = [...new Set(rows.map((r) => r.rate))];
const targets = [...new Set(rows.map((r) => r.target))];
const names = { ours: "ours, embedded (durable)", relay: "bare SignalR relay, stores nothing", socketio: "socket.io + Redis adapter, stores nothing" };
const find = (target, rate) => rows.find((r) => r.target === target && r.rate === rate);
const k = (v) => (v >= 1000 ? `${(v / 1000).toFixed(1)}k` : `${Math.round(v)}`);
const ms = (v) => (v === null || v === undefined ? "-" : v >= 1000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v)} ms`);

function cell(r) {
  if (!r || r.failed) return "FAILED";
  const acked = r.sent ? Math.round((100 * r.acknowledged) / r.sent) : 0;
  // A window much longer than asked means the generator itself fell behind the offered rate: it measured the client.
  const behind = r.windowSeconds > 1.2 * r.seconds ? ` (generator behind: ${Math.round(r.windowSeconds)} s window)` : "";
  return `${k(r.deliveredPerSecond)}/s, ${acked}% acked, p50 ${ms(r.latencyMs.p50)}, p99 ${ms(r.latencyMs.p99)}${behind}`;
}

function ratio(a, b) {
  if (!a || !b || a.failed || b.failed || !b.deliveredPerSecond) return "-";
  const p99 = a.latencyMs.p99 !== null && b.latencyMs.p99 ? ` (p99 ${(a.latencyMs.p99 / b.latencyMs.p99).toFixed(1)}x)` : "";
  return `${(a.deliveredPerSecond / b.deliveredPerSecond).toFixed(2)}x delivered/s${p99}`;
}

const out = [
  `| target | ${rates.map((r) => `${k(r)} sends/s offered`).join(" | ")} |`,
  `|---|${rates.map(() => "---").join("|")}|`,
  ...targets.map((t) => `| ${names[t] ?? t} | ${rates.map((r) => cell(find(t, r))).join(" | ")} |`),
];
for (const peer of ["relay", "socketio"]) {
  if (targets.includes("ours") && targets.includes(peer)) out.push(`| ours / ${peer} | ${rates.map((r) => ratio(find("ours", r), find(peer, r))).join(" | ")} |`);
}
process.stdout.write(`${out.join("\n")}\n`);
