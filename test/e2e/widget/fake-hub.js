// A stand-in for the SignalR client, loaded by a test host page before widget.js (which reuses a window.signalR it
// finds). Desks can only be configured inside the cluster, so a browser test cannot put a real visitor in a queue;
// this hub answers the widget's calls like a desk with two visitors ahead, and lets the test push events.
(() => {
  const handlers = new Map();
  const calls = [];
  const conversationId = "s:sales:visitor";
  let seq = 0;
  const away = new URLSearchParams(location.search).get("away") === "1";
  // "?hold=1": OpenServiceChat answers only when the test calls release() (to push something before the answer).
  let held = new URLSearchParams(location.search).get("hold") === "1" ? [] : null;
  const answers = {};        // method -> the answer a test wants instead of the usual one
  const failSends = [];      // "unavailable" | "connection": how the next Send calls fail
  const missed = [];         // messages only a Sync returns (pushed while the connection was down)
  let reconnected = () => {};
  const connection = {
    state: "Disconnected",
    on: (name, fn) => handlers.set(name, fn),
    onreconnecting() {}, onreconnected(fn) { reconnected = fn; }, onclose() {},
    async start() { this.state = "Connected"; },
    async invoke(method, ...args) {
      calls.push([method, ...args]);
      if (method === "OpenServiceChat" && held) await new Promise((resolve) => held.push(resolve));
      if (method in answers) return structuredClone(answers[method]);
      switch (method) {
        case "OpenServiceChat":
          return { conversation: { conversationId, kind: "service", title: "Sales", members: [{ userId: "me", role: "owner" }] },
                   queue: { conversationId, deskId: "sales", position: 3, etaSeconds: 150, agentId: null } };
        case "Sync": return { conversations: [], messages: missed.filter((m) => m.seq > args[0].cursors[conversationId]), hasMore: false };
        case "GetDeskInfo":
          // "?away=1" on the host page: the desk is closed, so the widget offers the leave-a-message form.
          return away
            ? { deskId: "sales", name: "Sales", open: false, nextOpeningAt: null, available: false, message: "We are away until Monday. Leave us a message!" }
            : { deskId: "sales", name: "Sales", open: true, nextOpeningAt: null, available: true, message: "Hi! How can we help?" };
        case "LeaveMessage":
          return { conversationId, deskId: "sales", name: args[0].name, contact: args[0].contact, text: args[0].text };
        case "RateServiceChat":
          return { conversationId, deskId: "sales", status: "resolved", rating: args[0].rating, ratingComment: args[0].comment };
        case "GetQueuePosition": return { conversationId, deskId: "sales", position: null, etaSeconds: null, agentId: "crm-7" };
        case "Send": {
          const failure = failSends.shift();
          if (failure === "unavailable") throw new Error("An unexpected error occurred invoking 'Send' on the server. HubException: unavailable: try again");
          if (failure === "connection") { connection.state = "Reconnecting"; throw new Error("Invocation canceled due to the underlying connection being closed."); }
        }
        return { conversationId, seq: ++seq, messageId: `m${seq}`, sentAt: new Date().toISOString(), duplicate: false };
        default: return null;
      }
    },
  };
  class HubConnectionBuilder {
    withUrl(url, options) { this.url = url; this.options = options; return this; }
    withAutomaticReconnect() { return this; }
    configureLogging() { return this; }
    build() { window.__fakeHub.url = this.url; return connection; }
  }
  window.signalR = { HubConnectionBuilder, LogLevel: { Warning: 3 } };
  window.__fakeHub = {
    calls, conversationId,
    emit: (name, payload) => handlers.get(name)?.(payload),
    nextSeq: () => ++seq,
    failSends, missed, answers,
    release: () => { const waiting = held || []; held = null; for (const resolve of waiting) resolve(); },
    reconnect: () => { connection.state = "Connected"; return reconnected(); },
  };
})();
