"""GraphQL types of progress: per-region deltas, comparability, trend points."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.types import Info

from metskin.domain.analysis.records import MediaGrant
from metskin.domain.i18n.ports import Translator
from metskin.domain.i18n.source import ENGLISH
from metskin.domain.progress import deltas as domain
from metskin.domain.progress.charts import trend_svg
from metskin.domain.progress.comparability import Comparability as DomainComparability
from metskin.domain.progress.service import Comparison, ProgressReport
from metskin.graphql.analysis.types import Analysis
from metskin.graphql.context import as_viewer

ChangeDirection = strawberry.enum(
    domain.Change,
    name="ChangeDirection",
    description="NO_CHANGE inside the noise band; INCREASED is worse for a concern and lighter "
    "for tone (ITA), DECREASED better for a concern and darker for tone.",
)


@strawberry.type(description="One concern (or tone, as ITA degrees) in one region, or 'face'.")
class RegionDelta:
    concern: str
    region: str
    before: float
    after: float
    delta: float
    band: float = strawberry.field(
        description="Half-width of the noise band: the largest change between two photos of "
        "the same visit (London Set); a change is called only beyond it. Whole-face scores "
        "are compared from one scorer: the engine's when a learned model scored one side only."
    )
    change: ChangeDirection  # type: ignore[valid-type]

    @classmethod
    def from_domain(cls, item: domain.RegionDelta) -> RegionDelta:
        return cls(
            concern=item.concern,
            region=item.region,
            before=round(item.before, 2),
            after=round(item.after, 2),
            delta=round(item.delta, 2),
            band=item.band,
            change=item.change,
        )


@strawberry.type(description="One part of comparability, 0..1 (1: no difference).")
class ComparabilityFactor:
    name: str = strawberry.field(description="LIGHT, POSE, DISTANCE, EXPRESSION or QUALITY.")
    value: float


@strawberry.type(
    description="How comparable two photos are, 0..1 (1: same light, pose, distance, "
    "expression and quality): the product of its factors; below 0.5 the comparison is flagged. "
    "It is flagged too when the photos may not be of the same person (differentPerson)."
)
class Comparability:
    score: float
    flagged: bool
    reasons: list[str] = strawberry.field(
        description="DIFFERENT_PERSON first when the photos may not be of the same person; "
        "the factors below 0.8; SCORER when a concern's whole-face scores were made "
        "by different scorers (the engine, a learned model) and no common one kept both: "
        "no change is called on it."
    )
    factors: list[ComparabilityFactor]
    different_person: bool = strawberry.field(
        default=False,
        description="The two faces differ in shape (the landmarks a smile moves little, after "
        "allowing for a turned head) or grossly in skin tone, more than two photos of one person "
        "do (a rough check on the stored landmarks and tone, not face recognition). "
        "No change is called between them (every delta NO_CHANGE); nothing is blocked.",
    )
    warning: str | None = strawberry.field(
        default=None,
        description="Why the comparison is flagged, in plain words in the viewer's language; "
        "null when it is not flagged.",
    )

    @classmethod
    def from_domain(cls, item: DomainComparability, tr: Translator = ENGLISH) -> Comparability:
        parts = [ComparabilityFactor(name=k, value=round(v, 3)) for k, v in item.factors().items()]
        return cls(
            score=round(item.score, 3),
            flagged=item.flagged,
            reasons=item.reasons,
            factors=parts,
            different_person=item.different_person,
            warning=tr.gettext(item.warning) if item.warning else None,
        )


@strawberry.type(description="Signed links to PNGs, drawn when opened (never stored).")
class ComparisonPictures:
    before_url: str = strawberry.field(description="The earlier face, 384 x 384.")
    after_url: str = strawberry.field(
        description="The later face warped onto the earlier one by the face mesh and shown in "
        "its light: the same frame, ready for a slider over `beforeUrl`."
    )
    side_by_side_url: str


@strawberry.type(description="Two analyses of one person, the earlier one first.")
class AnalysisComparison:
    before: Analysis
    after: Analysis
    deltas: list[RegionDelta]
    comparability: Comparability
    changed_concerns: list[str] = strawberry.field(
        description="Concerns (and 'tone') whose whole-face value moved beyond the band."
    )
    mirrored: bool | None = strawberry.field(
        default=None,
        description="true: one photo is the other's mirror image (a front camera's selfie), "
        "told by the pigmented spots that match only with one photo flipped; each region was "
        "compared with the same side of the face, the pose (whose turn and tilt change sign "
        "in a mirror image) flipped back, and the pictures show the later photo flipped back. "
        "false: the photos match as taken. null: too few spots to tell, and "
        "the photos are compared as taken.",
    )

    @strawberry.field(
        description="Before / after pictures, from the photos or the frames the video "
        "analyses measured; null for a video analysed before its frame was kept, or a result "
        "stored without landmarks."
    )
    async def pictures(self, info: Info) -> ComparisonPictures | None:
        container = info.context.container
        ids = (str(self.before.id), str(self.after.id))
        found = await as_viewer(info, container.progress.pictures, *ids)
        if found is None:
            return None
        now, viewer = container.clock(), info.context.require_viewer()
        urls = {
            f"{kind}_url": container.media_urls.url(
                MediaGrant(name, viewer.user_id, viewer.role), now
            )
            for kind, name in found.items()
        }
        return ComparisonPictures(**urls)

    @classmethod
    def from_domain(cls, item: Comparison, tr: Translator = ENGLISH) -> AnalysisComparison:
        return cls(
            before=Analysis.from_domain(item.before, tr),
            after=Analysis.from_domain(item.after, tr),
            deltas=[RegionDelta.from_domain(d) for d in item.deltas],
            comparability=Comparability.from_domain(item.comparability, tr),
            changed_concerns=[
                d.concern
                for d in item.deltas
                if d.region == domain.FACE and d.change is not domain.Change.NO_CHANGE
            ],
            mirrored=item.mirrored,
        )


@strawberry.type
class TrendPoint:
    analysis_id: strawberry.ID
    at: datetime
    value: float
    comparability: float = strawberry.field(description="With the first analysis of the period.")


@strawberry.type(description="A concern's whole-face value over time ('tone': ITA degrees).")
class ConcernTrend:
    concern: str
    points: list[TrendPoint]
    translator: strawberry.Private[Translator] = ENGLISH

    @strawberry.field(
        description="The trend as an SVG chart: the noise band around the first value, "
        "hollow points where the photo was not comparable with the first."
    )
    def chart_svg(self) -> str:
        points = [(p.at, p.value, p.comparability) for p in self.points]
        band = domain.band_for(self.concern, domain.FACE)
        return trend_svg(self.concern, points, band, self.translator)


@strawberry.type(description="Finished analyses of a period, their trends, first against last.")
class Progress:
    analyses: list[Analysis]
    trends: list[ConcernTrend]
    comparison: AnalysisComparison | None

    @classmethod
    def from_domain(cls, report: ProgressReport, tr: Translator = ENGLISH) -> Progress:
        return cls(
            analyses=[Analysis.from_domain(a, tr) for a in report.analyses],
            trends=[
                ConcernTrend(
                    concern=concern,
                    points=[
                        TrendPoint(
                            analysis_id=strawberry.ID(p.analysis_id),
                            at=p.at,
                            value=round(p.value, 2),
                            comparability=round(p.comparability, 3),
                        )
                        for p in points
                    ],
                    translator=tr,
                )
                for concern, points in report.trends.items()
            ],
            comparison=AnalysisComparison.from_domain(report.comparison, tr)
            if report.comparison
            else None,
        )
