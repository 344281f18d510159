// Sending: pending messages, delivery with the 'unavailable' resend, and file uploads.

import { state } from "./state.js";
import { uploadFile } from "./api.js";
import { toast } from "./dom.js";
import { errorCode, friendly, retryAfterMs } from "./errors.js";
import { render } from "./render.js";
import { scheduleSync } from "./sync.js";
import { markRead } from "./conversations.js";

const UNAVAILABLE_RESEND_DELAYS_MS = [250, 1000, 2000, 4000]; // then the message shows as failed, with Retry
const RATE_LIMITED_RESENDS = 5; // waits the server asks for, each at most MAX_RATE_LIMIT_WAIT_MS
const MAX_RATE_LIMIT_WAIT_MS = 10_000;

function newClientMsgId() {
  if (window.crypto?.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export async function send({ conversationId, kind, text = null, attachment = null, localUrl = null, replyToSeq = null }) {
  const clientMsgId = newClientMsgId();
  if (state.divider?.id === conversationId) state.divider = null; // answering: the "new messages" mark has done its job
  state.store.addPending({ clientMsgId, conversationId, kind, text, attachment, localUrl, replyToSeq });
  render({ scrollToEnd: true });
  await deliver(clientMsgId);
}

/** Sends (or resends: same clientMsgId, so the server stores it once) a pending message. */
export async function deliver(clientMsgId) {
  const p = state.store.pending.get(clientMsgId);
  if (!p) return;
  p.state = "sending";
  p.retryOnReconnect = false;
  render();
  try {
    const ack = await invokeSend(p, clientMsgId);
    // Usually the "message" push arrived first; if not, the ack holds everything needed to show it.
    state.store.addMessage({
      conversationId: p.conversationId, seq: ack.seq, messageId: ack.messageId, clientMsgId, senderId: state.store.me,
      kind: p.kind, text: p.text, attachment: p.attachment, sentAt: ack.sentAt, recalled: false, replyToSeq: p.replyToSeq || null,
    }, { fromView: true });
    state.store.pending.delete(clientMsgId);
    if (state.store.hasGap(p.conversationId)) scheduleSync();
    if (p.conversationId === state.activeId) markRead(state.activeId);
  } catch (error) {
    const code = errorCode(error);
    state.store.failPending(clientMsgId, code ? friendly(error, "send") : "");
    const entry = state.store.pending.get(clientMsgId);
    if (entry) {
      entry.retryOnReconnect = !code; // connection trouble: resend when back; a refusal stays refused
      entry.refused = ["forbidden", "invalid", "not_found", "conflict"].includes(code); // sending again cannot help
    }
    if (code) toast(friendly(error, "send"), true);
  }
  render({ scrollToEnd: true });
}

/**
 * Send, resent by itself while the server answers "unavailable" (a silo failing over, a busy database) or
 * "rate_limited" (after the wait it names): the same clientMsgId makes every resend store the message at most once,
 * so the user sees "sending" for a few seconds instead of a failed message to retry by hand.
 */
async function invokeSend(p, clientMsgId) {
  const args = { conversationId: p.conversationId, clientMsgId, kind: p.kind, text: p.text || null, attachmentId: p.attachment?.id || null };
  if (p.replyToSeq) args.replyToSeq = p.replyToSeq;
  const unavailableDelays = [...UNAVAILABLE_RESEND_DELAYS_MS];
  let rateLimitedResends = RATE_LIMITED_RESENDS;
  for (;;) {
    try {
      return await state.connection.invoke("Send", args);
    } catch (error) {
      if (state.stopping) throw error;
      const code = errorCode(error);
      // rate_limited names its wait: honour it (the message stays "sending"), so a burst of sends drains at the
      // server's pace instead of failing.
      const wait = code === "unavailable" ? unavailableDelays.shift()
        : code === "rate_limited" && rateLimitedResends-- > 0 ? Math.min(retryAfterMs(error) ?? 1000, MAX_RATE_LIMIT_WAIT_MS)
        : undefined;
      if (wait === undefined) throw error;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

export async function sendFiles(files) {
  const id = state.activeId;
  if (!id) return;
  for (const file of files) {
    const kind = file.type.startsWith("image/") ? "image" : file.type.startsWith("video/") ? "video" : file.type.startsWith("audio/") ? "voice" : "file";
    const clientMsgId = newClientMsgId();
    const localUrl = kind !== "file" ? URL.createObjectURL(file) : null;
    state.store.addPending({ clientMsgId, conversationId: id, kind, text: null, attachment: { fileName: file.name, size: file.size, contentType: file.type }, localUrl, state: "uploading" });
    render({ scrollToEnd: true });
    try {
      const attachment = await uploadFile(state.session.token, file, id);
      const p = state.store.pending.get(clientMsgId);
      p.attachment = attachment;
      if (attachment.kind) p.kind = attachment.kind; // the kind the server says the file fits
      await deliver(clientMsgId);
    } catch (error) {
      if (!state.store) return; // signed out while uploading: nothing left to show it in
      state.store.failPending(clientMsgId, friendly(error, "upload"));
      toast(`Not sent: ${friendly(error, "upload")}`, true);
      render();
    }
  }
}
