// Protocol error codes, and the plain sentences people see instead of the server's coded text.

const CODES = "forbidden|invalid|not_found|rate_limited|conflict|internal|unavailable|unauthorized";

/** The protocol error code of a hub or HTTP error (forbidden, invalid, not_found, rate_limited, conflict, …), or null for connection trouble. */
export function errorCode(error) {
  if (error?.code) return error.code;
  const m = new RegExp(`(?:^|HubException: |\\b)(${CODES}):`).exec(String(error?.message || error));
  return m ? m[1] : null;
}

/** The server's own text after the code ("password must be 8-128 characters"), for the sentences below to look at. */
function detail(error) {
  const text = String(error?.message || error);
  const at = text.search(new RegExp(`(${CODES}):`));
  return at >= 0 ? text.slice(at).replace(/^[a-z_]+:\s*/, "") : "";
}

/** The wait a rate_limited refusal asks for ("…; retry after 1200 ms"), in ms, or null when it names none. */
export function retryAfterMs(error) {
  const m = /rate_limited:.*retry after (\d+) ms/.exec(String(error?.message || error));
  return m ? Number(m[1]) : null;
}

// Server texts worth a more precise sentence than the code's; the first match wins.
const SPECIFIC = [
  [/password must be/i, "The password must be 8 to 128 characters long."],
  [/userId must be|not a user id/i, "A user id is 3 to 64 letters, digits or . _ @ -"],
  [/may not start with guest-/i, "User ids starting with \"guest-\" are reserved for guests."],
  [/displayName is required/i, "Please enter a display name."],
  [/displayName must be at most/i, "That display name is too long."],
  [/control characters/i, "Names cannot contain special control characters."],
  [/userId and password are required/i, "Enter a user id and a password."],
  [/wrong user id or password/i, "Wrong user id or password."],
  [/No such (users?): (.*)/i, (m) => (m[1] === "users" ? `There are no users ${m[2].replace(/\.$/, "")}.` : `There is no user ${m[2].replace(/\.$/, "")}.`)],
  [/title.*(empty|100)/i, "A group title is 1 to 100 characters."],
  [/group is full|is full/i, "The group is full."],
  [/is muted in/i, "An admin has muted you in this group, so you cannot send messages here."],
  [/blocked/i, "This person is not accepting your messages."],
  [/not a member/i, "You are no longer a member of this conversation."],
  [/content type/i, "That kind of file cannot be sent."],
  [/too large|at most \d+ bytes/i, "That file is too large to send."],
  [/can be edited only within|edit window/i, "It is too late to edit that message."],
  [/can be recalled only within|recall window/i, "It is too late to recall that message."],
  [/Only the sender may/i, "You can only change your own messages."],
  [/recalled message/i, "That message was recalled."],
  [/system message takes no/i, "That line cannot take reactions."],
  [/neither owner nor admin/i, "Only the group's owner and admins can do that."],
  [/Only the owner/i, "Only the group's owner can do that."],
  [/may not mute/i, "That member cannot be muted."],
  [/may not remove/i, "That member cannot be removed."],
  [/yourself/i, "That is you."],
];

// What each code means to a person, by what they were doing (the context) where it matters.
const BY_CODE = {
  invalid: "That was not accepted. Please check what you entered.",
  forbidden: "You are not allowed to do that here.",
  not_found: "That no longer exists.",
  conflict: "That is already taken.",
  rate_limited: "You are going a little fast. Please wait a moment and try again.",
  unavailable: "The server is busy. Please try again in a moment.",
  internal: "Something went wrong on our side. Please try again.",
  unauthorized: "Your session has ended. Please sign in again.",
};
const BY_CONTEXT = {
  send: { forbidden: "You cannot send messages in this conversation.", invalid: "That message cannot be sent (it may be too long)." },
  register: { conflict: "That user id is already taken. Please choose another." },
  login: { unauthorized: "Wrong user id or password." },
  upload: { invalid: "That file cannot be sent.", forbidden: "You cannot send files in this conversation." },
  user: { not_found: "There is no user with that id." },
  edit: { forbidden: "You can only edit your own recent text messages." },
  recall: { forbidden: "It is too late to recall that message." },
  admin: { forbidden: "Only the group's owner and admins can do that." },
  search: { invalid: "Type a little more to search." },
};

/** A plain sentence for an error: never the server's coded text, never SignalR's internals. */
export function friendly(error, context = "") {
  const code = errorCode(error);
  if (!code) return ["login", "register", "guest"].includes(context)
    ? "Cannot reach the server. Check your connection and try again."
    : "You are offline. It will go through when the connection is back.";
  const text = detail(error);
  for (const [pattern, sentence] of SPECIFIC) {
    const m = pattern.exec(text);
    if (m) return typeof sentence === "function" ? sentence(m) : sentence;
  }
  return BY_CONTEXT[context]?.[code] || BY_CODE[code] || "Something went wrong. Please try again.";
}

/** Kept for callers that still ask for the error's text: now the same plain sentence. */
export function errorText(error, context = "") {
  return friendly(error, context);
}
