"""Email rendering with jinja2: `<name>.subject.j2`, `<name>.html.j2`, `<name>.txt.j2`.

Templates mark their texts with `{% trans %}` and `_()` (jinja2's i18n extension); each
language gets its own environment, with the catalog's gettext installed (`adapters/i18n/`).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from metskin.domain.i18n.jinja import i18n_environment, speaking
from metskin.domain.i18n.locales import effective_locale, language_of
from metskin.domain.i18n.ports import Translations
from metskin.domain.i18n.source import SourceTexts
from metskin.domain.links import PublicLinks
from metskin.domain.messages import OutgoingEmail


def mail_environment() -> Environment:
    return i18n_environment(
        PackageLoader("metskin", "templates/mail"),
        select_autoescape(enabled_extensions=("html.j2",), default=False),
    )


class JinjaMailRenderer:
    def __init__(
        self,
        product_name: str = "MetSkin",
        base_url: str = "",
        translations: Translations | None = None,
    ) -> None:
        self._translations = translations or SourceTexts()
        # `links` builds the absolute links a template may hold (metskin.domain.links).
        self._globals = {
            "product_name": product_name,
            "base_url": base_url,
            "links": PublicLinks(base_url),
        }
        self._env = cache(self._environment)

    def _environment(self, locale: str) -> Environment:
        return speaking(mail_environment(), self._translations.translator(locale))

    def render_email(
        self, template: str, to: str, context: dict[str, Any], locale: str | None = None
    ) -> OutgoingEmail:
        chosen = effective_locale(locale)
        env = self._env(chosen)
        values = {**self._globals, "lang": language_of(chosen), "locale": chosen, **context}
        subject = env.get_template(f"{template}.subject.j2").render(values).strip()
        html = env.get_template(f"{template}.html.j2").render(values)
        text = env.get_template(f"{template}.txt.j2").render(values)
        return OutgoingEmail(to=to, subject=subject, html=html, text=text)
