// Subscriptions as the logged-in user: the access token goes with connection_init, and a
// refused or expired token is refreshed and the connection made again. The server ends a
// stream when the token it was opened with expires (every 15 minutes on a page left open),
// so this happens again and again; a token refused right after a refresh is not refreshed
// again (REFRESH_GAP_MS), so a session that has ended stops instead of looping.

import { freshAccessToken, localError, refreshTokens } from "./graphql.js";
import { mark } from "./i18n.js";
import { subscribe } from "./ws.js";

const AUTH_CODES = new Set(["UNAUTHENTICATED", "TOKEN_EXPIRED"]);
export const NO_SOCKET = "NO_SOCKET";
const REFRESH_GAP_MS = 60_000;
const MAX_RETRY_MS = 30_000;

/**
 * Like subscribe(), plus `onTransportError(error)` when no socket can be opened (code
 * NO_SOCKET) or the connection drops, apart from `onError(error)` for the rest (GraphQL
 * errors, a session that has ended). After the returned stop function, nothing is called.
 */
export function subscribeAsUser({ query, variables = {}, onNext, onComplete, onError,
  onTransportError, onConnected = null }) {
  let stopped = false;
  let unsubscribe = null;
  let refreshedAt = -Infinity;
  const unlessStopped = (callback) => (argument) => {
    if (!stopped && callback) callback(argument);
  };

  async function connect() {
    let token;
    try {
      token = await freshAccessToken();
    } catch (error) {
      unlessStopped(error.status === 200 ? onError : onTransportError)(error);
      return;
    }
    if (stopped) return;
    try {
      unsubscribe = subscribe({
        query,
        variables,
        connectionParams: token ? { authorization: `Bearer ${token}` } : {},
        onConnected: unlessStopped(onConnected),
        onNext: unlessStopped(onNext),
        onComplete: unlessStopped(onComplete),
        onError: unlessStopped((error) => {
          if (AUTH_CODES.has(error.code) && Date.now() - refreshedAt > REFRESH_GAP_MS) {
            refreshedAt = Date.now();
            refreshTokens().then(connect, unlessStopped(onError));
          } else {
            (error.status === 0 ? onTransportError : onError)(error);
          }
        }),
      });
    } catch {
      unlessStopped(onTransportError)(localError(NO_SOCKET,
        mark("This browser cannot open a live connection.")));
    }
  }

  connect();
  return () => {
    stopped = true;
    if (unsubscribe) unsubscribe();
  };
}

/**
 * A stream kept: subscribeAsUser(), connected again each time it is lost (the server ended
 * it, as it does when the token it was opened with expires, or the connection dropped or was
 * given up as dead), after 1 s, 2 s, 4 s… (at most MAX_RETRY_MS); a connection made starts
 * the waits again. `variables()` is read at each connection (to resume after what was seen).
 * `onDropped(failures, error)` at each loss, before the wait (`error` null when the server
 * ended the stream); `onError(error)` (a refusal, a session that has ended) stops it all.
 * Returns a function that stops it.
 */
export function keepSubscribed({ query, variables = () => ({}), onNext, onError,
  onConnected = () => {}, onDropped = () => {} }) {
  let stopped = false;
  let unsubscribe = null;
  let retryTimer = null;
  let failures = 0;

  const stop = () => {
    stopped = true;
    clearTimeout(retryTimer);
    if (unsubscribe) unsubscribe();
  };
  const dropped = (error = null) => {
    if (stopped) return;
    unsubscribe = null;
    failures += 1;
    onDropped(failures, error);
    if (stopped) return;
    clearTimeout(retryTimer);
    retryTimer = setTimeout(connect, Math.min(MAX_RETRY_MS, 1000 * 2 ** (failures - 1)));
  };

  function connect() {
    if (stopped) return;
    unsubscribe = subscribeAsUser({
      query,
      variables: variables(),
      onConnected: () => {
        failures = 0;
        onConnected();
      },
      onNext,
      onComplete: () => dropped(),
      onError: (error) => {
        stop();
        onError(error);
      },
      onTransportError: dropped,
    });
  }

  connect();
  return stop;
}
