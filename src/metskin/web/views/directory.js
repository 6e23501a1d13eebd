// The dermatologist directory: search near a place, see free times, book, or share an analysis.
// From a referral it starts in the person's language and, when the referral is urgent or soon,
// with a free time within the period its advice gives; the advice stays in view.

import { gql } from "../graphql.js";
import {
  append, busy, choice, clear, errorBox, field, focusOn, formValue, h, humanize, notice,
  numberOrNull, onSubmit, practicePhoneLine, when, whenIn,
} from "../dom.js";
import { languageName, mark, money, t } from "../i18n.js";
import {
  CONSULTATION_TYPES, isoDate, slotPicker, slotWhen, visitTerms,
} from "./slots.js";

const PAGE = 10;
const DIRECTORY = `query($filter: DermatologistFilter, $first: Int!, $after: String) {
  dermatologists(filter: $filter, first: $first, after: $after) {
    edges { node { id name specialties languages timeZone consultationTypes bio bioLocale
      distanceKm fee { amount currency }
      practice { name address city country phone phoneInternational } } }
    pageInfo { hasNextPage endCursor } } }`;
const BOOK = `mutation($input: BookAppointmentInput!) { bookAppointment(input: $input) {
  id status start startLocal timeZone consultationType cancellableUntil dermatologist { name } } }`;
const SHARE = `mutation($d: ID!, $a: ID) { shareAnalysis(dermatologistId: $d, analysisId: $a) {
  id scope active expiresAt dermatologist { name } } }`;
const SPECIALTIES = ["acne", "cosmetic", "medical", "paediatric", "pigmentation", "rosacea",
  "scarring", "skin_cancer"];
const PLACES = [
  ["", mark("Anywhere"), null],
  ["london", mark("London"), [51.5074, -0.1278]],
  ["manchester", mark("Manchester"), [53.4808, -2.2426]],
  ["berlin", mark("Berlin"), [52.52, 13.405]],
  ["new-york", mark("New York"), [40.7128, -74.006]],
  ["chicago", mark("Chicago"), [41.8781, -87.6298]],
  ["los-angeles", mark("Los Angeles"), [34.0522, -118.2437]],
];

// The days a referral's advice gives to be seen (domain/referrals/model.py ADVISED_WITHIN): the
// directory starts with the dermatologists free within them. A routine referral's months are
// longer than the directory's availability window (31 days): it starts with any date.
const ADVISED_DAYS = { URGENT: 7, SOON: 28 };
const REFERRAL = `query($id: ID!) { referral(analysisId: $id) { referral { id urgency advice } } }`;

// The place a person's time zone stands for: the directory starts sorted by distance from it.
const HOME_BY_ZONE = {
  "Europe/London": "london",
  "Europe/Berlin": "berlin",
  "America/New_York": "new-york",
  "America/Chicago": "chicago",
  "America/Los_Angeles": "los-angeles",
};

/** The referral the directory was opened from (its urgency and advice), or null. */
async function referralOf(params) {
  if (!params.get("analysis")) return null;
  try {
    const { referral } = await gql(REFERRAL, { id: params.get("analysis") });
    return referral.referral;
  } catch {
    return null;  // not this person's, or gone: the directory without it
  }
}

async function homePlace() {
  try {
    const { me } = await gql("{ me { profile { timeZone } } }");
    return HOME_BY_ZONE[me.profile.timeZone] || "";
  } catch {
    return "";  // not signed in: anywhere
  }
}

/** Where the list is sorted from, in words: the time zone's city, or nowhere yet. */
function placeHint(place, lat, home) {
  if (lat.value !== "") {
    const found = PLACES.find(([value]) => value && value === place.value);
    return found && found[0] === home
      ? t("Nearest to {place} first (from your time zone). Change it under Near.",
        { place: t(found[1]) })
      : "";
  }
  return t("Not sorted by distance: we do not know where you are. Choose a place under Near, "
    + "enter a latitude and longitude, or use your location.");
}

