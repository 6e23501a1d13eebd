// The AM/PM routine for an analysis, explained step by step; rate a product.

import { gql } from "../graphql.js";
import { busy, choice, clear, errorBox, h, humanize, notice, onSubmit } from "../dom.js";
import { inAppLanguage, mark, money, percent, t } from "../i18n.js";

const PRODUCT = "id brand name price currency size spf keyActives { name percent }";
const GONE = "noLongerSold { brand name }";
const STEP = `slot time howMuch frequency introduce why warnings productId
  price { amount currency } priceNote product { ${PRODUCT} } ${GONE}`;
const ROUTINE = `query($id: ID!) { recommendations(analysisId: $id) {
  id analysisId createdAt modelVersion currency totalPrice totalNote
  am { ${STEP} } pm { ${STEP} }
  alternatives { slot options { productId score why price { amount currency } priceNote
    product { ${PRODUCT} } ${GONE} } }
  warnings excludedGroups { ruleId reason count products { productId name } }
  tips { title body tags articles { slug title url } } } }`;
// the routine the person follows: the newest saved for them (their latest photo's)
const FOLLOWED = "query { myRoutines(first: 1) { edges { node { analysisId } } } }";
const RATE = `mutation($p: ID!, $r: Int!, $o: ProductOutcome) {
  rateProduct(productId: $p, rating: $r, outcome: $o) { productId rating outcome } }`;
const UNRATE = "mutation($p: ID!) { removeRating(productId: $p) }";
// The rule that keeps out what the person said irritated them or rated 1-2 (their rating
// can be taken back there); a rating that low takes the product out of the routine at once.
const TURNED_DOWN = "feedback.irritated_or_rated_low";
const LOW_RATING = 2;
const OUTCOMES = [["", mark("How did it go?")], ["WORKED", mark("It worked")], ["IRRITATED", mark("It irritated")],
  ["STOPPED", mark("I stopped using it")]];
// Nothing is chosen for the person: the rating starts empty and must be picked.
const STARS = [["", mark("Your rating…")], ["5", mark("5 – great")], ["4", "4"], ["3", "3"], ["2", "2"],
  ["1", mark("1 – poor")]];

function list(items, className = null) {
  return items.length ? h("ul", { class: className }, items.map((item) => h("li", {}, item)))
    : null;
}

function ratingChoice() {
  const select = choice("rating", STARS, "");
  select.required = true;
  select.setAttribute("aria-label", t("Rating from 1 to 5"));
  return select;
}

function outcomeChoice() {
  const select = choice("outcome", OUTCOMES, "");
  select.setAttribute("aria-label", t("How did it go?"));
  return select;
}

function rateForm(productId, redraw) {
  const form = h("form", { class: "rate", "data-product-id": productId, novalidate: true },
    errorBox(), ratingChoice(), outcomeChoice(),
    h("button", { type: "submit" }, t("Rate")), h("span", { class: "rated", role: "status" }));
  onSubmit(form, async () => {
    if (!form.elements.rating.value) {
      throw Object.assign(new Error(t("Choose a rating from 1 to 5 first.")),
        { code: "VALIDATION_FAILED", field: "rating" });
    }
    const outcome = form.elements.outcome.value || null;
    const { rateProduct } = await gql(RATE, { p: productId, r: Number(form.elements.rating.value),
      o: outcome });
    if (outcome === "IRRITATED" || rateProduct.rating <= LOW_RATING) {
      // It leaves the routine now: the routine is drawn again, saying so at the top.
      await redraw(t("Thanks: we left it out of your routine and chose another where we could. "
        + "Changed your mind? Take it back under “products left out for you”."));
      return;
    }
    form.querySelector(".rated").replaceChildren(
      notice(outcome ? t("Thanks: rated {rating}/5, {outcome}.", { rating: rateProduct.rating,
        outcome: humanize(outcome) }) : t("Thanks: rated {rating}/5.",
        { rating: rateProduct.rating })));
  });
  return form;
}

// A product taken off sale since the routine was saved shows by the name it had.
function productLine(product, fallbackId, price = null, gone = null) {
  if (!product && gone) {
    return [h("strong", { class: "product-name" }, `${gone.brand} ${gone.name}`),
      h("span", { class: "muted no-longer-sold" }, ` · ${t("no longer sold")}`)];
  }
  if (!product) return h("strong", {}, t("Product {id}", { id: fallbackId }));
  const actives = product.keyActives.map((active) =>
    (active.percent ? `${active.name} ${percent(active.percent / 100, 2)}` : active.name))
    .join(", ");
  const cost = price ? money(price.amount, price.currency) : money(product.price, product.currency);
  return [h("strong", { class: "product-name" }, `${product.brand} ${product.name}`),
    h("span", { class: "muted" }, ` · ${cost} · ${product.size}`,
      product.spf ? ` · SPF ${product.spf}` : "", actives ? ` · ${actives}` : "")];
}

function stepView(redraw) {
  return (step, index) => oneStep(step, index, redraw);
}

/** One step of a half: its product, how and when to use it (two lines: the label's "how" and
 * its "when" joined by a comma read as one run-on sentence), why, and a rating form. */
