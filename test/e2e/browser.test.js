// The web client (src/Gateway/wwwroot) in Debian's Chromium through playwright-core, against the real gateway:
// two users chat in two browser contexts, unread badges rise and clear, a second window of the same user follows
// focus, a reload shows history, images go through upload; screenshots land in test/e2e/artifacts/. Every page runs
// under the gateway's Content-Security-Policy and must not break it; the operator dashboard is checked under its own.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { deflateSync } from "node:zlib";
import { chromium } from "playwright-core";
import { artifactsDir, startGateway } from "./lib/gateway.js";
import { ChatClient, TRANSPORTS, hostToken, register, sendText, uid, uploadFile } from "./lib/chat.js";

const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
// Playwright gives every launch a fresh temporary profile (its own --user-data-dir), removed on close.
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const TIMEOUT = 20_000;

let gateway;
let browser;
const state = {};
const OPERATOR = uid("op");
/** Every Content-Security-Policy violation any page of this file reported: "page url: directive blocked source". */
const cspViolations = [];

before(async () => {
  mkdirSync(artifactsDir, { recursive: true });
  // The page tests seed dozens of messages at once; the rate limiter has its own test in guarantees.test.js.
  gateway = await startGateway({ name: "browser", config: ["RateLimit:Send:PerSecond=500", "RateLimit:Send:Burst=500", `Auth:Operators:0=${OPERATOR}`] });
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
});

after(async () => {
  await browser?.close();
  await gateway?.stop();
});

const shot = (name) => path.join(artifactsDir, name);
const byTestId = (page, id) => page.locator(`[data-testid="${id}"]`);

async function newPage(context, viewport) {
  const page = await context.newPage();
  if (viewport) await page.setViewportSize(viewport);
  page.setDefaultTimeout(TIMEOUT);
  page.on("pageerror", (error) => { (page.errors ||= []).push(error); console.error(`page error: ${error.message}`); });
  await watchPolicy(page);
  return page;
}

/** Records the page's CSP violations (the DOM event, and Chromium's console report of the same) in cspViolations. */
async function watchPolicy(page) {
  await page.exposeFunction("__reportCspViolation", (text) => cspViolations.push(text));
  await page.addInitScript(() => document.addEventListener("securitypolicyviolation", (e) =>
    window.__reportCspViolation(`${document.location.pathname}: ${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`)));
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) cspViolations.push(`${page.url()}: ${message.text().slice(0, 300)}`);
  });
}

async function waitConnected(page) {
  await page.waitForFunction(() => window.__im?.connectionState === "Connected", null, { timeout: TIMEOUT });
}

async function registerInUi(page, userId, displayName, password = "correct horse battery") {
  await page.goto(gateway.url);
  await byTestId(page, "auth-tab-register").click();
  await byTestId(page, "auth-userid").fill(userId);
  await byTestId(page, "auth-password").fill(password);
  await byTestId(page, "auth-displayname").fill(displayName);
  await byTestId(page, "auth-submit").click();
  await byTestId(page, "app").waitFor({ state: "visible" });
  await waitConnected(page);
}

function convItem(page, conversationId) {
  return page.locator(`[data-testid="conv-item"][data-conversation-id="${conversationId}"]`);
}

async function activeConversation(page) {
  return page.evaluate(() => window.__im.activeConversationId);
}

async function sendInUi(page, text) {
  await byTestId(page, "composer-input").fill(text);
  await byTestId(page, "composer-input").press("Enter");
}

/** A small PNG (a coloured gradient) made here, for the upload test. */
function makePng(width = 96, height = 64) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type), data]);
    const sum = Buffer.alloc(4); sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0); header.writeUInt32BE(height, 4);
  header[8] = 8; header[9] = 2; // 8-bit RGB
  const rows = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3);
    for (let x = 0; x < width; x++) {
      row[1 + x * 3] = 40 + Math.round((x / width) * 200);
      row[2 + x * 3] = 90 + Math.round((y / height) * 120);
      row[3 + x * 3] = 220;
    }
    rows.push(row);
  }
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header), chunk("IDAT", deflateSync(Buffer.concat(rows))), chunk("IEND", Buffer.alloc(0))]);
}

