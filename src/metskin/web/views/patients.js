// The dermatologist's patients, the visits each one booked with them, the analyses each one
// shares, and a shared analysis (read only). Every one of these reads is written to the
// patient's access log by the API.

import { gql, session } from "../graphql.js";
import {
  append, appointmentStatus, busy, clear, errorBox, h, humanize, notice, showError, when,
  zoneName,
} from "../dom.js";
import { mark, t } from "../i18n.js";
import { DETAIL, resultView } from "./analysis.js";
import { summaryText } from "./history.js";
import {
  BOOKING_KINDS, SHARE_KINDS, followPatient, followSharesOf, lastEventId,
} from "./events.js";
import { fillZoneSentence, practiceZone } from "./practice.js";
import { labellingPanel } from "./labelling.js";
import { cancelledNote, visitActions } from "./visits.js";

const PAGE = 20;
const LONGEST_TIMER_MS = 2 ** 31 - 1; // about 24.8 days: a later end is checked then, again
// A shared analysis as the patient's result view reads it, and until when the shares last.
const SHARED_DETAIL = DETAIL.replace("analysis(id: $id) {", "analysis(id: $id) { accessUntil");
const PATIENT_FIELDS = "id displayName email birthYear sex timeZone sharesUntil";
const PATIENTS = `query($first: Int!, $after: String) { patients(first: $first, after: $after) {
  edges { node { ${PATIENT_FIELDS} } } pageInfo { hasNextPage endCursor } } }`;
const PATIENT = `query($id: ID!) { patients(first: 1, patientId: $id) {
  edges { node { ${PATIENT_FIELDS} } } } }`;
const VISITS = `query($patient: ID!, $first: Int!, $after: String, $zone: String) {
  patientAppointments(patientId: $patient, first: $first, after: $after, timeZone: $zone) {
    edges { node { id start end status consultationType reason cancelReason } }
    pageInfo { hasNextPage endCursor } } }`;
const SHARED = `query($patient: ID, $first: Int!, $after: String) {
  sharedAnalyses(patientId: $patient, first: $first, after: $after) {
    edges { node { id status stage createdAt failureCode failureReason
      summary { ok confidence itaDeg monk fitzpatrick skinType topConcerns }
      media { kind thumbnailUrl } } }
    pageInfo { hasNextPage endCursor } } }`;

/** Said on every page that reads patients' data. */
export function auditNote() {
  return h("p", { class: "notice info audit-note" },
    t("Every read of a patient's data here (their details, appointments and shared analyses) is "
    + "recorded in that patient's access log, which they can see."));
}

// --- who is who ------------------------------------------------------------------------------

// Names come with reads the pages make anyway: an appointment's patientName, the patients list.
// Nothing is read just to name someone, as every read is in the patient's access log. Kept for
// the session of the page and for this dermatologist only.
const known = { owner: null, names: new Map(), patients: new Map() };

function cache() {
  const owner = session.user ? session.user.id : null;
  if (known.owner !== owner) Object.assign(known, { owner, names: new Map(), patients: new Map() });
  return known;
}

/** Learn patients' names from what the page read anyway (items with patientId, patientName). */
export function rememberNames(items) {
  const { names } = cache();
  for (const item of items) {
    if (item.patientName) names.set(item.patientId, item.patientName);
  }
}

function rememberPatients(patients) {
  const { names, patients: byId } = cache();
  for (const patient of patients) {
    byId.set(patient.id, patient);
    names.set(patient.id, patient.displayName || patient.email);
  }
}

/** The patient's name when a read has told it, else the start of their id. */
export function patientName(id) {
  const name = id ? cache().names.get(id) : null;
  if (name) return name;
  return id ? t("Patient {id}", { id: id.slice(0, 8) }) : t("A patient");
}

export function patientLink(id) {
  return id ? h("a", { class: "patient-link", href: `#/patients/${encodeURIComponent(id)}` },
    patientName(id)) : patientName(id);
}

// --- pages -----------------------------------------------------------------------------------

/** Until when the patient shares with you, in the practice's `zone`; or that they do not. */
function sharingText(patient, zone) {
  return patient.sharesUntil
    ? t("Shares with you until {time}.", { time: when(patient.sharesUntil, zone) })
    : t("Shares nothing with you now (booked you).");
}

function patientItem(zone) {
  return (patient) => {
    const about = [patient.birthYear ? t("born {year}", { year: patient.birthYear }) : null,
      patient.sex && patient.sex !== "undisclosed" ? humanize(patient.sex) : null,
      patient.timeZone ? zoneName(patient.timeZone) : null].filter(Boolean).join(" · ");
    return h("li", { class: "card patient", "data-patient-id": patient.id },
      h("h2", {}, h("a", { href: `#/patients/${encodeURIComponent(patient.id)}` },
        patient.displayName || patient.email)),
      h("p", { class: "muted" }, patient.email, about ? ` · ${about}` : ""),
      h("p", { class: "shares-until", "data-until": patient.sharesUntil || "" },
        sharingText(patient, zone)));
  };
}

