// Forged and broken tokens against every door that takes one: the hub's negotiate (Authorization: Bearer), the
// WebSocket upgrade (?access_token=, as browsers send it) and a REST endpoint (GET /api/files/{id}). Each must be
// refused with 401 (a token too large for a request header may be refused earlier, 431 or 414); a valid token is the
// control (negotiate 200, upgrade 101, the file 404).
import { createHmac, randomBytes } from "node:crypto";
import { SIGNING_KEY } from "../e2e/lib/gateway.js";
import { forgeToken, uid } from "../e2e/lib/chat.js";
import { RawHub } from "./rawhub.js";

const b64url = (value) => Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64url");
const sign = (unsigned, key = SIGNING_KEY) => createHmac("sha256", key).update(unsigned).digest("base64url");

/** A JWT from any header and payload, signed HS256 with `key` (or given a fixed signature). */
function jwt(header, payload, { key = SIGNING_KEY, signature } = {}) {
  const unsigned = `${b64url(header)}.${b64url(payload)}`;
  return `${unsigned}.${signature ?? sign(unsigned, key)}`;
}

/** [name, token] pairs: every one must be refused. */
export function forgedTokens(victim) {
  const now = Math.floor(Date.now() / 1000);
  const claims = { sub: victim, name: victim, role: "user", iss: "im-orleans", aud: "im-orleans", iat: now, nbf: now - 60, exp: now + 3600 };
  const valid = forgeToken({ sub: victim });
  const [h, , s] = valid.split(".");
  return [
    ["wrong signature (another key)", forgeToken({ sub: victim, key: randomBytes(32) })],
    ["signature of another token", `${h}.${b64url({ ...claims, sub: uid("other") })}.${s}`],
    ["alg none, no signature", jwt({ alg: "none", typ: "JWT" }, claims, { signature: "" })],
    ["alg none, original signature", jwt({ alg: "none", typ: "JWT" }, claims, { signature: s })],
    ["alg NONE (upper case), no signature", jwt({ alg: "NONE", typ: "JWT" }, claims, { signature: "" })],
    ["expired an hour ago", forgeToken({ sub: victim, iat: now - 7200, nbf: now - 7200, exp: now - 3600 })],
    ["not valid for another hour (nbf)", forgeToken({ sub: victim, nbf: now + 3600, exp: now + 7200 })],
    ["other issuer", forgeToken({ sub: victim, iss: "evil" })],
    ["other audience", forgeToken({ sub: victim, aud: "someone-else" })],
    ["no issuer or audience", jwt({ alg: "HS256", typ: "JWT" }, { sub: victim, name: victim, role: "user", iat: now, nbf: now - 60, exp: now + 3600 })],
    ["missing sub", jwt({ alg: "HS256", typ: "JWT" }, { ...claims, sub: undefined })],
    ["empty sub", jwt({ alg: "HS256", typ: "JWT" }, { ...claims, sub: "" })],
    ["sub that is no user id ('a:b c')", jwt({ alg: "HS256", typ: "JWT" }, { ...claims, sub: "a:b c" })],
    ["role that does not exist ('root')", jwt({ alg: "HS256", typ: "JWT" }, { ...claims, role: "root" })],
    ["tampered payload (sub changed, old signature)", `${h}.${b64url({ ...claims, sub: "someone-else" })}.${s}`],
    ["tampered payload (role operator, old signature)", `${h}.${b64url({ ...claims, role: "operator" })}.${s}`],
    ["tampered payload (exp extended, old signature)", `${h}.${b64url({ ...claims, exp: now + 10 * 365 * 86400 })}.${s}`],
    ["truncated signature", valid.slice(0, -5)],
    ["garbage", "garbage"],
    ["three dots of garbage", `${randomBytes(12).toString("base64url")}.${randomBytes(30).toString("base64url")}.${randomBytes(32).toString("base64url")}`],
    ["header only", `${h}.`],
    ["empty", ""],
    ["JSON instead of a JWT", JSON.stringify(claims)],
    ["JWE-shaped (5 parts)", `${h}.a.b.c.d`],
    ["very long (60 KB)", `${h}.${"A".repeat(60_000)}.${s}`],
  ];
}

async function statusOf(promise) {
  try {
    const response = await promise;
    await response.arrayBuffer().catch(() => {});
    return response.status;
  } catch (error) {
    return `error ${String(error?.cause?.code ?? error?.message ?? error).slice(0, 40)}`;
  }
}

/** The three doors for one token: { negotiate, websocket, rest } as HTTP statuses (101 for an accepted upgrade). */
export async function tryToken(base, token) {
  const auth = token === null ? {} : { Authorization: `Bearer ${token}` };
  const negotiate = await statusOf(fetch(`${base}/hubs/chat/negotiate?negotiateVersion=1`, { method: "POST", headers: auth }));
  let websocket;
  const hub = new RawHub(base, token);
  try {
    await hub.open();
    websocket = 101;
  } catch (error) {
    websocket = error.status ?? `error ${String(error.message).slice(0, 40)}`;
  } finally {
    hub.close();
  }
  const rest = await statusOf(fetch(`${base}/api/files/${randomBytes(16).toString("hex")}`, { headers: auth }));
  return { negotiate, websocket, rest };
}

// 401, or a request the server refuses before it reads the token at all (a 60 KB token: 431 / 414).
const REFUSED = new Set([401, 400, 413, 414, 431]);
const refusedEverywhere = (a) => [a.negotiate, a.websocket, a.rest].every((s) => REFUSED.has(s));

export async function runTokens(ctx) {
  const victim = ctx.userId;
  const control = await tryToken(ctx.gateway().url, ctx.token);
  const rows = [];
  for (const [name, token] of forgedTokens(victim)) {
    const answer = await tryToken(ctx.gateway().url, token);
    rows.push({ name, ...answer, refused: refusedEverywhere(answer) });
  }
  const noToken = await tryToken(ctx.gateway().url, null);
  rows.push({ name: "no token at all", ...noToken, refused: refusedEverywhere(noToken) });
  return { control, rows, refused: rows.filter((r) => r.refused).length, tried: rows.length };
}
