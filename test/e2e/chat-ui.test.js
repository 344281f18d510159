// The web client's chat UI in Chromium at 1280x800 and 390x844, against the real gateway: plain sentences instead
// of protocol errors, the narrow layout, the header's display name, a reload that keeps the open conversation,
// block with visible state and undo, the message list's time grouping / day separator / unread divider / jump to
// latest, replies, contacts and the searching "new chat", voice and video messages recorded with the fake devices.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { newClientMsgId, sendText } from "./lib/chat.js";
import {
  DESKTOP, PHONE, assertInViewport, assertNoRawErrors, byTestId, convItem, message, newUser, openChat,
  sendInUi, shot, uiSuite, waitConnected,
} from "./lib/ui.js";

const suite = uiSuite("chat-ui", ["RateLimit:Send:PerSecond=500", "RateLimit:Send:Burst=500"]);

describe("chat UI", { timeout: 600_000 }, () => {
  it("sign-in errors are plain sentences", async () => {
    const context = await suite.browser.newContext({ viewport: PHONE });
    const p = await context.newPage();
    await p.goto(suite.gateway.url);
    await byTestId(p, "auth-tab-register").click();
    await byTestId(p, "auth-userid").fill("shorty-pass");
    await byTestId(p, "auth-password").fill("short");
    await byTestId(p, "auth-submit").click();
    await byTestId(p, "auth-error").filter({ hasText: "The password must be 8 to 128 characters long." }).waitFor();
    await assertNoRawErrors(p, "short password");

    const taken = await newUser(suite.gateway.url, "taken", "Taken");
    await byTestId(p, "auth-userid").fill(taken.userId);
    await byTestId(p, "auth-password").fill("long enough password");
    await byTestId(p, "auth-submit").click();
    await byTestId(p, "auth-error").filter({ hasText: "That user id is already taken" }).waitFor();
    await byTestId(p, "auth-userid").fill("a b");
    await byTestId(p, "auth-submit").click();
    await byTestId(p, "auth-error").filter({ hasText: "A user id is 3 to 64 letters" }).waitFor();
    await assertNoRawErrors(p, "taken id");
    await shot(p, "ui-auth-error-390.png");
    await context.close();
  });

  it("at 390 px a long name keeps the list, status, sign-out, + Group, times and badges on screen; header shows the display name", async () => {
    const alice = await newUser(suite.gateway.url, "alice", "Alice Liddell");
    const longName = "Bartholomew-Maximilian-Fitzgerald-Wolfeschlegelsteinhausenberger"; // 64, the longest allowed, one word
    const bart = await newUser(suite.gateway.url, "bart", longName);
    const bartClient = await suite.client(bart);
    const id = (await bartClient.invoke("OpenDirect", alice.userId)).conversationId;
    await sendText(bartClient, id, `A very long first line that goes on and on without a break ${"x".repeat(200)}`);

    const p = await suite.page(alice, PHONE);
    // Signed in through the form (the answer has no display name): the header shows the name, not the id.
    await byTestId(p, "me-name").filter({ hasText: "Alice Liddell" }).waitFor();
    const item = convItem(p, id);
    await item.locator('[data-testid="conv-unread"]', { hasText: "1" }).waitFor();
    const listWidth = (await byTestId(p, "conv-list").boundingBox()).width;
    assert.ok(listWidth <= PHONE.width, `the conversation list is ${listWidth} px wide`);
    assert.equal(await p.evaluate(() => document.documentElement.scrollWidth), PHONE.width, "nothing scrolls sideways");
    await assertInViewport(byTestId(p, "presence-select"), "the status menu");
    await assertInViewport(byTestId(p, "logout"), "sign out");
    await assertInViewport(byTestId(p, "new-group-button"), "+ Group");
    await assertInViewport(item.locator(".conv-time"), "the list time");
    await assertInViewport(item.locator('[data-testid="conv-unread"]'), "the unread badge");
    await shot(p, "ui-list-long-name-390.png");

    await openChat(p, id);
    await assertInViewport(byTestId(p, "block-button"), "Block in the chat header");
    await assertInViewport(byTestId(p, "send-button"), "Send");
    await assertInViewport(byTestId(p, "back"), "Back");
    await shot(p, "ui-chat-long-name-390.png");
    await bartClient.stop();
  });

  it("a reload reopens the open conversation; Block shows its state and Unblock undoes it (390 px and desktop)", async () => {
    const carol = await newUser(suite.gateway.url, "carol", "Carol");
    const dave = await newUser(suite.gateway.url, "dave", "Dave");
    const daveClient = await suite.client(dave);
    const id = (await daveClient.invoke("OpenDirect", carol.userId)).conversationId;
    await sendText(daveClient, id, "hello carol");

    for (const viewport of [PHONE, DESKTOP]) {
      const p = await suite.page(carol, viewport);
      await openChat(p, id);
      await message(p, "hello carol").waitFor();
      await p.reload();
      await waitConnected(p);
      await p.waitForFunction((cid) => window.__im.activeConversationId === cid, id);
      await message(p, "hello carol").waitFor();
      await assertInViewport(byTestId(p, "chat-title").filter({ hasText: "Dave" }), "the reopened chat's title");

      await byTestId(p, "block-button").click();
      await byTestId(p, "blocked-banner").filter({ hasText: "You blocked Dave" }).waitFor();
      await byTestId(p, "block-button").filter({ hasText: "Unblock" }).waitFor();
      const refused = await daveClient.invoke("Send", { conversationId: id, clientMsgId: newClientMsgId(), kind: "text", text: "blocked?" }).then(() => null, (e) => String(e.message));
      assert.match(refused ?? "", /forbidden/, "the blocked user's Send is refused");
      await shot(p, `ui-blocked-${viewport.width}.png`);
      await byTestId(p, "unblock-button").click();
      await byTestId(p, "blocked-banner").waitFor({ state: "hidden" });
      await byTestId(p, "block-button").filter({ hasText: /^Block$/ }).waitFor();
      await sendText(daveClient, id, `back again ${viewport.width}`);
      await message(p, `back again ${viewport.width}`).waitFor();
      await suite.closePage(p);
    }
    await daveClient.stop();
  });

  it("a refused send and a dropped connection read as sentences; the message goes out when the connection is back", async () => {
    const erin = await newUser(suite.gateway.url, "erin", "Erin");
    const fred = await newUser(suite.gateway.url, "fred", "Fred");
    const fredClient = await suite.client(fred);
    const id = (await fredClient.invoke("OpenDirect", erin.userId)).conversationId;
    await sendText(fredClient, id, "hi erin");
    await fredClient.invoke("Block", erin.userId);

    const p = await suite.page(erin, PHONE);
    await openChat(p, id);
    await sendInUi(p, "are you there?");
    await byTestId(p, "toast").filter({ hasText: "This person is not accepting your messages." }).waitFor();
    await p.locator('[data-testid="message-pending"]', { hasText: "Not sent: This person is not accepting your messages." }).waitFor();
    await assertNoRawErrors(p, "blocked send");
    await shot(p, "ui-send-refused-390.png");
    await byTestId(p, "dismiss-button").or(byTestId(p, "retry-button")).first().waitFor();
    await fredClient.invoke("Unblock", erin.userId);

    await p.evaluate(() => window.__im.dropConnection());
    await sendInUi(p, "sent while the line was down");
    await waitConnected(p);
    await message(p, "sent while the line was down").waitFor();
    await assertNoRawErrors(p, "after the reconnect");
    await fredClient.stop();
  });

  it("the message list groups times, separates days, marks where I left off and jumps to the latest", async () => {
    const gina = await newUser(suite.gateway.url, "gina", "Gina");
    const hank = await newUser(suite.gateway.url, "hank", "Hank");
    const hankClient = await suite.client(hank);
    const id = (await hankClient.invoke("OpenDirect", gina.userId)).conversationId;
    await sendText(hankClient, id, "first, already read");
    for (const viewport of [DESKTOP, PHONE]) {
      const p = await suite.page(gina, viewport);
      await openChat(p, id);
      await message(p, "first, already read").waitFor();
      if (viewport === DESKTOP) {
        await sendInUi(p, "my answer");
        await message(p, "my answer").locator('[data-testid="receipt"]').waitFor();
      }
      // Leave the chat, let Hank write a run of messages, come back.
      await (viewport === PHONE ? byTestId(p, "back").click() : p.evaluate(() => document.querySelector("[data-testid=back]").click()));
      for (let i = 1; i <= 25; i++) await sendText(hankClient, id, `unread ${viewport.width} #${i}`);
      await convItem(p, id).locator('[data-testid="conv-unread"]', { hasText: "25" }).waitFor();
      await openChat(p, id);
      const divider = byTestId(p, "unread-divider");
      await divider.filter({ hasText: "New messages" }).waitFor();
      const after = await divider.evaluate((node) => node.nextElementSibling.innerText);
      assert.match(after, new RegExp(`unread ${viewport.width} #1\\b`), "the divider stands right before the first unread message");
      await assertInViewport(divider, "the unread divider, where the user left off");
      await byTestId(p, "day-separator").filter({ hasText: "Today" }).first().waitFor();
      // A run of messages within a few minutes from one sender shows one time, under its last message.
      const run = p.locator('[data-testid="message"]', { hasText: `unread ${viewport.width} #` });
      assert.equal(await run.count(), 25);
      assert.equal(await run.locator('[data-testid="message-time"]').count(), 1, "one time stamp for the run");
      await shot(p, `ui-unread-divider-${viewport.width}.png`);

      // Scrolled up, new messages raise the jump button with their count; it brings the newest into view.
      await byTestId(p, "message-list").evaluate((box) => { box.scrollTop = 0; });
      await byTestId(p, "jump-latest").waitFor();
      const count = async () => Number(await p.locator("#jump-count").innerText() || 0);
      await p.waitForFunction(() => document.querySelector("#jump-count").textContent !== "");
      const before = await count();
      assert.ok(before > 0 && before < 25, `the button counts the unread messages below the screen (${before})`);
      await sendText(hankClient, id, `newest ${viewport.width}`);
      await p.waitForFunction((n) => Number(document.querySelector("#jump-count").textContent) === n, before + 1);
      await assertInViewport(byTestId(p, "jump-latest"), "the jump-to-latest button");
      await shot(p, `ui-jump-${viewport.width}.png`);
      await byTestId(p, "jump-latest").click();
      await byTestId(p, "jump-latest").waitFor({ state: "hidden" });
      await assertInViewport(message(p, `newest ${viewport.width}`), "the newest message after the jump");
      await suite.closePage(p);
    }
    await hankClient.stop();
  });

  it("reply quotes the original for both people", async () => {
    const ivy = await newUser(suite.gateway.url, "ivy", "Ivy");
    const jack = await newUser(suite.gateway.url, "jack", "Jack");
    const jackClient = await suite.client(jack);
    const id = (await jackClient.invoke("OpenDirect", ivy.userId)).conversationId;
    await sendText(jackClient, id, "Lunch at noon?");
    const p = await suite.page(ivy, PHONE);
    await openChat(p, id);
    await message(p, "Lunch at noon?").locator(".bubble").click();
    await byTestId(p, "menu-reply").click();
    await byTestId(p, "compose-context").filter({ hasText: "Reply to Jack" }).waitFor();
    await assertInViewport(byTestId(p, "compose-context"), "the reply bar");
    await sendInUi(p, "Yes, see you there");
    const reply = message(p, "Yes, see you there");
    await reply.locator('[data-testid="reply-quote"]', { hasText: "Lunch at noon?" }).waitFor();
    await byTestId(p, "compose-context").waitFor({ state: "hidden" });
    await shot(p, "ui-reply-390.png");
    const pushed = await jackClient.waitFor("message", (m) => m.text === "Yes, see you there");
    assert.equal(pushed.replyToSeq, 1, "the reply names the original's seq");
    // A page that never held the original fetches it for the quote.
    const fresh = await suite.page(jack, DESKTOP);
    await openChat(fresh, id);
    await message(fresh, "Yes, see you there").locator('[data-testid="reply-quote"]', { hasText: "Lunch at noon?" }).waitFor();
    await jackClient.stop();
  });

  it("contacts: add, list with names, remove; blocked people listed with Unblock; the search box finds people", async () => {
    const kim = await newUser(suite.gateway.url, "kim", "Kim Possible");
    const leo = await newUser(suite.gateway.url, "leo", "Leo Tolstoy");
    for (const viewport of [PHONE, DESKTOP]) {
      const p = await suite.page(kim, viewport);
      await byTestId(p, "tab-contacts").click();
      await byTestId(p, "add-contact-input").fill("nobody-here-123");
      await byTestId(p, "add-contact-submit").click();
      await byTestId(p, "toast").filter({ hasText: 'No user "nobody-here-123"' }).waitFor();
      await byTestId(p, "add-contact-input").fill(leo.userId);
      await byTestId(p, "add-contact-submit").click();
      const row = p.locator(`[data-testid="contact"][data-user-id="${leo.userId}"]`);
      await row.waitFor();
      await assertInViewport(row.locator('[data-testid="contact-remove"]'), "Remove on the contact row");
      await row.locator('[data-testid="presence-dot"][data-status="offline"]').waitFor(); // Leo never connected
      await shot(p, `ui-contacts-${viewport.width}.png`);
      await row.locator('[data-testid="contact-remove"]').click();
      await row.waitFor({ state: "detached" });
      await byTestId(p, "add-contact-input").fill(leo.userId);
      await byTestId(p, "add-contact-submit").click();
      await row.waitFor();

      // "New chat" searches: the contact is found by a word of the name, and opening it starts the chat.
      await byTestId(p, "new-direct-input").fill("tol");
      await p.locator(`[data-testid="search-person"][data-user-id="${leo.userId}"]`).click();
      await byTestId(p, "chat-title").filter({ hasText: "Leo Tolstoy" }).waitFor();
      await byTestId(p, "block-button").click();
      await byTestId(p, "blocked-banner").waitFor();
      if (viewport === PHONE) await byTestId(p, "back").click();
      await byTestId(p, "tab-contacts").click();
      const blocked = p.locator(`[data-testid="blocked-person"][data-user-id="${leo.userId}"]`);
      await blocked.waitFor();
      await shot(p, `ui-contacts-blocked-${viewport.width}.png`);
      await blocked.locator('[data-testid="blocked-unblock"]').click();
      await blocked.waitFor({ state: "detached" });
      await row.locator('[data-testid="contact-remove"]').click();
      await row.waitFor({ state: "detached" });
      await suite.closePage(p);
    }
  });

  it("voice and video messages are recorded, sent and play for the other person", async () => {
    const mia = await newUser(suite.gateway.url, "mia", "Mia");
    const ned = await newUser(suite.gateway.url, "ned", "Ned");
    const nedClient = await suite.client(ned);
    const id = (await nedClient.invoke("OpenDirect", mia.userId)).conversationId;
    await sendText(nedClient, id, "send me a voice note");
    const p = await suite.page(mia, PHONE);
    const other = await suite.page(ned, DESKTOP);
    await openChat(p, id);
    await openChat(other, id);
    for (const kind of ["voice", "video"]) {
      await byTestId(p, `record-${kind}`).click();
      await byTestId(p, "recorder").waitFor();
      await assertInViewport(byTestId(p, "recorder-send"), "the recorder's Send");
      await byTestId(p, "recorder-time").filter({ hasText: "0:01" }).waitFor();
      if (kind === "video") await shot(p, "ui-recording-video-390.png");
      await byTestId(p, "recorder-send").click();
      const media = other.locator(`[data-testid="message-${kind === "voice" ? "audio" : "video"}"]`).last();
      await media.waitFor();
      await other.waitForFunction((node) => node.src && node.src.startsWith("blob:"), await media.elementHandle());
      const duration = await media.evaluate((node) => new Promise((resolve) => {
        if (node.readyState >= 1) resolve(node.duration);
        node.addEventListener("loadedmetadata", () => resolve(node.duration), { once: true });
        node.addEventListener("error", () => resolve(-1), { once: true });
      }));
      assert.ok(duration !== -1, `the ${kind} message loads in the player`);
      const pushed = await nedClient.waitFor("message", (m) => m.kind === kind);
      assert.ok(pushed?.attachment?.id, `a ${kind} message with its file reached Ned`);
    }
    await shot(other, "ui-voice-video-desktop.png");
    await shot(p, "ui-voice-video-390.png");
    await nedClient.stop();
  });
});
