// A tiny graphql-transport-ws client: one socket per subscription.
// The protocol is graphql-ws's PROTOCOL.md: connection_init/ack, subscribe, next, error, complete.

import { GraphQLError, localError } from "./graphql.js";
import { mark, t } from "./i18n.js";

const PROTOCOL = "graphql-transport-ws";
const CLOSE_CODES = {
  4400: ["BAD_REQUEST", mark("The live connection was refused as malformed.")],
  4401: ["UNAUTHENTICATED", mark("Log in again to follow live updates.")],
  4403: ["UNAUTHENTICATED", mark("Your session is not valid for live updates.")],
  4408: ["TIMEOUT", mark("The live connection timed out.")],
  4429: ["TOO_MANY_REQUESTS", mark("Too many live connections.")],
};

// A socket can die without closing: a phone that moves from Wi-Fi to mobile data, or a
// carrier's NAT that forgets a quiet connection, leaves it open on this side and nothing ever
// arrives (the page then showed a stage that never moved). Quiet for QUIET_MS, the client
// pings (the protocol's ping, which the server answers with pong); no answer in ANSWER_MS, or
// no connection made in that time, and the connection is given up as lost (CONNECTION_LOST,
// a transport error: progress falls back to polling, the dashboard reconnects).
const QUIET_MS = 30_000;
const ANSWER_MS = 10_000;
const WATCH_MS = 1000;

function socketUrl() {
  const url = new URL("/graphql", window.location.href);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return url.href;
}

function closeError(event) {
  const [code, message] = CLOSE_CODES[event.code]
    || ["CONNECTION_CLOSED", mark("The live connection closed ({code}).")];
  return localError(code, event.reason && !CLOSE_CODES[event.code] ? event.reason
    : t(message, { code: event.code }));
}

/**
 * Subscribe; `onConnected()` once the server has accepted the connection, `onNext(data)` for
 * each result, then exactly one of `onComplete()` or `onError(error)`. Returns a function that
 * stops the subscription.
 */
export function subscribe({ query, variables = {}, connectionParams = {}, onNext, onError,
  onComplete, onConnected = null }) {
  const socket = new WebSocket(socketUrl(), PROTOCOL);
  const id = "1";
  let finished = false;
  let heard = Date.now(); // the last message from the server (or the start)
  let asked = 0; // when a ping went unanswered so far

  const send = (message) => {
    if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
  };
  const finish = (callback, argument) => {
    if (finished) return;
    finished = true;
    clearInterval(watch);
    socket.close(1000);
    if (callback) callback(argument);
  };
  const watch = setInterval(() => {
    const now = Date.now();
    const open = socket.readyState === WebSocket.OPEN;
    if ((asked && now - asked > ANSWER_MS) || (!open && now - heard > QUIET_MS + ANSWER_MS)) {
      finish(onError, localError("CONNECTION_LOST", mark("The live connection was lost.")));
    } else if (open && !asked && now - heard > QUIET_MS) {
      asked = now;
      send({ type: "ping" });
    }
  }, WATCH_MS);

  socket.addEventListener("open", () => {
    send({ type: "connection_init", payload: connectionParams });
  });
  socket.addEventListener("message", (event) => {
    heard = Date.now();
    asked = 0;
    let message;
    try {
      message = JSON.parse(event.data);
    } catch {
      finish(onError, localError("BAD_MESSAGE",
        mark("The live connection sent something unreadable.")));
      return;
    }
    switch (message.type) {
      case "connection_ack":
        send({ id, type: "subscribe", payload: { query, variables } });
        if (onConnected) onConnected();
        break;
      case "ping":
        send({ type: "pong" });
        break;
      case "next":
        if (message.payload.errors && message.payload.errors.length) {
          finish(onError, new GraphQLError(message.payload.errors));
        } else {
          onNext(message.payload.data);
        }
        break;
      case "error":
        finish(onError, new GraphQLError(message.payload));
        break;
      case "complete":
        finish(onComplete);
        break;
      default:
        break;
    }
  });
  socket.addEventListener("close", (event) => finish(onError, closeError(event)));

  return () => {
    if (finished) return;
    send({ id, type: "complete" });
    finish(null);
  };
}
