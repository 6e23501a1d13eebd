// Working hours: weekly windows per weekday, days off and extra dates (setMyWorkingHours).
// Saving replaces the whole pattern; bookings the new hours no longer cover are listed.

import { gql } from "../graphql.js";
import {
  append, choice, clear, describeBy, errorBox, field, focusOn, h, humanize, notice, onSubmit,
  scrollingTable, uid, when, zoneOptions,
} from "../dom.js";
import { mark, t } from "../i18n.js";
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
export const TYPES = [["IN_PERSON", mark("In person")], ["VIDEO", mark("Video")]];
const NEW_WINDOW = { start: "09:00", end: "17:00", slotMinutes: 30,
  consultationTypes: ["IN_PERSON", "VIDEO"] };

function hhmm(time) {
  return time ? time.slice(0, 5) : "";
}

function removeButton(label) {
  return h("button", { type: "button", class: "link remove", "aria-label": label,
    onclick: (event) => {
      // The button goes with its row: the focus to the next row, else the section's Add.
      const row = event.currentTarget.closest(".row");
      const next = row.nextElementSibling || row.previousElementSibling;
      const part = row.closest("fieldset");
      row.remove();
      focusOn(next?.querySelector("input, select") || part.querySelector("button.add"));
    } }, t("Remove"));
}

/** Start, end, slot length and consultation types: the part weekly and extra rows share. */
function windowCells(window, label) {
  // `data-label`: the column's name, shown above the cell where a phone stacks the row.
  return [
    h("td", { "data-label": t("Start") }, h("input", { type: "time", class: "start",
      required: true, value: hhmm(window.start), "aria-label": t("{day}: start", { day: label }) })),
    h("td", { "data-label": t("End") }, h("input", { type: "time", class: "end", required: true,
      value: hhmm(window.end), "aria-label": t("{day}: end", { day: label }) })),
    h("td", { "data-label": t("Slot (min)") }, h("input", { type: "number", class: "slot-minutes",
      min: 5, max: 240, step: 5, value: window.slotMinutes,
      "aria-label": t("{day}: slot length in minutes", { day: label }) })),
    h("td", { class: "types", "data-label": t("Consultations") },
      TYPES.map(([value, text]) => h("label", { class: "check" },
        h("input", { type: "checkbox", class: "type", value,
          checked: window.consultationTypes.includes(value) }), " ", t(text)))),
  ];
}

function weeklyRow(window) {
  const weekday = choice("", WEEKDAYS.map((day) => [day, humanize(day)]), window.weekday);
  weekday.removeAttribute("name");
  weekday.className = "weekday";
  weekday.setAttribute("aria-label", t("Weekday"));
  return h("tr", { class: "row window weekly" }, h("td", { "data-label": t("Weekday") }, weekday),
    windowCells(window, t("Weekly hours")),
    h("td", { class: "action" }, removeButton(t("Remove these hours"))));
}

function extraRow(window) {
  return h("tr", { class: "row window extra" },
    h("td", { "data-label": t("Date") }, h("input", { type: "date", class: "date", required: true,
      value: window.date, "aria-label": t("Extra date") })),
    windowCells(window, t("Extra hours")),
    h("td", { class: "action" }, removeButton(t("Remove this date"))));
}

function dayOffRow(date) {
  return h("li", { class: "row day-off" },
    h("input", { type: "date", class: "date", required: true, value: date,
      "aria-label": t("Day off") }), " ", removeButton(t("Remove this day off")));
}

function windowTable(id, firstColumn, rows) {
  return scrollingTable({ class: "hours-table" },
    h("thead", {}, h("tr", {}, [firstColumn, t("Start"), t("End"), t("Slot (min)"),
      t("Consultations")].map((name) => h("th", { scope: "col" }, name)),
    h("th", { scope: "col" }, h("span", { class: "visually-hidden" }, t("Action"))))),
    h("tbody", { id }, rows));
}

function section(title, hint, body, addButton, fieldName) {
  return h("fieldset", { class: "hours-section" },
    h("legend", {}, title),
    hint ? h("small", { class: "hint" }, hint) : null,
    body, addButton,
    // Not an alert: the form's box says the error; this line describes the fields at fault.
    h("small", { class: "field-error", "data-field": fieldName, id: uid(`${fieldName}-error`) }));
}

function localError(message, fieldName) {
  return Object.assign(new Error(message), { code: "VALIDATION_FAILED", field: fieldName });
}

