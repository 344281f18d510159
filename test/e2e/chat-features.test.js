// Issue 12's features in the web client, in Chromium at 1280x800 and 390x844 against the real gateway: profiles
// (name and avatar, seen live by others), search (people, groups, messages, opening at the hit), read receipts from
// the server on every device, edit / delete for me / reactions, group administration with system messages.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { newClientMsgId, sendText } from "./lib/chat.js";
import {
  DESKTOP, PHONE, assertInViewport, assertNoRawErrors, byTestId, convItem, message, newUser,
  openChat, sendInUi, shot, solidPng, uiSuite,
} from "./lib/ui.js";

// A small offline queue, so a short absence overflows it and the server asks the client to Sync.
const suite = uiSuite("chat-features", ["RateLimit:Send:PerSecond=500", "RateLimit:Send:Burst=500", "Chat:Users:OfflineQueueLimit=5"]);

describe("chat features", { timeout: 600_000 }, () => {
  it("profile: a new name and picture show in my header and, live, in the other person's list and chat", async (t) => {
    const olga = await newUser(suite.gateway.url, "olga", "Olga");
    const pavel = await newUser(suite.gateway.url, "pavel", "Pavel");
    const pavelClient = await suite.client(pavel);
    const id = (await pavelClient.invoke("OpenDirect", olga.userId)).conversationId;
    await sendText(pavelClient, id, "hi olga");
    const me = await suite.page(olga, DESKTOP);
    const other = await suite.page(pavel, PHONE);
    await convItem(other, id).locator('[data-testid="conv-title"]', { hasText: "Olga" }).waitFor();

    await byTestId(me, "me-open").click();
    await byTestId(me, "profile-dialog").waitFor();
    await byTestId(me, "profile-displayname").fill("Olga Petrova");
    await byTestId(me, "profile-avatar-input").setInputFiles({ name: "me.png", mimeType: "image/png", buffer: solidPng(64, 64, [220, 60, 120]) });
    await me.locator('#profile-avatar [data-testid="avatar-img"]').waitFor();
    await shot(me, "ui-profile-dialog-desktop.png");
    await byTestId(me, "profile-save").click();
    await byTestId(me, "profile-dialog").waitFor({ state: "hidden" });
    await byTestId(me, "me-name").filter({ hasText: "Olga Petrova" }).waitFor();
    await me.locator('#me-avatar [data-testid="avatar-img"]').waitFor();

    await convItem(other, id).locator('[data-testid="conv-title"]', { hasText: "Olga Petrova" }).waitFor();
    await convItem(other, id).locator('[data-testid="avatar-img"]').waitFor();
    await shot(other, "ui-profile-live-390.png");
    await openChat(other, id);
    await byTestId(other, "chat-title").filter({ hasText: "Olga Petrova" }).waitFor();
    await other.locator('#chat-avatar [data-testid="avatar-img"]').waitFor();
    // In a group, her messages carry her picture beside the bubble.
    const group = await pavelClient.invoke("CreateGroup", { title: "Choir", memberIds: [olga.userId] });
    const olgaClient = await suite.client(olga);
    await sendText(olgaClient, group.conversationId, "sorry I am late");
    await openChat(other, group.conversationId);
    await message(other, "sorry I am late").locator('.avatar [data-testid="avatar-img"]').waitFor();
    await message(other, "sorry I am late").locator(".sender", { hasText: "Olga Petrova" }).waitFor();
    await shot(other, "ui-group-avatar-390.png");
    await olgaClient.stop();
    await assertNoRawErrors(me, "profile");
    await pavelClient.stop();
  });

  it("search finds people by a word of their name, my groups by title and messages by words, and opens the hit", async (t) => {
    const quinn = await newUser(suite.gateway.url, "quinn", "Quinn Fabray");
    const rosa = await newUser(suite.gateway.url, "rosa", "Rosa Parksworth");
    const rosaClient = await suite.client(rosa);
    const group = await rosaClient.invoke("CreateGroup", { title: "Glee club rehearsals", memberIds: [quinn.userId] });
    for (let i = 1; i <= 60; i++) await sendText(rosaClient, group.conversationId, i === 3 ? "the costume fitting is on thursday" : `filler line ${i}`);

    for (const viewport of [PHONE, DESKTOP]) {
      const p = await suite.page(quinn, viewport);
      await byTestId(p, "new-direct-input").fill("parksw");
      const person = p.locator(`[data-testid="search-person"][data-user-id="${rosa.userId}"]`);
      await person.filter({ hasText: "Rosa Parksworth" }).waitFor();
      await assertInViewport(person, "the person found");
      if (viewport === PHONE) {
        await person.locator('[data-testid="search-add-contact"]').click();
        await byTestId(p, "toast").filter({ hasText: "Rosa Parksworth is now a contact" }).waitFor();
        await person.locator('[data-testid="search-add-contact"]').waitFor({ state: "detached" });
      }
      await byTestId(p, "new-direct-input").fill("rehears");
      await p.locator(`[data-testid="search-chat"][data-conversation-id="${group.conversationId}"]`).waitFor();
      await byTestId(p, "new-direct-input").fill("costume thursday");
      const hit = p.locator('[data-testid="search-hit"]', { hasText: "the costume fitting is on thursday" });
      await hit.waitFor();
      await shot(p, `ui-search-${viewport.width}.png`);
      await hit.click();
      // The hit is far above the newest page: the chat opens, pages back to it and shows it.
      const found = message(p, "the costume fitting is on thursday");
      await found.waitFor();
      await assertInViewport(found.locator(".bubble"), "the message found");
      await shot(p, `ui-search-hit-${viewport.width}.png`);
      await assertNoRawErrors(p, "search");
      await suite.closePage(p);
    }
    await rosaClient.stop();
  });

  it("read receipts come from the server: a second device of the sender shows Read too", async (t) => {
    const sam = await newUser(suite.gateway.url, "sam", "Sam");
    const tia = await newUser(suite.gateway.url, "tia", "Tia");
    const tiaClient = await suite.client(tia);
    const id = (await tiaClient.invoke("OpenDirect", sam.userId)).conversationId;
    const first = await suite.page(sam, DESKTOP);
    await openChat(first, id);
    await sendInUi(first, "did you read this?");
    const seq = (await tiaClient.waitFor("message", (m) => m.text === "did you read this?")).seq;
    await tiaClient.invoke("MarkRead", id, seq);
    await message(first, "did you read this?").locator('[data-testid="receipt"][data-read="true"]').waitFor();
    // Another device (its own browser storage): the receipt comes from GetReads.
    const second = await suite.page(sam, PHONE);
    await openChat(second, id);
    await message(second, "did you read this?").locator('[data-testid="receipt"][data-read="true"]', { hasText: "Read" }).waitFor();
    assert.equal(await second.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("im.receipts")).length), 0, "no receipts in localStorage");
    await shot(second, "ui-receipt-second-device-390.png");
    await tiaClient.stop();
  });

  it("edit, delete for me and reactions, live on the other side", async (t) => {
    const uma = await newUser(suite.gateway.url, "uma", "Uma");
    const vic = await newUser(suite.gateway.url, "vic", "Vic");
    const vicClient = await suite.client(vic);
    const id = (await vicClient.invoke("OpenDirect", uma.userId)).conversationId;
    await sendText(vicClient, id, "a message to delete for me");
    const p = await suite.page(uma, PHONE);
    const other = await suite.page(vic, DESKTOP);
    await openChat(p, id);
    await openChat(other, id);

    await sendInUi(p, "meet at 5");
    const mine = message(p, "meet at 5");
    await mine.locator(".bubble").click();
    await assertInViewport(byTestId(p, "message-menu"), "the message menu");
    await shot(p, "ui-message-menu-390.png");
    await byTestId(p, "menu-edit").click();
    await byTestId(p, "compose-context").filter({ hasText: "Edit message" }).waitFor();
    await byTestId(p, "composer-input").fill("meet at 6");
    await byTestId(p, "composer-input").press("Enter");
    await message(p, "meet at 6").locator('[data-testid="edited-mark"]').waitFor();
    await message(other, "meet at 6").locator('[data-testid="edited-mark"]').waitFor();
    assert.equal(await message(other, "meet at 5").count(), 0, "the old text is gone for the other person");

    await message(other, "meet at 6").locator(".bubble").click();
    await byTestId(other, "react-option").filter({ hasText: "👍" }).click();
    await message(p, "meet at 6").locator('[data-testid="reaction"][data-emoji="👍"]', { hasText: "1" }).waitFor();
    await message(p, "meet at 6").locator('[data-testid="reaction"][data-emoji="👍"]').click();
    await message(other, "meet at 6").locator('[data-testid="reaction"][data-emoji="👍"]', { hasText: "2" }).waitFor();
    await shot(p, "ui-reactions-390.png");

    await message(p, "a message to delete for me").locator(".bubble").click();
    await byTestId(p, "menu-delete").click();
    await message(p, "a message to delete for me").waitFor({ state: "detached" });
    await p.reload();
    await message(p, "meet at 6").waitFor();
    assert.equal(await message(p, "a message to delete for me").count(), 0, "deleted for me stays deleted after a reload");
    assert.equal(await message(other, "a message to delete for me").count(), 1, "the other person still has it");
    await assertNoRawErrors(p, "edit/react/delete");
    await vicClient.stop();
  });

  it("group administration: rename, roles, mute and remove from the info dialog, with system lines", async (t) => {
    const wes = await newUser(suite.gateway.url, "wes", "Wes");
    const xia = await newUser(suite.gateway.url, "xia", "Xia");
    const yan = await newUser(suite.gateway.url, "yan", "Yan");
    const xiaClient = await suite.client(xia);
    for (const viewport of [PHONE, DESKTOP]) {
      const p = await suite.page(wes, viewport);
      await byTestId(p, "new-group-button").click();
      await byTestId(p, "group-title").fill(`Book club ${viewport.width}`);
      await byTestId(p, "group-members").fill(`${xia.userId} ${yan.userId}`);
      await byTestId(p, "group-create").click();
      await byTestId(p, "chat-title").filter({ hasText: `Book club ${viewport.width}` }).waitFor();
      const id = await p.evaluate(() => window.__im.activeConversationId);
      await byTestId(p, "group-info-button").click();
      await byTestId(p, "info-title").fill(`Reading circle ${viewport.width}`);
      await byTestId(p, "info-rename").click();
      await byTestId(p, "chat-title").filter({ hasText: `Reading circle ${viewport.width}` }).waitFor();
      const xiaRow = p.locator(`[data-testid="member"][data-user-id="${xia.userId}"]`);
      await xiaRow.locator('[data-testid="member-admin"]').click();
      await xiaRow.locator('[data-testid="member-role"]', { hasText: "Admin" }).waitFor();
      const yanRow = p.locator(`[data-testid="member"][data-user-id="${yan.userId}"]`);
      await yanRow.locator('[data-testid="member-mute"]').click();
      await yanRow.locator('[data-testid="member-role"]', { hasText: "muted" }).waitFor();
      await assertInViewport(yanRow.locator('[data-testid="member-remove"]'), "Remove in the member row");
      await shot(p, `ui-group-info-${viewport.width}.png`);
      await yanRow.locator('[data-testid="member-remove"]').click();
      await yanRow.waitFor({ state: "detached" });
      await byTestId(p, "info-close").click();
      for (const line of [`renamed the group to "Reading circle ${viewport.width}"`, "made Xia an admin", "muted Yan", "removed Yan"]) {
        await p.locator('[data-testid="system-text"]', { hasText: line }).waitFor();
      }
      await assertInViewport(p.locator('[data-testid="system-text"]', { hasText: "removed Yan" }), "the system line");
      await shot(p, `ui-group-system-${viewport.width}.png`);
      const muted = await xiaClient.invoke("Send", { conversationId: id, clientMsgId: newClientMsgId(), kind: "text", text: "still here" }).then(() => "sent", (e) => e.message);
      assert.equal(muted, "sent", "the admin is not muted");
      await assertNoRawErrors(p, "group admin");
      await suite.closePage(p);
    }
    await xiaClient.stop();
  });

  it("a muted member sees why they cannot send instead of a composer, and writes again once unmuted", async (t) => {
    const zoe = await newUser(suite.gateway.url, "zoe", "Zoe");
    const abe = await newUser(suite.gateway.url, "abe", "Abe");
    const zoeClient = await suite.client(zoe);
    const group = await zoeClient.invoke("CreateGroup", { title: "Quiet room", memberIds: [abe.userId] });
    await zoeClient.invoke("SetMuted", group.conversationId, abe.userId, true);
    const p = await suite.page(abe, PHONE);
    await openChat(p, group.conversationId);
    await p.locator('[data-testid="system-text"]', { hasText: "Zoe muted you" }).waitFor();
    // The composer gives way to the reason; once unmuted it is back.
    await assertInViewport(byTestId(p, "muted-note").filter({ hasText: "An admin has muted you in this group" }), "the muted note");
    assert.equal(await byTestId(p, "composer-input").isVisible(), false, "no composer while muted");
    await shot(p, "ui-muted-390.png");
    await zoeClient.invoke("SetMuted", group.conversationId, abe.userId, false);
    await byTestId(p, "muted-note").waitFor({ state: "hidden" });
    await sendInUi(p, "thanks, can I talk now?");
    await message(p, "thanks, can I talk now?").waitFor();
    await assertNoRawErrors(p, "muted member");
    await zoeClient.stop();
  });

  it("after an absence longer than the offline queue, every message shows (the sync event)", async () => {
    const bea = await newUser(suite.gateway.url, "bea", "Bea");
    const cal = await newUser(suite.gateway.url, "cal", "Cal");
    const calClient = await suite.client(cal);
    const id = (await calClient.invoke("OpenDirect", bea.userId)).conversationId;
    await sendText(calClient, id, "before the absence");
    const p = await suite.page(bea, DESKTOP);
    await openChat(p, id);
    await message(p, "before the absence").waitFor();
    // The page goes offline (its connection closed, as a network drop would); Cal writes more than the queue holds.
    await p.evaluate(() => { window.__im.dropConnection(); });
    await p.waitForFunction(() => window.__im.connectionState !== "Connected");
    for (let i = 1; i <= 12; i++) await sendText(calClient, id, `while away ${i}`);
    await p.waitForFunction(() => window.__im.connectionState === "Connected");
    for (let i = 1; i <= 12; i++) await message(p, new RegExp(`^while away ${i}$`)).waitFor();
    const seqs = await p.locator('[data-testid="message"]').evaluateAll((nodes) => nodes.map((n) => Number(n.dataset.seq)));
    assert.deepEqual(seqs, Array.from({ length: 13 }, (_, i) => i + 1), "every message once, in order");
    await calClient.stop();
  });
});
