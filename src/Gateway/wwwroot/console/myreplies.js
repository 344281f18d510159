// The agent's own quick replies (SetMyQuickReplies replaces the whole list): add, edit and delete, checked here
// first by the server's rules so mistakes are said in plain words; the desk's replies are shown read-only.

import { state } from "./state.js";
import { $, el, ask, explain, toast } from "./ui.js";
import { invoke } from "./hub.js";

const MAX_REPLIES = 200;
const MAX_SHORTCUT = 32;
const MAX_TEXT = 2000;

let own = null;       // the agent's list as last read or stored; null = not read (saving would overwrite unknowns)
let deskReplies = [];
let editing = null;   // the shortcut being edited, or null when adding

const strip = ({ shortcut, text }) => ({ shortcut, text });

export async function showMyReplies() {
  own = null;
  cancelEdit();
  $("my-replies-empty").classList.remove("problem");
  if (!state.deskId) {
    render("Your quick replies show here once you are on a desk.");
    return;
  }
  try {
    const all = await invoke("GetQuickReplies", state.deskId) || [];
    deskReplies = all.filter((r) => r.scope !== "agent");
    own = all.filter((r) => r.scope === "agent").map(strip);
    render();
  } catch (error) {
    deskReplies = [];
    render(explain(error, "Your quick replies"), true);
  }
}

function render(problem = "", isError = false) {
  const list = $("my-replies");
  list.replaceChildren(...(own || []).map((r) => el("li", { class: `reply${r.shortcut === editing ? " editing" : ""}`, testid: "my-reply", dataset: { shortcut: r.shortcut } },
    el("div", { class: "reply-body" }, el("code", { text: `/${r.shortcut}` }), el("p", { text: r.text })),
    el("div", { class: "reply-actions" },
      el("button", { type: "button", testid: "my-reply-edit", onclick: () => startEdit(r), text: "Edit" }),
      el("button", { type: "button", class: "danger", testid: "my-reply-delete", onclick: () => remove(r), text: "Delete" })))));
  const empty = $("my-replies-empty");
  empty.textContent = problem || (own && own.length === 0 ? "You have no quick replies of your own yet. Add one below." : "");
  empty.classList.toggle("problem", isError);
  $("reply-form").hidden = own === null;
  $("desk-replies").replaceChildren(...(deskReplies.length ? deskReplies.map((r) => el("li", { class: "reply", testid: "desk-reply" },
    el("div", { class: "reply-body" }, el("code", { text: `/${r.shortcut}` }), el("p", { text: r.text }))))
    : [el("li", { class: "muted", text: "This desk has no quick replies." })]));
}

/** What is wrong with the form's reply, in plain words, and which field to fix; null when the server will take it. */
function problemWith(shortcut, text) {
  const bad = (field, message) => ({ field, message });
  if (!shortcut) return bad("shortcut", "Give the reply a shortcut, for example thanks (you then type /thanks).");
  if (shortcut.length > MAX_SHORTCUT) return bad("shortcut", `A shortcut is at most ${MAX_SHORTCUT} characters long (this one has ${shortcut.length}).`);
  if (!/^[a-z0-9_-]+$/.test(shortcut)) {
    const suggestion = shortcut.replace(/\s+/g, "-").replace(/[^a-z0-9_-]/g, "");
    const hint = suggestion && suggestion !== shortcut && suggestion.length <= MAX_SHORTCUT ? ` Try /${suggestion}.` : "";
    return bad("shortcut", `A shortcut may only use the letters a-z, digits, - and _ (no spaces or accents).${hint}`);
  }
  if (own.some((r) => r.shortcut === shortcut && r.shortcut !== editing)) return bad("shortcut", `You already have /${shortcut}. Pick another shortcut, or edit that one.`);
  if (deskReplies.some((r) => r.shortcut === shortcut)) return bad("shortcut", `The desk already has /${shortcut}. Pick another shortcut so both can be used.`);
  if (!text.trim()) return bad("text", "Write the text the shortcut puts into your reply.");
  if (text.length > MAX_TEXT) return bad("text", `The text is at most ${MAX_TEXT} characters long (this one has ${text.length}).`);
  if (editing === null && own.length >= MAX_REPLIES) return bad("shortcut", `You already have ${MAX_REPLIES} quick replies, the most there can be. Delete one first.`);
  return null;
}

async function save(next, done) {
  try {
    const stored = await invoke("SetMyQuickReplies", next) || [];
    own = stored.map(strip);
    // The composer's picker reads state.replies: the desk's first, then the agent's own (as GetQuickReplies answers).
    if (state.repliesDesk === state.deskId) state.replies = [...deskReplies, ...stored.map((r) => ({ ...strip(r), scope: "agent" }))];
    else state.repliesDesk = null; // read again when the picker opens
    render();
    toast(done);
    return true;
  } catch (error) {
    $("reply-error").textContent = explain(error, "Saving your quick replies");
    return false;
  }
}

function startEdit(reply) {
  const form = $("reply-form");
  editing = reply.shortcut;
  form.shortcut.value = reply.shortcut;
  form.text.value = reply.text;
  $("reply-error").textContent = "";
  $("reply-form-title").textContent = `Edit /${reply.shortcut}`;
  $("reply-save").textContent = "Save changes";
  $("reply-cancel").hidden = false;
  render();
  form.scrollIntoView({ block: "nearest" });
  form.text.focus();
}

function cancelEdit() {
  const form = $("reply-form");
  editing = null;
  form.reset();
  $("reply-error").textContent = "";
  $("reply-form-title").textContent = "Add a quick reply";
  $("reply-save").textContent = "Add";
  $("reply-cancel").hidden = true;
  if (own) render();
}

async function remove(reply) {
  const ok = await ask(`Delete /${reply.shortcut}?`, [el("p", { class: "muted", text: reply.text })], "Delete");
  if (!ok) return;
  if (editing === reply.shortcut) cancelEdit();
  await save(own.filter((r) => r.shortcut !== reply.shortcut), `/${reply.shortcut} deleted.`);
}

export function initMyReplies() {
  const form = $("reply-form");
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (own === null) return;
    // Forgiving about what people type: a leading slash, capitals, spaces around it.
    const shortcut = form.shortcut.value.trim().replace(/^\/+/, "").toLowerCase();
    const text = form.text.value.replace(/\s+$/, "");
    const problem = problemWith(shortcut, text);
    $("reply-error").textContent = problem?.message || "";
    if (problem) { form[problem.field].focus(); return; }
    const reply = { shortcut, text };
    const next = editing === null ? [...own, reply] : own.map((r) => (r.shortcut === editing ? reply : r));
    const button = $("reply-save");
    button.disabled = true;
    const done = await save(next, editing === null ? `/${shortcut} added.` : `/${shortcut} saved.`);
    button.disabled = false;
    if (done) cancelEdit();
  });
  $("reply-cancel").addEventListener("click", cancelEdit);
  for (const input of [form.shortcut, form.text]) input.addEventListener("input", () => { $("reply-error").textContent = ""; });
}
