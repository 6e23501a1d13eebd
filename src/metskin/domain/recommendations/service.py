"""Use cases: recommend a routine for an analysis, keep the routine a person follows built from
what they say (a profile, a rating, a product taken off sale, a photo measured, failed or
deleted), rate products. Browsing and editing the catalog: `catalog_service.py`."""

from __future__ import annotations

import contextlib
import logging
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from metskin.domain.accounts.model import Role
from metskin.domain.analysis.errors import AnalysisNotReady
from metskin.domain.analysis.readout import ResultReadout
from metskin.domain.analysis.records import Analysis, AnalysisStatus
from metskin.domain.analysis.service import AnalysisService
from metskin.domain.content.loader import load_articles
from metskin.domain.content.model import Article
from metskin.domain.errors import Conflict, DomainError, NotFound
from metskin.domain.i18n.marks import _
from metskin.domain.messages import Job
from metskin.domain.money.model import RatesTable, seed_table
from metskin.domain.ports import Clock, CreatedKey, read
from metskin.domain.recommendations.catalog_cache import CatalogCache
from metskin.domain.recommendations.catalog_service import CatalogUseCases
from metskin.domain.recommendations.errors import (
    ProductNotFound,
    RetakeNeeded,
    StillMeasuring,
    failed_has_no_routine,
)
from metskin.domain.recommendations.feedback import Feedback, turned_down
from metskin.domain.recommendations.followed import (
    CareState,
    adrift,
    care_state,
    count_back,
    followed,
    hold_why,
    is_latest,
    make_current,
    refuse_if_failed,
    still_says,
    stop_counting,
    taken_back,
)
from metskin.domain.recommendations.inputs import care_profile, needs_from_result
from metskin.domain.recommendations.jobs import (
    REFRESH_ROUTINE,
    WHY_ANALYSIS_FAILED,
    WHY_NO_LONGER_SOLD,
    WHY_RATING,
)
from metskin.domain.recommendations.model import SavedRoutine
from metskin.domain.recommendations.payload import (
    profile_hash,
    serialise,
)
from metskin.domain.recommendations.ports import (
    Ranker,
    RecommendationsUnitOfWork,
    RecommendationsUowFactory,
)
from metskin.domain.recommendations.routine import build_routine
from metskin.domain.recommendations.rules import SafetyRule
from metskin.domain.recommendations.tips import render_tips, translated_tips

log = logging.getLogger(__name__)
FOLLOWERS_PAGE = 200  # people whose routine a removed product leaves, rebuilt per page
BUILDS = 3  # a routine built again when what it was built from changed meanwhile, at most
ROUTINE_IDS = uuid.UUID("5f0c1d8e-2b7a-4c39-9e61-7a4d2f3b8c10")  # routine id: analysis + state
BUILT_KEPT = 1024  # analyses whose RECOMMENDING state is remembered until their result is stored

RankerFor = Callable[[str], tuple[Ranker | None, str]]  # user id -> (ranker, model version)


def _turns(uow: RecommendationsUnitOfWork, user_id: str, change: Callable[[], object]) -> bool:
    """Whether `change` (to the person's ratings) changed the products they turned down."""
    before = turned_down(uow.feedback.for_user(user_id))
    change()
    return turned_down(uow.feedback.for_user(user_id)) != before


