// A multi-process cluster on loopback for end-to-end tests: a throwaway PostgreSQL, N silos (src/Silo), M gateways
// (src/Gateway in cluster mode) and nginx in front, rendered from docker/nginx.conf.template. Every process is an
// ordinary child in its own process group (so SIGKILL takes the whole node down, as a crash would), logging to
// test/e2e/artifacts/logs/. Clients reach the gateways through nginx, pinned to one by the im_gw cookie.
//
//   const cluster = await startCluster({ silos: 2, gateways: 2 });
//   const client = await connectPinned(cluster, user, transport, "gw1");
//   await cluster.killNode("silo1");          // SIGKILL
//   await cluster.startSilo("silo3");         // a new silo joins
//   await cluster.restartGateway("gw1");      // same port, so nginx finds it again
//   await cluster.stop();
import { spawn } from "node:child_process";
import { chmodSync, closeSync, createWriteStream, openSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { artifactsDir, repoRoot, startGateway } from "./gateway.js";
import { ChatClient, signalR, sleep } from "./chat.js";
import { freePort } from "./ports.js";
import { startPostgres } from "./postgres.js";

export const siloDll = path.join(repoRoot, "src/Silo/bin/Release/net10.0/Im.Orleans.Silo.dll");
export const nginxTemplate = path.join(repoRoot, "docker/nginx.conf.template");
export const AFFINITY_COOKIE = "im_gw";

const logLevel = () => process.env.E2E_LOG_LEVEL || "Warning";
const running = new Set(); // processes started here (silos, nginx); gateways are tracked by gateway.js
let serial = 0;

/** Starts a child process in its own process group, logs it, waits until readyUrl answers 200 (when given). */
async function startProcess({ name, file, args, cwd = repoRoot, env = {}, readyUrl, startTimeoutMs = 90_000, stdioToFile = false }) {
  mkdirSync(path.join(artifactsDir, "logs"), { recursive: true });
  const logPath = path.join(artifactsDir, "logs", `${name}-${process.pid}-${++serial}.log`);
  writeFileSync(logPath, `$ ${file} ${args.join(" ")}\n(cwd ${cwd})\n`);
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

/** The nginx binary (scripts/ensure-nginx.sh installs it when missing). */
function nginxBinary() {
  for (const candidate of ["/usr/sbin/nginx", "/usr/bin/nginx", "/usr/local/sbin/nginx"]) if (existsSync(candidate)) return candidate;
  const ensure = path.join(repoRoot, "scripts/ensure-nginx.sh");
  if (existsSync(ensure)) return null; // caller runs the script
  throw new Error("no nginx binary; install nginx (apt-get install -y nginx-light)");
}

async function ensureNginx() {
  const found = nginxBinary();
  if (found) return found;
  const child = spawn(path.join(repoRoot, "scripts/ensure-nginx.sh"), [], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (c) => { out += c; });
  child.stderr.on("data", (c) => { out += c; });
  const code = await new Promise((resolve) => child.on("exit", resolve));
  const binary = out.trim().split("\n").pop();
  if (code !== 0 || !existsSync(binary)) throw new Error(`scripts/ensure-nginx.sh failed (${code}):\n${out}`);
  return binary;
}

/** Renders docker/nginx.conf.template: only ${LISTEN_PORT}, ${GATEWAY_1}, ${GATEWAY_2} are replaced (envsubst with a list). */
export function renderNginxConfig(values) {
  if (!existsSync(nginxTemplate)) throw new Error(`${nginxTemplate} does not exist yet`);
  let text = readFileSync(nginxTemplate, "utf8");
  for (const [key, value] of Object.entries(values)) text = text.split(`\${${key}}`).join(String(value));
  const left = /\$\{(LISTEN_PORT|GATEWAY_\d)\}/.exec(text);
  if (left) throw new Error(`nginx template placeholder ${left[0]} has no value`);
  return text;
}

/** Starts nginx in front of the gateways from the template, as scripts/cluster.sh runs it. */
async function startNginx({ port, gateways }) {
  const binary = await ensureNginx();
  const prefix = mkdtempSync(path.join(tmpdir(), "im-e2e-nginx-"));
  tempDirs.add(prefix);
  chmodSync(prefix, 0o755); // workers run as nobody when the master is root: they need the temp paths below it
  const config = renderNginxConfig({ LISTEN_PORT: `127.0.0.1:${port}`, GATEWAY_1: gateways[0], GATEWAY_2: gateways[1] ?? gateways[0] });
  writeFileSync(path.join(prefix, "nginx.conf"), config);
  const args = ["-p", `${prefix}/`, "-c", path.join(prefix, "nginx.conf"), "-e", "stderr"];
  if (!/^\s*daemon\s/m.test(config)) args.push("-g", "daemon off;");
  const node = await startProcess({ name: "nginx", file: binary, args, cwd: prefix, readyUrl: null, stdioToFile: true });
  const deadline = Date.now() + 15_000;
  for (;;) {
    let problem = null;
    if (node.exited) problem = `nginx exited before it was listening (log ${node.logPath}):\n${node.output()}`;
    else {
      try {
        await fetch(`http://127.0.0.1:${port}/lb/health`);
        break;
      } catch { /* not yet */ }
      if (Date.now() > deadline) problem = `nginx not listening on ${port} (log ${node.logPath}):\n${node.output()}`;
    }
    if (problem) {
      await node.kill("SIGKILL");
      rmSync(prefix, { recursive: true, force: true });
      throw new Error(problem);
    }
    await sleep(100);
  }
  const stop = node.stop;
  node.stop = async () => { await stop(); rmSync(prefix, { recursive: true, force: true }); };
  node.prefix = prefix;
  return node;
}

/**
 * Starts PostgreSQL, `silos` silos (the first alone, so it creates the schema), `gateways` gateways and nginx.
 * options.gatewayConfig / options.siloConfig add "Key=value" configuration entries.
 */
export async function startCluster({ silos = 2, gateways = 2, gatewayConfig = [], siloConfig = [], log = () => {} } = {}) {
  if (!existsSync(siloDll)) throw new Error(`${siloDll} is missing: build src/Silo (dotnet build Im.Orleans.sln -c Release)`);
  const started = Date.now();
  const pg = await startPostgres();
  const clusterId = `e2e-${randomBytes(6).toString("hex")}`;
  const nodes = new Map(); // name -> { kind, node, url, httpPort, tcpPort }
  const dataDirs = [];

  const cluster = {
    clusterId, pg, nodes, url: null,
    /** The gateway's direct URL (not through nginx). */
    gatewayUrl: (name) => nodes.get(name)?.url,
    names: (kind) => [...nodes.entries()].filter(([, n]) => kind === undefined || n.kind === kind).map(([name]) => name),
    alive: (kind) => cluster.names(kind).filter((name) => !nodes.get(name).node.exited),

    async startSilo(name, { httpPort, tcpPort } = {}) {
      httpPort ??= await freePort();
      tcpPort ??= await freePort();
      const url = `http://127.0.0.1:${httpPort}`;
      const node = await startProcess({
        name,
        file: "dotnet",
        args: [siloDll, "--urls", url, `--Cluster:ConnectionString=${pg.connectionString}`, `--Cluster:ClusterId=${clusterId}`,
          `--Cluster:Port=${tcpPort}`, "--Cluster:AdvertisedHost=127.0.0.1", "--Cluster:ListenHost=127.0.0.1", ...siloConfig.map((c) => `--${c}`)],
        cwd: path.dirname(siloDll),
        env: { Logging__LogLevel__Default: logLevel() },
        readyUrl: `${url}/health/ready`,
      });
      nodes.set(name, { kind: "silo", node, url, httpPort, tcpPort, startedAt: Date.now() });
      log(`${name} ready (pid ${node.pid}, http ${httpPort}, tcp ${tcpPort})`);
      return node;
    },

    async startGateway(name, { port, dataDir } = {}) {
      const node = await startGateway({
        name,
        port,
        dataDir,
        keepData: true,
        // As scripts/cluster.sh runs them: accounts and uploaded files in the cluster's PostgreSQL too, and each gateway
        // with a data directory of its own (none is shared; a restart reuses the gateway's own).
        config: [`Cluster:ConnectionString=${pg.connectionString}`, `Storage:Postgres:ConnectionString=${pg.connectionString}`,
          `Cluster:ClusterId=${clusterId}`, `Gateway:Name=${name}`,
          "RateLimit:Send:PerSecond=1000", "RateLimit:Send:Burst=1000",
          // One line per change of the active silos (low volume), so a report can tell when connections were refreshed.
          "Logging:LogLevel:Im.Orleans.Gateway.Hubs.ConnectionRefreshService=Information", ...gatewayConfig],
      });
      if (!dataDirs.includes(node.dataDir)) dataDirs.push(node.dataDir);
      tempDirs.add(node.dataDir);
      nodes.set(name, { kind: "gateway", node, url: node.url, httpPort: node.port, startedAt: Date.now() });
      log(`${name} ready (pid ${node.pid}, http ${node.port})`);
      return node;
    },

    /** A silo's /health/ready report ({ status, member, database, activeSilos }), or { status: "down" }. */
    async siloReport(name) {
      try {
        const response = await fetch(`${nodes.get(name).url}/health/ready`, { signal: AbortSignal.timeout(2000) });
        return await response.json();
      } catch (error) {
        return { status: "down", error: String(error?.message ?? error) };
      }
    },

    /** Waits until every live silo's view holds `count` active silos; answers the ms it took. */
    async waitForActiveSilos(count, timeoutMs = 30_000) {
      const started = Date.now();
      for (;;) {
        const reports = await Promise.all(cluster.alive("silo").map((name) => cluster.siloReport(name)));
        if (reports.length && reports.every((r) => r.activeSilos === count)) return Date.now() - started;
        if (Date.now() - started > timeoutMs) throw new Error(`silo views did not reach ${count} active silos within ${timeoutMs} ms: ${JSON.stringify(reports)}`);
        await sleep(100);
      }
    },

    /** Restarts a (killed) gateway on its old port and data directory, so nginx's upstream finds it again. */
    async restartGateway(name) {
      const old = nodes.get(name);
      if (!old.node.exited) await old.node.kill("SIGKILL");
      return cluster.startGateway(name, { port: old.httpPort, dataDir: old.node.dataDir });
    },

    /** SIGKILLs a node's whole process group (a crash) and waits for it to end; answers the time of the kill. */
    async killNode(name, signal = "SIGKILL") {
      const entry = nodes.get(name);
      if (!entry) throw new Error(`no node ${name}`);
      const at = Date.now();
      await entry.node.kill(signal);
      entry.killedAt = at;
      log(`${name} ${signal} (pid ${entry.node.pid})`);
      return at;
    },

    /** The last lines of a node's log matching a pattern (for reports). */
    logExcerpt(name, pattern = /fail|error|exception|warn|crit/i, lines = 20) {
      const entry = nodes.get(name);
      if (!entry) return "";
      const file = entry.node.logPath;
      const text = existsSync(file) ? readFileSync(file, "utf8") : "";
      return text.split("\n").filter((l) => pattern.test(l)).slice(-lines).join("\n");
    },

    logPaths: () => Object.fromEntries([...nodes.entries()].map(([name, n]) => [name, n.node.logPath])),

    async stop() {
      const all = [...nodes.values()];
      await Promise.all(all.filter((n) => n.kind === "nginx").map((n) => n.node.stop().catch(() => {})));
      await Promise.all(all.filter((n) => n.kind === "gateway").map((n) => n.node.kill("SIGKILL").catch(() => {})));
      await Promise.all(all.filter((n) => n.kind === "silo").map((n) => n.node.kill("SIGKILL").catch(() => {})));
      for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
      pg.stop();
    },
  };

  try {
    if (silos > 0) await cluster.startSilo("silo1"); // alone first: it creates the schema
    await Promise.all(Array.from({ length: Math.max(0, silos - 1) }, (_, i) => cluster.startSilo(`silo${i + 2}`)));
    const gatewayNames = Array.from({ length: gateways }, (_, i) => `gw${i + 1}`);
    await Promise.all(gatewayNames.map((name) => cluster.startGateway(name)));
    await cluster.waitForActiveSilos(silos);
    const lbPort = await freePort();
    const nginx = await startNginx({ port: lbPort, gateways: gatewayNames.map((n) => `127.0.0.1:${nodes.get(n).httpPort}`) });
    nodes.set("nginx", { kind: "nginx", node: nginx, url: `http://127.0.0.1:${lbPort}`, httpPort: lbPort });
    cluster.url = `http://127.0.0.1:${lbPort}`;
    log(`cluster ${clusterId} up in ${Date.now() - started} ms: ${cluster.names().join(", ")}; nginx at ${cluster.url}`);
    return cluster;
  } catch (error) {
    await cluster.stop();
    throw error;
  }
}

// ---------------------------------------------------------------- clients pinned to a gateway

/**
 * A SignalR connection through nginx whose cookie jar starts with im_gw=<gateway>, as a browser that was served by
 * that gateway before. The official Node client keeps cookies itself (a tough-cookie jar inside its fetch client,
 * also sent on the WebSocket and SSE requests), so when nginx falls back to the other gateway, that gateway's
 * Set-Cookie replaces the pin and the client stays there — exactly what a browser does.
 * Reconnects automatically (every 0.5–2 s for up to options.reconnectForMs, default 60 s).
 */
export async function connectPinned(cluster, user, transport, gateway, { name, reconnectForMs = 60_000 } = {}) {
  const httpClient = new signalR.DefaultHttpClient(signalR.NullLogger.instance);
  const jar = httpClient._httpClient?._jar;
  const httpOptions = { httpClient };
  if (jar) jar.setCookieSync(`${AFFINITY_COOKIE}=${gateway}; Path=/`, cluster.url);
  else httpOptions.headers = { Cookie: `${AFFINITY_COOKIE}=${gateway}` };
  const reconnect = { nextRetryDelayInMilliseconds: (ctx) => (ctx.elapsedMilliseconds < reconnectForMs ? Math.min(2000, 250 * (ctx.previousRetryCount + 1)) : null) };
  const client = new ChatClient(cluster.url, user.token, transport, { name: name ?? `${user.userId}@${gateway}`, reconnect, httpOptions });
  client.pinned = gateway;
  client.user = user;
  client.reconnects = [];
  client.connection.onreconnecting(() => { client.reconnects.push({ lostAt: Date.now() }); });
  client.connection.onreconnected(() => { const r = client.reconnects[client.reconnects.length - 1]; if (r) r.backAt = Date.now(); });
  /** The gateway named by the client's im_gw cookie now (who served it last). */
  client.cookieGateway = () => {
    if (!jar) return null;
    const cookie = jar.getCookiesSync(cluster.url).find((c) => c.key === AFFINITY_COOKIE);
    return cookie?.value ?? null;
  };
  /** Starts the connection again if automatic reconnect gave up. */
  client.ensureConnected = async () => {
    const state = client.connection.state;
    if (state === signalR.HubConnectionState.Connected || state === signalR.HubConnectionState.Reconnecting || state === signalR.HubConnectionState.Connecting) return;
    if (!client.restarting) {
      client.restarting = client.connection.start().finally(() => { client.restarting = null; });
    }
    await client.restarting.catch(() => {});
  };
  await client.connection.start();
  return client;
}
