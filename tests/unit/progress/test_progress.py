"""Progress on fakes: deltas against the noise band, comparability, alignment, the use cases."""

from __future__ import annotations

import math
from typing import Any
from xml.etree import ElementTree

import numpy as np
import pytest

from metskin.adapters.i18n.translator import BabelTranslations
from metskin.domain.accounts.model import Role
from metskin.domain.analysis import colour, mirror
from metskin.domain.analysis import landmarks as lm
from metskin.domain.analysis.errors import AnalysisNotReady
from metskin.domain.analysis.plain import NAMES
from metskin.domain.analysis.readout import ResultReadout
from metskin.domain.analysis.service import AnalysisService
from metskin.domain.errors import Forbidden, ValidationFailed
from metskin.domain.progress import alignment
from metskin.domain.progress.charts import trend_svg
from metskin.domain.progress.comparability import THRESHOLD, comparability
from metskin.domain.progress.deltas import (
    TONE,
    Change,
    band_for,
    exposure_ratio,
    region_deltas,
    relit,
)
from metskin.domain.progress.errors import NotComparable
from metskin.domain.progress.pictures import SIDE, in_light_of, picture_pair
from metskin.domain.progress.service import ProgressService
from tests.fakes.analysis import FakeAnalysisUnitOfWork
from tests.fakes.infra import FakeClock, FakeEngine, FakeEventBus, FakeStorage
from tests.unit.builders import T0, analysis, result


def face_points(shift=(0.0, 0.0), scale=1.0, angle=0.0, seed=0) -> np.ndarray:
    """478 landmark-like points: eye corners placed like a face, the rest spread around."""
    rng = np.random.default_rng(seed)
    points = rng.uniform(-60, 60, (478, 2))
    points[[33, 133]] = [[-45, 0], [-15, 0]]
    points[[263, 362]] = [[45, 0], [15, 0]]
    turn = math.radians(angle)
    rotation = np.array([[math.cos(turn), -math.sin(turn)], [math.sin(turn), math.cos(turn)]])
    return points @ rotation.T * scale + np.array([200.0, 200.0]) + np.array(shift)


def stored(
    redness: float = 20.0,
    regions: dict[str, float] | None = None,
    *,
    raw_l: float = 60.0,
    gains=(1.0, 1.0, 1.0),
    eye_px: float = 60.0,
    yaw: float = 0.0,
    points: np.ndarray | None = None,
    confidence: float = 0.8,
    sclera: float | None = None,
    lab: tuple[float, float, float] = (65.0, 12.0, 16.0),
    ita: float = 30.0,
) -> dict[str, Any]:
    found = result(redness={"score": redness, "regions": regions or {"cheek_left": redness}})
    found["confidence"] = confidence
    found["tone"] = {"ita_deg": ita}
    found["capture"] = {
        "landmarks": (face_points() if points is None else points).tolist(),
        "eye_distance_px": eye_px,
        "yaw_deg": yaw,
        "pitch_deg": 0.0,
        "roll_deg": 0.0,
        "raw_skin_l": raw_l,
        "gains": list(gains),
        "region_lab": {"cheek_left": list(lab)},
        "sclera_level": sclera,
    }
    return found


def readout(**kwargs: Any) -> ResultReadout:
    return ResultReadout.from_stored(stored(**kwargs))


def test_a_change_is_called_only_outside_the_band() -> None:
    band = band_for("redness", "cheek_left")
    inside = region_deltas(readout(redness=20.0), readout(redness=20.0 + band * 0.9))
    outside = region_deltas(readout(redness=20.0), readout(redness=20.0 + band + 1.0))
    better = region_deltas(readout(redness=20.0 + band + 1.0), readout(redness=20.0))
    pick = {(d.concern, d.region): d for d in inside}
    assert pick[("redness", "cheek_left")].change is Change.NO_CHANGE
    assert {(d.concern, d.region): d.change for d in outside}[("redness", "cheek_left")] is (
        Change.INCREASED
    )
    assert {(d.concern, d.region): d.change for d in better}[("redness", "cheek_left")] is (
        Change.DECREASED
    )


def test_tone_is_compared_per_region_from_the_stored_colour() -> None:
    before = ResultReadout.from_stored(stored())
    darker = stored()
    darker["capture"]["region_lab"]["cheek_left"] = [55.0, 12.0, 20.0]
    deltas = {
        (d.concern, d.region): d for d in region_deltas(before, ResultReadout.from_stored(darker))
    }
    assert deltas[("tone", "cheek_left")].change is Change.DECREASED
    assert deltas[("tone", "face")].change is Change.NO_CHANGE  # the whole-face ITA is the same


