// An upload that has stopped moving. On a weak signal the bar can stand still for minutes (a
// connected phone that passes no bytes) and nothing said so: the person waited, or gave up
// and closed the page. After `STALL_MS` with no new byte sent (or, once all is sent, no answer
// for `ANSWER_MS`), the page says so in words and offers to keep waiting, to send the file
// again (with its upload key: a copy that did arrive is not stored twice) or to cancel.

import { h } from "../dom.js";
import { t } from "../i18n.js";

export const STALL_MS = 20_000; // no byte handed to the network for this long: stalled
export const ANSWER_MS = 60_000; // all sent, no answer: longer, the largest video's checks
const TICK_MS = 1000;

/** The warning box and its clock. `start()` when a try begins, `progress(share)` on each
 * progress event, `stop()` when the try ends; `onRetry` and `onCancel` are the buttons'.
 * `replaces`: the page's own cancel button, hidden while the box (with its own) is shown. */
export function stallWatch({ onRetry, onCancel, replaces = null }) {
  const said = h("p", { id: "upload-stall-text" });
  const retry = h("button", { type: "button", id: "upload-retry" }, t("Try again"));
  const wait = h("button", { type: "button", id: "upload-wait", class: "secondary" },
    t("Keep waiting"));
  const cancel = h("button", { type: "button", id: "upload-stall-cancel", class: "secondary" },
    t("Cancel the upload"));
  const box = h("div", { class: "notice warn stall", id: "upload-stall", role: "alert",
    hidden: true },
    said, h("div", { class: "actions" }, retry, wait, cancel));
  let moved = 0; // when the last byte moved (Date.now)
  let loaded = -1;
  let timer = null;

  const show = (shown) => {
    if (replaces && box.hidden === shown) replaces.hidden = shown;
    box.hidden = !shown;
  };
  const hide = () => show(false);
  const check = () => {
    if (!box.hidden) return;
    const sent = loaded >= 1;
    const quiet = Date.now() - moved;
    if (quiet < (sent ? ANSWER_MS : STALL_MS)) return;
    said.textContent = sent
      ? t("The file was sent, but MetSkin has not answered for {seconds} seconds. The "
        + "connection may be weak or lost.", { seconds: Math.round(ANSWER_MS / 1000) })
      : t("The upload has stopped: nothing has been sent for {seconds} seconds. The "
        + "connection may be weak or lost.", { seconds: Math.round(STALL_MS / 1000) });
    // busy() disabled the form's buttons when the upload began
    for (const button of [retry, wait, cancel]) button.disabled = false;
    show(true);
    box.scrollIntoView({ block: "nearest" });
  };
  const stop = () => {
    clearInterval(timer);
    timer = null;
    hide();
  };
  retry.addEventListener("click", () => { hide(); onRetry(); });
  wait.addEventListener("click", () => { moved = Date.now(); hide(); });
  cancel.addEventListener("click", () => { hide(); onCancel(); });
  return {
    box,
    start() {
      stop();
      moved = Date.now();
      loaded = -1;
      timer = setInterval(check, TICK_MS);
    },
    progress(share) {
      if (share <= loaded) return;
      loaded = share;
      moved = Date.now();
      hide(); // moving again: the connection came back
    },
    stop,
  };
}
