// What I share with dermatologists, revoking it, and every read of my data (the access log).

import { gql } from "../graphql.js";
import {
  append, busy, clear, errorBox, h, humanize, scrollingTable, when,
} from "../dom.js";
import { locale, mark, t } from "../i18n.js";

const SHARE_FIELDS = `id scope analysisId createdAt expiresAt revokedAt active
  dermatologist { id name practice { city } }`;
const SHARES = `{ myShares { ${SHARE_FIELDS} } }`;
const REVOKE = `mutation($id: ID!) { revokeShare(shareId: $id) { ${SHARE_FIELDS} } }`;
const ACCESS_LOG = `query($first: Int!, $after: String, $userId: ID) {
  accessLog(first: $first, after: $after, userId: $userId) {
    edges { node { resource resourceId part at dermatologist { id name } } }
    pageInfo { hasNextPage endCursor } } }`;
const LOOK_MS = 60_000; // reads of one analysis by one dermatologist within a minute: one look
const RESOURCES = {
  ANALYSIS: mark("An analysis"),
  REFERRAL: mark("A referral"),
  PROFILE: mark("Your details"),
  APPOINTMENT: mark("An appointment"),
  LABELS: mark("Notes on an analysis"),
};
const PARTS = {
  RESULT: mark("the result"),
  PHOTO: mark("the photo"),
  VIDEO: mark("the video"),
  THUMBNAIL: mark("the photo's thumbnail"),
  OVERLAY: mark("the overlay on the photo"),
  COMPARISON: mark("a before/after picture"),
};

/**
 * The log's entries (newest first) as looks: reads of one analysis by one dermatologist, one
 * after the other and all within a minute, are one look (its parts listed); any other read is
 * a look of its own. Every read stays in the log: a look says how many it holds.
 */
export function looks(entries) {
  const found = [];
  for (const entry of entries) {
    const look = found[found.length - 1];
    const who = entry.dermatologist ? entry.dermatologist.id : null;
    if (look && entry.resource === "ANALYSIS" && look.resource === "ANALYSIS"
      && look.resourceId === entry.resourceId && look.who === who
      && Date.parse(look.last) - Date.parse(entry.at) <= LOOK_MS) {
      look.at = entry.at; // the look began with its oldest read
      look.reads += 1;
      if (entry.part && !look.parts.includes(entry.part)) look.parts.unshift(entry.part);
    } else {
      found.push({ ...entry, who, last: entry.at, reads: 1, parts: entry.part ? [entry.part] : [] });
    }
  }
  return found;
}

function lookRow(look) {
  const what = RESOURCES[look.resource] ? t(RESOURCES[look.resource]) : humanize(look.resource);
  const parts = look.parts.map((part) => (PARTS[part] ? t(PARTS[part]) : humanize(part)));
  const listed = parts.length ? new Intl.ListFormat(locale(), { type: "conjunction" })
    .format(parts) : "";
  return h("tr", { class: "look", "data-reads": String(look.reads),
    "data-parts": look.parts.join(" ") },
  h("td", {}, when(look.at)),
  h("td", {}, look.dermatologist ? look.dermatologist.name : "—"),
  h("td", {}, listed ? t("{what}: {parts}", { what, parts: listed }) : what),
  h("td", {}, look.resource === "ANALYSIS" ? h("a", {
    href: `#/analysis/${encodeURIComponent(look.resourceId)}` }, look.resourceId)
    : look.resourceId));
}

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
      h("thead", {}, h("tr", {}, [t("Dermatologist"), t("What"), t("Since"), t("Until"), t("State"),
        t("Action")].map((name) => h("th", { scope: "col" }, name)))),
      h("tbody", {}, myShares.map(shareRow)))
    : h("p", { id: "no-shares" }, t("You share nothing. Share an analysis from its page."));

  const log = accessLog();
  append(view, [
    h("h1", {}, t("Sharing")),
    h("p", { class: "muted" }, t("Dermatologists see only what you share, until it ends or you "
      + "revoke it. Each read is logged below: what a dermatologist opened in one look at an "
      + "analysis (within a minute) is on one line, with what they saw of it.")),
    shares,
    h("h2", { class: "section" }, t("Access log")),
    ...log.parts,
  ]);
  await log.load();
}

/**
 * The access log's table, "Older reads" under it, and `load()` for its first page: the
 * person's own, or (an administrator's audit) the log of `userId`.
 */
export function accessLog(userId = null, id = "access-log") {
  const log = h("tbody", {});
  const more = h("button", { type: "button", hidden: true }, t("Older reads"));
  const pager = h("div", { class: "pager" }, errorBox(), more);
  const entries = [];
  let after = null;
  const page = async () => {
    const { accessLog: found } = await gql(ACCESS_LOG, { first: 50, after, userId });
    entries.push(...found.edges.map(({ node }) => node));
    clear(log, looks(entries).map(lookRow));
    after = found.pageInfo.endCursor;
    more.hidden = !found.pageInfo.hasNextPage;
  };
  more.addEventListener("click", () => busy(pager, page));
  const table = scrollingTable({ id }, h("thead", {}, h("tr", {},
    [t("When"), t("Dermatologist"), t("What"), t("Id")].map((name) => h("th", { scope: "col" },
      name)))), log);
  const load = async () => {
    await page();
    if (!log.firstChild) {
      log.append(h("tr", {}, h("td", { colspan: 4, class: "muted" }, t("No reads yet."))));
    }
  };
  return { parts: [table, pager], load };
}
