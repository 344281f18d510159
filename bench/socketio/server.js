#!/usr/bin/env node
// The socket.io peer of bench/run.sh: the classic Node chat server design. socket.io with the Redis adapter (so
// rooms would span several Node processes), one room per group, an ack per send, nothing stored. It answers the
// same calls as our gateway (guest sign-in over HTTP; createGroup/send events with acks; `message` pushes), which
// bench/chat-load/socketio-client.js maps onto the SignalR client's invoke/on.
// usage: node server.js --port 5300 --redis redis://127.0.0.1:6390
import { createServer } from "node:http";
import { randomUUID } from "node:crypto";
import { Server } from "socket.io";
import { createAdapter } from "@socket.io/redis-adapter";
import { createClient } from "redis";

const arg = (name, fallback) => { const i = process.argv.indexOf(name); return i > 0 ? process.argv[i + 1] : fallback; };
const port = Number(arg("--port", "5300"));
const redisUrl = arg("--redis", "redis://127.0.0.1:6379");

const socketsByUser = new Map(); // userId -> Set(socket): routing only
const seqs = new Map();          // conversationId -> last seq

const http = createServer((request, response) => {
  const reply = (status, body) => { response.writeHead(status, { "Content-Type": "application/json" }); response.end(JSON.stringify(body)); };
  if (request.method === "POST" && request.url === "/api/auth/guest") {
    request.resume();
    const userId = `u-${randomUUID()}`;
    return reply(200, { userId, token: userId, expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
  }
  if (request.url === "/health/ready") return reply(200, "ready");
  return reply(404, { error: "not_found" });
});

const pub = createClient({ url: redisUrl });
const sub = pub.duplicate();
await Promise.all([pub.connect(), sub.connect()]);
const io = new Server(http, { adapter: createAdapter(pub, sub), transports: ["websocket"], serveClient: false });

io.use((socket, next) => {
  const token = socket.handshake.auth?.token;
  if (!token) return next(new Error("forbidden: no token"));
  socket.data.userId = token;
  return next();
});

io.on("connection", (socket) => {
  const userId = socket.data.userId;
  if (!socketsByUser.has(userId)) socketsByUser.set(userId, new Set());
  socketsByUser.get(userId).add(socket);
  socket.on("disconnect", () => socketsByUser.get(userId)?.delete(socket));

  socket.on("CreateGroup", ({ title, memberIds } = {}, ack) => {
    const conversationId = `c-${randomUUID()}`;
    seqs.set(conversationId, 0);
    const members = [...new Set([...(memberIds ?? []), userId])];
    for (const member of members) for (const s of socketsByUser.get(member) ?? []) s.join(conversationId);
    ack?.({ result: { conversationId, kind: "group", title, memberIds: members } });
  });

  socket.on("Send", ({ conversationId, clientMsgId, kind, text } = {}, ack) => {
    if (!seqs.has(conversationId)) return ack?.({ error: "not_found: conversation" });
    const seq = seqs.get(conversationId) + 1;
    seqs.set(conversationId, seq);
    const messageId = `${conversationId}:${seq}`;
    const sentAt = new Date().toISOString();
    // To the whole room, the sender's socket too, as our gateway does.
    io.to(conversationId).emit("message", { conversationId, seq, messageId, clientMsgId, senderId: userId, kind: kind ?? "text", text, sentAt });
    return ack?.({ result: { conversationId, seq, messageId, clientMsgId, sentAt, duplicate: false } });
  });
});

http.listen(port, "127.0.0.1", () => process.stderr.write(`socketio: listening on 127.0.0.1:${port}, Redis ${redisUrl}\n`));
const stop = () => { io.close(); Promise.allSettled([pub.quit(), sub.quit()]).then(() => process.exit(0)); };
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
