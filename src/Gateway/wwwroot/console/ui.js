// DOM helpers of the console: element building, the toast, the notice line, dialogs and the wording of errors.

import { el as build } from "/js/dom.js";
import { errorCode, errorText } from "/js/errors.js";

export const $ = (id) => document.getElementById(id);
export const el = build;

let toastTimer = 0;
export function toast(text, isError = false) {
  const node = $("toast");
  node.textContent = text;
  node.classList.toggle("error", isError);
  node.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { node.hidden = true; }, isError ? 6000 : 2500);
}

/** Plain words for an error of a hub call; the protocol text stays in the console log for whoever debugs. */
export function explain(error, what = "That") {
  const text = String(error?.message || error);
  console.warn(what, text);
  if (/Method does not exist|unknown hub method/i.test(text)) return `${what} is not available on this server yet.`;
  const code = errorCode(error);
  const detail = errorText(error).replace(/^[a-z_]+:\s*/, "");
  if (code === "forbidden") return `${what}: not allowed (${detail})`;
  if (code === "not_found") return `${what}: not found (${detail})`;
  if (code === "conflict") return `${what}: ${detail}`;
  if (code === "invalid") return `${what}: ${detail}`;
  if (code === "rate_limited") return `${what}: too many requests, try again in a moment.`;
  if (code === "unavailable" || !code) return `${what} failed: the server is not reachable right now.`;
  return `${what} failed (${detail}).`;
}

export function notice(text) {
  const node = $("notice");
  node.textContent = text || "";
  node.hidden = !text;
}

export function time(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  const today = new Date().toDateString() === d.toDateString();
  return today ? d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })
    : d.toLocaleString([], { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
}

export function duration(seconds) {
  if (seconds == null) return "-";
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

/**
 * Shows the shared dialog with the given fields and answers the form's values, or null when cancelled.
 * fields: nodes to put above the buttons; validate(values) answers an error text or "".
 */
export function ask(title, fields, okText, validate = () => "") {
  const dialog = $("dialog");
  const form = $("dialog-form");
  const error = el("p", { class: "error", role: "alert", testid: "dialog-error" });
  form.replaceChildren(el("h3", { text: title }), ...fields, error,
    el("div", { class: "dialog-actions" },
      el("button", { value: "cancel", formnovalidate: true, testid: "dialog-cancel", text: "Cancel" }),
      el("button", { value: "ok", class: "primary", testid: "dialog-ok", text: okText })));
  return new Promise((resolve) => {
    const onSubmit = (e) => {
      if (e.submitter?.value !== "ok") return;
      const values = Object.fromEntries(new FormData(form));
      const problem = validate(values);
      if (problem) { e.preventDefault(); error.textContent = problem; }
    };
    form.addEventListener("submit", onSubmit);
    dialog.addEventListener("close", () => {
      form.removeEventListener("submit", onSubmit);
      resolve(dialog.returnValue === "ok" ? Object.fromEntries(new FormData(form)) : null);
    }, { once: true });
    dialog.returnValue = "";
    dialog.showModal();
  });
}

/** Which pane a narrow screen shows: list, chat or case (desktop shows all three). */
export function showPane(pane) {
  document.body.dataset.pane = pane;
}
