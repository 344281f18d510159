// The visitor widget in Chromium, embedded by a host page of another origin (a second local HTTP server): CORS for
// the listed origin only, the real hub reached over each transport, and the widget's queue, agent and message views.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { artifactsDir, startGateway } from "./lib/gateway.js";

const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const TIMEOUT = 20_000;
const fakeHub = readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), "widget", "fake-hub.js"));

let gateway;
let browser;
let hostServer;
let hostPort;

/** The host site: "/?..." is a shop page embedding widget.js from the gateway with the query's data- attributes. */
function hostPage(query) {
  const fake = query.get("fake") ? '<script src="/fake-hub.js"></script>' : "";
  const attrs = ["desk", "transport", "open"].filter((k) => query.get(k)).map((k) => ` data-${k}="${query.get(k)}"`).join("");
  return `<!doctype html><html><head><!-- no charset on purpose: widget.js must not depend on it --><meta name="viewport" content="width=device-width, initial-scale=1">
<style>* { font-family: Georgia, serif !important; } button { background: #ff0 !important; border: 4px solid red !important; }
li, ol, section, form, textarea { border: 3px dotted magenta; padding: 30px; }</style>${fake}</head>
<body><h1>Host shop</h1><p>Products</p><script src="${gateway.url}/widget.js"${attrs} async></script></body></html>`;
}

before(async () => {
  mkdirSync(artifactsDir, { recursive: true });
  hostServer = createServer((req, res) => {
    const url = new URL(req.url, "http://host");
    if (url.pathname === "/fake-hub.js") { res.writeHead(200, { "Content-Type": "text/javascript" }); res.end(fakeHub); return; }
    res.writeHead(200, { "Content-Type": "text/html" });
    res.end(hostPage(url.searchParams));
  });
  await new Promise((resolve) => hostServer.listen(0, "127.0.0.1", resolve));
  hostPort = hostServer.address().port;
  // Only the 127.0.0.1 origin is listed; the same server reached as localhost is another, unlisted origin.
  gateway = await startGateway({ name: "widget", config: [`Widget:AllowedOrigins:0=http://127.0.0.1:${hostPort}`] });
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
});

after(async () => {
  await browser?.close();
  await gateway?.stop();
  await new Promise((resolve) => hostServer?.close(resolve));
});

async function openHost(query, viewport = { width: 1280, height: 800 }, host = "127.0.0.1") {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  page.on("pageerror", (error) => { (page.errors ||= []).push(error); });
  await page.goto(`http://${host}:${hostPort}/?${new URLSearchParams(query)}`);
  return { context, page };
}

const status = (page) => page.locator("[data-im-widget] .status");