describe("web client in Chromium", { timeout: 300_000 }, () => {
  it("two users chat in two browser contexts; the unread badge rises and clears", { timeout: 120_000 }, async (t) => {
    state.aliceContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    state.bobContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const alice = state.alice = await newPage(state.aliceContext);
    const bob = state.bob = await newPage(state.bobContext);
    state.aliceId = uid("alice");
    state.bobId = uid("bob");
    await registerInUi(alice, state.aliceId, "Alice Liddell");
    await registerInUi(bob, state.bobId, "Bob Builder");

    // A mistyped id is "no such user", not a chat with a ghost: a readable toast, nothing opened or listed.
    const typo = `${state.bobId}x`;
    await byTestId(alice, "new-direct-input").fill(typo);
    await byTestId(alice, "new-direct-submit").click();
    await byTestId(alice, "toast").filter({ hasText: `No user "${typo}"` }).waitFor();
    assert.equal(await activeConversation(alice), null, "no conversation opens for an unknown user");
    assert.equal(await byTestId(alice, "conv-item").count(), 0, "no conversation is listed for an unknown user");

    // Alice opens a direct chat by user id and writes, with an emoji from the picker.
    await byTestId(alice, "new-direct-input").fill(state.bobId);
    await byTestId(alice, "new-direct-submit").click();
    await byTestId(alice, "chat-title").filter({ hasText: "Bob Builder" }).waitFor().catch(async () => {
      // The peer's display name arrives with the conversation view; the id is an acceptable title before that.
      await byTestId(alice, "chat-title").waitFor();
    });
    state.directId = await activeConversation(alice);
    assert.ok(state.directId, "a conversation is open");
    await byTestId(alice, "composer-input").fill("Hello Bob ");
    await byTestId(alice, "emoji-button").click();
    await byTestId(alice, "emoji-picker").locator("button").first().click();
    await byTestId(alice, "composer-input").press("Enter");
    await alice.locator('[data-testid="message"] [data-testid="message-text"]', { hasText: "Hello Bob 😀" }).waitFor();

    // Bob is looking at nothing: the conversation appears with a badge of 1, then 2.
    const bobItem = convItem(bob, state.directId);
    await bobItem.locator('[data-testid="conv-unread"]', { hasText: "1" }).waitFor();
    await sendInUi(alice, "Are you there?");
    await bobItem.locator('[data-testid="conv-unread"]', { hasText: "2" }).waitFor();
    assert.equal(await byTestId(bob, "total-unread").textContent(), "2", "the total badge counts both");
    await bob.screenshot({ path: shot("unread-badge.png") });

    // Bob opens it: both messages show, the badge clears, Alice sees her messages read.
    await bobItem.click();
    await bob.locator('[data-testid="message-text"]', { hasText: "Are you there?" }).waitFor();
    await bobItem.locator('[data-testid="conv-unread"]').waitFor({ state: "detached" });
    await byTestId(bob, "total-unread").waitFor({ state: "hidden" });
    await alice.locator('[data-testid="receipt"][data-read="true"]').first().waitFor();

    // Typing indicator, then Bob's reply reaches Alice.
    await byTestId(bob, "composer-input").pressSequentially("Yes, here", { delay: 30 });
    await byTestId(alice, "typing-indicator").filter({ hasText: "typing" }).waitFor();
    await byTestId(bob, "composer-input").press("Enter");
    await alice.locator('[data-testid="message-text"]', { hasText: "Yes, here" }).waitFor();
    const seqs = await bob.locator('[data-testid="message"]').evaluateAll((nodes) => nodes.map((n) => Number(n.dataset.seq)));
    assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), "messages are shown in seq order");
    assert.equal(new Set(seqs).size, seqs.length, "no message is shown twice");
    t.diagnostic(`bob shows seq ${seqs.join(",")}`);
  });

  it("images upload and show inline on the other side; recall withdraws a message", { timeout: 60_000 }, async () => {
    const { alice, bob } = state;
    await byTestId(alice, "file-input").setInputFiles({ name: "gradient.png", mimeType: "image/png", buffer: makePng() });
    const image = bob.locator('[data-testid="message-image"]').last();
    await image.waitFor();
    await bob.waitForFunction((img) => img.complete && img.naturalWidth > 0, await image.elementHandle());
    await byTestId(alice, "file-input").setInputFiles({ name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("meeting notes\n") });
    await bob.locator('[data-testid="message-file"]', { hasText: "notes.txt" }).waitFor();

    // A refused upload says why and can be dismissed; nothing reaches the peer.
    await byTestId(alice, "file-input").setInputFiles({ name: "tool.exe", mimeType: "application/x-msdownload", buffer: Buffer.from("MZ") });
    await byTestId(alice, "toast").filter({ hasText: "That kind of file cannot be sent." }).waitFor();
    await alice.locator('[data-testid="message-pending"]', { hasText: "Not sent" }).waitFor();
    await byTestId(alice, "dismiss-button").click();
    await alice.locator('[data-testid="message-pending"]').waitFor({ state: "detached" });
    assert.equal(await bob.locator('[data-testid="message-file"]', { hasText: "tool.exe" }).count(), 0);

    await sendInUi(alice, "oops, wrong chat");
    const wrong = alice.locator('[data-testid="message"]', { hasText: "oops, wrong chat" });
    await wrong.waitFor();
    await bob.locator('[data-testid="message-text"]', { hasText: "oops, wrong chat" }).waitFor();
    await wrong.locator('[data-testid="recall-button"]').click();
    await bob.locator('[data-testid="message-text"]', { hasText: "recalled a message" }).waitFor();
    await alice.locator('[data-testid="message-text"]', { hasText: "You recalled a message" }).waitFor();
    assert.equal(await bob.locator('[data-testid="message-text"]', { hasText: "oops, wrong chat" }).count(), 0, "the recalled text is gone for bob");
  });

  it("a second window of the same user follows focus and unread state", { timeout: 90_000 }, async () => {
    const { alice, bob, bobContext } = state;
    // Alice makes a group with Bob (through the dialog).
    await byTestId(alice, "new-group-button").click();
    await byTestId(alice, "group-title").fill("Weekend trip");
    // A mistyped member keeps the dialog open with a sentence naming the id, and creates nothing.
    const typo = `${state.bobId}-typo`;
    await byTestId(alice, "group-members").fill(`${state.bobId}, ${typo}`);
    await byTestId(alice, "group-create").click();
    await byTestId(alice, "group-error").filter({ hasText: `There is no user ${typo}.` }).waitFor();
    assert.equal(await alice.locator("#group-dialog[open]").count(), 1, "the dialog stays open to fix the id");
    await byTestId(alice, "group-members").fill(state.bobId);
    await byTestId(alice, "group-create").click();
    await byTestId(alice, "chat-title").filter({ hasText: "Weekend trip" }).waitFor();
    state.groupId = await activeConversation(alice);
    await sendInUi(alice, "Who brings the tent?");

    const bob2 = state.bob2 = await newPage(bobContext);
    await bob2.goto(gateway.url); // same browser profile: signed in from localStorage
    await byTestId(bob2, "app").waitFor({ state: "visible" });
    await waitConnected(bob2);
    await convItem(bob2, state.groupId).waitFor();

    // The group's badge shows in both windows while Bob is in the direct chat.
    await convItem(bob, state.groupId).locator('[data-testid="conv-unread"]', { hasText: "1" }).waitFor();
    await convItem(bob2, state.groupId).locator('[data-testid="conv-unread"]', { hasText: "1" }).waitFor();

    // Window 1 opens the group: window 2 switches to it, and the badge clears in both.
    await convItem(bob, state.groupId).click();
    await bob2.waitForFunction((id) => window.__im.activeConversationId === id, state.groupId);
    await byTestId(bob2, "chat-title").filter({ hasText: "Weekend trip" }).waitFor();
    await convItem(bob2, state.groupId).locator('[data-testid="conv-unread"]').waitFor({ state: "detached" });

    // And back: window 2 opens the direct chat, window 1 follows.
    await convItem(bob2, state.directId).click();
    await bob.waitForFunction((id) => window.__im.activeConversationId === id, state.directId);

    // A message sent from window 2 shows once in window 1.
    await sendInUi(bob2, "sent from my second window");
    await bob.locator('[data-testid="message-text"]', { hasText: "sent from my second window" }).waitFor();
    await alice.locator('[data-testid="conv-item"]').first().waitFor();
    assert.equal(await bob.locator('[data-testid="message-text"]', { hasText: "sent from my second window" }).count(), 1);
  });

  it("presence dots follow the peer's status", { timeout: 60_000 }, async () => {
    const { alice, bob } = state;
    const dot = convItem(alice, state.directId).locator('[data-testid="presence-dot"]');
    await alice.locator(`[data-testid="conv-item"][data-conversation-id="${state.directId}"] [data-testid="presence-dot"][data-status="online"]`).waitFor();
    await byTestId(bob, "presence-select").selectOption("busy");
    await alice.locator(`[data-testid="conv-item"][data-conversation-id="${state.directId}"] [data-testid="presence-dot"][data-status="busy"]`).waitFor();
    await byTestId(bob, "presence-select").selectOption("online");
    await alice.locator(`[data-testid="conv-item"][data-conversation-id="${state.directId}"] [data-testid="presence-dot"][data-status="online"]`).waitFor();
    assert.equal(await dot.count(), 1);
  });

  it("groups: add members and leave", { timeout: 60_000 }, async () => {
    const { alice, bob, bob2 } = state;
    const daveId = uid("dave");
    const daveToken = (await hostToken(gateway.url, daveId, "Dave")).token;
    const dave = await ChatClient.connect(gateway.url, daveToken, TRANSPORTS[0][1], { name: "dave" });
    try {
      await convItem(alice, state.groupId).click();
      await byTestId(alice, "add-members").click();
      await byTestId(alice, "group-members").fill(daveId);
      await byTestId(alice, "group-create").click();
      await byTestId(alice, "chat-sub").filter({ hasText: "3 members" }).waitFor();
      const joined = await dave.waitFor("conversation", (v) => v.conversationId === state.groupId);
      assert.ok(joined.members.some((m) => m.userId === daveId), "the added member learns the group");
      const history = await dave.invoke("History", state.groupId, Number.MAX_SAFE_INTEGER, 50);
      assert.ok(Array.isArray(history), "the added member may read the group");

      bob.once("dialog", (dialog) => dialog.accept());
      await convItem(bob, state.groupId).click();
      await byTestId(bob, "leave-button").click();
      await convItem(bob, state.groupId).waitFor({ state: "detached" });
      await convItem(bob2, state.groupId).waitFor({ state: "detached" }); // the other window follows
      await byTestId(alice, "chat-sub").filter({ hasText: "2 members" }).waitFor();
    } finally {
      await dave.stop();
    }
  });

  it("a reload shows the history", { timeout: 60_000 }, async () => {
    const { bob2 } = state;
    await bob2.reload();
    await waitConnected(bob2);
    await convItem(bob2, state.directId).click();
    for (const text of ["Hello Bob 😀", "Are you there?", "Yes, here", "sent from my second window"]) {
      await bob2.locator('[data-testid="message-text"]', { hasText: text }).waitFor();
    }
    await bob2.locator('[data-testid="message-image"]').first().waitFor();
    const seqs = await bob2.locator('[data-testid="message"]').evaluateAll((nodes) => nodes.map((n) => Number(n.dataset.seq)));
    assert.equal(new Set(seqs).size, seqs.length, "nothing shows twice after a reload");
  });

  it("history pages in when scrolling up", { timeout: 60_000 }, async () => {
    const carolId = uid("carol");
    const carolToken = (await hostToken(gateway.url, carolId, "Carol")).token;
    const carol = await ChatClient.connect(gateway.url, carolToken, TRANSPORTS[0][1], { name: "carol" });
    try {
      const id = (await carol.invoke("OpenDirect", state.aliceId)).conversationId;
      for (let i = 1; i <= 45; i++) await sendText(carol, id, `history line ${i}`);
      const { alice } = state;
      const shown = () => alice.locator('[data-testid="message"]').evaluateAll((nodes) => nodes.map((n) => Number(n.dataset.seq)));
      const all = Array.from({ length: 45 }, (_, i) => i + 1);

      // Alice was online: all 45 were pushed to her page. Opening the chat shows them and the newest page that
      // arrives after that hides none of them (the read mark is sent once that page is in).
      await convItem(alice, id).locator('[data-testid="conv-unread"]', { hasText: "45" }).waitFor();
      await convItem(alice, id).click();
      await alice.locator('[data-testid="message-text"]', { hasText: /^history line 1$/ }).waitFor();
      await convItem(alice, id).locator('[data-testid="conv-unread"]').waitFor({ state: "detached" });
      assert.deepEqual(await shown(), all, "messages pushed while the chat was closed stay in view");
      assert.equal(await byTestId(alice, "load-older").isVisible(), false, "nothing older to load");

      // After a reload only the newest page is fetched; scrolling up pages in the rest.
      await alice.reload();
      await waitConnected(alice);
      await convItem(alice, id).click();
      await byTestId(alice, "load-older").waitFor();
      assert.deepEqual(await shown(), all.slice(15), "the first page holds the newest 30");
      await byTestId(alice, "message-list").evaluate((box) => { box.scrollTop = 0; });
      await alice.locator('[data-testid="message-text"]', { hasText: /^history line 1$/ }).waitFor();
      assert.deepEqual(await shown(), all, "scrolling up paged in the rest, once, in order");
      await byTestId(alice, "load-older").waitFor({ state: "hidden" });
    } finally {
      await carol.stop();
    }
  });

  it("screenshots of the chat page (desktop and phone)", { timeout: 60_000 }, async (t) => {
    const { alice, aliceContext } = state;
    await convItem(alice, state.directId).click();
    await alice.locator('[data-testid="message-image"]').first().waitFor();
    await alice.waitForFunction(() => [...document.querySelectorAll('[data-testid="message-image"]')].every((i) => i.complete));
    await alice.screenshot({ path: shot("chat-desktop.png") });
    await convItem(alice, state.groupId).click();
    await byTestId(alice, "chat-title").filter({ hasText: "Weekend trip" }).waitFor();
    await byTestId(alice, "emoji-button").click();
    await byTestId(alice, "emoji-picker").waitFor();
    await alice.screenshot({ path: shot("chat-group-emoji.png") });
    await byTestId(alice, "emoji-button").click();

    const phone = await newPage(aliceContext, { width: 390, height: 844 });
    await phone.goto(gateway.url);
    await waitConnected(phone);
    await phone.screenshot({ path: shot("list-phone.png") });
    await convItem(phone, state.directId).click();
    await phone.locator('[data-testid="message-text"]', { hasText: "Yes, here" }).waitFor();
    await phone.screenshot({ path: shot("chat-phone.png") });
    await phone.close();

    const fresh = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const login = await newPage(fresh);
    await login.goto(gateway.url);
    await byTestId(login, "auth-screen").waitFor({ state: "visible" });
    await login.screenshot({ path: shot("sign-in.png") });
    // A wrong password is refused with a clear message; the registered one signs in, and the list is there.
    await byTestId(login, "auth-userid").fill(state.aliceId);
    await byTestId(login, "auth-password").fill("not the password");
    await byTestId(login, "auth-submit").click();
    await byTestId(login, "auth-error").filter({ hasText: "Wrong user id or password" }).waitFor();
    await byTestId(login, "auth-password").fill("correct horse battery");
    await byTestId(login, "auth-submit").click();
    await waitConnected(login);
    await convItem(login, state.directId).waitFor();
    // Signing out, then in as a guest.
    await byTestId(login, "logout").click();
    await byTestId(login, "auth-screen").waitFor({ state: "visible" });
    await byTestId(login, "auth-tab-guest").click();
    await byTestId(login, "auth-displayname").fill("Visitor");
    await byTestId(login, "auth-submit").click();
    await waitConnected(login);
    assert.match(await byTestId(login, "me-id").textContent(), /^guest-/, "a guest gets a guest- id");
    assert.equal(await login.locator('[data-testid="conv-item"]').count(), 0, "a new guest has no conversations");
    await fresh.close();
    for (const page of [state.alice, state.bob, state.bob2]) {
      assert.deepEqual((page.errors || []).map((e) => e.message), [], "no uncaught errors in the page");
    }
    t.diagnostic(`screenshots in ${artifactsDir}: chat-desktop.png, chat-group-emoji.png, chat-phone.png, list-phone.png, unread-badge.png, sign-in.png`);
  });
});