function filterForm(params, home = "", freeWithin = null) {
  const lat = h("input", { name: "lat", type: "number", step: "any", placeholder: "51.50" });
  const lon = h("input", { name: "lon", type: "number", step: "any", placeholder: "-0.12" });
  const place = choice("place", PLACES.map(([value, label]) => [value, label]), home);
  const hint = h("p", { class: "muted", id: "place-hint" });
  const describePlace = () => { hint.textContent = placeHint(place, lat, home); };
  const showPlace = () => {
    const found = PLACES.find(([value]) => value === place.value);
    lat.value = found && found[2] ? found[2][0] : "";
    lon.value = found && found[2] ? found[2][1] : "";
    describePlace();
  };
  place.addEventListener("change", showPlace);
  lat.addEventListener("input", describePlace);
  showPlace();
  const locate = h("button", { type: "button", class: "link", id: "use-location" },
    t("Use my location"));
  const form = h("form", { id: "directory-form", novalidate: true },
    errorBox(),
    h("div", { class: "grid" },
      field(t("Specialty"), choice("specialty", [["", t("Any")],
        ...SPECIALTIES.map((name) => [name, humanize(name)])], params.get("specialty") || "")),
      field(t("Language"), h("input", { name: "language", placeholder: "e.g. en, fr",
        value: params.get("language") || "" })),
      field(t("Consultation"), choice("consultationType", CONSULTATION_TYPES, "")),
      field(t("Near"), place),
      field(t("Latitude"), lat),
      field(t("Longitude"), lon),
      field(t("Within (km)"), h("input", { name: "radiusKm", type: "number", min: 1 })),
      field(t("Free from"), h("input", { name: "availableFrom", type: "date",
        value: freeWithin ? freeWithin.from : "" })),
      field(t("Free until"), h("input", { name: "availableTo", type: "date",
        value: freeWithin ? freeWithin.to : "" }))),
    hint,
    h("p", {}, locate),
    h("button", { type: "submit" }, t("Search")));
  locate.addEventListener("click", () => busy(form, () => new Promise((resolve, reject) => {
    if (!navigator.geolocation) {
      reject(Object.assign(new Error(t("This browser cannot share its location.")),
        { code: "NO_GEOLOCATION" }));
      return;
    }
    navigator.geolocation.getCurrentPosition((position) => {
      lat.value = position.coords.latitude.toFixed(4);
      lon.value = position.coords.longitude.toFixed(4);
      place.value = "";
      describePlace();
      resolve();
    }, (failure) => reject(Object.assign(new Error(failure.message || t("No location.")),
      { code: "NO_GEOLOCATION" })), { timeout: 10_000 });
  })));
  return form;
}

export function readFilter(form) {
  // From the start of the "from" day to the end of the "until" day (the next day's midnight),
  // in this browser's days: "until" names a day the person may come, not one they may not.
  const dayStart = (name, later = 0) => {
    const value = formValue(form, name);
    if (!value) return null;
    const day = new Date(`${value}T00:00:00`);
    day.setDate(day.getDate() + later);
    return day.toISOString();
  };
  const filter = {
    specialty: formValue(form, "specialty") || null,
    language: formValue(form, "language") || null,
    consultationType: formValue(form, "consultationType") || null,
    availableFrom: dayStart("availableFrom"),
    availableTo: dayStart("availableTo", 1),
  };
  const lat = numberOrNull(formValue(form, "lat"));
  const lon = numberOrNull(formValue(form, "lon"));
  if (lat !== null || lon !== null) {
    filter.near = { lat, lon, radiusKm: numberOrNull(formValue(form, "radiusKm")) };
  }
  return filter;
}

/** What the patient agrees to: until when the booking can be cancelled or moved. */
function cancellationTerms(slot) {
  if (!slot.freeCancellation) {
    return notice(t("This time starts soon: once booked, it can no longer be cancelled or moved."),
      "warn cancellation-terms");
  }
  return h("p", { class: "muted cancellation-terms" },
    t("You can cancel or move it until {time}.",
      { time: when(slot.cancellableUntil, slot.timeZone) }));
}

/** The form that books `slot`: when (at the practice, and at `personZone`'s time when that
 * reads otherwise), how long and for what fee, then the type, the reason and the terms. */