/** "Times in {zone}, your practice's time zone." for a page of the dermatologist's. */
async function zoneSentence() {
  const zone = await practiceZone();
  return { zone: zone.name,
    sentence: fillZoneSentence(h("p", { class: "muted zone-note" }), zone) };
}

/** A list that loads a page at a time; `load(after)` gives { items, pageInfo }. */
async function pagedList(list, moreLabel, load, render) {
  const more = h("button", { type: "button", class: "more", hidden: true }, moreLabel);
  const pager = h("div", { class: "pager" }, errorBox(), more);
  let after = null;
  const next = async () => {
    const { items, pageInfo } = await load(after);
    append(list, [items.map(render)]);
    after = pageInfo.endCursor;
    more.hidden = !pageInfo.hasNextPage;
    return items.length;
  };
  more.addEventListener("click", () => busy(pager, next));
  list.after(pager);
  return next();
}

export async function renderPatients(view) {
  const list = h("ul", { class: "patients", id: "patients" });
  const { zone, sentence } = await zoneSentence();
  append(view, [
    h("h1", {}, t("Your patients")),
    h("p", { class: "muted" }, t("Patients who booked you or share analyses with you.")),
    auditNote(),
    sentence,
    list,
  ]);
  const count = await pagedList(list, t("More patients"), async (after) => {
    const { patients } = await gql(PATIENTS, { first: PAGE, after });
    const items = patients.edges.map((edge) => edge.node);
    rememberPatients(items);
    return { items, pageInfo: patients.pageInfo };
  }, patientItem(zone));
  if (!count) {
    list.replaceWith(h("p", { id: "no-patients" }, t("No patients yet. Patients appear here when "
      + "they book you or share an analysis with you.")));
  }
}

function sharedItem(patientId, zone) {
  return (analysis) => {
    const query = patientId ? `?patient=${encodeURIComponent(patientId)}` : "";
    return h("li", { class: "history-item shared-analysis", "data-analysis-id": analysis.id },
      analysis.media ? h("img", { src: analysis.media.thumbnailUrl, alt: "", class: "thumb" })
        : h("span", { class: "thumb" }),
      h("div", {},
        h("a", { class: "open-analysis",
          href: `#/shared/${encodeURIComponent(analysis.id)}${query}` },
        when(analysis.createdAt, zone)),
        h("p", { class: "muted" }, `${humanize(analysis.status)} · ${summaryText(analysis)}`)));
  };
}

/** One visit the patient booked with you: when, how, where it stands, and what you can do. */
function visitItem(zone, redraw) {
  return (visit) => {
    const [status, statusWords] = appointmentStatus(visit);
    return h("li", { class: `visit appointment ${status}`, "data-appointment-id": visit.id,
      "data-start": visit.start },
    h("p", { class: "what" }, h("span", { class: "time" }, when(visit.start, zone)), " ",
      h("span", { class: `badge status ${status}` }, statusWords), " ",
      humanize(visit.consultationType)),
    visit.reason ? h("p", { class: "reason" }, t("Reason: {reason}", { reason: visit.reason }))
      : null,
    cancelledNote(visit),
    visitActions(visit, redraw));
  };
}

/** The visits the patient booked with you, the latest first, a page at a time; read again
 * whole after you change one. */
async function showVisits(section, patientId, zone) {
  const list = h("ul", { class: "visits", id: "patient-visits" });
  clear(section, list);
  const redraw = () => showVisits(section, patientId, zone);
  const count = await pagedList(list, t("Older visits"), async (after) => {
    const { patientAppointments: visits } = await gql(VISITS,
      { patient: patientId, first: PAGE, after, zone });
    return { items: visits.edges.map((edge) => edge.node), pageInfo: visits.pageInfo };
  }, visitItem(zone, redraw));
  if (!count) list.replaceWith(h("p", { id: "no-visits" }, t("No visits with you.")));
}

/**
 * The patient's visits with you, their shared analyses, and until when they share. A share
 * they give, revoke or that runs out while the page is open reads it again: an analysis no
 * longer shared leaves the page at once (at the end of the share, also before the dashboard's
 * event of it comes); a booking made, moved or cancelled reads the visits again.
 */
