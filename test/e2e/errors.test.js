// The web client's error sentences (src/Gateway/wwwroot/js/errors.js) without a browser: every protocol code, the
// server texts people meet most, and connection trouble read as a plain sentence, never as the coded text.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { repoRoot } from "./lib/gateway.js";

const source = readFileSync(path.join(repoRoot, "src/Gateway/wwwroot/js/errors.js"), "utf8");
const { friendly, errorCode } = await import(`data:text/javascript;base64,${Buffer.from(source).toString("base64")}`);

const RAW = /\b(invalid|forbidden|not_found|rate_limited|conflict|unavailable|internal|unauthorized):|HubException|Connected' State/;
const hub = (text) => new Error(`An unexpected error occurred invoking 'Send' on the server. HubException: ${text}`);

describe("error sentences", () => {
  it("every code reads as a sentence, in every context", () => {
    for (const code of ["invalid", "forbidden", "not_found", "conflict", "rate_limited", "unavailable", "internal", "unauthorized"]) {
      for (const context of ["", "send", "register", "login", "upload", "user", "edit", "admin", "search"]) {
        const text = friendly(hub(`${code}: something the server said`), context);
        assert.doesNotMatch(text, RAW, `${code} in "${context}"`);
        assert.match(text, /^[A-Z].*[.?]$/, `${code} in "${context}" is a sentence: ${text}`);
      }
    }
  });

  it("the texts people meet most get their own sentence", () => {
    const cases = [
      [{ message: "invalid: password must be 8-128 characters" }, "register", "The password must be 8 to 128 characters long."],
      [{ message: "conflict: userId is taken" }, "register", "That user id is already taken. Please choose another."],
      [hub("forbidden: bob may not send to this conversation: the peer blocked them."), "send", "This person is not accepting your messages."],
      [hub("forbidden: carol is muted in g:1."), "send", "An admin has muted you in this group, so you cannot send messages here."],
      [hub("not_found: No such user: bobx."), "", "There is no user bobx."],
      [hub("not_found: No such users: abe, zed."), "", "There are no users abe, zed."],
      [hub("forbidden: Messages can be edited only within 15 minutes."), "edit", "It is too late to edit that message."],
      [hub("forbidden: Only the owner sets roles."), "admin", "Only the group's owner can do that."],
      [hub("rate_limited: too many messages, slow down; retry after 900 ms"), "send", "You are going a little fast. Please wait a moment and try again."],
    ];
    for (const [error, context, sentence] of cases) assert.equal(friendly(error, context), sentence);
  });

  it("connection trouble is not a code and reads as being offline", () => {
    const error = new Error("Cannot send data if the connection is not in the 'Connected' State.");
    assert.equal(errorCode(error), null);
    assert.equal(friendly(error, "send"), "You are offline. It will go through when the connection is back.");
    assert.equal(friendly(new TypeError("Failed to fetch"), "login"), "Cannot reach the server. Check your connection and try again.");
  });
});