export function bookingForm(doctor, slot, referralId, done, personZone = undefined) {
  const types = slot.consultationTypes.map((type) => [type, humanize(type)]);
  const [there, yours] = slotWhen(slot, personZone);
  const form = h("form", { class: "book-form", novalidate: true },
    errorBox(),
    h("p", { class: "book-when" }, h("strong", {}, there),
      yours ? [" · ", h("span", { class: "your-time" }, yours)] : null),
    h("p", { class: "visit-terms" }, visitTerms(slot, doctor.fee).join(" · ")),
    h("div", { class: "grid" },
      field(t("Consultation"), choice("consultationType", types, types[0][0])),
      field(t("Reason (optional)"), h("input", { name: "reason", maxlength: 500 }))),
    referralId ? h("p", { class: "muted" }, t("Linked to your referral.")) : null,
    cancellationTerms(slot),
    h("button", { type: "submit", class: "book" }, t("Book this time")));
  onSubmit(form, async () => {
    const { bookAppointment } = await gql(BOOK, { input: {
      slotStart: slot.start, dermatologistId: doctor.id,
      consultationType: formValue(form, "consultationType"),
      reason: formValue(form, "reason"), referralId: referralId || null,
    } });
    done(bookAppointment);
  });
  return form;
}

/** Free times of `doctor`, then the form that books the one picked; once booked, `box` says
 * so, with links to the appointment and to the list. From the directory's card, and from a
 * missed appointment ("Book again", with its referral). */
export function bookingPicker(doctor, box, referralId, consultationType = "") {
  const chosen = h("div", { class: "chosen" });
  const picker = slotPicker(doctor.id, (slot, personZone) => {
    clear(chosen, bookingForm(doctor, slot, referralId, (appointment) => {
      clear(box, notice(t("Booked: {time} with {name}. You can cancel or move it until "
        + "{until}.", { time: whenIn(appointment.start, appointment.timeZone),
        name: appointment.dermatologist ? appointment.dermatologist.name : doctor.name,
        until: when(appointment.cancellableUntil, appointment.timeZone) })),
      h("a", { href: `#/appointments/${encodeURIComponent(appointment.id)}`,
        id: "to-appointment" }, t("Open this appointment")), " · ",
      h("a", { href: "#/appointments", id: "to-appointments" }, t("See my appointments")));
      focusOn(box.querySelector(".notice")); // the form that had the focus is gone
    }, personZone));
    // Straight to the chosen time's form: not through the rest of the week's times.
    focusOn(chosen.querySelector(".book-when"));
  }, { consultationType, timeZone: doctor.timeZone, withPersonZone: true });
  return [picker, chosen];
}

/** Shares once: the button stays off afterwards (and while the share is on its way). */
function shareButton(doctor, analysisId, box) {
  const button = h("button", { type: "button", class: "share" }, t("Share my analysis"));
  button.addEventListener("click", async () => {
    const shared = await busy(box, async () => {
      const { shareAnalysis } = await gql(SHARE, { d: doctor.id, a: analysisId });
      box.append(notice(t("Shared with {name} until {time}.",
        { name: doctor.name, time: when(shareAnalysis.expiresAt) })));
      box.append(h("a", { href: "#/sharing" }, t("Manage sharing")));
      return true;
    });
    if (shared) Object.assign(button, { disabled: true, textContent: t("Shared") });
  });
  return button;
}

function doctorCard(doctor, params) {
  const booking = h("div", { class: "booking" });
  const actions = h("div", { class: "actions" }, errorBox());
  const card = h("li", { class: "card doctor", "data-doctor-id": doctor.id },
    h("h3", {}, doctor.name),
    h("p", {}, doctor.specialties.map(humanize).join(", "),
      h("span", { class: "muted" }, ` · ${t("speaks {languages}",
        { languages: doctor.languages.map((code) => languageName(code)).join(", ") })}`)),
    h("p", {}, `${doctor.practice.name}, ${doctor.practice.address}`,
      doctor.distanceKm !== null ? h("span", { class: "distance" },
        ` · ${doctor.distanceKm.toFixed(1)} km`) : null),
    practicePhoneLine(doctor.practice),
    h("p", { class: "muted" }, `${money(doctor.fee.amount, doctor.fee.currency)} · `,
      doctor.consultationTypes.map(humanize).join(", ")),
    h("details", {}, h("summary", {}, t("About")),
      h("p", { lang: doctor.bioLocale }, doctor.bio)),
    actions, booking);
  const showTimes = h("button", { type: "button", class: "show-slots", "aria-expanded": "false" },
    t("Free times"));
  showTimes.addEventListener("click", () => {
    showTimes.setAttribute("aria-expanded", String(!booking.firstChild));
    if (booking.firstChild) {
      booking.replaceChildren();
      return;
    }
    clear(booking, bookingPicker(doctor, booking, params.get("referral"),
      params.get("type") || ""));
  });
  actions.append(showTimes);
  if (params.get("share")) actions.append(" ", shareButton(doctor, params.get("share"), actions));
  return card;
}

