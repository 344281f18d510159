// Fuzzed hub frames over a raw WebSocket after the JSON handshake. Each frame is followed by a normal invocation (the
// probe, ListContacts); each frame ends in exactly one outcome:
//   coded    its invocation was answered with an error starting with a known code (invalid, forbidden, not_found,
//            rate_limited, conflict, unavailable) and the connection still answers the probe;
//   internal its invocation was answered "internal: …" (bad input must never get one);
//   uncoded  its invocation was answered with an error without a known code;
//   accepted its invocation was answered with a result (the server took it as valid);
//   ignored  it carried no invocation id, and the probe was answered (nothing to answer, nothing broken);
//   closed   the server closed the connection (a close message with an error, or a WebSocket close code);
//   stuck    the probe, or the frame's own invocation, got no answer within the deadline on an open connection
//            (while a probe on a fresh connection answered at once: a busy gateway only extends the deadline);
//   crashed  the gateway process died (it is restarted on its port and data, and the run goes on).
// A stuck or closed connection is dropped and the next frame goes out on a fresh one.
import { RawHub, RS } from "./rawhub.js";
import { isAlive, sleep } from "./common.js";

export const OUTCOMES = ["coded", "internal", "uncoded", "accepted", "ignored", "closed", "stuck", "crashed"];
const KNOWN_CODES = /^(invalid|forbidden|not_found|rate_limited|conflict|unavailable): /;

const METHODS = [
  ["OpenDirect", 1], ["CreateGroup", 1], ["AddMembers", 2], ["RemoveMember", 2], ["Leave", 1], ["Send", 1], ["MarkRead", 2],
  ["Sync", 1], ["History", 3], ["ListConversations", 0], ["SetPresence", 1], ["GetPresence", 1], ["Typing", 1], ["Focus", 1],
  ["Recall", 2], ["Block", 1], ["Unblock", 1], ["AddContact", 1], ["RemoveContact", 1], ["ListContacts", 0],
];

const frame = (object) => `${JSON.stringify(object)}${RS}`;
const invocation = (id, target, args, extra = {}) => frame({ type: 1, invocationId: id, target, arguments: args, ...extra });

/** A random JSON value of any type, small. */
function randomValue(rng, depth = 0) {
  const kinds = depth > 2 ? 6 : 8;
  switch (rng.int(0, kinds - 1)) {
    case 0: return null;
    case 1: return rng.chance(0.5);
    case 2: return rng.pick([0, -1, 1.5, 2 ** 53, -(2 ** 63), 1e308, 3]);
    case 3: return rng.pick(["", " ", "x", "d:a:b", "g:zz", "-1", "null", "a".repeat(rng.int(1, 300))]);
    case 4: return rng.pick(["online", "text", "☃", "\u0000", "\n\t"]);
    case 5: return rng.int(-5, 1e6);
    case 6: return Array.from({ length: rng.int(0, 4) }, () => randomValue(rng, depth + 1));
    default: return Object.fromEntries(Array.from({ length: rng.int(0, 3) }, (_, i) => [rng.pick(["conversationId", "text", "kind", "cursors", "limit", `k${i}`]), randomValue(rng, depth + 1)]));
  }
}

/** Arguments that fit the method's count but not its types (or the count but not the shapes). */
function wrongArguments(rng, method, arity, ctx) {
  const fixed = {
    Send: [[42], ["text"], [{ conversationId: 5, clientMsgId: "c", kind: "text", text: "x" }], [{ conversationId: ctx.conversationId, clientMsgId: [], kind: "text", text: "x" }],
      [{ conversationId: ctx.conversationId, clientMsgId: "c", kind: 7, text: "x" }], [{ conversationId: ctx.conversationId, clientMsgId: "c", kind: "text", text: { a: 1 } }],
      [{ conversationId: ctx.conversationId, clientMsgId: "c", kind: "text", text: "x", replyToSeq: "1" }], [{ conversationId: ctx.conversationId, clientMsgId: "c", kind: "text", text: "x", replyToSeq: 1.5 }]],
    History: [["x", "y", "z"], [ctx.conversationId, -1, 10], [ctx.conversationId, 10, 0], [ctx.conversationId, 1e300, 10], [1, 2, 3], [ctx.conversationId, 10, 1e9]],
    MarkRead: [[ctx.conversationId, "1"], [ctx.conversationId, -5], [{}, 1], [ctx.conversationId, 2 ** 70]],
    Sync: [["cursors"], [{ cursors: [] }], [{ cursors: { [ctx.conversationId]: "0" } }], [{ cursors: {}, limit: 0 }], [{ cursors: {}, limit: "9" }], [{ cursors: { "": 0 } }]],
    GetPresence: [["alice"], [[1, 2]], [[null]], [{ userIds: [] }]],
    SetPresence: [[1], [["online"]], ["ONLINE"], [null]],
    CreateGroup: [[[]], [{ title: 5 }], [{ title: "t", memberIds: "bob" }], [{ title: "t", memberIds: [1] }]],
    AddMembers: [[ctx.conversationId, "bob"], [5, []]],
    Recall: [[ctx.conversationId, "1"], [ctx.conversationId, 0]],
  };
  const list = fixed[method];
  if (list && rng.chance(0.6)) return rng.pick(list);
  // Right count, random types; or a wrong count.
  if (rng.chance(0.3)) return Array.from({ length: rng.pick([arity + 1, arity + 2, arity + 5, ...(arity > 0 ? [arity - 1] : [])]) }, () => randomValue(rng));
  return Array.from({ length: arity }, () => randomValue(rng));
}

