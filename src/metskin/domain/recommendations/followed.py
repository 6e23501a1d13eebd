"""The routine a person follows: the newest one saved for them (the first of `myRoutines`,
the one their check-ins count from and a change is told against). Only the owner's read (or
the pipeline's, for them) of their latest analysis makes a routine that, and only when what it
was built from is still what they say (`still_says`): a profile saved while the pipeline built
the routine of a new photo would otherwise leave them a routine made for before it. The routine
of a photo deleted (`adrift`) or of a run that failed after saving it (`count_back`,
`taken_back`) leaves the one before followed again."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from metskin.domain.accounts.model import Profile
from metskin.domain.analysis.records import Analysis, AnalysisStatus
from metskin.domain.checkins.service import restart
from metskin.domain.inbox import entries
from metskin.domain.inbox.service import tell
from metskin.domain.recommendations.errors import failed_has_no_routine
from metskin.domain.recommendations.feedback import Feedback, turned_down
from metskin.domain.recommendations.jobs import CARE_FIELDS, WHY_NEW_PHOTO
from metskin.domain.recommendations.model import SavedRoutine
from metskin.domain.recommendations.payload import lineup_change
from metskin.domain.recommendations.ports import RecommendationsUnitOfWork

CareState = tuple[Any, ...]  # what a routine is built from, of what the person says


def care_state(profile: Profile, ratings: list[Feedback]) -> CareState:
    """The profile's fields a routine is built from, and the products the ratings turn down."""
    return (*(getattr(profile, name) for name in sorted(CARE_FIELDS)), turned_down(ratings))


def still_says(uow: RecommendationsUnitOfWork, user_id: str, state: CareState) -> bool:
    """Whether the person still says what `state` was read from. Their row stays locked until
    the routine is saved: a profile saved meanwhile waits, and its rebuild then finds it."""
    person = uow.users.get(user_id, for_update=True)
    return (
        person is not None and care_state(person.profile, uow.feedback.for_user(user_id)) == state
    )


def refuse_if_failed(uow: RecommendationsUnitOfWork, analysis_id: str) -> None:
    """A routine is saved for an analysis only while it has not failed: its row locked as the
    call that marks it FAILED locks it (`AnalysisService.mark_failed`), so a delivery still
    running when another failed it (a retry, a lost lease) saves nothing after the failure's
    step dropped the analysis's routines (`after_failure`); one that saved first is dropped by
    that step, which runs after the failure's commit."""
    analysis = uow.analyses.get(analysis_id, for_update=True)
    if analysis is None or analysis.status is AnalysisStatus.FAILED:
        raise failed_has_no_routine()


def followed(uow: RecommendationsUnitOfWork, user_id: str) -> SavedRoutine | None:
    found = uow.routines.list_for_user(user_id, None, 1)
    return found[0] if found else None


def adrift(uow: RecommendationsUnitOfWork, current: SavedRoutine | None) -> bool:
    """Whether the routine followed became so without being made the person's routine: their
    check-in count started after it was saved, so the routine it was counted from was deleted
    (the photo of the routine they followed, `deleteAnalysis`), and the one before came back
    as the newest. Each routine made theirs restarts the count at its own `created_at` or later
    (`make_current`), so while it is there the count never starts after the routine followed."""
    if current is None:
        return False
    schedule = uow.check_ins.get(current.user_id)
    anchor = schedule.anchor_at if schedule else None
    return anchor is not None and current.created_at < anchor


def hold_why(uow: RecommendationsUnitOfWork, user_id: str, why: str, at: datetime) -> None:
    """A change said (`why`) while the photo of the routine followed is measured, kept beside
    the person's routines (not in what was built, which their data export shows as built):
    the next change told (`told_change`: the rebuild once the result is stored, once the run
    failed, or the job's retry, whichever comes first) says it with every why kept, in the
    order said; a rebuild that finds the routine up to date forgets them (`release`)."""
    if why and followed(uow, user_id) is not None:
        uow.routines.hold(user_id, why, at)


def count_back(uow: RecommendationsUnitOfWork, back: SavedRoutine | None, user_id: str) -> None:
    """The routine of a failed analysis dropped, `back` (the one before, or none) is followed
    again, and the check-in count is as it was before that photo: restarted at `back`'s own
    `created_at` when the dropped routine had moved it (`adrift`), stopped with none."""
    if back is None:
        stop_counting(uow, user_id)
    elif adrift(uow, back):
        person = uow.users.get(user_id)
        restart(uow, user_id, back.created_at, person.profile.time_zone if person else "UTC")


