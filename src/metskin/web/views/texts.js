// When the profile's text messages went on or off and why (User.smsChanges): the person's own
// tick, a STOP or START replied to our number, or the SMS provider refusing the number. The
// newest change says why the box is as it is, and after a STOP how to have texts again: START
// replied to our number is the way back (ticking the box alone does not make the network
// deliver again).

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
// Texts off with a phone saved and nothing recorded (before the history was kept).
const SMS_AGAIN = mark("If you replied STOP to our texts, reply START to our number: that turns "
  + "them on again.");

function why(change) {
  return t(WHY[change.why][change.on ? 1 : 0], { phone: change.phone || "" });
}

/** The lines under the SMS box, for `profile` (its smsOptIn, phone and timeZone) and its
 * `changes` (newest first). `panel.update(profile, changes)` draws them again after a save. */
export function smsHistory(profile, changes) {
  const panel = h("div", { id: "sms-history" });
  panel.update = (current, latest) => {
    const [last, ...earlier] = latest || [];
    // the newest change is why the box is as it is; one that disagrees was not recorded
    const told = last && last.on === current.smsOptIn ? last : null;
    const again = told && !told.on ? AGAIN[told.why] : null;
    const hint = again || (!current.smsOptIn && current.phone && !told ? SMS_AGAIN : null);
    const date = (change) => when(change.at, current.timeZone);
    clear(panel,
      told ? h("small", { class: "hint", id: "sms-state" },
        t(SINCE[told.on ? 1 : 0], { date: date(told), why: why(told) })) : null,
      hint ? h("small", { class: "hint", id: "sms-hint" },
        t(hint, { phone: (told && told.phone) || "" })) : null,
      told && earlier.length ? h("details", { id: "sms-earlier" },
        h("summary", {}, t("Earlier changes")),
        h("ul", {}, earlier.map((change) => h("li", {},
          t(EARLIER[change.on ? 1 : 0], { date: date(change), why: why(change) }))))) : null);
  };
  panel.update(profile, changes);
  return panel;
}
