"""GraphQL types for media uploads and analyses: results, progress events."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from metskin.domain.analysis import colour, guidance, overlay, plain
from metskin.domain.analysis.records import Analysis as DomainAnalysis
from metskin.domain.analysis.records import AnalysisStatus as DomainStatus
from metskin.domain.analysis.records import Media as DomainMedia
from metskin.domain.analysis.records import MediaGrant, Stage
from metskin.domain.analysis.records import MediaKind as DomainMediaKind
from metskin.domain.analysis.upload_keys import UploadState as DomainUploadState
from metskin.domain.analysis.uploads import KeyedUpload
from metskin.domain.i18n.ports import Translator
from metskin.domain.i18n.source import ENGLISH
from metskin.graphql.context import run_sync
from metskin.graphql.i18n import coded_text
from metskin.graphql.mapping import copy_fields

MediaKind = strawberry.enum(DomainMediaKind, name="MediaKind")
AnalysisStatus = strawberry.enum(DomainStatus, name="AnalysisStatus")
AnalysisStage = strawberry.enum(Stage, name="AnalysisStage")
UploadState = strawberry.enum(
    DomainUploadState,
    name="UploadState",
    description="What became of an upload sent with a key: RECEIVING (its first copy is still "
    "received and checked: ask again in a moment), STORED (`media` is the upload), UNKNOWN "
    "(nothing kept under this key: it was refused, lapsed or deleted, or never arrived; send "
    "the file).",
)
PROGRESS_MEANS = "0 to 1 over the whole analysis (never backwards); `stage` says where it is."


@strawberry.type(description="An uploaded photo or video. URLs are signed and short-lived.")
class Media:
    id: strawberry.ID
    kind: MediaKind  # type: ignore[valid-type]
    content_type: str
    size_bytes: int
    width: int
    height: int
    duration_seconds: float | None
    created_at: datetime
    storage_name: strawberry.Private[str]
    thumbnail_name: strawberry.Private[str]
    via_analysis: strawberry.Private[str | None] = None

    @strawberry.field(description="Signed for you, for minutes; ends when your access ends.")
    def url(self, info: Info) -> str:
        return media_link(info, self.storage_name, self.via_analysis, str(self.id))

    @strawberry.field(description="Signed for you, for minutes; ends when your access ends.")
    def thumbnail_url(self, info: Info) -> str:
        return media_link(info, self.thumbnail_name, self.via_analysis, str(self.id))

    @classmethod
    def from_domain(cls, media: DomainMedia, via_analysis: str | None = None) -> Media:
        return copy_fields(cls, media, duration_seconds=media.duration_s, via_analysis=via_analysis)


@strawberry.type(description="An upload sent with a key, asked by the key alone (no bytes).")
class UploadByKey:
    state: UploadState  # type: ignore[valid-type]
    media: Media | None = strawberry.field(description="The upload, once STORED.", default=None)

    @classmethod
    def from_domain(cls, found: KeyedUpload) -> UploadByKey:
        media = Media.from_domain(found.media) if found.media is not None else None
        return cls(state=found.state, media=media)


def media_link(info: Info, name: str, analysis_id: str | None, media_id: str) -> str:
    """A link to a stored object bound to the caller: it names them and the analysis (or the
    bare upload) it was reached through, so the route can check their access when it is used."""
    viewer = info.context.require_viewer()
    grant = MediaGrant(
        name, viewer.user_id, viewer.role, analysis_id, None if analysis_id else media_id
    )
    return str(info.context.container.media_urls.url(grant, _now(info)))


@strawberry.type
class AnalysisSummary:
    ok: bool
    confidence: float
    ita_deg: float | None
    monk: int | None
    fitzpatrick: str | None
    skin_type: str | None
    top_concerns: list[str]


_CODES = "A stable code, one of: " + ", ".join(sorted(guidance.GUIDANCE)) + "."


@strawberry.type(
    description="Why a photo could not be measured (`blocking`: the result holds no numbers) or "
    "what to keep in mind reading it (a warning). `message` and `guidance` are in the "
    "viewer's language."
)
class QualityIssue:
    code: str = strawberry.field(description=_CODES)
    message: str
    guidance: str
    value: float | None = strawberry.field(
        description="The measure the issue was judged on (its unit depends on the code)."
    )
    blocking: bool

    @classmethod
    def from_stored(cls, issue: dict[str, Any], tr: Translator) -> QualityIssue:
        """The issue in `tr`'s language (`guidance.issue_words`)."""
        message, said_to_do = guidance.issue_words(issue, tr)
        return cls(
            code=issue["code"],
            message=message,
            guidance=said_to_do,
            value=issue.get("value"),
            blocking=issue.get("blocking", False),
        )


