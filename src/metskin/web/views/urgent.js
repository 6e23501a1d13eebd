// Referrals to see first, at the top of the dashboard: the urgent ones, then those to see soon.
// The referral itself (and a link to its analysis) only while the patient shares it: reading
// it is in the patient's access log. Without a share, the fact of it and whose, as the feed's
// referral event says.

import { gql } from "../graphql.js";
import { clear, errorBox, h, humanize, showError, when } from "../dom.js";
import { mark, t } from "../i18n.js";
import { SHARE_KINDS } from "./events.js";
import { patientLink, rememberNames } from "./patients.js";

const URGENT = `{ urgentReferrals { id urgency updatedAt patientId patientName
  referral { analysisId specialty } } }`;
const URGENCIES = { URGENT: mark("Urgent"), SOON: mark("Soon") };

function urgentItem(item, zone) {
  const urgency = item.urgency.toLowerCase();
  const { referral } = item;
  const analysisLink = referral ? h("a", { class: "open-analysis", href: `#/shared/`
    + `${encodeURIComponent(referral.analysisId)}?patient=${encodeURIComponent(item.patientId)}` },
  t("Open the analysis")) : null;
  return h("li", { class: `urgent-referral ${urgency}`, "data-referral-id": item.id,
    "data-patient-id": item.patientId, "data-urgency": item.urgency },
  h("p", { class: "what" }, h("span", { class: `badge ${urgency}` },
    URGENCIES[item.urgency] ? t(URGENCIES[item.urgency]) : humanize(item.urgency)), " ",
    patientLink(item.patientId),
    referral ? ` · ${humanize(referral.specialty)}` : null),
  h("small", { class: "muted" }, t("Referral of {time}", { time: when(item.updatedAt, zone) })),
  h("p", { class: "event-actions" }, analysisLink
    || h("span", { class: "muted not-shared" }, t("Not shared with you: the referral's "
      + "details show once the patient shares its analysis."))));
}

/**
 * The panel and `onEvent(event)`, which reads the list again when a dashboard event may
 * change it. Times in `zone` (the practice's).
 */
export function urgentPanel(zone) {
  const list = h("ol", { class: "urgent-list", id: "urgent-referrals" });
  const panel = h("section", { class: "card urgent-panel", id: "urgent-panel",
    "aria-labelledby": "urgent-title" },
  errorBox(),
  h("h2", { id: "urgent-title" }, t("To see first")),
  h("p", { class: "muted" }, t("Referrals taken to you whose advice still runs: urgent ones "
    + "(within a week), then those to see soon (within four weeks).")),
  list);
  let shown = new Set();
  const load = async () => {
    const { urgentReferrals } = await gql(URGENT);
    rememberNames(urgentReferrals);
    shown = new Set(urgentReferrals.map((item) => item.patientId));
    clear(list, urgentReferrals.length ? urgentReferrals.map((item) => urgentItem(item, zone))
      : h("li", { class: "muted none", id: "no-urgent" }, t("No urgent referrals.")));
  };
  // Events that change the list: a referral taken, a share given or ended (of a listed patient).
  const onEvent = (event) => {
    if (event.kind === "REFERRAL" || (SHARE_KINDS.has(event.kind) && shown.has(event.patientId))) {
      load().catch((error) => showError(panel, error));
    }
  };
  return { panel, load, onEvent };
}
