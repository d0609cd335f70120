/* The one JSON client of the widget, the console and the studio. Every failure throws an
 * ApiError: the server's JSON ``error`` message, the HTTP status (0: no answer) and the body. */

const session = { csrfToken: "", signIn: null };

export class ApiError extends Error {
  constructor(message, status, data) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.data = data || {};
  }
}

/**
 * Set the CSRF token sent on unsafe requests and, optionally, the function that builds the
 * sign-in address a 401 answer sends the browser to.
 */
export function useSession({ csrfToken, signIn } = {}) {
  if (csrfToken !== undefined) session.csrfToken = csrfToken || "";
  if (signIn !== undefined) session.signIn = signIn;
}

export function csrfToken() {
  return session.csrfToken;
}

/**
 * A JSON request. Unsafe methods send ``body`` (default ``{}``) as JSON with the CSRF header.
 * Resolves to the parsed answer; rejects with an ApiError on a network failure, an HTTP error
 * or an answer that is not JSON.
 */
export async function api(method, path, body) {
  const headers = { Accept: "application/json" };
  const options = { method, headers, credentials: "same-origin" };
  if (method !== "GET" && method !== "HEAD") {
    headers["Content-Type"] = "application/json";
    headers["X-CSRF-Token"] = session.csrfToken;
    options.body = JSON.stringify(body === undefined ? {} : body);
  }
  let res;
  try {
    res = await fetch(path, options);
  } catch {
    throw new ApiError("The server cannot be reached.", 0);
  }
  if (res.status === 401 && session.signIn) window.location.assign(session.signIn());
  let data;
  try {
    data = await res.json();
  } catch {
    throw new ApiError(`The server answered ${res.status} without JSON.`, res.status);
  }
  if (!res.ok) {
    const message = data && typeof data.error === "string" ? data.error : `Request failed (${res.status}).`;
    throw new ApiError(message, res.status, data);
  }
  return data;
}
