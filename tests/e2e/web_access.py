"""What a keyboard, screen-reader or small-phone user meets in the web app, measured in Chromium:
keys pressed one at a time, the page checked in the DOM and in Chromium's accessibility tree
(CDP `Accessibility.getFullAXTree`). Used by tests/e2e/test_web_access.py."""

from __future__ import annotations

from typing import Any

from tests.e2e.web_browser import Browser

PHONE = {"width": 375, "height": 667, "deviceScaleFactor": 2, "mobile": True}

# One pass over the page, in the page: what a small screen or a low-vision reader would meet.
# - overflow: elements past the right edge (the page scrolls sideways); a `.scroll` box (a
#   table's own sideways scroll) may hold wider content, not be wider itself.
# - cut: text clipped by an `overflow: hidden` box or an ellipsis.
# - small: targets under 24 x 24 CSS px (WCAG 2.2, 2.5.8), bar links inside running text (the
#   "inline" exception); a box in a label counts with its label.
# - headings: the levels in order (one h1, no level skipped).
# - contrast: text whose colour against the first opaque background behind it is under 4.5:1
#   (3:1 at 24 px, or 18.67 px bold); disabled controls are exempt.
# - tables: header cells without words.
# - broken: an ordinary word (2 to 10 letters) split over two lines: its column is too narrow
#   for the text (at 200 % text the history's dates and the consent's terms went a letter or
#   two a line). Not in `code` (rule ids: names, not words).
AUDIT = r"""
const out = {
  overflow: [], cut: [], small: [], headings: [], contrast: [], tables: [], broken: [],
};
const shown = (el) => {
  const box = el.getBoundingClientRect();
  const style = getComputedStyle(el);
  return box.width > 0 && box.height > 0 && style.visibility !== "hidden";
};
const words = (el) => (el.innerText || el.value || el.getAttribute("aria-label") || "")
  .trim().replace(/\s+/g, " ").slice(0, 40);
const describe = (el) => `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}`
  + `${typeof el.className === "string" && el.className ? "." + el.className.trim()
    .split(/\s+/).join(".") : ""} "${words(el)}"`;
const edge = document.documentElement.clientWidth;
for (const el of document.querySelectorAll("body *")) {
  if (!shown(el) || (el.parentElement && el.parentElement.closest(".scroll"))) continue;
  const box = el.getBoundingClientRect();
  const inside = [...el.children].some((child) => shown(child)
    && child.getBoundingClientRect().right > edge + 1);
  if (box.right > edge + 1 && !inside) {
    out.overflow.push(`${describe(el)} ends at ${Math.round(box.right)}`);
  }
  const style = getComputedStyle(el);
  const clips = ["hidden", "clip"].includes(style.overflowX) || style.textOverflow === "ellipsis";
  const hidden = el.matches(".visually-hidden, .skip-link");
  if (clips && !hidden && (el.innerText || "").trim() && el.scrollWidth > el.clientWidth + 1) {
    out.cut.push(describe(el));
  }
}
if (document.documentElement.scrollWidth <= edge + 1) out.overflow = [];
const isBlock = (el) => !getComputedStyle(el).display.startsWith("inline");
for (const el of document.querySelectorAll(
  "a[href], button, input:not([type=hidden]), select, textarea, summary")) {
  if (!shown(el) || el.closest("dialog:not([open])")) continue;
  let block = el.parentElement;
  while (block && !isBlock(block)) block = block.parentElement;
  const inline = el.tagName === "A" && !isBlock(el) && block
    && block.innerText.trim().length > el.innerText.trim().length;
  if (inline) continue;
  const target = el.matches("[type=checkbox], [type=radio]") && el.closest("label")
    ? el.closest("label") : el;
  const box = target.getBoundingClientRect();
  if (box.width < 23.5 || box.height < 23.5) {
    out.small.push(`${describe(el)} ${box.width.toFixed(1)}x${box.height.toFixed(1)}`);
  }
}
let level = 0;
for (const heading of document.querySelectorAll("h1, h2, h3, h4, h5, h6")) {
  if (!shown(heading) && !heading.classList.contains("visually-hidden")) continue;
  const now = Number(heading.tagName[1]);
  if (now > level + 1 || (now === 1 && level)) {
    out.headings.push(`${describe(heading)} after h${level}`);
  }
  level = now;
}
const rgba = (text) => {
  const found = text.match(/rgba?\(([^)]+)\)/);
  if (!found) return null;
  const parts = found[1].split(/[ ,/]+/).filter(Boolean).map(Number);
  return [parts[0], parts[1], parts[2], parts.length > 3 ? parts[3] : 1];
};
const luminance = ([r, g, b]) => {
  const lin = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
};
const over = (top, bottom) => top.slice(0, 3).map((c, i) => c * top[3] + bottom[i] * (1 - top[3]));
const behind = (el) => {
  const layers = [];
  for (let at = el; at; at = at.parentElement) {
    const colour = rgba(getComputedStyle(at).backgroundColor);
    if (colour && colour[3] > 0) layers.push(colour);
    if (colour && colour[3] >= 1) break;
  }
  let result = [255, 255, 255];
  for (const layer of layers.reverse()) result = over(layer, result);
  return result;
};
for (const el of document.querySelectorAll("body *")) {
  const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
  if (!own || !shown(el) || el.closest(":disabled, [aria-hidden=true]")) continue;
  const style = getComputedStyle(el);
  const colour = rgba(style.color);
  if (!colour || colour[3] === 0) continue;
  let opacity = 1;
  for (let at = el; at; at = at.parentElement) opacity *= Number(getComputedStyle(at).opacity);
  const back = behind(el);
  const fore = over([...colour.slice(0, 3), colour[3] * opacity], back);
  const [light, dark] = [luminance(fore), luminance(back)].sort((a, b) => b - a);
  const ratio = (light + 0.05) / (dark + 0.05);
  const size = parseFloat(style.fontSize);
  const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
  if (ratio < (large ? 3 : 4.5) - 0.01) out.contrast.push(`${describe(el)} ${ratio.toFixed(2)}:1`);
}
for (const th of document.querySelectorAll("th")) {
  if (!th.innerText.trim() && !th.getAttribute("aria-label")) {
    out.tables.push(describe(th.closest("table")));
  }
}
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
for (let node = walker.nextNode(); node && out.broken.length < 5; node = walker.nextNode()) {
  const el = node.parentElement;
  const skipped = !el || el.closest("code, .visually-hidden, .skip-link, script, style");
  if (skipped || !shown(el)) continue;
  for (const found of node.textContent.matchAll(/(?<=^|\s)\p{L}{2,10}(?=[\s,.;:!?)]|$)/gu)) {
    const range = document.createRange();
    range.setStart(node, found.index);
    range.setEnd(node, found.index + found[0].length);
    const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
    if (tops.size > 1) { out.broken.push(`${describe(el)}: ${found[0]}`); break; }
  }
}
return out;
"""

