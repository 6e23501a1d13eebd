// What I share with dermatologists, revoking it, and every read of my data (the access log).

import { gql } from "../graphql.js";
import {
  append, busy, clear, errorBox, h, humanize, scrollingTable, when,
} from "../dom.js";
import { mark, t } from "../i18n.js";

const SHARE_FIELDS = `id scope analysisId createdAt expiresAt revokedAt active
  dermatologist { id name practice { city } }`;
const SHARES = `{ myShares { ${SHARE_FIELDS} } }`;
const REVOKE = `mutation($id: ID!) { revokeShare(shareId: $id) { ${SHARE_FIELDS} } }`;
const ACCESS_LOG = `query($first: Int!, $after: String) { accessLog(first: $first, after: $after) {
  edges { node { resource resourceId at dermatologist { name } } }
  pageInfo { hasNextPage endCursor } } }`;

function shareRow(share) {
  const row = h("tr", { "data-share-id": share.id });
  const state = share.active ? t("Active") : share.revokedAt
    ? t("Revoked {time}", { time: when(share.revokedAt) })
    : t("Expired");
  const what = share.scope === "ALL" ? t("All analyses") : h("a", {
    href: `#/analysis/${encodeURIComponent(share.analysisId)}` }, t("One analysis"));
  const cell = h("td", {}, errorBox());
  if (share.active) {
    cell.append(h("button", { type: "button", class: "revoke", onclick: () => busy(cell, async () => {
      const { revokeShare } = await gql(REVOKE, { id: share.id });
      row.replaceWith(shareRow(revokeShare));
    }) }, t("Revoke")));
  }
  clear(row,
    h("td", {}, share.dermatologist ? share.dermatologist.name : "—"),
    h("td", {}, what),
    h("td", {}, when(share.createdAt)),
    h("td", {}, when(share.expiresAt)),
    h("td", { class: "state" }, state),
    cell);
  return row;
}

export async function renderSharing(view) {
  const { myShares } = await gql(SHARES);
  const shares = myShares.length
    ? scrollingTable({ id: "shares" },
      h("thead", {}, h("tr", {}, [t("Dermatologist"), t("What"), t("Since"), t("Until"), t("State"), ""]
        .map((name) => h("th", {}, name)))),
      h("tbody", {}, myShares.map(shareRow)))
    : h("p", { id: "no-shares" }, t("You share nothing. Share an analysis from its page."));

  const log = h("tbody", {});
  const more = h("button", { type: "button", hidden: true }, t("Older reads"));
  const pager = h("div", { class: "pager" }, errorBox(), more);
  let after = null;
  const load = async () => {
    const { accessLog } = await gql(ACCESS_LOG, { first: 20, after });
    append(log, [accessLog.edges.map(({ node }) => h("tr", {},
      h("td", {}, when(node.at)),
      h("td", {}, node.dermatologist ? node.dermatologist.name : "—"),
      h("td", {}, humanize(node.resource)),
      h("td", {}, node.resource === "ANALYSIS" ? h("a", {
        href: `#/analysis/${encodeURIComponent(node.resourceId)}` }, node.resourceId)
        : node.resourceId)))]);
    after = accessLog.pageInfo.endCursor;
    more.hidden = !accessLog.pageInfo.hasNextPage;
  };
  more.addEventListener("click", () => busy(pager, load));

  append(view, [
    h("h1", {}, t("Sharing")),
    h("p", { class: "muted" }, t("Dermatologists see only what you share, until it ends or you "
      + "revoke it. Each read is logged below.")),
    shares,
    h("h2", { class: "section" }, t("Access log")),
    scrollingTable({ id: "access-log" }, h("thead", {}, h("tr", {},
      [t("When"), t("Dermatologist"), t("What"), t("Id")].map((name) => h("th", {}, name)))), log),
    pager,
  ]);
  await load();
  if (!log.firstChild) {
    log.append(h("tr", {}, h("td", { colspan: 4, class: "muted" }, t("No reads yet."))));
  }
}
