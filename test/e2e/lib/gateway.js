// Starts the real gateway (src/Gateway) as a separate process on a free loopback port with a fresh data directory,
// waits for /health/ready, and kills it at the end. Every test file gets its own gateways; nothing is shared.
import { spawn } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { randomBytes } from "node:crypto";
import { freePort } from "./ports.js";

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, "../../..");
export const artifactsDir = path.join(repoRoot, "test/e2e/artifacts");
// E2E_GATEWAY_RUN=1 forces `dotnet run --no-build` even when the dll is there.
const gatewayDll = path.join(repoRoot, "src/Gateway/bin/Release/net10.0/Im.Orleans.Gateway.dll");
const webRoot = path.join(repoRoot, "src/Gateway/wwwroot");

/** The HS256 key every test gateway signs with, so tests can forge bad and expired tokens. */
export const SIGNING_KEY = randomBytes(32);
/** The host-system API key for POST /api/auth/token. */
export const API_KEY = `e2e-${randomBytes(12).toString("hex")}`;

const running = new Set();
let serial = 0;


function command() {
  if (existsSync(gatewayDll) && process.env.E2E_GATEWAY_RUN !== "1") return { file: "dotnet", args: [gatewayDll], cwd: path.dirname(gatewayDll), how: "dll" };
  return { file: "dotnet", args: ["run", "--project", "src/Gateway", "-c", "Release", "--no-build", "--"], cwd: repoRoot, how: "dotnet run" };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts a gateway. options.dataDir reuses a data directory and options.port a port (restart after a crash, so
 * connected clients find it again); options.config adds
 * configuration as "Key=value" command-line entries (e.g. "RateLimit:Send:Burst=1000").
 */
export async function startGateway(options = {}) {
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), "im-e2e-data-"));
  const ownsDataDir = options.dataDir === undefined;
  const port = options.port ?? await freePort(); // a restart may take the crashed gateway's port back
  const url = `http://127.0.0.1:${port}`;
  const { file, args, cwd, how } = command();
  const config = [
    `Data:Directory=${dataDir}`,
    `Auth:SigningKey=${SIGNING_KEY.toString("base64")}`,
    `Auth:ApiKeys:0=${API_KEY}`,
    ...(options.config || []),
  ];
  const fullArgs = [...args, "--urls", url, ...(options.sourceWebRoot === false ? [] : [`--webroot=${webRoot}`]), ...config.map((c) => `--${c}`)];

  mkdirSync(path.join(artifactsDir, "logs"), { recursive: true });
  const name = options.name || "gateway";
  const logPath = path.join(artifactsDir, "logs", `${name}-${process.pid}-${++serial}.log`);
  const log = createWriteStream(logPath);
  log.write(`$ ${file} ${fullArgs.join(" ")}\n(cwd ${cwd}, via ${how})\n`);

  const child = spawn(file, fullArgs, {
    cwd,
    detached: true, // own process group: a kill reaches `dotnet run`'s child too
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, DOTNET_NOLOGO: "1", DOTNET_CLI_TELEMETRY_OPTOUT: "1", Logging__LogLevel__Default: process.env.E2E_LOG_LEVEL || "Warning" },
  });
  let tail = "";
  const collect = (chunk) => {
    log.write(chunk);
    tail = (tail + chunk.toString()).slice(-4000);
  };
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  const exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  let hasExited = false;
  exited.then(() => { hasExited = true; log.end(); running.delete(gateway); });

  const gateway = {
    url, port, dataDir, pid: child.pid, logPath,
    /** Sends a signal to the gateway's process group (SIGKILL = crash) and waits for it to end. */
    async kill(signal = "SIGTERM") {
      if (hasExited) return;
      try { process.kill(-child.pid, signal); } catch { /* already gone */ }
      const done = await Promise.race([exited.then(() => true), sleep(15000).then(() => false)]);
      if (!done) {
        try { process.kill(-child.pid, "SIGKILL"); } catch { /* already gone */ }
        await exited;
      }
    },
    /** Stops the gateway and removes its data directory when this helper made it. */
    async stop() {
      await gateway.kill("SIGTERM");
      if (ownsDataDir && !options.keepData) rmSync(dataDir, { recursive: true, force: true });
    },
    get exited() { return hasExited; },
    output: () => tail,
  };
  running.add(gateway);

  const deadline = Date.now() + (options.startTimeoutMs ?? 90000);
  for (;;) {
    if (hasExited) throw new Error(`gateway exited before it was ready (log ${logPath}):\n${tail}`);
    try {
      const response = await fetch(`${url}/health/ready`);
      if (response.ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      await gateway.kill("SIGKILL");
      throw new Error(`gateway not ready within the time limit (log ${logPath}):\n${tail}`);
    }
    await sleep(200);
  }
  return gateway;
}

// Never leave a gateway behind, whatever way the test process ends.
process.on("exit", () => {
  for (const g of running) {
    try { process.kill(-g.pid, "SIGKILL"); } catch { /* gone */ }
  }
});
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => process.exit(130));
}
