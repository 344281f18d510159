// The fault and abuse harness: `node harness.js --short` (the default; part of ./test.sh) or `--long`. Abuse runs
// against one embedded gateway, faults against a cluster (2 silos, 2 gateways, PostgreSQL, nginx). Every asserted
// property is one node:test `it`, so the TAP summary counts them; the figures are printed as a table at the end
// (TAP comments) and written to test/chaos/artifacts/. Options: --seed=N (the fuzz frames), --only=fuzz,tokens,…
// (a subset of the groups: fuzz tokens access floods churn connflood faults), --scale=F (counts × F), --faults=gw,silo,pg
// (the faults to strike, in order).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startGateway } from "../e2e/lib/gateway.js";
import { ChatClient, makeUsers, signalR } from "../e2e/lib/chat.js";
import { removeAtExit } from "../e2e/lib/processes.js";
import { mb } from "../e2e/lib/procstat.js";
import { Prober, seededRandom } from "./common.js";
import { makeFrames, runFuzz } from "./fuzz.js";
import { runTokens } from "./tokens.js";
import { runAccess } from "./access.js";
import { guestFlood, historyRefusalFlood, sendFlood, typingFlood, unknownIdFlood, wrongPasswordFlood } from "./floods.js";
import { runChurn } from "./churn.js";
import { runConnectionFlood } from "./connflood.js";
import { runFaults } from "./faults.js";
import { printReport } from "./report.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const option = (name) => argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1];
const LONG = argv.includes("--long");
const SEED = Number(option("seed") ?? Date.now() % 1_000_000);
const ONLY = option("only")?.split(",");
const runs = (group) => !ONLY || ONLY.includes(group);

/** What each form does. The short form is part of ./test.sh (1.5–3 minutes on 2 cores, as busy as the machine is). */
const FORMS = {
  short: {
    fuzzPerCategory: 8, fuzzWorkers: 8,
    unknownIds: 50_000, unknownIdLanes: 4,
    floods: null,
    churn: { rounds: 5, connections: 60 },
    connectionFlood: null,
    faults: { kills: ["gw", "silo"], users: 8 },
  },
  long: {
    fuzzPerCategory: 910, fuzzWorkers: 32, // ≈ 10,000 frames
    unknownIds: 200_000, unknownIdLanes: 6,
    floods: { historyCalls: 3000, typingMembers: 50, typingCalls: 1000, sendMs: 10_000, guestRequests: 2000, loginRequests: 300 },
    churn: { rounds: 20, connections: 200 },
    connectionFlood: { target: 24_000, workers: 4 },
    faults: { kills: ["gw", "silo", "pg", "gw", "silo", "pg", "gw", "silo", "pg"], users: 12 },
  },
};
const FORM = LONG ? "long" : "short";
// --scale=F multiplies the counts of the chosen form (a reduced long form: --long --scale=0.25); the fault list stays.
const SCALE = Number(option("scale") ?? 1);
const scaled = (value, key) => (typeof value === "number" && !/Workers|Lanes|workers|Members|members|users/.test(key) ? Math.max(1, Math.round(value * SCALE))
  : value && typeof value === "object" && !Array.isArray(value) ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scaled(v, k)])) : value);
const SIZE = scaled(FORMS[FORM], "");
// --faults=gw,silo,pg replaces the form's list of faults.
if (option("faults")) SIZE.faults = { ...SIZE.faults, kills: option("faults").split(",") };
/** The bound on the gateway's growth after the unknown-id flood (the defect it guards against grew it by about 1 GB). */
const RSS_BOUND = 150 * 1024 * 1024;

const report = { form: SCALE === 1 ? FORM : `${FORM} ×${SCALE}`, seed: SEED, startedAt: Date.now(), failures: [] };
const say = (line) => console.log(`# ${line}`);

/** A scenario run once, on first use by any of the assertions that read its figures. */
function once(name, fn) {
  let promise = null;
  return () => {
    promise ??= fn().catch((error) => {
      report.failures.push(`${name}: ${String(error?.stack ?? error).split("\n").slice(0, 3).join(" | ")}`);
      throw error;
    });
    return promise;
  };
}

after(() => {
  report.endedAt = Date.now();
  printReport(report, path.join(here, "artifacts"));
});

const ABUSE = ["fuzz", "tokens", "access", "floods", "churn", "connflood"];

