// Working hours: weekly windows per weekday, days off and extra dates (setMyWorkingHours).
// Saving replaces the whole pattern; bookings the new hours no longer cover are listed.

import { gql } from "../graphql.js";
import { append, choice, clear, errorBox, field, h, humanize, notice, onSubmit, when } from "../dom.js";
import { patientLink, rememberNames } from "./patients.js";

const HOURS_FIELDS = `timeZone daysOff
  weekly { weekday start end slotMinutes consultationTypes }
  extraHours { date start end slotMinutes consultationTypes }`;
const MY_HOURS = `{ myWorkingHours { ${HOURS_FIELDS} } }`;
const SET_HOURS = `mutation($input: WorkingHoursInput!) { setMyWorkingHours(input: $input) {
  workingHours { ${HOURS_FIELDS} }
  outsideHours { id start end startLocal timeZone status consultationType reason patientId
    patientName } } }`;
const WEEKDAYS = ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"];
const TYPES = [["IN_PERSON", "In person"], ["VIDEO", "Video"]];
const NEW_WINDOW = { start: "09:00", end: "17:00", slotMinutes: 30,
  consultationTypes: ["IN_PERSON", "VIDEO"] };

function hhmm(time) {
  return time ? time.slice(0, 5) : "";
}

function removeButton(label) {
  return h("button", { type: "button", class: "link remove", "aria-label": label,
    onclick: (event) => event.currentTarget.closest(".row").remove() }, "Remove");
}

/** Start, end, slot length and consultation types: the part weekly and extra rows share. */
function windowCells(window, label) {
  return [
    h("td", {}, h("input", { type: "time", class: "start", required: true,
      value: hhmm(window.start), "aria-label": `${label}: start` })),
    h("td", {}, h("input", { type: "time", class: "end", required: true, value: hhmm(window.end),
      "aria-label": `${label}: end` })),
    h("td", {}, h("input", { type: "number", class: "slot-minutes", min: 5, max: 240, step: 5,
      value: window.slotMinutes, "aria-label": `${label}: slot length in minutes` })),
    h("td", { class: "types" }, TYPES.map(([value, text]) => h("label", { class: "check" },
      h("input", { type: "checkbox", class: "type", value,
        checked: window.consultationTypes.includes(value) }), " ", text))),
  ];
}

function weeklyRow(window) {
  const weekday = choice("", WEEKDAYS.map((day) => [day, humanize(day)]), window.weekday);
  weekday.removeAttribute("name");
  weekday.className = "weekday";
  weekday.setAttribute("aria-label", "Weekday");
  return h("tr", { class: "row window weekly" }, h("td", {}, weekday),
    windowCells(window, "Weekly hours"), h("td", {}, removeButton("Remove these hours")));
}

function extraRow(window) {
  return h("tr", { class: "row window extra" },
    h("td", {}, h("input", { type: "date", class: "date", required: true, value: window.date,
      "aria-label": "Extra date" })),
    windowCells(window, "Extra hours"), h("td", {}, removeButton("Remove this date")));
}

function dayOffRow(date) {
  return h("li", { class: "row day-off" },
    h("input", { type: "date", class: "date", required: true, value: date,
      "aria-label": "Day off" }), " ", removeButton("Remove this day off"));
}

function windowTable(id, firstColumn, rows) {
  return h("table", { class: "hours-table" },
    h("thead", {}, h("tr", {}, [firstColumn, "Start", "End", "Slot (min)", "Consultations", ""]
      .map((name) => h("th", {}, name)))),
    h("tbody", { id }, rows));
}

function section(title, hint, body, addButton, fieldName) {
  return h("fieldset", { class: "hours-section" },
    h("legend", {}, title),
    hint ? h("small", { class: "hint" }, hint) : null,
    body, addButton,
    h("small", { class: "field-error", "data-field": fieldName, role: "alert" }));
}

function localError(message, fieldName) {
  return Object.assign(new Error(message), { code: "VALIDATION_FAILED", field: fieldName });
}

function readWindow(row, fieldName) {
  const start = row.querySelector(".start").value;
  const end = row.querySelector(".end").value;
  if (!start || !end) {
    throw localError("Give a start and an end time on every row.",
      `${fieldName}.${start ? "end" : "start"}`);
  }
  return {
    start, end,
    slotMinutes: Number(row.querySelector(".slot-minutes").value),
    consultationTypes: [...row.querySelectorAll(".type:checked")].map((box) => box.value),
  };
}

// Rows are sent in the order they show, so `weekly.2` (an error's field) is the third row.
const ROWS = { weekly: ".window.weekly", extraHours: ".window.extra" };

function readForm(form) {
  const weekly = [...form.querySelectorAll(ROWS.weekly)].map((row, index) => ({
    weekday: row.querySelector(".weekday").value, ...readWindow(row, `weekly.${index}`) }));
  const extraHours = [...form.querySelectorAll(ROWS.extraHours)].map((row, index) => {
    const date = row.querySelector(".date").value;
    if (!date) throw localError("Give a date on every extra row.", `extraHours.${index}.date`);
    return { date, ...readWindow(row, `extraHours.${index}`) };
  });
  const daysOff = [...form.querySelectorAll(".day-off .date")].map((input) => input.value);
  if (daysOff.some((date) => !date)) throw localError("Give a date for every day off.", "daysOff");
  return { timeZone: form.elements.timeZone.value, weekly, daysOff, extraHours };
}