def test_an_old_result_without_capture_still_compares_its_scores() -> None:
    old = result(redness={"score": 10.0, "regions": {"nose": 10.0}})
    deltas = region_deltas(
        ResultReadout.from_stored(old), readout(redness=60.0, regions={"nose": 60.0})
    )
    assert {(d.concern, d.region) for d in deltas} == {
        ("redness", "face"),
        ("redness", "nose"),
        ("tone", "face"),  # the whole-face ITA is stored; the regions' colour was not
    }
    assert comparability(ResultReadout.from_stored(old), readout()).flagged


def test_identical_captures_are_fully_comparable() -> None:
    score = comparability(readout(), readout())
    assert score.score == pytest.approx(1.0)
    assert not score.flagged and score.reasons == []


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"raw_l": 35.0}, "LIGHT"),
        ({"gains": (1.5, 1.0, 0.7)}, "LIGHT"),
        ({"yaw": 25.0}, "POSE"),
        ({"eye_px": 25.0}, "DISTANCE"),
        ({"confidence": 0.1}, "QUALITY"),
    ],
)
def test_each_difference_lowers_comparability_and_is_named(change, reason) -> None:
    score = comparability(readout(), readout(**change))
    assert score.score < THRESHOLD
    assert score.flagged
    assert reason in score.reasons


def smiling(points: np.ndarray, wider: float) -> np.ndarray:
    """The same landmarks with the mouth's corners `wider` eye distances apart (each moved out
    by half) and raised by 0.05: a smile (landmarks.smile grows by `wider` + 0.075)."""
    moved = points.copy()
    distance = lm.eye_distance(moved)
    moved[[61, 291]] = [[200.0 - 0.25 * distance, 230.0], [200.0 + 0.25 * distance, 230.0]]
    moved[[13, 14]] = [[200.0, 232.0], [200.0, 233.0]]
    smile = moved.copy()
    smile[61, 0] -= wider * distance / 2
    smile[291, 0] += wider * distance / 2
    smile[[61, 291], 1] -= 0.05 * distance
    return np.stack([moved, smile])


def test_a_smile_in_one_photo_is_named_as_the_expression() -> None:
    """A smile folds the skin into lines (SMILING): neutral against smiling is flagged, with
    EXPRESSION among the reasons; the same face at rest twice, or smiling twice, is not."""
    rest, smile = smiling(face_points(), 0.6)
    assert lm.smile(smile) - lm.smile(rest) == pytest.approx(0.675)
    flagged = comparability(readout(points=rest), readout(points=smile))
    assert flagged.flagged and flagged.reasons == ["EXPRESSION"]
    assert flagged.expression < 0.5 and flagged.score == pytest.approx(flagged.expression * 1.0)
    assert comparability(readout(points=rest), readout(points=rest)).expression == 1.0
    assert comparability(readout(points=smile), readout(points=smile)).expression == 1.0
    slight = comparability(readout(points=rest), readout(points=smiling(face_points(), 0.1)[1]))
    assert slight.expression > 0.9 and not slight.flagged


def test_a_mirror_image_is_compared_flipped_back() -> None:
    """A mirrored selfie's head turn and tilt change sign and its landmarks swap sides: read as
    they are, the same pose looks like a change; flipped back it does not."""
    points = face_points()
    before = readout(points=points, yaw=12.0)
    found = stored(points=mirror.mirror_points(points, 400.0), yaw=-12.0)
    found["capture"]["roll_deg"] = -0.0
    after = ResultReadout.from_stored(found)
    assert comparability(before, after).pose < 0.5
    assert comparability(before, after, mirrored=True).pose == pytest.approx(1.0)


def test_moving_the_camera_is_not_a_pose_change() -> None:
    moved = readout(points=face_points(shift=(40, -10), scale=1.05, angle=5.0))
    assert comparability(readout(), moved).pose > 0.99


def test_the_similarity_recovers_a_known_move() -> None:
    earlier = face_points()
    later = face_points(shift=(30, 12), scale=1.3, angle=10.0)
    back = alignment.transform(later, alignment.similarity(later, earlier))
    assert np.abs(back - earlier).max() < 1e-6
    assert alignment.pose_residual(earlier, later) < 1e-6


