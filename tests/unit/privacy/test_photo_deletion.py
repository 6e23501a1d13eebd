"""Deleting one photo (or video) and its results on the fakes: the files and rows made from
it go, the shares of its analyses only are revoked through the sharing path, another person's
or an unknown id is not found (and changes nothing), and a second call changes nothing."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import pytest

from metskin.domain.analysis.errors import AnalysisNotFound, MediaNotFound
from metskin.domain.errors import DomainError
from metskin.domain.privacy.model import StoredFile
from metskin.domain.recommendations.jobs import WHY_PHOTO_DELETED
from tests.unit.privacy.test_privacy_service import World

M1, M2, VIDEO, BARE, OTHERS = "m1-photo", "m2-photo", "m3-video", "m4-bare", "m9-other"


@pytest.fixture
def world() -> World:
    world = World()
    world.data.files["p1"], world.data.sections["p1"] = [], {}
    world.data.add_photo("p1", M1, ("a1",), shares=("s-a1",))
    world.data.add_photo("p1", M2, ("a2",))
    world.data.add_photo("p1", VIDEO, ("a3-first", "a3-again"), video=True)
    world.data.add_photo("p1", BARE)  # uploaded, never analysed
    world.data.add_photo("p2", OTHERS, ("a9",), shares=("s-a9",))
    for person in ("p1", "p2"):
        for stored in world.data.files[person]:
            world.storage.put(stored.name, b"bytes", stored.content_type)
    return world


def names(world: World, media_id: str) -> set[str]:
    return {stored.name for stored in world.data.photos[media_id].files}


def test_deleting_an_analysis_deletes_its_photo_files_rows_and_revokes_its_shares(
    world: World,
) -> None:
    gone, kept = names(world, M1), set(world.storage.objects) - names(world, M1)
    erasure = world.service.delete_analysis("p1", "a1")
    assert set(world.storage.objects) == kept  # the photo, its thumbnail and overlay
    assert (erasure.media_id, erasure.analysis_ids) == (M1, ("a1",))
    assert (erasure.files_deleted, erasure.shares_revoked) == (len(gone), 1)
    assert world.care.revoked == [("p1", "s-a1")]  # the dermatologist's dashboard is told
    sections = world.data.sections["p1"]
    assert [a["id"] for a in sections["analyses"]] == ["a2", "a3-first", "a3-again"]
    assert all(r["analysis_id"] != "a1" for r in sections["routines"])
    assert erasure.rows_deleted == 4  # the media, the analysis, its routine, its share
    assert world.data.shares["p1"] == []
    assert world.service.delete_analysis("p1", "a2").media_id == M2  # the rest still deletes


def test_a_video_goes_with_every_analysis_of_it_and_their_frames(world: World) -> None:
    frames = {name for name in names(world, VIDEO) if name.endswith("frame.jpg")}
    assert len(frames) == 2
    erasure = world.service.delete_analysis("p1", "a3-again")
    assert erasure.analysis_ids == ("a3-first", "a3-again")
    assert not frames & set(world.storage.objects)
    with pytest.raises(AnalysisNotFound):
        world.service.delete_analysis("p1", "a3-first")


@pytest.mark.parametrize("who, analysis_id", [("p1", "a9"), ("doc", "a1"), ("p1", "nope")])
def test_another_persons_or_an_unknown_analysis_is_not_found(
    world: World, who: str, analysis_id: str
) -> None:
    """The same answer whether it exists or not: nobody learns that an id is an analysis."""
    objects, sections = dict(world.storage.objects), repr(world.data.sections)
    with pytest.raises(AnalysisNotFound) as refused:
        world.service.delete_analysis(who, analysis_id)
    assert (refused.value.code, refused.value.field) == ("ANALYSIS_NOT_FOUND", "id")
    assert world.storage.objects == objects and repr(world.data.sections) == sections
    assert world.care.revoked == []


def test_a_second_delete_changes_nothing(world: World) -> None:
    world.service.delete_analysis("p1", "a1")
    objects, sections = dict(world.storage.objects), repr(world.data.sections)
    with pytest.raises(AnalysisNotFound):
        world.service.delete_analysis("p1", "a1")
    assert world.storage.objects == objects and repr(world.data.sections) == sections
    assert world.care.revoked == [("p1", "s-a1")]


def test_an_upload_never_analysed_is_deleted_by_its_media_id(world: World) -> None:
    gone = names(world, BARE)
    erasure = world.service.delete_media("p1", BARE)
    assert (erasure.analysis_ids, erasure.files_deleted) == ((), 2)
    assert not gone & set(world.storage.objects)
    for who, media_id in (("p1", BARE), ("p1", OTHERS), ("p2", M1)):
        with pytest.raises(MediaNotFound):
            world.service.delete_media(who, media_id)


def test_a_share_revoked_meanwhile_does_not_stop_the_delete(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    def revoked_already(patient_id: str, share_id: str) -> None:
        raise DomainError("This share was revoked.")

    monkeypatch.setattr(world.care, "revoke_share", revoked_already)
    erasure = world.service.delete_analysis("p1", "a1")
    assert erasure.shares_revoked == 0 and not names(world, M2) - set(world.storage.objects)
    assert M1 not in world.data.photos


def test_a_thumbnail_made_by_a_read_during_the_delete_is_deleted_too(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read of the photo between the file step and the row step makes its thumbnail again
    (a photo's is made on its first decode)."""
    thumbnail = next(n for n in names(world, M1) if n.endswith("thumbnail.jpg"))
    erase = world.data.erase_photo

    def read_meanwhile(media_id: str) -> Any:
        world.storage.put(thumbnail, b"made again", "image/jpeg")
        return erase(media_id)

    monkeypatch.setattr(world.data, "erase_photo", read_meanwhile)
    world.service.delete_analysis("p1", "a1")
    assert thumbnail not in world.storage.objects


