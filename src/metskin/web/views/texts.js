// When the profile's text messages went on or off and why (User.smsChanges): the person's own
// tick, a STOP or START replied to our number, or the SMS provider refusing the number. The
// newest change says why the box is as it is, and after a STOP how to have texts again: START
// replied to our number is the way back (ticking the box alone does not make the network
// deliver again). The administrators' support page shows a person's history in the third
// person ("they replied STOP"), in the administrator's own time zone.

import { clear, h, when } from "../dom.js";
import { mark, t } from "../i18n.js";

export const SMS_CHANGES = "smsChanges { on at why phone }";

const WHY = {
  CHOSEN: [mark("you turned them off"), mark("you turned them on")],
  REPLIED_STOP: [mark("you replied STOP from {phone}"), mark("you replied STOP from {phone}")],
  REPLIED_START: [mark("you replied START from {phone}"), mark("you replied START from {phone}")],
  REFUSED: [mark("your mobile network refused our texts to {phone}"),
    mark("your mobile network refused our texts to {phone}")],
};
const THEIR_WHY = {
  CHOSEN: [mark("they turned them off"), mark("they turned them on")],
  REPLIED_STOP: [mark("they replied STOP from {phone}"), mark("they replied STOP from {phone}")],
  REPLIED_START: [mark("they replied START from {phone}"),
    mark("they replied START from {phone}")],
  REFUSED: [mark("their mobile network refused our texts to {phone}"),
    mark("their mobile network refused our texts to {phone}")],
};
const SINCE = [mark("Text messages: off since {date} ({why})."),
  mark("Text messages: on since {date} ({why}).")];
const EARLIER = [mark("{date}: off ({why})"), mark("{date}: on ({why})")];
// After a STOP, START replied to our number turns texts on again (the network delivers again).
const AGAIN = {
  REPLIED_STOP: mark("To have texts again, reply START to our number from {phone}: that turns "
    + "them on again."),
  REFUSED: mark("If {phone} replied STOP, reply START to our number from it: that turns texts "
    + "on again. If it takes no texts (not a mobile), save another mobile number."),
};
const THEIR_AGAIN = {
  REPLIED_STOP: mark("To have texts again, they reply START to our number from {phone}."),
  REFUSED: mark("If {phone} replied STOP, they reply START to our number from it. If it takes "
    + "no texts (not a mobile), they save another mobile number."),
};
// Texts off with a phone saved and nothing recorded (before the history was kept).
const SMS_AGAIN = mark("If you replied STOP to our texts, reply START to our number: that turns "
  + "them on again.");
const THEIR_SMS_AGAIN = mark("If they replied STOP to our texts, they reply START to our "
  + "number to have them again.");
const YOURS = { why: WHY, again: AGAIN, smsAgain: SMS_AGAIN };
const THEIRS = { why: THEIR_WHY, again: THEIR_AGAIN, smsAgain: THEIR_SMS_AGAIN };

/** The lines under the SMS box, for `profile` (its smsOptIn, phone and timeZone) and its
 * `changes` (newest first). `panel.update(profile, changes)` draws them again after a save.
 * `theirs`: another person's, for support (third person, the reader's time zone, no ids). */
export function smsHistory(profile, changes, { theirs = false } = {}) {
  const words = theirs ? THEIRS : YOURS;
  const id = (name) => (theirs ? {} : { id: name });
  const why = (change) => t(words.why[change.why][change.on ? 1 : 0],
    { phone: change.phone || "" });
  const panel = h("div", { class: "sms-history", ...id("sms-history") });
  panel.update = (current, latest) => {
    const [last, ...earlier] = latest || [];
    // the newest change is why the box is as it is; one that disagrees was not recorded
    const told = last && last.on === current.smsOptIn ? last : null;
    const again = told && !told.on ? words.again[told.why] : null;
    const hint = again || (!current.smsOptIn && current.phone && !told ? words.smsAgain : null);
    const date = (change) => when(change.at, theirs ? undefined : current.timeZone);
    clear(panel,
      told ? h("small", { class: "hint sms-state", ...id("sms-state") },
        t(SINCE[told.on ? 1 : 0], { date: date(told), why: why(told) })) : null,
      hint ? h("small", { class: "hint sms-hint", ...id("sms-hint") },
        t(hint, { phone: (told && told.phone) || "" })) : null,
      told && earlier.length ? h("details", { class: "sms-earlier", ...id("sms-earlier") },
        h("summary", {}, t("Earlier changes")),
        h("ul", {}, earlier.map((change) => h("li", {},
          t(EARLIER[change.on ? 1 : 0], { date: date(change), why: why(change) }))))) : null);
  };
  panel.update(profile, changes);
  return panel;
}
