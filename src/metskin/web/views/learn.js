// Articles to read next: for a result's main concerns, or a referral's specialty.

import { gql } from "../graphql.js";
import { h } from "../dom.js";
import { inAppLanguage, t } from "../i18n.js";

const ARTICLES = `query($filter: ArticleFilter, $first: Int!) {
  articles(filter: $filter, first: $first, orderBy: RELEVANCE) {
    edges { node { slug title url readingMinutes locale } } } }`;
const SPECIALTY_TAGS = { ACNE: "acne", ROSACEA: "rosacea", PIGMENTATION: "pigmentation",
  SKIN_CANCER: "moles", SCARRING: "scarring" };

const VIDEOS = `query { videos { slug title url durationSeconds locale tags concerns transcript
  pageUrl } }`;
const minutes = (count) => h("span", { class: "muted" }, ` · ${t("{minutes} min", { minutes: count })}`);

/** The videos about a filter's concern or tag, in the filters' order, without repeats. */
function videosFor(videos, filters) {
  const about = (video, filter) => (filter.concern && video.concerns.includes(filter.concern))
    || (filter.tag && video.tags.includes(filter.tag));
  return filters.flatMap((filter) => videos.filter((video) => about(video, filter)))
    .filter((video, place, found) => found.indexOf(video) === place);
}

/** A card listing up to `first` articles matching each filter, the most relevant to it first,
 * without repeats, and the videos about them (the app showed none before: only /learn did). */
export async function readMore(filters, { id, first = 3 } = {}) {
  const seen = new Map();
  for (const filter of filters) {
    const { articles } = await gql(ARTICLES, { filter, first });
    for (const { node } of articles.edges) if (!seen.has(node.slug)) seen.set(node.slug, node);
  }
  const watch = videosFor((await gql(VIDEOS)).videos, filters).slice(0, first);
  if (!seen.size && !watch.length) return null;
  return h("div", { class: "card wide read-more", id },
    h("h2", {}, t("Read more")),
    seen.size ? h("ul", {}, [...seen.values()].slice(0, first).map((article) => h("li", {},
      h("a", { href: inAppLanguage(article.url), target: "_blank", rel: "noopener",
        lang: article.locale },
        article.title), minutes(article.readingMinutes)))) : null,
    watch.length ? h("h3", {}, t("Videos")) : null,
    watch.length ? h("ul", { class: "videos" }, watch.map((video) => h("li", {},
      h("a", { href: video.url, target: "_blank", rel: "noopener", lang: video.locale },
        video.title), minutes(Math.ceil(video.durationSeconds / 60)),
      // Its words for who cannot hear it (deaf, or a muted phone): the transcript's page.
      video.transcript ? [" · ", h("a", { href: inAppLanguage(video.pageUrl), target: "_blank",
        rel: "noopener", class: "transcript-link", "aria-label": t("Transcript of {video}",
          { video: video.title }) }, t("Transcript"))] : null))) : null);
}

/** Articles for the concerns that stand out (banded above none), the worst first. */
export function forConcerns(concerns) {
  return [...concerns].filter((c) => c.band && c.band !== "none").sort((a, b) => b.score - a.score)
    .slice(0, 2).map((concern) => ({ concern: concern.name }));
}

/** Articles for a referral: its specialty's topic and when to see a dermatologist. */
export function forReferral(referral) {
  const tag = SPECIALTY_TAGS[referral.specialty];
  return [...(tag ? [{ tag }] : []), { tag: "when-to-see-a-dermatologist" }];
}
