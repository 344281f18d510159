// Clients pinned to a gateway through nginx by the im_gw cookie, as a browser that was served by that gateway before,
// and plain requests that tell which gateway nginx routed them to.
import { ChatClient, TRANSPORTS, signalR } from "./chat.js";

export const AFFINITY_COOKIE = "im_gw";
const transportNamed = Object.fromEntries(TRANSPORTS);

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

/**
 * connectPinned by transport name, the client remembered in ctx.clients so the test file's `after` stops it even when
 * a test fails before its own stop. ctx is { cluster, clients }.
 */
export async function pinned(ctx, user, transport, gateway, name) {
  const client = await connectPinned(ctx.cluster, user, transportNamed[transport], gateway, { name: name ?? `${user.userId}@${gateway}/${transport}` });
  client.transport = transport;
  ctx.clients.push(client);
  return client;
}

/** Which gateway answered a request through nginx carrying `cookie`: the one named in its Set-Cookie, or the pin when none came back. */
export async function servedBy(cluster, cookie, { fresh = false } = {}) {
  const headers = { ...(cookie ? { Cookie: cookie } : {}), ...(fresh ? { Connection: "close" } : {}) };
  const response = await fetch(`${cluster.url}/health/ready`, { headers });
  await response.text();
  const set = response.headers.getSetCookie?.() ?? [];
  return new RegExp(`${AFFINITY_COOKIE}=([\\w-]+)`).exec(set.join(";"))?.[1] ?? null;
}

/** servedBy for `count` requests pinned to `gateway`, each on a fresh connection so they spread over nginx's workers. */
export async function pinnedRequests(cluster, gateway, count) {
  const answers = [];
  for (let i = 0; i < count; i++) answers.push(await servedBy(cluster, `${AFFINITY_COOKIE}=${gateway}`, { fresh: true }));
  return answers;
}
