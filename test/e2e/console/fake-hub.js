// A stand-in for the SignalR client, served instead of /lib/signalr.min.js to the console in the layout test: it
// answers the console's hub calls like desk "sales" with two chats of agent1, two visitors waiting and a ticket,
// so the page can be seen filled before the real server methods exist. window.__fakeHub records the calls.
(() => {
  const handlers = new Map();
  const calls = [];
  const now = Date.now();
  const ago = (s) => new Date(now - s * 1000).toISOString();
  const visitor = (id, name, attributes) => ({ displayName: name, attributes });
  const cases = {
    "s:sales:guest-ann": { conversationId: "s:sales:guest-ann", deskId: "sales", visitorId: "guest-ann", visitor: visitor("guest-ann", "Ann", { orderId: "A-1001", shop: "north", plan: "Premium" }),
      status: "open", labels: ["billing"], agentId: "agent1", openedAt: ago(900), assignedAt: ago(860), firstResponseAt: ago(840), resolvedAt: null, rating: null, ratingComment: null, ticket: null },
    "s:sales:guest-bo": { conversationId: "s:sales:guest-bo", deskId: "sales", visitorId: "guest-bo", visitor: visitor("guest-bo", "Bo", {}),
      status: "pending", labels: [], agentId: "agent1", openedAt: ago(3000), assignedAt: ago(2900), firstResponseAt: ago(2800), resolvedAt: null, rating: null, ratingComment: null, ticket: null },
    "s:sales:guest-cy": { conversationId: "s:sales:guest-cy", deskId: "sales", visitorId: "guest-cy", visitor: visitor("guest-cy", "Cy", {}), status: "queued", labels: [], agentId: null, openedAt: ago(75) },
    "s:sales:guest-di": { conversationId: "s:sales:guest-di", deskId: "sales", visitorId: "guest-di", visitor: visitor("guest-di", "Di", {}), status: "queued", labels: [], agentId: null, openedAt: ago(20) },
    "s:sales:guest-ed": { conversationId: "s:sales:guest-ed", deskId: "sales", visitorId: "guest-ed", visitor: visitor("guest-ed", "Ed", {}), status: "ticket", labels: [], agentId: null, openedAt: ago(7200),
      ticket: { name: "Ed", contact: "ed@example.com", text: "Please call me back about my invoice.", at: ago(7200) } },
  };
  const members = (v) => [{ userId: v, role: "member" }, { userId: "agent1", role: "agent" }];
  const msg = (c, seq, senderId, text, s) => ({ conversationId: c, seq, messageId: `m${seq}`, clientMsgId: `c${seq}`, senderId, kind: "text", text, attachment: null, sentAt: ago(s), recalled: false, replyToSeq: null });
  const logs = {
    "s:sales:guest-ann": [msg("s:sales:guest-ann", 1, "guest-ann", "Hi, my order A-1001 has not arrived yet.", 880),
      msg("s:sales:guest-ann", 2, "agent1", "Hello Ann, let me check that for you.", 840),
      msg("s:sales:guest-ann", 3, "guest-ann", "Thanks! It was due on Monday.", 600)],
    "s:sales:guest-bo": [msg("s:sales:guest-bo", 1, "guest-bo", "Can I change my plan?", 2950), msg("s:sales:guest-bo", 2, "agent1", "Yes, I sent you the link.", 2800)],
  };
  const notes = { "s:sales:guest-ann": [{ noteId: "n1", conversationId: "s:sales:guest-ann", authorId: "supervisor", text: "VIP customer, be quick.", at: ago(700) }] };
  const conv = (id) => ({ conversationId: id, kind: "service", title: "Sales", members: members(cases[id].visitorId), lastSeq: logs[id].length, lastMessage: logs[id].at(-1), unread: id === "s:sales:guest-ann" ? 1 : 0, readSeq: 0 });
  let seq = 10;
  let myReplies = [{ shortcut: "bye", text: "Have a nice day, {name}!" }];
  let blocked = [
    { visitorId: "guest-cy", reason: "Abusive language towards the agent, twice.", blockedBy: "supervisor", blockedAt: ago(1800), until: new Date(now + 86400000).toISOString() },
    { visitorId: "guest-zed-9f2c41", reason: "Spam links", blockedBy: "agent1", blockedAt: ago(90000), until: null },
  ];
  const answers = {
    GetAgentState: () => ({ agentId: "agent1", status: "online", capacity: 3, chats: Object.keys(logs), free: 1, takesChats: true }),
    SetAgentStatus: (s) => ({ agentId: "agent1", status: s, capacity: 3, chats: Object.keys(logs), free: 1, takesChats: s === "online" }),
    ListConversations: () => Object.keys(logs).map(conv),
    ListServiceChats: (f) => Object.values(cases).filter((c) => (!f.status || c.status === f.status) && (!f.label || c.labels.includes(f.label))),
    ListTickets: () => Object.values(cases).filter((c) => c.status === "ticket"),
    GetServiceCase: (id) => cases[id],
    History: (id) => logs[id] || [],
    ListServiceNotes: (id) => notes[id] || [],
    GetQuickReplies: () => [{ shortcut: "hello", text: "Hello {name}, thanks for writing!", scope: "desk" },
      { shortcut: "order", text: "Your order {orderId} is on its way.", scope: "desk" }, ...myReplies.map((r) => ({ ...r, scope: "agent" }))],
    SetMyQuickReplies: (replies) => {
      for (const r of replies) if (!/^[a-z0-9_-]{1,32}$/.test(r.shortcut)) throw new Error("HubException: invalid: A quick reply's shortcut is 1-32 of a-z 0-9 _ -.");
      myReplies = replies.map(({ shortcut, text }) => ({ shortcut, text }));
      return myReplies.map((r) => ({ ...r, scope: "agent" }));
    },
    ListBlockedVisitors: () => blocked,
    UnblockVisitor: (deskId, visitorId) => { const before = blocked.length; blocked = blocked.filter((b) => b.visitorId !== visitorId); return blocked.length < before; },
    Send: (m) => ({ conversationId: m.conversationId, seq: ++seq, messageId: `m${seq}`, sentAt: new Date().toISOString(), duplicate: false }),
    AddServiceNote: (id, text) => ({ noteId: `n${++seq}`, conversationId: id, authorId: "agent1", text, at: new Date().toISOString() }),
    SetServiceLabels: (id, labels) => ({ ...cases[id], labels }),
    SetServiceStatus: (id, status) => ({ ...cases[id], status }),
    GetDeskBoard: () => ({ deskId: "sales", queueLength: 2, longestWaitSeconds: 75,
      queue: [{ conversationId: "s:sales:guest-cy", visitorId: "guest-cy", waitingSeconds: 75 }, { conversationId: "s:sales:guest-di", visitorId: "guest-di", waitingSeconds: 20 }],
      agents: [{ agentId: "agent1", displayName: "Agent One", status: "online", capacity: 3, load: 2 }, { agentId: "agent2", displayName: "Agent Two", status: "away", capacity: 3, load: 0 }],
      today: { date: "2026-12-07", chatsHandled: 5, avgFirstResponseSeconds: 21, avgHandleSeconds: 300, csat: 4.5, ratings: 2 },
      agentsToday: [{ agentId: "agent1", chatsHandled: 3, avgFirstResponseSeconds: 18, avgHandleSeconds: 280, csat: 5, ratings: 1 }] }),
    QueryAudit: () => ({ entries: [{ id: 3, at: ago(60), actor: "system", deskId: "sales", action: "assign", target: "s:sales:guest-ann", details: "agent1" },
      { id: 2, at: ago(900), actor: "agent1", deskId: "sales", action: "status", target: "agent1", details: "online" }], nextBeforeId: null }),
  };
  const connection = {
    state: "Disconnected",
    on: (name, fn) => handlers.set(name, fn),
    onreconnecting() {}, onreconnected() {}, onclose() {},
    async start() { this.state = "Connected"; },
    async stop() { this.state = "Disconnected"; },
    async invoke(method, ...args) {
      calls.push([method, ...args]);
      if (window.__fakeHub.missing.includes(method)) throw new Error(`Failed to invoke '${method}' due to an error on the server. HubException: Method does not exist.`);
      const answer = answers[method];
      return answer ? structuredClone(answer(...args)) : null;
    },
  };
  class HubConnectionBuilder {
    withUrl() { return this; }
    withAutomaticReconnect() { return this; }
    configureLogging() { return this; }
    build() { return connection; }
  }
  window.signalR = { HubConnectionBuilder, LogLevel: { Warning: 3 }, HubConnectionState: { Connected: "Connected", Disconnected: "Disconnected" } };
  window.__fakeHub = { calls, missing: window.__fakeMissing || [], emit: (name, payload) => handlers.get(name)?.(payload) };
})();
