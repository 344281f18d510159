// The agent console (/console) in Chromium. First its layout with a stand-in hub (test/e2e/console/fake-hub.js,
// served in place of /lib/signalr.min.js), at 1280 and 390 px, and with hub methods the server lacks (said politely).
// Then the real flow against the gateway: an operator configures a desk over REST, a visitor writes from the widget
// on a second origin, agent 1 answers with a quick reply, transfers to agent 2, agent 2 resolves, the visitor rates.
// The real flow needs the desk REST API and hub methods of issue 10; on a gateway without them it is skipped.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { API_KEY, artifactsDir, startGateway } from "./lib/gateway.js";
import { register, login, uid } from "./lib/chat.js";

const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const TIMEOUT = 20_000;
const PASSWORD = "correct horse battery";
const fakeHub = readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), "console", "fake-hub.js"), "utf8");
const OPERATOR = uid("op");
const DESK = uid("desk");

let gateway;
let browser;
let hostServer;
let hostPort;
const shot = (name) => path.join(artifactsDir, name);
const byTestId = (page, id) => page.locator(`[data-testid="${id}"]`);

before(async () => {
  mkdirSync(artifactsDir, { recursive: true });
  hostServer = createServer((req, res) => {
    const q = new URL(req.url, "http://host").searchParams;
    res.writeHead(200, { "Content-Type": "text/html" });
    res.end(`<!doctype html><html><head><meta name="viewport" content="width=device-width, initial-scale=1"></head><body><h1>Shop</h1>
<script src="${gateway.url}/widget.js" data-desk="${q.get("desk")}" data-token="${q.get("token")}" data-open="true" async></script></body></html>`);
  });
  await new Promise((resolve) => hostServer.listen(0, "127.0.0.1", resolve));
  hostPort = hostServer.address().port;
  gateway = await startGateway({ name: "console", config: [`Widget:AllowedOrigins:0=http://127.0.0.1:${hostPort}`, `Auth:Operators:0=${OPERATOR}`] });
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
});

after(async () => {
  await browser?.close();
  await gateway?.stop();
  await new Promise((resolve) => hostServer?.close(resolve));
});

async function newPage(viewport, { fake = false, missing = [] } = {}) {
  const context = await browser.newContext({ viewport });
  if (fake) {
    await context.route("**/lib/signalr.min.js", (r) => r.fulfill({ contentType: "text/javascript", body: fakeHub }));
    await context.route("**/api/desks", (r) => r.fulfill({ contentType: "application/json",
      body: JSON.stringify([{ deskId: "sales", name: "Sales", agents: ["agent1", "agent2"], supervisors: ["agent1"], labels: ["billing", "bug", "vip"] }]) }));
    await context.addInitScript((m) => { window.__fakeMissing = m; }, missing);
  }
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  page.on("pageerror", (error) => { (page.errors ||= []).push(error); });
  page.on("console", (m) => { if (/Content Security Policy/i.test(m.text())) (page.errors ||= []).push(new Error(m.text())); });
  return { context, page };
}

/** A host-minted agent token put where the console keeps its session (the stand-in tests have no accounts). */
async function signInWithToken(page, userId) {
  const response = await fetch(`${gateway.url}/api/auth/token`, { method: "POST", headers: { "X-Api-Key": API_KEY, "Content-Type": "application/json" },
    body: JSON.stringify({ userId, displayName: userId, role: "agent" }) });
  const session = { ...(await response.json()), role: "agent" };
  await page.goto(`${gateway.url}/console`);
  await page.evaluate((s) => localStorage.setItem("im.console.auth", JSON.stringify(s)), session);
  await page.reload();
  await byTestId(page, "console").waitFor();
}

async function signInWithForm(page, userId) {
  await page.goto(`${gateway.url}/console`);
  await byTestId(page, "login-userid").fill(userId);
  await byTestId(page, "login-password").fill(PASSWORD);
  await byTestId(page, "login-submit").click();
  await byTestId(page, "console").waitFor();
  await page.locator('[data-testid="conn"][data-state="connected"]').waitFor();
}

