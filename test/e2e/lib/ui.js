// Driving the web client in Chromium for the chat UI tests: one browser (with fake camera and microphone), signed-in
// pages at a chosen size, and checks of what a person sees (visible, inside the viewport, no protocol codes).
import assert from "node:assert/strict";
import { after, before } from "node:test";
import { mkdirSync } from "node:fs";
import { deflateSync } from "node:zlib";
import path from "node:path";
import { chromium } from "playwright-core";
import { artifactsDir, startGateway } from "./gateway.js";
import { ChatClient, TRANSPORTS, login, register, uid } from "./chat.js";

const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
  "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream", "--autoplay-policy=no-user-gesture-required"];
export const TIMEOUT = 20_000;
export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

export function launchBrowser() {
  mkdirSync(artifactsDir, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS, timeout: 60_000 });
}

/**
 * One gateway and one Chromium for a whole test file: signed-in pages per user and size, hub clients (WebSockets),
 * and the check that no page threw a script error (at its close, or at the end for pages left open).
 */
export function uiSuite(name, config) {
  const suite = {
    gateway: null,
    browser: null,
    pages: [],
    async page(user, viewport) {
      const p = await signedInPage(suite.browser, suite.gateway.url, user, viewport);
      suite.pages.push(p);
      return p;
    },
    async closePage(p) {
      suite.pages.splice(suite.pages.indexOf(p), 1);
      await p.context().close();
      assert.deepEqual(p.errors.map((e) => e.message), [], "no script errors in the page");
    },
    client: (user) => ChatClient.connect(suite.gateway.url, user.auth.token, TRANSPORTS[0][1], { name: user.userId }),
  };
  before(async () => {
    suite.gateway = await startGateway({ name, config });
    suite.browser = await launchBrowser();
  });
  after(async () => {
    for (const p of suite.pages) assert.deepEqual(p.errors.map((e) => e.message), [], "no script errors in the page");
    await suite.browser?.close();
    await suite.gateway?.stop();
  });
  return suite;
}

export const byTestId = (page, id) => page.locator(`[data-testid="${id}"]`);
export const shot = (page, name) => page.screenshot({ path: path.join(artifactsDir, name) });

/** Registers a user over REST; answers { userId, password, displayName, auth }. */
export async function newUser(base, prefix, displayName) {
  const userId = uid(prefix);
  const password = "correct horse battery";
  const auth = await register(base, userId, password, displayName);
  return { userId, password, displayName, auth };
}

/** A page in its own browser context (its own localStorage), signed in as the user through the sign-in form. */
export async function signedInPage(browser, base, user, viewport = DESKTOP) {
  const context = await browser.newContext({ viewport });
  await context.grantPermissions(["microphone", "camera"], { origin: base });
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  page.errors = [];
  page.on("pageerror", (error) => { page.errors.push(error); console.error(`page error: ${error.message}`); });
  page.on("dialog", (dialog) => dialog.accept());
  await page.goto(base);
  await byTestId(page, "auth-userid").fill(user.userId);
  await byTestId(page, "auth-password").fill(user.password);
  await byTestId(page, "auth-submit").click();
  await waitConnected(page);
  return page;
}

export async function waitConnected(page) {
  await page.waitForFunction(() => window.__im?.connectionState === "Connected", null, { timeout: TIMEOUT });
}

export const relogin = (base, user) => login(base, user.userId, user.password);

export function convItem(page, conversationId) {
  return page.locator(`[data-testid="conv-item"][data-conversation-id="${conversationId}"]`);
}

export async function openChat(page, conversationId) {
  if (await page.evaluate(() => innerWidth <= 760) && await byTestId(page, "back").isVisible()) await byTestId(page, "back").click();
  // The list may redraw the row just as it is clicked (a push arrived); click again until the chat is the open one.
  for (let attempt = 1; ; attempt++) {
    await convItem(page, conversationId).click();
    try {
      await page.waitForFunction((id) => window.__im.activeConversationId === id, conversationId, { timeout: attempt < 5 ? 4000 : TIMEOUT });
      return;
    } catch (error) {
      if (attempt >= 5) throw error;
    }
  }
}

export async function sendInUi(page, text) {
  await byTestId(page, "composer-input").fill(text);
  await byTestId(page, "composer-input").press("Enter");
}

export function message(page, text) {
  return page.locator('[data-testid="message"]', { has: page.locator('[data-testid="message-text"]', { hasText: text }) });
}

/** The element is shown and lies wholly inside the page's viewport (nothing pushed off screen). */
export async function assertInViewport(locator, what) {
  // A redraw (a push arrived) can replace the node between the wait and the measure: measure the new one then.
  let box = null;
  for (let attempt = 0; attempt < 10 && !box; attempt++) {
    await locator.waitFor({ state: "visible" });
    box = await locator.boundingBox();
  }
  const size = locator.page().viewportSize();
  assert.ok(box, `${what} has a box`);
  assert.ok(box.x >= -0.5 && box.y >= -0.5 && box.x + box.width <= size.width + 0.5 && box.y + box.height <= size.height + 0.5,
    `${what} lies inside the ${size.width}x${size.height} viewport (at ${Math.round(box.x)},${Math.round(box.y)} size ${Math.round(box.width)}x${Math.round(box.height)})`);
}

/** No protocol code or SignalR internals anywhere in the page's text. */
export async function assertNoRawErrors(page, what) {
  const text = await page.evaluate(() => document.body.innerText);
  const raw = /\b(invalid|forbidden|not_found|rate_limited|conflict|unavailable|internal|unauthorized):|Cannot send data|HubException|connection is not in the/.exec(text);
  assert.equal(raw, null, `${what}: the page shows raw protocol text "${raw?.[0]}"`);
}

/** A small solid-colour PNG (width x height, RGB), made here for avatar uploads. */
export function solidPng(width, height, [r, g, b]) {
  const table = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc32 = (bytes) => {
    let c = 0xffffffff;
    for (const byte of bytes) c = table[(c ^ byte) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const part = (type, data) => {
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: width }, () => [r, g, b]).flat())]);
  const pixels = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), part("IHDR", ihdr), part("IDAT", deflateSync(pixels)), part("IEND", Buffer.alloc(0))]);
}