def test_the_mesh_warp_moves_the_later_face_onto_the_earlier() -> None:
    earlier = face_points(seed=1)
    later = face_points(shift=(15, 5), scale=1.1, angle=4.0, seed=1)
    image = np.zeros((420, 420, 3), dtype=np.uint8)
    x, y = later[1].round().astype(int)  # a bright mark at landmark 1 of the later face
    image[y - 2 : y + 3, x - 2 : x + 3] = 255
    warped = alignment.warp_mesh(image, later, earlier, (420, 420))
    ys, xs = np.nonzero(warped[..., 0] > 128)
    assert abs(xs.mean() - earlier[1, 0]) < 1.5 and abs(ys.mean() - earlier[1, 1]) < 1.5


# --- the use cases -----------------------------------------------------------------------


@pytest.fixture
def uow() -> FakeAnalysisUnitOfWork:
    return FakeAnalysisUnitOfWork()


@pytest.fixture
def service(uow: FakeAnalysisUnitOfWork) -> ProgressService:
    shared = {"derm-1"}

    def access(viewer_id: str, role: Role, item, *, audit: bool = True, part=None) -> bool:
        return viewer_id in shared and item.id != "a3"  # a3 is not shared

    analyses = AnalysisService(
        uow, FakeStorage(), FakeEngine(), FakeEventBus(), FakeClock(), access=access
    )
    for number, (owner, redness) in enumerate([("p1", 10.0), ("p1", 40.0), ("p1", 70.0)]):
        uow.analyses.add(analysis(f"a{number + 1}", owner, days=number * 28))
        uow.analyses.add_result(f"a{number + 1}", stored(redness), None)
    uow.analyses.add(analysis("other", "p2", days=1))
    uow.analyses.add_result("other", stored(), None)
    uow.analyses.add(analysis("failed", "p1", days=2))
    return ProgressService(analyses)


def test_compare_orders_the_pair_and_reads_the_change(service: ProgressService) -> None:
    found = service.compare("p1", Role.PATIENT, "a2", "a1")
    assert (found.before.id, found.after.id) == ("a1", "a2")
    redness = {(d.concern, d.region): d for d in found.deltas}[("redness", "face")]
    assert redness.delta == pytest.approx(30.0) and redness.change is Change.INCREASED
    assert found.comparability.score == pytest.approx(1.0)


MOLES = [(-0.30, 0.20), (0.12, 0.45), (0.25, -0.05), (-0.10, 0.60)]


def test_a_mirrored_selfie_is_compared_side_for_side(uow, service: ProgressService) -> None:
    """The later photo is the earlier one's mirror image (its spots match only flipped): its
    right cheek is the person's left, so the person's left cheek is compared with the left."""
    for name, (right, left), flip in (("m1", (40.0, 10.0), 1.0), ("m2", (10.0, 40.0), -1.0)):
        uow.analyses.add(analysis(name, "p1", days=100 + int(flip < 0)))
        found = stored(redness=25.0, regions={"cheek_right": right, "cheek_left": left})
        found["spots"] = [{"x": flip * x, "y": y} for x, y in MOLES]
        uow.analyses.add_result(name, found, None)
    compared = service.compare("p1", Role.PATIENT, "m1", "m2")
    assert compared.mirrored is True
    cheeks = {d.region: d for d in compared.deltas if d.concern == "redness"}
    assert cheeks["cheek_right"].delta == 0.0 and cheeks["cheek_left"].delta == 0.0
    assert {d.change for d in compared.deltas} == {Change.NO_CHANGE}
    # the same spots as taken: nothing is swapped, and the cheeks' change shows
    uow.analyses.add(analysis("m3", "p1", days=102))
    uow.analyses.add_result("m3", {**found, "spots": [{"x": x, "y": y} for x, y in MOLES]}, None)
    compared = service.compare("p1", Role.PATIENT, "m1", "m3")
    assert compared.mirrored is False
    assert {d.region: d.change for d in compared.deltas if d.concern == "redness"}[
        "cheek_left"
    ] is Change.INCREASED
    assert service.compare("p1", Role.PATIENT, "a1", "a2").mirrored is None  # no spots