@strawberry.type(description="Skin tone; ITA = atan2(L* - 50, b*) in degrees, on robust CIELAB.")
class Tone:
    lab: list[float]
    ita_deg: float
    fitzpatrick: str
    ita_category: str
    monk: int
    monk_delta_e: float
    undertone: str
    hue_deg: float
    confidence: float
    pixels: int
    ita_uncertainty_deg: float | None = strawberry.field(
        default=None,
        description="About one standard deviation of ITA: what a retake moves it by. "
        "Null for results stored before it was measured.",
    )
    monk_range: list[int] | None = strawberry.field(
        default=None,
        description="The lightest and darkest Monk tone within ITA plus and minus its "
        "uncertainty (null for older results).",
    )
    fitzpatrick_range: list[str] | None = strawberry.field(
        default=None,
        description="The lightest and darkest Fitzpatrick-like band (I-VI) within ITA plus "
        'and minus its uncertainty, e.g. ["IV", "V"] (null for results stored without '
        "the uncertainty).",
    )


@strawberry.type
class Measurement:
    name: str
    value: float


@strawberry.type
class SkinTypeResult:
    kind: str
    decided_by: str
    image_kind: str
    self_reported: str | None
    confidence: float
    measurements: list[Measurement]


@strawberry.type
class RegionScore:
    region: str
    score: float


@strawberry.type(description="One concern: a 0-100 whole-face score, per-region scores, why.")
class Concern:
    name: str
    score: float
    regions: list[RegionScore]
    measurements: list[Measurement]
    explanation: str = strawberry.field(description="What was seen, in plain words.")
    title: str = strawberry.field(default="", description="Human name, e.g. Dark circles.")
    band: str = strawberry.field(default="none", description="none, mild, moderate or marked.")
    band_label: str = ""
    meaning: str = strawberry.field(default="", description="What the band means.")
    advice: str = strawberry.field(default="", description="What helps.")
    score_low: float | None = strawberry.field(default=None, description="Plausible range.")
    score_high: float | None = None
    scored_by: str = strawberry.field(
        default="engine",
        description='Who made the score: "engine" (the image engine) or a learned model '
        'version, e.g. "skin-cnn-v3".',
    )
    engine_score: float | None = strawberry.field(
        default=None, description="The engine's score, when a learned model made `score`."
    )
    overlay_colour: str = strawberry.field(
        default="",
        description="The colour (#rrggbb) its heat map is painted in on the overlay image: the "
        "swatch of a legend shown beside it.",
    )


@strawberry.type(
    description=(
        "A pigmented spot, placed in the aligned face frame so that it keeps its place across "
        "photos: origin between the eye centres, x along the eye line towards the subject's left, "
        "y towards the chin, 1 unit = 150 mm (nominal, from the eye distance)."
    )
)
class PigmentedSpot:
    x: float
    y: float
    area_mm2: float = strawberry.field(description="Area on a frontal view, nominal mm².")
    darkness: float = strawberry.field(
        description="0-100 from how much darker (L*) its core is than the skin around it."
    )
    region: str | None = strawberry.field(
        description="The main region it lies in or next to (where its score counts it), if any."
    )


@strawberry.type
class AnalysisResult:
    ok: bool
    confidence: float
    retake_needed: bool
    quality: list[QualityIssue]
    tone: Tone | None
    skin_type: SkinTypeResult | None
    concerns: list[Concern]
    frames_analysed: int
    spots: list[PigmentedSpot] | None = strawberry.field(
        description="Pigmented spots measured whole; null when the analysis did not look for "
        "them (no face, or an older analysis)."
    )
    raw: JSON = strawberry.field(description="The full result as stored, for integrators.")
    summary: str = strawberry.field(default="", description="The result in plain words.")


def _measurements(values: dict[str, float]) -> list[Measurement]:
    return [Measurement(name=k, value=v) for k, v in values.items()]


def _spots(stored: list[dict[str, Any]] | None) -> list[PigmentedSpot] | None:
    if stored is None:
        return None
    return [
        PigmentedSpot(
            x=s["x"],
            y=s["y"],
            area_mm2=s["area_mm2"],
            darkness=s["darkness"],
            region=s.get("region"),
        )
        for s in stored
        if s.get("area_mm2") is not None and s.get("darkness") is not None
    ]


def _concern(code: str, c: dict[str, Any], data: dict[str, Any], tr: Translator) -> Concern:
    words = plain.concern_text(code, c, data, tr)
    low, high = words["score_range"] or (None, None)
    return Concern(
        name=c["name"],
        score=c["score"],
        explanation=words["text"],
        regions=[RegionScore(region=r, score=s) for r, s in c["regions"].items()],
        measurements=_measurements(c["measurements"]),
        title=words["title"],
        band=words["band"],
        band_label=words["band_label"],
        meaning=words["meaning"],
        advice=words["advice"],
        score_low=low,
        score_high=high,
        scored_by=c.get("scored_by", "engine"),
        engine_score=c.get("engine_score"),
        overlay_colour=overlay.colour_hex(code),
    )


