// The patient's inbox (notifications) and the unread badge in the navigation, kept live by
// the patientEvents subscription (the count is read again on each event, so nothing counts
// twice).

import { gql } from "../graphql.js";
import { append, busy, errorBox, h, humanize, notice, when, whenIn } from "../dom.js";
import { locale, mark, t } from "../i18n.js";
import { keepSubscribed } from "../live.js";

const PAGE = 20;
const INBOX = `query($first: Int!, $after: String) { unreadNotifications
  notifications(first: $first, after: $after) {
    edges { node { id kind at read details } } pageInfo { hasNextPage endCursor } } }`;
const UNREAD = "query { unreadNotifications }";
const MARK_ALL = "mutation { markNotificationsRead }";
const MARK_ONE = "mutation($ids: [Int!]) { markNotificationsRead(ids: $ids) }";
const EVENTS = "subscription { patientEvents { id kind } }";

const TEXT = {
  ANALYSIS_DONE: [mark("Your analysis is ready"),
    (d) => `#/analysis/${encodeURIComponent(d.analysis_id)}`],
  APPOINTMENT_BOOKED: [mark("Appointment booked"), () => "#/appointments"],
  APPOINTMENT_MOVED: [mark("Appointment moved"), () => "#/appointments"],
  APPOINTMENT_CANCELLED: [mark("Appointment cancelled"), () => "#/appointments"],
  APPOINTMENT_REMINDER: [mark("Appointment reminder"), () => "#/appointments"],
  SHARE_VIEWED: [mark("A dermatologist read an analysis you shared"), () => "#/sharing"],
  ROUTINE_CHANGED: [mark("Your routine changed"),
    (d) => `#/routine/${encodeURIComponent(d.analysis_id)}`],
  CHECK_IN_DUE: [mark("Time for your check-in photo"), () => "#/analyse"],
  REFERRAL_RAISED: [mark("A dermatologist visit is suggested"),
    (d) => `#/analysis/${encodeURIComponent(d.analysis_id)}`],
  REFERRAL_WITHDRAWN: [mark("A suggested dermatologist visit was withdrawn: it rested on a "
    + "photo you deleted"), (d) => `#/analysis/${encodeURIComponent(d.analysis_id)}`],
  DERMATOLOGIST_LEFT: [mark("Your dermatologist left MetSkin"), () => "#/dermatologists"],
  SMS_STOPPED: [mark("We turned off your text messages"), () => "#/profile"],
  SMS_STARTED: [mark("Your text messages are on again"), () => "#/profile"],
  EMAIL_BOUNCED: [mark("Our email to you came back"), () => "#/profile"],
  EMAIL_SPAM_REPORTED: [mark("Our email was marked as spam"), () => "#/profile"],
  EMAIL_RELEASED: [mark("Set your email address"), () => "#/profile"],
};

// Why the texts stopped (the provider refuses the number for good) and how to have them again:
// START replied to our number turns them on again (ticking the box alone does not make the
// network deliver); a number that takes no texts is changed in the profile.
const SMS_STOPPED = mark("Your mobile network refuses our texts to {phone}: it replied STOP, or "
  + "it no longer takes text messages. Emails still come. If it replied STOP, reply START to our "
  + "number from it: that turns texts on again. If it takes no texts, save another mobile "
  + "number in your profile.");

// The person replied STOP (read from the provider's webhook), then START.
const SMS_REPLIED_STOP = mark("You replied STOP from {phone}: we send no more text messages to "
  + "it. Emails still come. To have texts again, reply START to our number.");
const SMS_REPLIED_START = mark("You replied START from {phone}: your reminders come by text "
  + "again.");

// Mail to the address came back (no such mailbox), or the person marked it as spam: what it
// means and what to do.
const EMAIL_BOUNCED = mark("Mail to {email} came back undelivered: the address may be "
  + "mistyped, or the mailbox closed. We send no reminders or appointment emails there until "
  + "an address is confirmed. Check the address in your profile and change it, or confirm it "
  + "again with a new link.");
const EMAIL_SPAM_REPORTED = mark("Our email to {email} was marked as spam, so we stopped "
  + "sending you emails: no reminders or appointment emails. If that was a mistake, turn "
  + "emails on again in your profile (and change the address there if it is not yours).");