describe("agent console layout with a stand-in hub", { timeout: 120_000 }, () => {
  for (const [name, viewport] of [["desktop", { width: 1280, height: 800 }], ["phone", { width: 390, height: 844 }]]) {
    it(`shows lists, the chat with notes, quick replies filled from the case, the board and the audit (${name})`, async () => {
      const { context, page } = await newPage(viewport, { fake: true });
      await signInWithToken(page, "agent1");
      await page.locator('[data-testid="item"]', { hasText: "Ann" }).waitFor();
      assert.equal(await page.locator('[data-testid="item"] [data-testid="unread-badge"]').first().textContent(), "1");
      await page.screenshot({ path: shot(`console-stand-in-${name}-list.png`) });
      await page.locator('[data-testid="item"]', { hasText: "Ann" }).click();
      await page.locator('[data-testid="note"]', { hasText: "VIP customer" }).waitFor();
      assert.equal(await page.locator('[data-testid="message"]').count(), 3);
      await byTestId(page, "composer-input").fill("/ord");
      await byTestId(page, "composer-input").press("Enter");
      assert.equal(await byTestId(page, "composer-input").inputValue(), "Your order A-1001 is on its way.");
      assert.equal(await byTestId(page, "chat").isVisible(), true);
      if (name === "phone") {
        assert.equal(await byTestId(page, "items").isVisible(), false, "one pane at a time");
        await byTestId(page, "show-case").click();
      }
      await page.locator('[data-testid="visitor-attributes"]', { hasText: "A-1001" }).waitFor();
      await page.screenshot({ path: shot(`console-stand-in-${name}-chat.png`) });
      await byTestId(page, "view-board").click();
      await page.locator('[data-testid="board-agent"]', { hasText: "agent2" }).waitFor();
      await page.screenshot({ path: shot(`console-stand-in-${name}-board.png`) });
      await byTestId(page, "view-audit").click();
      await page.locator('[data-testid="audit-row"]').first().waitFor();
      assert.deepEqual(page.errors ?? [], []);
      await context.close();
    });

    it(`lists blocked visitors and lifts a block (${name})`, async () => {
      const { context, page } = await newPage(viewport, { fake: true });
      await signInWithToken(page, "agent1");
      await page.locator('[data-testid="item"]', { hasText: "Ann" }).waitFor();
      await byTestId(page, "tab-queue").click(); // the console learns Cy's name from the queue
      await byTestId(page, "view-blocked").click();
      const rows = page.locator('[data-testid="blocked-row"]');
      await rows.nth(1).waitFor();
      const cy = rows.filter({ hasText: "guest-cy" });
      assert.match(await cy.textContent(), /Cy/, "the name the console knows");
      assert.match(await cy.locator('[data-testid="blocked-reason"]').textContent(), /Abusive language/);
      assert.equal(await cy.locator('[data-testid="blocked-by"]').textContent(), "supervisor");
      assert.equal(await rows.filter({ hasText: "guest-zed" }).locator('[data-testid="blocked-until"]').textContent(), "when lifted");
      await page.screenshot({ path: shot(`console-stand-in-${name}-blocked.png`) });
      await cy.locator('[data-testid="unblock"]').click();
      await byTestId(page, "dialog-ok").click();
      await page.locator('[data-testid="toast"]', { hasText: "Cy can chat again." }).waitFor();
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="blocked-row"]').length === 1);
      assert.deepEqual(await page.evaluate(() => window.__fakeHub.calls.filter((c) => c[0] === "UnblockVisitor")), [["UnblockVisitor", "sales", "guest-cy"]]);
      await rows.first().locator('[data-testid="unblock"]').click();
      await byTestId(page, "dialog-ok").click();
      await page.locator('[data-testid="blocked-empty"]', { hasText: "Nobody is blocked at this desk." }).waitFor();
      assert.equal(await page.locator("#blocked-table").isVisible(), false, "no empty table head");
      assert.deepEqual(page.errors ?? [], []);
      await context.close();
    });

    it(`lets the agent add, edit and delete their own quick replies (${name})`, async () => {
      const { context, page } = await newPage(viewport, { fake: true });
      await signInWithToken(page, "agent1");
      await page.locator('[data-testid="item"]', { hasText: "Ann" }).waitFor();
      await byTestId(page, "view-replies").click();
      const mine = page.locator('[data-testid="my-reply"]');
      await mine.first().waitFor();
      assert.equal(await mine.count(), 1);
      assert.equal(await page.locator('[data-testid="desk-reply"]').count(), 2, "the desk's replies, read-only");
      const error = byTestId(page, "reply-error");
      const add = async (shortcut, text) => {
        await byTestId(page, "reply-shortcut").fill(shortcut);
        await byTestId(page, "reply-text").fill(text);
        await byTestId(page, "reply-save").click();
      };
      await add("thank you", "Thanks for waiting, {name}!");
      assert.match(await error.textContent(), /only use the letters a-z, digits, - and _ \(no spaces or accents\)\. Try \/thank-you\./);
      await page.screenshot({ path: shot(`console-stand-in-${name}-replies-error.png`) });
      await add("hello", "Hi {name}");
      assert.match(await error.textContent(), /The desk already has \/hello/);
      await add("bye", "See you");
      assert.match(await error.textContent(), /You already have \/bye/);
      await add("thanks", "");
      assert.match(await error.textContent(), /Write the text/);
      assert.equal(await page.evaluate(() => window.__fakeHub.calls.filter((c) => c[0] === "SetMyQuickReplies").length), 0, "nothing sent while wrong");
      await add("/Thanks ", "Thanks for waiting, {name}!"); // a slash and capitals are forgiven
      await mine.filter({ hasText: "/thanks" }).waitFor();
      assert.equal(await error.textContent(), "");
      await mine.filter({ hasText: "/bye" }).locator('[data-testid="my-reply-edit"]').click();
      assert.equal(await byTestId(page, "reply-text").inputValue(), "Have a nice day, {name}!");
      await byTestId(page, "reply-text").fill("Have a lovely day, {name}!");
      await page.screenshot({ path: shot(`console-stand-in-${name}-replies.png`) });
      await byTestId(page, "reply-save").click();
      await mine.filter({ hasText: "lovely" }).waitFor();
      assert.equal(await mine.count(), 2);
      await mine.filter({ hasText: "/thanks" }).locator('[data-testid="my-reply-delete"]').click();
      await byTestId(page, "dialog-ok").click();
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="my-reply"]').length === 1);
      const stored = await page.evaluate(() => window.__fakeHub.calls.filter((c) => c[0] === "SetMyQuickReplies").at(-1)[1]);
      assert.deepEqual(stored, [{ shortcut: "bye", text: "Have a lovely day, {name}!" }]);
      // The composer uses the edited reply at once.
      await byTestId(page, "view-chats").click();
      await page.locator('[data-testid="item"]', { hasText: "Ann" }).click();
      await byTestId(page, "composer-input").fill("/bye");
      await page.locator('[data-testid="quick-reply"]', { hasText: "lovely" }).waitFor();
      await page.screenshot({ path: shot(`console-stand-in-${name}-picker.png`) });
      await byTestId(page, "composer-input").press("Enter");
      assert.equal(await byTestId(page, "composer-input").inputValue(), "Have a lovely day, Ann!");
      assert.deepEqual(page.errors ?? [], []);
      await context.close();
    });
  }

  it("shows a plain agent only the chats and their quick replies, not the supervisor views", async () => {
    const { context, page } = await newPage({ width: 1280, height: 800 }, { fake: true });
    await signInWithToken(page, "agent2");
    await byTestId(page, "view-replies").waitFor();
    for (const view of ["board", "audit", "blocked"]) assert.equal(await byTestId(page, `view-${view}`).isVisible(), false, view);
    await context.close();
  });

  it("ignores a queue push older than one it has seen", async () => {
    const { context, page } = await newPage({ width: 1280, height: 800 }, { fake: true });
    await signInWithToken(page, "agent1");
    await page.locator('[data-testid="item"]', { hasText: "Ann" }).waitFor();
    const lists = () => page.evaluate(() => window.__fakeHub.calls.filter((c) => c[0] === "ListConversations").length);
    const push = (stamp) => page.evaluate((s) => window.__fakeHub.emit("queue", { conversationId: "s:sales:guest-ann", deskId: "sales", position: null, etaSeconds: null, agentId: "agent1", ...(s == null ? {} : { stamp: s }) }), stamp);
    await byTestId(page, "view-replies").click(); // the lists' 5 s poll rests outside the chats view
    const before = await lists();
    await push(7);
    await push(5); // older: dropped
    await push(null); // a server without stamps: always applied
    await page.waitForTimeout(300);
    assert.equal(await lists(), before + 2);
    await context.close();
  });

  it("says politely what the server does not offer yet", async () => {
    const { context, page } = await newPage({ width: 1280, height: 800 }, { fake: true, missing: ["ListServiceChats", "GetDeskBoard"] });
    await signInWithToken(page, "agent1");
    await byTestId(page, "tab-queue").click();
    await page.locator('[data-testid="items-empty"]', { hasText: "not available on this server yet" }).waitFor();
    await byTestId(page, "view-board").click();
    await page.locator('[data-testid="board"]', { hasText: "The board is not available on this server yet." }).waitFor();
    await context.close();
  });
});

