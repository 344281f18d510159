// The originals that replies quote: from the store, or fetched once with History(conversationId, seq + 1, 1).

import { state } from "./state.js";
import { call } from "./hub.js";
import { render } from "./render.js";

const fetching = new Set(); // "conversationId/seq" asked for

/** A one-line text for a message: its text, or what it holds (photo, voice message, …). */
export function previewText(message) {
  if (!message) return "";
  if (message.recalled) return "Message recalled";
  if (message.deleted) return "Message deleted";
  switch (message.kind) {
    case "text": return message.text || "";
    case "image": return "📷 Photo";
    case "file": return "📎 " + (message.attachment?.fileName || "File");
    case "voice": return "🎤 Voice message";
    case "video": return "🎬 Video message";
    default: return message.text || message.kind;
  }
}

/** The quoted message if held; otherwise asks for it (the reply redraws when it arrives) and answers null. */
export function quoteOf(conversationId, seq) {
  const held = state.store.message(conversationId, seq);
  if (held) return held;
  const key = `${conversationId}/${seq}`;
  if (!fetching.has(key)) {
    fetching.add(key);
    call("History", [conversationId, seq + 1, 1])
      .then((page) => {
        for (const m of page || []) if (m.seq === seq) state.store.addMessage(m, { fromView: true });
        render();
      })
      .catch(() => { /* the quote stays "…" */ });
  }
  return null;
}
