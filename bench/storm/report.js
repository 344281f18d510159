// The storm's figures from the workers' final reports, and the table printed before the JSON line.

function percentileTime(times, share) {
  // times: seconds from ready, null for a member that never got there; the time by which `share` of all were there.
  const reached = times.filter((t) => t !== null).sort((a, b) => a - b);
  const need = Math.max(1, Math.ceil(share * times.length));
  return reached.length >= need ? Math.round(reached[need - 1] * 100) / 100 : null;
}

function merge(into, counts) {
  for (const [k, v] of Object.entries(counts ?? {})) into[k] = (into[k] ?? 0) + v;
  return into;
}

export function summarize(finals, readyAt, killedAt) {
  const since = (at) => (at === null ? null : (at - readyAt) / 1000);
  const reconnected = finals.flatMap((f) => f.reconnectedAt.map(since));
  const synced = finals.flatMap((f) => f.syncedAt.map(since));
  const done = finals.flatMap((f) => f.doneAt.map(since));
  const total = (key) => finals.reduce((t, f) => t + f[key], 0);
  const refusalsOutage = {}, refusalsAfterReady = {}, attempts = {}, losses = {}, errors = {}, closedForGood = {};
  for (const f of finals) {
    merge(refusalsOutage, f.refusals.outage);
    merge(refusalsAfterReady, f.refusals.afterReady);
    merge(attempts, f.attempts);
    merge(losses, f.losses);
    merge(errors, f.errors);
    merge(closedForGood, f.closedForGood);
  }
  const at = (times) => ({ p50: percentileTime(times, 0.5), p90: percentileTime(times, 0.9), p99: percentileTime(times, 0.99), p100: percentileTime(times, 1) });
  return {
    members: total("members"),
    reconnectedSeconds: at(reconnected),
    syncedSeconds: at(synced),
    doneSeconds: at(done),
    // A member back before /health/ready answered has a negative time: the hub may take connections a moment earlier.
    earliestReconnectSeconds: Math.min(...reconnected.filter((t) => t !== null)),
    neverBack: reconnected.filter((t) => t === null).length,
    neverSynced: synced.filter((t) => t === null).length,
    ackedBeforeKill: total("ackedBeforeKill"),
    ackedTotal: total("ackedTotal"),
    missingAtSync: total("missingAtSync"),
    lost: total("lost"),
    duplicatesStored: total("duplicatesStored"),
    gaps: total("gaps"),
    conflicts: total("conflicts"),
    unchecked: total("unchecked"),
    duplicatePushes: total("duplicatePushes"),
    duplicatePushesBeforeKill: total("duplicatePushesBeforeKill"),
    resentDuplicates: total("resentDuplicates"),
    pendingLeft: total("pendingLeft"),
    reconnects: total("reconnects"),
    attempts,
    refusals: { duringOutage: refusalsOutage, afterReady: refusalsAfterReady },
    losses,
    errors,
    closedForGood,
    errorSamples: finals.flatMap((f) => f.samples).slice(0, 5),
    killToReadySeconds: Math.round((readyAt - killedAt) / 100) / 10,
  };
}

export function table(r) {
  const s = (v) => (v === null || v === undefined ? "never" : `${v} s`);
  const times = (t) => `50% ${s(t.p50)}, 90% ${s(t.p90)}, 99% ${s(t.p99)}, 100% ${s(t.p100)}`;
  const counts = (c) => Object.entries(c).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(", ") || "none";
  const rows = [
    ["users", `${r.members} in ${r.groups} groups of ${r.groupSize} (${r.groupsFailed} failed), ${r.workers} worker processes, ${r.addresses} source addresses`],
    ["before the kill", `${r.connected} connected in ${round(r.connectSeconds)} s; gateway RSS ${r.beforeKill.rssMb} MB; ${r.ackedBeforeKill} messages acked (senders ${r.senderFraction} of each group, ${r.messages} each, then a trickle of ${r.trickle}/s)`],
    ["outage", `SIGKILL to /health/ready ${r.killToReadySeconds} s (restart ${round(r.restartSeconds)} s); ${r.outageMessages} message per sender written meanwhile`],
    ["reconnected", `${times(r.reconnectedSeconds)} after ready (earliest ${round(r.earliestReconnectSeconds)} s); never: ${r.neverBack}`],
    ["synced", `${times(r.syncedSeconds)}; never: ${r.neverSynced}`],
    ["done", `${times(r.doneSeconds)} (synced and every waiting message acked; ${r.pendingLeft} left)`],
    ["attempts", `${counts(r.attempts)}; reconnects ${r.reconnects}`],
    ["refused, outage", counts(r.refusals.duringOutage)],
    ["refused, after ready", counts(r.refusals.afterReady)],
    ["connections lost", counts(r.losses)],
    ["closed for good", `${counts(r.closedForGood)} (allowReconnect: false, the client's reconnect stops; reconnected by hand)`],
    ["failed calls", `${counts(r.errors)} (retried: CreateGroup and the sends before the kill until --setup-timeout, a Send after the reconnect, Sync until it answers)`],
    ["lost", `${r.lost} (acked messages missing from a member's full log; ${r.missingAtSync} missing at its first Sync; ${r.unchecked} unchecked)`],
    ["duplicates", `${r.duplicatesStored} stored twice, ${r.gaps} seq gaps, ${r.conflicts} seq conflicts; repeated pushes (allowed) ${r.duplicatePushesBeforeKill} before the kill, ${r.duplicatePushes} after; ${r.resentDuplicates} resends already stored`],
    ["gateway", `peak RSS ${r.server.peakRssMbAfterRestart} MB after the restart (sampled), ${r.server.rssMbAtEnd} MB at the end; CPU ${r.server.cpuSecondsStartup} s to ready, ${r.server.cpuSecondsStorm} s over the ${r.server.stormSeconds} s storm`],
    ["load average", `${r.loadAverageStart} at the start, ${r.loadAverageEnd} at the end`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join("\n");
}

const round = (v, d = 1) => (v === null || v === undefined || !Number.isFinite(v) ? null : Math.round(v * 10 ** d) / 10 ** d);
