"""GraphQL types and inputs for the catalog, routines and product feedback."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

import strawberry
from strawberry.types import Info

from metskin.domain.i18n.locales import language_of
from metskin.domain.i18n.ports import Translator
from metskin.domain.i18n.said import spoken, spoken_lines
from metskin.domain.i18n.source import ENGLISH
from metskin.domain.recommendations.catalog import Product as DomainProduct
from metskin.domain.recommendations.catalog import Usage as DomainUsage
from metskin.domain.recommendations.model import ProductFilter as DomainFilter
from metskin.domain.recommendations.model import SavedRoutine
from metskin.domain.recommendations.usage_text import usage_in, usage_line
from metskin.graphql.i18n import request_language
from metskin.graphql.inputs import decimal_amount
from metskin.graphql.mapping import copy_fields
from metskin.graphql.money.types import Money

# A step's lines that are translated (the catalog has the routine's own advice; a product's
# usage texts have their own translations, `usage_text.py`).
TRANSLATED_LINES = ("introduce", "why", "warnings")
USAGE_LINES = ("how_much", "frequency")


@strawberry.enum(description="What happened when the person used the product.")
class ProductOutcome(Enum):
    WORKED = "worked"
    IRRITATED = "irritated"
    STOPPED = "stopped"


@strawberry.type
class KeyActive:
    name: str
    percent: float | None


@strawberry.type(description="How to use a product.")
class Usage:
    when: str = strawberry.field(description="AM, PM or both.")
    how_much: str
    frequency: str
    how_to_introduce: str
    warnings: list[str]
    per_day: int = strawberry.field(
        description="Uses a day at most: 2 may be in the morning and evening routines, 1 in one."
    )


def _usage(root: Product, info: Info) -> Usage:
    """How to use it, in the request's language (the product data's own translations)."""
    return copy_fields(Usage, usage_in(root.domain_usage, request_language(info)))


MAX_BUILT = 4096  # GraphQL products kept, by the identity of their catalog product
_BUILT: dict[int, tuple[DomainProduct, Product]] = {}


@strawberry.type(description="A product in the catalog.")
class Product:
    id: strawberry.ID
    brand: str
    name: str
    slot: str
    price: str = strawberry.field(description="Decimal amount, as text, in `currency`.")
    currency: str = strawberry.field(
        description="The catalog's currency; routines show prices converted to the person's."
    )
    size: str
    skin_types: list[str]
    concerns: list[str]
    ingredients: list[str] = strawberry.field(description="The full INCI list, in label order.")
    key_actives: list[KeyActive]
    usage: Usage = strawberry.field(resolver=_usage, description="How to use it.")
    spf: int | None
    tint_monk_range: list[int] | None
    fragrance_free: bool
    non_comedogenic: bool
    pregnancy_safe: bool
    domain_usage: strawberry.Private[DomainUsage]

    @classmethod
    def from_domain(cls, p: DomainProduct) -> Product:
        """Built once per catalog product: the catalog keeps its (frozen) products in memory,
        so a page of 20 reuses 20 built objects (a reloaded catalog brings new ones)."""
        known = _BUILT.get(id(p))
        if known is not None and known[0] is p:
            return known[1]
        built = cls._build(p)
        _BUILT[id(p)] = (p, built)
        while len(_BUILT) > MAX_BUILT:
            del _BUILT[next(iter(_BUILT))]
        return built

    @classmethod
    def _build(cls, p: DomainProduct) -> Product:
        return copy_fields(
            cls,
            p,
            price=str(p.price.amount),
            currency=p.price.currency,
            ingredients=list(p.inci),
            key_actives=[
                KeyActive(name=a.ingredient.inci_name, percent=a.percent) for a in p.key_actives
            ],
            domain_usage=p.usage,
            tint_monk_range=list(p.tint_monk_range) if p.tint_monk_range else None,
        )


async def load_product(info: Info, product_id: str) -> Product | None:
    found = await info.context.product_loader.load(product_id)
    return Product.from_domain(found) if found else None


@strawberry.type(description="A product the catalog sold once and no longer sells, by its name.")
class FormerProduct:
    id: strawberry.ID
    brand: str
    name: str


NO_LONGER_SOLD = (
    "The product as it was called, when the catalog no longer sells it (`product` is null "
    "then): a routine saved before shows what the person used. Null while it is sold."
)


async def load_former(info: Info, product_id: str) -> FormerProduct | None:
    """Looked for (one SELECT per request, batched) only when the product is not on sale."""
    if await info.context.product_loader.load(product_id) is not None:
        return None
    found = await info.context.former_product_loader.load(product_id)
    return FormerProduct(id=found.id, brand=found.brand, name=found.name) if found else None


@strawberry.type(description="One step of a routine, with how to use it and why it was chosen.")
class RoutineStep:
    slot: str
    time: str
    how_much: str
    frequency: str
    introduce: list[str] = strawberry.field(description="Frequency ramp and patch-test advice.")
    why: list[str]
    warnings: list[str]
    product_id: strawberry.ID
    price: Money | None = strawberry.field(
        default=None, description="In the person's currency (null on routines saved before)."
    )
    price_note: str | None = strawberry.field(
        default=None,
        description='How it was converted: "converted from EUR at 0.868 (rates of 2026-11-30)".',
    )

    @strawberry.field
    async def product(self, info: Info) -> Product | None:
        return await load_product(info, str(self.product_id))

    @strawberry.field(description=NO_LONGER_SOLD)
    async def no_longer_sold(self, info: Info) -> FormerProduct | None:
        return await load_former(info, str(self.product_id))

    @classmethod
    def from_saved(cls, step: dict, tr: Translator = ENGLISH) -> RoutineStep:
        """The saved step; its advice lines in `tr`'s language where the catalog has them, its
        usage texts where the product data has them."""
        language = language_of(tr.locale)
        words = saved_words(step, TRANSLATED_LINES, tr)
        for name in TRANSLATED_LINES:
            words[name] = [usage_line(line, language) for line in words[name]]
        words |= {name: usage_line(step[name], language) for name in USAGE_LINES}
        return copy_fields(cls, step, **words)


def spoken_fields(saved: dict, names: tuple[str, ...], tr: Translator) -> dict[str, list[str]]:
    """A saved part's lines in `tr`'s language: from the templates saved beside them
    (`said`), else each English line through the catalog."""
    said = saved.get("said") or {}
    return {name: spoken_lines(saved[name], said.get(name), tr) for name in names}


def saved_words(saved: dict, names: tuple[str, ...], tr: Translator) -> dict[str, Any]:
    """A saved step's or alternative's lines and price note in `tr`'s language."""
    return {**spoken_fields(saved, names, tr), **saved_price(saved, tr)}


