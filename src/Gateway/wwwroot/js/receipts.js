// Persisting the read receipts others send, per signed-in user.

import { state } from "./state.js";

// Read receipts arrive as events only; keep them per user in localStorage so a reload or another window of this
// browser still shows what the others have read.
export function receiptsKey() { return `im.receipts.${state.session.userId}`; }

export function loadReceipts() {
  try {
    const saved = JSON.parse(localStorage.getItem(receiptsKey()) || "{}");
    for (const [conversationId, readers] of Object.entries(saved)) {
      for (const [userId, seq] of Object.entries(readers)) state.store.applyRead({ conversationId, userId, seq });
    }
  } catch { /* nothing saved */ }
}

export function saveReceipts() {
  const out = {};
  for (const [conversationId, readers] of state.store.readBy) {
    if (state.store.conversations.has(conversationId)) out[conversationId] = Object.fromEntries(readers);
  }
  try { localStorage.setItem(receiptsKey(), JSON.stringify(out)); } catch { /* storage full: receipts are a nicety */ }
}
