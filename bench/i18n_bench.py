"""What the person's language costs: reading the catalogs once, a message and a page in French
against English, an error message translated. Prints medians (ms).

    PYTHONPATH=src python bench/i18n_bench.py
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from functools import partial

from metskin.adapters.i18n import catalogs
from metskin.adapters.i18n.translator import BabelTranslations
from metskin.adapters.notify.templates import JinjaMailRenderer
from metskin.domain.appointments.messages import (
    AppointmentMessage,
    AppointmentNotice,
    email_context,
    sms_text,
)
from metskin.domain.appointments.model import ConsultationType
from metskin.domain.content.loader import load_articles
from metskin.domain.content.render import render_article
from metskin.domain.i18n.ports import Translator
from metskin.domain.money.model import Money

RUNS = 200
PRICE = Money(Decimal("12.50"), "GBP")


def median_ms(action: Callable[[], object], runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    start = time.perf_counter()
    sizes = {language: len(catalogs.messages(language)) for language in ("fr", "de")}
    print(f"read both catalogs (first use): {(time.perf_counter() - start) * 1000:.1f} ms {sizes}")
    translations = BabelTranslations()
    renderer = JinjaMailRenderer(translations=translations)
    when = datetime(2026, 12, 3, 13, 30, tzinfo=UTC)
    place = ("Soho Skin Clinic", "12 Dean Street, London")
    link = "https://metskin.example/appointments/1"
    kind_of_visit = ConsultationType.IN_PERSON
    notice = AppointmentNotice(
        "Camille", "Dr Amelia Hart", *place, kind_of_visit, when, "Europe/London", link
    )
    article = load_articles()[0]
    kind = AppointmentMessage.CONFIRMED
    for locale in ("en-GB", "fr-FR", "de-DE"):
        tr = translations.translator(locale)
        email = partial(one_email, renderer, kind, notice, tr)
        email()  # templates compiled once per language
        sms = partial(sms_text, kind, notice, tr=tr)
        language = locale[:2]
        page = partial(render_article, article.in_language(language), [], [], tr=tr)
        every = partial(lambda lang: [a.in_language(lang) for a in load_articles()], language)
        money = partial(tr.format_money, PRICE)
        print(
            f"{locale}: confirmation email {median_ms(email):.2f} ms, "
            f"SMS {median_ms(sms):.3f} ms, /learn article {median_ms(page):.2f} ms "
            f"(in its {article.in_language(language).locale} translation), every article in "
            f"the language {median_ms(every):.3f} ms, money {median_ms(money, 1000) * 1000:.1f} µs"
        )


def one_email(
    renderer: JinjaMailRenderer, kind: AppointmentMessage, notice: AppointmentNotice, tr: Translator
) -> object:
    context = email_context(kind, notice, tr=tr)
    return renderer.render_email(kind.template, "c@example.com", context, tr.locale)


if __name__ == "__main__":
    main()
