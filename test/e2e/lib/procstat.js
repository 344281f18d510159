// What a child process uses, read from /proc (Linux): resident memory, open file descriptors, the open-file limit.
// For reports on a server under load (a gateway's memory before and after a flood); answers null when the process is
// gone or /proc cannot be read.
import { readFileSync, readdirSync } from "node:fs";

function status(pid) {
  try { return readFileSync(`/proc/${pid}/status`, "utf8"); } catch { return null; }
}

/** Resident memory (VmRSS) of one process in bytes. */
export function rssBytes(pid) {
  const kb = /^VmRSS:\s+(\d+) kB/m.exec(status(pid) ?? "")?.[1];
  return kb === undefined ? null : Number(kb) * 1024;
}

/** The processes of a process group (a child started by lib/processes.js leads its own group). */
export function groupMembers(pgid) {
  const members = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // pid (comm) state ppid pgrp ...: comm may hold spaces and parentheses, so count from the last ')'.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) === pgid) members.push(Number(entry));
    } catch { /* ended meanwhile */ }
  }
  return members;
}

/**
 * The resident memory of the server a group runs: its largest member (`dotnet x.dll` is the leader itself; under
 * `dotnet run` the app is a child of the leader).
 */
export function serverRssBytes(pgid) {
  const sizes = groupMembers(pgid).map(rssBytes).filter((n) => n !== null);
  return sizes.length ? Math.max(...sizes) : rssBytes(pgid);
}

/** The group member with the most resident memory (the server process itself), or pgid. */
export function serverPid(pgid) {
  let best = pgid, bestRss = -1;
  for (const pid of groupMembers(pgid)) {
    const rss = rssBytes(pid) ?? -1;
    if (rss > bestRss) { best = pid; bestRss = rss; }
  }
  return best;
}

/** How many file descriptors the process holds open. */
export function openFiles(pid) {
  try { return readdirSync(`/proc/${pid}/fd`).length; } catch { return null; }
}

/** The soft "Max open files" limit of a process. */
export function openFileLimit(pid) {
  try {
    const limits = readFileSync(`/proc/${pid}/limits`, "utf8");
    const soft = /^Max open files\s+(\S+)/m.exec(limits)?.[1];
    return soft === undefined || soft === "unlimited" ? null : Number(soft);
  } catch { return null; }
}

/** Bytes as "123.4 MB" for reports. */
export const mb = (bytes) => (bytes === null || bytes === undefined || Number.isNaN(bytes) ? "?" : `${(bytes / 1048576).toFixed(1)} MB`);