describe("web client reconnects after the gateway crashes", { timeout: 400_000 }, () => {
  const transports = { WebSockets: "websockets", ServerSentEvents: "sse", LongPolling: "longpolling" };
  for (const [name, transport] of TRANSPORTS) {
    it(`over ${name}: reconnects, Syncs from its cursors and shows every message once`, { timeout: 120_000 }, async (t) => {
      let first = await startGateway({ name: `reconnect-${name}` });
      let second = null;
      const context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
      let alice = null;
      try {
        const aliceId = uid("alice");
        const bobId = uid("bob");
        const aliceToken = (await hostToken(first.url, aliceId, "Alice")).token;
        const bobAuth = await hostToken(first.url, bobId, "Bob");
        alice = await ChatClient.connect(first.url, aliceToken, transport, { name: "alice" });
        const id = (await alice.invoke("OpenDirect", bobId)).conversationId;
        for (let i = 1; i <= 3; i++) await sendText(alice, id, `before crash ${i}`);

        const page = await newPage(context);
        const seen = { websocket: 0, eventStream: 0, polls: 0 };
        page.on("websocket", () => seen.websocket++);
        page.on("request", (request) => {
          if (!/\/hubs\/chat\?(?:.*&)?id=/.test(request.url()) || request.method() !== "GET") return;
          if ((request.headers().accept || "").includes("text/event-stream")) seen.eventStream++;
          else seen.polls++;
        });
        await page.goto(first.url);
        await page.evaluate((auth) => localStorage.setItem("im.auth", JSON.stringify(auth)), bobAuth);
        await page.goto(`${first.url}/?transport=${transports[name]}`);
        await waitConnected(page);
        await convItem(page, id).click();
        await page.locator('[data-testid="message-text"]', { hasText: "before crash 3" }).waitFor();

        await alice.stop();
        await first.kill("SIGKILL");
        await page.locator('[data-testid="conn-state"]:not([data-state="connected"])').waitFor();
        // Bob writes while the gateway is down: the message waits, then goes out once on reconnect.
        await sendInUi(page, "written while offline");
        await page.locator('[data-testid="message-pending"]', { hasText: "written while offline" }).waitFor();
        second = await startGateway({ name: `reconnect-${name}-after`, dataDir: first.dataDir, port: first.port });
        alice = await ChatClient.connect(second.url, aliceToken, transport, { name: "alice-again" });
        for (let i = 1; i <= 4; i++) await sendText(alice, id, `after restart ${i}`);

        await waitConnected(page);
        await page.locator('[data-testid="message-text"]', { hasText: "after restart 4" }).waitFor({ timeout: 30_000 });
        await page.locator('[data-testid="message"]', { hasText: "written while offline" }).waitFor({ timeout: 30_000 });
        await page.locator('[data-testid="message-pending"]').waitFor({ state: "detached" });
        const seqs = await page.locator('[data-testid="message"]').evaluateAll((nodes) => nodes.map((n) => Number(n.dataset.seq)));
        assert.deepEqual(seqs, [1, 2, 3, 4, 5, 6, 7, 8], "every message once, in order, after the reconnect");
        const stored = (await alice.invoke("History", id, Number.MAX_SAFE_INTEGER, 50)).filter((m) => m.text === "written while offline");
        assert.equal(stored.length, 1, "the message written while offline was stored once");
        await convItem(page, id).locator('[data-testid="conv-unread"]').waitFor({ state: "detached" });
        const cursors = await page.evaluate(() => window.__im.cursors());
        assert.equal(cursors[id], 8, "the client's cursor reached the end");
        const used = seen.websocket ? "WebSockets" : seen.eventStream ? "ServerSentEvents" : seen.polls ? "LongPolling" : "none";
        assert.equal(used, name, `the page used the transport asked for (${JSON.stringify(seen)})`);
        t.diagnostic(`reconnected over ${name}; page shows seq ${seqs.join(",")}; duplicates dropped by the client: ${await page.evaluate(() => window.__im.duplicatesDropped)}`);
        assert.deepEqual((page.errors || []).map((e) => e.message), [], "no uncaught errors in the page");
      } finally {
        await alice?.stop();
        await context.close();
        await second?.stop();
        await first.stop();
      }
    });
  }
});

