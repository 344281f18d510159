// The middle column: one service chat's history (History, then Sync after a reconnect) with the private notes
// between the messages, the composer (a reply with a clientMsgId, or a private note) and typing both ways.

import { state, visitorName, myChats } from "./state.js";
import { $, el, explain, showPane, time, toast } from "./ui.js";
import { invoke, on } from "./hub.js";
import { renderCase } from "./casepane.js";
import { fillAttachment } from "./attachments.js";
import { render as renderLists, fetchCase } from "./lists.js";
import { closeReplies, completeShortcut } from "./replies.js";

const PAGE = 50;
const TYPING_EVERY_MS = 3000;
let lastTyping = 0;
let typingTimer = 0;

export const isMine = (id) => myChats().some((c) => c.conversationId === id);

export async function openChat(id) {
  state.openId = id;
  state.log = new Map();
  state.notes = new Map();
  state.oldestSeq = null;
  $("chat-placeholder").hidden = true;
  $("chat-inner").hidden = false;
  $("typing").textContent = "";
  $("input").value = "";
  closeReplies();
  showPane("chat");
  renderHead();
  renderLog();
  renderLists();
  renderCase();
  fetchCase(id).then(() => { if (state.openId === id) { renderHead(); renderCase(); } });
  await reloadOpenChat();
}

/** Loads the open chat's newest page and its notes (again after a reconnect: Sync would do, a page is simpler). */
export async function reloadOpenChat() {
  const id = state.openId;
  if (!id) return;
  const problems = [];
  try {
    // A beforeSeq past the end asks for the newest page (also for chats this agent is not in the list of yet).
    const page = await invoke("History", id, Number.MAX_SAFE_INTEGER, PAGE);
    if (state.openId !== id) return;
    for (const m of page) state.log.set(m.seq, m);
    state.oldestSeq = page.length ? page[0].seq : null;
    $("older").hidden = page.length < PAGE;
    if (page.length && isMine(id)) invoke("MarkRead", id, page[page.length - 1].seq).catch(() => {});
  } catch (error) {
    problems.push(/forbidden/.test(String(error?.message)) ? "You can read this chat once you serve it." : explain(error, "The history"));
  }
  try {
    for (const n of await invoke("ListServiceNotes", id)) state.notes.set(n.noteId, n);
  } catch (error) {
    if (!/forbidden/.test(String(error?.message))) problems.push(explain(error, "Private notes"));
  }
  if (state.openId !== id) return;
  $("log").dataset.problem = problems.join(" ");
  renderLog(true);
}

async function loadOlder() {
  const id = state.openId;
  try {
    const page = await invoke("History", id, state.oldestSeq, PAGE);
    for (const m of page) state.log.set(m.seq, m);
    if (page.length) state.oldestSeq = page[0].seq;
    $("older").hidden = page.length < PAGE;
    renderLog(false);
  } catch (error) { toast(explain(error, "Older messages"), true); }
}

export function renderHead() {
  const id = state.openId;
  if (!id) return;
  const c = state.cases.get(id);
  $("chat-title").textContent = visitorName(id);
  $("chat-sub").textContent = [c?.status, c?.agentId && `agent ${c.agentId}`, id].filter(Boolean).join(" \u00b7 ");
  const mine = isMine(id);
  const ticket = c?.status === "ticket" && !mine;
  $("take-ticket").hidden = !ticket;
  $("pending").hidden = !mine;
  $("pending").textContent = c?.status === "pending" ? "Reopen" : "Pending";
  $("transfer").hidden = !mine;
  $("resolve").hidden = !mine;
  $("composer").hidden = !mine;
}

function bubble(m) {
  const mine = m.senderId === state.session.userId;
  const node = el("li", { class: `msg ${mine ? "mine" : m.senderId === c()?.visitorId ? "theirs" : "staff"}`, testid: "message", dataset: { seq: String(m.seq) } },
    !mine && m.senderId !== c()?.visitorId ? el("div", { class: "who", text: m.senderId }) : null);
  if (m.recalled) node.append(el("em", { text: "message withdrawn" }));
  else if (m.attachment) node.append(fillAttachment(m));
  if (!m.recalled && m.text) node.append(el("div", { class: "text", text: m.text }));
  node.append(el("div", { class: "when", text: time(m.sentAt) }));
  return node;
}
const c = () => state.cases.get(state.openId);

