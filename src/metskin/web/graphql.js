// The GraphQL client: JSON requests, multipart uploads, and the session's tokens.
//
// The access token is short-lived. It is refreshed a little before it expires, and once more
// when the server says it is expired or not valid. Refresh tokens rotate, so concurrent callers
// share one refresh request.

import { locale, mark, t } from "./i18n.js";

const ENDPOINT = "/graphql";
const STORAGE_KEY = "metskin.session";
const RETURNING_KEY = "metskin.returning";
const REFRESH_MARGIN_MS = 30_000;
const RETRY_WITH_NEW_TOKEN = new Set(["TOKEN_EXPIRED", "UNAUTHENTICATED"]);

export const AUTH_FIELDS = `accessToken accessTokenExpiresAt refreshToken
  user { id email emailVerified role profile { displayName locale } }`;

/** One or more GraphQL errors; `code` and `field` come from the first one's extensions. */
export class GraphQLError extends Error {
  constructor(errors, status = 200) {
    const first = errors[0] || {};
    super(first.message || t("The request failed."));
    this.name = "GraphQLError";
    this.errors = errors;
    this.status = status;
    this.code = (first.extensions && first.extensions.code) || "ERROR";
    this.field = (first.extensions && first.extensions.field) || null;
  }
}

/** An error of the app itself; `message` is an English text of the catalog (or the server's). */
export function localError(code, message, status = 0) {
  return new GraphQLError([{ message: t(message), extensions: { code } }], status);
}

class Session {
  constructor() {
    this.state = readStored();
    this.listeners = new Set();
  }

  get loggedIn() {
    return Boolean(this.state && this.state.refreshToken);
  }

  get accessToken() {
    return this.state ? this.state.accessToken : null;
  }

  get refreshToken() {
    return this.state ? this.state.refreshToken : null;
  }

  get user() {
    return this.state ? this.state.user : null;
  }

  expiresSoon() {
    return this.loggedIn && this.state.expiresAt - Date.now() < REFRESH_MARGIN_MS;
  }

  /** Store an AuthPayload (from register, login or refreshToken). */
  set(payload) {
    try {
      localStorage.setItem(RETURNING_KEY, "1"); // no one's data: that this browser signed in
    } catch {
      // Storage off: every visit is a first one.
    }
    this.state = {
      accessToken: payload.accessToken,
      refreshToken: payload.refreshToken,
      expiresAt: Date.parse(payload.accessTokenExpiresAt),
      user: payload.user,
    };
    this.save();
  }

  setUser(user) {
    if (!this.state) return;
    this.state.user = { ...this.state.user, ...user };
    this.save();
  }

  clear() {
    this.state = null;
    this.save();
  }

  save() {
    try {
      if (this.state) localStorage.setItem(STORAGE_KEY, JSON.stringify(this.state));
      else localStorage.removeItem(STORAGE_KEY);
    } catch {
      // Storage can be off (private mode); the session then lasts as long as the page.
    }
    for (const listener of this.listeners) listener(this);
  }

  onChange(listener) {
    this.listeners.add(listener);
  }
}

function readStored() {
  try {
    const stored = JSON.parse(localStorage.getItem(STORAGE_KEY) || "null");
    return stored && stored.refreshToken ? stored : null;
  } catch {
    return null;
  }
}

export const session = new Session();

/** An erased account leaves no trace in the browser, not even that it signed in. */
export function forgetReturningVisitor() {
  try {
    localStorage.removeItem(RETURNING_KEY);
  } catch {
    // Storage off: nothing was kept.
  }
}

/** Someone has signed in with this browser before: the login page puts its form first. */
export function returningVisitor() {
  try {
    return localStorage.getItem(RETURNING_KEY) === "1";
  } catch {
    return false;
  }
}

/** The `data` of a response, or a GraphQLError; never a half-read body. */
function parseResponse(status, text) {
  let payload = null;
  try {
    payload = JSON.parse(text);
  } catch {
    payload = null;
  }
  if (payload && Array.isArray(payload.errors) && payload.errors.length) {
    throw new GraphQLError(payload.errors, status);
  }
  if (status !== 200 || !payload || !payload.data) {
    const detail = (text || "").trim().slice(0, 200);
    throw localError(`HTTP_${status}`, t("The server answered {status}: {detail}",
      { status, detail: detail || "-" }), status);
  }
  return payload.data;
}

function networkError() {
  return localError("NETWORK_ERROR",
    mark("Cannot reach MetSkin. Check your connection and try again."));
}

