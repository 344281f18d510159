// One process of bench/idle: opens its share of hub connections from one source address, at a paced rate with a
// bounded number of starts in flight, and holds them idle (only the protocol's keep-alive pings flow). Reports its
// counts to the parent (idle.js) every second over the fork channel. A process holds at most ~20,000 open files here,
// so idle.js gives each process a few thousand connections.
import signalR from "@microsoft/signalr";
import WebSocket from "ws";

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// The JS client builds its WebSocket with (url, protocols, { headers }) in Node; `ws` hands the options on to
// http.request, whose localAddress picks the source address (each loopback address has its own ~28k ephemeral ports).
function webSocketFrom(localAddress) {
  return class LocalAddressWebSocket extends WebSocket {
    constructor(url, protocols, options) {
      super(url, protocols, { ...(options ?? {}), localAddress });
    }
  };
}

/** A short name for why a start failed or a connection closed. */
function reasonOf(error) {
  const message = String(error?.message ?? error ?? "closed");
  const coded = /\b(invalid|forbidden|not_found|conflict|rate_limited|unavailable|internal): /.exec(message);
  if (coded) return coded[1];
  const status = /Status code '(\d+)'/.exec(message);
  if (status) return `http_${status[1]}`;
  if (/EADDRNOTAVAIL|EMFILE|ECONNREFUSED|ECONNRESET|ETIMEDOUT/.test(message)) return /EADDRNOTAVAIL|EMFILE|ECONNREFUSED|ECONNRESET|ETIMEDOUT/.exec(message)[0];
  if (/timeout|timed out/i.test(message)) return "timeout";
  return message.slice(0, 60);
}

async function run(job) {
  const counts = { attempted: 0, open: 0, failed: 0, closed: 0, reasons: {}, done: false };
  const note = (reason) => { counts.reasons[reason] = (counts.reasons[reason] ?? 0) + 1; };
  const report = () => process.send?.({ type: "counts", counts });
  const timer = setInterval(report, 1000);
  const LocalWs = webSocketFrom(job.localAddress);
  const connections = [];
  let inFlight = 0;
  process.on("message", async (message) => {
    if (message?.type !== "stop") return;
    clearInterval(timer);
    // Closing thousands politely takes a while; the parent kills this process if it takes too long.
    await Promise.allSettled(connections.map((c) => c.stop()));
    process.exit(0);
  });

  const open = async (token) => {
    const connection = new signalR.HubConnectionBuilder()
      .withUrl(`${job.url}/hubs/chat`, {
        transport: signalR.HttpTransportType.WebSockets,
        skipNegotiation: job.skipNegotiation,
        WebSocket: LocalWs,
        accessTokenFactory: () => token,
      })
      .configureLogging(signalR.LogLevel.None)
      .build();
    try {
      await connection.start();
      // Registered after the start: a start that fails rejects and is counted as failed, not as a close.
      connection.onclose((error) => { counts.open--; counts.closed++; note(`closed: ${reasonOf(error)}`); });
      counts.open++;
      connections.push(connection);
    } catch (error) {
      counts.failed++;
      note(reasonOf(error));
    }
  };

  // Paced: connection i starts no sooner than i / rate seconds after the first, and never more than maxInFlight at once.
  const started = Date.now();
  const starts = [];
  for (let i = 0; i < job.tokens.length; i++) {
    const due = started + (i * 1000) / job.rate;
    while (Date.now() < due || inFlight >= job.maxInFlight) await sleep(Math.max(1, Math.min(50, due - Date.now())));
    counts.attempted++;
    inFlight++;
    starts.push(open(job.tokens[i]).finally(() => { inFlight--; }));
  }
  await Promise.all(starts);
  counts.done = true;
  report();
}

process.once("message", (message) => {
  if (message?.type === "job") run(message.job).catch((error) => { process.stderr.write(`idle-worker: ${error?.stack ?? error}\n`); process.exit(1); });
});
