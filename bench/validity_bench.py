"""Validity gate and concern fairness on the real London faces (neutral and smiling) and on
degraded copies of them: block rates per variant, the gate's measures, and concern scores per
self-reported group and per ITA band (the group is a sanity check, never a label).

    PYTHONPATH=src .venv/bin/python bench/validity_bench.py [--limit N] [--json out.json]

Faces come from ../shared/data/london-faces and ../shared/data/london-faces-smiling (CC BY 4.0).
Landmarks are cached per variant in /tmp/metskin-validity-landmarks.npz. Prints markdown.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.analysis.degrade import VARIANTS  # noqa: E402
from tests.analysis.london import LONDON, SMILING, self_reported_groups  # noqa: E402
from tests.analysis.planting import plant_papules, plant_redness  # noqa: E402

from metskin.adapters.vision.face_mesh import MediaPipeLandmarker  # noqa: E402
from metskin.adapters.vision.images import load_image  # noqa: E402
from metskin.domain.analysis import validity  # noqa: E402
from metskin.domain.analysis.engine import analyse_checked, check_frame  # noqa: E402
from metskin.domain.analysis.face_image import build_face_image  # noqa: E402
from metskin.domain.analysis.white_reference import white_balance  # noqa: E402

CACHE = Path("/tmp/metskin-validity-landmarks.npz")
ITA_BANDS = (
    (41, 90, "ITA > 41 (light)"),
    (10, 41, "ITA 10-41 (intermediate, tan)"),
    (-90, 10, "ITA < 10 (brown, dark)"),
)


class Cached:
    def __init__(self) -> None:
        self.store: dict[str, np.ndarray] = dict(np.load(CACHE)) if CACHE.exists() else {}
        self.model: MediaPipeLandmarker | None = None
        self.dirty = False

    def detect(self, key: str, rgb: np.ndarray) -> list[np.ndarray]:
        if key not in self.store:
            self.model = self.model or MediaPipeLandmarker()
            faces = self.model.detect(rgb)
            self.store[key] = np.stack(faces) if faces else np.zeros((0, 478, 3), np.float32)
            self.dirty = True
        return list(self.store[key])

    def save(self) -> None:
        if self.dirty:
            np.savez_compressed(CACHE, **self.store)


def run_one(rgb: np.ndarray, faces: list[np.ndarray]) -> dict:
    checked = check_frame(rgb, faces)
    if isinstance(checked, list):
        return {"ok": False, "codes": [i.code for i in checked]}
    geometry = checked.geometry
    pts = checked.points_in_crop()
    gains, cast_left = white_balance(
        checked.background, checked.crop, pts, geometry.scale, checked.eyes
    )
    face = build_face_image(checked.crop, pts, geometry.masks, gains)
    measures = validity.measure_validity(face, pts, geometry.scale, cast_left)
    result = analyse_checked(checked, None)
    return {
        "ok": result.ok,
        "codes": [i.code for i in result.quality],
        "confidence": result.confidence,
        "measures": vars(measures),
        "ita": result.tone.ita_deg if result.tone else None,
        "scores": {c.name: c.score for c in result.concerns},
    }


def planted(rgb: np.ndarray, points: np.ndarray, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    rgb = plant_papules(rgb, points, "cheek_right", rng)
    return plant_redness(rgb, points, "cheek_left", rng)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--json")
    args = parser.parse_args()
    cache = Cached()
    group_of = self_reported_groups()
    rows = []
    for source in (LONDON, SMILING):
        folder = source.name  # "london-faces" or "london-faces-smiling"
        paths = sorted(source.glob("*.jpg"))[: args.limit or None]
        for path in paths:
            base = load_image(path)
            found = cache.detect(f"{folder}/{path.name}/original", base)
            if not found:
                continue
            for name, degrade in VARIANTS.items():
                rgb = degrade(base, found[0], int(path.name[:3]))
                faces = cache.detect(f"{folder}/{path.name}/{name}", rgb)
                row = run_one(rgb, faces)
                row.update(
                    set=folder,
                    face=path.name[:3],
                    variant=name,
                    group=group_of.get(path.name[:3], "?"),
                )
                rows.append(row)
            rgb = planted(base, found[0], int(path.name[:3]))
            row = run_one(rgb, cache.detect(f"{folder}/{path.name}/planted", rgb))
            row.update(
                set=folder,
                face=path.name[:3],
                variant="planted lesions",
                group=group_of.get(path.name[:3], "?"),
            )
            rows.append(row)
    cache.save()
    report(rows)
    if args.json:
        Path(args.json).write_text(json.dumps(rows))


def report(rows: list[dict]) -> None:
    print("| set | variant | faces | blocked | codes |\n|---|---|---|---|---|")
    by_variant = defaultdict(list)
    for row in rows:
        by_variant[(row["set"], row["variant"])].append(row)
    for (folder, name), items in by_variant.items():
        codes: dict[str, int] = defaultdict(int)
        for item in items:
            for code in set(item["codes"]):
                codes[code] += 1
        blocked = sum(not item["ok"] for item in items)
        print(
            f"| {folder} | {name} | {len(items)} | {blocked} ({100 * blocked / len(items):.0f}%)"
            f" | {', '.join(f'{k} {v}' for k, v in sorted(codes.items()))} |"
        )
    originals = [r for r in rows if r["variant"] == "original" and "measures" in r]
    print("\nGate measures on the originals (min / p5 / median / p95 / max):\n")
    for key in originals[0]["measures"]:
        values = np.array([r["measures"][key] for r in originals])
        print(
            f"- {key}: "
            + " / ".join(f"{v:.3f}" for v in np.percentile(values, [0, 5, 50, 95, 100]))
        )
    for name in ("original", "planted lesions"):
        ok = [r for r in rows if r["variant"] == name and r["ok"]]
        if not ok:
            continue
        concerns = list(ok[0]["scores"])
        print(f"\nMean concern score per group, {name} (n):\n")
        print("| group | n | " + " | ".join(concerns) + " |\n|---|---|" + "---|" * len(concerns))
        keyed = defaultdict(list)
        for r in ok:
            keyed[r["group"]].append(r)
            for low, high, label in ITA_BANDS:
                if low <= r["ita"] < high:
                    keyed[label].append(r)
        for key, items in sorted(keyed.items()):
            means = [np.mean([r["scores"][c] for r in items]) for c in concerns]
            print(f"| {key} | {len(items)} | " + " | ".join(f"{m:.1f}" for m in means) + " |")


if __name__ == "__main__":
    main()
