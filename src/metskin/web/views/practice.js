// The dermatologist's practice time zone: every time on the dermatologist's pages (the
// dashboard, the patients, a shared analysis) is shown in it, and each page says so.

import { browserZone } from "../dates.js";
import { gql } from "../graphql.js";
import { clear, h, zoneName } from "../dom.js";
import { t } from "../i18n.js";

const ZONE = "{ myWorkingHours { timeZone } }";
/**
 * The practice's zone; without a practice on file, the browser's (`practice` false). Read by
 * each page (working hours, and their zone, can change meanwhile).
 */
export async function practiceZone() {
  try {
    const { myWorkingHours } = await gql(ZONE);
    return { name: myWorkingHours.timeZone, practice: true };
  } catch (error) {
    if (error.status !== 200) throw error;
    return { name: browserZone(), practice: false };
  }
}

/** "Times in {zone}, …" with the zone as people name it ("Central European Time", not its
 * IANA id `name`, which `nameElement`'s data-zone keeps) in `nameElement` (given, or made). */
export function fillZoneSentence(sentence, { name, practice }, nameElement = h("span", {})) {
  nameElement.textContent = zoneName(name);
  nameElement.dataset.zone = name;
  const [before, after] = (practice ? t("Times in {zone}, your practice's time zone.")
    : t("Times in {zone}, this browser's time zone: no practice is on file for you."))
    .split("{zone}");
  clear(sentence, before, nameElement, after);
  return sentence;
}