const lone = ["\\ud800", "\\udfff", "\\udc00\\ud800", "x\\ud83d", "\\ud83dx", "\\udbff\\udbff"];

/**
 * The categories: each makes one frame from the random source. A frame is { data, binary?, id? } where id is the
 * invocation id it carries (its answer is checked), if any.
 */
export const CATEGORIES = {
  "malformed JSON": (rng, ctx, id) => {
    const valid = invocation(id, "ListContacts", []);
    const choices = [
      () => valid.slice(0, rng.int(1, valid.length - 2)) + RS,
      () => `{"type":1,"invocationId":"${id}","target":"Send","arguments":[{,}]}${RS}`,
      () => `{"type":1 "invocationId":"${id}"}${RS}`,
      () => `{'type':1,'invocationId':'${id}','target':'ListContacts','arguments':[]}${RS}`,
      () => `{"type":1,"invocationId":"${id}","target":"ListContacts","arguments":[],}${RS}`,
      () => `${rng.pick(["{}", "[]", "null", "1", "\"x\"", "true", "{\"type\":null}", "{\"type\":1}", "{\"type\":1,\"target\":\"Send\"}"])}${RS}`,
      () => `{"type":1,"invocationId":"${id}","target":"ListContacts","arguments":[]}}${RS}`,
      () => `{"type":1,"invocationId":"${id}","target":"ListContacts","arguments":[NaN]}${RS}`,
      () => `{"type":1,"invocationId":${rng.pick(["1", "null", "{}", "[]"])},"target":"ListContacts","arguments":[]}${RS}`,
      () => `{"type":1,"invocationId":"${id}","target":${rng.pick(["1", "null", "[]"])},"arguments":[]}${RS}`,
      () => `{"type":1,"invocationId":"${id}","target":"ListContacts","arguments":${rng.pick(["{}", "1", "\"a\"", "null"])}}${RS}`,
      () => `${RS}${RS}`,
    ];
    return { data: rng.pick(choices)() };
  },
  "wrong argument types": (rng, ctx, id) => {
    const [method, arity] = rng.pick(METHODS);
    return { data: invocation(id, method, wrongArguments(rng, method, arity, ctx)), id };
  },
  "unknown methods": (rng, ctx, id) => {
    const name = rng.pick([
      "Nope", "send", "SEND", "Send ", " Send", "OnConnectedAsync", "OnDisconnectedAsync", "Dispose", "ToString", "GetType",
      "Context", "Clients", "Groups", "Me", "MyGrain", "DrainOfflineAsync", "Device", "ResolveAttachmentAsync", "ReadCursors",
      "", "☃", "Send\u0000", `X${rng.hex(8)}`, "a".repeat(rng.int(100, 5000)), "../Send", "ChatHub.Send",
    ]);
    return { data: invocation(id, name, rng.chance(0.5) ? [] : [randomValue(rng)]), id };
  },
  "unknown message types": (rng, ctx, id) => {
    const type = rng.pick([99, -1, 0, 10, 11, 12, 255, 1000, 2 ** 31, "1", 1.5, null, true]);
    return { data: frame(rng.chance(0.5) ? { type } : { type, invocationId: id, target: "ListContacts", arguments: [] }) };
  },
  "misdirected message types": (rng, ctx, id) => {
    const choices = [
      () => frame({ type: 3, invocationId: `zz${id}`, result: 1 }),          // a completion from the client
      () => frame({ type: 3, invocationId: `zz${id}`, error: "x" }),
      () => frame({ type: 2, invocationId: `zz${id}`, item: 1 }),            // a stream item for no stream
      () => frame({ type: 5, invocationId: `zz${id}` }),                     // cancel nothing
      () => frame({ type: 8, sequenceId: rng.int(0, 1e6) }),                 // ack without stateful reconnect
      () => frame({ type: 9, sequenceId: rng.int(0, 1e6) }),                 // sequence
      () => frame({ type: 6 }),                                              // a ping: fine
      () => `{"protocol":"json","version":1}${RS}`,                          // a second handshake
      () => frame({ type: 7, error: "bye" }),                                // the client closes
    ];
    return { data: rng.pick(choices)() };
  },
  "oversized frames": (rng, ctx, id) => {
    const size = rng.int(64 * 1024 + 1, rng.chance(0.8) ? 200 * 1024 : 1024 * 1024);
    const choices = [
      () => invocation(id, "SetPresence", ["a".repeat(size)]),
      () => invocation(id, "Send", [{ conversationId: ctx.conversationId, clientMsgId: rng.hex(16), kind: "text", text: "b".repeat(size) }]),
      () => invocation(id, "GetPresence", [Array.from({ length: Math.ceil(size / 8) }, (_, i) => `u${i}xxx`)]),
      () => invocation(id, "c".repeat(size), []),
      () => frame({ type: 1, invocationId: id, target: "ListContacts", arguments: [], headers: { h: "d".repeat(size) } }),
    ];
    return { data: rng.pick(choices)(), id };
  },
  "lone surrogates and invalid UTF-8": (rng, ctx, id) => {
    const s = rng.pick(lone);
    const choices = [
      () => `{"type":1,"invocationId":"${id}","target":"SetPresence","arguments":["${s}"]}${RS}`,
      () => `{"type":1,"invocationId":"${id}","target":"GetPresence","arguments":[["ab${s}c"]]}${RS}`,
      () => `{"type":1,"invocationId":"${id}","target":"Send","arguments":[{"conversationId":"${ctx.conversationId}","clientMsgId":"${rng.hex(12)}","kind":"text","text":"hi ${s}"}]}${RS}`,
      () => `{"type":1,"invocationId":"${id}","target":"Send","arguments":[{"conversationId":"${ctx.conversationId}","clientMsgId":"c${s}","kind":"text","text":"hi"}]}${RS}`,
      () => `{"type":1,"invocationId":"${id}","target":"History","arguments":["d:${s}",10,10]}${RS}`,
      () => `{"type":1,"invocationId":"${id}","target":"Sync","arguments":[{"cursors":{"g:${s}":0}}]}${RS}`,
      () => `{"type":1,"invocationId":"${id}","target":"OpenDirect","arguments":["bob${s}"]}${RS}`,
      () => `{"type":1,"invocationId":"${id}","target":"CreateGroup","arguments":[{"title":"t${s}","memberIds":[]}]}${RS}`,
      () => `{"type":1,"invocationId":"${id}","target":"Typing","arguments":["${s}"]}${RS}`,
      () => `{"type":1,"invocationId":"${id}","target":"Focus","arguments":["${s}"]}${RS}`,
      () => `{"type":1,"invocationId":"${id}","target":"Send${s}","arguments":[]}${RS}`,
    ];
    if (rng.chance(0.25)) {
      // Raw bytes that are not UTF-8 inside a text frame (overlong, truncated, surrogate encodings, stray continuation).
      const bad = rng.pick([[0xc3, 0x28], [0xed, 0xa0, 0x80], [0xc0, 0xaf], [0xf8, 0x88, 0x80, 0x80, 0x80], [0x80], [0xff], [0xe2, 0x82]]);
      return { data: Buffer.concat([Buffer.from(`{"type":1,"invocationId":"${id}","target":"SetPresence","arguments":["`), Buffer.from(bad), Buffer.from(`"]}${RS}`)]), id };
    }
    return { data: rng.pick(choices)(), id };
  },
  "streaming invocations": (rng, ctx, id) => {
    const [method, arity] = rng.pick(METHODS);
    const args = method === "ListContacts" || method === "ListConversations" ? [] : Array.from({ length: arity }, () => "x");
    const choices = [
      () => frame({ type: 4, invocationId: id, target: method, arguments: args }),                   // StreamInvocation of a plain method
      () => frame({ type: 1, invocationId: id, target: method, arguments: args, streamIds: ["s1"] }), // client-to-server stream into it
      () => frame({ type: 4, invocationId: id, target: "ListContacts", arguments: [], streamIds: ["s1", "s2"] }),
      () => frame({ type: 1, target: method, arguments: args, streamIds: ["s9"] }),                  // non-blocking with a stream
    ];
    const pick = rng.int(0, choices.length - 1);
    return { data: choices[pick](), id: pick === 3 ? undefined : id };
  },
  "deep nesting": (rng, ctx, id) => {
    const depth = rng.pick([65, 100, 1000, 10_000, rng.int(65, 20_000)]);
    const choices = [
      () => `{"type":1,"invocationId":"${id}","target":"GetPresence","arguments":[${"[".repeat(depth)}${"]".repeat(depth)}]}${RS}`,
      () => `{"type":1,"invocationId":"${id}","target":"Sync","arguments":[${'{"a":'.repeat(depth)}1${"}".repeat(depth)}]}${RS}`,
      () => `{"type":1,"invocationId":"${id}","target":"ListContacts","arguments":[],"headers":${'{"a":'.repeat(depth)}1${"}".repeat(depth)}}${RS}`,
      () => `${"[".repeat(depth)}${"]".repeat(depth)}${RS}`,
    ];
    return { data: rng.pick(choices)(), id };
  },
  "huge arrays": (rng, ctx, id) => {
    const n = rng.int(201, 6000);
    const choices = [
      () => invocation(id, "GetPresence", [Array.from({ length: n }, (_, i) => `user${i}`)]),
      () => invocation(id, "Sync", [{ cursors: Object.fromEntries(Array.from({ length: 1000 + rng.int(1, 2000) }, (_, i) => [`g:${i}`, 0])) }]),
      () => invocation(id, "CreateGroup", [{ title: "big", memberIds: Array.from({ length: 500 + rng.int(1, 3000) }, (_, i) => `m${i}x`) }]),
      () => invocation(id, "AddMembers", [ctx.conversationId, Array.from({ length: 500 + rng.int(1, 3000) }, (_, i) => `m${i}x`)]),
      () => invocation(id, "ListContacts", Array.from({ length: n }, () => 0)),
      () => invocation(id, "GetPresence", [Array.from({ length: n }, () => 0)]),
    ];
    return { data: rng.pick(choices)(), id };
  },
  "random bytes": (rng) => {
    const n = rng.int(1, 2000);
    const choices = [
      () => ({ data: Buffer.concat([rng.bytes(n), Buffer.from(RS)]) }),
      () => ({ data: Buffer.concat([rng.bytes(n), Buffer.from(RS)]), binary: true }),
      () => ({ data: `${Array.from({ length: n }, () => String.fromCharCode(rng.int(32, 126))).join("")}${RS}` }),
      () => ({ data: rng.bytes(n), binary: true }),
    ];
    return rng.pick(choices)();
  },
};

