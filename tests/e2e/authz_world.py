"""The world the authorization matrix runs in: six personas and the data of two patients.

Everyone agreed to the analysis of their photos. P owns a finished analysis (with media and an
overlay), a referral taken to D1, an appointment with D1, a share of the analysis with D1, a rating,
a routine, a ready data export and an uploaded photo not yet analysed. Q has an analysis, a share
and an appointment with D2, and a rating. D1 and D2 are dermatologists in the directory; admin is an
administrator.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from metskin.adapters.db.migrations import upgrade
from metskin.bootstrap import Container, bootstrap
from metskin.cli.seed import seed_catalog
from metskin.domain.accounts.model import Role
from metskin.domain.apikeys.model import Scope
from metskin.domain.directory.model import ConsultationType
from metskin.domain.inbox import entries
from metskin.domain.inbox.service import tell
from metskin.domain.labels.model import Concern, LabelInput
from tests.conftest import make_settings
from tests.e2e.conftest import PASSWORD
from tests.e2e.test_care_api import add_done_analysis
from tests.integration.test_care_booking import day_slots, make_doctor
from tests.media_samples import face_jpeg

PERSONAS = ("anon", "P", "Q", "D1", "D2", "admin")
VIDEO = ConsultationType.VIDEO
SEVERE_ACNE = {"acne": (80.0, {"lesion_count": 60.0})}


@dataclass
class World:
    container: Container
    users: dict[str, Any] = field(default_factory=dict)  # persona -> domain User
    tokens: dict[str, str] = field(default_factory=dict)  # persona -> access token
    refresh: dict[str, str] = field(default_factory=dict)  # persona -> refresh token
    p: dict[str, str] = field(default_factory=dict)  # what P owns, by name
    q: dict[str, str] = field(default_factory=dict)  # what Q owns, by name
    free_slots: list[datetime] = field(default_factory=list)  # D1's, nobody booked them
    product_id: str = ""

    def id(self, persona: str) -> str:
        return str(self.users[persona].id)

    def markers(self) -> set[str]:
        """What must never reach someone P did not give it to: P's id, email and name, and
        the ids of everything P owns."""
        user = self.users["P"]
        return {user.id, user.email, user.profile.display_name, *self.p.values()}

    def p_access_reads(self) -> int:
        """How many reads of P's data the access log holds."""
        return len(self.container.sharing.access_log(self.id("P"), None, 10_000))


P_UPLOAD_KEY = "p-upload-key-0001"  # the key P's upload was sent with (`uploadByKey`)


@contextmanager
def template_database(folder: Path) -> Iterator[Path]:
    """A migrated SQLite file with the catalog, made once and copied for every world."""
    path = folder / "template.db"
    upgrade(f"sqlite:///{path}")
    container = bootstrap(make_settings(folder / "template", database_url=f"sqlite:///{path}"))
    list(seed_catalog(container))
    container.close()
    yield path


def build_world(folder: Path, template: Path, name: str) -> World:
    """A fresh world in its own SQLite file and media folder."""
    db = folder / f"{name}.db"
    shutil.copy(template, db)
    settings = make_settings(folder / name, database_url=f"sqlite:///{db}")
    world = World(bootstrap(settings))
    _people(world)
    _patient_data(world)
    return world


def _people(world: World) -> None:
    c = world.container
    names = {"P": "Perdita Pemberton", "Q": "Quentin Quayle"}
    for persona, display in names.items():
        c.accounts.register(f"{persona.lower()}-patient@example.com", PASSWORD, display)
    make_doctor(c, "d1@example.com")
    make_doctor(c, "d2@example.com", template=1)
    c.accounts.register("admin@example.com", PASSWORD, "Ada Admin", Role.ADMIN)
    emails = {
        "P": "p-patient@example.com",
        "Q": "q-patient@example.com",
        "D1": "d1@example.com",
        "D2": "d2@example.com",
        "admin": "admin@example.com",
    }
    for persona, email in emails.items():
        session = c.accounts.login(email, PASSWORD)
        c.photo_consent.give(session.user.id)  # everyone may upload: they agreed
        world.users[persona] = session.user
        world.tokens[persona] = session.tokens.access_token
        world.refresh[persona] = session.tokens.refresh_token


def _patient_data(world: World) -> None:
    c = world.container
    world.product_id = "cerabalance-hydrating-cream-cleanser"
    slots = day_slots(days_ahead=4)
    world.free_slots = slots[2:]
    for persona, doctor, store, slot in (
        ("P", "D1", world.p, slots[0]),
        ("Q", "D2", world.q, slots[1]),
    ):
        owner, doctor_id = world.id(persona), world.id(doctor)
        overlay = f"overlays/{persona}.png"
        analysis = add_done_analysis(c, owner, SEVERE_ACNE, overlay_name=overlay)
        store["analysis"] = analysis
        store["media"] = c.analyses.get_for_viewer(owner, Role.PATIENT, analysis).media_id
        referral = c.referrals.for_analysis(owner, analysis)
        assert referral is not None, "severe acne must suggest a dermatologist"
        store["referral"] = referral.id
        store["share"] = c.sharing.share(owner, doctor_id, analysis, None).id
        store["appointment"] = c.appointments.book(
            owner, doctor_id, slot, VIDEO, f"{persona} reason", referral.id
        ).id
        c.recommendations.rate(owner, world.product_id, 4, None)
    p = world.id("P")
    routine = c.recommendations.recommend(p, Role.PATIENT, world.p["analysis"])
    world.p["routine"] = routine.id
    # A step's product and an alternative taken off sale since: shown by name (`noLongerSold`)
    step = next(
        s["product_id"] for s in routine.routine["am"] if s["product_id"] != world.product_id
    )
    options = [o["product_id"] for a in routine.routine["alternatives"].values() for o in a]
    other = next(i for i in options if i not in (world.product_id, step))
    for gone in (step, other):
        c.recommendations.remove_product(gone)
    export = c.privacy.request_export(p)
    c.privacy.build_export(export.id)
    world.p["export"] = export.id
    world.p["upload"] = c.media.upload(p, face_jpeg(256), None, P_UPLOAD_KEY).id
    world.p["api_key"] = c.api_keys.create(p, "P's integration", [Scope.CATALOG_READ])[0].id
    grade = LabelInput(grades={Concern.ACNE: 1})  # D1's label on P's shared analysis
    world.p["label"] = c.labels.annotate(
        world.id("D1"), Role.DERMATOLOGIST, world.p["analysis"], grade
    ).id
    with c.new_uow() as uow:  # everyone has a notification; P's names P's analysis
        for who in PERSONAS[1:]:
            subject = world.p["analysis"] if who == "P" else f"note-for-{who}"
            tell(uow, entries.analysis_done(world.id(who), subject), datetime.now(UTC))
        uow.commit()
    assert world.free_slots[0] > datetime.now(UTC) + timedelta(hours=3)
