"""The web app's colours, read from style.css, have the contrast WCAG 2.2 asks: text 4.5:1
against the background it is drawn on (1.4.3), form-field edges and the keyboard focus ring 3:1
(1.4.11). Every rule that sets a text colour is checked against its own background, or against
the page's (white cards on the off-white page) when it sets none; the pairs the stylesheet
cannot say alone (a muted line inside a warning box) are listed in NESTED."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

STYLE = Path(__file__).resolve().parents[3] / "src/metskin/web/style.css"
TEXT = 4.5
NON_TEXT = 3.0
NAMED = {"white": "#ffffff", "black": "#000000", "#fff": "#ffffff", "#000": "#000000"}
NOT_A_COLOUR = {"inherit", "currentcolor", "transparent", "none", "initial", "unset"}


def rules() -> list[tuple[str, dict[str, str]]]:
    """(selector, declarations) of every rule, those inside @media included."""
    text = re.sub(r"/\*.*?\*/", "", STYLE.read_text(), flags=re.S)
    found = []
    for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", text):
        declarations = {}
        for declaration in body.split(";"):
            name, _, value = declaration.partition(":")
            if value.strip():
                declarations[name.strip().lower()] = value.strip()
        found.append((" ".join(selector.split()), declarations))
    return found


RULES = rules()
VARIABLES = {
    name: value
    for selector, found in RULES
    if selector == ":root"
    for name, value in found.items()
    if name.startswith("--")
}


def colour(value: str) -> tuple[float, float, float, float] | None:
    """An sRGB colour with alpha from a CSS value (var(), #hex, rgb()), or None."""
    value = value.strip().lower()
    for _ in range(5):
        found = re.fullmatch(r"var\((--[\w-]+)\)", value)
        if not found:
            break
        value = VARIABLES[found[1]].lower()
    value = NAMED.get(value, value)
    if value in NOT_A_COLOUR:
        return None
    if value.startswith("#"):
        digits = value[1:]
        if len(digits) == 3:
            digits = "".join(d * 2 for d in digits)
        return (*(int(digits[i : i + 2], 16) for i in (0, 2, 4)), 1.0)
    found = re.fullmatch(r"rgba?\(([^)]*)\)", value)
    if found:
        parts = [p for p in re.split(r"[\s,/]+", found[1]) if p]
        alpha = (
            float(parts[3].rstrip("%")) / (100 if parts[3].endswith("%") else 1)
            if len(parts) > 3
            else 1.0
        )
        return (float(parts[0]), float(parts[1]), float(parts[2]), alpha)
    return None


def on(top: tuple[float, ...], bottom: tuple[float, ...]) -> tuple[float, float, float, float]:
    a = top[3]
    r, g, b = (top[i] * a + bottom[i] * (1 - a) for i in range(3))
    return (r, g, b, 1.0)


def luminance(rgb: tuple[float, ...]) -> float:
    def linear(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(rgb[0]) + 0.7152 * linear(rgb[1]) + 0.0722 * linear(rgb[2])


def contrast(front: str, back: str) -> float:
    """The WCAG contrast ratio of `front` drawn on `back` (itself on white when translucent)."""
    behind, text = colour(back), colour(front)
    assert behind is not None and text is not None, (front, back)
    ground = on(behind, (255, 255, 255, 1))
    light, dark = sorted((luminance(on(text, ground)), luminance(ground)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_palette_is_read_from_the_stylesheet() -> None:
    assert {"--ink", "--muted", "--paper", "--wash", "--accent", "--bad"} <= set(VARIABLES)
    assert round(contrast("#767676", "#ffffff"), 2) == 4.54  # WebAIM's reference grey


def background_of(declarations: dict[str, str]) -> str | None:
    for name in ("background-color", "background"):
        value = declarations.get(name)
        if value and colour(value.split()[0]) is not None:
            return value.split()[0]
    return None


def test_every_text_colour_reads_on_its_background() -> None:
    poor = []
    for selector, declarations in RULES:
        text = declarations.get("color")
        if not text or colour(text) is None or ":disabled" in selector:
            continue
        if selector.startswith(".monk-scale .chosen"):
            continue  # on the tone's swatch: test_the_chosen_monk_tone_number_reads_on_its_swatch
        own = background_of(declarations)
        for back in [own] if own else ["var(--paper)", "var(--wash)"]:
            ratio = contrast(text, back)
            if ratio < TEXT:
                poor.append(f"{selector}: {text} on {back} is {ratio:.2f}:1")
    assert poor == []


# Text drawn inside a box whose background another rule sets.
NESTED = [
    ("var(--muted)", "var(--warn-wash)", ".muted inside a warning card"),
    ("var(--muted)", "var(--ok-wash)", ".muted inside a notice"),
    ("var(--accent)", "var(--warn-wash)", "a link inside a warning card or the banner"),
    ("var(--accent)", "#e9f1fb", "a link button inside an info notice"),
    ("var(--bad)", "var(--warn-wash)", "a field error inside a warning card"),
    ("#555", "var(--bad-wash)", ".error-detail in an error box"),
    ("#555", "var(--warn-wash)", ".error-detail in a failed analysis card"),
    ("var(--ink)", "var(--wash)", ".chip.band-mild"),
]


@pytest.mark.parametrize(("text", "back", "where"), NESTED, ids=[n[2] for n in NESTED])
def test_nested_text_reads(text: str, back: str, where: str) -> None:
    assert contrast(text, back) >= TEXT, where


def test_the_chosen_monk_tone_number_reads_on_its_swatch() -> None:
    """The chosen swatch of the Monk scale shows its number, light or dark by the tone."""
    default = next(d["color"] for s, d in RULES if s == ".monk-scale .chosen")
    for tone in range(1, 11):
        back = next(d["background"] for s, d in RULES if s == f".monk-{tone}")
        text = default
        for selector, declarations in RULES:
            chosen = {part.strip() for part in selector.split(",")}
            if f".monk-scale .chosen.monk-{tone}" in chosen and "color" in declarations:
                text = declarations["color"]
        assert contrast(text, back) >= TEXT, f"Monk {tone}: {text} on {back}"


def declared(selector: str, name: str) -> str:
    return next(d[name] for s, d in RULES if s == selector and name in d)


def test_field_edges_and_the_focus_ring_stand_out() -> None:
    edge = declared("input, select, button, .button", "border").split()[-1]
    ring = declared(":focus-visible", "outline").split()[-1]
    width = declared(":focus-visible", "outline").split()[0]
    assert float(width.removesuffix("px")) >= 2
    for back in ("var(--paper)", "var(--wash)"):
        assert contrast(edge, back) >= NON_TEXT, f"field edge {edge} on {back}"
        assert contrast(ring, back) >= NON_TEXT, f"focus ring {ring} on {back}"
    assert contrast(ring, "var(--warn-wash)") >= NON_TEXT
    assert contrast(declared('[aria-invalid="true"]', "border-color"), "var(--paper)") >= NON_TEXT


def test_motion_stops_for_those_who_ask() -> None:
    """Nothing moves on its own under prefers-reduced-motion (none does today; this keeps it)."""
    css = STYLE.read_text()
    block = css[css.index("@media (prefers-reduced-motion: reduce)") :]
    assert "animation-duration: 0.01ms !important" in block
    assert "transition-duration: 0.01ms !important" in block
    assert "scroll-behavior: auto !important" in block
