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

  const send = (message) => {
    if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
  };
  const finish = (callback, argument) => {
    if (finished) return;
    finished = true;
    socket.close(1000);
    if (callback) callback(argument);
  };

  socket.addEventListener("open", () => {
    send({ type: "connection_init", payload: connectionParams });
  });
  socket.addEventListener("message", (event) => {
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
