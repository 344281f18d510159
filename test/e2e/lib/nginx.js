// nginx in front of the cluster's gateways, rendered from docker/nginx.conf.template as scripts/cluster.sh runs it.
import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { repoRoot } from "./paths.js";
import { sleep } from "./chat.js";
import { removeAtExit, startProcess } from "./processes.js";

export const nginxTemplate = path.join(repoRoot, "docker/nginx.conf.template");

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
export async function startNginx({ port, gateways }) {
  const binary = await ensureNginx();
  const prefix = mkdtempSync(path.join(tmpdir(), "im-e2e-nginx-"));
  removeAtExit(prefix);
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