describe(`abuse (embedded gateway, ${FORM} form, seed ${SEED})`, { timeout: LONG ? 3_600_000 : 900_000, skip: !ABUSE.some(runs) }, () => {
  const config = ["Logging:LogLevel:Default=Information"]; // as shipped (appsettings.json): what an operator's log would hold
  let gateway;
  let restarting = null;
  let crashes = 0;
  const ctx = { gateway: () => gateway, deaths: () => crashes };
  ctx.restartGateway = () => {
    restarting ??= (async () => {
      crashes++;
      say(`gateway died (${JSON.stringify(gateway.exited)}); restarting it on port ${gateway.port}`);
      gateway = await startGateway({ name: "chaos-gateway", port: gateway.port, dataDir: gateway.dataDir, config, shippedSignInBudgets: true });
    })().finally(() => { restarting = null; });
    return restarting;
  };

  before(async () => {
    gateway = await startGateway({ name: "chaos-gateway", config, shippedSignInBudgets: true });
    removeAtExit(gateway.dataDir);
    // The fuzz's users: one per connection, plus one for fresh-connection probes and one to own their group (the
    // conversation the frames name, so a frame from a member reaches past the membership check).
    const users = await makeUsers(gateway.url, SIZE.fuzzWorkers + 2, "fz");
    const [owner, probe, ...workers] = users;
    Object.assign(ctx, { token: owner.token, userId: owner.userId, probeToken: probe.token, tokens: workers.map((u) => u.token) });
    const client = await ChatClient.connect(gateway.url, owner.token, signalR.HttpTransportType.WebSockets, { name: "setup" });
    ctx.conversationId = (await client.invoke("CreateGroup", { title: "fuzz", memberIds: workers.map((u) => u.userId) })).conversationId;
    await client.stop();
    ctx.prober = await Prober.start(gateway.url);
    say(`embedded gateway ${gateway.url} (pid ${gateway.pid}, log ${gateway.logPath})`);
  });

  after(async () => {
    await ctx.prober?.stop();
    await gateway?.stop();
  });

  const fuzz = once("fuzz", async () => {
    const rng = seededRandom(SEED);
    const frames = makeFrames(rng, ctx, SIZE.fuzzPerCategory);
    report.fuzz = await runFuzz(ctx, { frames, workers: SIZE.fuzzWorkers });
    return report.fuzz;
  });
  const tokens = once("tokens", async () => (report.tokens = await runTokens(ctx)));
  const access = once("access", async () => (report.access = await runAccess(ctx)));
  const unknownIds = once("unknown-id flood", async () => {
    const row = await unknownIdFlood(ctx, { ids: SIZE.unknownIds, lanes: SIZE.unknownIdLanes, maxMs: LONG ? 600_000 : 90_000 });
    (report.floods ??= []).push(row);
    return row;
  });
  const floods = once("floods", async () => {
    const f = SIZE.floods;
    report.floods ??= [];
    report.floods.push(await historyRefusalFlood(ctx, { calls: f.historyCalls }));
    report.floods.push(await typingFlood(ctx, { members: f.typingMembers, calls: f.typingCalls }));
    report.floods.push(await sendFlood(ctx, { ms: f.sendMs }));
    report.floods.push(await guestFlood(ctx, { requests: f.guestRequests }));
    report.floods.push(await wrongPasswordFlood(ctx, { requests: f.loginRequests }));
    return report.floods;
  });
  const churn = once("churn", async () => (report.churn = await runChurn(ctx, SIZE.churn)));
  const connectionFlood = once("connection flood", async () => (report.connectionFlood = await runConnectionFlood(ctx, SIZE.connectionFlood)));

  if (runs("fuzz")) {
    it("fuzz: no frame crashes the gateway (0 crashed)", async () => {
      const f = await fuzz();
      assert.equal(f.total.crashed, 0, `${f.total.crashed} of ${f.total.frames} frames crashed the gateway`);
    });
    it("fuzz: no frame leaves a connection or an invocation stuck (0 stuck)", async () => {
      const f = await fuzz();
      const where = Object.entries(f.byCategory).filter(([, c]) => c.stuck).map(([k, c]) => `${k}: ${c.stuck}`).join(", ");
      assert.equal(f.total.stuck, 0, `${f.total.stuck} of ${f.total.frames} frames left the connection without an answer within ${f.deadlineMs} ms (${where})`);
    });
    it("fuzz: bad input never answers internal:", async () => {
      const f = await fuzz();
      const where = Object.entries(f.byCategory).filter(([, c]) => c.internal).map(([k, c]) => `${k}: ${c.internal}`).join(", ");
      assert.equal(f.total.internal, 0, `${f.total.internal} frames were answered internal: (${where})`);
    });
    it("fuzz: every error answer starts with a protocol code", async () => {
      const f = await fuzz();
      assert.equal(f.total.uncoded, 0, `${f.total.uncoded} frames were answered with an error without a known code`);
    });
  }
  if (runs("tokens")) {
    it("forged tokens: every one refused with 401 on negotiate, the WebSocket upgrade and REST", async () => {
      const t = await tokens();
      assert.deepEqual([t.control.negotiate, t.control.websocket], [200, 101], `the valid control token must get in (negotiate ${t.control.negotiate}, upgrade ${t.control.websocket})`);
      const let_in = t.rows.filter((r) => !r.refused).map((r) => `${r.name}: ${r.negotiate}/${r.websocket}/${r.rest}`);
      assert.deepEqual(let_in, [], `tokens not refused on every door: ${let_in.join("; ")}`);
    });
  }
  if (runs("access")) {
    it("cross-user access: every attempt refused with a coded error, nothing leaked", async () => {
      const a = await access();
      const open = a.rows.filter((r) => !r.refused).map((r) => `${r.what}: ${r.answer}`);
      assert.deepEqual(open, [], `not refused: ${open.join("; ")}`);
    });
  }
  if (runs("floods")) {
    it(`unknown-id flood: the gateway's RSS grows less than ${RSS_BOUND / 1048576} MB`, async () => {
      const row = await unknownIds();
      const grew = row.rssSettled - row.rssBefore;
      assert.ok(row.alive, "the gateway died during the unknown-id flood");
      assert.ok(grew < RSS_BOUND, `RSS ${mb(row.rssBefore)} → ${mb(row.rssSettled)} (+${mb(grew)}, peak ${mb(row.rssPeak)}) after ${row.ids} unknown ids in ${row.calls} calls`);
    });
    if (SIZE.floods) {
      it("floods: the gateway survives every flood", async () => {
        const rows = await floods();
        const dead = rows.filter((r) => !r.alive).map((r) => r.name);
        assert.deepEqual(dead, [], `the gateway died during: ${dead.join(", ")}`);
      });
    }
  }
  if (runs("churn")) {
    it("connection churn: the gateway survives and every connection opens", async () => {
      const c = await churn();
      assert.ok(c.alive, "the gateway died during the churn");
      assert.equal(c.failed, 0, `connections that failed to open: ${JSON.stringify(c.failures)}`);
    });
  }
  if (SIZE.connectionFlood && runs("connflood")) {
    it("connection flood past the open-file limit: the gateway stays up and a fresh client can still Send", async () => {
      const c = await connectionFlood();
      assert.ok(c.aliveDuring && c.aliveAfter, `the gateway died (during: ${c.aliveDuring}, after: ${c.aliveAfter})`);
      assert.equal(c.freshAfter, "sent", `a fresh client after the flood: ${c.freshAfter}`);
    });
  }
});

