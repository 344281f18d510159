// The client's shared mutable state: one object every module reads and writes, so nothing is duplicated.

export const state = {
  session: null,      // { userId, token, expiresAt, displayName? }
  store: null,        // the signed-in user's ChatStore
  connection: null,   // the SignalR HubConnection
  activeId: null,     // the open conversation
  stopping: false,    // signing out: no reconnects, no resends
};

export const typingByConv = new Map(); // conversationId -> Map(userId -> expiresAt)