class RecommendationService(CatalogUseCases):
    def __init__(
        self,
        uow_factory: RecommendationsUowFactory,
        analyses: AnalysisService,
        rules: tuple[SafetyRule, ...],
        clock: Clock,
        ranker_for: RankerFor | None = None,
        rates: Callable[[], RatesTable] = seed_table,
        articles: Callable[[], Sequence[Article]] = load_articles,
    ) -> None:
        """`articles`: the content catalog as the editors left it (`ContentService`), so a
        tip links the articles editors added or changed, never a removed one."""
        self._uow_factory = uow_factory
        self._analyses = analyses
        self._clock = clock
        self._articles = articles
        self._rates = rates
        self._ranker_for = ranker_for or (lambda _user: (None, ""))
        self.catalog = CatalogCache(uow_factory, rules)
        # analysis id -> what the person said when the pipeline saved its routine (RECOMMENDING)
        self._built: dict[str, CareState] = {}

    # --- recommendations -------------------------------------------------------------

    def recommend(self, viewer_id: str, viewer_role: Role, analysis_id: str) -> SavedRoutine:
        """The routine for an analysis the viewer may read. Only its owner's read may make it
        their current routine (`_save`); a dermatologist's or an admin's read never does."""
        analysis = self._analyses.get_for_viewer(viewer_id, viewer_role, analysis_id)
        return self.for_analysis(analysis, by_owner=analysis.owner_id == viewer_id)

    def for_analysis(
        self,
        analysis: Analysis,
        result: dict[str, Any] | None = None,
        *,
        by_owner: bool = True,
        why: str = "",
        left: SavedRoutine | None = None,
        pipeline: bool = False,
    ) -> SavedRoutine:
        """The routine for a finished analysis, for its owner (`by_owner`: they or the
        pipeline ask) or another reader; saved once per analysis and profile state (`_save`).
        `why`: what made it be built again (`jobs.WHY`), told with a change; `left`: the
        routine followed before, dropped (`after_failure`), the change told against it.
        `pipeline`: the pipeline's RECOMMENDING stage, whose state `after_result_stored` reads."""
        if result is None:
            if analysis.status is AnalysisStatus.FAILED:
                raise failed_has_no_routine()
            if analysis.status is not AnalysisStatus.DONE:
                raise AnalysisNotReady(_("The analysis is not finished yet."), field="analysisId")
            stored = self._analyses.results([analysis.id]).get(analysis.id)
            result = stored[0] if stored else {}
        if not result.get("ok"):
            raise RetakeNeeded(_("This photo could not be measured; take a new one first."))
        for attempt in range(BUILDS):
            with self._uow_factory() as uow:
                owners = uow.users.list_by_ids([analysis.owner_id])  # a plain row, no ORM row
                ratings = uow.feedback.for_user(analysis.owner_id)
            owner = owners[0] if owners else None
            if owner is None:
                raise NotFound(_("The account is gone."))
            index = self.catalog.index()
            needs = needs_from_result(ResultReadout.from_stored(result), owner.profile)
            profile = care_profile(owner.profile, self._clock(), self._rates(), ratings)
            ranker, model_version = self._ranker_for(owner.id)
            routine = build_routine(needs, profile, index.shortlist(needs, profile), ranker=ranker)
            tips = render_tips(needs, profile)
            payload = serialise(routine, tips, self._articles(), translated_tips(needs, profile))
            key = profile_hash(needs, profile, payload)
            # the last build is saved whatever changed meanwhile (someone changing it nonstop)
            built_from = care_state(owner.profile, ratings) if attempt < BUILDS - 1 else None
            zone = owner.profile.time_zone
            saved = self._save(
                analysis, key, model_version, payload, by_owner, zone, why, built_from, left
            )
            if saved is not None:
                if pipeline:
                    self._remember_built(analysis.id, care_state(owner.profile, ratings))
                return saved
        raise AssertionError("the last build is always saved")

    def _remember_built(self, analysis_id: str, state: CareState) -> None:
        if len(self._built) >= BUILT_KEPT:  # runs that never stored a result (a crash)
            self._built.pop(next(iter(self._built)), None)
        self._built[analysis_id] = state

    def after_measuring(self, analysis: Analysis, result: dict[str, Any]) -> None:
        """The pipeline's RECOMMENDING stage: build and save the routine for a usable result."""
        if result.get("ok"):
            self.for_analysis(analysis, result, pipeline=True)

    def _save(
        self,
        analysis: Analysis,
        key: str,
        model_version: str,
        payload: dict[str, Any],
        by_owner: bool,
        time_zone: str,  # the owner's: their check-in is counted in its calendar days
        why: str,
        built_from: CareState | None,  # what the person said when it was built
        left: SavedRoutine | None = None,  # the routine followed before, dropped (`make_current`)
    ) -> SavedRoutine | None:
        """The routine saved before for this analysis and profile state, if any. Otherwise it
        becomes the person's current routine (the first of `myRoutines`, the one check-ins
        count from and a change is told against) only when the owner asks (or the pipeline,
        for them) for their latest analysis: one no older than the analysis behind their
        current routine. Any other read (an older analysis after a profile change, or a
        dermatologist's read under a share) answers the routine without saving it: what the
        person follows, their history and their check-in date do not change because someone
        looked. Its id is the one it will have when saved, so the same routine keeps one id.
        A state the owner had before (a rating taken back, a pregnancy ended) finds the routine
        saved for it: on their latest analysis it becomes current again, from now, told as a
        change like a new one (`renew`), so what they follow is always what they are shown.
        None when what it was built from changed meanwhile (`still_says`): build it again."""
        routine = SavedRoutine(
            id=str(uuid.uuid5(ROUTINE_IDS, f"{analysis.id}:{key}")),
            user_id=analysis.owner_id,
            analysis_id=analysis.id,
            profile_hash=key,
            created_at=self._clock(),
            routine=payload,
            model_version=model_version,
        )
        with self._uow_factory() as uow:
            existing = uow.routines.find(analysis.id, key)
            current = followed(uow, analysis.owner_id)
            # this analysis's routine came back as theirs when a newer photo was deleted
            back = by_owner and current is not None and current.analysis_id == analysis.id
            switched = back and adrift(uow, current)
            ours = existing is not None and (current is None or current.id == existing.id)
            if existing is not None and ours and not switched:
                if left is not None:
                    taken_back(uow, existing, left, why, routine.created_at)
                return existing
            if not by_owner or not is_latest(uow, analysis, current):
                return existing or routine
            refuse_if_failed(uow, analysis.id)
            if built_from is not None and not still_says(uow, analysis.owner_id, built_from):
                return None
            with contextlib.suppress(Conflict):  # a concurrent request or job saved it
                routine = make_current(
                    uow, routine, existing, current, time_zone, why, switched, left
                )
        return routine

    def refresh_current(
        self, user_id: str, why: str = "", left: SavedRoutine | None = None
    ) -> SavedRoutine | None:
        """The routine the person follows (`followed`) built again from what they say now
        (profile, ratings) and the catalog now, so it drops what no longer suits them at once,
        and they are told why (`jobs.WHY`). None when they have no routine (no check-in is due
        then: `stop_counting`), or its analysis is gone. `StillMeasuring` when its
        analysis is being measured (the pipeline saved it with what they said then): the job
        `REFRESH_ROUTINE` is retried, and `after_result_stored` builds it in any case. A
        routine of a failed analysis (its step `after_failure` did not run) is dropped first."""
        with self._uow_factory() as uow:
            current = followed(uow, user_id)
            analysis = uow.analyses.get(current.analysis_id) if current else None
            if current is None:
                stop_counting(uow, user_id)
        if analysis is not None and not analysis.status.finished:
            raise StillMeasuring("The routine's analysis is still being measured.")
        if analysis is not None and analysis.status is AnalysisStatus.FAILED:
            now = self.after_failure(analysis, why)
        elif analysis is None or analysis.status is not AnalysisStatus.DONE:
            now = None
        else:
            now = self.for_analysis(analysis, by_owner=True, why=why, left=left)
        # built from what the person says now: a change kept for it and not told (the products
        # stayed) no longer needs telling
        with self._uow_factory() as uow:
            uow.routines.release(user_id)
            uow.commit()
        return now

    def after_result_stored(self, analysis: Analysis) -> None:
        """The pipeline's last step, the result stored: the routine it saved at RECOMMENDING,
        if followed, built from what the person says now, whatever the job's retries (a change
        since met `StillMeasuring`) did, told with the whys kept for it (`hold_why`). Nothing
        changes when they said nothing since: then it is not built again (a second build of
        every photo's routine, about a third of the pipeline's work beyond the engine's)."""
        built = self._built.pop(analysis.id, None)
        owner_id = analysis.owner_id
        with self._uow_factory() as uow:
            if uow.routines.followed_analysis(owner_id) != analysis.id:
                return  # none followed, or not this photo's: its JSON is not read
            if built is not None and not uow.routines.held(owner_id):
                owners = uow.users.list_by_ids([owner_id])
                if (
                    owners
                    and care_state(owners[0].profile, uow.feedback.for_user(owner_id)) == built
                ):
                    return  # what it was built from is still what they say
        self.refresh_current(owner_id)

    def after_failure(self, analysis: Analysis, why: str = "") -> SavedRoutine | None:
        """The pipeline's step once a run failed (or `refresh_current` finding it failed): the
        routines it saved at RECOMMENDING go, and the person's care is as before that photo:
        the routine followed before is followed again, with the check-in count as it was
        (`count_back`), built from what they say now; told once against the routine that left,
        with the whys kept for the changes said meanwhile, or `ANALYSIS_FAILED`; nothing when the
        products are those they were last told of. Idempotent: a second call finds no routine
        of the analysis. The routine followed now (None: none, or in the job)."""
        with self._uow_factory() as uow:
            left = followed(uow, analysis.owner_id)
            uow.routines.drop(analysis.id)
            back = followed(uow, analysis.owner_id)
            said = uow.routines.held(analysis.owner_id)
            if left is not None and left.analysis_id == analysis.id:
                count_back(uow, back, analysis.owner_id)
                if back is None:  # no routine left to tell a change of
                    uow.routines.release(analysis.owner_id)
            uow.commit()
        if left is None or left.analysis_id != analysis.id or back is None:
            return back
        # the changes said meanwhile are the why (`told_change`), else the failure
        return self.refresh(analysis.owner_id, why or ("" if said else WHY_ANALYSIS_FAILED), left)

    def refresh(
        self, user_id: str, why: str, left: SavedRoutine | None = None
    ) -> SavedRoutine | None:
        """`refresh_current` now (a request answers after it: the page read next shows it, the
        change told with its why), or in the job when the routine's analysis is still being
        measured (its why kept for the result: `hold_why`)."""
        try:
            return self.refresh_current(user_id, why, left)
        except StillMeasuring:
            with self._uow_factory() as uow:
                hold_why(uow, user_id, why, self._clock())
                uow.defer(Job(REFRESH_ROUTINE, {"user_id": user_id, "why": why}))
                uow.commit()
        return None

    def refresh_following(self, product_id: str) -> int:
        """Each current routine that uses a product taken off sale, built again without it
        (the job `REFRESH_ROUTINES_WITH`), told as "a product in it is no longer sold"; how
        many were. Idempotent: a routine rebuilt already finds itself."""
        self.catalog.invalidate()  # the job may run in a process that read the catalog before
        after, refreshed = None, 0
        while True:
            with self._uow_factory() as uow:
                page = uow.routines.following(product_id, after, FOLLOWERS_PAGE)
            for user_id in page:
                try:
                    self.refresh(user_id, WHY_NO_LONGER_SOLD)
                    refreshed += 1
                except DomainError:  # one person's (an account closing): the others go on
                    log.warning("routine of %s not rebuilt", user_id, exc_info=True)
            if len(page) < FOLLOWERS_PAGE:
                return refreshed
            after = page[-1]

    def history(self, user_id: str, before: CreatedKey | None, limit: int) -> list[SavedRoutine]:
        return read(
            self._uow_factory, lambda uow: uow.routines.list_for_user(user_id, before, limit)
        )

    # --- feedback ----------------------------------------------------------------------

    def rate(self, user_id: str, product_id: str, rating: int, outcome: str | None) -> Feedback:
        """The person's rating of a product (rating again replaces it). One that turns the
        product down (irritated, or 1-2) or takes that back rebuilds their current routine
        before it answers (`_rebuild_for_rating`)."""
        feedback = Feedback(user_id, product_id, rating, outcome, self._clock())
        with self._uow_factory() as uow:
            if not uow.catalog.known(product_id):  # one no longer sold may have irritated
                raise ProductNotFound(_("No such product."), field="productId")
            # rating again updates the one rating
            turned = _turns(uow, user_id, lambda: uow.feedback.put(feedback))
            uow.commit()
        self._rebuild_for_rating(turned, user_id)
        return feedback

    def unrate(self, user_id: str, product_id: str) -> bool:
        """The person takes their rating of a product back (said "irritated" by mistake, or
        wants to try it again): it is forgotten, as if never given, also for a product no
        longer sold. False when there was none. A product it kept out comes back into their
        routine at once, where it fits."""
        removed: list[bool] = []
        with self._uow_factory() as uow:
            forget = lambda: removed.append(uow.feedback.remove(user_id, product_id))  # noqa: E731
            turned = _turns(uow, user_id, forget)
            uow.commit()
        self._rebuild_for_rating(turned, user_id)
        return removed[0]

    def _rebuild_for_rating(self, turned: bool, user_id: str) -> None:
        """The routine the person follows, built again now when their ratings turned a product
        down or back (`turned`): the page they read next shows it, and the change is told as
        a rating's (`WHY_RATING`). Not in a job: the page's own read would race it."""
        if turned:
            with contextlib.suppress(DomainError):  # no routine to rebuild: the rating stands
                self.refresh(user_id, WHY_RATING)