describe(`faults under steady traffic (cluster, ${FORM} form)`, { timeout: LONG ? 3_600_000 : 900_000, skip: !runs("faults") }, () => {
  const faults = once("faults", async () => (report.faults = await runFaults({ kills: SIZE.faults.kills, users: SIZE.faults.users, say })));
  const sum = (rows, key) => rows.reduce((s, r) => s + r[key], 0);
  const where = (rows, key) => rows.filter((r) => r[key]).map((r) => `${r.name}: ${r[key]}${r.details?.[key] ? ` (${r.details[key]})` : ""}`).join("; ");

  it("faults: 0 lost (every acknowledged Send is in the log and reaches every member after Sync)", async () => {
    const rows = await faults();
    assert.equal(sum(rows, "lost"), 0, where(rows, "lost"));
  });
  it("faults: 0 stored twice (one clientMsgId, one seq)", async () => {
    const rows = await faults();
    assert.equal(sum(rows, "storedTwice"), 0, where(rows, "storedTwice"));
  });
  it("faults: 0 seq gaps", async () => {
    const rows = await faults();
    assert.equal(sum(rows, "seqGaps"), 0, where(rows, "seqGaps"));
  });
  it("faults: unread per user equals the truth recomputed from the log", async () => {
    const rows = await faults();
    assert.equal(sum(rows, "unreadWrong"), 0, where(rows, "unreadWrong"));
  });
  it("faults: a call the fault interrupted answers a code to retry on, never internal", async () => {
    const rows = await faults();
    const internal = rows.flatMap((r) => [["Send", r.errors], ["MarkRead", r.readErrors]]
      .filter(([, counts]) => counts?.internal).map(([call, counts]) => `${r.name}: ${call} internal×${counts.internal}`));
    assert.deepEqual(internal, []);
  });
});
