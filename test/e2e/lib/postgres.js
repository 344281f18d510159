// A throwaway PostgreSQL server for one test file, as test/Shared/PostgresServer.cs makes for the C# tests: initdb into
// a fresh directory under /tmp, pg_ctl start on a free loopback port (trust authentication, superuser "postgres",
// database "postgres"), immediate stop and removal at the end — also when the test process dies (exit handler), and
// servers orphaned by an earlier killed run are stopped on the next start. When running as root the tools run as user
// "postgres" (runuser), since the server refuses to run as root. Binaries: the newest /usr/lib/postgresql/*/bin
// (scripts/ensure-postgres.sh installs them). restart() stops the server and starts it again on the same port and data
// (a database restart under a running cluster).
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync, chmodSync } from "node:fs";
import path from "node:path";
import { freePort } from "./ports.js";

const INSTALL_ROOT = "/usr/lib/postgresql";
const ROOT_PREFIX = "imorleans-e2e-pg-";


function findBinDirectory() {
  const versions = existsSync(INSTALL_ROOT)
    ? readdirSync(INSTALL_ROOT)
      .filter((v) => existsSync(path.join(INSTALL_ROOT, v, "bin", "initdb")))
      .sort((a, b) => parseFloat(b) - parseFloat(a))
    : [];
  if (!versions.length) throw new Error(`PostgreSQL server binaries not found under ${INSTALL_ROOT}/*/bin; run scripts/ensure-postgres.sh`);
  return path.join(INSTALL_ROOT, versions[0], "bin");
}

const isRoot = () => typeof process.getuid === "function" && process.getuid() === 0;

function run(file, args, { allowFailure = false } = {}) {
  const result = spawnSync(file, args, { cwd: "/tmp", encoding: "utf8", timeout: 90_000 });
  const text = `${result.stdout || ""}${result.stderr || ""}`;
  if (!allowFailure && (result.status !== 0 || result.error)) {
    throw new Error(`${file} ${args.join(" ")} failed (${result.error?.message ?? `exit ${result.status}`}):\n${text}`);
  }
  return { ok: result.status === 0, text };
}

function tool(bin, asPostgres, name, args, options) {
  const file = path.join(bin, name);
  return asPostgres ? run("runuser", ["-u", "postgres", "--", file, ...args], options) : run(file, args, options);
}

/** tool() without blocking the event loop (a restart under traffic must not stall the test's own clients). */
function toolAsync(bin, asPostgres, name, args) {
  const file = path.join(bin, name);
  const [command, commandArgs] = asPostgres ? ["runuser", ["-u", "postgres", "--", file, ...args]] : [file, args];
  return new Promise((resolve) => {
    const child = spawn(command, commandArgs, { cwd: "/tmp", stdio: ["ignore", "pipe", "pipe"] });
    let text = "";
    child.stdout.on("data", (c) => { text += c; });
    child.stderr.on("data", (c) => { text += c; });
    child.on("error", (error) => resolve({ ok: false, text: `${text}${error.message}` }));
    child.on("exit", (code) => resolve({ ok: code === 0, text }));
  });
}

function stopIn(root, bin, asPostgres) {
  const data = path.join(root, "data");
  if (existsSync(path.join(data, "postmaster.pid"))) tool(bin, asPostgres, "pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"], { allowFailure: true });
  rmSync(root, { recursive: true, force: true });
}

function alive(pid) {
  try { process.kill(pid, 0); return true; } catch (e) { return e.code === "EPERM"; }
}

function cleanUpOrphans(bin, asPostgres) {
  for (const entry of readdirSync("/tmp")) {
    if (!entry.startsWith(ROOT_PREFIX)) continue;
    const root = path.join("/tmp", entry);
    try {
      const owner = parseInt(readFileSync(path.join(root, "owner.pid"), "utf8"), 10);
      if (Number.isInteger(owner) && !alive(owner)) stopIn(root, bin, asPostgres);
    } catch { /* not ours or half made */ }
  }
}

