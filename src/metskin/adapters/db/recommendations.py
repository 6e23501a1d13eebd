"""Recommendations in SQL: feedback and saved routines (tables and repositories), and the
recommender's training data read from them. The catalog: `catalog`."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import fields
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import (
    JSON,
    Index,
    Row,
    SmallInteger,
    Text,
    UniqueConstraint,
    bindparam,
    cast,
    func,
)
from sqlalchemy import select as core_select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel, col, select

from metskin.adapters.db.repository import (
    CONFLICTING,
    KeysetStatements,
    SqlRepository,
    keyset_page,
    values_of,
)
from metskin.adapters.db.types import MYSQL_TABLE_ARGS, UTCDateTime, core_table
from metskin.domain.analysis.readout import ResultReadout
from metskin.domain.analysis.records import AnalysisStatus
from metskin.domain.errors import Conflict
from metskin.domain.labels.ports import ConsentRepository
from metskin.domain.ports import Clock, CreatedKey
from metskin.domain.recommendations.feedback import Feedback, UserContext
from metskin.domain.recommendations.inputs import care_profile, needs_from_result
from metskin.domain.recommendations.model import SavedRoutine
from metskin.domain.recommendations.ports import RecommendationsUnitOfWork

RECENT_ANALYSES = 5


class FeedbackRow(SQLModel, table=True):
    __tablename__ = "feedback"
    __table_args__ = (
        # One rating per person and product: rating again replaces it (migration 0005).
        UniqueConstraint("user_id", "product_id", name="uq_feedback_user_product"),
        Index("ix_feedback_product", "product_id"),
        MYSQL_TABLE_ARGS,
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: str = Field(max_length=36, foreign_key="users.id", ondelete="CASCADE")
    product_id: str = Field(max_length=100, foreign_key="products.id", ondelete="CASCADE")
    rating: int = Field(sa_type=SmallInteger)
    outcome: str | None = Field(default=None, max_length=16)
    created_at: datetime = Field(sa_type=UTCDateTime)


class RoutineRow(SQLModel, table=True):
    """A routine as it was recommended; one per analysis and profile state."""

    __tablename__ = "routines"
    __table_args__ = (
        UniqueConstraint("analysis_id", "profile_hash", name="uq_routines_analysis_profile"),
        Index("ix_routines_user_created", "user_id", "created_at", "id"),
        MYSQL_TABLE_ARGS,
    )

    id: str = Field(primary_key=True, max_length=36)
    user_id: str = Field(max_length=36, foreign_key="users.id", ondelete="CASCADE")
    analysis_id: str = Field(max_length=36, foreign_key="analyses.id", ondelete="CASCADE")
    profile_hash: str = Field(max_length=64)
    model_version: str = Field(default="", max_length=80)
    created_at: datetime = Field(sa_type=UTCDateTime)
    routine: dict[str, Any] = Field(sa_type=JSON)


ROUTINE_FIELDS = tuple(f.name for f in fields(SavedRoutine))


class PendingChangeRow(SQLModel, table=True):
    """A change said while the photo of the person's routine is measured, to tell with the
    routine rebuilt at its result (`followed.hold_why`, migration 0026); deleted once told or
    no longer needed. Internal: not in the data export."""

    __tablename__ = "routine_changes_pending"
    __table_args__ = MYSQL_TABLE_ARGS

    user_id: str = Field(
        primary_key=True, max_length=36, foreign_key="users.id", ondelete="CASCADE"
    )
    why: str = Field(primary_key=True, max_length=24)
    said_at: datetime = Field(sa_type=UTCDateTime)


class SqlFeedbackRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def put(self, feedback: Feedback) -> None:
        row = self._session.exec(
            select(FeedbackRow)
            .where(FeedbackRow.user_id == feedback.user_id)
            .where(FeedbackRow.product_id == feedback.product_id)
        ).first()
        if row is None:
            row = FeedbackRow(
                user_id=feedback.user_id,
                product_id=feedback.product_id,
                rating=feedback.rating,
                outcome=feedback.outcome,
                created_at=feedback.created_at,
            )
        row.rating, row.outcome = feedback.rating, feedback.outcome
        row.created_at = feedback.created_at
        self._session.add(row)

    def remove(self, user_id: str, product_id: str) -> bool:
        rows = self._session.exec(
            select(FeedbackRow)
            .where(FeedbackRow.user_id == user_id)
            .where(FeedbackRow.product_id == product_id)
        ).all()
        for row in rows:
            self._session.delete(row)
        self._session.flush()
        return bool(rows)

    def iter_all(self, batch: int = 10_000) -> Iterator[Feedback]:
        last_id = 0
        while True:
            rows = list(
                self._session.exec(
                    select(FeedbackRow)
                    .where(col(FeedbackRow.id) > last_id)
                    .order_by(col(FeedbackRow.id))
                    .limit(batch)
                )
            )
            for row in rows:
                yield Feedback(row.user_id, row.product_id, row.rating, row.outcome, row.created_at)
            if len(rows) < batch:
                return
            last_id = rows[-1].id or last_id

    def for_user(self, user_id: str) -> list[Feedback]:
        rows = self._session.exec(select(FeedbackRow).where(FeedbackRow.user_id == user_id))
        return [Feedback(r.user_id, r.product_id, r.rating, r.outcome, r.created_at) for r in rows]


_ROUTINES = core_table(RoutineRow)
# The routine's save in the pipeline (and the history's pages): Core statements built once,
# plain rows mapped straight to the domain, no ORM row built, tracked or flushed.
_ROUTINE_FOUND = core_select(_ROUTINES).where(
    _ROUTINES.c.analysis_id == bindparam("analysis"), _ROUTINES.c.profile_hash == bindparam("key")
)
_USER_ROUTINES = KeysetStatements.of(_ROUTINES, _ROUTINES.c.user_id == bindparam("user"))
_FOLLOWED_ANALYSIS = keyset_page(
    core_select(_ROUTINES.c.analysis_id).where(_ROUTINES.c.user_id == bindparam("user")),
    [_ROUTINES.c.created_at, _ROUTINES.c.id],
    None,
    1,
    newest=True,
)  # the analysis of the newest routine, its JSON not read
_INSERT_ROUTINE = _ROUTINES.insert()
_PENDING = core_table(PendingChangeRow)
# Said again: the first saying kept (its place in the order said), not an error.
_HOLD = (
    _PENDING.insert()
    .prefix_with("IGNORE", dialect="mysql")
    .prefix_with("OR IGNORE", dialect="sqlite")
)


class SqlRoutineRepository(SqlRepository[RoutineRow, SavedRoutine]):
    row_type = RoutineRow

    def to_domain(self, row: RoutineRow | Row[Any]) -> SavedRoutine:
        """From an ORM row or a plain Core row of the table (the same names)."""
        return SavedRoutine(**values_of(row, ROUTINE_FIELDS))

    def new_row(self, saved: SavedRoutine) -> RoutineRow:
        return RoutineRow(**values_of(saved, ROUTINE_FIELDS))

    def add(self, saved: SavedRoutine) -> None:
        """One Core INSERT now: the unique key refuses a second one of the same state (a
        request and the rebuild job at once), as Conflict."""
        try:
            self._session.connection().execute(_INSERT_ROUTINE, values_of(saved, ROUTINE_FIELDS))
        except IntegrityError as error:
            raise Conflict(CONFLICTING) from error

    def renew(self, routine_id: str, at: datetime) -> None:
        self._session.connection().execute(
            _ROUTINES.update().where(_ROUTINES.c.id == routine_id).values(created_at=at)
        )

    def hold(self, user_id: str, why: str, at: datetime) -> None:
        self._session.connection().execute(_HOLD, {"user_id": user_id, "why": why, "said_at": at})

    def held(self, user_id: str) -> list[str]:
        query = (
            core_select(_PENDING.c.why)
            .where(_PENDING.c.user_id == user_id)
            .order_by(_PENDING.c.said_at, _PENDING.c.why)
        )
        return [row.why for row in self._session.connection().execute(query)]

    def release(self, user_id: str) -> None:
        self._session.connection().execute(_PENDING.delete().where(_PENDING.c.user_id == user_id))

    def drop(self, analysis_id: str) -> int:
        result = self._session.connection().execute(
            _ROUTINES.delete().where(_ROUTINES.c.analysis_id == analysis_id)
        )
        return int(result.rowcount)

    def find(self, analysis_id: str, profile_hash: str) -> SavedRoutine | None:
        found = self._session.connection().execute(
            _ROUTINE_FOUND, {"analysis": analysis_id, "key": profile_hash}
        )
        row = found.first()
        return self.to_domain(row) if row else None

    def list_for_user(
        self, user_id: str, before: CreatedKey | None, limit: int
    ) -> list[SavedRoutine]:
        rows = _USER_ROUTINES.rows(self._session, before, limit, user=user_id)
        return [self.to_domain(row) for row in rows]

    def followed_analysis(self, user_id: str) -> str | None:
        found = self._session.connection().execute(_FOLLOWED_ANALYSIS, {"user": user_id})
        return found.scalar()

    def following(self, product_id: str, after_user: str | None, limit: int) -> list[str]:
        """The routine's JSON text searched for the product's id (a step, an alternative or an
        exclusion): a scan of the routines, for the rare removal of a product, in a job."""
        newer = _ROUTINES.alias("newer")
        newest = (
            core_select(func.max(newer.c.created_at))
            .where(newer.c.user_id == _ROUTINES.c.user_id)
            .scalar_subquery()
        )
        quoted = product_id.replace("!", "!!").replace("%", "!%").replace("_", "!_")
        query = core_select(_ROUTINES.c.user_id).where(
            cast(_ROUTINES.c.routine, Text).like(f'%"product_id": "{quoted}"%', escape="!"),
            _ROUTINES.c.created_at == newest,
        )
        if after_user is not None:
            query = query.where(_ROUTINES.c.user_id > after_user)
        found = self._session.connection().execute(query.order_by(_ROUTINES.c.user_id).limit(limit))
        return list(dict.fromkeys(row.user_id for row in found))


# --- training data ---------------------------------------------------------------------------


class TrainingUnitOfWork(RecommendationsUnitOfWork, Protocol):
    consents: ConsentRepository


class SqlFeedbackSource:
    """The ratings, and each rater's latest analysis and profile, of the people who consent
    to learning now (`setLearningConsent`; the photo consent's text promises that nothing of
    theirs trains a model without it): a person who never said yes, or took it back, is not
    read at all."""

    def __init__(self, uow_factory: Callable[[], TrainingUnitOfWork], clock: Clock) -> None:
        self._uow_factory = uow_factory
        self._clock = clock

    def iter_feedback(self) -> Iterable[Feedback]:
        with self._uow_factory() as uow:
            consenting = set(uow.consents.consenting())
            yield from (item for item in uow.feedback.iter_all() if item.user_id in consenting)

    def user_contexts(self) -> Mapping[str, UserContext]:
        with self._uow_factory() as uow:
            consenting = set(uow.consents.consenting())
            user_ids = sorted({f.user_id for f in uow.feedback.iter_all()} & consenting)
            users = uow.users.list_by_ids(user_ids)
            contexts = {}
            for user in users:
                recent = uow.analyses.list_for_owner(user.id, None, RECENT_ANALYSES)
                done = [a.id for a in recent if a.status is AnalysisStatus.DONE]
                results = uow.analyses.get_results(done)
                latest: dict[str, Any] = next(
                    (results[a][0] for a in done if a in results and results[a][0].get("ok")), {}
                )  # {}: self-report only
                needs = needs_from_result(ResultReadout.from_stored(latest), user.profile)
                contexts[user.id] = UserContext(needs, care_profile(user.profile, self._clock()))
        return contexts
