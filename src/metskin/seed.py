"""Demo data for a fresh install. Safe to run again: existing rows are kept."""

from __future__ import annotations

import json
from collections.abc import Iterator
from importlib import resources

from metskin.bootstrap import Container
from metskin.domain.accounts.errors import EmailTaken
from metskin.domain.accounts.model import Role
from metskin.seed_care import seed_dermatologists

DEMO_PASSWORD = "demo-skin-2026!"
DEMO_ACCOUNTS = (
    ("patient@demo.metskin.local", "Dana Patient", Role.PATIENT),
    ("derm@demo.metskin.local", "Dr. Ada Derm", Role.DERMATOLOGIST),
    ("admin@demo.metskin.local", "Alex Admin", Role.ADMIN),
)


def seed_accounts(container: Container) -> Iterator[str]:
    for email, name, role in DEMO_ACCOUNTS:
        try:
            container.accounts.register(email, DEMO_PASSWORD, name, role)
            yield f"created {role.value} {email} (password: {DEMO_PASSWORD})"
        except EmailTaken:
            yield f"kept {role.value} {email}"


def seed_catalog(container: Container) -> Iterator[str]:
    folder = resources.files("metskin").joinpath("data", "catalog")
    ingredients = json.loads(folder.joinpath("ingredients.json").read_text())
    products = json.loads(folder.joinpath("products.json").read_text())
    count = container.recommendations.load_catalog(ingredients, products)
    yield f"catalog: {len(ingredients)} ingredients, {count} products"


def seed_all(container: Container) -> Iterator[str]:
    yield from seed_accounts(container)
    yield from seed_catalog(container)
    yield from seed_dermatologists(container, DEMO_PASSWORD)
