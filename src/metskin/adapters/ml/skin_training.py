"""Training and evaluating the skin CNN on an exported dataset, seeded and deterministic on the
CPU (same dataset and seed, same weights): the train split fits the network, the test split
(people never seen in training) is scored beside the engine and the live model."""

from __future__ import annotations

import math
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import torch
from torch.nn import functional

from metskin.adapters.ml.skin_cnn import (
    HEAT_SIDE,
    CnnConfig,
    LoadedCnn,
    as_input,
    build,
    load,
    save,
    scales,
)
from metskin.adapters.ml.training import deterministic_cpu
from metskin.domain.labels.dataset import Dataset
from metskin.domain.skinmodel.card import model_card
from metskin.domain.skinmodel.evaluation import Graded, engine_grades, error_table, fit_engine_lines
from metskin.domain.skinmodel.gate import concerns_beating_engine
from metskin.domain.skinmodel.model import SkinModelVersion, model_name
from metskin.domain.skinmodel.patches import square
from metskin.domain.skinmodel.ports import TrainedCandidate

MAX_BATCH, LEARNING_RATE, HEAT_WEIGHT = 16, 3e-3, 0.5  # batches of faces
STEPS_PER_EPOCH = 8  # small sets get small batches
HELD_OUT = "test"


@dataclass
class Examples:
    """The faces of one split as arrays (one slot per region), and what is known of each."""

    pixels: np.ndarray  # (F, R, side, side, 3) uint8
    mask: np.ndarray  # (F, R) 1 where the region's patch is
    samples: list[str]
    grades: np.ndarray  # (F, C) grade, NaN when not labelled
    heat: np.ndarray  # (F, R, HEAT_SIDE, HEAT_SIDE) 1 where a lesion centre lies
    faces: dict[str, dict[str, Any]] = field(default_factory=dict)  # sample -> truth, tone, engine


def examples(dataset: Dataset, split: str, concerns: tuple[str, ...]) -> Examples:
    config = CnnConfig(concerns)
    by_sample: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for record in dataset.records:
        if record["split"] == split and record["region"] in config.regions:
            by_sample[record["sample"]].append(record)
    samples = sorted(by_sample)
    count, regions = len(samples), len(config.regions)
    pixels = np.zeros((count, regions, config.side, config.side, 3), dtype=np.uint8)
    mask = np.zeros((count, regions), dtype=np.float32)
    heat = np.zeros((count, regions, HEAT_SIDE, HEAT_SIDE), dtype=np.float32)
    grades = np.full((count, len(concerns)), np.nan, dtype=np.float32)
    faces: dict[str, dict[str, Any]] = {}
    for row, sample in enumerate(samples):
        first = by_sample[sample][0]
        grades[row] = [first["grades"].get(c, np.nan) for c in concerns]
        faces[sample] = {
            "truth": dict(first["grades"]),
            "monk": first.get("monk_tone") or first.get("engine_monk"),
            "engine": dict(first.get("engine") or {}),
        }
        for record in by_sample[sample]:
            slot = config.regions.index(record["region"])
            bgr = cv2.imdecode(np.frombuffer(dataset.files[record["patch"]], np.uint8), 1)
            rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
            pixels[row, slot], mask[row, slot] = square(rgb), 1.0
            heat[row, slot] = _lesion_cells(record, rgb.shape)
    return Examples(pixels, mask, samples, grades, heat, faces)


def _lesion_cells(record: dict[str, Any], shape: tuple[int, ...]) -> np.ndarray:
    cells = np.zeros((HEAT_SIDE, HEAT_SIDE), dtype=np.float32)
    height, width = shape[:2]
    for _, x, y, w, h in record.get("lesions", []):
        col = int((x + w / 2) * HEAT_SIDE / width)
        row = int((y + h / 2) * HEAT_SIDE / height)
        if 0 <= row < HEAT_SIDE and 0 <= col < HEAT_SIDE:
            cells[row, col] = 1.0
    return cells


def concerns_of(dataset: Dataset) -> tuple[str, ...]:
    return tuple(sorted({c for r in dataset.records if r["split"] == "train" for c in r["grades"]}))


