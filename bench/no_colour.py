"""Photos without colour (issue 12, point 4): the skin chroma the validity gate reads, and what
a desaturated photo does to the tone.

    PYTHONPATH=src:. .venv/bin/python bench/no_colour.py [--limit N]

For the London faces as taken (neutral and smiling), copies of the neutral ones with their
colour scaled by 0 (black and white) to 0.5 (`tests/analysis/degrade.saturated`), and the
recolour benchmark (four scenes x ten painted Monk tones x five lights, seed 1): the median skin
C*ab after white balance (`validity.Validity.chroma`), how many are refused as NO_COLOUR, and for
the copies the change of ITA and Monk against the photo as taken; then the same per Monk tone of
the neutral photo as taken (its lowest skin C*ab, and per copy refused / median abs ITA change of
the measured). Prints markdown.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from tests.analysis.degrade import saturated
from tests.analysis.london import LONDON, SMILING
from tests.analysis.synthetic import BACKGROUNDS, ILLUMINANTS, recoloured_face

from metskin.adapters.vision.face_mesh import MediaPipeLandmarker
from metskin.adapters.vision.images import load_image
from metskin.domain.analysis import engine, validity

FACTORS = (0.0, 0.1, 0.2, 0.3, 0.5)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=int, default=None)
    limit = parser.parse_args().limit
    chroma: list[float] = []
    measure = validity.measure_validity

    def recording(*args, **kwargs):  # type: ignore[no-untyped-def]
        found = measure(*args, **kwargs)
        chroma.append(found.chroma)
        return found

    validity.measure_validity = recording
    landmarker = MediaPipeLandmarker()

    def run(rgb: np.ndarray) -> tuple[float, dict]:
        chroma.clear()
        result = engine.analyse_image(rgb, landmarker)
        codes = [item.code for item in result.quality]
        return (chroma[-1] if chroma else float("nan")), {
            "tone": result.tone,
            "no_colour": "NO_COLOUR" in codes,
        }

    rows: dict[str, list[tuple[float, dict]]] = {}
    taken: list[tuple[float, dict]] = []
    for folder in (LONDON, SMILING):
        for path in sorted(Path(folder).glob("*.jpg"))[:limit]:
            rgb = load_image(path)
            rows.setdefault("London as taken", []).append(run(rgb))
            if folder == LONDON:
                taken.append(rows["London as taken"][-1])
                for factor in FACTORS:
                    rows.setdefault(f"colour x{factor}", []).append(
                        run(saturated(factor)(rgb, None, 0))
                    )
    for background in BACKGROUNDS:
        for monk in range(1, 11):
            for light in ILLUMINANTS:
                rgb, _ = recoloured_face(landmarker, monk, light, 1, background=background)
                rows.setdefault("recolour benchmark", []).append(run(rgb))
    report(rows, taken)


def report(rows: dict[str, list[tuple[float, dict]]], taken: list[tuple[float, dict]]) -> None:
    columns = ["photos", "n", "skin C*ab min / p5 / median / max", "NO_COLOUR"]
    columns += ["median abs ITA change (measured)", "Monk beyond one step"]
    print("| " + " | ".join(columns) + " |")
    print("|---|---|---|---|---|---|")
    for name, found in rows.items():
        values = np.array([c for c, _ in found])
        refused = sum(info["no_colour"] for _, info in found)
        change, steps = "-", "-"
        if name.startswith("colour"):
            pairs = [
                (i["tone"], t["tone"])
                for (_, i), (_, t) in zip(found, taken, strict=True)
                if i["tone"] and t["tone"]
            ]
            if pairs:
                change = f"{np.median([abs(a.ita_deg - b.ita_deg) for a, b in pairs]):.1f}"
                steps = f"{sum(abs(a.monk - b.monk) > 1 for a, b in pairs)} / {len(pairs)}"
        print(
            f"| {name} | {len(found)} | {values.min():.2f} / {np.percentile(values, 5):.2f} / "
            f"{np.median(values):.2f} / {values.max():.2f} | {refused} | {change} | {steps} |"
        )
    per_tone(rows, taken)


def per_tone(rows: dict[str, list[tuple[float, dict]]], taken: list[tuple[float, dict]]) -> None:
    copies = [name for name in rows if name.startswith("colour")]
    print("\n| Monk as taken | faces | lowest skin C*ab as taken | "
          + " | ".join(f"{name}: refused / ITA change" for name in copies) + " |")  # fmt: skip
    print("|---|---|---|" + "---|" * len(copies))
    monk = [info["tone"].monk if info["tone"] else None for _, info in taken]
    for tone in sorted({m for m in monk if m is not None}):
        faces = [i for i, m in enumerate(monk) if m == tone]
        cells = []
        for name in copies:
            found = [rows[name][i][1] for i in faces]
            changes = [abs(f["tone"].ita_deg - taken[i][1]["tone"].ita_deg)
                       for i, f in zip(faces, found, strict=True) if f["tone"]]  # fmt: skip
            refused = sum(f["no_colour"] for f in found)
            cells.append(f"{refused} / {np.median(changes):.1f}" if changes else f"{refused} / -")
        lowest = min(taken[i][0] for i in faces)
        print(f"| M{tone} | {len(faces)} | {lowest:.2f} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