/** Makes `perCategory` frames of every category (in a fixed random order from the seed). */
export function makeFrames(rng, ctx, perCategory) {
  const frames = [];
  let serial = 0;
  for (const [category, make] of Object.entries(CATEGORIES)) {
    for (let i = 0; i < perCategory; i++) {
      const id = `fz${++serial}`;
      frames.push({ category, ...make(rng, ctx, id) });
    }
  }
  return rng.shuffle(frames);
}

const excerpt = (data) => (Buffer.isBuffer(data) ? `<${data.length} bytes> ${data.subarray(0, 60).toString("hex")}` : data.length > 160 ? `${data.slice(0, 150)}…(${data.length} chars)` : data).replace(RS, "␞");

/**
 * Sends every frame, each followed by the probe, over `workers` parallel connections; answers per category the
 * counts of every outcome and a few samples of the bad ones. ctx.tokens: one user per worker (the worker's connection);
 * ctx.probeToken: the user of the fresh-connection probe; ctx.gateway() answers the current gateway;
 * ctx.restartGateway() brings a crashed one back (same port and data).
 */
export async function runFuzz(ctx, { frames, workers = 6, deadlineMs = 5000, minIterationMs = 45 }) {
  const byCategory = {};
  const row = (category) => (byCategory[category] ??= { frames: 0, ...Object.fromEntries(OUTCOMES.map((o) => [o, 0])), closeReasons: {}, samples: [] });
  const queue = [...frames];
  let crashedRestarts = 0;
  const started = Date.now();

  async function connect(token) {
    for (let attempt = 0; ; attempt++) {
      if (ctx.gateway().exited) await ctx.restartGateway(); // another worker's frame crashed it
      try {
        return await new RawHub(ctx.gateway().url, token).open();
      } catch (error) {
        if (attempt >= 60) throw new Error(`fuzz: cannot connect: ${error.message}`);
        await sleep(250);
      }
    }
  }

  /** How long a ListContacts takes on a new connection, or null when it did not answer within ms. */
  async function freshProbeMs(ms) {
    const started = Date.now();
    let hub;
    try {
      hub = await Promise.race([connect(ctx.probeToken), sleep(ms).then(() => null)]);
      if (!hub) return null;
      const answer = await hub.waitCompletion(hub.invokeRaw("ListContacts", []), Math.max(1, ms - (Date.now() - started)));
      return answer && answer !== "timeout" ? Date.now() - started : null;
    } catch {
      return null;
    } finally {
      hub?.close();
    }
  }

  // Each worker is its own user (a user may hold only so many connections) and sends at most one frame and one probe
  // per minIterationMs, below a per-connection call limit, so that frames reach the code they aim at.
  async function worker(token) {
    let hub = null;
    while (queue.length) {
      const iterationStarted = Date.now();
      const item = queue.shift();
      const counts = row(item.category);
      counts.frames++;
      if (hub && !hub.isOpen) { hub.close(); hub = null; } // closed late by the server: not this frame's doing
      hub ??= await connect(token);
      if (item.binary) hub.sendBinary(item.data); else hub.sendText(item.data);
      let probeId;
      try { probeId = hub.invokeRaw("ListContacts", [], { id: `p${item.id ?? ""}${Math.random().toString(36).slice(2, 8)}` }); } catch { probeId = null; }
      let probe = probeId === null ? null : await hub.waitCompletion(probeId, deadlineMs);
      if (probe === "timeout") {
        // Slow or stuck? A probe on a fresh connection tells: when it answers at once, this connection is stuck;
        // when it is slow too, the gateway is only busy (a shared machine) and the first probe gets longer.
        const freshMs = await freshProbeMs(deadlineMs * 2);
        probe = await hub.waitCompletion(probeId, freshMs !== null && freshMs < deadlineMs / 2 ? 500 : deadlineMs * 4);
      }
      const answer = item.id && hub.completions.get(item.id);
      let outcome;
      if (hub.closed || hub.closeMessage || probe === null) {
        outcome = "closed";
        await hub.waitClosed(1000);
      } else if (probe === "timeout" || (item.id && !answer)) {
        outcome = "stuck"; // no answer to the probe, or the frame's own invocation never answered: its caller waits forever
      } else if (!item.id) {
        outcome = "ignored";
      } else if (answer.error === undefined) {
        outcome = "accepted";
      } else {
        const error = String(answer.error);
        outcome = KNOWN_CODES.test(error) ? "coded" : error.startsWith("internal:") ? "internal" : "uncoded";
        if (outcome !== "coded") keep(counts, outcome, item, error);
      }
      if (outcome === "closed" || outcome === "stuck") {
        const why = outcome === "closed" ? (hub.closeMessage ? (hub.closeMessage.error ?? "close message") : `WebSocket close ${hub.closed?.code ?? "?"}`) : null;
        hub.close();
        hub = null;
        if (!(await isAlive(ctx.gateway()))) {
          outcome = "crashed";
          crashedRestarts++;
          await ctx.restartGateway();
        } else if (why) {
          counts.closeReasons[why] = (counts.closeReasons[why] ?? 0) + 1;
        }
      }
      counts[outcome]++;
      if (outcome === "stuck" || outcome === "crashed") keep(counts, outcome, item, outcome);
      if (outcome === "coded" && /^rate_limited:/.test(String(answer?.error))) counts.rateLimited = (counts.rateLimited ?? 0) + 1;
      await sleep(minIterationMs - (Date.now() - iterationStarted));
    }
    hub?.close();
  }

  function keep(counts, kind, item, answer) {
    if (counts.samples.filter((s) => s.kind === kind).length < 3) counts.samples.push({ kind, frame: excerpt(item.data), answer: String(answer).slice(0, 160) });
  }

  await Promise.all(Array.from({ length: workers }, (_, i) => worker(ctx.tokens[i % ctx.tokens.length])));
  const total = { frames: 0, ...Object.fromEntries(OUTCOMES.map((o) => [o, 0])) };
  for (const counts of Object.values(byCategory)) for (const key of Object.keys(total)) total[key] += counts[key];
  total.rateLimited = Object.values(byCategory).reduce((sum, c) => sum + (c.rateLimited ?? 0), 0);
  return { byCategory, total, crashedRestarts, gatewayDeaths: ctx.deaths?.() ?? crashedRestarts, ms: Date.now() - started, workers, deadlineMs };
}
