// DOM and formatting helpers: element building, the toast, avatars, times, sizes and links.

export const $ = (id) => document.getElementById(id);

let toastTimer = 0;
export function toast(text, isError = false) {
  const el = $("toast");
  el.textContent = text;
  el.classList.toggle("error", isError);
  el.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { el.hidden = true; }, isError ? 5000 : 2500);
}

export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key === "testid") node.dataset.testid = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "text") node.textContent = value;
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function hue(text) {
  let h = 0;
  for (const ch of String(text)) h = (h * 31 + ch.codePointAt(0)) % 360;
  return h;
}

/** Paints an avatar: the picture when image (a promise of a URL) is given, else the name's initial on a colour. */
export function fillAvatar(node, name, seed, status, image = null) {
  const paint = {}; // only the latest paint of a node may add its picture (an earlier one may resolve later)
  node.avatarPaint = paint;
  node.textContent = "";
  node.style.background = `hsl(${hue(seed)} 55% 52%)`;
  node.append(String(name || "?").trim().slice(0, 1) || "?");
  if (image) {
    const img = el("img", { class: "avatar-img", alt: "", testid: "avatar-img" });
    image.then((url) => { if (node.avatarPaint === paint) { img.src = url; node.prepend(img); } }).catch(() => {});
  }
  if (status !== undefined) node.append(el("span", { class: "dot", dataset: { status: status || "offline" }, testid: "presence-dot" }));
}

export function formatTime(iso) {
  const d = new Date(iso);
  return isNaN(d) ? "" : d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

export function formatDay(iso) {
  const d = new Date(iso);
  if (isNaN(d)) return "";
  const today = new Date();
  const yesterday = new Date(Date.now() - 86400000);
  if (d.toDateString() === today.toDateString()) return "Today";
  if (d.toDateString() === yesterday.toDateString()) return "Yesterday";
  return d.toLocaleDateString([], { weekday: "short", day: "numeric", month: "short", year: d.getFullYear() === today.getFullYear() ? undefined : "numeric" });
}

export function formatListTime(iso) {
  const d = new Date(iso);
  if (isNaN(d)) return "";
  return d.toDateString() === new Date().toDateString() ? formatTime(iso) : formatDay(iso);
}

export function formatSize(bytes) {
  if (!(bytes >= 0)) return "";
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function lastSeenText(p) {
  if (!p) return "";
  if (p.status && p.status !== "offline") return p.status;
  if (!p.lastSeenAt) return "offline";
  const mins = Math.round((Date.now() - Date.parse(p.lastSeenAt)) / 60000);
  if (mins < 1) return "last seen just now";
  if (mins < 60) return `last seen ${mins} min ago`;
  return `last seen ${formatListTime(p.lastSeenAt)}`;
}

export function linkified(text) {
  const parts = [];
  const re = /\bhttps?:\/\/[^\s<>"]+/g;
  let at = 0;
  for (const m of String(text || "").matchAll(re)) {
    if (m.index > at) parts.push(text.slice(at, m.index));
    parts.push(el("a", { href: m[0], target: "_blank", rel: "noopener noreferrer", text: m[0] }));
    at = m.index + m[0].length;
  }
  if (at < String(text || "").length) parts.push(text.slice(at));
  return parts;
}

export function isVisible() {
  return document.visibilityState === "visible";
}
