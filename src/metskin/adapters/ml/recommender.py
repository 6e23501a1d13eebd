"""A two-tower recommender in torch, blended with the content score as a domain `Ranker`.

Each tower adds an id embedding to a small network over side features, so a person with
little feedback still gets a sensible vector from skin type, concerns, tone band, age band
and pregnancy; products from slot, concerns, key-active classes, skin types and price band.
Training (`training.py`) uses a weighted BPR loss on the feedback preferences.

Files are versioned: `recommender-v{N}-{UTC timestamp}.pt` (a plain state dict, loaded
with `weights_only=True`) beside a `.json` with the config, ids and metrics.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import torch
from torch import nn

from metskin.adapters.ml.recommender_files import model_files, next_version
from metskin.domain.recommendations.catalog import Catalog, Product
from metskin.domain.recommendations.evaluation import ContentScores, Scorer
from metskin.domain.recommendations.needs import CareProfile, SkinNeeds
from metskin.domain.recommendations.ports import Ranker
from metskin.domain.recommendations.scoring import ScoredProduct
from metskin.domain.recommendations.vocabulary import CONCERNS, SKIN_TYPES, SLOTS

FILE_FORMAT = 1
FEATURE_SCHEMA = 1  # bump when user_features/product_features change meaning
SEVERITY_EDGES = (10.0, 40.0, 70.0)  # none / mild / moderate / severe
MONK_EDGES = (4, 7)  # light 1-3, medium 4-6, deep 7-10
AGE_EDGES = (18, 30, 45, 60)
PRICE_EDGES = (15.0, 30.0, 60.0)  # EUR
DEFAULT_BLEND_WEIGHT = 0.5
Z_CLIP = 3.0  # a learned score moves the content score by at most this many weights


def _bucket(value: float, edges: Sequence[float]) -> int:
    return sum(1 for edge in edges if value >= edge)


def _one_hot(index: int | None, size: int) -> list[float]:
    return [1.0 if index == i else 0.0 for i in range(size)]


def user_features(needs: SkinNeeds | None, profile: CareProfile | None) -> list[float]:
    """Side features of a person; all "unknown" slots are zero."""
    features: list[float] = []
    skin = SKIN_TYPES.index(needs.skin_type) if needs is not None else None
    features += _one_hot(skin, len(SKIN_TYPES))
    for concern in CONCERNS:
        level = _bucket(needs.severity(concern), SEVERITY_EDGES) if needs is not None else None
        features += _one_hot(level, len(SEVERITY_EDGES) + 1)
    monk = needs.monk_tone if needs is not None else None
    features += _one_hot(_bucket(monk, MONK_EDGES) if monk is not None else None, 3)
    years = profile.years if profile is not None else None
    age = _bucket(years, AGE_EDGES) if years is not None else None
    features += _one_hot(age, len(AGE_EDGES) + 1)
    expecting = profile is not None and (profile.pregnant or profile.breastfeeding)
    sensitive = profile is not None and profile.sensitive_skin
    features += [float(expecting), float(sensitive)]
    return features


USER_FEATURES = len(user_features(None, None))


def active_classes(catalog: Catalog) -> tuple[str, ...]:
    """The vocabulary of key-active classes, fixed into the model at training time."""
    return tuple(
        sorted(
            {
                c
                for product in catalog.products
                for a in product.key_actives
                for c in a.ingredient.classes
            }
        )
    )


def product_features(product: Product, classes: Sequence[str]) -> list[float]:
    features = _one_hot(SLOTS.index(product.slot) if product.slot in SLOTS else None, len(SLOTS))
    features += [1.0 if c in product.concerns else 0.0 for c in CONCERNS]
    features += [1.0 if s in product.skin_types else 0.0 for s in SKIN_TYPES]
    key = {c for a in product.key_actives for c in a.ingredient.classes}
    features += [1.0 if c in key else 0.0 for c in classes]
    features += _one_hot(_bucket(float(product.price.amount), PRICE_EDGES), len(PRICE_EDGES) + 1)
    features += [float(product.fragrance_free), float(product.tint_monk_range is not None)]
    return features


class _Tower(nn.Module):
    """An id embedding (row 0: unknown) plus a small network over side features."""

    def __init__(self, ids: int, features: int, dim: int, hidden: int) -> None:
        super().__init__()
        self.ids = nn.Embedding(ids, dim)
        nn.init.normal_(self.ids.weight, std=0.01)
        self.side = nn.Sequential(nn.Linear(features, hidden), nn.ReLU(), nn.Linear(hidden, dim))

    def forward(self, index: torch.Tensor, features: torch.Tensor) -> torch.Tensor:
        result: torch.Tensor = self.ids(index) + self.side(features)
        return result


class TwoTower(nn.Module):
    product_features: torch.Tensor
    user_features: torch.Tensor

    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        users, products = len(config.user_ids) + 1, len(config.product_ids)
        product_width = len(SLOTS) + len(CONCERNS) + len(SKIN_TYPES) + len(config.classes) + 6
        self.users = _Tower(users, USER_FEATURES, config.dim, config.hidden)
        self.products = _Tower(products, product_width, config.dim, config.hidden)
        self.bias = nn.Embedding(products, 1)
        nn.init.zeros_(self.bias.weight)
        self.register_buffer("product_features", torch.zeros(products, product_width))
        self.register_buffer("user_features", torch.zeros(users, USER_FEATURES))

    def user_vectors(self, index: torch.Tensor, features: torch.Tensor) -> torch.Tensor:
        result: torch.Tensor = self.users(index, features)
        return result

    def all_products(self) -> tuple[torch.Tensor, torch.Tensor]:
        return self.product_vectors(torch.arange(self.product_features.shape[0]))

    def product_vectors(self, index: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Vectors and biases of the given products only (a batch needs few of them)."""
        vectors: torch.Tensor = self.products(index, self.product_features[index])
        return vectors, self.bias(index).squeeze(1)