def test_compare_refuses_two_people_a_stranger_and_an_unfinished_analysis(
    service: ProgressService,
) -> None:
    with pytest.raises(NotComparable):
        service.compare("p1", Role.ADMIN, "a1", "other")
    with pytest.raises(Forbidden):
        service.compare("p2", Role.PATIENT, "a1", "a2")
    with pytest.raises(AnalysisNotReady):
        service.compare("p1", Role.PATIENT, "a1", "failed")
    with pytest.raises(NotComparable):
        service.compare("p1", Role.PATIENT, "a1", "a1")


def test_progress_gives_trends_and_the_first_against_the_last(service: ProgressService) -> None:
    report = service.progress("p1", Role.PATIENT, "p1", T0, T0 + np.timedelta64(90, "D").item())
    assert [a.id for a in report.analyses] == ["a1", "a2", "a3"]
    assert [p.value for p in report.trends["redness"]] == [10.0, 40.0, 70.0]
    assert report.comparison is not None and report.comparison.after.id == "a3"


def test_a_dermatologist_sees_only_the_shared_analyses(service: ProgressService) -> None:
    end = T0 + np.timedelta64(90, "D").item()
    report = service.progress("derm-1", Role.DERMATOLOGIST, "p1", T0, end)
    assert [a.id for a in report.analyses] == ["a1", "a2"]
    with pytest.raises(Forbidden):
        service.progress("derm-2", Role.DERMATOLOGIST, "p1", T0, end)
    with pytest.raises(ValidationFailed):
        service.progress("p1", Role.PATIENT, "p1", end, T0)


# --- charts and pictures ---------------------------------------------------------------------


def test_the_trend_chart_is_svg_with_the_band_and_hollow_uncomparable_points() -> None:
    days = [T0 + np.timedelta64(28 * n, "D").item() for n in range(3)]
    points = list(zip(days, [20.0, 35.0, 50.0], [1.0, 0.3, 0.9], strict=True))
    svg = trend_svg("dark_circles", points, 5.0)
    root = ElementTree.fromstring(svg)
    circles = root.findall("{http://www.w3.org/2000/svg}circle")
    assert [c.get("fill") for c in circles] == ["#b03a2e", "white", "#b03a2e"]
    ys = [float(c.get("cy") or 0) for c in circles]
    assert ys[0] > ys[1] > ys[2]  # a higher score is drawn higher
    band = root.find("{http://www.w3.org/2000/svg}rect")
    assert band is not None and float(band.get("height") or 0) > 0
    assert "Dark circles over time (score out of 100)" in svg
    with pytest.raises(ValueError):
        trend_svg("redness", [], 3.0)


def test_the_trend_chart_says_what_it_shows_in_the_reader_s_language() -> None:
    points = [(T0, 20.0, 1.0), (T0 + np.timedelta64(28, "D").item(), 30.0, 1.0)]
    french = BabelTranslations().translator("fr-FR")
    texts = {
        concern: [
            t.text
            for t in ElementTree.fromstring(trend_svg(concern, points, 5.0, french)).iter(
                "{http://www.w3.org/2000/svg}text"
            )
        ][:3]
        for concern in ("acne", "tone")
    }
    assert texts == {
        "acne": [
            "Boutons (acné)",
            "Score sur 100, au fil du temps",
            "Bande grisée : pas de changement",
        ],
        "tone": [
            "Teinte de peau",
            "Degrés ITA, au fil du temps",
            "Bande grisée : pas de changement",
        ],
    }
    assert 'aria-label="Skin tone over time (ITA degrees);' in trend_svg("tone", points, 5.0)


def test_the_trend_chart_s_words_read_at_their_size_on_a_phone() -> None:
    """At 480 px wide with 10-14 px text the chart was shown at 0.6 of its size on a 375 px
    phone, its words 6-8 px high. Now it is about a phone's width, its words 13-16 px, and
    each line fits inside it in English, French and German (at most 0.6 em a character)."""
    points = [(T0, 20.0, 1.0), (T0 + np.timedelta64(28, "D").item(), 30.0, 1.0)]
    translations = BabelTranslations()
    for locale in ("en-GB", "fr-FR", "de-DE"):
        for concern in (*NAMES, "tone"):
            root = ElementTree.fromstring(
                trend_svg(concern, points, 5.0, translations.translator(locale))
            )
            width = float(root.get("width") or 0)
            assert width <= 345
            for text in root.iter("{http://www.w3.org/2000/svg}text"):
                size = float(text.get("font-size") or 0)
                assert size >= 13
                room = width - float(text.get("x") or 0)
                assert len(text.text or "") * 0.6 * size <= room, (locale, concern, text.text)


