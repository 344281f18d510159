// The supervisor's list of blocked visitors (ListBlockedVisitors, newest first) with a "Lift" button per block
// (UnblockVisitor). Blocking itself is in the chat's actions.

import { state } from "./state.js";
import { $, el, ask, explain, time, toast } from "./ui.js";
import { invoke } from "./hub.js";

/** The visitor's name when a case of theirs is known to the console, else null. */
function nameOf(visitorId) {
  for (const c of state.cases.values()) {
    if (c.visitorId === visitorId && c.visitor?.displayName) return c.visitor.displayName;
  }
  return null;
}

const until = (entry) => (entry.until ? time(entry.until) : "when lifted");

function row(entry) {
  const name = nameOf(entry.visitorId);
  return el("tr", { testid: "blocked-row", dataset: { visitorId: entry.visitorId } },
    el("td", {}, name ? el("div", { class: "strong", text: name }) : null,
      el("div", { class: name ? "muted small" : "strong", text: entry.visitorId })),
    el("td", { class: "reason", testid: "blocked-reason", "data-label": "Reason", text: entry.reason || "" }),
    el("td", { testid: "blocked-by", "data-label": "Blocked by", text: entry.blockedBy || "" }),
    el("td", { "data-label": "Since", text: time(entry.blockedAt) }),
    el("td", { testid: "blocked-until", "data-label": "Ends", text: until(entry) }),
    el("td", { class: "actions" }, el("button", { type: "button", testid: "unblock", onclick: () => lift(entry), text: "Lift" })));
}

export async function showBlocked() {
  const box = $("blocked-rows");
  const empty = $("blocked-empty");
  empty.classList.remove("problem");
  if (!state.deskId) { box.replaceChildren(); empty.textContent = "No desk chosen."; return; }
  const deskId = state.deskId;
  let entries;
  try {
    entries = await invoke("ListBlockedVisitors", deskId) || [];
  } catch (error) {
    if (state.deskId !== deskId) return;
    box.replaceChildren();
    empty.textContent = explain(error, "The list of blocked visitors");
    empty.classList.add("problem");
    return;
  }
  if (state.deskId !== deskId) return;
  box.replaceChildren(...entries.map((e) => row({ ...e, deskId })));
  $("blocked-table").hidden = entries.length === 0;
  empty.textContent = entries.length ? "" : "Nobody is blocked at this desk.";
}

async function lift(entry) {
  const who = nameOf(entry.visitorId) || entry.visitorId;
  const ok = await ask(`Lift the block on ${who}?`,
    [el("p", { class: "muted", text: "They can open a chat with this desk again right away." })], "Lift block");
  if (!ok) return;
  try {
    const lifted = await invoke("UnblockVisitor", entry.deskId, entry.visitorId);
    toast(lifted ? `${who} can chat again.` : `${who} was no longer blocked.`);
  } catch (error) {
    toast(explain(error, "Lifting the block"), true);
  }
  await showBlocked();
}

export function initBlocked() {
  $("blocked-refresh").addEventListener("click", () => showBlocked());
}
