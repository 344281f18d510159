// Catching up with the server: Sync rounds from the store's cursors, debounced re-syncs, and the peers' presence.

import { state } from "./state.js";
import { render } from "./render.js";

const signalR = window.signalR;
const SYNC_LIMIT = 200;
let syncing = null;      // the running sync's promise
let syncAgain = false;

/** Sync with the per-conversation cursors until nothing more is missing; concurrent calls fold into one rerun. */
export function sync() {
  if (syncing) { syncAgain = true; return syncing; }
  syncing = (async () => {
    try {
      do {
        syncAgain = false;
        let cursors = state.store.cursors();
        let first = true;
        for (let round = 0; round < 100; round++) {
          const result = await state.connection.invoke("Sync", { cursors, limit: SYNC_LIMIT });
          if (first) { state.store.setConversations(result.conversations || []); first = false; }
          else for (const v of result.conversations || []) state.store.upsertConversation(v);
          for (const m of result.messages || []) state.store.addMessage(m);
          if (!result.hasMore) break;
          const before = JSON.stringify(cursors);
          cursors = state.store.cursors();
          if (JSON.stringify(cursors) === before) break; // no progress: do not spin
        }
        render();
      } while (syncAgain);
    } catch (error) {
      console.warn("sync failed", error);
    } finally {
      syncing = null;
    }
  })();
  return syncing;
}

let syncTimer = 0;
export function scheduleSync() {
  clearTimeout(syncTimer);
  syncTimer = setTimeout(() => { if (state.connection?.state === signalR.HubConnectionState.Connected) sync(); }, 150);
}

export async function refreshPresence() {
  const peers = [...new Set([...state.store.conversations.values()].map((c) => state.store.peerOf(c)).filter((p) => p && p !== state.store.me))];
  if (!peers.length || state.connection?.state !== signalR.HubConnectionState.Connected) return;
  try {
    const list = await state.connection.invoke("GetPresence", peers);
    for (const p of list || []) state.store.presence.set(p.userId, p);
    render();
  } catch (error) {
    console.warn("presence failed", error);
  }
}