# The roles whose node needs a name in the accessibility tree.
NAMED_ROLES = {
    "button",
    "link",
    "textbox",
    "combobox",
    "checkbox",
    "radio",
    "spinbutton",
    "slider",
    "searchbox",
    "progressbar",
    "meter",
    "image",
    "img",
    "dialog",
    "listbox",
}


def audit(browser: Browser) -> dict[str, list[str]]:
    """The page's problems by kind (see AUDIT); empty lists when it is fine."""
    found = browser.driver.execute_script(AUDIT)
    found["unnamed"] = unnamed(browser)
    return {kind: items for kind, items in found.items() if items}


def unnamed(browser: Browser) -> list[str]:
    """Controls, images, meters and bars with no accessible name in Chromium's tree."""
    tree = browser.driver.execute_cdp_cmd("Accessibility.getFullAXTree", {})
    missing = []
    for node in tree["nodes"]:
        role = node.get("role", {}).get("value")
        if node.get("ignored") or role not in NAMED_ROLES:
            continue
        if not str(node.get("name", {}).get("value", "")).strip():
            missing.append(f"{role} (backend node {node.get('backendDOMNodeId')})")
    return missing


def focused(browser: Browser) -> Any:
    return browser.driver.execute_script("return document.activeElement")


def focused_matches(browser: Browser, css: str) -> bool:
    return bool(
        browser.driver.execute_script(
            "const at = document.activeElement; return Boolean(at && at.matches(arguments[0]))",
            css,
        )
    )


