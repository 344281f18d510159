// Quick replies (GetQuickReplies: the desk's, then the agent's own): a picker with search, or "/shortcut" typed at
// the start of the composer (Enter or Tab takes the first match). {name} and the visitor's attribute keys
// ({orderId}) are filled from the case; a placeholder nobody knows stays as written.

import { state, deskOf } from "./state.js";
import { $, el } from "./ui.js";
import { invoke } from "./hub.js";

export async function loadReplies() {
  state.replies = [];
  if (!state.deskId) return;
  try { state.replies = await invoke("GetQuickReplies", state.deskId) || []; } catch { /* the picker says none */ }
  state.repliesDesk = state.deskId;
}

export function fill(text, c) {
  const values = { ...(c?.visitor?.attributes || {}), name: c?.visitor?.displayName || c?.visitorId || "" };
  return text.replace(/\{([A-Za-z0-9_.-]+)\}/g, (whole, key) => (values[key] != null && values[key] !== "" ? values[key] : whole));
}

function matches(query) {
  const q = query.toLowerCase();
  return state.replies.filter((r) => r.shortcut.toLowerCase().includes(q) || r.text.toLowerCase().includes(q));
}

function use(reply) {
  $("input").value = fill(reply.text, state.cases.get(state.openId));
  closeReplies();
  $("input").focus();
}

function show(list) {
  const box = $("replies");
  const items = list.map((r) => el("li", { testid: "quick-reply", tabindex: "0", dataset: { shortcut: r.shortcut } },
    el("b", { text: `/${r.shortcut}` }), el("span", { text: r.text }), r.scope === "agent" ? el("i", { text: "mine" }) : null));
  $("replies-items").replaceChildren(...(items.length ? items : [el("li", { class: "muted", text: state.replies.length ? "No quick reply matches." : "No quick replies for this desk." })]));
  box.hidden = false;
}

export function closeReplies() { $("replies").hidden = true; }

async function ensureLoaded() {
  const d = state.openId ? deskOf(state.openId) : state.deskId;
  if (state.repliesDesk !== d && d) {
    try { state.replies = await invoke("GetQuickReplies", d) || []; state.repliesDesk = d; } catch { state.replies = []; }
  }
}

/** Composer keydown: completes "/shortcut"; answers true when it used the key. */
export function completeShortcut(e) {
  const m = /^\/([\w-]*)$/.exec($("input").value);
  if (!m || $("replies").hidden) return false;
  if (e.key === "Escape") { closeReplies(); return true; }
  if (e.key !== "Enter" && e.key !== "Tab") return false;
  const first = matches(m[1]).find((r) => r.shortcut.startsWith(m[1])) || matches(m[1])[0];
  if (!first) return false;
  e.preventDefault();
  use(first);
  return true;
}

export function initReplies() {
  $("replies-button").addEventListener("click", async () => {
    if (!$("replies").hidden) { closeReplies(); return; }
    await ensureLoaded();
    $("replies-search").value = "";
    show(state.replies);
    $("replies-search").focus();
  });
  $("replies-search").addEventListener("input", (e) => show(matches(e.target.value)));
  $("replies-search").addEventListener("keydown", (e) => {
    if (e.key === "Escape") { closeReplies(); $("input").focus(); }
    if (e.key === "Enter") { e.preventDefault(); const r = matches(e.target.value)[0]; if (r) use(r); }
  });
  $("replies-items").addEventListener("click", (e) => {
    const s = e.target.closest("li[data-shortcut]")?.dataset.shortcut;
    const r = state.replies.find((x) => x.shortcut === s);
    if (r) use(r);
  });
  $("input").addEventListener("input", async () => {
    const m = /^\/([\w-]*)$/.exec($("input").value);
    if (!m) { if ($("replies-search") !== document.activeElement) closeReplies(); return; }
    await ensureLoaded();
    show(matches(m[1]));
  });
}
