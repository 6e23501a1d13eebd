"""Email rendering with jinja2: `<name>.subject.j2`, `<name>.html.j2`, `<name>.txt.j2`."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from metskin.domain.links import PublicLinks
from metskin.domain.messages import OutgoingEmail


class JinjaMailRenderer:
    def __init__(self, product_name: str = "MetSkin", base_url: str = "") -> None:
        self._env = Environment(
            loader=PackageLoader("metskin", "templates/mail"),
            autoescape=select_autoescape(enabled_extensions=("html.j2",), default=False),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        # `links` builds the absolute links a template may hold (metskin.domain.links).
        self._globals = {
            "product_name": product_name,
            "base_url": base_url,
            "links": PublicLinks(base_url),
        }

    def render_email(self, template: str, to: str, context: dict[str, Any]) -> OutgoingEmail:
        values = {**self._globals, **context}
        subject = self._env.get_template(f"{template}.subject.j2").render(values).strip()
        html = self._env.get_template(f"{template}.html.j2").render(values)
        text = self._env.get_template(f"{template}.txt.j2").render(values)
        return OutgoingEmail(to=to, subject=subject, html=html, text=text)
