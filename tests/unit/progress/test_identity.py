"""May two analyses not be of the same person (`progress.identity`): the rule on fixed landmark
arrays, and the comparison that calls no change when it fires."""

from __future__ import annotations

import math

import numpy as np
import pytest

from metskin.domain.accounts.model import Role
from metskin.domain.analysis import landmarks as lm
from metskin.domain.analysis import mirror
from metskin.domain.analysis.readout import ResultReadout
from metskin.domain.analysis.service import AnalysisService
from metskin.domain.progress import identity
from metskin.domain.progress.comparability import THRESHOLD, comparability
from metskin.domain.progress.deltas import Change
from metskin.domain.progress.service import ProgressService
from tests.fakes.analysis import FakeAnalysisUnitOfWork
from tests.fakes.infra import FakeClock, FakeEngine, FakeEventBus, FakeStorage
from tests.unit.builders import T0, analysis
from tests.unit.progress.test_progress import face_points, readout, stored

NOSE = [6, 168, 197, 195, 5, 4, 1]  # bridge to tip, in SHAPE


def someone_else(points: np.ndarray, by: float = 0.15) -> np.ndarray:
    """Another face shape: the nose `by` eye distances longer at its tip (the bridge less) and
    the brow ridge `by` / 2 higher; the eye corners where they were."""
    moved = points.copy()
    distance = lm.eye_distance(points)
    moved[NOSE, 1] += by * distance * np.linspace(0.2, 1.0, len(NOSE))
    moved[list(identity.BROW_RIDGE), 1] -= by * distance / 2
    return moved


def moved(points: np.ndarray, scale: float, angle: float, shift: tuple[float, float]) -> np.ndarray:
    turn = math.radians(angle)
    rotation = np.array([[math.cos(turn), -math.sin(turn)], [math.sin(turn), math.cos(turn)]])
    centre = points.mean(axis=0)
    return (points - centre) @ rotation.T * scale + centre + np.array(shift)


def test_the_same_face_nearer_tilted_turned_or_mirrored_is_the_same_person() -> None:
    face = face_points()
    rng = np.random.default_rng(3)
    noisy = moved(face, 1.4, 12.0, (30.0, -12.0)) + rng.normal(0.0, 0.2, face.shape)
    turned = face.copy()  # a 15 degree turn moves each point across by its depth
    shape = list(identity.SHAPE)
    turned[shape, 0] += np.array(identity.DEPTH) * lm.eye_distance(face) * math.sin(0.26)
    for later in (face, noisy, turned, mirror.mirror_points(face, 400.0)):
        found = comparability(readout(points=face), readout(points=later))
        assert found.identity is not None and found.identity < 0.5
        assert not found.different_person and "DIFFERENT_PERSON" not in found.reasons


def test_another_face_shape_is_flagged_first_among_the_reasons() -> None:
    face = face_points()
    found = comparability(readout(points=face), readout(points=someone_else(face)))
    assert found.identity is not None and found.identity >= 1.0
    assert found.different_person and found.flagged
    assert found.reasons[0] == "DIFFERENT_PERSON"
    assert found.score > THRESHOLD  # the light, pose and the rest alone would not flag it
    slight = comparability(readout(points=face), readout(points=someone_else(face, 0.01)))
    assert not slight.different_person


@pytest.mark.parametrize(("before", "after", "flagged"), [(30.0, 60.0, False), (60.0, -15.0, True)])
def test_tone_counts_only_beyond_what_light_or_a_tan_moves(before, after, flagged) -> None:
    """30 degrees of ITA is a dimmer room or a summer (up to 32 on the London copies after the
    exposure is normalised); 75 is a fair face against a dark one."""
    found = comparability(readout(ita=before), readout(ita=after))
    assert found.different_person is flagged


def test_a_result_without_landmarks_is_not_judged() -> None:
    old = stored(ita=-40.0)
    old["capture"]["landmarks"] = []
    found = comparability(readout(), ResultReadout.from_stored(old))
    assert found.identity is None and not found.different_person
    broken = face_points()
    broken[4] = np.nan  # not a face: not judged rather than a failed comparison
    assert identity.evidence(readout(), readout(points=broken)) is None


def test_two_people_under_one_account_get_no_change_called() -> None:
    """Before: the partner's photo compared as the person's: redness 10 -> 70 INCREASED,
    unflagged (comparability 1.0)."""
    uow = FakeAnalysisUnitOfWork()
    analyses = AnalysisService(uow, FakeStorage(), FakeEngine(), FakeEventBus(), FakeClock())
    face = face_points()
    for name, days, points, redness in (
        ("me", 0, face, 10.0),
        ("partner", 30, someone_else(face), 70.0),
    ):
        uow.analyses.add(analysis(name, "p1", days=days))
        uow.analyses.add_result(name, stored(redness, points=points), None)
    service = ProgressService(analyses)
    compared = service.compare("p1", Role.PATIENT, "me", "partner")
    assert compared.comparability.different_person and compared.comparability.flagged
    assert {d.change for d in compared.deltas} == {Change.NO_CHANGE}
    redness = {(d.concern, d.region): d for d in compared.deltas}[("redness", "face")]
    assert redness.delta == pytest.approx(60.0)  # shown, not called
    report = service.progress("p1", Role.PATIENT, "p1", T0, T0 + np.timedelta64(60, "D").item())
    assert [p.comparability for p in report.trends["redness"]] == [1.0, 0.0]  # hollow
