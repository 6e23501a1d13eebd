"""Demo dermatologists: accounts with the dermatologist role, practice profiles, availability.

Safe to run again: existing accounts are kept and their profiles refreshed from the data file.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import replace

from metskin.bootstrap import Container
from metskin.domain.accounts.errors import EmailTaken
from metskin.domain.accounts.model import Role, User
from metskin.domain.directory.loader import load_dermatologists
from metskin.domain.directory.model import Dermatologist

DEMO_DERMATOLOGIST = "derm@demo.metskin.local"  # the demo login gets a practice too


def seed_dermatologists(container: Container, password: str) -> Iterator[str]:
    doctors = load_dermatologists()
    created = 0
    for doctor in doctors:
        user, new = _account(container, doctor.email, doctor.name, password)
        created += new
        container.directory.publish(_as_user(doctor, user, doctor.name))
    demo, _ = _account(container, DEMO_DERMATOLOGIST, "Dr. Ada Derm", password)
    container.directory.publish(_as_user(doctors[0], demo, demo.profile.display_name))
    cities = Counter(d.practice.city for d in doctors)
    yield (f"dermatologists: {len(doctors)} ({created} new) in "
           + ", ".join(f"{city} {n}" for city, n in sorted(cities.items()))
           + f"; {DEMO_DERMATOLOGIST} has a practice in {doctors[0].practice.city}")


def _account(container: Container, email: str, name: str, password: str) -> tuple[User, bool]:
    try:
        return container.accounts.register(email, password, name, Role.DERMATOLOGIST), True
    except EmailTaken:
        with container.new_uow() as uow:
            user = uow.users.get_by_email(email)
        if user is None:
            raise
        return user, False


def _as_user(doctor: Dermatologist, user: User, name: str) -> Dermatologist:
    return replace(doctor, id=user.id, name=name or doctor.name, email=user.email,
                   availability=replace(doctor.availability, doctor_id=user.id))
