// The right column: who the visitor is (name, id, the attributes the host site put in their token), the case's
// status, times, labels (the desk's own, SetServiceLabels), rating and ticket, and the notes count.

import { state, desk } from "./state.js";
import { $, el, explain, time, toast } from "./ui.js";
import { invoke } from "./hub.js";
import { isMine } from "./chat.js";

const row = (key, value) => el("tr", {}, el("th", { text: key }), el("td", { text: value ?? "-" }));

export function renderCase() {
  const id = state.openId;
  const body = $("case-body");
  if (!id) { body.replaceChildren(el("p", { class: "muted", text: "No chat selected." })); return; }
  const c = state.cases.get(id);
  if (!c) { body.replaceChildren(el("p", { class: "muted", text: "Loading the visitor's details\u2026" })); return; }
  const attrs = Object.entries(c.visitor?.attributes || {});
  const parts = [
    el("h3", { class: "visitor-name", testid: "visitor-name", text: c.visitor?.displayName || c.visitorId }),
    el("p", { class: "muted", text: c.visitorId }),
    el("table", { class: "attrs", testid: "visitor-attributes" },
      attrs.length ? attrs.map(([k, v]) => row(k, v)) : el("tr", {}, el("td", { class: "muted", text: "No attributes from the host site." }))),
    el("h4", { text: "Case" }),
    el("table", { class: "attrs", testid: "case-facts" },
      row("Status", c.status), row("Desk", c.deskId), row("Agent", c.agentId),
      row("Opened", time(c.openedAt)), row("Assigned", time(c.assignedAt)),
      row("First reply", time(c.firstResponseAt)), row("Resolved", time(c.resolvedAt)),
      c.rating != null ? row("Rating", `${"\u2605".repeat(c.rating)}${"\u2606".repeat(5 - c.rating)}${c.ratingComment ? ` \u201c${c.ratingComment}\u201d` : ""}`) : null),
  ];
  if (c.ticket) {
    parts.push(el("h4", { text: "Left a message" }),
      el("table", { class: "attrs" }, row("Name", c.ticket.name), row("Contact", c.ticket.contact), row("At", time(c.ticket.at ?? c.openedAt))));
  }
  parts.push(el("h4", { text: "Labels" }), labels(c));
  body.replaceChildren(...parts);
}

function labels(c) {
  const all = desk()?.labels || [];
  if (!all.length) return el("p", { class: "muted", text: "This desk has no labels." });
  const editable = isMine(c.conversationId) || state.session.role === "operator" || desk()?.supervisors?.includes(state.session.userId);
  const box = el("div", { class: "labels", testid: "labels" });
  for (const label of all) {
    const on = (c.labels || []).includes(label);
    box.append(el("button", {
      type: "button", class: `label${on ? " on" : ""}`, "aria-pressed": String(on), disabled: !editable, text: label,
      onclick: async () => {
        const next = on ? c.labels.filter((l) => l !== label) : [...(c.labels || []), label];
        try {
          const updated = await invoke("SetServiceLabels", c.conversationId, next);
          state.cases.set(updated.conversationId, updated);
          renderCase();
        } catch (error) { toast(explain(error, "Changing the labels"), true); }
      },
    }));
  }
  return box;
}