describe("web client resends what the server could not take yet", { timeout: 120_000 }, () => {
  it("a Send answered 'unavailable' (a silo failing over) goes out again by itself and is stored once", { timeout: 60_000 }, async (t) => {
    const context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
    let alice = null;
    try {
      const aliceId = uid("alice");
      const bobAuth = await hostToken(gateway.url, uid("bob"), "Bob");
      alice = await ChatClient.connect(gateway.url, (await hostToken(gateway.url, aliceId, "Alice")).token, TRANSPORTS[0][1], { name: "alice" });
      const id = (await alice.invoke("OpenDirect", bobAuth.userId)).conversationId;

      // Between page and gateway: the first two Send invocations are answered "unavailable" as the hub does while a
      // conversation's silo fails over; everything else passes through untouched.
      const sends = [];
      await context.routeWebSocket(/\/hubs\/chat/, (page) => {
        const server = page.connectToServer();
        page.onMessage((data) => {
          const passOn = [];
          for (const frame of String(data).split("\x1e").filter(Boolean)) {
            const message = JSON.parse(frame);
            if (message.type === 1 && message.target === "Send") {
              sends.push({ clientMsgId: message.arguments[0].clientMsgId, at: Date.now() });
              if (sends.length <= 2) {
                page.send(`${JSON.stringify({ type: 3, invocationId: message.invocationId, error: "unavailable: the service is busy, try again" })}\x1e`);
                continue;
              }
            }
            passOn.push(`${frame}\x1e`);
          }
          if (passOn.length) server.send(passOn.join(""));
        });
        server.onMessage((data) => page.send(data));
      });

      const page = await newPage(context);
      await page.goto(gateway.url);
      await page.evaluate((auth) => localStorage.setItem("im.auth", JSON.stringify(auth)), bobAuth);
      await page.goto(`${gateway.url}/?transport=websockets`);
      await waitConnected(page);
      await convItem(page, id).click();
      await sendInUi(page, "sent during a failover");

      await page.locator('[data-testid="message"]', { hasText: "sent during a failover" }).waitFor();
      await page.locator('[data-testid="message-pending"]').waitFor({ state: "detached" });
      assert.equal(sends.length, 3, "two refused Sends, then the one that went through");
      assert.equal(new Set(sends.map((s) => s.clientMsgId)).size, 1, "every resend carries the same clientMsgId");
      assert.equal(await byTestId(page, "retry-button").count(), 0, "the user never had to press Retry");
      const stored = (await alice.invoke("History", id, Number.MAX_SAFE_INTEGER, 50)).filter((m) => m.text === "sent during a failover");
      assert.equal(stored.length, 1, "stored once");
      assert.deepEqual((page.errors || []).map((e) => e.message), [], "no uncaught errors in the page");
      t.diagnostic(`Send attempts ${sends.length}, resent after ${sends[1].at - sends[0].at} and ${sends[2].at - sends[1].at} ms; stored once as seq ${stored[0].seq}`);
    } finally {
      await alice?.stop();
      await context.close();
    }
  });
});

