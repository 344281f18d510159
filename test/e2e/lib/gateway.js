// Starts the real gateway (src/Gateway) as a separate process on a free loopback port with a fresh data directory,
// waits for /health/ready, and kills it at the end. Every test file gets its own gateways; nothing is shared.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { freePort } from "./ports.js";
import { artifactsDir, repoRoot } from "./paths.js";
import { startProcess } from "./processes.js";

export { artifactsDir, repoRoot };
// E2E_GATEWAY_RUN=1 forces `dotnet run --no-build` even when the dll is there.
const gatewayDll = path.join(repoRoot, "src/Gateway/bin/Release/net10.0/Im.Orleans.Gateway.dll");
const webRoot = path.join(repoRoot, "src/Gateway/wwwroot");

/** The HS256 key every test gateway signs with, so tests can forge bad and expired tokens. */
export const SIGNING_KEY = randomBytes(32);
/** The host-system API key for POST /api/auth/token. */
export const API_KEY = `e2e-${randomBytes(12).toString("hex")}`;

function command() {
  if (existsSync(gatewayDll) && process.env.E2E_GATEWAY_RUN !== "1") return { file: "dotnet", args: [gatewayDll], cwd: path.dirname(gatewayDll), how: "dll" };
  return { file: "dotnet", args: ["run", "--project", "src/Gateway", "-c", "Release", "--no-build", "--"], cwd: repoRoot, how: "dotnet run" };
}

/**
 * Starts a gateway. options.dataDir reuses a data directory and options.port a port (restart after a crash, so
 * connected clients find it again); options.shippedSignInBudgets keeps the shipped guest/register budgets; options.config adds
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
    // Tests sign in many users from loopback; the per-address budgets are tested in test/Gateway.Tests
    // (options.shippedSignInBudgets keeps the shipped ones, for a harness that floods them).
    ...(options.shippedSignInBudgets ? [] : [
      "RateLimit:Guest:Burst=1000000", "RateLimit:Guest:PerMinute=1000000",
      "RateLimit:Register:Burst=1000000", "RateLimit:Register:PerMinute=1000000",
    ]),
    ...(options.config || []),
  ];
  const fullArgs = [...args, "--urls", url, ...(options.sourceWebRoot === false ? [] : [`--webroot=${webRoot}`]), ...config.map((c) => `--${c}`)];
  const node = await startProcess({
    name: options.name || "gateway", file, args: fullArgs, cwd, how,
    env: { Logging__LogLevel__Default: process.env.E2E_LOG_LEVEL || "Warning" },
    readyUrl: `${url}/health/ready`, startTimeoutMs: options.startTimeoutMs ?? 90_000,
  });

  const gateway = {
    url, port, dataDir, pid: node.pid, logPath: node.logPath,
    /** Sends a signal to the gateway's process group (SIGKILL = crash) and waits for it to end. */
    kill: (signal = "SIGTERM") => node.kill(signal),
    /** Stops the gateway and removes its data directory when this helper made it. */
    async stop() {
      await node.kill("SIGTERM");
      if (ownsDataDir && !options.keepData) rmSync(dataDir, { recursive: true, force: true });
    },
    get exited() { return node.exited; },
    output: node.output,
  };
  return gateway;
}
