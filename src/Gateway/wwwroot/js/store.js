// The client's picture of the user's conversations and messages, with no DOM in it.
// Messages are keyed by (conversationId, seq): pushes are at-least-once, so anything seen twice is dropped here.
// Per conversation the store keeps a cursor: the highest seq up to which it holds every message without a gap
// (from the oldest loaded one), which is what Sync is asked to continue from after a reconnect.

export class ChatStore {
  constructor(me) {
    this.me = me;
    this.conversations = new Map(); // id -> ConversationView
    this.messages = new Map();      // id -> Map(seq -> Message)
    this.tails = new Map();         // id -> { cursor, oldest, hasOlder } for conversations whose tail is loaded
    this.pending = new Map();       // clientMsgId -> { clientMsgId, conversationId, kind, text, attachment, state, createdAt }
    this.readBy = new Map();        // id -> Map(userId -> seq)
    this.presence = new Map();      // userId -> { status, lastSeenAt }
    this.names = new Map();         // userId -> display name
    this.avatars = new Map();       // userId -> avatarUrl (a member-readable /api/files/… address)
    this.blocked = new Set();       // the ids I blocked
    this.duplicatesDropped = 0;
  }

  // ---------- conversations ----------

  upsertConversation(view) {
    if (!view || !view.conversationId) return;
    const previous = this.conversations.get(view.conversationId);
    const merged = { ...previous, ...view };
    // A view can be older than a message already pushed: never move lastSeq or lastMessage backwards.
    if (previous && (previous.lastSeq ?? 0) > (view.lastSeq ?? 0)) {
      merged.lastSeq = previous.lastSeq;
      merged.lastMessage = previous.lastMessage;
    }
    this.conversations.set(view.conversationId, merged);
    for (const member of view.members || []) this.applyProfile(member);
    if (view.lastMessage) this.addMessage(view.lastMessage, { fromView: true });
  }

  /** Replaces the list with the server's (Sync/ListConversations answer every conversation the user is in). */
  setConversations(views) {
    const ids = new Set(views.map((v) => v.conversationId));
    for (const id of [...this.conversations.keys()]) {
      if (!ids.has(id)) this.removeConversation(id);
    }
    for (const view of views) this.upsertConversation(view);
  }

  removeConversation(id) {
    this.conversations.delete(id);
    this.messages.delete(id);
    this.tails.delete(id);
    this.readBy.delete(id);
  }

  sortedConversations() {
    const when = (c) => Date.parse(c.lastMessage?.sentAt || c.createdAt || 0) || 0;
    return [...this.conversations.values()].sort((a, b) => when(b) - when(a) || a.conversationId.localeCompare(b.conversationId));
  }

  totalUnread() {
    let total = 0;
    for (const c of this.conversations.values()) total += Math.max(0, c.unread || 0);
    return total;
  }

  applyUnread(event) {
    const view = this.conversations.get(event.conversationId);
    if (view) view.unread = Math.max(0, event.unread);
  }

  peerOf(view) {
    if (!view || view.kind !== "direct") return null;
    const other = (view.members || []).find((m) => m.userId !== this.me);
    return other ? other.userId : this.me;
  }

  titleOf(view) {
    if (!view) return "";
    if (view.kind === "direct") {
      const peer = this.peerOf(view);
      return this.nameOf(peer);
    }
    return view.title || "Group";
  }

  /** A Profile, a `profile` push or a member view: whatever of name and avatar it carries. */
  applyProfile(p) {
    if (!p?.userId) return;
    if (p.displayName) this.names.set(p.userId, p.displayName);
    if (p.avatarUrl !== undefined) {
      if (p.avatarUrl) this.avatars.set(p.userId, p.avatarUrl);
      else this.avatars.delete(p.userId);
    }
  }

  nameOf(userId) {
    return this.names.get(userId) || userId;
  }

  // ---------- messages ----------

  /**
   * Adds a message unless (conversationId, seq) is already held; answers { added, gap }.
   * gap is true when the conversation's tail is loaded and the message skips seqs after the cursor
   * (something was missed: the caller asks Sync for it).
   */
  addMessage(message, { fromView = false } = {}) {
    const id = message.conversationId;
    let bySeq = this.messages.get(id);
    if (!bySeq) { bySeq = new Map(); this.messages.set(id, bySeq); }

    if (message.clientMsgId && message.senderId === this.me) this.pending.delete(message.clientMsgId);

    const existing = bySeq.get(message.seq);
    if (existing) {
      if (!fromView) this.duplicatesDropped++;
      if (newerState(existing, message)) bySeq.set(message.seq, { ...existing, ...message });
      return { added: false, gap: false };
    }
    bySeq.set(message.seq, message);

    const view = this.conversations.get(id);
    if (view && message.seq >= (view.lastSeq || 0)) {
      view.lastSeq = message.seq;
      view.lastMessage = message;
    }

    const tail = this.tails.get(id);
    if (!tail) return { added: true, gap: false };
    this.advance(id);
    return { added: true, gap: message.seq > tail.cursor + 1 };
  }

  advance(id) {
    const tail = this.tails.get(id);
    const bySeq = this.messages.get(id);
    if (!tail || !bySeq) return;
    while (bySeq.has(tail.cursor + 1)) tail.cursor++;
  }

