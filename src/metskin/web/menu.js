// The navigation's menu on a narrow screen: a button that shows and hides the list of pages
// (a disclosure: the button says `aria-expanded`, the list follows it in the page and in the
// Tab order, drawn over the page under the bar). On a wide screen the stylesheet hides the
// button and shows the links inline, so the same links serve both. Choosing a page, Escape,
// a tap outside the navigation or Tab out of it closes the menu.

import { h } from "./dom.js";
import { t } from "./i18n.js";

let shown = null; // { button, panel } of the menu on screen

function setOpen(open) {
  if (shown) shown.button.setAttribute("aria-expanded", String(open));
}

function isOpen() {
  return Boolean(shown && shown.button.getAttribute("aria-expanded") === "true");
}

/** The button that opens and closes `panel` (an element with an id), in the page's language;
 * `open`: open if the menu it replaces was (the navigation drawn again, no page chosen). */
export function menuButton(panel, { open = false } = {}) {
  const expanded = open && isOpen();
  const button = h("button", {
    type: "button", id: "menu-button", class: "menu-button", "aria-expanded": String(expanded),
    "aria-controls": panel.id,
    onclick: () => setOpen(!isOpen()),
  }, h("span", { class: "menu-icon", "aria-hidden": "true" }), t("Menu"));
  // A page chosen (also the one on screen, which changes no address): the menu closes. So it
  // does when the focus leaves the navigation (Tab past its last item): it covers the page.
  panel.addEventListener("click", (event) => {
    if (event.target.closest("a, button")) setOpen(false);
  });
  panel.addEventListener("focusout", (event) => {
    if (shown?.panel === panel && !inNav(event.relatedTarget)) setOpen(false);
  });
  shown = { button, panel };
  return button;
}

/** The navigation is drawn again without a menu (signed out). */
export function noMenu() {
  shown = null;
}

// The keys the open menu answers while the focus is in the navigation (event.key -> what it
// does; others are the browser's): Escape closes it and gives the focus back to its button.
const KEYS = {
  Escape: () => {
    setOpen(false);
    shown.button.focus();
  },
};

function inNav(element) {
  return Boolean(shown && element && shown.button.closest("nav")?.contains(element));
}

document.addEventListener("keydown", (event) => {
  const action = Object.hasOwn(KEYS, event.key) ? KEYS[event.key] : null;
  if (action && isOpen() && inNav(document.activeElement)) action();
});
// A tap or click anywhere outside the navigation closes the open menu.
document.addEventListener("click", (event) => {
  if (isOpen() && !inNav(event.target)) setOpen(false);
});
