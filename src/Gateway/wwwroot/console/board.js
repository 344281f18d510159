// The supervisor's board (GetDeskBoard, polled every 3 s while shown): the queue, the agents' status and load,
// and today's figures for the desk and each agent.

import { state } from "./state.js";
import { $, el, duration, explain } from "./ui.js";
import { invoke, connected } from "./hub.js";

const EVERY_MS = 3000;
let timer = 0;

export function startBoard() {
  stopBoard();
  const tick = async () => {
    if (connected() && document.visibilityState === "visible") await load();
    timer = setTimeout(tick, EVERY_MS);
  };
  tick();
}

export function stopBoard() { clearTimeout(timer); timer = 0; }

async function load() {
  if (!state.deskId) { $("board-view").replaceChildren(el("p", { class: "empty", text: "No desk chosen." })); return; }
  try {
    render(await invoke("GetDeskBoard", state.deskId));
  } catch (error) {
    $("board-view").replaceChildren(el("p", { class: "empty problem", text: explain(error, "The board") }));
  }
}

const kpi = (label, value, id) => el("div", { class: "kpi", testid: id }, el("div", { class: "kpi-value", text: value }), el("div", { class: "kpi-label", text: label }));
const table = (heads, rows, empty) => el("table", { class: "grid" },
  el("thead", {}, el("tr", {}, heads.map((h) => el("th", { text: h })))),
  el("tbody", {}, rows.length ? rows : el("tr", {}, el("td", { colspan: String(heads.length), class: "muted", text: empty }))));
const csat = (v, n) => (v == null ? "-" : `${v.toFixed(1)} (${n})`);

function render(b) {
  const t = b.today || {};
  const today = new Map((b.agentsToday || []).map((a) => [a.agentId, a]));
  $("board-view").replaceChildren(
    el("div", { class: "kpis" },
      kpi("waiting", String(b.queueLength), "kpi-queue"),
      kpi("longest wait", duration(b.longestWaitSeconds), "kpi-wait"),
      kpi("handled today", String(t.chatsHandled ?? 0), "kpi-handled"),
      kpi("first response", duration(t.avgFirstResponseSeconds), "kpi-frt"),
      kpi("handle time", duration(t.avgHandleSeconds), "kpi-aht"),
      kpi("CSAT", csat(t.csat, t.ratings ?? 0), "kpi-csat")),
    el("h3", { text: "Agents" }),
    table(["Agent", "Status", "Load", "Handled", "First response", "Handle time", "CSAT"], (b.agents || []).map((a) => {
      const d = today.get(a.agentId) || {};
      return el("tr", { testid: "board-agent" },
        el("td", { text: a.displayName && a.displayName !== a.agentId ? `${a.displayName} (${a.agentId})` : a.agentId }),
        el("td", {}, el("span", { class: `dot ${a.status}` }), a.status),
        el("td", { text: `${a.load} / ${a.capacity}` }),
        el("td", { text: String(d.chatsHandled ?? 0) }), el("td", { text: duration(d.avgFirstResponseSeconds) }),
        el("td", { text: duration(d.avgHandleSeconds) }), el("td", { text: csat(d.csat, d.ratings ?? 0) }));
    }), "No agents on this desk."),
    el("h3", { text: "Queue" }),
    table(["#", "Visitor", "Waiting"], (b.queue || []).map((q, i) => el("tr", { testid: "board-queued" },
      el("td", { text: String(i + 1) }), el("td", { text: state.cases.get(q.conversationId)?.visitor?.displayName || q.visitorId }),
      el("td", { text: duration(q.waitingSeconds) }))), "Nobody is waiting."));
}
