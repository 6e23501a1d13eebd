"""Use cases of the skin model registry: register, shadow, promote through the gate, roll back,
keep shadow scores, and retrain when enough new labels have arrived or when data the newest
version learnt from has left (a learning consent withdrawn, an account or a labelled analysis
erased)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from metskin.domain.i18n.marks import _
from metskin.domain.labels.dataset import version_of
from metskin.domain.ports import read
from metskin.domain.skinmodel.errors import GateRefused, SkinModelNotFound, WrongModelState
from metskin.domain.skinmodel.gate import GateDecision, decide
from metskin.domain.skinmodel.model import (
    ModelState,
    ShadowScore,
    SkinModelVersion,
)

if TYPE_CHECKING:
    from metskin.domain.labels.dataset import Dataset
    from metskin.domain.ports import Clock
    from metskin.domain.skinmodel.ports import (
        SkinModelUnitOfWork,
        SkinModelUowFactory,
        SkinTrainer,
        TrainedCandidate,
    )

RETRAIN_SKIN_MODEL = "retrain_skin_model"
MIN_NEW_LABELS = 50  # label writes of consenting people since the newest version
LEARNED_FROM = "learned_from"  # in a version's metrics: counts of its data when registered


class SkinModelService:
    def __init__(self, uow_factory: SkinModelUowFactory, clock: Clock) -> None:
        self._uow_factory = uow_factory
        self._clock = clock

    def versions(self) -> list[SkinModelVersion]:
        return read(self._uow_factory, lambda uow: uow.skin_models.all())

    def version(self, version: int) -> SkinModelVersion:
        """One registered version (SkinModelNotFound when there is none)."""
        return read(self._uow_factory, lambda uow: _get(uow, version))

    def current(self) -> tuple[SkinModelVersion | None, SkinModelVersion | None]:
        """The live version and the one in shadow (None: the engine alone / no shadow)."""

        def query(uow: SkinModelUnitOfWork) -> tuple[SkinModelVersion | None, ...]:
            live = uow.skin_models.in_state(ModelState.LIVE)
            shadow = uow.skin_models.in_state(ModelState.SHADOW)
            return (live[0] if live else None, shadow[0] if shadow else None)

        live, shadow = read(self._uow_factory, query)
        return live, shadow

    def register(self, trained: TrainedCandidate, version: int | None = None) -> SkinModelVersion:
        """A new CANDIDATE (never shown until promoted)."""
        with self._uow_factory() as uow:
            number = version if version is not None else uow.skin_models.next_version()
            if uow.skin_models.get(number) is not None:
                raise WrongModelState.translatable(
                    _("Version {number} is already registered."), number=number
                )
            now = self._clock()
            learned_from = {  # counts only: whose data stays in the dataset members' rows
                "label_writes": _label_writes(uow, now),
                "people": len(uow.dataset_members.members_of(version_of(trained.dataset_hash))),
            }
            added = SkinModelVersion(
                version=number,
                state=ModelState.CANDIDATE,
                dataset_hash=trained.dataset_hash,
                code_version=trained.code_version,
                weights=trained.weights,
                metrics={**trained.metrics, LEARNED_FROM: learned_from},
                card=trained.card,
                created_at=now,
            )
            uow.skin_models.add(added)
            uow.commit()
        return added

    def next_version(self) -> int:
        return read(self._uow_factory, lambda uow: uow.skin_models.next_version())

    def gate(self, version: int) -> GateDecision:
        """What the gate says of a version now (nothing changes)."""
        with self._uow_factory() as uow:
            return _decide(uow, _get(uow, version))

    def start_shadow(self, version: int) -> SkinModelVersion:
        """The candidate scores every new analysis beside the live one, unseen; a version
        already in shadow goes back to being a candidate."""
        with self._uow_factory() as uow:
            found = _get(uow, version)
            if found.state is not ModelState.CANDIDATE:
                raise WrongModelState.translatable(
                    _("{name} is {state}, not a CANDIDATE."),
                    name=found.name,
                    state=found.state.value,
                )
            if left := _withdrawn(uow, found):
                raise GateRefused.translatable(
                    _("{name} is not put in shadow: {why}"), name=found.name, why=left
                )
            for other in uow.skin_models.in_state(ModelState.SHADOW):
                other.state = ModelState.CANDIDATE
                uow.skin_models.save(other)
            found.state = ModelState.SHADOW
            uow.skin_models.save(found)
            uow.commit()
        return found

    def promote(self, version: int) -> SkinModelVersion:
        """Live only through the gate; the version it replaces is retired (and noted, for
        rollback)."""
        now = self._clock()
        with self._uow_factory() as uow:
            found = _get(uow, version)
            if found.state not in (ModelState.CANDIDATE, ModelState.SHADOW):
                raise WrongModelState.translatable(
                    _("{name} is {state}."), name=found.name, state=found.state.value
                )
            live = uow.skin_models.in_state(ModelState.LIVE)
            decision = _decide(uow, found)
            if not decision.passed:
                raise GateRefused.translatable(
                    _("{name} is not promoted: {why}"),
                    name=found.name,
                    why="; ".join(decision.reasons),
                )
            for old in live:
                _retire(old, now)
                uow.skin_models.save(old)
            found.state, found.uses, found.promoted_at = ModelState.LIVE, decision.uses, now
            found.retired_at, found.replaces = None, live[0].version if live else None
            uow.skin_models.save(found)
            uow.commit()
        return found

    def rollback(self) -> SkinModelVersion | None:
        """Retire the live version and bring back the one its promotion replaced (the engine
        alone, when it replaced none); never one a rollback retired, nor one that learnt from
        people who have since left (a withdrawn learning consent, an erased account): the
        engine then scores. Returns the live version after the rollback."""
        now = self._clock()
        with self._uow_factory() as uow:
            live = uow.skin_models.in_state(ModelState.LIVE)
            if not live:
                raise WrongModelState(_("No model is live: the engine scores everything."))
            current = live[0]
            _retire(current, now)
            uow.skin_models.save(current)
            back = uow.skin_models.get(current.replaces) if current.replaces else None
            if back is not None and back.state is ModelState.RETIRED and not _left(uow, back):
                back.state, back.retired_at = ModelState.LIVE, None
                uow.skin_models.save(back)
            else:
                back = None
            uow.commit()
        return back

    def keep_shadow(self, analysis_id: str, unseen: Mapping[str, Any]) -> None:
        """The analysis worker's step: what the model in shadow scored (`apply_scores`' unseen
        part), beside what was shown; once per (analysis, version)."""
        with self._uow_factory() as uow:
            uow.shadow_scores.add(
                ShadowScore(
                    analysis_id,
                    int(unseen["version"]),
                    {str(k): float(v) for k, v in unseen["scores"].items()},
                    {str(k): float(v) for k, v in unseen.get("shown", {}).items()},
                    self._clock(),
                )
            )
            uow.commit()

    def shadow_scores(self, version: int) -> list[ShadowScore]:
        return read(self._uow_factory, lambda uow: uow.shadow_scores.for_version(version))

    def new_labels(self) -> int:
        """Label writes of consenting people since the newest version was registered."""

        def query(uow: SkinModelUnitOfWork) -> int:
            versions = uow.skin_models.all()
            since = max((v.created_at for v in versions), default=None)
            labels = uow.labels.for_subjects(uow.consents.consenting())
            return sum(1 for x in labels if since is None or x.created_at > since)

        return read(self._uow_factory, query)

    def left_since(self, version: SkinModelVersion) -> int:
        """How many people whose data the version learnt from have left it since: their
        learning consent withdrawn (or their account closed), or their account erased. Counted
        from the dataset members' rows (the people of a dataset `dataset export` or the
        retrain job recorded; none for an import) against the consents now."""
        return read(self._uow_factory, lambda uow: _left(uow, version))

    def retrain_due(self, min_new_labels: int = MIN_NEW_LABELS) -> bool:
        """Enough new labels, or data the newest version learnt from has gone since: fewer of
        the label writes it counted (a consent withdrawn, an account or a labelled analysis
        erased), or one of its people left. A withdrawal is owed a model trained without it
        whatever the number of new labels."""
        if self.new_labels() >= min_new_labels:
            return True

        def gone(uow: SkinModelUnitOfWork) -> bool:
            versions = uow.skin_models.all()
            if not versions:
                return False
            newest = max(versions, key=lambda v: (v.created_at, v.version))
            counted = (newest.metrics.get(LEARNED_FROM) or {}).get("label_writes")
            if counted is not None and _label_writes(uow, newest.created_at) < int(counted):
                return True
            return _left(uow, newest) > 0

        return read(self._uow_factory, gone)

    def retrain_if_due(
        self,
        build_dataset: Callable[[], Dataset],
        trainer: SkinTrainer,
        min_new_labels: int = MIN_NEW_LABELS,
        record: Callable[[Dataset], object] | None = None,
    ) -> SkinModelVersion | None:
        """The retrain job: when due (`retrain_due`), train on a fresh export (`record`
        writes down who entered it) and register a CANDIDATE (never promoted here). A dataset
        some version was already trained on is not trained again, so a redelivered job
        changes nothing."""
        if not self.retrain_due(min_new_labels):
            return None
        dataset = build_dataset()
        content_hash = dataset.content_hash()
        if any(v.dataset_hash == content_hash for v in self.versions()):
            return None
        if record is not None:
            record(dataset)
        live, _ = self.current()
        version = self.next_version()
        return self.register(trainer.train(dataset, version, live), version)


def _label_writes(uow: SkinModelUnitOfWork, until: datetime) -> int:
    """Label writes of the people who consent now, written at `until` or before."""
    labels = uow.labels.for_subjects(uow.consents.consenting())
    return sum(1 for label in labels if label.created_at <= until)


def _left(uow: SkinModelUnitOfWork, version: SkinModelVersion) -> int:
    members = uow.dataset_members.members_of(version_of(version.dataset_hash))
    consenting = set(uow.consents.consenting())
    withdrawn = sum(1 for person in members if person not in consenting)
    recorded = (version.metrics.get(LEARNED_FROM) or {}).get("people", len(members))
    return withdrawn + max(0, int(recorded) - len(members))  # erased: their rows are gone


def _withdrawn(uow: SkinModelUnitOfWork, version: SkinModelVersion) -> str | None:
    """Why a version may not score anyone new: people it learnt from have left since."""
    left = _left(uow, version)
    if not left:
        return None
    return (
        f"it learnt from the data of {left} {'person' if left == 1 else 'people'} who have "
        "since withdrawn their learning consent (or whose account was erased); train a "
        "candidate on a fresh export (`metskin dataset export`) without them"
    )


def _decide(uow: SkinModelUnitOfWork, found: SkinModelVersion) -> GateDecision:
    """The gate's decision on the metrics, refused as well when the version learnt from
    people who have left since (`_withdrawn`)."""
    live = uow.skin_models.in_state(ModelState.LIVE)
    decision = decide(found.metrics, live[0].version if live else None)
    if left := _withdrawn(uow, found):
        return replace(decision, passed=False, reasons=(*decision.reasons, left))
    return decision


def _get(uow: SkinModelUnitOfWork, version: int) -> SkinModelVersion:
    found = uow.skin_models.get(version)
    if found is None:
        raise SkinModelNotFound.translatable(
            _("No skin model version {version}."), "version", version=version
        )
    return found


def _retire(version: SkinModelVersion, now: datetime) -> None:
    version.state, version.retired_at = ModelState.RETIRED, now