function readWindow(row, fieldName) {
  const start = row.querySelector(".start").value;
  const end = row.querySelector(".end").value;
  if (!start || !end) {
    throw localError(t("Give a start and an end time on every row."),
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
    if (!date) throw localError(t("Give a date on every extra row."), `extraHours.${index}.date`);
    return { date, ...readWindow(row, `extraHours.${index}`) };
  });
  const daysOff = [...form.querySelectorAll(".day-off .date")].map((input) => input.value);
  if (daysOff.some((date) => !date)) throw localError(t("Give a date for every day off."), "daysOff");
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
  const line = form.querySelector(`.field-error[data-field="${list}"]`);
  const inputs = named ? [named] : [...row.querySelectorAll("input, select")];
  for (const input of inputs) {
    input.setAttribute("aria-invalid", "true");
    describeBy(input, line.id); // its name, then why it is wrong
  }
  const where = list === "weekly" ? humanize(row.querySelector(".weekday").value)
    : row.querySelector(".date").value || t("no date yet");
  line.textContent =
    t("Row {row} ({where}): {message}", { row: Number(index) + 1, where, message: error.message });
  inputs[0].focus(); // to mend it
}

function zoneChoice(current) {
  return choice("timeZone", zoneOptions(current), current);
}

function hoursForm(hours, { onStart, onSaved }) {
  const weekly = windowTable("weekly-rows", t("Weekday"), hours.weekly.map(weeklyRow));
  const extra = windowTable("extra-rows", t("Date"), hours.extraHours.map(extraRow));
  const daysOff = h("ul", { class: "days-off", id: "days-off" }, hours.daysOff.map(dayOffRow));
  // A new row takes the focus (its first field), not the end of the form.
  const add = (id, label, make) => h("button", { type: "button", class: "add", id,
    onclick: () => make().querySelector("input, select").focus() }, label);
  const form = h("form", { id: "hours-form", novalidate: true },
    errorBox(),
    field(t("Time zone"), zoneChoice(hours.timeZone), t("Hours are in this zone, and so are the "
      + "times patients see in their own zone.")),
    section(t("Weekly hours"), t("One row per opening window; a day can have several."), weekly,
      add("add-weekly", t("Add weekly hours"), () => {
        const row = weeklyRow({ weekday: "MONDAY", ...NEW_WINDOW });
        weekly.querySelector("tbody").append(row);
        return row;
      }), "weekly"),
    section(t("Days off"), t("No bookings on these dates, whatever the weekly hours say."), daysOff,
      add("add-day-off", t("Add a day off"), () => daysOff.appendChild(dayOffRow(""))),
      "daysOff"),
    section(t("Extra dates"), t("Hours on one date, on top of the weekly ones."), extra,
      add("add-extra", t("Add an extra date"), () => {
        const row = extraRow({ date: "", ...NEW_WINDOW });
        extra.querySelector("tbody").append(row);
        return row;
      }), "extraHours"),
    h("button", { type: "submit", id: "save-hours" }, t("Save working hours")));
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
    return notice(t("Saved. Every booked appointment is inside your new hours."));
  }
  return h("div", { class: "card warn", id: "outside-hours", role: "alert" },
    h("h2", {}, outside.length === 1 ? t("Saved. 1 booked appointment is outside your new hours")
      : t("Saved. {count} booked appointments are outside your new hours",
        { count: outside.length })),
    h("p", {}, t("They stay booked. Contact the patients to move or cancel them.")),
    h("ul", { class: "appointments" }, outside.map((appointment) => h("li", {
      class: "appointment", "data-appointment-id": appointment.id,
      "data-start": appointment.start,
    }, h("strong", {}, when(appointment.start, appointment.timeZone)), " ",
    patientLink(appointment.patientId), ` · ${humanize(appointment.consultationType)}`,
    appointment.reason ? ` · ${appointment.reason}` : ""))));
}

export async function renderHours(view) {
  const result = h("div", { id: "hours-result" }); // what it holds is a status or an alert
  const formBox = h("div", {});
  append(view, [
    h("h1", {}, t("Working hours")),
    h("p", { class: "muted" }, t("Your hours make the slots patients can book. Saving replaces "
      + "all of them; appointments already booked are kept, and the ones your new hours no "
      + "longer cover are listed here.")),
    result, formBox,
  ]);
  const show = (hours) => {
    clear(formBox, hoursForm(hours, {
      onStart: () => clear(result),
      onSaved: async (update) => {
        rememberNames(update.outsideHours);
        clear(result, outsideHoursView(update.outsideHours));
        show(update.workingHours);
        // The form is drawn again: the focus (on its button) to what the save says.
        focusOn(result.querySelector("h2") || result.firstElementChild);
      },
    }));
  };
  const { myWorkingHours } = await gql(MY_HOURS);
  show(myWorkingHours);
}
