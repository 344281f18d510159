// Child processes of the e2e tests (gateways, silos, nginx): each in its own process group, so SIGKILL takes the whole
// node down as a crash would (and reaches `dotnet run`'s child too), logging to test/e2e/artifacts/logs/, and killed
// at exit with the temporary directories registered here removed, whatever happens to the test run.
import { spawn } from "node:child_process";
import { closeSync, createWriteStream, openSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { artifactsDir, repoRoot } from "./paths.js";

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const running = new Set();
let serial = 0;

/** Starts a child process in its own process group, logs it, waits until readyUrl answers 200 (when given). */
export async function startProcess({ name, file, args, cwd = repoRoot, env = {}, readyUrl, startTimeoutMs = 90_000, stdioToFile = false, how = "" }) {
  mkdirSync(path.join(artifactsDir, "logs"), { recursive: true });
  const logPath = path.join(artifactsDir, "logs", `${name}-${process.pid}-${++serial}.log`);
  writeFileSync(logPath, `$ ${file} ${args.join(" ")}\n(cwd ${cwd}${how ? `, via ${how}` : ""})\n`);
  // stdioToFile: the log file itself is the child's stdout/stderr (nginx opens /dev/stdout, which fails on a socket).
  const fd = stdioToFile ? openSync(logPath, "a") : null;
  const log = stdioToFile ? { write() {}, end() {} } : createWriteStream(logPath, { flags: "a" });
  const child = spawn(file, args, {
    cwd,
    detached: true,
    stdio: stdioToFile ? ["ignore", fd, fd] : ["ignore", "pipe", "pipe"],
    env: { ...process.env, DOTNET_NOLOGO: "1", DOTNET_CLI_TELEMETRY_OPTOUT: "1", ...env },
  });
  if (fd !== null) closeSync(fd);
  let tail = "";
  const collect = (chunk) => {
    log.write(chunk);
    tail = (tail + chunk.toString()).slice(-6000);
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  let hasExited = false;
  let exitInfo = null;
  const exited = new Promise((resolve) => child.on("exit", (code, signal) => { exitInfo = { code, signal }; resolve(exitInfo); }));
  exited.then(() => { hasExited = true; log.end(); running.delete(node); });
  child.on("error", (error) => collect(`\n[spawn error] ${error.message}\n`));

  const node = {
    name, pid: child.pid, logPath,
    get exited() { return hasExited; },
    get exitInfo() { return exitInfo; },
    output: () => (stdioToFile ? readFileSync(logPath, "utf8").slice(-6000) : tail),
    async kill(signal = "SIGTERM") {
      if (hasExited) return;
      try { process.kill(-child.pid, signal); } catch { /* gone */ }
      const done = await Promise.race([exited.then(() => true), sleep(15_000).then(() => false)]);
      if (!done) {
        try { process.kill(-child.pid, "SIGKILL"); } catch { /* gone */ }
        await exited;
      }
    },
    stop() { return node.kill("SIGTERM"); },
  };
  running.add(node);

  if (readyUrl) {
    const deadline = Date.now() + startTimeoutMs;
    for (;;) {
      if (hasExited) throw new Error(`${name} exited (${JSON.stringify(exitInfo)}) before it was ready (log ${logPath}):\n${node.output()}`);
      try {
        const response = await fetch(readyUrl);
        if (response.ok) break;
      } catch { /* not listening yet */ }
      if (Date.now() > deadline) {
        await node.kill("SIGKILL");
        throw new Error(`${name} not ready at ${readyUrl} within ${startTimeoutMs} ms (log ${logPath}):\n${tail}`);
      }
      await sleep(200);
    }
  }
  return node;
}

const tempDirs = new Set(); // nginx prefixes and gateway data directories, removed at exit whatever happens

process.on("exit", () => {
  for (const node of running) {
    try { process.kill(-node.pid, "SIGKILL"); } catch { /* gone */ }
  }
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** Registers `dir` for removal at exit, so a run that fails midway leaves no temporary directory behind. */
export function removeAtExit(dir) {
  tempDirs.add(dir);
}

// Ctrl-C or a runner's SIGTERM still ends in the exit handler above.
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => process.exit(130));
}
