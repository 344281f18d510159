// A multi-process cluster on loopback for end-to-end tests: a throwaway PostgreSQL, N silos (src/Silo), M gateways
// (src/Gateway in cluster mode) and nginx in front (lib/nginx.js). Every process is an ordinary child in its own
// process group (lib/processes.js). Clients reach the gateways through nginx, pinned to one by the im_gw cookie
// (lib/pinning.js).
//
//   const cluster = await startCluster({ silos: 2, gateways: 2 });
//   const client = await connectPinned(cluster, user, transport, "gw1");
//   await cluster.killNode("silo1");          // SIGKILL
//   await cluster.startSilo("silo3");         // a new silo joins
//   await cluster.restartGateway("gw1");      // same port, so nginx finds it again
//   await cluster.stop();
import { existsSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { repoRoot, startGateway } from "./gateway.js";
import { sleep } from "./chat.js";
import { startNginx } from "./nginx.js";
import { freePort } from "./ports.js";
import { startPostgres } from "./postgres.js";
import { removeAtExit, startProcess } from "./processes.js";

export const siloDll = path.join(repoRoot, "src/Silo/bin/Release/net10.0/Im.Orleans.Silo.dll");

const logLevel = () => process.env.E2E_LOG_LEVEL || "Warning";

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

    async startSilo(name, { httpPort, tcpPort, gatewayPort } = {}) {
      httpPort ??= await freePort();
      tcpPort ??= await freePort();
      gatewayPort ??= await freePort();
      const url = `http://127.0.0.1:${httpPort}`;
      const node = await startProcess({
        name,
        file: "dotnet",
        args: [siloDll, "--urls", url, `--Cluster:ConnectionString=${pg.connectionString}`, `--Cluster:ClusterId=${clusterId}`,
          `--Cluster:Port=${tcpPort}`, `--Cluster:GatewayPort=${gatewayPort}`, "--Cluster:AdvertisedHost=127.0.0.1", "--Cluster:ListenHost=127.0.0.1", ...siloConfig.map((c) => `--${c}`)],
        cwd: path.dirname(siloDll),
        env: { Logging__LogLevel__Default: logLevel() },
        readyUrl: `${url}/health/ready`,
      });
      nodes.set(name, { kind: "silo", node, url, httpPort, tcpPort, gatewayPort, startedAt: Date.now() });
      log(`${name} ready (pid ${node.pid}, http ${httpPort}, tcp ${tcpPort}, gateway ${gatewayPort})`);
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
      removeAtExit(node.dataDir);
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