async function putDesk(token, body) {
  return fetch(`${gateway.url}/api/desks/${DESK}`, { method: "PUT", headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" }, body: JSON.stringify(body) });
}

describe("agent console against the real desk", { timeout: 240_000 }, () => {
  it("agent 1 answers with a quick reply and transfers, agent 2 resolves, the visitor rates", async (t) => {
    const [a1, a2] = [uid("agent1-"), uid("agent2-")].sort(); // the desk hands a new chat to the lowest id on a tie
    for (const id of [OPERATOR, a1, a2]) await register(gateway.url, id, PASSWORD, id === a1 ? "Agent One" : id === a2 ? "Agent Two" : "Operator");
    const op = await login(gateway.url, OPERATOR, PASSWORD);
    const put = await putDesk(op.token, { deskId: DESK, name: "Support", agents: [a1, a2], supervisors: [a1], agentCapacity: 3,
      noAnswerTimeoutSeconds: 0, labels: ["billing", "bug"], quickReplies: [{ shortcut: "hello", text: "Hello {name}, your order {orderId} is on its way." }] });
    if (put.status === 404 || put.status === 405) { t.skip("this gateway has no desk REST API yet (issue 10, helper A)"); return; }
    assert.equal(put.status, 200, await put.text());
    const tokenResponse = await fetch(`${gateway.url}/api/auth/token`, { method: "POST", headers: { "X-Api-Key": API_KEY, "Content-Type": "application/json" },
      body: JSON.stringify({ userId: uid("cust"), displayName: "Ann", role: "user", attributes: { orderId: "A-1001" } }) });
    const visitorToken = (await tokenResponse.json()).token;

    const agent1 = await newPage({ width: 1280, height: 800 });
    const agent2 = await newPage({ width: 390, height: 844 });
    await signInWithForm(agent1.page, a1);
    await byTestId(agent1.page, "status-select").selectOption("online");
    await signInWithForm(agent2.page, a2);

    const visitor = await newPage({ width: 1280, height: 800 });
    await visitor.page.goto(`http://127.0.0.1:${hostPort}/?desk=${DESK}&token=${visitorToken}`);
    const w = (sel, options) => visitor.page.locator(`[data-im-widget] ${sel}`, options);
    await w(".status", { hasText: "chatting with" }).or(w(".status", { hasText: "line" })).first().waitFor();
    await w("form.composer textarea").fill("Where is my order?");
    await visitor.page.keyboard.press("Enter");

    const p1 = agent1.page;
    const item = p1.locator('[data-testid="item"]', { hasText: "Ann" });
    await item.locator('[data-testid="unread-badge"]').waitFor();
    await item.click();
    await p1.locator('[data-testid="message"]', { hasText: "Where is my order?" }).waitFor();
    await p1.locator('[data-testid="visitor-attributes"]', { hasText: "A-1001" }).waitFor();
    await byTestId(p1, "composer-input").fill("/hello");
    await p1.locator('[data-testid="quick-reply"]').first().waitFor();
    await byTestId(p1, "composer-input").press("Enter"); // takes the quick reply
    assert.equal(await byTestId(p1, "composer-input").inputValue(), "Hello Ann, your order A-1001 is on its way.");
    await byTestId(p1, "composer-input").press("Enter"); // sends it
    await w("li.theirs", { hasText: "your order A-1001 is on its way" }).waitFor();
    await visitor.page.screenshot({ path: shot("console-flow-widget-1280.png") });
    await p1.screenshot({ path: shot("console-flow-agent1-1280.png") });
    await p1.setViewportSize({ width: 390, height: 844 });
    await p1.screenshot({ path: shot("console-flow-agent1-390.png") });
    await p1.setViewportSize({ width: 1280, height: 800 });

    await byTestId(agent2.page, "status-select").selectOption("online");
    await byTestId(p1, "transfer-button").click();
    await byTestId(p1, "transfer-target").selectOption(`agent:${a2}`);
    await byTestId(p1, "transfer-note").fill("Wants a delivery date.");
    await byTestId(p1, "dialog-ok").click();
    await w(".sys.transfer").waitFor();

    const p2 = agent2.page;
    await p2.locator('[data-testid="item"]', { hasText: "Ann" }).click();
    await p2.locator('[data-testid="note"]', { hasText: "Wants a delivery date." }).waitFor();
    assert.equal(await w("li", { hasText: "Wants a delivery date" }).count(), 0, "private notes never reach the visitor");
    await p2.screenshot({ path: shot("console-flow-agent2-390.png") });
    await byTestId(p2, "resolve-button").click();

    await w("li.rate").waitFor();
    await w(".star").nth(4).click();
    await w("li.rate button.send").click();
    await w("li.rate", { hasText: "Thank you" }).waitFor();
    await visitor.page.setViewportSize({ width: 390, height: 844 });
    await visitor.page.screenshot({ path: shot("console-flow-widget-390.png") });
    for (const p of [agent1, agent2, visitor]) assert.deepEqual(p.page.errors ?? [], []);
    for (const p of [agent1, agent2, visitor]) await p.context.close();
  });
});