def saved_price(saved: dict, tr: Translator = ENGLISH) -> dict[str, Any]:
    """A saved step's or alternative's converted price and its note (None when absent)."""
    price = saved.get("price")
    note = saved.get("price_note") or None
    return {
        "price": Money(**price) if price else None,
        "price_note": spoken(saved.get("said_price_note") or note, tr) if note else None,
    }


@strawberry.type
class Alternative:
    product_id: strawberry.ID
    score: float
    why: list[str]
    price: Money | None = strawberry.field(
        default=None,
        description="In the person's currency, converted like the steps' prices (null on "
        "routines built before alternatives were priced).",
    )
    price_note: str | None = strawberry.field(
        default=None, description="How it was converted; null when it was not."
    )

    @strawberry.field
    async def product(self, info: Info) -> Product | None:
        return await load_product(info, str(self.product_id))

    @strawberry.field(description=NO_LONGER_SOLD)
    async def no_longer_sold(self, info: Info) -> FormerProduct | None:
        return await load_former(info, str(self.product_id))

    @classmethod
    def from_saved(cls, option: dict, tr: Translator = ENGLISH) -> Alternative:
        return copy_fields(cls, option, **saved_words(option, ("why",), tr))


@strawberry.type
class SlotAlternatives:
    slot: str
    options: list[Alternative]


@strawberry.type(description="A product left out, and the safety rule or limit that did it.")
class ExcludedProduct:
    product_id: strawberry.ID
    name: str
    rule_id: str
    reason: str

    @classmethod
    def from_saved(cls, saved: dict, tr: Translator) -> ExcludedProduct:
        reason = spoken_lines([saved["reason"]], (saved.get("said") or {}).get("reason"), tr)
        return copy_fields(cls, saved, reason=reason[0])


@strawberry.type(description="Products left out for the same reason, said in one line.")
class ExclusionGroup:
    rule_id: str
    reason: str = strawberry.field(
        description="The reason; for several products, how many and a few of their names."
    )
    count: int = strawberry.field(description="How many products it left out.")
    products: list[ExcludedProduct] = strawberry.field(
        description="Each of them (the first 40), with its own reason."
    )

    @classmethod
    def from_saved(cls, saved: dict, tr: Translator) -> ExclusionGroup:
        reason = spoken_lines([saved["reason"]], (saved.get("said") or {}).get("reason"), tr)
        products = [ExcludedProduct.from_saved(e, tr) for e in saved["products"]]
        return copy_fields(cls, saved, reason=reason[0], products=products)


