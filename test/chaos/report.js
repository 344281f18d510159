// The harness's table: one section per scenario group, columns padded, every line a TAP comment ("# …") so the
// runner's output stays valid TAP. The same text is written to artifacts/chaos-<form>-<time>.txt for notes.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { mb } from "../e2e/lib/procstat.js";
import { fmtMs } from "./common.js";
import { OUTCOMES } from "./fuzz.js";

export function table(headers, rows) {
  const cells = [headers, ...rows].map((r) => r.map((c) => String(c ?? "")));
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => r[i]?.length ?? 0)));
  // Figures right-aligned, text left.
  const numeric = headers.map((_, i) => i > 0 && cells.slice(1).every((r) => /^[-+]?[\d.,/ ]*( MB| ms| s)?$|^-$|^\?$/.test(r[i] ?? "")));
  const line = (r) => r.map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join("  ").trimEnd();
  return [line(cells[0]), widths.map((w) => "-".repeat(w)).join("  "), ...cells.slice(1).map(line)];
}

const lat = (w) => (w && w.n ? `${fmtMs(w.p50)}/${fmtMs(w.p99)}` : "-");
const answersText = (answers) => Object.entries(answers ?? {}).map(([k, v]) => `${k}×${v}`).join(" ");
const delta = (a, b) => (a === null || a === undefined || b === null || b === undefined ? "?" : `${b - a >= 0 ? "+" : ""}${((b - a) / 1048576).toFixed(1)} MB`);