/**
 * Mark the row an error names (`weekly.1`, `extraHours.0.date`: the row, then maybe its
 * input) and say the message in its section; other errors are left to showError.
 */
function markRow(form, error) {
  const [, list, index, part] = /^(weekly|extraHours)\.(\d+)(?:\.(\w+))?$/
    .exec(error.field || "") || [];
  const row = list ? form.querySelectorAll(ROWS[list])[Number(index)] : null;
  if (!row) return;
  row.classList.add("at-fault");
  const named = part ? row.querySelector(`.${CSS.escape(part)}`) : null;
  for (const input of named ? [named] : row.querySelectorAll("input, select")) {
    input.setAttribute("aria-invalid", "true");
  }
  const where = list === "weekly" ? humanize(row.querySelector(".weekday").value)
    : row.querySelector(".date").value || "no date yet";
  form.querySelector(`.field-error[data-field="${list}"]`).textContent =
    `Row ${Number(index) + 1} (${where}): ${error.message}`;
}

function zoneChoice(current) {
  const zones = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone")
    : [];
  const all = [...new Set([current, "UTC", ...zones])].sort();
  return choice("timeZone", all.map((zone) => [zone, zone.replaceAll("_", " ")]), current);
}

function hoursForm(hours, { onStart, onSaved }) {
  const weekly = windowTable("weekly-rows", "Weekday", hours.weekly.map(weeklyRow));
  const extra = windowTable("extra-rows", "Date", hours.extraHours.map(extraRow));
  const daysOff = h("ul", { class: "days-off", id: "days-off" }, hours.daysOff.map(dayOffRow));
  const add = (id, label, make) => h("button", { type: "button", class: "add", id,
    onclick: make }, label);
  const form = h("form", { id: "hours-form", novalidate: true },
    errorBox(),
    field("Time zone", zoneChoice(hours.timeZone), "Hours are in this zone, and so are the "
      + "times patients see in their own zone."),
    section("Weekly hours", "One row per opening window; a day can have several.", weekly,
      add("add-weekly", "Add weekly hours", () => {
        weekly.tBodies[0].append(weeklyRow({ weekday: "MONDAY", ...NEW_WINDOW }));
      }), "weekly"),
    section("Days off", "No bookings on these dates, whatever the weekly hours say.", daysOff,
      add("add-day-off", "Add a day off", () => daysOff.append(dayOffRow(""))), "daysOff"),
    section("Extra dates", "Hours on one date, on top of the weekly ones.", extra,
      add("add-extra", "Add an extra date", () => {
        extra.tBodies[0].append(extraRow({ date: "", ...NEW_WINDOW }));
      }), "extraHours"),
    h("button", { type: "submit", id: "save-hours" }, "Save working hours"));
  onSubmit(form, async () => {
    onStart();
    for (const row of form.querySelectorAll(".at-fault")) row.classList.remove("at-fault");
    try {
      const { setMyWorkingHours } = await gql(SET_HOURS, { input: readForm(form) });
      await onSaved(setMyWorkingHours);
    } catch (error) {
      markRow(form, error);
      throw error;
    }
  });
  return form;
}

function outsideHoursView(outside) {
  if (!outside.length) {
    return notice("Saved. Every booked appointment is inside your new hours.");
  }
  return h("div", { class: "card warn", id: "outside-hours", role: "alert" },
    h("h2", {}, `Saved. ${outside.length} booked appointment${outside.length === 1 ? " is" : "s are"}`
      + " outside your new hours"),
    h("p", {}, "They stay booked. Contact the patients to move or cancel them."),
    h("ul", { class: "appointments" }, outside.map((appointment) => h("li", {
      class: "appointment", "data-appointment-id": appointment.id,
      "data-start": appointment.start,
    }, h("strong", {}, when(appointment.start, appointment.timeZone)), " ",
    patientLink(appointment.patientId), ` · ${humanize(appointment.consultationType)}`,
    appointment.reason ? ` · ${appointment.reason}` : ""))));
}

export async function renderHours(view) {
  const result = h("div", { id: "hours-result", "aria-live": "polite" });
  const formBox = h("div", {});
  append(view, [
    h("h1", {}, "Working hours"),
    h("p", { class: "muted" }, "Your hours make the slots patients can book. Saving replaces "
      + "all of them; appointments already booked are kept, and the ones your new hours no "
      + "longer cover are listed here."),
    result, formBox,
  ]);
  const show = (hours) => {
    clear(formBox, hoursForm(hours, {
      onStart: () => clear(result),
      onSaved: async (update) => {
        rememberNames(update.outsideHours);
        clear(result, outsideHoursView(update.outsideHours));
        show(update.workingHours);
        result.scrollIntoView({ block: "nearest" });
      },
    }));
  };
  const { myWorkingHours } = await gql(MY_HOURS);
  show(myWorkingHours);
}