def _tone(tone: dict[str, Any], uncertainty: dict[str, Any]) -> Tone:
    spread = uncertainty.get("ita_uncertainty_deg")
    return Tone(
        **{k: v for k, v in tone.items() if k != "white_balance_gains"},
        ita_uncertainty_deg=spread,
        monk_range=uncertainty.get("monk_range"),
        fitzpatrick_range=None
        if spread is None
        else list(colour.fitzpatrick_range(float(tone["ita_deg"]), float(spread))),
    )


def result_from_dict(data: dict[str, Any], tr: Translator = ENGLISH) -> AnalysisResult:
    """The stored result for the API, its words in `tr`'s language (plain.py)."""
    tone = data.get("tone")
    skin = data.get("skin_type")
    issues = [QualityIssue.from_stored(issue, tr) for issue in data.get("quality", [])]
    return AnalysisResult(
        ok=data["ok"],
        confidence=data["confidence"],
        retake_needed=guidance.retake_needed(data),
        quality=issues,
        tone=_tone(tone, data.get("tone_uncertainty") or {}) if tone else None,
        skin_type=SkinTypeResult(**{**skin, "measurements": _measurements(skin["measurements"])})
        if skin
        else None,
        concerns=[_concern(code, c, data, tr) for code, c in data.get("concerns", {}).items()],
        frames_analysed=data.get("frames_analysed", 1),
        spots=_spots(data.get("spots")),
        raw=cast(JSON, data),
        summary=plain.summary(data, tr),
    )


@strawberry.type(description="One analysis of one upload.")
class Analysis:
    id: strawberry.ID
    status: AnalysisStatus  # type: ignore[valid-type]
    stage: AnalysisStage  # type: ignore[valid-type]
    progress: float = strawberry.field(description=PROGRESS_MEANS)
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    failure_code: str | None
    failure_reason: str | None
    summary: AnalysisSummary | None
    media_id: strawberry.Private[str]
    owner_id: strawberry.Private[str]

    @strawberry.field
    async def media(self, info: Info) -> Media | None:
        media = await info.context.media_loader.load(self.media_id)
        return Media.from_domain(media, via_analysis=str(self.id)) if media else None

    @strawberry.field(description="The full result once the analysis is DONE.")
    async def result(self, info: Info) -> AnalysisResult | None:
        stored = await info.context.result_loader.load(str(self.id))
        return result_from_dict(stored[0], info.context.translator) if stored else None

    @strawberry.field(
        description="JPEG with region outlines and concern heat maps (PNG before 2026-12)."
    )
    async def overlay_url(self, info: Info) -> str | None:
        stored = await info.context.result_loader.load(str(self.id))
        if not stored or not stored[1]:
            return None
        return media_link(info, stored[1], str(self.id), self.media_id)

    @strawberry.field(
        description="For a dermatologist: when the patient's shares that let you read it end "
        "(the latest of them); after that it is FORBIDDEN. Null for its owner or an admin."
    )
    async def access_until(self, info: Info) -> datetime | None:
        viewer, sharing = info.context.require_viewer(), info.context.container.sharing
        wanted = (viewer.user_id, viewer.role, self.owner_id, str(self.id))
        return await run_sync(sharing.access_until, *wanted)

    @classmethod
    def from_domain(cls, analysis: DomainAnalysis, tr: Translator = ENGLISH) -> Analysis:
        summary = AnalysisSummary(**vars(analysis.summary)) if analysis.summary else None
        reason = failure_words(analysis.failure_code, analysis.failure_reason, tr)
        return copy_fields(cls, analysis, summary=summary, failure_reason=reason)


def failure_words(code: str | None, reason: str | None, tr: Translator) -> str | None:
    """Why an analysis failed, in `tr`'s language."""
    return coded_text(reason, code, tr) if reason else reason


@strawberry.type(description="A step of a running analysis, streamed live.")
class AnalysisProgress:
    analysis_id: strawberry.ID
    stage: AnalysisStage  # type: ignore[valid-type]
    status: AnalysisStatus  # type: ignore[valid-type]
    seq: int = strawberry.field(description="Grows with every event; later wins.")
    progress: float = strawberry.field(description=PROGRESS_MEANS)
    failure_code: str | None
    failure_reason: str | None

    @classmethod
    def from_event(cls, event: dict[str, Any], tr: Translator = ENGLISH) -> AnalysisProgress:
        return cls(
            analysis_id=strawberry.ID(event["analysis_id"]),
            stage=Stage(event["stage"]),
            status=DomainStatus(event["status"]),
            progress=event["progress"],
            seq=event["seq"],
            failure_code=event.get("failure_code"),
            failure_reason=failure_words(
                event.get("failure_code"), event.get("failure_reason"), tr
            ),
        )


def _now(info: Info) -> datetime:
    return info.context.container.clock()