function noteNode(n) {
  return el("li", { class: "note", testid: "note" },
    el("div", { class: "who", text: `Private note \u00b7 ${n.authorId}` }),
    el("div", { class: "text", text: n.text }),
    el("div", { class: "when", text: time(n.at) }));
}

/** Messages by seq with the notes placed by time: the notes never reach the visitor, so they are styled apart. */
export function renderLog(scroll = true) {
  const entries = [...state.log.values()].sort((a, b) => a.seq - b.seq).map((m) => ({ at: m.sentAt, node: () => bubble(m) }));
  const notes = [...state.notes.values()].sort((a, b) => a.at.localeCompare(b.at));
  const out = [];
  let i = 0;
  for (const e of entries) {
    while (i < notes.length && notes[i].at < e.at) out.push(noteNode(notes[i++]));
    out.push(e.node());
  }
  while (i < notes.length) out.push(noteNode(notes[i++]));
  const problem = $("log").dataset.problem;
  if (problem) out.unshift(el("li", { class: "problem", text: problem }));
  $("log-items").replaceChildren(...out);
  if (scroll) $("log").scrollTop = $("log").scrollHeight;
}

function newId() {
  return crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(16).slice(2)}`;
}

async function submit(e) {
  e.preventDefault();
  const text = $("input").value.trim();
  const id = state.openId;
  if (!text || !id) return;
  const note = $("composer").dataset.mode === "note";
  $("send").disabled = true;
  try {
    if (note) {
      const n = await invoke("AddServiceNote", id, text);
      state.notes.set(n.noteId, n);
    } else {
      const clientMsgId = newId();
      // Kept in the field until the server stored it: a failed send can simply be sent again.
      const ack = await invoke("Send", { conversationId: id, clientMsgId, kind: "text", text });
      state.log.set(ack.seq, { ...ack, clientMsgId, senderId: state.session.userId, kind: "text", text, recalled: false });
    }
    $("input").value = "";
    if (state.openId === id) renderLog();
  } catch (error) {
    toast(explain(error, note ? "The note" : "Sending"), true);
  } finally {
    $("send").disabled = false;
  }
}

export function initChat() {
  $("composer").addEventListener("submit", submit);
  $("older").addEventListener("click", loadOlder);
  $("back").addEventListener("click", () => showPane("list"));
  $("show-case").addEventListener("click", () => showPane("case"));
  $("case-back").addEventListener("click", () => showPane(state.openId ? "chat" : "list"));
  $("composer").querySelector(".modes").addEventListener("click", (e) => {
    const mode = e.target.closest("button")?.dataset.mode;
    if (!mode) return;
    $("composer").dataset.mode = mode;
    for (const b of $("composer").querySelectorAll(".modes [data-mode]")) b.classList.toggle("on", b.dataset.mode === mode);
    $("input").placeholder = mode === "note" ? "A private note: only staff see it" : "Write a reply (type / for quick replies)";
    $("send").textContent = mode === "note" ? "Add note" : "Send";
    $("input").focus();
  });
  $("input").addEventListener("keydown", (e) => {
    if (completeShortcut(e)) return;
    if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); $("composer").requestSubmit(); }
  });
  $("input").addEventListener("input", () => {
    const now = Date.now();
    if ($("composer").dataset.mode !== "reply" || !state.openId || now - lastTyping < TYPING_EVERY_MS) return;
    lastTyping = now;
    invoke("Typing", state.openId).catch(() => {});
  });

  on("message", (m) => {
    if (m.conversationId !== state.openId) return;
    state.log.set(m.seq, m);
    renderLog();
    if (m.senderId !== state.session.userId) {
      $("typing").textContent = "";
      if (document.visibilityState === "visible") invoke("MarkRead", m.conversationId, m.seq).catch(() => {});
    }
  });
  on("note", (n) => { if (n.conversationId === state.openId) { state.notes.set(n.noteId, n); renderLog(); } });
  on("typing", (t) => {
    if (t.conversationId !== state.openId || t.userId === state.session.userId) return;
    $("typing").textContent = `${visitorName(t.conversationId)} is typing\u2026`;
    clearTimeout(typingTimer);
    typingTimer = setTimeout(() => { $("typing").textContent = ""; }, 4000);
  });
  on("case", (k) => { if (k.conversationId === state.openId) { renderHead(); renderCase(); } });
  on("conversation", (v) => { if (v.conversationId === state.openId) renderHead(); });
}