// The owner of the mailbox took the never-confirmed address back (domain/accounts/release.py).
const EMAIL_RELEASED = mark("The owner of {email} told us it is their address, and you never "
  + "confirmed it, so it is no longer your account's. Your account and its data are kept, and "
  + "you still log in with {email} and your password. Set your own address in your profile.");

// A dermatologist's leaving ends the shares with them: their rows go with the dermatologist's
// account, so the Sharing page no longer lists them, and this line is what says so.
const SHARES_ENDED = mark("What you shared with them has ended: they can no longer open your "
  + "analyses, and your Sharing page no longer lists it.");

/** The lines under an entry: why an appointment was cancelled (as its email says), why texts
 * stopped or started again, why emails stopped, and what a dermatologist's leaving MetSkin
 * ended (each booking, with the reason, and the shares). */
function detailLines(kind, details) {
  if (kind === "APPOINTMENT_CANCELLED") return details.reason ? [t(details.reason)] : [];
  if (kind === "SMS_STOPPED") {
    return [t(details.replied ? SMS_REPLIED_STOP : SMS_STOPPED, { phone: details.phone || "" })];
  }
  if (kind === "SMS_STARTED") return [t(SMS_REPLIED_START, { phone: details.phone || "" })];
  if (kind === "EMAIL_BOUNCED") return [t(EMAIL_BOUNCED, { email: details.email || "" })];
  if (kind === "EMAIL_RELEASED") return [t(EMAIL_RELEASED, { email: details.email || "" })];
  if (kind === "EMAIL_SPAM_REPORTED") {
    return [t(EMAIL_SPAM_REPORTED, { email: details.email || "" })];
  }
  if (kind !== "DERMATOLOGIST_LEFT") return [];
  const lines = (details.appointments || []).map((item) => t(
    "Your appointment on {time} is cancelled.",
    { time: whenIn(item.start, details.time_zone) }));
  if (lines.length && details.reason) lines.push(t(details.reason));
  if ((details.shares || []).length) lines.push(t(SHARES_ENDED));
  return lines;
}

// What made a routine change, when the change says (details.why).
const ROUTINE_WHY = {
  PROFILE: mark("Your routine changed after you updated your profile"),
  RATING: mark("Your routine changed after your rating"),
  NO_LONGER_SOLD: mark("Your routine changed: a product in it is no longer sold"),
  PHOTO_DELETED: mark("Your routine changed after you deleted a photo"),
  NEW_PHOTO: mark("Your routine changed with the result of your new photo"),
  // the routine of a new photo taken back: its measurement failed after it was saved
  ANALYSIS_FAILED: mark("Your new photo could not be measured: your routine is back to what "
    + "it was"),
};

// The photo of the routine followed deleted, the one before kept with the same products.
const ROUTINE_BEFORE = mark("You deleted the photo of your routine: you now follow the routine "
  + "of an earlier photo");

// Each why as one of several (details.whys: changes said while a photo was measured, told
// together once its routine was rebuilt), in "Your routine changed after {reasons}".
const ROUTINE_REASON = {
  PROFILE: mark("your profile update"),
  RATING: mark("your rating"),
  NO_LONGER_SOLD: mark("a product in it going off sale"),
  PHOTO_DELETED: mark("a photo you deleted"),
  NEW_PHOTO: mark("your new photo"),
  ANALYSIS_FAILED: mark("a new photo that could not be measured"),
};

/** What a ROUTINE_CHANGED entry says, translated; null when it names no why it knows. */
function routineText(details) {
  const whys = (details.whys || []).filter((why) => ROUTINE_REASON[why]);
  if (whys.length > 1) {
    const reasons = new Intl.ListFormat(locale(), { type: "conjunction" })
      .format(whys.map((why) => t(ROUTINE_REASON[why])));
    return t("Your routine changed after {reasons}", { reasons });
  }
  const same = !(details.added || []).length && !(details.removed || []).length;
  const text = details.why === "PHOTO_DELETED" && same ? ROUTINE_BEFORE
    : ROUTINE_WHY[details.why];
  return text ? t(text) : null;
}

// An analysis that ended without a measurement (no face, ...): its page says what to change.
const RETAKE = mark("Your photo could not be measured: please take a new one");