export function render(report) {
  const out = [];
  const h = (title) => { out.push(""); out.push(`== ${title}`); };
  out.push(`Im.Orleans chaos harness, ${report.form} form, seed ${report.seed}, ${new Date(report.startedAt).toISOString()}, took ${((report.endedAt - report.startedAt) / 1000).toFixed(0)} s`);

  if (report.fuzz) {
    const f = report.fuzz;
    h(`fuzzed hub frames (embedded gateway; probe deadline ${f.deadlineMs} ms, ${f.workers} connections in parallel, ${(f.ms / 1000).toFixed(1)} s)`);
    const rows = Object.entries(f.byCategory).map(([category, c]) => [category, c.frames, ...OUTCOMES.map((o) => c[o])]);
    rows.push(["total", f.total.frames, ...OUTCOMES.map((o) => f.total[o])]);
    out.push(...table(["category", "frames", ...OUTCOMES], rows));
    for (const [category, c] of Object.entries(f.byCategory)) {
      for (const s of c.samples) out.push(`  ${s.kind} in "${category}": ${s.frame} → ${s.answer}`);
    }
    const reasons = {};
    for (const c of Object.values(f.byCategory)) for (const [why, n] of Object.entries(c.closeReasons ?? {})) reasons[why] = (reasons[why] ?? 0) + n;
    if (Object.keys(reasons).length) {
      out.push("  closed by:");
      for (const [why, n] of Object.entries(reasons).sort((a, b) => b[1] - a[1])) out.push(`    ${String(n).padStart(6)}  ${why.slice(0, 140)}`);
    }
    if (f.total.rateLimited) out.push(`  of the coded answers, ${f.total.rateLimited} were rate_limited (the per-connection call limit)`);
    if (f.gatewayDeaths) out.push(`  the gateway died ${f.gatewayDeaths} time(s) and was restarted each time`);
  }

  if (report.tokens) {
    const t = report.tokens;
    h(`forged tokens: ${t.refused}/${t.tried} refused on all three doors (valid token: negotiate ${t.control.negotiate}, upgrade ${t.control.websocket}, REST ${t.control.rest})`);
    out.push(...table(["token", "negotiate", "websocket", "REST", "refused"], t.rows.map((r) => [r.name, r.negotiate, r.websocket, r.rest, r.refused ? "yes" : "NO"])));
  }

  if (report.access) {
    const a = report.access;
    h(`cross-user access: ${a.refused}/${a.tried} refused`);
    out.push(...table(["attempt", "refused", "answer"], a.rows.map((r) => [r.what, r.refused ? "yes" : "NO", r.answer])));
  }

  if (report.floods?.length) {
    h("floods (prober: another user's Send→ack p50/p99 ms, before → during)");
    out.push(...table(["flood", "calls", "s", "before", "during", "probe errs", "RSS before", "RSS peak", "RSS after", "alive"],
      report.floods.map((r) => [r.name, r.calls, (r.ms / 1000).toFixed(1), lat(r.before), lat(r.during), r.during?.errors ?? 0, mb(r.rssBefore), mb(r.rssPeak), mb(r.rssAfter), r.alive ? "yes" : "NO"])));
    for (const r of report.floods) {
      const extra = [r.note, r.rssSettled !== undefined ? `RSS ${mb(r.rssSettled)} after ${r.settleMs / 1000} s more (${delta(r.rssBefore, r.rssSettled)} over before)` : null, r.ids ? `${r.ids} ids asked` : null].filter(Boolean).join("; ");
      out.push(`  ${r.name}: ${answersText(r.answers)}${extra ? `; ${extra}` : ""}`);
    }
  }

  if (report.churn) {
    const c = report.churn;
    h(`connection churn: ${c.rounds} rounds × ${c.connections} connections (half closed properly, half dropped), ${(c.ms / 1000).toFixed(1)} s`);
    out.push(...table(["", "before", "right after", `after ${c.settleMs / 1000} s`], [
      ["gateway RSS", mb(c.rssBefore), mb(c.rssAfter), mb(c.rssSettled)],
      ["gateway open files", c.fdsBefore, c.fdsAfter, c.fdsSettled],
    ]));
    out.push(`  opened ${c.opened}, failed ${c.failed}${c.failed ? ` (${answersText(c.failures)})` : ""}; gateway alive: ${c.alive ? "yes" : "NO"}`);
  }

  if (report.connectionFlood) {
    const c = report.connectionFlood;
    h(`connection flood past the open-file limit (gateway limit ${c.fileLimit ?? "?"} open files; ${c.workers} client processes from ${c.addresses.join(", ")})`);
    out.push(...table(["", "value"], [
      ["connections attempted", c.attempted],
      ["held open at the peak", c.peakOpen],
      [c.aliveDuring ? "refused (by answer)" : "refused (by answer) before the gateway died", answersText(c.refusals) || "0"],
      ["gateway open files at the peak", c.peakFds ?? "?"],
      ["gateway RSS before → peak", `${mb(c.rssBefore)} → ${mb(c.rssPeak)}`],
      ["gateway alive during / after", `${c.aliveDuring ? "yes" : "NO"} / ${c.aliveAfter ? "yes" : "NO"}${c.lastWords ? ` (its last line: ${c.lastWords})` : ""}`],
      ["fresh client during the flood", c.freshDuring],
      ["fresh client after the flood", c.freshAfter],
      ["took", `${(c.ms / 1000).toFixed(0)} s`],
    ]));
  }

  if (report.faults?.length) {
    h("faults under steady traffic (cluster: 2 silos, 2 gateways, PostgreSQL, nginx; Sends retried by clientMsgId)");
    out.push(...table(["fault", "sent", "acked", "lost", "stored twice", "seq gaps", "unread wrong", "retried", "longest ack gap ms", "Send errors", "MarkRead errors"],
      report.faults.map((r) => [r.name, r.sent, r.acked, r.lost, r.storedTwice, r.seqGaps, `${r.unreadWrong}/${r.unreadChecked}`, r.retried, r.longestGapMs, answersText(r.errors), answersText(r.readErrors)])));
    for (const r of report.faults) if (r.note) out.push(`  ${r.name}: ${r.note}`);
  }

  if (report.failures?.length) {
    h("scenarios that did not finish");
    for (const f of report.failures) out.push(`  ${f}`);
  }
  return out;
}

export function printReport(report, artifactsDir) {
  const lines = render(report);
  for (const line of lines) console.log(line.length ? `# ${line}` : "#");
  mkdirSync(artifactsDir, { recursive: true });
  const form = report.form.replace(/[^\w.]+/g, "-");
  const file = path.join(artifactsDir, `chaos-${form}-${new Date(report.startedAt).toISOString().replace(/[:.]/g, "-")}.txt`);
  writeFileSync(file, `${lines.join("\n")}\n`);
  writeFileSync(path.join(artifactsDir, `chaos-${form}-latest.json`), JSON.stringify(report, null, 2));
  console.log(`# report written to ${file}`);
  return file;
}
