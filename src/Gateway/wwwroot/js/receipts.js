// Read receipts: the other members' read positions come from the server (GetReads when a conversation opens or the
// connection comes back, then `read` pushes), so every device of the user shows the same.

import { state } from "./state.js";
import { call } from "./hub.js";
import { render } from "./render.js";

/** Asks for the other members' read positions in a conversation (an older server without GetReads: pushes only). */
export async function loadReads(conversationId) {
  try {
    const reads = await call("GetReads", [conversationId]);
    for (const r of reads || []) state.store.applyRead({ conversationId, userId: r.userId, seq: r.seq });
    render();
  } catch { /* receipts then come from `read` pushes alone */ }
}