describe("content security policy", { timeout: 120_000 }, () => {
  it("the operator dashboard works under its policy", { timeout: 60_000 }, async () => {
    const operator = await register(gateway.url, OPERATOR, "operator password", "Operator");
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const page = await newPage(context);
      const response = await page.goto(`${gateway.url}/dashboard/?access_token=${operator.token}`);
      assert.match((await response.allHeaders())["content-security-policy"], /frame-ancestors 'none'/);
      // The dashboard's own script renders the menu and polls the silo's counters (connect-src).
      await page.locator("#menu a").first().waitFor();
      await page.locator("#content", { hasText: "TOTAL ACTIVATIONS" }).waitFor();
      for (const view of ["Grains", "Silos", "Lifecycle", "Overview"]) {
        await page.locator("#menu a", { hasText: view }).first().click();
        await page.waitForTimeout(1000);
      }
      assert.deepEqual((page.errors || []).map((e) => e.message), [], "no uncaught errors in the dashboard");
      await page.screenshot({ path: shot("dashboard.png") });
    } finally {
      await context.close();
    }
  });

  it("an uploaded image opened in a tab shows under the files' sandboxed policy", { timeout: 60_000 }, async () => {
    const owner = await hostToken(gateway.url, uid("owner"), "Owner");
    const client = await ChatClient.connect(gateway.url, owner.token, TRANSPORTS[0][1], { name: "owner" });
    const context = await browser.newContext();
    try {
      const id = (await client.invoke("CreateGroup", { title: "tab", memberIds: [] })).conversationId;
      const file = await (await uploadFile(gateway.url, owner.token, id, makePng(), { type: "image/png", fileName: "tab.png" })).json();
      const page = await newPage(context);
      const response = await page.goto(`${gateway.url}${file.url}?access_token=${owner.token}`);
      assert.match((await response.allHeaders())["content-security-policy"], /sandbox/);
      await page.waitForFunction(() => document.images[0]?.complete && document.images[0].naturalWidth > 0);
    } finally {
      await context.close();
      await client.stop();
    }
  });

  it("no page of this file broke its Content-Security-Policy", async () => {
    const page = await fetch(gateway.url);
    assert.match(page.headers.get("content-security-policy") ?? "", /script-src 'self'/, "the web client is served with its policy");
    assert.deepEqual(cspViolations, []);
  });
});
