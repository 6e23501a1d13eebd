"""Texts the routine no longer writes, kept in the message catalogs for the routines that did.

A saved routine keeps each line as its English template and values (`said_json`) and speaks it
in the reader's language when it is read (`spoken`: the template through the catalog). When a
later version rewords or drops a text, `metskin messages` takes its msgid out of the fr and de
catalogs, and every routine saved before shows that line in English to a French or German
reader. Marking the retired English text here keeps it (and its translation) in the catalogs.

Add a text here, exactly as it was, when a change rewords or removes one that routines were saved
with (`git log -p -- src/metskin/locale/fr/LC_MESSAGES/messages.po` shows the msgids removed);
keep it as long as such routines are read.
"""

from __future__ import annotations

from metskin.domain.i18n.marks import _

RETIRED = (
    # 2026-12-06, safety_rules.json "conflict.retinoid_with_acids_or_bpo": now "... in the same
    # morning or evening routine" (the two products may both be in it, at different times).
    _(
        "{product} and {other} should not be used in the same routine: together a retinoid and "
        "an acid or benzoyl peroxide irritate the skin, and benzoyl peroxide can inactivate some "
        "retinoids."
    ),
    # 2026-12-06, advice.py: the no-sunscreen warning, now one counted line.
    _(
        "Products with {ingredients} would suit your skin, but they make it more sensitive to "
        "the sun: we only suggest them together with a daily sunscreen, and we could not fit "
        "one, so your routine leaves them out."
    ),
    _(
        "Products with {ingredients} would suit your skin, but they make it more sensitive to "
        "the sun, and with them in your routine no sunscreen fitted: we kept a daily sunscreen "
        "and left them out."
    ),
    # 2026-12-06, routine.py: a retinoid or AHA left out so that a sunscreen fits.
    _(
        "{product} contains {ingredient}, which makes skin more sensitive to the sun: with it "
        "in your routine no sunscreen fitted, so we kept a daily sunscreen and left it out."
    ),
    # 2026-12-06, advice.py: the sunscreen reminder, now "Your products with {ingredients} ...".
    _(
        "{ingredients} make your skin more sensitive to the sun: use the sunscreen every "
        "morning, even on cloudy days, and reapply outdoors."
    ),
    # 2026-12-06, routine.py: ONCE_A_DAY_IN, now "... is not used both morning and evening".
    _("{product} is used once a day ({frequency}), so it is in your morning routine only."),
    _("{product} is used once a day ({frequency}), so it is in your evening routine only."),
    # 2026-12-06, grouped.py and advice.py: counted lines, now said in the form their count
    # takes (`n_`; these were the only form).
    _("{reason} We left out {count} of our products for this, among them {products}."),
    _(
        "We could not find a sunscreen that fits your needs, budget and avoid-list. Products that "
        "make skin more sensitive to the sun (such as retinoids and exfoliating acids) need one "
        "every day, so we left them out: {count} of our products."
    ),
    _(
        "We could not find a sunscreen that fits your needs, budget and avoid-list. Products that "
        "make skin more sensitive to the sun (such as retinoids and exfoliating acids) need one "
        "every day, so we left them out: {count} of our products, among them products with "
        "{ingredients} that would suit your skin."
    ),
)
