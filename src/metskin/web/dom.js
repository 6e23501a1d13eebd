// Small DOM helpers: build elements (text only, never HTML from the API), forms and errors.

import { dateTimeFormat, t } from "./i18n.js";
import { WORDS } from "./words.js";

/**
 * h("p", {class: "note", onclick: fn}, "text", child, [more]) -> HTMLElement.
 * Attributes named on* become listeners; true/false toggle boolean attributes.
 */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") {
      element.addEventListener(name.slice(2), value);
    } else if (name === "value") {
      element.value = value;
    } else if (name === "checked") {
      element.checked = Boolean(value);
    } else {
      element.setAttribute(name, value === true ? "" : String(value));
    }
  }
  append(element, children);
  return element;
}

export function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : String(child));
  }
  return parent;
}

export function clear(element, ...children) {
  element.replaceChildren();
  return append(element, children);
}

/** A link that dials `phone` (E.164, as the API gives it) on a phone, or opens the computer's
 * calling app; it reads `shown`, the number grouped (the API's `phoneInternational`: "+44 20
 * 7946 0101"), kept on one line. */
export function phoneLink(phone, shown = phone) {
  return h("a", { href: `tel:${phone}`, class: "tel" }, shown || phone);
}

/** `sentence` (translated, its `{phone}` left in) with the number as a `phoneLink`. */
export function withPhone(sentence, phone, shown = phone) {
  const [before, after = ""] = sentence.split("{phone}");
  return [before, phoneLink(phone, shown), after];
}

/** "Practice phone: <its phoneLink>" on a line of its own (`practice`: its `phone` and
 * `phoneInternational`); nothing when the practice gave none. */
export function practicePhoneLine(practice) {
  return practice?.phone ? h("p", { class: "practice-phone" },
    withPhone(t("Practice phone: {phone}"), practice.phone, practice.phoneInternational)) : null;
}