export function oneStep(step, index, redraw) {
  return h("li", { class: "step card", "data-slot": step.slot },
    h("p", { class: "slot" }, `${index + 1}. ${humanize(step.slot)}`),
    h("p", {}, productLine(step.product, step.productId, step.price, step.noLongerSold)),
    h("p", { class: "how" }, h("b", {}, t("How: ")), step.howMuch),
    h("p", { class: "when" }, h("b", {}, t("When: ")), step.frequency),
    step.introduce.length ? h("div", {}, h("b", {}, t("Getting started")), list(step.introduce)) : null,
    step.why.length ? h("div", {}, h("b", {}, t("Why")), list(step.why, "why")) : null,
    step.warnings.length ? h("div", { class: "warn" }, h("b", {}, t("Careful")), list(step.warnings))
      : null,
    rateForm(step.productId, redraw));
}

function half(title, id, steps, redraw) {
  return h("section", { class: "half", id },
    h("h2", {}, title),
    steps.length ? h("ol", { class: "steps" }, steps.map(stepView(redraw)))
      : h("p", { class: "muted" }, t("Nothing for this time of day.")));
}

function alternatives(groups) {
  if (!groups.length) return null;
  return h("details", { class: "card wide", id: "alternatives" },
    h("summary", {}, t("Alternatives")),
    groups.map((group) => h("div", {}, h("h3", {}, humanize(group.slot)),
      h("ul", {}, group.options.map((option) => h("li", {},
        productLine(option.product, option.productId, option.price, option.noLongerSold),
        option.why.length ? h("small", { class: "explain" }, option.why.join(" ")) : null))))));
}

function tips(items) {
  if (!items.length) return null;
  return h("section", { class: "card wide", id: "tips" }, h("h2", {}, t("Tips")),
    items.map((tip) => h("article", { class: "tip" },
      h("h3", {}, tip.title), h("p", {}, tip.body),
      tip.articles.length ? h("p", {}, t("Read more: "), tip.articles.flatMap((article, index) => [
        index ? ", " : "",
        h("a", { href: inAppLanguage(article.url), target: "_blank", rel: "noopener" },
          article.title)]))
        : null)));
}

// One line per reason: a reason that left out several products says how many and names a few
// (the rest are listed under it), so an allergy's ~30 products do not hide the other reasons.
// A product left out for the person's own rating can be put back: the rating is taken back.
function takeBack(item, redraw) {
  const button = h("button", { type: "button", class: "take-back",
    "data-product-id": item.productId }, t("Take my rating back"));
  const box = h("span", { class: "take-back-box" }, errorBox(), button);
  button.addEventListener("click", () => busy(box, async () => {
    await gql(UNRATE, { p: item.productId });
    await redraw(t("Your rating of {name} is taken back: it may be in your routine again.",
      { name: item.name }));
  }));
  return box;
}

function excluded(groups, redraw) {
  if (!groups.length) return null;
  const count = groups.reduce((sum, group) => sum + group.count, 0);
  const ownRating = (group) => group.ruleId === TURNED_DOWN;
  return h("details", { class: "card wide", id: "excluded", open: groups.some(ownRating) },
    h("summary", {}, count === 1 ? t("1 product left out for you")
      : t("{count} products left out for you", { count })),
    h("ul", {}, groups.map((group) => h("li", { "data-rule": group.ruleId },
      group.count === 1 ? h("strong", {}, group.products[0].name) : null,
      group.count === 1 ? `: ${group.reason}` : group.reason,
      h("code", { class: "rule" }, group.ruleId),
      ownRating(group) && group.count === 1 ? takeBack(group.products[0], redraw) : null,
      group.count > 1 ? h("ul", { class: "products" }, group.products.map((item) => h("li", {},
        item.name, ownRating(group) ? takeBack(item, redraw) : null))) : null))));
}

export async function renderRoutine(view, { match: [analysisId] }) {
  await drawRoutine(view, analysisId, null);
}

// `said`: what a rating just changed, shown at the top when the routine is drawn again.
async function drawRoutine(view, analysisId, said) {
  const [{ recommendations: routine }, followed] = await Promise.all([
    gql(ROUTINE, { id: analysisId }), gql(FOLLOWED).catch(() => null)]);
  const current = followed?.myRoutines.edges[0]?.node.analysisId;
  const redraw = (text) => drawRoutine(view, analysisId, text);
  clear(view, [
    h("h1", {}, t("Your routine")),
    said ? h("div", { id: "routine-said", tabindex: -1 }, notice(said)) : null,
    h("p", { class: "muted" },
      h("a", { href: `#/analysis/${encodeURIComponent(analysisId)}` }, t("From this analysis")),
      " · ", h("span", { id: "routine-total" },
        t("total {amount}", { amount: money(routine.totalPrice, routine.currency) })),
      routine.totalNote ? h("span", { class: "price-note" }, ` (${routine.totalNote})`) : "",
      routine.modelVersion ? ` · ${t("ranked by model {version}",
        { version: routine.modelVersion })}` : ""),
    // an older photo's routine, read again: not the one their check-ins count from
    current && current !== analysisId ? h("p", { class: "notice", id: "not-followed" },
      t("This is the routine of an earlier photo, built from what you say now. The routine you "
        + "follow is that of your latest photo: "),
      h("a", { href: `#/routine/${encodeURIComponent(current)}` }, t("see your current routine")),
      ".") : null,
    routine.warnings.length ? h("div", { class: "card wide warn", id: "warnings" },
      h("h2", {}, t("Please note")), list(routine.warnings)) : null,
    h("div", { class: "routine", id: "routine" },
      half(t("Morning"), "am", routine.am, redraw), half(t("Evening"), "pm", routine.pm, redraw)),
    alternatives(routine.alternatives),
    excluded(routine.excludedGroups, redraw),
    tips(routine.tips),
  ]);
  // The rated product's form is gone: the focus goes to what changed, not to the page's end.
  if (said) view.querySelector("#routine-said").focus();
}