@dataclass(frozen=True)
class ModelConfig:
    user_ids: tuple[str, ...]
    product_ids: tuple[str, ...]
    classes: tuple[str, ...]
    dim: int = 32
    hidden: int = 64
    epochs: int = 8
    seed: int = 0
    batch_size: int = 1024
    learning_rate: float = 0.01
    weight_decay: float = 1e-5
    feature_schema: int = FEATURE_SCHEMA

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ModelConfig:
        values = dict(data)
        for name in ("user_ids", "product_ids", "classes"):
            values[name] = tuple(values[name])
        return cls(**values)


@dataclass
class TrainedModel:
    network: TwoTower
    config: ModelConfig
    metrics: dict[str, Any] = field(default_factory=dict)
    version: int | None = None
    path: Path | None = None

    def __post_init__(self) -> None:
        self.network.eval()
        self._user_index = {u: i + 1 for i, u in enumerate(self.config.user_ids)}
        self._product_index = {p: i for i, p in enumerate(self.config.product_ids)}

    def knows_user(self, user_id: str) -> bool:
        return user_id in self._user_index

    def knows_product(self, product_id: str) -> bool:
        return product_id in self._product_index

    def scores(
        self, user_id: str, needs: SkinNeeds | None = None, profile: CareProfile | None = None
    ) -> dict[str, float] | None:
        """Raw learned scores of every known product, or None for an unknown person.

        With needs and profile, the side features are today's; otherwise the ones seen
        in training.
        """
        index = self._user_index.get(user_id)
        if index is None:
            return None
        with torch.no_grad():
            if needs is None and profile is None:
                features = self.network.user_features[index : index + 1]
            else:
                features = torch.tensor([user_features(needs, profile)])
            user = self.network.user_vectors(torch.tensor([index]), features)[0]
            vectors, bias = self.network.all_products()
            values = (vectors @ user + bias).tolist()
        return dict(zip(self.config.product_ids, values, strict=True))

    def ranker(
        self, blend_weight: float = DEFAULT_BLEND_WEIGHT, *, user_id: str | None = None
    ) -> Ranker:
        """A domain `Ranker` for one person: content score + weight x normalised learned score.

        The domain `Ranker` is called per product without the person's id, so the ranker
        is made per person. An unknown person or product gets the content score alone.
        """
        return BlendRanker(self, blend_weight, user_id)

    def save(self, folder: Path) -> Path:
        """Write the next version into `folder`; returns the `.pt` path."""
        folder.mkdir(parents=True, exist_ok=True)
        version = next_version(folder)
        now = datetime.now(UTC)
        stem = f"recommender-v{version}-{now:%Y%m%dT%H%M%SZ}"
        target = folder / f"{stem}.pt"
        meta = {
            "format": FILE_FORMAT,
            "version": version,
            "created_at": now.isoformat(),
            "config": asdict(self.config),
            "metrics": self.metrics,
        }
        # The .json lands first and the .pt last, so a visible .pt is always complete.
        meta_tmp, weights_tmp = folder / f".{stem}.json.tmp", folder / f".{stem}.pt.tmp"
        meta_tmp.write_text(json.dumps(meta, indent=2, sort_keys=True), encoding="utf-8")
        torch.save(self.network.state_dict(), weights_tmp)
        os.replace(meta_tmp, target.with_suffix(".json"))
        os.replace(weights_tmp, target)
        self.version, self.path = version, target
        return target