/** A unique id for an element the page refers to (`for`, `aria-describedby`). */
export function uid(prefix) {
  return `${prefix}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Add `id` to the element's aria-describedby (a screen reader reads it after the name). */
export function describeBy(element, id) {
  const ids = (element.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
  if (!ids.includes(id)) element.setAttribute("aria-describedby", [...ids, id].join(" "));
}

/** A labelled input; `name` is the GraphQL field name, so field errors can find it. The hint
 * and the error describe the input: a screen reader reads them with its name. */
export function field(label, input, hint = null) {
  const id = input.id || uid(`f-${input.name}`);
  input.id = id;
  const help = hint ? h("small", { class: "hint", id: `${id}-hint` }, hint) : null;
  const error = h("small", { class: "field-error", "data-field": input.name, id: `${id}-error` });
  if (help) describeBy(input, help.id);
  describeBy(input, error.id);
  return h("div", { class: "field" }, h("label", { for: id }, label), input, help, error);
}

export function choice(name, options, selected) {
  return h("select", { name },
    options.map(([value, label]) => h("option", { value, selected: value === selected },
      t(label))));
}

/** A table in a box of its own that scrolls sideways on a narrow screen (not the page). */
export function scrollingTable(attributes, ...children) {
  return h("div", { class: "scroll" }, h("table", attributes, ...children));
}

/** The box a form's error shows in; role alert: a screen reader says it as it appears. */
export function errorBox() {
  return h("div", { class: "form-error", role: "alert", hidden: true });
}

export function clearErrors(container) {
  for (const box of container.querySelectorAll(".form-error")) {
    box.hidden = true;
    box.replaceChildren();
  }
  for (const message of container.querySelectorAll(".field-error")) message.textContent = "";
  for (const input of container.querySelectorAll("[aria-invalid]")) {
    input.removeAttribute("aria-invalid");
  }
}

/** An error in words, with its code only in a small detail line (for support). */
export function errorInWords(error) {
  const code = error && error.code ? error.code : "ERROR";
  const message = error && error.message ? error.message : String(error);
  return [h("strong", {}, message),
    h("small", { class: "error-detail" }, t("Code for support: "),
      h("code", { class: "error-code" }, code))];
}

/** Show an error next to the form, and beside the field when named. */
export function showError(container, error) {
  const box = container.querySelector(".form-error");
  if (box) {
    clear(box, ...errorInWords(error));
    box.hidden = false;
  }
  if (error && error.field) {
    const name = CSS.escape(error.field.replace(/_([a-z])/g, (_, letter) => letter.toUpperCase()));
    const input = container.querySelector(`[name="${name}"]`);
    const slot = container.querySelector(`.field-error[data-field="${name}"]`);
    if (slot) slot.textContent = error.message || String(error);
    if (input) {
      // Marked wrong, told why (its own line, else the form's box), and focused to mend it.
      input.setAttribute("aria-invalid", "true");
      const said = slot || box;
      if (said) {
        said.id = said.id || uid("error");
        describeBy(input, said.id);
      }
      if (input.type !== "hidden" && !input.disabled) input.focus();
    }
  }
  if (!box) throw error;
}

/**
 * Run `action` for a form (or any container with a .form-error): the buttons are disabled
 * meanwhile, errors are shown beside it; the result, or undefined after an error.
 */
export async function busy(container, action) {
  const buttons = [...container.querySelectorAll("button")];
  // A disabled button loses the focus (to <body>): given back once it is enabled again, when
  // the action moved it nowhere else and the button is still there.
  const pressed = buttons.includes(document.activeElement) ? document.activeElement : null;
  clearErrors(container);
  buttons.forEach((button) => { button.disabled = true; });
  container.setAttribute("aria-busy", "true");
  try {
    return await action();
  } catch (error) {
    showError(container, error);
    return undefined;
  } finally {
    buttons.forEach((button) => { button.disabled = false; });
    container.removeAttribute("aria-busy");
    const lost = !document.activeElement || document.activeElement === document.body;
    if (pressed && pressed.isConnected && lost) pressed.focus();
  }
}

/** Call `action(form)` on submit, with busy() around it. */
export function onSubmit(form, action) {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    busy(form, () => action(form));
  });
  return form;
}

export function formValue(form, name) {
  const input = form.elements.namedItem(name);
  return input ? input.value.trim() : "";
}

export function numberOrNull(text) {
  if (text === "") return null;
  const number = Number(text);
  return Number.isFinite(number) ? number : text;
}

export function listFromText(text) {
  return text.split(",").map((item) => item.trim()).filter(Boolean);
}

export function when(iso, timeZone = undefined) {
  if (!iso) return "";
  return dateTimeFormat({ dateStyle: "medium", timeStyle: "short", timeZone })
    .format(new Date(iso));
}

/** A time zone as people name it, in the app's language: "Japan Standard Time", "Central
 * European Time", "heure d'Europe centrale" (the IANA id read "Asia/Tokyo"); the id itself
 * where the browser has no name for it. */
export function zoneName(timeZone, at = new Date()) {
  try {
    const part = dateTimeFormat({ timeZone, timeZoneName: "longGeneric" }).formatToParts(at)
      .find((item) => item.type === "timeZoneName");
    return part ? part.value : timeZone;
  } catch {
    return timeZone;
  }
}

/** A zone to choose in a list: its id, which tells apart the zones of one name, with that
 * name after it: "Europe/Paris (Central European Time)"; the id alone where it has none. */
export function zoneLabel(timeZone) {
  const id = timeZone.replaceAll("_", " ");
  const name = zoneName(timeZone);
  return name && name !== timeZone ? `${id} (${name})` : id;
}

/** The options of a zone list: every zone the browser knows, UTC and `current` (kept when the
 * browser does not know it), sorted, each labelled by `zoneLabel`. */
export function zoneOptions(current) {
  const known = typeof Intl.supportedValuesOf === "function"
    ? Intl.supportedValuesOf("timeZone") : [];
  return [...new Set([current, "UTC", ...known].filter(Boolean))].sort()
    .map((zone) => [zone, zoneLabel(zone)]);
}

/** A time in `timeZone` with the zone after it, as an appointment is shown to a person who may
 * read it elsewhere: "Dec 15, 2026, 6:00 PM (Japan Standard Time)". Without a zone: in the
 * browser's, unlabelled. */
export function whenIn(iso, timeZone = undefined) {
  return timeZone ? `${when(iso, timeZone)} (${zoneName(timeZone, new Date(iso))})` : when(iso);
}

export function day(iso, timeZone = undefined) {
  return dateTimeFormat({ weekday: "short", day: "numeric", month: "short", timeZone })
    .format(new Date(iso));
}

/** A calendar date (YYYY-MM-DD, in no zone) as a heading: "Monday 7 December". */
export function dateHeading(isoDate) {
  return dateTimeFormat({ weekday: "long", day: "numeric", month: "long", timeZone: "UTC" })
    .format(new Date(`${isoDate}T00:00:00Z`));
}

export function time(iso, timeZone = undefined) {
  return dateTimeFormat({ timeStyle: "short", timeZone }).format(new Date(iso));
}

/** An API code (`DARK_CIRCLES`, `skin_cancer`) in words, in the reader's language: its word in
 * words.js, else the code spelled out (a code the API gained after words.js). */
export function humanize(name) {
  const key = String(name).toLowerCase().replaceAll(" ", "_"); // "very light" too
  if (WORDS[key]) return t(WORDS[key]);
  const text = key.replaceAll("_", " ");
  return t(text.charAt(0).toUpperCase() + text.slice(1));
}

/** An appointment's status as a person reads it, [class, words]: a booking whose end has passed
 * is "Past" (the API keeps it BOOKED until its dermatologist records the outcome: COMPLETED, or
 * NO_SHOW, "Did not attend"), not "Booked". */
export function appointmentStatus(appointment, now = Date.now()) {
  return appointment.status === "BOOKED" && Date.parse(appointment.end) <= now
    ? ["past", t("Past")] : [appointment.status.toLowerCase(), humanize(appointment.status)];
}

/** Move the focus to `element` (made focusable by script, not by Tab), as after a change that
 * removed what had the focus: a screen reader reads it, the next Tab goes on from there. */
export function focusOn(element) {
  if (!element) return;
  if (!element.matches("a[href], button, input, select, textarea, [tabindex]")) {
    element.tabIndex = -1;
  }
  element.focus();
}

/** The focus to the page's heading (the view's h1, else the main region). */
export function focusHeading(scope = document.getElementById("view")) {
  focusOn(scope.querySelector("h1") || scope);
}

export function notice(text, kind = "ok") {
  return h("p", { class: `notice ${kind}`, role: "status" }, text);
}

/** Go to `hash`; `replace`: instead of the page on screen in the history (a redirect, or the
 * form that led here), so that Back does not come back to it. */
export function navigate(hash, { replace = false } = {}) {
  if (window.location.hash === hash) window.dispatchEvent(new HashChangeEvent("hashchange"));
  else if (replace) window.location.replace(hash);
  else window.location.hash = hash;
}
