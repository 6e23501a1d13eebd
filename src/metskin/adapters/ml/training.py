"""Training the two-tower recommender: weighted BPR over the feedback preferences, seeded and
deterministic on the CPU (same data and seed, same weights)."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import torch
from torch.nn import functional

from metskin.adapters.ml.recommender import (
    ModelConfig,
    TrainedModel,
    TwoTower,
    active_classes,
    product_features,
    user_features,
)
from metskin.domain.recommendations.catalog import Catalog
from metskin.domain.recommendations.feedback import (
    Feedback,
    UserContext,
    latest_per_pair,
    preference_of,
)

MIN_BATCH, MAX_BATCH, STEPS_PER_EPOCH = 64, 1024, 80


@dataclass(frozen=True)
class _Rows:
    users: torch.Tensor
    products: torch.Tensor
    sign: torch.Tensor  # +1 liked, -1 disliked
    weight: torch.Tensor


def _rows(
    feedback: Iterable[Feedback], users: Mapping[str, int], products: Mapping[str, int]
) -> tuple[_Rows, int]:
    kept: list[tuple[int, int, float, float]] = []
    skipped = 0
    for item in latest_per_pair(feedback):
        product = products.get(item.product_id)
        if product is None:
            skipped += 1
            continue
        preference = preference_of(item)
        if preference.value == 0:
            continue  # neutral: says nothing about the order
        sign = 1.0 if preference.value > 0 else -1.0
        kept.append((users[item.user_id], product, sign, abs(preference.value) * preference.weight))
    kept.sort()
    columns = list(zip(*kept, strict=True)) if kept else [(), (), (), ()]
    rows = _Rows(
        torch.tensor(columns[0], dtype=torch.long),
        torch.tensor(columns[1], dtype=torch.long),
        torch.tensor(columns[2], dtype=torch.float32),
        torch.tensor(columns[3], dtype=torch.float32),
    )
    return rows, skipped


def train(
    feedback: Iterable[Feedback],
    users_features: Mapping[str, UserContext],
    catalog: Catalog,
    *,
    epochs: int = 8,
    seed: int = 0,
    dim: int = 32,
    batch_size: int | None = None,
) -> TrainedModel:
    """Fit the two-tower model on feedback; deterministic for a seed on CPU.

    Without a batch size, small sets get small batches so an epoch still takes
    about `STEPS_PER_EPOCH` optimiser steps.
    """
    items = list(feedback)
    if batch_size is None:
        batch_size = max(MIN_BATCH, min(MAX_BATCH, len(items) // STEPS_PER_EPOCH))
    config = ModelConfig(
        user_ids=tuple(sorted({f.user_id for f in items})),
        product_ids=tuple(p.id for p in catalog.products),
        classes=active_classes(catalog),
        dim=dim,
        epochs=epochs,
        seed=seed,
        batch_size=batch_size,
    )
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        network = TwoTower(config)
    _fill_features(network, config, users_features, catalog)
    user_index = {u: i + 1 for i, u in enumerate(config.user_ids)}
    product_index = {p: i for i, p in enumerate(config.product_ids)}
    rows, skipped = _rows(items, user_index, product_index)
    with deterministic_cpu():
        losses, seconds = _fit(network, config, rows)
    metrics: dict[str, Any] = {
        "rows": len(items),
        "training_pairs": int(rows.users.shape[0]),
        "skipped_unknown_products": skipped,
        "users": len(config.user_ids),
        "products": len(config.product_ids),
        "epoch_loss": [round(loss, 5) for loss in losses],
        "epoch_seconds": [round(s, 3) for s in seconds],
        "trained_at": datetime.now(UTC).isoformat(),
    }
    return TrainedModel(network, config, metrics)


@contextmanager
def deterministic_cpu() -> Iterator[None]:
    """One thread and deterministic kernels while training.

    Threaded scatter-adds (embedding gradients) depend on thread timing, so two runs with
    one seed would differ slightly; and on ops this small, one thread is also the fastest
    (measured about 10x faster than two on a 2-core machine).
    """
    threads = torch.get_num_threads()
    deterministic = torch.are_deterministic_algorithms_enabled()
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    try:
        yield
    finally:
        torch.use_deterministic_algorithms(deterministic)
        torch.set_num_threads(threads)


def _fill_features(
    network: TwoTower, config: ModelConfig, contexts: Mapping[str, UserContext], catalog: Catalog
) -> None:
    with torch.no_grad():
        network.product_features.copy_(
            torch.tensor([product_features(p, config.classes) for p in catalog.products])
        )
        for index, user in enumerate(config.user_ids, start=1):
            context = contexts.get(user)
            if context is not None:
                network.user_features[index] = torch.tensor(
                    user_features(context.needs, context.profile)
                )


def _fit(network: TwoTower, config: ModelConfig, rows: _Rows) -> tuple[list[float], list[float]]:
    generator = torch.Generator().manual_seed(config.seed)
    optimiser = torch.optim.Adam(
        network.parameters(), lr=config.learning_rate, weight_decay=config.weight_decay
    )
    count = int(rows.users.shape[0])
    products = int(network.product_features.shape[0])
    losses: list[float] = []
    seconds: list[float] = []
    network.train()
    for _ in range(config.epochs if count else 0):
        started = time.perf_counter()
        order = torch.randperm(count, generator=generator)
        others = torch.randint(products, (count,), generator=generator)
        total = 0.0
        for start in range(0, count, config.batch_size):
            batch = order[start : start + config.batch_size]
            users = rows.users[batch]
            user = network.user_vectors(users, network.user_features[users])
            picked, other = rows.products[batch], others[batch]
            picked_vectors, picked_bias = network.product_vectors(picked)
            other_vectors, other_bias = network.product_vectors(other)
            mine = (user * picked_vectors).sum(1) + picked_bias
            theirs = (user * other_vectors).sum(1) + other_bias
            weight = rows.weight[batch] * (other != picked)
            loss = -(weight * functional.logsigmoid(rows.sign[batch] * (mine - theirs))).sum()
            loss = loss / rows.weight[batch].sum()
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            total += float(loss.detach()) * int(batch.shape[0])
        losses.append(total / count)
        seconds.append(time.perf_counter() - started)
    network.eval()
    return losses, seconds
