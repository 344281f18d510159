// The composer: text input, emoji picker, typing notices and file picking.

import { state } from "./state.js";
import { $, el } from "./dom.js";
import { send, sendFiles } from "./sending.js";
import { composeMode, submitEdit, cancelCompose } from "./message-actions.js";

const signalR = window.signalR;
const TYPING_EVERY_MS = 2500;
const EMOJI = ["😀", "😂", "😊", "😍", "😉", "😎", "🤔", "😅", "😢", "😮", "😡", "🥳", "😴", "🙏", "👍", "👎",
  "👏", "🙌", "💪", "👋", "🤝", "❤️", "🔥", "✨", "🎉", "✅", "❌", "⭐", "☕", "🍕", "🚀", "💡"];

let lastTypingSent = 0;

async function sendText() {
  const input = $("composer-input");
  const text = input.value.trim();
  if (!text || !state.activeId) return;
  const mode = composeMode();
  if (mode?.mode === "edit") {
    if (await submitEdit(text)) { input.value = ""; autoGrow(); }
    return;
  }
  input.value = "";
  autoGrow();
  if (mode?.mode === "reply") cancelCompose();
  await send({ conversationId: state.activeId, kind: "text", text, replyToSeq: mode?.mode === "reply" ? mode.seq : null });
}

function typingNow() {
  if (!state.activeId || state.connection?.state !== signalR.HubConnectionState.Connected) return;
  const now = Date.now();
  if (now - lastTypingSent < TYPING_EVERY_MS) return;
  lastTypingSent = now;
  state.connection.invoke("Typing", state.activeId).catch(() => { /* best effort */ });
}

function buildEmojiPicker() {
  const picker = $("emoji-picker");
  picker.replaceChildren(...EMOJI.map((e) => el("button", { type: "button", testid: "emoji", text: e, onclick: () => insertText(e) })));
}

function insertText(text) {
  const input = $("composer-input");
  const start = input.selectionStart ?? input.value.length;
  const end = input.selectionEnd ?? input.value.length;
  input.value = input.value.slice(0, start) + text + input.value.slice(end);
  input.selectionStart = input.selectionEnd = start + text.length;
  input.focus();
  autoGrow();
}

function autoGrow() {
  const input = $("composer-input");
  input.style.height = "auto";
  input.style.height = `${Math.min(input.scrollHeight + 2, 140)}px`;
}

export function wireComposer() {
  $("composer").addEventListener("submit", (event) => { event.preventDefault(); sendText(); });
  const input = $("composer-input");
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) { event.preventDefault(); sendText(); }
    if (event.key === "Escape" && composeMode()) cancelCompose();
  });
  input.addEventListener("input", () => { autoGrow(); if (input.value) typingNow(); });
  $("emoji-button").addEventListener("click", () => { $("emoji-picker").hidden = !$("emoji-picker").hidden; });
  document.addEventListener("click", (event) => {
    if (!event.target.closest("#emoji-picker, #emoji-button")) $("emoji-picker").hidden = true;
  });
  $("file-input").addEventListener("change", (event) => {
    const files = [...event.target.files];
    event.target.value = "";
    sendFiles(files);
  });
  buildEmojiPicker();
}
