// The result page's "Since your last photo": this analysis against the person's one before it
// (the newest older one that was measured), in the words of the progress page, which compares
// the first and the last. A first analysis, or one whose earlier photos gave no measurement,
// shows nothing.

import { gql } from "../graphql.js";
import { h } from "../dom.js";
import { t } from "../i18n.js";
import { COMPARED, summary } from "./trends.js";

const PAGE = 20;
const MAX_PAGES = 10; // an analysis further back than this many pages shows no comparison
const HISTORY = `query($first: Int!, $after: String) { me { analyses(first: $first, after: $after) {
  edges { node { id status createdAt summary { ok } } } pageInfo { hasNextPage endCursor } } } }`;
const COMPARE = `query($a: ID!, $b: ID!) { compareAnalyses(a: $a, b: $b) { ${COMPARED} } }`;

/** The id of the measured analysis just before `analysisId` in the person's history, if any. */
export async function previousAnalysis(analysisId) {
  let after = null;
  let seen = false;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const { me } = await gql(HISTORY, { first: PAGE, after });
    for (const { node } of me.analyses.edges) {
      if (seen && node.status === "DONE" && node.summary && node.summary.ok) return node.id;
      seen = seen || node.id === analysisId;
    }
    if (!me.analyses.pageInfo.hasNextPage) return null;
    after = me.analyses.pageInfo.endCursor;
  }
  return null;
}

/** The card, or null for a first analysis. */
export async function sinceLastCard(analysisId) {
  const before = await previousAnalysis(analysisId);
  if (!before) return null;
  const { compareAnalyses: comparison } = await gql(COMPARE, { a: before, b: analysisId });
  return h("section", { class: "card wide", id: "since-last", "aria-labelledby": "since-title" },
    h("h2", { id: "since-title" }, t("Since your last photo")),
    summary(comparison),
    h("p", {}, h("a", { href: "#/progress" }, t("See your progress over time"))));
}
