"""Use cases: compare two analyses of one person, and a person's progress over a period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from metskin.domain.accounts.model import Role
from metskin.domain.analysis.readout import ResultReadout
from metskin.domain.analysis.records import Analysis, AnalysisStatus
from metskin.domain.errors import Forbidden, ValidationFailed
from metskin.domain.progress.comparability import Comparability, comparability
from metskin.domain.progress.deltas import FACE, RegionDelta, readings, region_deltas
from metskin.domain.progress.errors import AnalysisNotReady, NotComparable
from metskin.domain.progress.ports import AnalysisReader

MAX_POINTS = 100  # analyses in one progress report (the newest in the period)
PAGE = 50


@dataclass(frozen=True)
class Comparison:
    before: Analysis  # the earlier of the two
    after: Analysis
    deltas: list[RegionDelta]
    comparability: Comparability


@dataclass(frozen=True)
class TrendPoint:
    analysis_id: str
    at: datetime
    value: float
    comparability: float  # with the first analysis of the period


@dataclass(frozen=True)
class ProgressReport:
    analyses: list[Analysis]  # finished ones in the period, oldest first
    trends: dict[str, list[TrendPoint]]  # per concern ("tone": ITA), whole-face values
    comparison: Comparison | None  # the first against the last; None with fewer than two


class ProgressService:
    def __init__(self, analyses: AnalysisReader) -> None:
        self._analyses = analyses

    def compare(self, viewer_id: str, role: Role, first_id: str, second_id: str) -> Comparison:
        first = self._analyses.get_for_viewer(viewer_id, role, first_id)
        second = self._analyses.get_for_viewer(viewer_id, role, second_id)
        if first.owner_id != second.owner_id:
            raise NotComparable("Only analyses of the same person can be compared.", field="b")
        if first.id == second.id:
            raise NotComparable("Choose two different analyses.", field="b")
        readouts = self._readouts([first, second])
        for analysis, name in ((first, "a"), (second, "b")):
            if analysis.id not in readouts:
                raise AnalysisNotReady("This analysis has no usable result yet.", field=name)
        before, after = sorted((first, second), key=lambda item: (item.created_at, item.id))
        return _comparison(before, after, readouts)

    def progress(
        self, viewer_id: str, role: Role, owner_id: str, start: datetime, end: datetime
    ) -> ProgressReport:
        if start > end:
            raise ValidationFailed("The period ends before it starts.", field="to")
        chosen = []
        for item in self._in_period(owner_id, start, end):
            try:  # checks the share (and audits the read) of each one
                chosen.append(self._analyses.get_for_viewer(viewer_id, role, item.id))
            except Forbidden:
                continue  # a share of some analyses only: the others stay out
        if viewer_id != owner_id and not chosen and role is not Role.ADMIN:
            raise Forbidden("Nothing of this person's is shared with you in this period.")
        readouts = self._readouts(chosen)
        done = sorted(
            (item for item in chosen if item.id in readouts),
            key=lambda item: (item.created_at, item.id),
        )
        trends: dict[str, list[TrendPoint]] = {}
        for analysis in done:
            score = comparability(readouts[done[0].id], readouts[analysis.id]).score
            for (concern, region), value in sorted(readings(readouts[analysis.id]).items()):
                if region == FACE:
                    point = TrendPoint(analysis.id, analysis.created_at, value, score)
                    trends.setdefault(concern, []).append(point)
        comparison = _comparison(done[0], done[-1], readouts) if len(done) > 1 else None
        return ProgressReport(done, trends, comparison)

    def _in_period(self, owner_id: str, start: datetime, end: datetime) -> list[Analysis]:
        found: list[Analysis] = []
        before = None
        while len(found) < MAX_POINTS:
            page = self._analyses.history(owner_id, before, PAGE)
            found += [a for a in page if start <= a.created_at <= end]
            if len(page) < PAGE or page[-1].created_at < start:
                break
            before = (page[-1].created_at, page[-1].id)
        return [a for a in found if a.status is AnalysisStatus.DONE][:MAX_POINTS]

    def _readouts(self, analyses: list[Analysis]) -> dict[str, ResultReadout]:
        stored = self._analyses.results([item.id for item in analyses])
        return {
            key: ResultReadout.from_stored(result)
            for key, (result, _) in stored.items()
            if result.get("ok")
        }


def _comparison(
    before: Analysis, after: Analysis, readouts: dict[str, ResultReadout]
) -> Comparison:
    first, second = readouts[before.id], readouts[after.id]
    return Comparison(before, after, region_deltas(first, second), comparability(first, second))
