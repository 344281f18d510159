// The chat's buttons: take a ticket, pending/reopen, transfer (to an agent or a desk, with a private note), block
// the visitor (reason, optional expiry) and resolve.

import { state, deskOf, visitorName } from "./state.js";
import { $, el, ask, explain, showPane, toast } from "./ui.js";
import { invoke } from "./hub.js";
import { refreshLists } from "./lists.js";
import { openChat, renderHead } from "./chat.js";
import { renderCase } from "./casepane.js";

const keep = (c) => { if (c?.conversationId) state.cases.set(c.conversationId, c); renderHead(); renderCase(); };

async function act(what, fn) {
  try { return await fn(); } catch (error) { toast(explain(error, what), true); return undefined; }
}

const field = (label, input) => el("label", { class: "field" }, label, input);

async function transfer() {
  const id = state.openId;
  const home = state.desks.find((d) => d.deskId === (state.cases.get(id)?.deskId || deskOf(id)));
  const me = state.session.userId;
  const agents = (home?.agents || []).filter((a) => a !== me);
  const desks = state.desks.filter((d) => d.deskId !== home?.deskId);
  const target = el("select", { name: "target", testid: "transfer-target" },
    el("optgroup", { label: "Agents" }, agents.map((a) => el("option", { value: `agent:${a}`, text: a }))),
    el("optgroup", { label: "Desks" }, desks.map((d) => el("option", { value: `desk:${d.deskId}`, text: d.name || d.deskId }))));
  const other = el("input", { name: "other", testid: "transfer-other", maxlength: "64", spellcheck: "false" });
  const note = el("textarea", { name: "note", testid: "transfer-note", rows: "3", maxlength: "2000", placeholder: "What the next person should know (private)" });
  const values = await ask(`Transfer ${visitorName(id)}`, [field("To", target), field("Or type an agent id", other), field("Note", note)], "Transfer",
    (v) => (v.other?.trim() || v.target ? "" : "Choose an agent or a desk."));
  if (!values) return;
  const [kind, to] = values.other.trim() ? ["agent", values.other.trim()] : values.target.split(/:(.*)/s);
  const request = { conversationId: id, ...(kind === "agent" ? { toAgentId: to } : { toDeskId: to }) };
  if (values.note.trim()) request.note = values.note.trim();
  const c = await act("The transfer", () => invoke("TransferServiceChat", request));
  if (c === undefined) return;
  keep(c);
  toast(`Transferred to ${to}.`);
  await refreshLists();
  showPane("list");
}

const EXPIRY = [["", "Until lifted"], ["3600", "1 hour"], ["86400", "1 day"], ["604800", "7 days"], ["2592000", "30 days"]];

async function block() {
  const id = state.openId;
  const c = state.cases.get(id);
  const reason = el("textarea", { name: "reason", testid: "block-reason", rows: "3", maxlength: "500", required: true, placeholder: "Why (staff only; the visitor never sees it)" });
  const until = el("select", { name: "until", testid: "block-until" }, EXPIRY.map(([v, t]) => el("option", { value: v, text: t })));
  const values = await ask(`Block ${visitorName(id)}?`, [
    el("p", { class: "muted", text: "They cannot open a new chat with this desk while blocked. This chat stays as it is." }),
    field("Reason", reason), field("For", until)], "Block", (v) => (v.reason.trim() ? "" : "Give a reason."));
  if (!values) return;
  const request = { deskId: c?.deskId || deskOf(id), visitorId: c?.visitorId || id.split(":").slice(2).join(":"), reason: values.reason.trim() };
  if (values.until) request.untilSeconds = Number(values.until);
  if (await act("Blocking", () => invoke("BlockVisitor", request)) !== undefined) toast(`${visitorName(id)} is blocked.`);
}

async function resolve() {
  const id = state.openId;
  if (await act("Resolving", () => invoke("FinishServiceChat", id)) === undefined) return;
  toast(`${visitorName(id)}: resolved.`);
  await act("Reading the case", async () => keep(await invoke("GetServiceCase", id)));
  await refreshLists();
  renderHead();
}

async function pending() {
  const id = state.openId;
  const next = state.cases.get(id)?.status === "pending" ? "open" : "pending";
  const c = await act(next === "pending" ? "Marking pending" : "Reopening", () => invoke("SetServiceStatus", id, next));
  if (c !== undefined) { keep(c); await refreshLists(); }
}

async function takeTicket() {
  const id = state.openId;
  const c = await act("Taking the ticket", () => invoke("TakeTicket", id));
  if (c === undefined) return;
  keep(c);
  await refreshLists();
  await openChat(id);
}

export function initActions() {
  $("transfer").addEventListener("click", transfer);
  $("block").addEventListener("click", block);
  $("resolve").addEventListener("click", resolve);
  $("pending").addEventListener("click", pending);
  $("take-ticket").addEventListener("click", takeTicket);
}
