"""Demo data for a fresh install (`metskin seed`). Safe to run again: existing rows are kept.

Demo accounts, the product catalog, and demo dermatologists (accounts with the dermatologist
role, practice profiles, availability) whose profiles are refreshed from the data file; their
bios' translations are filled where the database has none, an editor's own never replaced.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from importlib import resources
from typing import TYPE_CHECKING

from metskin.domain.accounts.errors import EmailTaken
from metskin.domain.accounts.model import Role, User
from metskin.domain.directory.loader import load_dermatologists
from metskin.domain.directory.model import Dermatologist, with_translations_kept

if TYPE_CHECKING:
    from metskin.bootstrap import Container

DEMO_PASSWORD = "demo-skin-2026!"
DEMO_ACCOUNTS = (
    ("patient@demo.metskin.local", "Dana Patient", Role.PATIENT),
    ("derm@demo.metskin.local", "Dr Ada Derm", Role.DERMATOLOGIST),
    ("admin@demo.metskin.local", "Alex Admin", Role.ADMIN),
)
DEMO_DERMATOLOGIST = "derm@demo.metskin.local"  # the demo login gets a practice too
DEMO_PATIENT = "patient@demo.metskin.local"  # `seed --story` gives them six weeks of use


def seed_all(container: Container) -> Iterator[str]:
    yield from seed_accounts(container)
    yield from seed_catalog(container)
    yield from seed_dermatologists(container, DEMO_PASSWORD)


def seed_accounts(container: Container) -> Iterator[str]:
    """The demo patient stands for someone who ticked the photo-analysis consent box at
    sign-up (the README's examples upload as them); a kept account keeps its own choice."""
    for email, name, role in DEMO_ACCOUNTS:
        try:
            user = container.accounts.register(email, DEMO_PASSWORD, name, role, verified=True)
            if role is Role.PATIENT:
                container.photo_consent.give(user.id)
            yield f"created {role.value} {email} (password: {DEMO_PASSWORD})"
        except EmailTaken:
            yield f"kept {role.value} {email}"


def seed_catalog(container: Container) -> Iterator[str]:
    folder = resources.files("metskin").joinpath("data", "catalog")
    ingredients = json.loads(folder.joinpath("ingredients.json").read_text())
    products = json.loads(folder.joinpath("products.json").read_text())
    count = container.recommendations.load_catalog(ingredients, products)
    yield f"catalog: {len(ingredients)} ingredients, {count} products"


def seed_dermatologists(container: Container, password: str) -> Iterator[str]:
    # Their practices' phone numbers are in ranges reserved for fiction (the note atop
    # data/dermatologists.json): Ofcom's 020 7946 0xxx and 0161 496 0xxx, North America's
    # 555-01xx, the Bundesnetzagentur's 030 23125 xxx. No real practice is ever called.
    doctors = load_dermatologists()
    created, profiles = 0, []
    for doctor in doctors:
        user, new = _account(container, doctor.email, doctor.name, password)
        created += new
        profiles.append(_as_user(doctor, user, doctor.name))
    demo, _ = _account(container, DEMO_DERMATOLOGIST, "Dr Ada Derm", password)
    profiles.append(_as_user(doctors[0], demo, demo.profile.display_name))
    stored = {p.id: p for p in container.directory.get_many([p.id for p in profiles])}
    for profile in profiles:
        container.directory.publish(with_translations_kept(profile, stored.get(profile.id)))
    cities = Counter(d.practice.city for d in doctors)
    yield (
        f"dermatologists: {len(doctors)} ({created} new) in "
        + ", ".join(f"{city} {n}" for city, n in sorted(cities.items()))
        + f"; {DEMO_DERMATOLOGIST} has a practice in {doctors[0].practice.city}"
    )


def _account(container: Container, email: str, name: str, password: str) -> tuple[User, bool]:
    try:
        made = container.accounts.register(email, password, name, Role.DERMATOLOGIST, verified=True)
        return made, True
    except EmailTaken:
        with container.new_uow() as uow:
            user = uow.users.get_by_email(email)
        if user is None:
            raise
        return user, False


def _as_user(doctor: Dermatologist, user: User, name: str) -> Dermatologist:
    return replace(
        doctor,
        id=user.id,
        name=name or doctor.name,
        email=user.email,
        availability=replace(doctor.availability, doctor_id=user.id),
    )