async function postJson(query, variables, token, language = locale()) {
  const headers = { "content-type": "application/json", accept: "application/json",
    "accept-language": language };
  if (token) headers.authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetch(ENDPOINT, {
      method: "POST", headers, body: JSON.stringify({ query, variables }),
    });
  } catch {
    throw networkError();
  }
  return parseResponse(response.status, await response.text());
}

let refreshing = null;

/** New tokens for the stored refresh token; one request however many callers ask. */
export function refreshTokens() {
  if (!refreshing) {
    const query = `mutation($t: String!) { refreshToken(refreshToken: $t) { ${AUTH_FIELDS} } }`;
    refreshing = postJson(query, { t: session.refreshToken }, null)
      .then((data) => session.set(data.refreshToken))
      .catch((error) => {
        if (error.status === 200) session.clear(); // refused: the session has ended
        throw error;
      })
      .finally(() => {
        refreshing = null;
      });
  }
  return refreshing;
}

/** A fresh access token (refreshed first when it is about to expire), or null when logged out. */
export async function freshAccessToken() {
  if (session.expiresSoon()) await refreshTokens();
  return session.accessToken;
}

async function withAuth(call) {
  const token = await freshAccessToken();
  try {
    return await call(token);
  } catch (error) {
    if (!(error instanceof GraphQLError) || !RETRY_WITH_NEW_TOKEN.has(error.code)
        || !session.loggedIn) {
      throw error;
    }
    await refreshTokens();
    return call(session.accessToken);
  }
}

/** Run a query or mutation as the logged-in user (or anonymously); `language` asks for the
 * answer's words in another language than the app's (an editor reading a translation). */
export function gql(query, variables = {}, language = locale()) {
  return withAuth((token) => postJson(query, variables, token, language));
}

const MEDIA = "id kind width height durationSeconds thumbnailUrl";
const UPLOAD = `mutation($file: Upload!, $kind: MediaKind, $key: String) {
  uploadMedia(file: $file, kind: $kind, idempotencyKey: $key) { ${MEDIA} }
}`;
const BY_KEY = `query($key: String!) {
  uploadByKey(idempotencyKey: $key) { state media { ${MEDIA} } }
}`;

/** A new upload key (`uploadMedia(idempotencyKey:)`): a UUID, made with `getRandomValues`
 * where `crypto.randomUUID` is missing (a page served over plain HTTP has no randomUUID). */
export function newUploadKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const hex = Array.from(crypto.getRandomValues(new Uint8Array(16)),
    (byte) => byte.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** What became of the upload sent with `key`, asked by the key alone (no bytes): `{ state,
 * media }`, state RECEIVING (its first copy is still checked), STORED (media is the upload) or
 * UNKNOWN (nothing kept: send the file). A retry told UPLOAD_IN_PROGRESS asks this instead of
 * sending the whole file again. */
export async function uploadByKey(key) {
  return (await gql(BY_KEY, { key })).uploadByKey;
}

/** Upload a file with the GraphQL multipart request spec; onProgress gets 0..1. An aborted
 * `signal` stops the request (a slow upload the person cancels, or leaves): it rejects with
 * the code UPLOAD_CANCELLED, and the server, which never gets the whole body, stores nothing.
 * `key` (`newUploadKey()`, one per file chosen) makes a retry whose answer was lost the first
 * upload instead of a second copy. */
export function uploadMedia(file, kind = null, onProgress = null, signal = null, key = null) {
  const cancelled = () => localError("UPLOAD_CANCELLED", mark("The upload was cancelled."));
  return withAuth((token) => new Promise((resolve, reject) => {
    if (signal && signal.aborted) {
      reject(cancelled());
      return;
    }
    const form = new FormData();
    form.append("operations", JSON.stringify({ query: UPLOAD, variables: { file: null, kind, key } }));
    form.append("map", JSON.stringify({ 0: ["variables.file"] }));
    form.append("0", file, file.name);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", ENDPOINT);
    xhr.setRequestHeader("accept", "application/json");
    // The app's language, as every other request says it: else a refused upload was told in
    // the browser's language (English on most phones), whatever the profile's.
    xhr.setRequestHeader("accept-language", locale());
    if (token) xhr.setRequestHeader("authorization", `Bearer ${token}`);
    if (onProgress) {
      xhr.upload.addEventListener("progress", (event) => {
        if (event.lengthComputable) onProgress(event.loaded / event.total);
      });
    }
    xhr.addEventListener("load", () => {
      try {
        resolve(parseResponse(xhr.status, xhr.responseText).uploadMedia);
      } catch (error) {
        reject(error);
      }
    });
    xhr.addEventListener("error", () => reject(networkError()));
    xhr.addEventListener("abort", () => reject(cancelled()));
    if (signal) signal.addEventListener("abort", () => xhr.abort(), { once: true });
    xhr.send(form);
  }));
}