def test_an_overlay_stored_by_a_run_that_finished_during_the_delete_is_deleted(
    world: World,
) -> None:
    """The analysis was running when the delete read what to delete; it stored its overlay
    and committed its result before the rows went: the rows' step names it, and it goes."""
    late = StoredFile("overlays/a2/a2/late-overlay.jpg", "image/jpeg")
    world.storage.put(late.name, b"overlay", late.content_type)
    world.data.made[M2] = (late,)
    erasure = world.service.delete_analysis("p1", "a2")
    assert late.name not in world.storage.objects
    assert erasure.files_deleted == 4  # the photo, its thumbnail, its overlay, and that one


def test_the_account_erasure_deletes_an_overlay_stored_meanwhile_too(world: World) -> None:
    """The same look again, when the whole account goes (the shared mechanism)."""
    late = StoredFile("overlays/a1/a1/late-overlay.jpg", "image/jpeg")
    world.storage.put(late.name, b"overlay", late.content_type)
    world.data.made[M1] = (late,)
    listed = {stored.name for stored in world.data.files["p1"]}
    erasure = world.service.erase_account("admin", "p1")
    assert late.name not in world.storage.objects
    assert erasure.files_deleted == len(listed) + 1
    assert not listed & set(world.storage.objects)


def test_a_deleted_photo_s_owner_gets_the_routine_they_follow_now_rebuilt(world: World) -> None:
    """Before, deleting the newest photo left the routine of the one before as it was saved,
    maybe with a product the person's pregnancy had taken out since. An upload never analysed
    has no routine; a rebuild that fails leaves the deletion done."""
    asked: list[tuple[str, str]] = []
    world.service.rebuild_routine = lambda user_id, why: asked.append((user_id, why))
    world.service.delete_analysis("p1", "a2")
    world.service.delete_media("p1", BARE)
    assert asked == [("p1", WHY_PHOTO_DELETED)]

    def broken(user_id: str, why: str) -> None:
        raise RuntimeError("the catalog could not be read")

    world.service.rebuild_routine = broken
    assert world.service.delete_analysis("p1", "a1").media_id == M1


def test_a_deleted_photo_s_referrals_are_worked_again_from_its_upload_time(
    world: World,
) -> None:
    """Before, a referral that rested on the photo (a worsening across it and later ones) kept
    its evidence, the deleted photo's values in it. Now the referrals made since its upload are
    worked again (`ReferralService.after_photo_deleted`); an upload never analysed changes no
    referral, and one that fails leaves the deletion done."""
    taken = world.clock.now - timedelta(days=30)
    world.data.add_photo("p1", "m5-dated", ("a5",), taken_at=taken)
    asked: list[tuple[str, datetime | None]] = []
    world.service.rework_referrals = lambda user_id, since: asked.append((user_id, since))
    world.service.delete_analysis("p1", "a5")
    world.service.delete_analysis("p1", "a2")
    world.service.delete_media("p1", BARE)
    assert asked == [("p1", taken), ("p1", None)]

    def broken(user_id: str, since: datetime | None) -> None:
        raise RuntimeError("the history could not be read")

    world.service.rework_referrals = broken
    assert world.service.delete_analysis("p1", "a1").media_id == M1


def test_an_analysis_started_between_the_two_steps_is_listed_with_those_deleted(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A `startAnalysis` that commits after the deletion read the upload and before its rows
    step: the analysis goes with the upload, and the answer lists it (before: only the
    analyses the first step read)."""
    erase = world.data.erase_photo

    def started_meanwhile(media_id: str) -> Any:
        world.data.photos[BARE] = replace(world.data.photos[BARE], analysis_ids=("a-late",))
        return erase(media_id)

    monkeypatch.setattr(world.data, "erase_photo", started_meanwhile)
    erasure = world.service.delete_media("p1", BARE)
    assert erasure.analysis_ids == ("a-late",)
