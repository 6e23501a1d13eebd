"""The London photos as a phone or an app saves them: re-saved as JPEG at lower qualities and
sharpened, each against the photo as taken, per Monk tone of the photo as taken.

    PYTHONPATH=src:. .venv/bin/python bench/compressed_photos.py run F.json [VARIANT,...]  # ~3 min
    PYTHONPATH=src:. .venv/bin/python bench/compressed_photos.py report F.json [BEFORE.json]

`run` analyses the 204 London photos (neutral and smiling) as taken and as each variant, with
the landmarks of the photo as taken (bench/validity_bench.py's cache), and writes ok, blocking
codes, ITA, Monk and the whole-face concern scores. `report` prints, per variant, the refused
photos, how many are named COMPRESSED (and how many of those whose pores or lines rose by
10 or more), ITA's change and per concern and Monk band the median change of the score with, in
brackets, how many photos went from below 15 ("none") to 15 or more; given a second file (the
same run on another tree) it prints each cell as before -> after. Prints markdown.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
from bench.validity_bench import Cached
from tests.analysis.london import LONDON, SMILING
from tests.analysis.synthetic import jpeg_round_trip

from metskin.adapters.vision.images import load_image
from metskin.domain.analysis.engine import analyse_faces

BANDS = ("M1-3", "M4", "M5", "M6-10")
MILD = 15.0
RISE = 10.0  # a pores or lines rise this large is a misreading the warning should cover


def sharpened(sigma: float, amount: float) -> Callable[[np.ndarray], np.ndarray]:
    def apply(rgb: np.ndarray) -> np.ndarray:
        values = rgb.astype(np.float32)
        detail = values - cv2.GaussianBlur(values, (0, 0), sigma)
        return np.clip(values + amount * detail + 0.5, 0, 255).astype(np.uint8)

    return apply


def saved(quality: int) -> Callable[[np.ndarray], np.ndarray]:
    return lambda rgb: jpeg_round_trip(rgb, quality)


VARIANTS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "taken": lambda rgb: rgb,
    "jpeg q85": saved(85),
    "jpeg q75": saved(75),
    "jpeg q60": saved(60),
    "jpeg q40": saved(40),
    "sharpened 1 px x0.5": sharpened(1.0, 0.5),
    "sharpened 1.5 px x1": sharpened(1.5, 1.0),
}


def run(target: Path, names: list[str]) -> None:
    cache, found = Cached(), {}
    for folder in (LONDON, SMILING):
        for path in sorted(folder.glob("*.jpg")):
            rgb = load_image(path)
            faces = cache.detect(f"{folder.name}/{path.name}/640", rgb)
            for name in ["taken", *[n for n in names if n != "taken"]]:
                result = analyse_faces(VARIANTS[name](rgb), faces)
                found[f"{folder.name}/{path.name}|{name}"] = {
                    "ok": result.ok,
                    "blocking": [q.code for q in result.quality if q.blocking],
                    "codes": [q.code for q in result.quality],
                    "ita": result.tone.ita_deg if result.tone else None,
                    "monk": result.tone.monk if result.tone else None,
                    "scores": {c.name: c.score for c in result.concerns},
                }
    cache.save()
    target.write_text(json.dumps(found))
    print(f"{len(found)} results written to {target}")


def band(monk: int) -> str:
    return "M1-3" if monk <= 3 else "M4" if monk == 4 else "M5" if monk == 5 else "M6-10"


def cell(found: dict, photos: list[str], variant: str, concern: str) -> str:
    pairs = [(found[f"{p}|taken"], found[f"{p}|{variant}"]) for p in photos]
    pairs = [(t, v) for t, v in pairs if t["ok"] and v["ok"]]
    if not pairs:
        return "-"
    change = [v["scores"][concern] - t["scores"][concern] for t, v in pairs]
    mild = sum(v["scores"][concern] >= MILD > t["scores"][concern] for t, v in pairs)
    return f"{np.median(change):+.1f} ({mild})"


def report(after_file: Path, before_file: Path | None) -> None:
    after = json.loads(after_file.read_text())
    before = json.loads(before_file.read_text()) if before_file else None
    photos = sorted({key.split("|")[0] for key in after})
    variants = sorted({key.split("|")[1] for key in after} - {"taken"})
    concerns = list(after[f"{photos[0]}|taken"]["scores"])
    for variant in variants:
        refused = [p for p in photos if not after[f"{p}|{variant}"]["ok"]]
        kept = [p for p in photos if p not in refused and after[f"{p}|taken"]["ok"]]
        ita = [abs(after[f"{p}|{variant}"]["ita"] - after[f"{p}|taken"]["ita"]) for p in kept]
        monk = sum(after[f"{p}|{variant}"]["monk"] != after[f"{p}|taken"]["monk"] for p in kept)
        print(f"\n#### {variant}: {len(refused)} refused {refused[:4]}\n")
        print(
            f"ITA change: median {np.median(ita):.2f} deg, p90 {np.percentile(ita, 90):.2f}; "
            f"Monk moved on {monk} of {len(kept)}\n"
        )
        named = [p for p in kept if "COMPRESSED" in after[f"{p}|{variant}"].get("codes", ())]
        rose = [
            p
            for p in kept
            if any(
                after[f"{p}|{variant}"]["scores"][c] - after[f"{p}|taken"]["scores"][c] >= RISE
                for c in ("pores", "wrinkles")
            )
        ]
        print(
            f"Named COMPRESSED: {len(named)} of {len(kept)}; of the {len(rose)} whose pores or "
            f"lines rose by {RISE:.0f} or more, {len(set(rose) & set(named))}\n"
        )
        by_band = {b: [p for p in kept if band(after[f"{p}|taken"]["monk"]) == b] for b in BANDS}
        print("| concern | " + " | ".join(f"{b} ({len(by_band[b])})" for b in BANDS) + " | all |")
        print("|---|" + "---|" * (len(BANDS) + 1))
        for concern in concerns:
            cells = []
            for chosen in [*by_band.values(), kept]:
                now = cell(after, chosen, variant, concern)
                was = cell(before, chosen, variant, concern) if before else None
                cells.append(f"{was} -> {now}" if was else now)
            print(f"| {concern} | " + " | ".join(cells) + " |")


def main() -> None:
    command, target, *rest = sys.argv[1:]
    if command == "run":
        run(Path(target), rest[0].split(",") if rest else list(VARIANTS))
    else:
        report(Path(target), Path(rest[0]) if rest else None)


if __name__ == "__main__":
    main()