export async function renderPatient(view, { match: [patientId] }) {
  const heading = h("h1", {}, t("Patient"));
  const details = h("p", { class: "muted", id: "patient-details" });
  const until = h("p", { class: "shares-until", id: "patient-shares-until" });
  const section = h("div", { id: "shared-section" });
  const visits = h("div", { id: "visits-section" });
  const { zone, sentence } = await zoneSentence();
  append(view, [
    h("p", {}, h("a", { href: "#/patients" }, t("All patients"))),
    heading, details, until, auditNote(), sentence,
    h("h2", { class: "section" }, t("Visits")),
    visits,
    h("h2", { class: "section" }, t("Shared analyses")),
    section,
  ]);
  heading.textContent = patientName(patientId);
  const since = await lastEventId();
  let timer = null;
  const show = async () => {
    clearTimeout(timer);
    const { patients } = await gql(PATIENT, { id: patientId });
    const [patient] = patients.edges.map((edge) => edge.node);
    if (patient) {
      rememberPatients([patient]);
      heading.textContent = patientName(patientId);
      details.textContent = [patient.email,
        patient.birthYear ? t("born {year}", { year: patient.birthYear }) : null,
        patient.timeZone ? zoneName(patient.timeZone) : null].filter(Boolean).join(" · ");
      until.dataset.until = patient.sharesUntil || "";
      until.textContent = sharingText(patient, zone);
      if (patient.sharesUntil) {
        const wait = Date.parse(patient.sharesUntil) - Date.now() + 1000;
        timer = setTimeout(() => show().catch((error) => showError(view, error)),
          Math.min(Math.max(wait, 0), LONGEST_TIMER_MS));
      }
    } else {
      until.dataset.until = "";
      // Past visits may be listed below: it is an upcoming booking they lack.
      until.textContent = t("Not your patient now: they share nothing with you and have no "
        + "upcoming booking with you.");
    }
    const list = h("ul", { class: "history", id: "shared-analyses" });
    clear(section, list);
    const count = await pagedList(list, t("Older analyses"), async (after) => {
      const { sharedAnalyses } = await gql(SHARED, { patient: patientId, first: PAGE, after });
      return { items: sharedAnalyses.edges.map((edge) => edge.node),
        pageInfo: sharedAnalyses.pageInfo };
    }, sharedItem(patientId, zone));
    if (!count) {
      list.replaceWith(h("p", { id: "no-shared" }, t("This patient shares no finished analysis "
        + "with you now.")));
    }
  };
  await Promise.all([show(), showVisits(visits, patientId, zone)]);
  // One stream: a share changes what they share; a booking made, moved or cancelled while the
  // page is open changes the visits (and may make them your patient, or not).
  const stop = followPatient(patientId, since, new Set([...SHARE_KINDS, ...BOOKING_KINDS]),
    (event) => Promise.all([show(), BOOKING_KINDS.has(event.kind)
      ? showVisits(visits, patientId, zone) : null]).catch((error) => showError(view, error)));
  return () => {
    stop();
    clearTimeout(timer);
  };
}

/** Said in place of an analysis the patient no longer shares (revoked, or the share ended). */
function sharingEnded(patientId) {
  return h("div", { id: "sharing-ended" }, notice(patientId
    ? t("{name} no longer shares this analysis with you.", { name: patientName(patientId) })
    : t("This analysis is no longer shared with you."), "info"));
}

/**
 * A shared analysis, read only, and until when it is shared. When the patient revokes a share
 * while it is open, or the shares run out, it is read again: no longer shared, the result
 * leaves the page (its photo links ended with the share).
 */
export async function renderSharedAnalysis(view, { match: [analysisId], params }) {
  const patientId = params.get("patient");
  const body = h("div", { id: "analysis", "data-analysis-id": analysisId });
  const until = h("p", { class: "muted", id: "shared-until" });
  const { zone, sentence } = await zoneSentence();
  append(view, [
    h("p", {}, patientId ? h("a", { href: `#/patients/${encodeURIComponent(patientId)}` },
      t("Back to {name}", { name: patientName(patientId) })) : h("a", { href: "#/patients" }, t("All patients"))),
    h("h1", {}, t("Shared analysis")),
    auditNote(),
    sentence,
    until,
    body,
  ]);
  const since = await lastEventId();
  let panel = null;
  let timer = null;
  const show = async () => {
    let analysis;
    clearTimeout(timer);
    try {
      ({ analysis } = await gql(SHARED_DETAIL, { id: analysisId }));
    } catch (error) {
      if (error.code !== "FORBIDDEN") throw error;
      clear(body, sharingEnded(patientId));
      until.textContent = "";
      if (panel) panel.remove();
      panel = null;
      return;
    }
    if (analysis.accessUntil) {
      until.textContent = t("Shared with you until {time}.",
        { time: when(analysis.accessUntil, zone) });
      const wait = Date.parse(analysis.accessUntil) - Date.now() + 1000;
      timer = setTimeout(() => show().catch((error) => showError(view, error)),
        Math.min(Math.max(wait, 0), LONGEST_TIMER_MS));
    }
    clear(body, resultView(analysis, { forPatient: false, timeZone: zone }));
    if (analysis.status === "DONE" && !panel) {
      panel = await labellingPanel(analysisId);
      body.after(panel);
    }
  };
  await show();
  const stop = followSharesOf(patientId, since, (event) => {
    if (event.kind !== "SHARED") show().catch((error) => showError(view, error)); // it ended
  });
  return () => {
    stop();
    clearTimeout(timer);
  };
}
