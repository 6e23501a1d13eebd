// My analyses, newest first, a page at a time (me.analyses).

import { gql } from "../graphql.js";
import { append, busy, errorBox, h, humanize, when } from "../dom.js";
import { t } from "../i18n.js";
import { askToDelete } from "./forget.js";
import { FINAL, followProgress } from "./progress.js";

const PAGE = 10;
const FOLLOWED = 5; // running analyses followed live at most (a socket each)
const FIELDS = `id status stage createdAt failureCode failureReason
    summary { ok confidence itaDeg monk fitzpatrick skinType topConcerns }
    media { kind thumbnailUrl }`;
const HISTORY = `query($first: Int!, $after: String) { me { analyses(first: $first, after: $after) {
  edges { node { ${FIELDS} } }
  pageInfo { hasNextPage endCursor } } } }`;
const ONE = `query($id: ID!) { analysis(id: $id) { ${FIELDS} } }`;

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
    // the row as it is now: one that ended while the dialog was open was drawn again
    const item = document.querySelector(
      `#history li[data-analysis-id="${CSS.escape(analysis.id)}"]`) || button.closest("li");
    const list = item && item.parentElement;
    if (!list) return;
    item.remove();
    if (!list.children.length) list.replaceWith(emptyHistory());
  }));
  return button;
}

function emptyHistory() {
  return h("p", { id: "history-empty" }, t("No analyses yet. "),
    h("a", { href: "#/analyse" }, t("Analyse a photo")), ".");
}

/** An analysis still running, followed as its page does: its stage moves, and once it ends
 * its row is drawn again with the result. Before, a person who left the analysis page and
 * came here read "In progress" for an analysis long finished, until they reloaded. */
function follow(item, analysis) {
  const said = item.querySelector(".muted");
  return followProgress(analysis.id, {
    onEvent: (event) => {
      said.textContent = `${humanize(event.status)} · ${summaryText({ ...analysis, ...event })}`;
    },
    onEnd: () => {
      gql(ONE, { id: analysis.id })
        .then(({ analysis: ended }) => item.isConnected && item.replaceWith(row(ended)))
        .catch(() => {}); // the row says the last stage; opening it reads the result
    },
  });
}

function row(analysis, followers = null) {
  const href = `#/analysis/${encodeURIComponent(analysis.id)}`;
  const item = h("li", { class: "history-item", "data-analysis-id": analysis.id },
    analysis.media ? h("img", { src: analysis.media.thumbnailUrl, alt: "", class: "thumb" })
      : h("span", { class: "thumb" }),
    h("div", {},
      h("a", { href }, when(analysis.createdAt)),
      h("p", { class: "muted" }, `${humanize(analysis.status)} · ${summaryText(analysis)}`)),
    h("div", { class: "history-actions" },
      analysis.status === "DONE" && analysis.summary && analysis.summary.ok
        ? h("a", { href: `#/routine/${encodeURIComponent(analysis.id)}` }, t("Routine")) : null,
      deleteButton(analysis)));
  if (followers && !FINAL.has(analysis.stage) && followers.length < FOLLOWED) {
    followers.push(follow(item, analysis));
  }
  return item;
}

export async function renderHistory(view) {
  const list = h("ul", { class: "history", id: "history" });
  const more = h("button", { type: "button", id: "history-more", hidden: true }, t("Show older"));
  const pager = h("div", { class: "pager" }, errorBox(), more);
  let after = null;
  const followers = []; // the analyses still running, followed while the page is open

  const load = async () => {
    const { me } = await gql(HISTORY, { first: PAGE, after });
    append(list, [me.analyses.edges.map((edge) => row(edge.node, followers))]);
    after = me.analyses.pageInfo.endCursor;
    more.hidden = !me.analyses.pageInfo.hasNextPage;
    return me.analyses.edges.length;
  };
  more.addEventListener("click", () => busy(pager, load));

  append(view, [h("h1", {}, t("Your analyses")), list, pager]);
  if ((await load()) === 0) list.replaceWith(emptyHistory());
  return () => followers.forEach((stop) => stop());
}