/** Starts a server; answers { port, connectionString, root, logFile, stop(), restart(), stopServer(), startServer(), query() }. */
export async function startPostgres() {
  const bin = findBinDirectory();
  const asPostgres = isRoot();
  cleanUpOrphans(bin, asPostgres);
  const root = path.join("/tmp", `${ROOT_PREFIX}${process.pid}-${Date.now().toString(36)}`);
  mkdirSync(path.join(root, "sockets"), { recursive: true });
  chmodSync(root, 0o755);
  writeFileSync(path.join(root, "owner.pid"), String(process.pid));
  const data = path.join(root, "data");
  const logFile = path.join(root, "server.log");
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    process.off("exit", stop);
    stopIn(root, bin, asPostgres);
  };
  process.on("exit", stop);
  try {
    if (asPostgres) run("chown", ["-R", "postgres", root]);
    tool(bin, asPostgres, "initdb", ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8", "--locale=C", "--no-instructions"]);
    let port;
    const startArgs = (p) => ["-D", data, "-l", logFile, "-w", "-t", "60", "-o",
      `-h 127.0.0.1 -p ${p} -k ${path.join(root, "sockets")} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400`, "start"];
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      const started = tool(bin, asPostgres, "pg_ctl", startArgs(port), { allowFailure: true });
      if (started.ok) break;
      if (attempt >= 3) throw new Error(`pg_ctl start failed:\n${started.text}\n${existsSync(logFile) ? readFileSync(logFile, "utf8") : ""}`);
    }
    const connectionString = `Host=127.0.0.1;Port=${port};Username=postgres;Database=postgres;Timeout=15`;
    /** Runs SQL with psql; answers the rows as arrays of strings (unaligned, tab-separated). */
    const query = (sql) => {
      const result = spawnSync(path.join(bin, "psql"), ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "-d", "postgres", "-X", "-q", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-c", sql],
        { cwd: "/tmp", encoding: "utf8", timeout: 30_000, maxBuffer: 64 * 1024 * 1024 });
      if (result.status !== 0) throw new Error(`psql failed: ${result.stderr || result.error?.message}`);
      return result.stdout.split("\n").filter((line) => line.length).map((line) => line.split("\t"));
    };
    /**
     * Stops the server and keeps its data (mode "fast" ends every session, "immediate" is a crash). Clients see
     * refused connections until startServer().
     */
    const stopServer = async (mode = "fast") => {
      const result = await toolAsync(bin, asPostgres, "pg_ctl", ["-D", data, "-m", mode, "-w", "-t", "60", "stop"]);
      if (!result.ok) throw new Error(`pg_ctl stop failed:\n${result.text}`);
    };
    /** Starts the stopped server again on the same port and data directory. */
    const startServer = async () => {
      for (let attempt = 1; ; attempt++) {
        const result = await toolAsync(bin, asPostgres, "pg_ctl", startArgs(port));
        if (result.ok) return;
        // The port is ours: another attempt only helps when the old postmaster was slow to let go of it.
        if (attempt >= 5) throw new Error(`pg_ctl start (restart) failed:\n${result.text}\n${existsSync(logFile) ? readFileSync(logFile, "utf8").slice(-3000) : ""}`);
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    };
    /** Stop, stay down for downMs, start again: a database restart under the cluster. Answers { downMs } actually spent down. */
    const restart = async ({ downMs = 0, mode = "fast" } = {}) => {
      const before = Date.now();
      await stopServer(mode);
      const stoppedAt = Date.now();
      if (downMs > 0) await new Promise((resolve) => setTimeout(resolve, downMs));
      await startServer();
      return { stopMs: stoppedAt - before, downMs: Date.now() - stoppedAt };
    };
    return { port, connectionString, root, logFile, bin, stop, stopServer, startServer, restart, query, log: () => (existsSync(logFile) ? readFileSync(logFile, "utf8") : "") };
  } catch (error) {
    stop();
    throw error;
  }
}