  /**
   * Records the first History page of a conversation: from now on its cursor is tracked.
   * Messages pushed while the conversation was closed may reach below the page; the ones joined to it without a gap
   * stay in view, since they were already on screen while the page loaded and must not vanish when it arrives.
   */
  loadTail(id, page, limit) {
    for (const m of page) this.addMessage(m, { fromView: true });
    const seqs = page.map((m) => m.seq);
    const cursor = seqs.length ? Math.max(...seqs) : (this.conversations.get(id)?.lastSeq || 0);
    const oldest = this.heldDownFrom(id, seqs.length ? Math.min(...seqs) : cursor + 1);
    this.tails.set(id, { cursor, oldest, hasOlder: page.length >= limit && oldest > 1 });
    this.advance(id);
  }

  /** The lowest seq reached from `seq` downwards through messages held without a gap. */
  heldDownFrom(id, seq) {
    const bySeq = this.messages.get(id);
    while (seq > 1 && bySeq?.has(seq - 1)) seq--;
    return seq;
  }

  /** Records an older History page (scrolling up). */
  loadOlder(id, page, limit) {
    const tail = this.tails.get(id);
    for (const m of page) this.addMessage(m, { fromView: true });
    if (!tail) return;
    if (page.length) tail.oldest = this.heldDownFrom(id, Math.min(tail.oldest, ...page.map((m) => m.seq)));
    tail.hasOlder = page.length >= limit && tail.oldest > 1;
  }

  isLoaded(id) {
    return this.tails.has(id);
  }

  /** The Sync cursors: per loaded conversation, the last seq held without a gap. */
  cursors() {
    const cursors = {};
    for (const [id, tail] of this.tails) cursors[id] = tail.cursor;
    return cursors;
  }

  hasGap(id) {
    const tail = this.tails.get(id);
    const view = this.conversations.get(id);
    return !!tail && !!view && (view.lastSeq || 0) > tail.cursor;
  }

  /** A conversation's messages in seq order from the oldest loaded one, then the ones still being sent. */
  messageList(id) {
    const bySeq = this.messages.get(id) || new Map();
    const tail = this.tails.get(id);
    const list = [...bySeq.values()]
      .filter((m) => (!tail || m.seq >= tail.oldest) && !m.deleted)
      .sort((a, b) => a.seq - b.seq);
    const pending = [...this.pending.values()].filter((p) => p.conversationId === id).sort((a, b) => a.createdAt - b.createdAt);
    return { list, pending };
  }

  lastSeq(id) {
    const view = this.conversations.get(id);
    const tail = this.tails.get(id);
    return Math.max(view?.lastSeq || 0, tail?.cursor || 0);
  }

  applyRecalled(event) {
    const bySeq = this.messages.get(event.conversationId);
    const message = bySeq?.get(event.seq);
    if (message) bySeq.set(event.seq, { ...message, recalled: true, text: null, attachment: null });
    const view = this.conversations.get(event.conversationId);
    if (view?.lastMessage?.seq === event.seq) view.lastMessage = { ...view.lastMessage, recalled: true, text: null, attachment: null };
  }

  /** An `edited` push (the whole message with its new text) or a changed copy from History/Sync. */
  applyEdited(message) {
    const bySeq = this.messages.get(message.conversationId);
    const existing = bySeq?.get(message.seq);
    if (existing) bySeq.set(message.seq, { ...existing, ...message });
    const view = this.conversations.get(message.conversationId);
    if (view?.lastMessage?.seq === message.seq) view.lastMessage = { ...view.lastMessage, ...message };
  }

  /** A `deleted` push: those messages are hidden on every device of mine (their seqs stay held for the cursor). */
  applyDeleted(event) {
    const bySeq = this.messages.get(event.conversationId);
    for (const seq of event.seqs || []) {
      const existing = bySeq?.get(seq);
      if (existing) bySeq.set(seq, { ...existing, deleted: true, text: null, attachment: null, reactions: {} });
      const view = this.conversations.get(event.conversationId);
      if (view?.lastMessage?.seq === seq) view.lastMessage = { ...view.lastMessage, deleted: true, text: null, attachment: null };
    }
  }

  applyReaction(event) {
    const bySeq = this.messages.get(event.conversationId);
    const existing = bySeq?.get(event.seq);
    if (existing) bySeq.set(event.seq, { ...existing, reactions: event.reactions || {} });
  }

  message(id, seq) {
    return this.messages.get(id)?.get(seq) || null;
  }

  applyRead(event) {
    let readers = this.readBy.get(event.conversationId);
    if (!readers) { readers = new Map(); this.readBy.set(event.conversationId, readers); }
    if ((readers.get(event.userId) || 0) < event.seq) readers.set(event.userId, event.seq);
  }

  /** Who (other than me) has read the message with this seq. */
  readersOf(id, seq) {
    const readers = this.readBy.get(id);
    if (!readers) return [];
    return [...readers].filter(([userId, upTo]) => userId !== this.me && upTo >= seq).map(([userId]) => userId);
  }

  // ---------- sending ----------

  addPending(entry) {
    this.pending.set(entry.clientMsgId, { state: "sending", createdAt: Date.now(), ...entry });
  }

  failPending(clientMsgId, error) {
    const p = this.pending.get(clientMsgId);
    if (p) { p.state = "failed"; p.error = error; }
  }
}

/** Whether a copy of a held message carries news: recalled, deleted for me, edited later, or other reactions. */
function newerState(existing, message) {
  if (message.recalled && !existing.recalled) return true;
  if (message.deleted && !existing.deleted) return true;
  if (message.editedAt && message.editedAt !== existing.editedAt) return true;
  return !!message.reactions && JSON.stringify(message.reactions) !== JSON.stringify(existing.reactions || {});
}
