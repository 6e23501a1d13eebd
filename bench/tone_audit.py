"""Does anything in the result follow skin tone? Every number of the London results against
the Monk tone, and the warnings and skin types per Monk band (issue 12 point 5; found the skin
type and the STUBBLE warning, docs/benchmarks.md "Skin type and tone").

    PYTHONPATH=src .venv/bin/python bench/engine_same_results.py dump F.json 102
    PYTHONPATH=. .venv/bin/python bench/tone_audit.py F.json [--top 25] [--by gender]

Reads the dump (`analyse_image(...).to_dict()` of the neutral and smiling London photos) and
prints markdown: the fields with the largest |Spearman| with Monk (measurements that are
thresholds scaled to the skin, e.g. `threshold_weber`, follow tone by design), then per Monk
band the photos, the share with each warning code and the skin types read from the photo.
`--by gender` asks the same of the self-reported gender (london_info.csv, a grouping, never
fitted): Spearman with "male", and the table per gender.
"""

from __future__ import annotations

import argparse
import json
import math
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
from scipy.stats import spearmanr
from tests.analysis.london import age_and_gender

BANDS = ((1, 3), (4, 4), (5, 5), (6, 10))
READ = ("concerns", "confidence", "skin_type", "tone_uncertainty")


def numbers(node: Any, path: str = "") -> dict[str, float]:
    if isinstance(node, dict):
        return {
            k: v for key, item in node.items() for k, v in numbers(item, f"{path}/{key}").items()
        }
    if isinstance(node, int | float) and not isinstance(node, bool) and math.isfinite(node):
        return {path: float(node)}
    return {}


def band_of(monk: int) -> str:
    low, high = next((low, high) for low, high in BANDS if low <= monk <= high)
    return f"M{low}" if low == high else f"M{low}-{high}"


def grouping(
    by: str, keys: list[str], results: list[dict]
) -> tuple[np.ndarray, list[str], list[str]]:
    """The value each field is ranked against, each photo's group, and the groups in order."""
    if by == "gender":
        male = age_and_gender()
        value = np.array([male[Path(key).name[:3]][1] for key in keys])
        return value, ["male" if m else "female" for m in value], ["female", "male"]
    monk = np.array([r["tone"]["monk"] for r in results])
    return monk, [band_of(int(m)) for m in monk], [band_of(low) for low, _ in BANDS]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("dump", type=Path)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--by", choices=("monk", "gender"), default="monk")
    args = parser.parse_args()
    found = [(k, r) for k, r in json.loads(args.dump.read_text()).items() if r.get("ok")]
    keys, results = [k for k, _ in found], [r for _, r in found]
    value, groups, names = grouping(args.by, keys, results)
    fields = [numbers({key: r.get(key) for key in READ}) for r in results]
    rows = []
    for name in sorted({name for found in fields for name in found}):
        values = np.array([found.get(name, np.nan) for found in fields])
        known = ~np.isnan(values)
        if known.sum() < 0.75 * len(results) or np.nanstd(values) == 0:
            continue
        rho = spearmanr(values[known], value[known])[0]
        inside = [np.array([g == group for g in groups]) for group in names]
        rows.append((abs(rho), rho, name, [np.median(values[known & i]) for i in inside]))
    print(f"{len(results)} photos. Fields most related to {args.by}:\n")
    print(f"| field | Spearman with {args.by} | " + " | ".join(names) + " |")
    print("|---|---|" + "---|" * len(names))
    for _, rho, name, medians in sorted(rows, reverse=True)[: args.top]:
        print(f"| {name} | {rho:+.2f} | " + " | ".join(f"{m:.3g}" for m in medians) + " |")
    print(f"\n| {args.by} | photos | warnings (share of photos) | skin type from the photo |")
    print("|---|---|---|---|")
    for group in names:
        chosen = [r for r, g in zip(results, groups, strict=True) if g == group]
        codes = Counter(q["code"] for r in chosen for q in r["quality"])
        kinds = Counter(r["skin_type"]["image_kind"] for r in chosen if r.get("skin_type"))
        warned = ", ".join(f"{code} {n / len(chosen):.0%}" for code, n in sorted(codes.items()))
        typed = ", ".join(f"{kind} {n}" for kind, n in kinds.most_common())
        print(f"| {group} | {len(chosen)} | {warned or '-'} | {typed} |")


if __name__ == "__main__":
    main()
