// Lesion marks on a photo to label, by pointer or by keyboard. A click places a point lesion
// where it lands; the photo takes the focus too: the arrow keys move a crosshair (Shift: ten
// times as far), Enter places a lesion there, which is then the one held: the arrows move it,
// + and - size it, Delete removes it, Escape or Enter lets it go, N holds the next one. Each
// change is said in a polite live region; the list below the photo says every mark in words,
// with buttons to hold or remove it. Positions are the photo's own pixels (x, y the top left
// of the lesion's box, width and height 0 for a point), what a click saves.

import { clear, focusOn, h, humanize } from "../dom.js";
import { locale, mark, plural, t } from "../i18n.js";

export function lesionCount(count) {
  return plural(count, mark("{count} lesion"), mark("{count} lesions"), { count });
}

/** The editor for `media` (width, height, url); `typeOf()` is the lesion type to place. */
export function lesionEditor(media, typeOf) {
  const { width: W, height: H } = media;
  const lesions = [];
  const state = { x: Math.floor(W / 2), y: Math.floor(H / 2), held: null };
  const clamp = (value, top) => Math.min(Math.max(Math.round(value), 0), top);
  // "30%", "30 %" in French and German: the number and its sign in the app's language.
  const percent = (value, whole) => new Intl.NumberFormat(locale(), { style: "percent" })
    .format(Math.round((100 * value) / whole) / 100);
  const centre = (lesion) => [lesion.x + lesion.width / 2, lesion.y + lesion.height / 2];
  const place = (lesion) => t("{type} at {x} across, {y} down", { type: humanize(lesion.type),
    x: percent(centre(lesion)[0], W), y: percent(centre(lesion)[1], H) })
    + (lesion.width ? `, ${t("{size} wide", { size: percent(lesion.width, W) })}` : "");

  const image = h("img", { src: media.url, alt: t("The photo to label"), id: "label-photo" });
  const markers = h("div", { class: "lesion-markers", "aria-hidden": "true" });
  const cursor = h("span", { class: "lesion-cursor", "aria-hidden": "true" });
  const count = h("span", { id: "lesion-count" }, lesionCount(0));
  const said = h("p", { id: "lesion-said", class: "visually-hidden", "aria-live": "polite" });
  const help = h("p", { class: "hint", id: "label-photo-keys" }, t("Click on the photo to place "
    + "a lesion of the chosen type. By keyboard: the arrow keys move the crosshair (with Shift, "
    + "further), Enter places a lesion; then the arrows move it, + and - size it, Delete "
    + "removes it, Escape lets it go; N takes the next one."));
  const box = h("div", { class: "label-photo", tabindex: "0", role: "application",
    "aria-label": t("Lesion marks on the photo"), "aria-describedby": "label-photo-keys lesion-count" },
  image, markers, cursor);
  const list = h("ol", { id: "lesion-list", "aria-label": t("Lesions placed") });

  const say = (text) => { said.textContent = text; };
  const at = (element, x, y) => {
    // Through the CSSOM: the page's content security policy refuses style attributes.
    element.style.left = `${(100 * x) / W}%`;
    element.style.top = `${(100 * y) / H}%`;
  };
  const draw = () => {
    clear(markers, lesions.map((lesion, index) => {
      const marker = h("span", { class: `lesion-marker${index === state.held ? " held" : ""}`,
        title: humanize(lesion.type), "data-type": lesion.type });
      at(marker, ...centre(lesion));
      if (lesion.width) {
        marker.style.width = `${(100 * lesion.width) / W}%`;
        marker.style.height = `${(100 * lesion.height) / H}%`;
        marker.classList.add("sized");
      }
      return marker;
    }));
    at(cursor, state.x, state.y);
    count.textContent = lesionCount(lesions.length);
    clear(list, lesions.map((lesion, index) => h("li", { "data-index": index },
      `${place(lesion)} `,
      h("button", { type: "button", class: "link hold-lesion", "aria-label": t("Move or size "
        + "lesion {n}", { n: index + 1 }), onclick: () => { hold(index); focusOn(box); } },
      t("Move or size")), " ",
      h("button", { type: "button", class: "link remove-lesion", "aria-label": t("Remove "
        + "lesion {n}", { n: index + 1 }), onclick: () => removeFromList(index) }, t("Remove")))));
  };
  const hold = (index) => {
    state.held = index;
    [state.x, state.y] = centre(lesions[index]).map(Math.floor);
    draw();
    say(t("Holding lesion {n}: {where}.", { n: index + 1, where: place(lesions[index]) }));
  };
  const remove = (index) => {
    const [gone] = lesions.splice(index, 1);
    state.held = null;
    draw();
    say(`${t("Removed: {where}.", { where: place(gone) })} ${lesionCount(lesions.length)}.`);
  };
  function removeFromList(index) {
    remove(index);
    focusOn(list.querySelectorAll(".remove-lesion")[Math.min(index, lesions.length - 1)] || box);
  }
  const add = (x, y) => {
    lesions.push({ type: typeOf(), x: clamp(x, W - 1), y: clamp(y, H - 1), width: 0, height: 0 });
  };

  const move = (dx, dy) => {
    if (state.held === null) {
      state.x = clamp(state.x + dx, W - 1);
      state.y = clamp(state.y + dy, H - 1);
      draw();
      say(t("Crosshair at {x} across, {y} down", { x: percent(state.x, W),
        y: percent(state.y, H) }));
      return;
    }
    const lesion = lesions[state.held];
    lesion.x = clamp(lesion.x + dx, W - Math.max(lesion.width, 1));
    lesion.y = clamp(lesion.y + dy, H - Math.max(lesion.height, 1));
    [state.x, state.y] = centre(lesion).map(Math.floor);
    draw();
    say(place(lesion));
  };
  const size = (grow) => {
    if (state.held === null) return say(t("Place or take a lesion first (Enter or N)."));
    const lesion = lesions[state.held];
    const step = Math.max(1, Math.round(Math.min(W, H) / 50)) * grow;
    const [cx, cy] = centre(lesion);
    const side = Math.max(0, Math.min(lesion.width + step, W, H));
    lesion.width = side;
    lesion.height = side;
    lesion.x = clamp(cx - side / 2, W - Math.max(side, 1));
    lesion.y = clamp(cy - side / 2, H - Math.max(side, 1));
    draw();
    return say(place(lesion));
  };
  const letGo = () => {
    state.held = null;
    draw();
    say(t("Let go. The arrow keys move the crosshair."));
  };
  const needHeld = () => say(t("Place or take a lesion first (Enter or N)."));
  const arrow = (dx, dy) => (event) => {
    const step = Math.max(1, Math.round(Math.min(W, H) / 100)) * (event.shiftKey ? 10 : 1);
    move(dx * step, dy * step);
  };
  const enter = () => {
    if (state.held !== null) return letGo();
    add(state.x, state.y);
    hold(lesions.length - 1);
    return say(`${t("Placed: {where}.", { where: place(lesions[state.held]) })} `
      + `${lesionCount(lesions.length)}.`);
  };
  const drop = () => (state.held === null ? needHeld() : remove(state.held));
  const next = () => (lesions.length
    ? hold(state.held === null ? 0 : (state.held + 1) % lesions.length)
    : say(t("No lesion placed yet.")));
  const grow = () => size(1);
  const shrink = () => size(-1);
  // event.key -> what it does; others (Tab first) are the browser's.
  const KEYS = { ArrowLeft: arrow(-1, 0), ArrowRight: arrow(1, 0), ArrowUp: arrow(0, -1),
    ArrowDown: arrow(0, 1), Enter: enter, " ": enter, Add: grow, "+": grow, "=": grow,
    Subtract: shrink, "-": shrink, _: shrink, Delete: drop, Backspace: drop, n: next, N: next,
    Escape: () => (state.held === null ? false : letGo()) };
  box.addEventListener("keydown", (event) => {
    const action = Object.hasOwn(KEYS, event.key) ? KEYS[event.key] : null;
    if (!action || event.altKey || event.ctrlKey || event.metaKey) return;
    if (action(event) === false) return; // Escape with nothing held: the browser's
    event.preventDefault();
  });
  image.addEventListener("click", (event) => {
    const rect = image.getBoundingClientRect();
    add(Math.floor(((event.clientX - rect.left) / rect.width) * W),
      Math.floor(((event.clientY - rect.top) / rect.height) * H));
    state.held = null;
    [state.x, state.y] = [lesions.at(-1).x, lesions.at(-1).y];
    draw();
    say(`${t("Placed: {where}.", { where: place(lesions.at(-1)) })} ${lesionCount(lesions.length)}.`);
  });
  const undo = () => {
    if (lesions.length) remove(lesions.length - 1);
  };
  draw();
  return { box, help, count, said, list, lesions, undo };
}
