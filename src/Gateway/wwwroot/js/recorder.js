// Voice and video messages: recorded with MediaRecorder where the browser has it, then sent like a picked file
// (upload with POST /api/files, Send with kind voice / video).

import { state } from "./state.js";
import { $, toast } from "./dom.js";
import { sendFiles } from "./sending.js";

const MAX_RECORDING_MS = 5 * 60 * 1000;
let session = null; // { kind, stream, recorder, chunks, startedAt, timer, send }

function supported() {
  return !!(navigator.mediaDevices?.getUserMedia && window.MediaRecorder);
}

export function renderRecorderButtons() {
  const ok = supported();
  $("record-voice").hidden = !ok || !!session;
  $("record-video").hidden = !ok || !!session;
}

function pickType(kind) {
  const wanted = kind === "voice"
    ? ["audio/webm;codecs=opus", "audio/webm", "audio/ogg;codecs=opus", "audio/mp4"]
    : ["video/webm;codecs=vp8,opus", "video/webm", "video/mp4"];
  return wanted.find((t) => MediaRecorder.isTypeSupported(t)) || "";
}

function showTime() {
  if (!session) return;
  const s = Math.floor((Date.now() - session.startedAt) / 1000);
  $("recorder-time").textContent = `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
  if (Date.now() - session.startedAt > MAX_RECORDING_MS) finish(true);
}

async function start(kind) {
  if (session || !state.activeId) return;
  let stream;
  try {
    stream = await navigator.mediaDevices.getUserMedia(kind === "voice" ? { audio: true } : { audio: true, video: { width: 640, height: 480 } });
  } catch {
    toast(kind === "voice" ? "Allow the microphone to record a voice message." : "Allow the camera and microphone to record a video message.", true);
    return;
  }
  const type = pickType(kind);
  const recorder = new MediaRecorder(stream, type ? { mimeType: type } : undefined);
  session = { kind, stream, recorder, chunks: [], startedAt: Date.now(), conversationId: state.activeId, send: false };
  const current = session;
  recorder.addEventListener("dataavailable", (event) => { if (event.data?.size) current.chunks.push(event.data); });
  recorder.addEventListener("stop", () => done(current));
  recorder.start(250);
  const preview = $("recorder-preview");
  preview.hidden = kind !== "video";
  if (kind === "video") { preview.srcObject = stream; preview.play().catch(() => {}); }
  $("recorder").hidden = false;
  $("recorder").dataset.kind = kind;
  $("composer").hidden = true;
  session.timer = setInterval(showTime, 250);
  showTime();
  renderRecorderButtons();
}

function finish(send) {
  if (!session) return;
  session.send = send;
  clearInterval(session.timer);
  if (session.recorder.state !== "inactive") session.recorder.stop();
  else done(session);
}

function done(current) {
  for (const track of current.stream.getTracks()) track.stop();
  $("recorder-preview").srcObject = null;
  $("recorder").hidden = true;
  $("composer").hidden = false;
  if (session === current) session = null;
  renderRecorderButtons();
  if (!current.send || !current.chunks.length) return;
  // The server's allow-list names plain types: send "audio/webm", not "audio/webm;codecs=opus".
  const type = (current.recorder.mimeType || current.chunks[0].type || (current.kind === "voice" ? "audio/webm" : "video/webm")).split(";")[0];
  const extension = type.split("/")[1] || "webm";
  const name = `${current.kind === "voice" ? "voice" : "video"}-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, "-")}.${extension}`;
  const file = new File(current.chunks, name, { type });
  if (current.conversationId !== state.activeId) return;
  sendFiles([file]);
}

/** Drops a recording in progress (switching conversations, signing out). */
export function cancelRecording() {
  finish(false);
}

export function wireRecorder() {
  $("record-voice").addEventListener("click", () => start("voice"));
  $("record-video").addEventListener("click", () => start("video"));
  $("recorder-cancel").addEventListener("click", () => finish(false));
  $("recorder-send").addEventListener("click", () => finish(true));
}