/** The days from today within which a referral's advice asks to be seen, as the form's dates:
 * calendar days where the person is (across a daylight-saving change a day is 23 or 25 hours). */
export function advisedWindow(referral, now = new Date()) {
  const days = referral ? ADVISED_DAYS[referral.urgency] : undefined;
  if (!days) return null;
  // today and the days after it: `days` days in all, the last one "until" (included)
  const last = new Date(now.getFullYear(), now.getMonth(), now.getDate() + days - 1);
  return { days, from: isoDate(now), to: isoDate(last) };
}

/** A note on what the search was narrowed to, with a button that empties `fields` and searches
 * again (the note goes: the form shows what is searched). */
function narrowed(form, search, text, { id, label, fields }) {
  const button = h("button", { type: "button", class: "link", id }, label);
  const note = h("p", { class: "notice info" }, text, " ", button);
  button.addEventListener("click", () => busy(form, async () => {
    for (const name of fields) form.elements.namedItem(name).value = "";
    note.remove();
    await search();
  }));
  return note;
}

export async function renderDirectory(view, { params }) {
  const [home, referral] = await Promise.all([homePlace(), referralOf(params)]);
  const freeWithin = advisedWindow(referral);
  const form = filterForm(params, home, freeWithin);
  const notes = h("div", { id: "directory-notes" });
  const list = h("ul", { class: "doctors", id: "doctors" });
  const more = h("button", { type: "button", id: "doctors-more", hidden: true }, t("More"));
  const pager = h("div", { class: "pager" }, errorBox(), more);
  let filter = readFilter(form);
  let after = null;

  // Nothing found: say so, and what the referral advises meanwhile (a doctor, urgent care).
  const nothingFound = () => h("li", { class: "muted", id: "no-match" },
    h("p", {}, t("No dermatologist matches.")),
    referral ? Object.assign(notice(referral.advice, referral.urgency === "URGENT" ? "warn"
      : "info"), { id: "referral-advice" }) : null);
  const load = async () => {
    const { dermatologists } = await gql(DIRECTORY, { filter, first: PAGE, after });
    append(list, [dermatologists.edges.map((edge) => doctorCard(edge.node, params))]);
    if (!list.firstChild) append(list, [nothingFound()]);
    after = dermatologists.pageInfo.endCursor;
    more.hidden = !dermatologists.pageInfo.hasNextPage;
  };
  const search = async () => {
    filter = readFilter(form);
    after = null;
    list.replaceChildren();
    await load();
  };
  onSubmit(form, async () => {
    notes.replaceChildren(); // the form says what is searched now
    await search();
  });
  more.addEventListener("click", () => busy(pager, load));

  append(view, [
    h("h1", {}, t("Find a dermatologist")),
    params.get("share") ? notice(t("Choose the dermatologist to share your analysis with."), "info")
      : null,
    params.get("referral") ? notice(t("Booking for your referral: it is attached to the "
      + "appointment so the dermatologist can see why."), "info") : null,
    notes, form, h("h2", { class: "visually-hidden" }, t("Dermatologists found")), list, pager,
  ]);
  await busy(form, async () => {
    await load();
    const language = filter.language;
    if (language && params.get("language") && !list.querySelector(".doctor")) {
      // Nobody speaks the person's language among the rest: everyone, and say so.
      form.elements.namedItem("language").value = "";
      await search();
      notes.append(notice(t("No matching dermatologist speaks {language}, so every language "
        + "is shown.", { language: languageName(language) }), "info"));
    } else if (language && params.get("language")) {
      notes.append(narrowed(form, search, t("Showing dermatologists who speak {language}.",
        { language: languageName(language) }),
      { id: "any-language", label: t("Any language"), fields: ["language"] }));
    }
    if (freeWithin) {
      notes.prepend(narrowed(form, search, t("As your referral advises, showing dermatologists "
        + "with a free time in the next {days} days.", { days: freeWithin.days }),
      { id: "any-date", label: t("Any date"), fields: ["availableFrom", "availableTo"] }));
    }
  });
}
