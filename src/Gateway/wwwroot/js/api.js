// REST calls of the gateway: authentication and files. The token lives in localStorage so every window of the
// browser (and a reload) signs in as the same user.

const AUTH_KEY = "im.auth";

export function loadAuth() {
  try {
    const auth = JSON.parse(localStorage.getItem(AUTH_KEY) || "null");
    if (!auth || !auth.token || !auth.userId) return null;
    if (auth.expiresAt && Date.parse(auth.expiresAt) <= Date.now() + 5000) return null;
    return auth;
  } catch {
    return null;
  }
}

export function saveAuth(auth) {
  localStorage.setItem(AUTH_KEY, JSON.stringify(auth));
}

export function clearAuth() {
  localStorage.removeItem(AUTH_KEY);
}

/** An error answered by the server, with the protocol's code when the body carried one. */
export class ApiError extends Error {
  constructor(status, message, code) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

async function readError(response) {
  let text = "";
  try { text = await response.text(); } catch { /* no body */ }
  let message = text;
  try {
    const body = JSON.parse(text);
    message = body.error || body.message || body.detail || body.title || text;
    if (body.code && !String(message).startsWith(body.code)) message = `${body.code}: ${message}`;
  } catch { /* plain text */ }
  if (!message) message = response.statusText || `HTTP ${response.status}`;
  const code = /^([a-z_]+):/.exec(message)?.[1];
  return new ApiError(response.status, message, code);
}

async function postJson(path, body) {
  const response = await fetch(path, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw await readError(response);
  return response.json();
}

export const auth = {
  guest: (displayName) => postJson("/api/auth/guest", { displayName }),
  register: (userId, password, displayName) => postJson("/api/auth/register", { userId, password, displayName }),
  login: (userId, password) => postJson("/api/auth/login", { userId, password }),
};

/**
 * Uploads one file (multipart field "file"); answers the Attachment {id, fileName, contentType, size}.
 * Without a conversation it is an avatar (purpose=avatar).
 */
export async function uploadFile(token, file, conversationId) {
  const form = new FormData();
  form.append("file", file, file.name);
  if (conversationId) form.append("conversationId", conversationId);
  else form.append("purpose", "avatar");
  const response = await fetch("/api/files", {
    method: "POST",
    headers: { Authorization: `Bearer ${token}` },
    body: form,
  });
  if (!response.ok) throw await readError(response);
  return response.json();
}

const blobUrls = new Map();

/** Fetches a member-only file with the token and answers an object URL for it (cached per file id). */
export function fileUrl(token, id) {
  return addressUrl(token, `/api/files/${encodeURIComponent(id)}`);
}

/** The same for a file address the server gave (an avatarUrl). */
export function addressUrl(token, address) {
  const id = address;
  if (!blobUrls.has(id)) {
    const promise = fetch(address, { headers: { Authorization: `Bearer ${token}` } })
      .then(async (response) => {
        if (!response.ok) throw await readError(response);
        return URL.createObjectURL(await response.blob());
      });
    promise.catch(() => blobUrls.delete(id));
    blobUrls.set(id, promise);
  }
  return blobUrls.get(id);
}