def fit(train: Examples, config: CnnConfig) -> tuple[LoadedCnn, dict[str, Any]]:
    network = build(config)
    generator = torch.Generator().manual_seed(config.seed)
    optimiser = torch.optim.Adam(network.parameters(), lr=LEARNING_RATE)
    pixels, mask = as_input(train.pixels, train.mask)
    target = torch.from_numpy(train.grades) / scales(config.concerns)
    known = (~torch.isnan(target)).float()
    target = torch.nan_to_num(target)
    heat = torch.from_numpy(train.heat)
    count = int(pixels.shape[0])
    batch_size = max(2, min(MAX_BATCH, count // STEPS_PER_EPOCH))
    losses, seconds = [], []
    with deterministic_cpu():
        network.train()
        for _ in range(config.epochs if count else 0):
            started = time.perf_counter()
            order = torch.randperm(count, generator=generator)
            total = 0.0
            for start in range(0, count, batch_size):
                batch = order[start : start + batch_size]
                fractions, _, logits = network(pixels[batch], mask[batch])
                seen = known[batch]
                grade_loss = ((fractions - target[batch]) ** 2 * seen).sum() / seen.sum().clamp(
                    min=1.0
                )
                cells = functional.binary_cross_entropy_with_logits(
                    logits, heat[batch], reduction="none"
                ).mean(dim=(2, 3))
                slots = mask[batch]
                heat_loss = (cells * slots).sum() / slots.sum().clamp(min=1.0)
                loss = grade_loss + HEAT_WEIGHT * heat_loss
                optimiser.zero_grad()
                loss.backward()
                optimiser.step()
                total += float(loss.detach()) * int(batch.shape[0])
            losses.append(round(total / count, 5))
            seconds.append(round(time.perf_counter() - started, 3))
        network.eval()
    return LoadedCnn(network, config), {
        "patches": int(train.mask.sum()),
        "faces": count,
        "epochs": config.epochs,
        "seed": config.seed,
        "epoch_loss": losses,
        "epoch_seconds": seconds,
    }


def face_predictions(model: LoadedCnn, held_out: Examples) -> dict[str, dict[str, float]]:
    """sample -> labels' concern name -> grade."""
    if not held_out.samples:
        return {}
    grades = model.grades(held_out.pixels, held_out.mask)
    concerns = model.config.concerns
    return {
        sample: {c: float(grades[row, i]) for i, c in enumerate(concerns)}
        for row, sample in enumerate(held_out.samples)
    }


def evaluate(
    candidate: LoadedCnn,
    dataset: Dataset,
    live: tuple[LoadedCnn, tuple[str, ...], int] | None = None,
    split: str = HELD_OUT,
) -> dict[str, Any]:
    """Error tables on the held-out split of the candidate, the engine (its score read as a
    grade by a line fitted on the train split) and what the live model shows now."""
    concerns = candidate.config.concerns
    train = examples(dataset, "train", concerns)
    lines = fit_engine_lines(
        (c, face["engine"][c], g)
        for face in train.faces.values()
        for c, g in face["truth"].items()
        if c in face["engine"]
    )
    held_out = examples(dataset, split, concerns)
    mine = face_predictions(candidate, held_out)
    theirs = face_predictions(live[0], held_out) if live else {}
    rows: dict[str, list[Graded]] = defaultdict(list)
    for sample, face in sorted(held_out.faces.items()):
        engine = engine_grades(face["engine"], lines)
        truth = {c: g for c, g in face["truth"].items() if c in concerns}
        shown = dict(engine)
        if live:
            shown.update({c: g for c, g in theirs[sample].items() if c in live[1]})
        for name, predicted in (("candidate", mine[sample]), ("engine", engine), ("live", shown)):
            rows[name].append(Graded(sample, face["monk"], truth, predicted))
    tables = {name: error_table(rows[name]) for name in ("candidate", "engine", "live")}
    heat = heat_map_hits(candidate, held_out)
    return {
        "held_out": split,
        "candidate": tables["candidate"],
        "engine": tables["engine"],
        "live": tables["live"] if live else None,
        "live_version": live[2] if live else None,
        "beats_engine_on": concerns_beating_engine(tables["candidate"], tables["engine"]),
        "engine_lines": {c: [round(x.slope, 5), round(x.intercept, 4)] for c, x in lines.items()},
        "heat_map": heat,
    }


def heat_map_hits(model: LoadedCnn, held_out: Examples, top: int = 3) -> dict[str, float]:
    """How often a held-out patch with lesions has one in its `top` hottest cells, against
    what `top` cells drawn at random would find."""
    if not held_out.samples:
        return {"patches": 0, "hit_rate": 0.0, "chance": 0.0}
    with torch.inference_mode():
        _, _, logits = model.network(*as_input(held_out.pixels, held_out.mask))
    cells = HEAT_SIDE * HEAT_SIDE
    hits, chance, count = 0, 0.0, 0
    flat_truth = held_out.heat.reshape(*held_out.heat.shape[:2], cells)
    flat_logits = logits.reshape(*logits.shape[:2], cells).numpy()
    for face, slot in zip(*np.nonzero(held_out.mask), strict=True):
        lesions = flat_truth[face, slot]
        found = int(lesions.sum())
        if not found:
            continue
        hottest = np.argsort(-flat_logits[face, slot], kind="stable")[:top]
        hits += int(lesions[hottest].any())
        chance += 1.0 - math.comb(cells - found, top) / math.comb(cells, top)
        count += 1
    return {
        "patches": count,
        "hit_rate": round(hits / count, 4) if count else 0.0,
        "chance": round(chance / count, 4) if count else 0.0,
    }


@dataclass(frozen=True)
class CnnTrainer:
    """Trains, evaluates and saves a version under `folder` (the models folder)."""

    folder: Path
    code_version: str
    sources: tuple[str, ...]
    epochs: int = 12
    seed: int = 0

    def train(
        self, dataset: Dataset, version: int, live: SkinModelVersion | None
    ) -> TrainedCandidate:
        config = CnnConfig(concerns_of(dataset), seed=self.seed, epochs=self.epochs)
        model, training = fit(examples(dataset, "train", config.concerns), config)
        shown = (load(self.folder, live.weights), live.uses, live.version) if live else None
        metrics = {**evaluate(model, dataset, shown), "training": training}
        content_hash = dataset.content_hash()
        card = model_card(
            model_name(version), content_hash, self.code_version, self.sources, metrics
        )
        weights = save(model, self.folder, model_name(version), card)
        return TrainedCandidate(weights, content_hash, self.code_version, metrics, card)
