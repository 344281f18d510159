// The supervisor's audit view: QueryAudit for the chosen desk with actor and time filters, newest first, in pages
// ("Older entries" follows nextBeforeId).

import { state } from "./state.js";
import { $, el, explain, time } from "./ui.js";
import { invoke } from "./hub.js";

const PAGE = 50;
let nextBeforeId = null;

function query() {
  const f = $("audit-form");
  const q = { deskId: state.deskId, limit: PAGE };
  if (f.actorId.value.trim()) q.actorId = f.actorId.value.trim();
  // datetime-local is the browser's local time; the server wants an instant.
  if (f.from.value) q.from = new Date(f.from.value).toISOString();
  if (f.to.value) q.to = new Date(f.to.value).toISOString();
  return q;
}

export async function showAudit(fresh) {
  if (fresh) { nextBeforeId = null; $("audit-rows").replaceChildren(); }
  const q = query();
  if (nextBeforeId != null) q.beforeId = nextBeforeId;
  $("audit-empty").classList.remove("problem");
  try {
    const page = await invoke("QueryAudit", q);
    $("audit-rows").append(...(page.entries || []).map((e) => el("tr", { testid: "audit-row" },
      el("td", { text: time(e.at) }), el("td", { text: e.actor ?? e.actorId }), el("td", { text: e.action }),
      el("td", { text: e.target || "" }), el("td", { text: e.details || "" }))));
    nextBeforeId = page.nextBeforeId ?? null;
    $("audit-more").hidden = nextBeforeId == null;
    $("audit-empty").textContent = $("audit-rows").children.length ? "" : "No entries match.";
  } catch (error) {
    $("audit-more").hidden = true;
    $("audit-empty").textContent = explain(error, "The audit log");
    $("audit-empty").classList.add("problem");
  }
}

export function initAudit() {
  $("audit-form").addEventListener("submit", (e) => { e.preventDefault(); showAudit(true); });
  $("audit-more").addEventListener("click", () => showAudit(false));
}
