// The visitor widget: <script src="https://gateway/widget.js" data-desk="sales" async></script> on a host site's page.
// A classic script, not a module: a cross-origin module import would need CORS on static files. Everything it draws
// lives in a shadow root, so the host page's CSS cannot reach it and its styles (widget/widget.css) cannot leak out.
// The gateway must list the host page's origin in Widget:AllowedOrigins (docs/desks.md, "Widget").
// Code is ASCII only (\u escapes): a host page without a charset would decode this file as windows-1252.
(() => {
  "use strict";
  const script = document.currentScript;
  if (!script) return;
  const gateway = new URL(script.src).origin;
  const data = script.dataset;
  const desk = data.desk;
  const storeKey = `im-widget:${gateway}:${desk}`;
  const UNAVAILABLE_DELAYS_MS = [500, 1000, 2000, 4000, 8000];
  const TYPING_EVERY_MS = 3000;
  const TYPING_SHOWN_MS = 4000;

  const w = {
    conn: null, session: null, me: null, convId: null, lastSeq: 0, agent: null, ended: false, started: null,
    seqs: new Set(), pending: new Map(), lastTyping: 0, typingTimer: 0, served: false, rated: false,
    stamps: new Map(), early: new Map(),
  };

  // ---- DOM (built with createElement only: message text never becomes markup) ----
  const el = (tag, cls, text) => { const n = document.createElement(tag); if (cls) n.className = cls; if (text != null) n.textContent = text; return n; };
  const host = el("div");
  host.setAttribute("data-im-widget", desk || "");
  const root = host.attachShadow({ mode: "open" });
  const css = el("link"); css.rel = "stylesheet"; css.href = `${gateway}/widget/widget.css`;
  const launcher = el("button", "launcher", "Chat"); launcher.type = "button"; launcher.setAttribute("aria-expanded", "false");
  const panel = el("section", "panel"); panel.hidden = true; panel.setAttribute("aria-label", data.title || "Customer service chat");
  const head = el("header");
  const titles = el("div", "titles");
  const title = el("h2", null, data.title || "Chat with us");
  const status = el("p", "status", "Connecting\u2026"); status.setAttribute("role", "status");
  const close = el("button", "close", "\u00d7"); close.type = "button"; close.setAttribute("aria-label", "Close chat");
  titles.append(title, status); head.append(titles, close);
  const log = el("ol", "log"); log.setAttribute("aria-live", "polite");
  const typing = el("p", "typing");
  const form = el("form", "composer");
  const input = el("textarea"); input.rows = 1; input.placeholder = "Write a message\u2026"; input.setAttribute("aria-label", "Message"); input.maxLength = 4000;
  const send = el("button", "send", "Send"); send.type = "submit";
  const attach = el("label", "attach", "+"); attach.title = "Send a file or an image";
  const file = el("input"); file.type = "file"; file.hidden = true; file.setAttribute("aria-label", "Attach a file");
  attach.append(file);
  form.append(attach, input, send);
  // Outside the desk's hours or with nobody online: the away message and a form that leaves a message instead.
  const away = el("form", "away"); away.hidden = true;
  const awayText = el("p", "away-text");
  const field = (label, node) => { const l = el("label", null, label); l.append(node); return l; };
  const awayName = el("input"); awayName.maxLength = 100; awayName.required = true; awayName.value = data.name || "";
  const awayContact = el("input"); awayContact.maxLength = 200; awayContact.required = true; awayContact.placeholder = "E-mail or phone";
  const awayMsg = el("textarea"); awayMsg.maxLength = 4000; awayMsg.required = true; awayMsg.rows = 4;
  const awaySend = el("button", "send", "Leave a message"); awaySend.type = "submit";
  away.append(awayText, field("Name", awayName), field("How can we reach you?", awayContact), field("Message", awayMsg), awaySend);
  panel.append(head, log, away, typing, form);
  root.append(css, panel, launcher);
  (document.body || document.documentElement).append(host);

  const setOpen = (open) => {
    panel.hidden = !open;
    launcher.hidden = open;
    launcher.setAttribute("aria-expanded", String(open));
    if (open) { input.focus(); if (!w.started) w.started = start().catch(fail); }
  };
  launcher.addEventListener("click", () => setOpen(true));
  close.addEventListener("click", () => setOpen(false));
  input.addEventListener("keydown", (e) => { if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); form.requestSubmit(); } });
  input.addEventListener("input", sendTyping);
  file.addEventListener("change", () => { const f = file.files[0]; file.value = ""; if (f) sendFile(f); });
  away.addEventListener("submit", (e) => { e.preventDefault(); leaveMessage().catch(fail); });
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    sendText(text);
  });

  function fail(error) {
    console.warn("chat widget", error);
    // Visitors get plain words; the protocol's text stays in the tooltip and the console for whoever debugs the page.
    const code = errorCode(error);
    setStatus(code === "not_found" || code === "invalid" ? "This chat is not available."
      : code === "rate_limited" ? "All agents are busy and the queue is full. Please try again later."
      : "Chat unavailable right now. Close and open it to try again.", "error");
    status.title = errorText(error);
    w.started = null; // opening again tries again
  }
  function setStatus(text, phase) { status.textContent = text; status.title = ""; status.dataset.phase = panel.dataset.phase = phase || ""; }
  const errorCode = (e) => (/\b(forbidden|invalid|not_found|rate_limited|conflict|internal|unavailable|unauthorized):/.exec(String(e?.message || e)) || [])[1] || null;
  const errorText = (e) => { const t = String(e?.message || e); const at = t.search(/\b(forbidden|invalid|not_found|rate_limited|unavailable|unauthorized|internal):/); return at >= 0 ? t.slice(at) : t; };
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

  // ---- session: a host-minted token (data-token), else a guest kept per host origin across page loads ----
  function subjectOf(token) {
    try { return JSON.parse(atob(token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/"))).sub; } catch { return null; }
  }
  async function signIn() {
    if (data.token) return { token: data.token };
    try {
      const saved = JSON.parse(localStorage.getItem(storeKey) || "null");
      if (saved?.token && Date.parse(saved.expiresAt) > Date.now() + 60_000) return saved;
    } catch { /* storage blocked: a fresh guest each load */ }
    const response = await fetch(`${gateway}/api/auth/guest`, {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ displayName: data.name || "Visitor" }),
    });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(body.error || `sign-in failed (${response.status})`);
    try { localStorage.setItem(storeKey, JSON.stringify(body)); } catch { /* not kept */ }
    return body;
  }

  function loadSignalR() {
    if (window.signalR) return Promise.resolve(window.signalR);
    // The gateway's own copy of the official browser bundle (wwwroot/lib), the one its web client uses.
    return new Promise((resolve, reject) => {
      const s = document.createElement("script");
      s.src = `${gateway}/lib/signalr.min.js`;
      s.onload = () => resolve(window.signalR);
      s.onerror = () => reject(new Error("could not load the chat client"));
      document.head.append(s);
    });
  }

  // ---- connection: WebSockets, else SSE, else long polling; reconnects forever ----
  // First a WebSocket without negotiate: one request, so it reaches one gateway even behind several (a cross-site
  // widget carries no im_gw affinity cookie). If that fails (a proxy without WebSockets), the client negotiates and
  // falls back to SSE and long polling.
  let signalR = null;
  const TRANSPORTS = { websockets: 1, sse: 2, longpolling: 4 }; // data-transport forces one (tests, demos)
  async function start() {
    if (!desk) throw new Error("the script tag needs data-desk");
    // Opened again after a failure (say the desk refused): the connection stands, only the chat is retried.
    if (w.conn) { if (w.conn.state === "Connected") await afterConnect(); return; }
    signalR = await loadSignalR();
    w.session = await signIn();
    w.me = w.session.userId || subjectOf(w.session.token);
    const forced = TRANSPORTS[data.transport];
    w.negotiate = Boolean(forced);
    w.conn = build(forced ? { transport: forced } : { transport: TRANSPORTS.websockets, skipNegotiation: true });
    await connect();
  }
  function build(transportOptions) {
    const conn = new signalR.HubConnectionBuilder()
      .withUrl(`${gateway}/hubs/chat?device=widget`, { accessTokenFactory: () => w.session.token, withCredentials: false, ...transportOptions })
      .withAutomaticReconnect({ nextRetryDelayInMilliseconds: (c) => [0, 1000, 2000, 5000][c.previousRetryCount] ?? 10000 })
      .configureLogging(signalR.LogLevel.Warning)
      .build();
    conn.on("queue", showQueue);
    conn.on("message", onMessage);
    conn.on("conversation", onConversation);
    conn.on("typing", onTyping);
    conn.onreconnecting(() => setStatus("Connection lost \u2014 reconnecting\u2026", "reconnecting"));
    conn.onreconnected(() => afterConnect().catch(fail));
    // Automatic reconnect gave up: keep trying, the pending messages wait.
    conn.onclose(() => { if (conn === w.conn) setTimeout(connect, 3000); });
    return conn;
  }
  async function connect() {
    if (w.conn.state !== "Disconnected") return;
    try {
      await w.conn.start();
    } catch (error) {
      if (!w.negotiate) { w.negotiate = true; w.conn = build({}); return connect(); }
      setStatus("Offline \u2014 retrying\u2026", "reconnecting");
      setTimeout(connect, 5000);
      return;
    }
    await afterConnect().catch(fail);
  }
  // First connect: open (or reopen) the chat. Reconnect: only catch up -- reopening would queue a finished chat again.
  async function afterConnect() {
    if (!w.convId && !(await deskInfo())) return;
    if (!w.convId) await openChat();
    else { await sync(); showQueue(await w.conn.invoke("GetQueuePosition", w.convId)); }
    for (const [clientMsgId, p] of w.pending) if (p.retry) deliver(clientMsgId, p);
  }
  // GetDeskInfo: the greeting, or (nobody there) the away message and the leave-a-message form. A server without
  // the method still opens the chat.
  async function deskInfo() {
    if (w.info) return w.info.available;
    try { w.info = await w.conn.invoke("GetDeskInfo", desk); } catch (error) {
      if (/Method does not exist/i.test(String(error?.message))) { w.info = { available: true }; return true; }
      throw error;
    }
    if (w.info.available) { if (w.info.message) system(w.info.message, "greeting"); return true; }
    awayText.textContent = w.info.message || "We are away right now. Leave a message and we will answer here.";
    setStatus(w.info.nextOpeningAt ? `Back ${new Date(w.info.nextOpeningAt).toLocaleString([], { weekday: "short", hour: "2-digit", minute: "2-digit" })}` : "Nobody is here right now", "away");
    showAway(true);
    return false;
  }
  function showAway(on) { away.hidden = !on; form.hidden = on; panel.dataset.phase = on ? "away" : panel.dataset.phase; }
  async function leaveMessage() {
    awaySend.disabled = true;
    try {
      const ticket = await w.conn.invoke("LeaveMessage", { deskId: desk, name: awayName.value.trim(), contact: awayContact.value.trim(), text: awayMsg.value.trim() });
      w.convId = ticket?.conversationId || `s:${desk}:${w.me}`;
      showAway(false);
      await sync();
      system("Thank you! We got your message and will answer here (and reach you at the contact you gave).", "confirm");
      setStatus("Message sent", "ticket");
      w.ended = false; w.ticket = true;
    } catch (error) {
      awaySend.disabled = false;
      awayText.textContent = `Your message could not be sent: ${errorText(error)}`;
    }
  }
  async function openChat() {
    const r = await w.conn.invoke("OpenServiceChat", desk);
    w.convId = r.conversation.conversationId;
    onConversation(r.conversation);
    await sync();
    showQueue(r.queue);
    // A push that came before this answer (the chat's id was not known yet) wins if it is newer.
    const early = w.early.get(w.convId);
    w.early.delete(w.convId);
    if (early) showQueue(early);
  }
  async function sync() {
    for (let round = 0; round < 50; round++) {
      const r = await w.conn.invoke("Sync", { cursors: { [w.convId]: w.lastSeq }, limit: 200 });
      for (const v of r.conversations || []) onConversation(v);
      const before = w.lastSeq;
      for (const m of r.messages || []) onMessage(m);
      if (!r.hasMore || w.lastSeq === before) break;
    }
  }

  // ---- queue, agent, messages ----
  // QueueStatus.stamp grows with every change the desk makes. Pushes can arrive out of order and an answer
  // (OpenServiceChat, GetQueuePosition) after a newer push, so per conversation only a status at least as new as
  // the newest applied counts (the same stamp again repaints). No stamp (servers before it): always applied.
  function stale(q) {
    if (typeof q.stamp !== "number") return false;
    const kept = w.stamps.get(q.conversationId);
    if (kept !== undefined && q.stamp < kept) return true;
    w.stamps.set(q.conversationId, q.stamp);
    return false;
  }
  function showQueue(q) {
    if (!q || !q.conversationId) return;
    if (q.conversationId !== w.convId) {
      // Before OpenServiceChat answers, the chat's id is unknown: keep the newest stamped push for openChat.
      const e = w.early.get(q.conversationId);
      if (!w.convId && typeof q.stamp === "number" && (!e || q.stamp >= e.stamp)) w.early.set(q.conversationId, q);
      return;
    }
    if (stale(q)) return;
    const wasServed = w.served;
    w.ended = !q.agentId && q.position == null;
    if (q.agentId) { w.served = true; w.rated = false; rating.remove(); }
    if (q.agentId && w.lastAgentId && q.agentId !== w.lastAgentId) system(`Now served by ${w.agent?.userId === q.agentId ? w.agent.displayName : q.agentId}`, "transfer");
    if (q.agentId) w.lastAgentId = q.agentId;
    if (!q.agentId && q.position != null && wasServed) { w.served = false; system("You were passed on to a colleague. Please wait a moment.", "transfer"); }
    if (w.ended && wasServed) { w.served = false; w.lastAgentId = null; askRating(); }
    if (q.agentId) setStatus(`You are chatting with ${w.agent?.userId === q.agentId ? w.agent.displayName : q.agentId}`, "assigned");
    else if (q.position != null) {
      const eta = q.etaSeconds == null ? "" : ` \u00b7 about ${q.etaSeconds < 90 ? `${Math.max(1, Math.round(q.etaSeconds))} s` : `${Math.round(q.etaSeconds / 60)} min`}`;
      setStatus(q.position === 1 ? `You are next in line${eta}` : `You are number ${q.position} in line${eta}`, "queued");
    } else setStatus("This chat has ended. Write again to start a new one.", "ended");
  }
  function onConversation(v) {
    // Strict: a push may come before OpenServiceChat answers, and the visitor may be in other conversations.
    if (!v || !w.convId || v.conversationId !== w.convId) return;
    const agent = (v.members || []).find((m) => m.role === "agent") || null;
    const before = w.agent?.userId;
    w.agent = agent && { userId: agent.userId, displayName: agent.displayName || agent.userId };
    if (w.agent && before && before !== w.agent.userId && w.lastAgentId !== w.agent.userId) {
      w.lastAgentId = w.agent.userId;
      system(`Now served by ${w.agent.displayName}`, "transfer");
    }
    if (w.agent) setStatus(`You are chatting with ${w.agent.displayName}`, "assigned");
  }
  function onMessage(m) {
    if (m.conversationId !== w.convId) return;
    // The same message can arrive as a push, a Sync page and a Send answer: one bubble per seq.
    if (w.seqs.has(m.seq)) return;
    const p = m.clientMsgId && w.pending.get(m.clientMsgId);
    if (p && m.senderId === w.me) { p.node.remove(); w.pending.delete(m.clientMsgId); }
    w.seqs.add(m.seq);
    const gap = m.seq > w.lastSeq + 1 && w.lastSeq > 0;
    w.lastSeq = Math.max(w.lastSeq, m.seq);
    const mine = m.senderId === w.me;
    const node = el("li", `msg ${mine ? "mine" : "theirs"}`, m.recalled ? "message withdrawn" : m.attachment ? null : m.text ?? "");
    if (!m.recalled && m.attachment) showAttachment(node, m);
    node.dataset.seq = String(m.seq);
    const after = [...log.querySelectorAll("li[data-seq]")].find((n) => Number(n.dataset.seq) > m.seq);
    log.insertBefore(node, after || log.querySelector("li.pending, li.rate"));
    if (!mine) typing.textContent = "";
    log.scrollTop = log.scrollHeight;
    if (gap) sync().catch(() => { /* the next reconnect catches up */ });
  }
  function onTyping(e) {
    if (e.conversationId !== w.convId || e.userId === w.me) return;
    typing.textContent = `${w.agent?.displayName || "Agent"} is typing\u2026`;
    clearTimeout(w.typingTimer);
    w.typingTimer = setTimeout(() => { typing.textContent = ""; }, TYPING_SHOWN_MS);
  }
  function sendTyping() {
    const now = Date.now();
    if (!w.convId || w.conn?.state !== "Connected" || now - w.lastTyping < TYPING_EVERY_MS) return;
    w.lastTyping = now;
    w.conn.invoke("Typing", w.convId).catch(() => { /* best effort */ });
  }

  // ---- sending: one clientMsgId per message, reused by every resend, so the server stores it once ----
  function sendText(text) {
    const clientMsgId = crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(16).slice(2)}`;
    const node = el("li", "msg mine pending", text);
    log.append(node);
    log.scrollTop = log.scrollHeight;
    const p = { text, node, retry: false };
    w.pending.set(clientMsgId, p);
    deliver(clientMsgId, p);
  }
  async function deliver(clientMsgId, p) {
    p.retry = false;
    p.node.classList.remove("failed");
    const delays = [...UNAVAILABLE_DELAYS_MS];
    try {
      if (!w.conn || w.conn.state !== "Connected") { p.retry = true; return; }
      if (w.ended) await openChat(); // a finished chat is queued again by the next message
      for (;;) {
        try {
          const body = p.attachment ? { kind: p.kind, attachmentId: p.attachment.id } : { kind: "text", text: p.text };
          const ack = await w.conn.invoke("Send", { conversationId: w.convId, clientMsgId, ...body });
          onMessage({ ...ack, clientMsgId, senderId: w.me, text: null, attachment: p.attachment || null, ...body, recalled: false });
          return;
        } catch (error) {
          const code = errorCode(error);
          const wait = code === "unavailable" ? delays.shift() : undefined;
          if (wait === undefined) throw error;
          await sleep(wait);
        }
      }
    } catch (error) {
      // Connection trouble: resent after the reconnect. A refusal stays refused, shown on the bubble.
      if (!errorCode(error)) { p.retry = true; return; }
      p.node.classList.add("failed");
      p.node.title = errorText(error);
    }
  }

  // ---- system lines, the rating form, attachments ----
  function system(text, kind) {
    const node = el("li", `sys ${kind || ""}`, text);
    log.insertBefore(node, log.querySelector("li.pending, li.rate"));
    log.scrollTop = log.scrollHeight;
  }
  // After the agent resolved the chat (queue with everything null once served): 1-5 stars and a comment.
  const rating = el("li", "rate");
  function askRating() {
    if (w.rated || !w.convId) return;
    let stars = 0;
    const row = el("div", "stars");
    const buttons = [1, 2, 3, 4, 5].map((n) => {
      const b = el("button", "star", "\u2605"); b.type = "button"; b.setAttribute("aria-label", `${n} of 5`); b.dataset.n = String(n);
      b.addEventListener("click", () => { stars = n; buttons.forEach((x, i) => x.classList.toggle("on", i < n)); ok.disabled = false; });
      return b;
    });
    row.append(...buttons);
    const comment = el("textarea"); comment.rows = 2; comment.maxLength = 1000; comment.placeholder = "Anything to add? (optional)";
    const ok = el("button", "send", "Send rating"); ok.type = "button"; ok.disabled = true;
    const note = el("p", "rate-note");
    ok.addEventListener("click", async () => {
      ok.disabled = true;
      try {
        await w.conn.invoke("RateServiceChat", { conversationId: w.convId, rating: stars, comment: comment.value.trim() || null });
        w.rated = true;
        rating.replaceChildren(el("p", "rate-title", "Thank you for your feedback!"));
      } catch (error) { note.textContent = `Not sent: ${errorText(error)}`; ok.disabled = false; }
    });
    rating.replaceChildren(el("p", "rate-title", "How did we do?"), row, comment, ok, note);
    log.append(rating);
    log.scrollTop = log.scrollHeight;
  }
  function fileUrl(id) { return `${gateway}/api/files/${encodeURIComponent(id)}?access_token=${encodeURIComponent(w.session.token)}`; }
  // Images inline, other files as links; the file endpoint takes the token as a query parameter (img cannot send headers).
  function showAttachment(node, m) {
    const a = m.attachment;
    const url = a.id ? fileUrl(a.id) : null;
    if (url && (m.kind === "image" || /^image\//.test(a.contentType || ""))) {
      const img = el("img"); img.src = url; img.alt = a.fileName || "image";
      img.addEventListener("load", () => { log.scrollTop = log.scrollHeight; });
      node.append(img, el("span", "cap", a.fileName || ""));
    } else {
      const link = el("a", null, `\u{1f4ce} ${a.fileName || "file"}`);
      if (url) { link.href = url; link.target = "_blank"; link.rel = "noopener noreferrer"; }
      node.append(link);
    }
    node.classList.add("file");
  }
  async function sendFile(f) {
    const clientMsgId = crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(16).slice(2)}`;
    const node = el("li", "msg mine pending", `Sending ${f.name}\u2026`);
    log.insertBefore(node, log.querySelector("li.rate"));
    log.scrollTop = log.scrollHeight;
    try {
      if (!w.convId) throw new Error("the chat is not open yet");
      const body = new FormData();
      body.append("file", f, f.name);
      body.append("conversationId", w.convId);
      const response = await fetch(`${gateway}/api/files`, { method: "POST", headers: { Authorization: `Bearer ${w.session.token}` }, body });
      const answer = await response.json().catch(() => ({}));
      if (!response.ok) throw new Error(response.status === 413 ? "the file is too large" : answer.error || `upload failed (${response.status})`);
      const kind = /^image\//.test(answer.contentType || "") ? "image" : "file";
      const p = { node, retry: false, kind, attachment: { id: answer.id, fileName: answer.fileName, contentType: answer.contentType, size: answer.size } };
      w.pending.set(clientMsgId, p);
      deliver(clientMsgId, p);
    } catch (error) {
      node.classList.add("failed");
      node.textContent = `${f.name}: ${errorText(error)}`;
    }
  }

  if (data.open === "true") setOpen(true);
})();
