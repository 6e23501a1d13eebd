"""Use cases: compare two analyses of one person, and a person's progress over a period."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

import numpy as np

from metskin.domain.accounts.model import Role
from metskin.domain.analysis.errors import AnalysisNotReady
from metskin.domain.analysis.readout import ResultReadout
from metskin.domain.analysis.records import (
    Analysis,
    AnalysisStatus,
    Media,
    MediaGrant,
    MediaKind,
)
from metskin.domain.audit.model import AccessPart
from metskin.domain.errors import DomainError, Forbidden, NotFound, ValidationFailed
from metskin.domain.i18n.marks import _
from metskin.domain.progress.comparability import Comparability, comparability
from metskin.domain.progress.deltas import (
    FACE,
    RegionDelta,
    exposure_ratio,
    face_scorers,
    photos_mirrored,
    readings,
    region_deltas,
    unscored,
)
from metskin.domain.progress.errors import NotComparable
from metskin.domain.progress.pictures import picture_pair
from metskin.domain.progress.ports import AnalysisReader, ImageCodec, MediaReader

MAX_POINTS = 100  # analyses in one progress report (the newest in the period)
PAGE = 50


@dataclass(frozen=True)
class Comparison:
    before: Analysis  # the earlier of the two
    after: Analysis
    deltas: list[RegionDelta]
    comparability: Comparability
    # One photo is the other's mirror image (a front camera's selfie), told by the spots: the
    # later photo's regions were compared with the earlier's other side. None: cannot tell.
    mirrored: bool | None = None


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


PICTURES = "progress/"  # the prefix of picture names (drawn, not stored)
PICTURE_KINDS = ("before", "after", "side_by_side")  # the fields of PicturePair


@dataclass(frozen=True)
class PictureSources:
    media: MediaReader
    codec: ImageCodec


class ProgressService:
    def __init__(self, analyses: AnalysisReader, pictures: PictureSources | None = None) -> None:
        self._analyses = analyses
        self._pictures = pictures

    def pictures(
        self, viewer_id: str, role: Role, first_id: str, second_id: str
    ) -> dict[str, str] | None:
        """Names (by PICTURE_KINDS) of the aligned before / after pictures of two analyses, for
        signed links: a photo is drawn from the upload, a video from the frame its analysis
        measured (kept since issue 16). None for a video analysed before frames were kept, or
        a result stored without landmarks. They are drawn when a link is opened (`render`),
        never stored."""
        found = self.compare(viewer_id, role, first_id, second_id)  # checks and audits
        before, after = found.before, found.after
        readouts = self._readouts([before, after])
        if self._pictures is None:
            return None
        media = {m.id: m for m in self._pictures.media.get_many([before.media_id, after.media_id])}
        for item in (before, after):
            if _source(media.get(item.media_id), readouts[item.id]) is None:
                return None
        base = f"{PICTURES}{before.id}/{after.id}/{before.media_id}/{after.media_id}"
        return {kind: f"{base}/{kind}.png" for kind in PICTURE_KINDS}

    def open_picture(self, grant: MediaGrant) -> bytes:
        """The picture a signed link names, checked now: its viewer must still see both
        analyses (a revoked share ends the link at once)."""
        parts = grant.name.removeprefix(PICTURES).split("/")
        if len(parts) != 5:
            raise NotFound(_("No such picture."))
        for analysis_id in parts[:2]:
            self._analyses.get_for_viewer(
                grant.viewer_id, grant.viewer_role, analysis_id, part=AccessPart.COMPARISON
            )
        return self.render(grant.name)

    def render(self, name: str) -> bytes:
        """The PNG a signed link names (the link was issued after the access check)."""
        parts = name.removeprefix(PICTURES).removesuffix(".png").split("/")
        if self._pictures is None or len(parts) != 5 or parts[4] not in PICTURE_KINDS:
            raise NotFound(_("No such picture."))
        sources, analysis_ids, media_ids = self._pictures, parts[:2], parts[2:4]
        readouts = self._readouts_by_id(analysis_ids)
        media = {item.id: item for item in sources.media.get_many(media_ids)}
        inputs = []
        for analysis_id, media_id in zip(analysis_ids, media_ids, strict=True):
            readout = readouts.get(analysis_id)
            source = _source(media.get(media_id), readout) if readout else None
            if source is None or readout is None or readout.capture is None:
                raise NotFound(_("No such picture."))
            name, is_frame = source
            data = sources.media.read_object(name)
            rgb = sources.codec.decode_frame(data) if is_frame else sources.codec.decode(data)
            capture = readout.capture
            inputs.append((rgb, np.array(capture.landmarks), np.array(capture.gains)))
        (first, first_at, first_gains), (second, second_at, second_gains) = inputs
        flipped = photos_mirrored(readouts[analysis_ids[0]], readouts[analysis_ids[1]]) is True
        gains = (first_gains, second_gains)
        pair = picture_pair(first, first_at, second, second_at, gains, mirrored=flipped)
        return sources.codec.encode_png(getattr(pair, parts[4]))

    def _read(self, viewer_id: str, role: Role, analysis_id: str, argument: str) -> Analysis:
        """The analysis, its errors naming the argument it came from (`a` or `b`)."""
        try:
            return self._analyses.get_for_viewer(viewer_id, role, analysis_id)
        except DomainError as error:
            if error.field == "id":
                error.field = argument
            raise

    def compare(self, viewer_id: str, role: Role, first_id: str, second_id: str) -> Comparison:
        first = self._read(viewer_id, role, first_id, "a")
        second = self._read(viewer_id, role, second_id, "b")
        if first.owner_id != second.owner_id:
            raise NotComparable(_("Only analyses of the same person can be compared."), field="b")
        if first.id == second.id:
            raise NotComparable(_("Choose two different analyses."), field="b")
        readouts = self._readouts([first, second])
        for analysis, name in ((first, "a"), (second, "b")):
            if analysis.id not in readouts:
                raise AnalysisNotReady(_("This analysis has no usable result yet."), field=name)
        before, after = sorted((first, second), key=lambda item: (item.created_at, item.id))
        return _comparison(before, after, readouts)

    def progress(
        self, viewer_id: str, role: Role, owner_id: str, start: datetime, end: datetime
    ) -> ProgressReport:
        if start > end:
            backwards = _("The period ends before it starts.")
            raise ValidationFailed.translatable(backwards, "to")
        chosen = []
        for item in self._in_period(owner_id, start, end):
            try:  # checks the share (and audits the read) of each one
                chosen.append(self._analyses.get_for_viewer(viewer_id, role, item.id))
            except Forbidden:
                continue  # a share of some analyses only: the others stay out
        if viewer_id != owner_id and not chosen and role is not Role.ADMIN:
            raise Forbidden(_("Nothing of this person's is shared with you in this period."))
        readouts = self._readouts(chosen)
        done = sorted(
            (item for item in chosen if item.id in readouts),
            key=lambda item: (item.created_at, item.id),
        )
        trends: dict[str, list[TrendPoint]] = {}
        scorers = face_scorers(readouts[item.id] for item in done)  # one per concern
        for analysis in done:
            first, this = readouts[done[0].id], readouts[analysis.id]
            found = comparability(first, this, photos_mirrored(first, this) is True)
            score = 0.0 if found.different_person else found.score  # a hollow point
            # in the first one's light; a score the common scorer did not make is shown, hollow
            measured = readings(this, exposure_ratio(first, this), scorers=scorers)
            faces = {c: (v, score) for (c, region), v in measured.items() if region == FACE}
            faces |= {c: (v, 0.0) for c, v in unscored(this, scorers).items()}
            for concern, (value, comparable) in sorted(faces.items()):
                point = TrendPoint(analysis.id, analysis.created_at, value, comparable)
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
        return self._readouts_by_id([item.id for item in analyses])

    def _readouts_by_id(self, analysis_ids: list[str]) -> dict[str, ResultReadout]:
        stored = self._analyses.results(analysis_ids)
        return {
            key: ResultReadout.from_stored(result)
            for key, (result, _) in stored.items()
            if result.get("ok")
        }


def _source(media: Media | None, readout: ResultReadout) -> tuple[str, bool] | None:
    """The stored image the landmarks of `readout` are in, and whether it is a video frame."""
    capture = readout.capture
    if media is None or capture is None or len(capture.landmarks) != 478:
        return None
    if media.kind is MediaKind.PHOTO:
        return media.storage_name, False
    return (capture.frame, True) if capture.frame else None


def _comparison(
    before: Analysis, after: Analysis, readouts: dict[str, ResultReadout]
) -> Comparison:
    first, second = readouts[before.id], readouts[after.id]
    flipped = photos_mirrored(first, second)
    deltas = region_deltas(first, second, mirrored=flipped is True)
    unlike = tuple(d.concern for d in deltas if not d.comparable)
    found = replace(comparability(first, second, flipped is True), unlike_scorers=unlike)
    if found.different_person:  # shown, no change called: it may be someone else's face
        deltas = [replace(delta, comparable=False) for delta in deltas]
    return Comparison(before, after, deltas, found, flipped)
