// My analyses, newest first, a page at a time (me.analyses).

import { gql } from "../graphql.js";
import { append, busy, errorBox, h, humanize, when } from "../dom.js";
import { t } from "../i18n.js";
import { askToDelete } from "./forget.js";

const PAGE = 10;
const HISTORY = `query($first: Int!, $after: String) { me { analyses(first: $first, after: $after) {
  edges { node { id status stage createdAt failureCode failureReason
    summary { ok confidence itaDeg monk fitzpatrick skinType topConcerns }
    media { kind thumbnailUrl } } }
  pageInfo { hasNextPage endCursor } } } }`;

export function summaryText(analysis) {
  const { summary } = analysis;
  // Why, in words (the API's, in the person's language); the code is on the result page.
  if (analysis.status === "FAILED") return analysis.failureReason || t("The analysis failed");
  if (analysis.status !== "DONE") return `${humanize(analysis.stage)}…`;
  if (!summary || !summary.ok) return t("Retake needed");
  const parts = [
    summary.monk ? t("Monk {tone}", { tone: summary.monk }) : null,
    summary.fitzpatrick ? t("Fitzpatrick {type}", { type: summary.fitzpatrick }) : null,
    summary.skinType ? humanize(summary.skinType) : null,
    summary.topConcerns.length ? t("top: {concerns}", { concerns: summary.topConcerns.map(humanize).join(", ") }) : null,
  ];
  return parts.filter(Boolean).join(" · ");
}

function deleteButton(analysis) {
  const button = h("button", { type: "button", class: "link delete-analysis" }, t("Delete"));
  button.addEventListener("click", () => askToDelete(analysis.id, () => {
    const item = button.closest("li");
    const list = item.parentElement;
    item.remove();
    if (!list.children.length) list.replaceWith(emptyHistory());
  }));
  return button;
}

function emptyHistory() {
  return h("p", { id: "history-empty" }, t("No analyses yet. "),
    h("a", { href: "#/analyse" }, t("Analyse a photo")), ".");
}

function row(analysis) {
  const href = `#/analysis/${encodeURIComponent(analysis.id)}`;
  return h("li", { class: "history-item", "data-analysis-id": analysis.id },
    analysis.media ? h("img", { src: analysis.media.thumbnailUrl, alt: "", class: "thumb" })
      : h("span", { class: "thumb" }),
    h("div", {},
      h("a", { href }, when(analysis.createdAt)),
      h("p", { class: "muted" }, `${humanize(analysis.status)} · ${summaryText(analysis)}`)),
    h("div", { class: "history-actions" },
      analysis.status === "DONE" && analysis.summary && analysis.summary.ok
        ? h("a", { href: `#/routine/${encodeURIComponent(analysis.id)}` }, t("Routine")) : null,
      deleteButton(analysis)));
}

export async function renderHistory(view) {
  const list = h("ul", { class: "history", id: "history" });
  const more = h("button", { type: "button", id: "history-more", hidden: true }, t("Show older"));
  const pager = h("div", { class: "pager" }, errorBox(), more);
  let after = null;

  const load = async () => {
    const { me } = await gql(HISTORY, { first: PAGE, after });
    append(list, [me.analyses.edges.map((edge) => row(edge.node))]);
    after = me.analyses.pageInfo.endCursor;
    more.hidden = !me.analyses.pageInfo.hasNextPage;
    return me.analyses.edges.length;
  };
  more.addEventListener("click", () => busy(pager, load));

  append(view, [h("h1", {}, t("Your analyses")), list, pager]);
  if ((await load()) === 0) list.replaceWith(emptyHistory());
}