function row(item) {
  const details = item.details || {};
  const [said, link] = TEXT[item.kind] || [humanize(item.kind), () => null];
  const retake = item.kind === "ANALYSIS_DONE" && details.retake;
  const left = item.kind === "DERMATOLOGIST_LEFT" && details.name
    && t("{name} left MetSkin", { name: details.name });
  const text = (item.kind === "ROUTINE_CHANGED" && routineText(details)) || left
    || t(retake ? RETAKE : said);
  const href = link(details);
  // an appointment's start as its page shows it, named as the appointment's (beside the time
  // it was told, a bare second time read as what?): in the zone named (the person's, when
  // told), labelled; one told before notifications named it, in the browser's zone
  const start = details.start ? ` · ${t("appointment on {time}",
    { time: whenIn(details.start, details.time_zone) })}` : "";
  const entry = h("li", { class: item.read ? "notification" : "notification unread",
    "data-kind": item.kind },
  href ? h("a", { href }, text) : h("span", {}, text),
  h("span", { class: "muted" }, ` ${when(item.at)}${start}`),
  ...detailLines(item.kind, details).map((line) => h("p", { class: "detail" }, line)));
  if (href && !item.read) {
    // Followed, it is read: before, only "Mark all read" marked anything, and the badge kept
    // counting what the person had opened.
    entry.querySelector("a").addEventListener("click", () => {
      entry.classList.remove("unread");
      gql(MARK_ONE, { ids: [item.id] }).then(() => refreshBadge()).catch(() => {});
    });
  }
  return entry;
}

export async function renderInbox(view) {
  const list = h("ul", { class: "inbox", id: "inbox" });
  const more = h("button", { type: "button", id: "inbox-more", hidden: true }, t("Show older"));
  const markAll = h("button", { type: "button", id: "inbox-read-all" }, t("Mark all read"));
  const pager = h("div", { class: "pager" }, errorBox(), more);
  let after = null;

  const load = async () => {
    const found = await gql(INBOX, { first: PAGE, after });
    append(list, [found.notifications.edges.map((edge) => row(edge.node))]);
    after = found.notifications.pageInfo.endCursor;
    more.hidden = !found.notifications.pageInfo.hasNextPage;
    return found.notifications.edges.length;
  };
  more.addEventListener("click", () => busy(pager, load));
  markAll.addEventListener("click", () => busy(pager, async () => {
    await gql(MARK_ALL);
    list.querySelectorAll(".unread").forEach((item) => item.classList.remove("unread"));
    refreshBadge();
    append(pager, [notice(t("All read."))]);
  }));

  append(view, [h("h1", {}, t("Inbox")), markAll, list, pager]);
  if ((await load()) === 0) list.replaceWith(h("p", { id: "inbox-empty" }, t("Nothing yet.")));
}

let badge = null;

async function refreshBadge() {
  if (!badge) return;
  const { unreadNotifications } = await gql(UNREAD);
  badge.element.textContent = unreadNotifications ? String(unreadNotifications) : "";
  badge.element.hidden = !unreadNotifications;
  // The link's name says what the bare number means.
  const link = badge.element.closest("a");
  if (link && unreadNotifications) {
    link.setAttribute("aria-label", t("Inbox, {count} unread", { count: unreadNotifications }));
  } else if (link) link.removeAttribute("aria-label");
}

/** The badge element, counting and listening while someone is logged in. */
export function inboxBadge() {
  if (!badge) {
    const element = h("span", { class: "badge", id: "inbox-badge", hidden: true });
    // A lost stream (a dropped or dead connection, or the server ending it when its token
    // expires) is connected again as the dashboard's is; it had stopped listening, and the
    // count moved only on the next page. Once back, what came meanwhile is counted.
    let lost = false;
    const stop = keepSubscribed({
      query: EVENTS,
      onNext: () => refreshBadge().catch(() => {}),
      onConnected: () => {
        if (lost) refreshBadge().catch(() => {});
      },
      onDropped: () => { lost = true; },
      onError: () => {},
    });
    badge = { element, stop };
  }
  refreshBadge().catch(() => {});
  return badge.element;
}

export function stopInboxBadge() {
  if (badge) badge.stop();
  badge = null;
}