class BlendRanker:
    """Implements the domain `Ranker` protocol for one person."""

    def __init__(self, model: TrainedModel, blend_weight: float, user_id: str | None) -> None:
        self.model = model
        self.blend_weight = blend_weight
        self.user_id = user_id
        self._seen: tuple[SkinNeeds, CareProfile] | None = None  # the routine passes the same
        self._key: tuple[float, ...] | None = None
        self._z: dict[str, float] | None = None

    def __call__(
        self, product: Product, needs: SkinNeeds, profile: CareProfile, content: ScoredProduct
    ) -> float:
        learned = self.learned(product.id, needs, profile)
        if learned is None:
            return content.score
        return content.score + self.blend_weight * learned

    def learned(self, product_id: str, needs: SkinNeeds, profile: CareProfile) -> float | None:
        """The person's learned score for a product as a z-score over the catalog."""
        if self.user_id is None or not self.model.knows_product(product_id):
            return None
        if self._seen is None or self._seen[0] is not needs or self._seen[1] is not profile:
            self._seen = (needs, profile)
            key = tuple(user_features(needs, profile))
            if key != self._key:
                raw = self.model.scores(self.user_id, needs, profile)
                self._key, self._z = key, None if raw is None else _z_scores(raw)
        return None if self._z is None else self._z[product_id]


def learned_scorer(model: TrainedModel) -> Scorer:
    """Learned scores alone (training-time side features), for offline comparison."""
    return lambda user: model.scores(user) or {}


def blend_scorer(model: TrainedModel, content: ContentScores, blend_weight: float) -> Scorer:
    """The blend as the routine builder sees it: through the domain `Ranker`."""

    def score(user: str) -> dict[str, float]:
        context = content.contexts[user]
        ranker = model.ranker(blend_weight, user_id=user)
        products = {p.id: p for p in content.catalog.products}
        return {
            pid: ranker(products[pid], context.needs, context.profile, scored)
            for pid, scored in content.scored(user).items()
        }

    return score


def _z_scores(raw: Mapping[str, float]) -> dict[str, float]:
    values = list(raw.values())
    mean = sum(values) / len(values)
    spread = math.sqrt(sum((v - mean) ** 2 for v in values) / len(values)) or 1.0
    return {k: max(-Z_CLIP, min(Z_CLIP, (v - mean) / spread)) for k, v in raw.items()}


def load(path: Path) -> TrainedModel:
    meta = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    if meta.get("format") != FILE_FORMAT:
        raise ValueError(f"{path.name}: unknown model file format {meta.get('format')!r}")
    config = ModelConfig.from_json(meta["config"])
    if config.feature_schema != FEATURE_SCHEMA:
        raise ValueError(f"{path.name}: trained on feature schema {config.feature_schema}")
    network = TwoTower(config)
    network.load_state_dict(torch.load(path, weights_only=True, map_location="cpu"))
    return TrainedModel(network, config, dict(meta.get("metrics", {})), meta["version"], path)


def load_newest(folder: Path) -> TrainedModel | None:
    """The highest version in `folder`, or None when nothing was trained yet."""
    found = model_files(folder)
    return load(found[-1][2]) if found else None
