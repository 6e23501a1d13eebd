"""jinja2 environments that speak a translator's language (the i18n extension, `{% trans %}`
blocks trimmed), shared by the mail templates and the `/learn` pages."""

from __future__ import annotations

from typing import Any

from jinja2 import BaseLoader, Environment, StrictUndefined

from metskin.domain.i18n.ports import Translator


def i18n_environment(loader: BaseLoader, autoescape: Any) -> Environment:
    """Strict, trimmed, with `{% trans %}` and `_()`; nothing installed to translate yet."""
    env = Environment(
        loader=loader,
        autoescape=autoescape,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.policies["ext.i18n.trimmed"] = True
    return env


def speaking(env: Environment, tr: Translator) -> Environment:
    """`env` with `tr`'s gettext installed (new style: placeholders escaped where HTML)."""
    env.install_gettext_callables(  # type: ignore[attr-defined]
        tr.gettext, tr.ngettext, newstyle=True
    )
    return env