def stop_counting(uow: RecommendationsUnitOfWork, user_id: str) -> None:
    """No routine is left to follow (the photo of the only one was deleted): no check-in is
    due until a new routine (a new photo) starts the count again."""
    schedule = uow.check_ins.get(user_id)
    if schedule is not None and schedule.anchor_at is not None:
        schedule.stop()
        uow.check_ins.save(schedule)
        uow.commit()


def is_latest(
    uow: RecommendationsUnitOfWork, analysis: Analysis, current: SavedRoutine | None
) -> bool:
    """Whether `analysis` is no older than the one behind the person's `current` routine
    (none, or an analysis since erased: nothing newer to keep)."""
    if current is None or current.analysis_id == analysis.id:
        return True
    behind = uow.analyses.get(current.analysis_id)
    return behind is None or analysis.created_at >= behind.created_at


def make_current(
    uow: RecommendationsUnitOfWork,
    routine: SavedRoutine,
    existing: SavedRoutine | None,
    current: SavedRoutine | None,
    time_zone: str,
    why: str,
    switched: bool = False,
    left: SavedRoutine | None = None,
) -> SavedRoutine:
    """`routine` saved (or `existing`, saved before for the same state, renewed) as the
    person's routine from now. The check-in count restarts with a new analysis (the
    check-in photo) or other products, and other products are told; the same products
    with new words, prices or article links (an editor's fix, a new exchange rate) keep
    the date the person is counting to. `switched`: the routine they followed was deleted
    and `current` came back in its place (`adrift`): the routine now followed is theirs from
    now, its count restarts and they are told which one it is, even when it did not change.
    `left`: the routine they followed before `current`, dropped because its analysis failed
    (`after_failure`): the change is told against it, the products they were last told of."""
    if existing is None:
        uow.routines.add(routine)
        again_at = ""
    else:
        # Back to a state the person had before (a rating taken back, a pregnancy ended):
        # the routine saved for it becomes theirs again, from now.
        routine = replace(existing, created_at=routine.created_at)
        uow.routines.renew(routine.id, routine.created_at)
        again_at = routine.created_at.isoformat()
    change = lineup_change(current.routine, routine.routine) if current else None
    new_photo = current is None or current.analysis_id != routine.analysis_id
    if switched or new_photo or change is not None:
        restart(uow, routine.user_id, routine.created_at, time_zone)
    if left is not None:
        change = lineup_change(left.routine, routine.routine)
    elif switched and change is None:
        change = {"added": [], "removed": []}  # the same products, of another photo
    if change is not None:
        # the result of a newer photo chose other products: said so when nothing else was
        photo = WHY_NEW_PHOTO if new_photo and current is not None and not switched else ""
        told_change(uow, routine, change, why, routine.created_at, again_at, photo)
    uow.commit()
    return routine


def taken_back(
    uow: RecommendationsUnitOfWork,
    routine: SavedRoutine,
    left: SavedRoutine,
    why: str,
    at: datetime,
) -> None:
    """`routine`, followed before `left` and still what the person says, followed again once
    `left` was dropped (its analysis failed): told once, when the products differ from those of
    `left` (a change told when it was saved); the same products tell nothing."""
    change = lineup_change(left.routine, routine.routine)
    if change is not None:
        told_change(uow, routine, change, why, at, again_at=left.id)  # once per dropped one
        uow.commit()


def told_change(
    uow: RecommendationsUnitOfWork,
    routine: SavedRoutine,
    change: dict[str, Any],
    why: str,
    at: datetime,
    again_at: str,
    otherwise: str = "",
) -> None:
    """The change told with every why the person said since the last one told, in the order
    said (`details.why` the first; `details.whys` all of them, when more than one), and then
    those kept (`hold_why`) are forgotten. `otherwise`: the why when they said none."""
    whys = list(dict.fromkeys([*uow.routines.held(routine.user_id), *([why] if why else [])]))
    whys = whys or ([otherwise] if otherwise else [])
    uow.routines.release(routine.user_id)
    change["analysis_id"] = routine.analysis_id
    if whys:
        change["why"] = whys[0]
    if len(whys) > 1:
        change["whys"] = whys
    tell(uow, entries.routine_changed(routine.user_id, routine.id, change, again_at), at)
