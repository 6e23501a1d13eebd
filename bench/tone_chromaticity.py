"""Could the skin's chromaticity, which a change of exposure leaves as it is, steady the tone?
(issue 12, points 2 and 3; a negative result, docs/benchmarks.md "Neutral against smiling").

    PYTHONPATH=src .venv/bin/python bench/engine_same_results.py dump F.json 102
    PYTHONPATH=. .venv/bin/python bench/tone_chromaticity.py F.json

A gain on linear light scales L*+16, a* and b* alike (in CIELAB's cube-root range), so
a*/(L*+16) and b*/(L*+16) do not move with exposure. They are regressed onto ITA over the
neutral London photos (least squares, in-sample: the most favourable case), and the
prediction, and blends of it with the measured ITA, are compared between each person's
neutral and smiling photo. Prints markdown.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np


def chromaticity(lab: list[float]) -> list[float]:
    lightness, a_star, b_star = lab
    return [a_star / (lightness + 16.0), b_star / (lightness + 16.0), 1.0]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("dump", type=Path)
    args = parser.parse_args()
    shots: dict[str, dict[str, dict]] = {}
    for key, result in json.loads(args.dump.read_text()).items():
        if result.get("ok"):
            shot = "smiling" if "smiling" in key else "neutral"
            shots.setdefault(Path(key).name[:3], {})[shot] = result["tone"]
    pairs = [(s["neutral"], s["smiling"]) for s in shots.values() if len(s) == 2]
    ita = np.array([[n["ita_deg"], s["ita_deg"]] for n, s in pairs])
    design = [np.array([chromaticity(pair[i]["lab"]) for pair in pairs]) for i in (0, 1)]
    coef, *_ = np.linalg.lstsq(design[0], ita[:, 0], rcond=None)
    predicted = np.stack([design[0] @ coef, design[1] @ coef], axis=1)
    spread = (ita[:, 0] - predicted[:, 0]).std()
    r = np.corrcoef(ita[:, 0], predicted[:, 0])[0, 1]
    print(f"{len(pairs)} people. ITA from chromaticity (in-sample): r = {r:.2f}, ", end="")
    print(f"residual sd {spread:.1f} deg (ITA's own sd {ita[:, 0].std():.1f})\n")
    print("| tone read as | neutral vs smiling: median abs change (deg) | p90 |")
    print("|---|---|---|")
    for weight in (0.0, 0.25, 0.5, 1.0):
        blend = (1 - weight) * ita + weight * predicted
        change = np.abs(blend[:, 1] - blend[:, 0])
        name = "ITA (engine)" if weight == 0 else f"{weight:g} chromaticity + {1 - weight:g} ITA"
        print(f"| {name} | {np.median(change):.2f} | {np.percentile(change, 90):.2f} |")


if __name__ == "__main__":
    main()