def exclusion_groups(data: dict[str, Any], tr: Translator) -> list[ExclusionGroup]:
    """The saved groups; a routine saved before they were has each product as its own."""
    saved = data.get("excluded_groups")
    if saved is None:
        saved = [
            {
                "rule_id": e["rule_id"],
                "reason": e["reason"],
                "said": e.get("said"),
                "count": 1,
                "products": [e],
            }
            for e in data["excluded"]
        ]
    return [ExclusionGroup.from_saved(group, tr) for group in saved]


@strawberry.type
class ArticleLink:
    slug: str
    title: str

    @strawberry.field
    def url(self) -> str:
        return f"/learn/{self.slug}"


@strawberry.type
class Tip:
    title: str
    body: str
    tags: list[str]
    articles: list[ArticleLink]


@strawberry.type(description="An AM/PM routine for one analysis, explained line by line.")
class Recommendation:
    id: strawberry.ID
    analysis_id: strawberry.ID
    created_at: datetime
    model_version: str = strawberry.field(description="Learned ranker used; empty: content only.")
    currency: str = strawberry.field(description="The person's currency when it was built.")
    total_price: str = strawberry.field(description="Decimal, as text, in `currency`.")
    total_note: str | None = strawberry.field(
        description="The rates and dates prices were converted with; null when none was needed."
    )
    am: list[RoutineStep]
    pm: list[RoutineStep]
    alternatives: list[SlotAlternatives]
    warnings: list[str]
    excluded: list[ExcludedProduct] = strawberry.field(
        description="Each product left out (the first 40); `excludedGroups` says each reason once."
    )
    excluded_groups: list[ExclusionGroup] = strawberry.field(
        description="What was left out, one line per reason, with how many products it left out."
    )
    tips: list[Tip]

    @strawberry.field(description="The total in the person's currency.")
    def total(self) -> Money:
        return Money(amount=self.total_price, currency=self.currency)

    @classmethod
    def from_saved(cls, saved: SavedRoutine, tr: Translator = ENGLISH) -> Recommendation:
        data = saved.routine
        return copy_fields(
            cls,
            saved,
            data,
            total_note=total_note(data, tr),
            am=[RoutineStep.from_saved(s, tr) for s in data["am"]],
            pm=[RoutineStep.from_saved(s, tr) for s in data["pm"]],
            **spoken_fields(data, ("warnings",), tr),
            alternatives=[
                SlotAlternatives(
                    slot=slot, options=[Alternative.from_saved(o, tr) for o in options]
                )
                for slot, options in data["alternatives"].items()
            ],
            excluded=[ExcludedProduct.from_saved(e, tr) for e in data["excluded"]],
            excluded_groups=exclusion_groups(data, tr),
            tips=[
                copy_fields(Tip, t, articles=[ArticleLink(**a) for a in t["articles"]])
                for t in saved_tips(data, language_of(tr.locale))
            ],
        )


def saved_tips(data: dict[str, Any], language: str) -> list[dict[str, Any]]:
    """The routine's tips in `language` when they were saved in it (routines saved before
    tips were translated have English only)."""
    translated = data.get("tips_translated", {}).get(language)
    return translated if translated and len(translated) == len(data["tips"]) else data["tips"]


def total_note(saved: dict, tr: Translator) -> str | None:
    note = saved.get("total_note") or None
    parts = saved.get("said_total_note")
    return "; ".join(spoken(part, tr) for part in parts) if note and parts else note


@strawberry.input
class ProductFilter:
    concern: str | None = None
    skin_type: str | None = None
    slot: str | None = None
    max_price: str | None = strawberry.field(default=None, description="Decimal, as text.")
    exclude_ingredients: list[str] = strawberry.field(default_factory=list)
    pregnancy_safe: bool = False
    text: str = strawberry.field(default="", description="Words in the name, brand or INCI list.")

    def to_domain(self) -> DomainFilter:
        price = decimal_amount(self.max_price, "maxPrice")
        return DomainFilter(
            concern=self.concern,
            skin_type=self.skin_type,
            slot=self.slot,
            max_price=price,
            exclude_ingredients=tuple(self.exclude_ingredients),
            pregnancy_safe=self.pregnancy_safe,
            text=self.text[:200],
        )


@strawberry.type
class Rating:
    product_id: strawberry.ID
    rating: int
    outcome: ProductOutcome | None
    created_at: datetime
