// Customer-service desks for end-to-end tests: staff and visitor tokens minted as a host system does, and the desk
// configured through the REST API (PUT /api/desks/{deskId}, docs/protocol.md "Desk administration").
import { hostToken, uid } from "./chat.js";

async function requestJson(method, url, token, body) {
  const response = await fetch(url, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  if (!response.ok) {
    const error = new Error(`${method} ${new URL(url).pathname}: ${response.status} ${json?.error ?? ""} ${json?.message ?? text}`.trim());
    error.status = response.status;
    error.body = json;
    throw error;
  }
  return json;
}

/** PUT /api/desks/{deskId}: creates or changes a desk (operators; supervisors all but the staff lists); answers the stored DeskConfig. */
export const putDesk = (base, token, config) => requestJson("PUT", `${base}/api/desks/${encodeURIComponent(config.deskId)}`, token, config);

/** GET /api/desks/{deskId}: the DeskConfig as stored. */
export const getDesk = (base, token, deskId) => requestJson("GET", `${base}/api/desks/${encodeURIComponent(deskId)}`, token);

/**
 * `count` users with host-minted tokens of one role (ids `<prefix><i>-<random>`), minted `parallel` at a time so a few
 * hundred do not take long: answers [{ userId, token, role }].
 */
export async function mintUsers(base, count, { prefix = "u", role = "user", parallel = 16 } = {}) {
  const users = new Array(count);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < count; i = next++) {
      const userId = uid(`${prefix}${i}-`);
      const issued = await hostToken(base, userId, `${prefix}${i}`, role);
      users[i] = { userId, token: issued.token, role };
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, count) }, worker));
  return users;
}