def press(browser: Browser, *keys: str) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    ActionChains(browser.driver).send_keys(*keys).perform()


def tab_to(browser: Browser, css: str, *, back: bool = False, most: int = 80) -> None:
    """Press Tab (Shift-Tab with `back`) until the focus is on `css`: it fails when the element
    cannot be reached by keys, and checks that every stop on the way shows where the focus is."""
    from selenium.webdriver.common.keys import Keys

    for _ in range(most):
        if back:
            from selenium.webdriver.common.action_chains import ActionChains

            ActionChains(browser.driver).key_down(Keys.SHIFT).send_keys(Keys.TAB).key_up(
                Keys.SHIFT
            ).perform()
        else:
            press(browser, Keys.TAB)
        ring = focus_ring(browser)
        assert ring is None, ring
        if focused_matches(browser, css):
            return
    where = browser.driver.execute_script("return document.activeElement.outerHTML.slice(0, 200)")
    raise AssertionError(f"{most} presses of Tab did not reach {css}; the focus is on {where}")


# The focused element's focus indicator: an outline at least 2 px wide whose colour has 3:1
# against the page behind it (the outline is drawn outside, over the parent's background).
FOCUS_RING = r"""
const el = document.activeElement;
if (!el || el === document.body) return null; // past the page's end, in the browser's own bar
// Not a control: a heading or a note the script focused (out of the Tab order) shows none.
if (!el.matches(":focus-visible") || el.getAttribute("tabindex") === "-1") return null;
const style = getComputedStyle(el);
const width = parseFloat(style.outlineWidth);
if (style.outlineStyle === "none" || width < 2) {
  return `no visible focus on ${el.tagName} ${el.className}: outline ${style.outline}`;
}
const rgb = (text) => text.match(/[\d.]+/g).slice(0, 3).map(Number);
const luminance = ([r, g, b]) => {
  const lin = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
};
let back = [255, 255, 255];
for (let at = el.parentElement; at; at = at.parentElement) {
  const colour = getComputedStyle(at).backgroundColor;
  if (colour !== "rgba(0, 0, 0, 0)" && colour !== "transparent") { back = rgb(colour); break; }
}
const [a, b] = [luminance(rgb(style.outlineColor)), luminance(back)].sort((x, y) => y - x);
const ratio = (a + 0.05) / (b + 0.05);
return ratio < 3 ? `focus ring on ${el.tagName} ${el.className} has ${ratio.toFixed(2)}:1` : null;
"""


def focus_ring(browser: Browser) -> str | None:
    """None when the focus shows; else what is wrong with it."""
    found = browser.driver.execute_script(FOCUS_RING)
    return None if found is None else str(found)


def phone(browser: Browser, *, text_scale: float = 1.0) -> None:
    """A 375 x 667 phone; `text_scale` 2 is a reader's 200 % text size (the default font size
    doubled, as the browser's text-size setting does)."""
    browser.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
    browser.driver.execute_cdp_cmd(
        "Page.setFontSizes",
        {"fontSizes": {"standard": round(16 * text_scale), "fixed": round(13 * text_scale)}},
    )
    root = browser.driver.execute_script(
        "return parseFloat(getComputedStyle(document.documentElement).fontSize)"
    )
    assert root == round(16 * text_scale), root
