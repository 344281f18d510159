// One client process of the connection flood (connflood.js starts several, each from its own loopback source
// address, since one address reaches a port only from ~28k ephemeral ports and one process may hold only so many
// files). Opens raw hub WebSockets (token forged with the test signing key, handshake done) up to `count`, keeps them
// open (pinging every 10 s), and writes what happened to `statusFile` every second until it is killed.
import { createHmac } from "node:crypto";
import { writeFileSync } from "node:fs";
import { RawHub, RS } from "./rawhub.js";

const job = JSON.parse(process.env.CHAOS_CONNFLOOD);
const key = Buffer.from(job.signingKey, "base64");
const b64 = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
function token(sub) {
  const now = Math.floor(Date.now() / 1000);
  const unsigned = `${b64({ alg: "HS256", typ: "JWT" })}.${b64({ sub, name: sub, role: "user", iss: "im-orleans", aud: "im-orleans", iat: now, nbf: now - 60, exp: now + 7200 })}`;
  return `${unsigned}.${createHmac("sha256", key).update(unsigned).digest("base64url")}`;
}
const tokens = Array.from({ length: job.users }, (_, i) => token(`${job.userPrefix}${i}`));

const status = { address: job.localAddress, attempted: 0, open: 0, peakOpen: 0, refused: {}, closedByServer: {}, done: false };
const hubs = [];
const note = (map, key) => { map[key] = (map[key] ?? 0) + 1; };
const write = () => { try { writeFileSync(job.statusFile, JSON.stringify(status)); } catch { /* parent gone */ } };
setInterval(write, 1000);
// Each held connection pings as a real client does (every 15 s; the server drops a client silent for 30 s).
setInterval(() => { for (const hub of hubs) if (hub.isOpen) { try { hub.sendText(`{"type":6}${RS}`); } catch { /* closing */ } } }, 10_000);

async function one(i) {
  status.attempted++;
  const hub = new RawHub(job.url, tokens[i % tokens.length], { localAddress: job.localAddress, handshakeTimeoutMs: 30_000 });
  try {
    await hub.open();
    status.open++;
    status.peakOpen = Math.max(status.peakOpen, status.open);
    hubs.push(hub);
    hub.ws.on("close", (code) => { status.open--; note(status.closedByServer, hub.closeMessage?.error ? `close message: ${hub.closeMessage.error.slice(0, 60)}` : `WebSocket ${code}`); });
  } catch (error) {
    note(status.refused, error.status ? `HTTP ${error.status}` : error.timedOut ? "handshake timeout" : String(error.code ?? error.message).slice(0, 60));
  }
}

let next = 0;
await Promise.all(Array.from({ length: job.parallel }, async () => {
  while (next < job.count) await one(next++);
}));
status.done = true;
write();
setInterval(() => {}, 1 << 30); // hold the connections until the parent ends this process
