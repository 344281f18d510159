// Protocol error codes and the user-facing text of hub and HTTP errors.

/** The protocol error code of a hub or HTTP error (forbidden, invalid, not_found, rate_limited, conflict, …), or null for connection trouble. */
export function errorCode(error) {
  const m = /(?:^|HubException: |\b)(forbidden|invalid|not_found|rate_limited|conflict|internal|unavailable|unauthorized):/.exec(String(error?.message || error));
  return m ? m[1] : null;
}

export function errorText(error) {
  const text = String(error?.message || error);
  const at = text.search(/(forbidden|invalid|not_found|rate_limited|conflict|internal|unavailable|unauthorized):/);
  return at >= 0 ? text.slice(at) : text;
}

/** The wait a rate_limited refusal asks for ("…; retry after 1200 ms"), in ms, or null when it names none. */
export function retryAfterMs(error) {
  const m = /rate_limited:.*retry after (\d+) ms/.exec(String(error?.message || error));
  return m ? Number(m[1]) : null;
}
