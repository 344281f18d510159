#!/usr/bin/env node
// Prints bench/scale.sh's table from its results.jsonl (one load.js JSON line per configuration and repeat, with
// config, rep, cpuCores and loadavg added): a row per configuration with medians over the repeats, then the ratios.
// usage: node scale-table.js results.jsonl QUOTA
import { readFileSync } from "node:fs";

const rows = readFileSync(process.argv[2], "utf8").split("\n").filter(Boolean).map((line) => JSON.parse(line));
const quota = process.argv[3] ?? "?";
const configs = [...new Set(rows.map((r) => r.config))];
const median = (values) => {
  const v = values.filter((x) => x !== null && x !== undefined && Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return null;
  return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
};
const k = (v) => (v === null ? "-" : v >= 1000 ? `${(v / 1000).toFixed(2)}k` : `${Math.round(v)}`);
const ms = (v) => (v === null ? "-" : v >= 1000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v)} ms`);
const name = (config) => {
  const quotaRow = /^silos(\d+)-q(\d+)$/.exec(config);
  if (quotaRow) return `${quotaRow[1]} silo${quotaRow[1] === "1" ? "" : "s"} at ${quotaRow[2]}% of a core each + 2 gateways`;
  if (config === "cluster2-full") return "2 silos + 2 gateways, no quota";
  if (config === "embedded") return "embedded default (1 process)";
  return config;
};

const summary = new Map();
for (const config of configs) {
  const runs = rows.filter((r) => r.config === config);
  const cpuNames = [...new Set(runs.flatMap((r) => Object.keys(r.cpuCores ?? {})))];
  summary.set(config, {
    runs: runs.length,
    offered: runs[0].offeredPerSecond,
    delivered: median(runs.map((r) => r.deliveredPerSecond)),
    each: runs.map((r) => k(r.deliveredPerSecond)).join(" / "),
    acked: median(runs.map((r) => (r.sent ? (100 * r.acknowledged) / r.sent : 0))),
    p50: median(runs.map((r) => r.latencyMs.p50)),
    p99: median(runs.map((r) => r.latencyMs.p99)),
    cpu: cpuNames.map((n) => `${n} ${median(runs.map((r) => r.cpuCores?.[n])).toFixed(2)}`).join(", "),
    load: runs.map((r) => r.loadavg?.[0]).join(" / "),
  });
}

const out = [
  "| configuration | offered sends/s | delivered/s (median; each run) | acked | p50 | p99 | CPU in the window, cores (median) | load average at the window's start |",
  "|---|---|---|---|---|---|---|---|",
  ...[...summary].map(([config, s]) => `| ${name(config)} | ${k(s.offered)} | ${k(s.delivered)} (${s.each}) | ${Math.round(s.acked)}% | ${ms(s.p50)} | ${ms(s.p99)} | ${s.cpu} | ${s.load} |`),
];
const ratio = (a, b, text) => {
  const x = summary.get(a), y = summary.get(b);
  if (x && y && x.delivered && y.delivered) out.push(`| ${text} | | ${(x.delivered / y.delivered).toFixed(2)}x | | | | | |`);
};
ratio(`silos2-q${quota}`, `silos1-q${quota}`, `scale-out: 2 silos ÷ 1 silo at ${quota}% (target ≥ 1.6x)`);
ratio("cluster2-full", "embedded", "cluster ÷ embedded (target ≥ 1x)");
process.stdout.write(`${out.join("\n")}\n`);
