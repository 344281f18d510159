// The console's shared state: the session, the chosen desk, what the lists and the open chat show.

export const state = {
  session: null,        // {userId, token, expiresAt, role}
  conn: null,           // the SignalR connection
  desks: [],            // DeskConfig[] from GET /api/desks
  deskId: null,
  view: "chats",        // chats | replies, and for supervisors board | audit | blocked
  list: "mine",         // mine | queue | all | tickets
  conversations: new Map(), // conversationId -> ConversationView (ListConversations, pushes)
  cases: new Map(),     // conversationId -> ServiceCase
  queue: [], all: [], tickets: [],
  replies: [],          // quick replies of the desk and the agent
  openId: null,         // the chat in the middle pane
  log: new Map(),       // seq -> Message of the open chat
  notes: new Map(),     // noteId -> ServiceNote of the open chat
  oldestSeq: null,
};

export const desk = () => state.desks.find((d) => d.deskId === state.deskId) || null;

/** Supervisors of the chosen desk, and operators everywhere. */
export function isSupervisor() {
  return state.session?.role === "operator" || Boolean(desk()?.supervisors?.includes(state.session?.userId));
}

/** The chats this agent serves: service conversations in which they are the member with role agent. */
export function myChats() {
  const me = state.session?.userId;
  return [...state.conversations.values()]
    .filter((c) => c.kind === "service" && (c.members || []).some((m) => m.userId === me && m.role === "agent"));
}

export const visitorOf = (conversationId) => conversationId.split(":").slice(2).join(":");
export const deskOf = (conversationId) => conversationId.split(":")[1];

export function visitorName(conversationId) {
  const c = state.cases.get(conversationId);
  return c?.visitor?.displayName || c?.ticket?.name || visitorOf(conversationId);
}

const queueStamps = new Map(); // conversationId -> the highest QueueStatus.stamp applied

/**
 * True when a QueueStatus (a `queue` push, or an answer of OpenServiceChat/GetQueuePosition) is not older than one
 * already applied: pushes can arrive out of order, and an answer after a newer push. A status without a stamp
 * (servers before the stamp) is always applied.
 */
export function freshQueue(q) {
  if (!q?.conversationId || typeof q.stamp !== "number") return true;
  const kept = queueStamps.get(q.conversationId);
  if (kept !== undefined && q.stamp < kept) return false;
  queueStamps.set(q.conversationId, q.stamp);
  return true;
}
