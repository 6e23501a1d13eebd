// The dermatologist's practice time zone: every time on the dermatologist's pages (the
// dashboard, the patients, a shared analysis) is shown in it, and each page says so.

import { gql } from "../graphql.js";
import { clear, h } from "../dom.js";
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
    return { name: Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC", practice: false };
  }
}

/** "Times in {zone}, …" with the zone's name in `nameElement` (given, or made). */
export function fillZoneSentence(sentence, { name, practice }, nameElement = h("span", {})) {
  nameElement.textContent = name;
  const [before, after] = (practice ? t("Times in {zone}, your practice's time zone.")
    : t("Times in {zone}, this browser's time zone: no practice is on file for you."))
    .split("{zone}");
  clear(sentence, before, nameElement, after);
  return sentence;
}