def test_the_later_photo_is_moved_onto_the_earlier_and_into_its_light() -> None:
    earlier = face_points(seed=2)
    later = face_points(shift=(20, -8), scale=0.9, angle=6.0, seed=2)
    before = np.full((420, 420, 3), 120, dtype=np.uint8)
    after = np.full((420, 420, 3), 120, dtype=np.uint8)
    for image, points in ((before, earlier), (after, later)):
        x, y = points[1].round().astype(int)
        image[y - 3 : y + 4, x - 3 : x + 4] = 250
    pair = picture_pair(before, earlier, after, later)
    assert pair.before.shape == pair.after.shape == (SIDE, SIDE, 3)
    assert pair.side_by_side.shape[1] > 2 * SIDE
    bright_before = np.argwhere(pair.before[..., 0] > 200).mean(axis=0)
    bright_after = np.argwhere(pair.after[..., 0] > 200).mean(axis=0)
    assert np.abs(bright_before - bright_after).max() < 3  # the same place after the warp
    warm = np.array([1.0, 0.8, 0.6])  # the later light needed these gains; the earlier none
    grey = in_light_of(np.full((2, 2, 3), 100, dtype=np.uint8), warm, np.ones(3))
    assert grey[0, 0, 0] > grey[0, 0, 1] > grey[0, 0, 2]


# --- colour normalised between visits ------------------------------------------------------


@pytest.mark.parametrize("ratio", [0.5, 0.7, 1.0, 1.4, 2.0])
def test_relit_is_the_colour_of_the_same_surface_under_more_light(ratio: float) -> None:
    rgb = np.array([[0.30, 0.20, 0.15], [0.05, 0.04, 0.03], [0.6, 0.5, 0.45]])
    for before, after in zip(
        colour.linear_to_lab(rgb), colour.linear_to_lab(rgb * ratio), strict=True
    ):
        assert np.allclose(relit(tuple(before), ratio), after, atol=1e-6)


def lit(stops: float, sclera: float | None, **kwargs: Any) -> ResultReadout:
    """The stored cheek under 2**stops times the light: its skin L*, cheek colour and eyes."""
    lab = relit((65.0, 12.0, 16.0), 2.0**stops)
    skin = relit((60.0, 10.0, 14.0), 2.0**stops)[0]
    ita = colour.ita_deg(lab[0], lab[2])
    return readout(raw_l=skin, lab=lab, sclera=sclera, ita=ita, **kwargs)


def test_a_pure_light_change_is_normalised_on_the_eyes_and_the_skin() -> None:
    before = lit(0.0, -1.0)
    for stops in (-1.0, -0.5, 0.4, 1.0):
        after = lit(stops, -1.0 + stops)  # eyes and skin both moved with the light
        assert exposure_ratio(before, after) == pytest.approx(2.0**-stops)
        tone = {d.region: d for d in region_deltas(before, after) if d.concern == TONE}
        assert abs(tone["cheek_left"].delta) < 1e-6 and tone["face"].change is Change.NO_CHANGE
        unnormalised = region_deltas(before, lit(stops, None))  # no eyes: no normalisation
        moved = {d.region: d for d in unnormalised if d.concern == TONE}["cheek_left"]
        assert abs(moved.delta) > 8.0 and (moved.delta > 0) is (stops > 0)


def test_a_change_of_the_skin_alone_is_kept() -> None:
    """A tan: the skin darker, the eyes as before (within their noise): no normalisation."""
    before = lit(0.0, -1.0)
    for eyes in (0.0, 0.05, -0.03):
        tanned = lit(-1.0, -1.0 + eyes)
        assert 1.0 <= exposure_ratio(before, tanned) <= 2.0**0.05
        tone = {d.region: d for d in region_deltas(before, tanned) if d.concern == TONE}
        assert tone["cheek_left"].change is Change.DECREASED  # darker
        assert tone["face"].change is Change.DECREASED


def test_eyes_that_disagree_with_the_skin_change_nothing() -> None:
    before = lit(0.0, -1.0)
    squint = lit(0.0, -1.5)  # less sclera shows on a smile: the eyes read darker, skin same
    assert exposure_ratio(before, squint) == 1.0
    assert exposure_ratio(before, lit(0.5, -1.6)) == 1.0  # opposite directions
    assert exposure_ratio(before, lit(-3.0, -4.0)) == pytest.approx(4.0)  # capped at 2 stops
