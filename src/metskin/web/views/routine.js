// The AM/PM routine for an analysis, explained step by step; rate a product.

import { gql } from "../graphql.js";
import { append, choice, errorBox, h, humanize, notice, onSubmit } from "../dom.js";

const PRODUCT = "id brand name price currency size spf keyActives { name percent }";
const STEP = `slot time howMuch frequency introduce why warnings productId
  price { amount currency } priceNote product { ${PRODUCT} }`;
const ROUTINE = `query($id: ID!) { recommendations(analysisId: $id) {
  id analysisId createdAt modelVersion currency totalPrice totalNote
  am { ${STEP} } pm { ${STEP} }
  alternatives { slot options { productId score why product { ${PRODUCT} } } }
  warnings excluded { productId name ruleId reason }
  tips { title body tags articles { slug title url } } } }`;
const RATE = `mutation($p: ID!, $r: Int!, $o: ProductOutcome) {
  rateProduct(productId: $p, rating: $r, outcome: $o) { productId rating outcome } }`;
const OUTCOMES = [["", "How did it go?"], ["WORKED", "It worked"], ["IRRITATED", "It irritated"],
  ["STOPPED", "I stopped using it"]];
// Nothing is chosen for the person: the rating starts empty and must be picked.
const STARS = [["", "Your rating…"], ["5", "5 – great"], ["4", "4"], ["3", "3"], ["2", "2"],
  ["1", "1 – poor"]];

function list(items, className = null) {
  return items.length ? h("ul", { class: className }, items.map((item) => h("li", {}, item)))
    : null;
}

function ratingChoice() {
  const select = choice("rating", STARS, "");
  select.required = true;
  select.setAttribute("aria-label", "Rating from 1 to 5");
  return select;
}

function rateForm(productId) {
  const form = h("form", { class: "rate", "data-product-id": productId },
    errorBox(), ratingChoice(), choice("outcome", OUTCOMES, ""),
    h("button", { type: "submit" }, "Rate"), h("span", { class: "rated", role: "status" }));
  onSubmit(form, async () => {
    if (!form.elements.rating.value) throw new Error("Choose a rating from 1 to 5 first.");
    const outcome = form.elements.outcome.value || null;
    const { rateProduct } = await gql(RATE, { p: productId, r: Number(form.elements.rating.value),
      o: outcome });
    form.querySelector(".rated").replaceChildren(
      notice(`Thanks: rated ${rateProduct.rating}/5${outcome ? `, ${humanize(outcome)}` : ""}.`));
  });
  return form;
}

function productLine(product, fallbackId, price = null) {
  if (!product) return h("strong", {}, `Product ${fallbackId}`);
  const actives = product.keyActives.map((active) =>
    (active.percent ? `${active.name} ${active.percent}%` : active.name)).join(", ");
  const cost = price ? `${price.amount} ${price.currency}` : `${product.price} ${product.currency}`;
  return [h("strong", { class: "product-name" }, `${product.brand} ${product.name}`),
    h("span", { class: "muted" }, ` · ${cost} · ${product.size}`,
      product.spf ? ` · SPF ${product.spf}` : "", actives ? ` · ${actives}` : "")];
}

function stepView(step, index) {
  return h("li", { class: "step card", "data-slot": step.slot },
    h("p", { class: "slot" }, `${index + 1}. ${humanize(step.slot)}`),
    h("p", {}, productLine(step.product, step.productId, step.price)),
    h("p", {}, h("b", {}, "How: "), `${step.howMuch}, ${step.frequency}`),
    step.introduce.length ? h("div", {}, h("b", {}, "Getting started"), list(step.introduce)) : null,
    step.why.length ? h("div", {}, h("b", {}, "Why"), list(step.why, "why")) : null,
    step.warnings.length ? h("div", { class: "warn" }, h("b", {}, "Careful"), list(step.warnings))
      : null,
    rateForm(step.productId));
}

function half(title, id, steps) {
  return h("section", { class: "half", id },
    h("h2", {}, title),
    steps.length ? h("ol", { class: "steps" }, steps.map(stepView))
      : h("p", { class: "muted" }, "Nothing for this time of day."));
}

function alternatives(groups) {
  if (!groups.length) return null;
  return h("details", { class: "card wide" }, h("summary", {}, "Alternatives"),
    groups.map((group) => h("div", {}, h("h3", {}, humanize(group.slot)),
      h("ul", {}, group.options.map((option) => h("li", {},
        productLine(option.product, option.productId),
        option.why.length ? h("small", { class: "explain" }, option.why.join(" ")) : null))))));
}

function tips(items) {
  if (!items.length) return null;
  return h("section", { class: "card wide", id: "tips" }, h("h2", {}, "Tips"),
    items.map((tip) => h("article", { class: "tip" },
      h("h3", {}, tip.title), h("p", {}, tip.body),
      tip.articles.length ? h("p", {}, "Read more: ", tip.articles.flatMap((article, index) => [
        index ? ", " : "",
        h("a", { href: article.url, target: "_blank", rel: "noopener" }, article.title)]))
        : null)));
}

function excluded(items) {
  if (!items.length) return null;
  return h("details", { class: "card wide", id: "excluded" },
    h("summary", {}, `${items.length} product${items.length === 1 ? "" : "s"} left out for you`),
    h("ul", {}, items.map((item) => h("li", {}, h("strong", {}, item.name), `: ${item.reason}`,
      h("code", { class: "rule" }, item.ruleId)))));
}

export async function renderRoutine(view, { match: [analysisId] }) {
  const { recommendations: routine } = await gql(ROUTINE, { id: analysisId });
  append(view, [
    h("h1", {}, "Your routine"),
    h("p", { class: "muted" },
      h("a", { href: `#/analysis/${encodeURIComponent(analysisId)}` }, "From this analysis"),
      ` · total ${routine.totalPrice} ${routine.currency}`,
      routine.totalNote ? h("span", { class: "price-note" }, ` (${routine.totalNote})`) : "",
      routine.modelVersion ? ` · ranked by model ${routine.modelVersion}` : ""),
    routine.warnings.length ? h("div", { class: "card wide warn", id: "warnings" },
      h("h2", {}, "Please note"), list(routine.warnings)) : null,
    h("div", { class: "routine", id: "routine" },
      half("Morning", "am", routine.am), half("Evening", "pm", routine.pm)),
    alternatives(routine.alternatives),
    excluded(routine.excluded),
    tips(routine.tips),
  ]);
}
