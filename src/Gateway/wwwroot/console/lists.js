// The left column: my chats (with unread badges), the desk's queue, all its chats (filtered by status and label)
// and its tickets. Lists come from ListConversations / ListServiceChats / ListTickets and follow the pushes.

import { state, myChats, visitorName, freshQueue } from "./state.js";
import { $, el, explain, time, duration, toast, notice } from "./ui.js";
import { invoke, on, connected } from "./hub.js";
import { openChat } from "./chat.js";

const POLL_MS = 5000;
const EMPTY = {
  mine: "No chats yet. Set yourself Online and the desk hands you the next visitor.",
  queue: "Nobody is waiting.",
  all: "No chats match these filters.",
  tickets: "No messages left for this desk.",
};
const problems = {};

async function load(name, method, ...args) {
  try {
    const answer = await invoke(method, ...args);
    delete problems[name];
    return answer;
  } catch (error) {
    problems[name] = explain(error, name === "mine" ? "Your chats" : `The ${name} list`);
    return null;
  }
}

function keepCases(cases) {
  for (const c of cases || []) state.cases.set(c.conversationId, c);
  return cases || [];
}

export async function refreshLists() {
  const conversations = await load("mine", "ListConversations");
  if (conversations) {
    state.conversations = new Map(conversations.map((c) => [c.conversationId, c]));
    for (const c of myChats()) if (!state.cases.has(c.conversationId)) fetchCase(c.conversationId);
  }
  if (state.deskId) {
    state.queue = keepCases(await load("queue", "ListServiceChats", { deskId: state.deskId, status: "queued" }));
    state.tickets = keepCases(await load("tickets", "ListTickets", state.deskId));
    if (state.list === "all") await refreshAll();
  }
  render();
}

async function refreshAll() {
  const filter = { deskId: state.deskId };
  if ($("filter-status").value) filter.status = $("filter-status").value;
  if ($("filter-label").value) filter.label = $("filter-label").value;
  state.all = keepCases(await load("all", "ListServiceChats", filter));
}

const fetching = new Set();
export async function fetchCase(conversationId) {
  if (fetching.has(conversationId)) return;
  fetching.add(conversationId);
  try {
    state.cases.set(conversationId, await invoke("GetServiceCase", conversationId));
    render();
  } catch { /* the list shows the visitor id instead */ } finally { fetching.delete(conversationId); }
}

function itemFor(id, { sub, meta, unread, status }) {
  return el("li", { class: `item${id === state.openId ? " on" : ""}`, testid: "item", dataset: { conversationId: id }, tabindex: "0" },
    el("div", { class: "item-top" },
      el("span", { class: "item-name", text: visitorName(id) }),
      status ? el("span", { class: `chip ${status}`, text: status }) : null,
      unread ? el("span", { class: "badge", testid: "unread-badge", text: String(unread) }) : null),
    el("div", { class: "item-sub", text: sub || "" }),
    meta ? el("div", { class: "item-meta", text: meta }) : null);
}

const preview = (m) => (m ? (m.recalled ? "message withdrawn" : m.text ?? m.attachment?.fileName ?? "") : "");
const waited = (iso) => (iso ? `waiting ${duration((Date.now() - Date.parse(iso)) / 1000)}` : "");

function items() {
  const label = $("filter-label").value;
  if (state.list === "mine") {
    return myChats()
      .filter((c) => !label || state.cases.get(c.conversationId)?.labels?.includes(label))
      .sort((a, b) => (b.lastMessage?.sentAt || "").localeCompare(a.lastMessage?.sentAt || ""))
      .map((c) => itemFor(c.conversationId, {
        sub: preview(c.lastMessage), unread: c.unread, status: state.cases.get(c.conversationId)?.status,
        meta: (state.cases.get(c.conversationId)?.labels || []).join(", ") }));
  }
  const list = state.list === "queue" ? state.queue : state.list === "tickets" ? state.tickets : state.all;
  return list.map((c) => itemFor(c.conversationId, {
    status: state.list === "all" ? c.status : null,
    sub: state.list === "tickets" ? (c.ticket?.text ?? c.ticket?.contact ?? "") : c.agentId ? `with ${c.agentId}` : waited(c.openedAt),
    meta: state.list === "tickets" ? time(c.ticket?.at ?? c.openedAt) : (c.labels || []).join(", ") }));
}

export function render() {
  const nodes = items();
  $("items").replaceChildren(...nodes);
  const noDesk = state.list !== "mine" && !state.deskId;
  $("items-empty").textContent = problems[state.list] || (nodes.length ? "" : noDesk ? "No desk to show: you are not listed on one." : EMPTY[state.list]);
  $("items-empty").classList.toggle("problem", Boolean(problems[state.list]));
  const unread = myChats().reduce((n, c) => n + (c.unread || 0), 0);
  $("mine-badge").textContent = String(unread);
  $("mine-badge").hidden = unread === 0;
  $("queue-count").textContent = state.queue.length ? String(state.queue.length) : "";
  $("tickets-count").textContent = state.tickets.length ? String(state.tickets.length) : "";
  $("filter-status").hidden = state.list !== "all";
  // Nothing to filter by: no bar (labels only exist when the desk has some).
  $("filters").hidden = state.list === "queue" || state.list === "tickets" || !state.deskId || ($("filter-status").hidden && $("filter-label").hidden);
}

export function initLists() {
  $("list-tabs").addEventListener("click", async (e) => {
    const list = e.target.closest("button")?.dataset.list;
    if (!list) return;
    state.list = list;
    for (const b of $("list-tabs").querySelectorAll("button")) b.classList.toggle("on", b.dataset.list === list);
    render();
    if (list === "all") { await refreshAll(); render(); }
  });
  $("filter-status").addEventListener("change", async () => { await refreshAll(); render(); });
  $("filter-label").addEventListener("change", async () => { if (state.list === "all") await refreshAll(); render(); });
  const pick = (e) => { const id = e.target.closest("li.item")?.dataset.conversationId; if (id) openChat(id); };
  $("items").addEventListener("click", pick);
  $("items").addEventListener("keydown", (e) => { if (e.key === "Enter") pick(e); });

  on("conversation", (v) => { state.conversations.set(v.conversationId, v); render(); });
  on("unread", (u) => { const c = state.conversations.get(u.conversationId); if (c) { c.unread = u.unread; render(); } });
  on("message", (m) => {
    const c = state.conversations.get(m.conversationId);
    if (c && m.seq >= (c.lastSeq || 0)) { c.lastSeq = m.seq; c.lastMessage = m; render(); }
  });
  on("assigned", async (a) => {
    refreshLists();
    await fetchCase(a.conversationId); // the toast names the visitor, not their id
    toast(`New chat: ${visitorName(a.conversationId)}`);
  });
  on("case", (c) => { state.cases.set(c.conversationId, c); render(); });
  on("queue", (q) => { if (freshQueue(q)) refreshLists(); }); // an older status than one seen says nothing new
  // The queue and tickets change without a push to agents: look again every few seconds.
  setInterval(() => { if (connected() && state.view === "chats" && document.visibilityState === "visible") refreshLists(); }, POLL_MS);
  notice("");
}