describe("visitor widget in Chromium", { timeout: 180_000 }, () => {
  // "" = the widget's own choice: a WebSocket without negotiate, else negotiated fallbacks.
  for (const transport of ["", "websockets", "sse", "longpolling"]) {
    it(`signs in as a guest and reaches the hub across origins over ${transport || "the default transport"}`, async () => {
      const { context, page } = await openHost({ desk: "no-such-desk", transport });
      const negotiates = [];
      page.on("request", (r) => { if (r.url().includes("/hubs/chat/negotiate")) negotiates.push(r.url()); });
      await page.locator("[data-im-widget] .launcher").click();
      // The guest sign-in, negotiate and the transport all crossed origins: the desk's own answer comes back.
      await page.waitForFunction(() => /not_found/.test(document.querySelector("[data-im-widget]").shadowRoot.querySelector(".status").title));
      assert.equal(await status(page).textContent(), "This chat is not available.");
      const saved = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("im-widget:")));
      assert.equal(saved.length, 1, "the guest session is kept for the next page load");
      // By default one WebSocket request and no negotiate, so one gateway serves it even behind several.
      assert.equal(negotiates.length, transport ? 1 : 0);
      assert.deepEqual(page.errors ?? [], []);
      await context.close();
    });
  }

  it("falls back to negotiated SSE or long polling when WebSockets are blocked", async () => {
    const context = await browser.newContext();
    // A proxy without WebSockets: every socket to the hub closes at once.
    await context.routeWebSocket(/\/hubs\/chat/, (ws) => ws.close());
    const page = await context.newPage();
    page.setDefaultTimeout(TIMEOUT);
    const transports = [];
    page.on("request", (r) => { if (r.url().includes("/hubs/chat")) transports.push(r.url()); });
    await page.goto(`http://127.0.0.1:${hostPort}/?desk=no-such-desk`);
    await page.locator("[data-im-widget] .launcher").click();
    await page.waitForFunction(() => /not_found/.test(document.querySelector("[data-im-widget]").shadowRoot.querySelector(".status").title));
    assert.ok(transports.some((u) => u.includes("/hubs/chat/negotiate")), "negotiated after the bare WebSocket failed");
    await context.close();
  });

  it("an origin not in Widget:AllowedOrigins cannot sign in", async () => {
    const { context, page } = await openHost({ desk: "sales" }, undefined, "localhost");
    await page.locator("[data-im-widget] .launcher").click();
    await page.waitForFunction(() => /Chat unavailable/.test(document.querySelector("[data-im-widget]").shadowRoot.querySelector(".status").textContent));
    // The browser refused the guest sign-in's answer (no CORS header), so the hub was never reached.
    assert.doesNotMatch(await status(page).getAttribute("title"), /not_found/);
    await context.close();
  });

  it("resends with the same clientMsgId after unavailable and after a reconnect, and catches up with Sync", async () => {
    const { context, page } = await openHost({ desk: "sales", fake: "1", open: "true" });
    await page.locator("[data-im-widget] .status", { hasText: "number 3 in line" }).waitFor();
    await page.evaluate(() => window.__fakeHub.failSends.push("unavailable", "connection"));
    await page.locator("[data-im-widget] form.composer textarea").fill("Hello?");
    await page.keyboard.press("Enter");
    // Two failed attempts (unavailable, then the connection dropped): the message waits for the reconnect.
    await page.waitForFunction(() => window.__fakeHub.calls.filter((c) => c[0] === "Send").length === 2);
    assert.equal(await page.locator("[data-im-widget] li.pending").count(), 1);
    await page.evaluate(() => {
      const hub = window.__fakeHub;
      hub.missed.push({ conversationId: hub.conversationId, seq: hub.nextSeq(), senderId: "crm-7", kind: "text", text: "Sent while you were away" });
      return hub.reconnect();
    });
    await page.locator("[data-im-widget] li.mine:not(.pending)").waitFor();
    const sends = await page.evaluate(() => window.__fakeHub.calls.filter((c) => c[0] === "Send").map((c) => c[1].clientMsgId));
    assert.equal(sends.length, 3);
    assert.equal(new Set(sends).size, 1, "every resend carries the same clientMsgId");
    assert.deepEqual(await page.locator("[data-im-widget] li.msg").allTextContents(), ["Sent while you were away", "Hello?"]);
    assert.match(await status(page).textContent(), /chatting with crm-7/);
    await context.close();
  });

  for (const [name, viewport] of [["desktop", { width: 1280, height: 800 }], ["phone", { width: 390, height: 844 }]]) {
    it(`shows the queue position, the agent, and both sides' messages once each (${name})`, async () => {
      const { context, page } = await openHost({ desk: "sales", fake: "1" }, viewport);
      await page.screenshot({ path: path.join(artifactsDir, `widget-${name}-closed.png`) });
      await page.locator("[data-im-widget] .launcher").click();
      await page.locator("[data-im-widget] .status", { hasText: "number 3 in line" }).waitFor();
      assert.match(await status(page).textContent(), /about 3 min/);
      await page.screenshot({ path: path.join(artifactsDir, `widget-${name}-queued.png`) });

      await page.evaluate(() => {
        const hub = window.__fakeHub;
        const c = hub.conversationId;
        hub.emit("conversation", { conversationId: c, members: [{ userId: "me", role: "owner" }, { userId: "crm-7", role: "agent", displayName: "Anna" }] });
        hub.emit("queue", { conversationId: c, deskId: "sales", position: null, etaSeconds: null, agentId: "crm-7" });
        const hello = { conversationId: c, seq: hub.nextSeq(), senderId: "crm-7", kind: "text", text: "Hi, I am Anna. How can I help?" };
        hub.emit("message", hello);
        hub.emit("message", hello); // a push repeated (e.g. by a Sync page) shows once
        hub.emit("typing", { conversationId: c, userId: "crm-7" });
      });
      await page.locator("[data-im-widget] .status", { hasText: "chatting with Anna" }).waitFor();
      await page.locator("[data-im-widget] .typing", { hasText: "Anna is typing" }).waitFor();
      await page.locator("[data-im-widget] form.composer textarea").fill("Where is my order #1234?");
      await page.keyboard.press("Enter");
      await page.locator("[data-im-widget] li.mine:not(.pending)").waitFor();
      const texts = await page.locator("[data-im-widget] li.msg").allTextContents();
      assert.deepEqual(texts, ["Hi, I am Anna. How can I help?", "Where is my order #1234?"]);
      const sends = await page.evaluate(() => window.__fakeHub.calls.filter((c) => c[0] === "Send").map((c) => c[1]));
      assert.equal(sends.length, 1);
      assert.equal(sends[0].text, "Where is my order #1234?");
      await page.screenshot({ path: path.join(artifactsDir, `widget-${name}-chatting.png`) });
      assert.deepEqual(page.errors ?? [], []);
      await context.close();
    });
  }

  it("keeps the newest queue status by its stamp: late answers and out-of-order pushes are ignored, unstamped ones applied", async () => {
    const { context, page } = await openHost({ desk: "sales", fake: "1", open: "true", hold: "1" });
    const push = (q) => page.evaluate((x) => { const h = window.__fakeHub; h.emit("queue", { conversationId: h.conversationId, deskId: "sales", etaSeconds: null, position: null, agentId: null, ...x }); }, q);
    const statusIs = async (text) => { await page.locator("[data-im-widget] .status", { hasText: text }).waitFor(); };
    await page.waitForFunction(() => window.__fakeHub.calls.some((c) => c[0] === "OpenServiceChat"));
    // The desk moved the visitor up (stamp 5) before the OpenServiceChat answer (stamp 3, position 3) arrives.
    await page.evaluate(() => { window.__fakeHub.answers.OpenServiceChat = { conversation: { conversationId: window.__fakeHub.conversationId, kind: "service", title: "Sales", members: [] },
      queue: { conversationId: window.__fakeHub.conversationId, deskId: "sales", position: 3, etaSeconds: 150, agentId: null, stamp: 3 } }; });
    await push({ position: 1, stamp: 5 });
    await page.evaluate(() => window.__fakeHub.release());
    await statusIs("You are next in line");
    await push({ position: 2, stamp: 4 }); // late: dropped
    await push({ agentId: "crm-7", stamp: 8 });
    await statusIs("chatting with crm-7");
    await push({ stamp: 10 }); // resolved
    await page.locator("[data-im-widget] li.rate").waitFor();
    await push({ agentId: "crm-7", stamp: 9 }); // the older "served" arrives after "resolved": dropped
    // A reconnect's GetQueuePosition answers from before the resolve: dropped too.
    await page.evaluate(() => { const h = window.__fakeHub; h.answers.GetQueuePosition = { conversationId: h.conversationId, deskId: "sales", position: null, etaSeconds: null, agentId: "crm-7", stamp: 7 }; return h.reconnect(); });
    await page.waitForFunction(() => window.__fakeHub.calls.some((c) => c[0] === "GetQueuePosition"));
    await page.waitForTimeout(200);
    assert.match(await status(page).textContent(), /This chat has ended/);
    assert.equal(await page.locator("[data-im-widget] li.sys.transfer").count(), 0, "no \"Now served by\" from a stale status");
    assert.equal(await page.locator("[data-im-widget] li.rate").count(), 1);
    await push({ position: 2 }); // no stamp (a server before stamps): applied
    await statusIs("You are number 2 in line");
    assert.deepEqual(page.errors ?? [], []);
    await context.close();
  });

  // A 1x1 PNG, answered for every file the widget shows in these stand-in tests.
  const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64");
  const widgetCalls = (page, name) => page.evaluate((n) => window.__fakeHub.calls.filter((c) => c[0] === n).map((c) => c[1]), name);

  for (const [name, viewport] of [["desktop", { width: 1280, height: 800 }], ["phone", { width: 390, height: 844 }]]) {
    it(`offers a leave-a-message form when the desk is away, then confirms it (${name})`, async () => {
      const { context, page } = await openHost({ desk: "sales", fake: "1", away: "1", open: "true" }, viewport);
      await page.locator("[data-im-widget] .away-text", { hasText: "away until Monday" }).waitFor();
      assert.equal(await page.locator("[data-im-widget] form.composer").isVisible(), false, "no chat composer while away");
      assert.equal((await widgetCalls(page, "OpenServiceChat")).length, 0, "nobody is queued while the desk is away");
      const fields = page.locator("[data-im-widget] form.away");
      await fields.locator("input").nth(0).fill("Ann");
      await fields.locator("input").nth(1).fill("ann@example.com");
      await fields.locator("textarea").fill("Please call me about my invoice.");
      await page.screenshot({ path: path.join(artifactsDir, `widget-${name}-away.png`) });
      await fields.locator("button").click();
      await page.locator("[data-im-widget] .sys.confirm").waitFor();
      assert.deepEqual(await widgetCalls(page, "LeaveMessage"), [{ deskId: "sales", name: "Ann", contact: "ann@example.com", text: "Please call me about my invoice." }]);
      assert.equal(await fields.isVisible(), false);
      // The answer arrives later in the same conversation.
      await page.evaluate(() => { const h = window.__fakeHub; h.emit("message", { conversationId: h.conversationId, seq: h.nextSeq(), senderId: "crm-7", kind: "text", text: "Hi Ann, we will call you today." }); });
      await page.locator("[data-im-widget] li.theirs", { hasText: "we will call you today" }).waitFor();
      await page.screenshot({ path: path.join(artifactsDir, `widget-${name}-message-left.png`) });
      assert.deepEqual(page.errors ?? [], []);
      await context.close();
    });

    it(`greets, sends an image, shows a transfer and asks for a rating after the chat ends (${name})`, async () => {
      const { context, page } = await openHost({ desk: "sales", fake: "1", open: "true" }, viewport);
      await context.route("**/api/files", (route) => route.fulfill({ contentType: "application/json", headers: { "Access-Control-Allow-Origin": "*" },
        body: JSON.stringify({ id: "f1", conversationId: "s:sales:visitor", fileName: "receipt.png", contentType: "image/png", size: PNG.length, kind: "image" }) }));
      await context.route("**/api/files/*", (route) => route.fulfill({ contentType: "image/png", body: PNG }));
      await page.locator("[data-im-widget] .sys.greeting", { hasText: "How can we help" }).waitFor();
      await page.evaluate(() => {
        const h = window.__fakeHub;
        h.emit("conversation", { conversationId: h.conversationId, members: [{ userId: "me", role: "owner" }, { userId: "crm-7", role: "agent", displayName: "Anna" }] });
        h.emit("queue", { conversationId: h.conversationId, deskId: "sales", position: null, etaSeconds: null, agentId: "crm-7" });
      });
      await page.locator("[data-im-widget] input[type=file]").setInputFiles({ name: "receipt.png", mimeType: "image/png", buffer: PNG });
      await page.locator("[data-im-widget] li.mine.file:not(.pending) img").waitFor();
      const [sent] = await widgetCalls(page, "Send");
      assert.equal(sent.kind, "image");
      assert.equal(sent.attachmentId, "f1");
      // Transferred: another agent joins in place of the first.
      await page.evaluate(() => {
        const h = window.__fakeHub;
        h.emit("conversation", { conversationId: h.conversationId, members: [{ userId: "me", role: "owner" }, { userId: "crm-9", role: "agent", displayName: "Ben" }] });
        h.emit("queue", { conversationId: h.conversationId, deskId: "sales", position: null, etaSeconds: null, agentId: "crm-9" });
      });
      await page.locator("[data-im-widget] .sys.transfer", { hasText: "Now served by Ben" }).waitFor();
      assert.equal(await page.locator("[data-im-widget] .sys.transfer").count(), 1, "one line per transfer");
      assert.match(await status(page).textContent(), /chatting with Ben/);
      // Resolved: the queue event with everything null.
      await page.evaluate(() => { const h = window.__fakeHub; h.emit("queue", { conversationId: h.conversationId, deskId: "sales", position: null, etaSeconds: null, agentId: null }); });
      await page.locator("[data-im-widget] li.rate").waitFor();
      await page.locator("[data-im-widget] .star").nth(3).click();
      await page.locator("[data-im-widget] li.rate textarea").fill("Quick and friendly");
      await page.screenshot({ path: path.join(artifactsDir, `widget-${name}-rating.png`) });
      await page.locator("[data-im-widget] li.rate button.send").click();
      await page.locator("[data-im-widget] li.rate", { hasText: "Thank you for your feedback" }).waitFor();
      assert.deepEqual(await widgetCalls(page, "RateServiceChat"), [{ conversationId: "s:sales:visitor", rating: 4, comment: "Quick and friendly" }]);
      assert.deepEqual(page.errors ?? [], []);
      await context.close();
    });
  }
});
