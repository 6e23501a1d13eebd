"""Noise band of progress comparisons (issue 16), from the London Set's same-visit pairs.

    PYTHONPATH=src:. .venv/bin/python bench/progress_band.py [--write] [--cache FILE] [--probe N]

Analyses every London face neutral and smiling (same session, minutes apart; results cached in
FILE as JSON, default /tmp/metskin-london-progress.json), then:

1. estimates the band of every (concern, region) on the odd face ids: the largest
   |after - before| over their neutral / smiling pairs (QUANTILE), at least MIN_BAND (the
   engine's own score spread);
   `--write` writes it to src/metskin/domain/progress/noise_band.py (the packaged constant);
2. on the even face ids (held out): how often a change is called on a same-visit pair, per
   (concern, region) call and per pair (any call), and the pairs' comparability;
3. on the first N even faces (`--probe`, default 25): the neutral photo re-exposed (x0.6 in
   sRGB; x0.7 and x1.3 of the light), under a warm cast (alone and with x0.75 of the light),
   and rolled 8 degrees at 0.8 the size (pure light, pose and distance changes), the calls
   they raise (and how many of them are tone); and planted changes (3 spots on the left
   cheek, redness on the right cheek) found with the right sign and region, both ways
   (growing and fading).
Prints markdown.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
from tests.analysis.london import LONDON, SMILING
from tests.analysis.planting import plant_redness, plant_spots
from tests.analysis.synthetic import under_light

from metskin.adapters.vision.face_mesh import MediaPipeLandmarker
from metskin.adapters.vision.images import load_image
from metskin.domain.analysis.engine import analyse_image
from metskin.domain.analysis.quality import MAX_SMILE
from metskin.domain.analysis.readout import ResultReadout
from metskin.domain.analysis.scoring import SCORE_SPREAD
from metskin.domain.progress import noise_band
from metskin.domain.progress.comparability import comparability
from metskin.domain.progress.deltas import Change, readings, region_deltas

ROOT = Path(__file__).resolve().parents[1]
CONSTANT = ROOT / "src/metskin/domain/progress/noise_band.py"
QUANTILE = 100.0  # the largest same-visit change (the 95th percentile calls 5 % of them)
# The floor of a band: what the engine says a score is good to (its plausible range,
# scoring.SCORE_SPREAD), so that a concern the London faces do not show (acne) is not called
# on a change of a point or two; tone: one degree of ITA.
EXTRA_FLOORS = {"default": 3.0, "tone": 1.0}
MIN_BAND = {**EXTRA_FLOORS, **SCORE_SPREAD}
COMMAND = "PYTHONPATH=src:. .venv/bin/python bench/progress_band.py --write"


def analyse_london(cache: Path, landmarker: MediaPipeLandmarker) -> dict[str, list[dict]]:
    """face id -> [neutral result, smiling result] (stored dicts)."""
    if cache.exists():
        return json.loads(cache.read_text())
    found: dict[str, list[dict]] = {}
    for path in sorted(LONDON.glob("*.jpg")):
        face_id = path.name.split("_")[0]
        smiling = sorted(SMILING.glob(f"{face_id}_*.jpg"))
        if not smiling:
            continue
        found[face_id] = [
            analyse_image(load_image(item), landmarker).to_dict() for item in (path, smiling[0])
        ]
    cache.write_text(json.dumps(found))
    return found


def usable_pairs(
    found: dict[str, list[dict]], odd: bool
) -> list[tuple[str, ResultReadout, ResultReadout]]:
    return [
        (face_id, ResultReadout.from_stored(a), ResultReadout.from_stored(b))
        for face_id, (a, b) in sorted(found.items())
        if (int(face_id) % 2 == 1) == odd and a["ok"] and b["ok"]
    ]


def estimate(pairs) -> dict[str, dict[str, float]]:
    changes: dict[tuple[str, str], list[float]] = {}
    for _, a, b in pairs:
        first, second = readings(a), readings(b)
        for key in first.keys() & second.keys():
            changes.setdefault(key, []).append(abs(second[key] - first[key]))
    bands: dict[str, dict[str, float]] = {}
    for (concern, region), values in sorted(changes.items()):
        floor = MIN_BAND.get(concern, MIN_BAND["default"])
        value = max(floor, float(np.percentile(values, QUANTILE)))
        bands.setdefault(concern, {})[region] = round(value + 0.05, 1)
    return bands


def write_constant(bands: dict[str, dict[str, float]], pairs: int) -> None:
    lines = [
        '"""Noise band of progress comparisons: per concern (and "tone", ITA degrees) and region',
        '("face": the whole-face value), the largest |change| between the neutral and smiling',
        f"photos of the same London face (same session), on the odd face ids ({pairs} pairs),",
        "at least MIN_BAND. Generated: do not edit. Regenerate with:",
        "",
        f"    {COMMAND}",
        '"""',
        "",
        "from metskin.domain.analysis.scoring import SCORE_SPREAD",
        "",
        f"MIN_BAND: dict[str, float] = {{**{EXTRA_FLOORS!r}, **SCORE_SPREAD}}",
        "BANDS: dict[str, dict[str, float]] = {",
    ]
    for concern, regions in bands.items():
        lines.append(f"    {concern!r}: {{")
        lines += [f"        {region!r}: {value!r}," for region, value in regions.items()]
        lines.append("    },")
    CONSTANT.write_text("\n".join([*lines, "}", ""]).replace("'", '"'))


def smiles(item: ResultReadout) -> bool:
    """The photo's smile warns (landmarks.smile above quality.MAX_SMILE)."""
    smile = item.capture.smile if item.capture else None
    return smile is not None and smile > MAX_SMILE


def called(a: ResultReadout, b: ResultReadout) -> list[tuple[str, str, Change]]:
    return [(d.concern, d.region, d.change) for d in region_deltas(a, b)]


def false_rates(pairs) -> tuple[float, float, int]:
    calls = total = pairs_with_call = 0
    for _, a, b in pairs:
        found = [change for *_, change in called(a, b)]
        calls += sum(change is not Change.NO_CHANGE for change in found)
        total += len(found)
        pairs_with_call += any(change is not Change.NO_CHANGE for change in found)
    return calls / max(total, 1), pairs_with_call / max(len(pairs), 1), len(pairs)


def rolled(rgb: np.ndarray) -> np.ndarray:
    height, width = rgb.shape[:2]
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), 8.0, 0.8)
    return cv2.warpAffine(rgb, matrix, (width, height), borderMode=cv2.BORDER_REPLICATE)


def exposed(rgb: np.ndarray) -> np.ndarray:
    return np.round(rgb.astype(np.float32) * 0.6).astype(np.uint8)


def probe(found, landmarker, count: int) -> None:
    ids = [
        face_id for face_id in sorted(found) if int(face_id) % 2 == 0 and found[face_id][0]["ok"]
    ]
    variants: dict[str, Callable[[np.ndarray, np.ndarray, np.random.Generator], np.ndarray]] = {
        "exposure x0.6": lambda rgb, pts, rng: exposed(rgb),
        "warm cast": lambda rgb, pts, rng: under_light(rgb, "warm_4000k"),
        "light x0.7": lambda rgb, pts, rng: under_light(rgb, "neutral", exposure=0.7),
        "light x1.3": lambda rgb, pts, rng: under_light(rgb, "neutral", exposure=1.3),
        "warm cast, light x0.75": lambda rgb, pts, rng: under_light(
            rgb, "warm_4000k", exposure=0.75
        ),
        "roll 8 deg, 0.8 size": lambda rgb, pts, rng: rolled(rgb),
        "spots, left cheek": lambda rgb, pts, rng: plant_spots(rgb, pts, "cheek_left", rng),
        "redness, right cheek": lambda rgb, pts, rng: plant_redness(rgb, pts, "cheek_right", rng),
    }
    expected = {
        "spots, left cheek": ("pigmentation", "cheek_left"),
        "redness, right cheek": ("redness", "cheek_right"),
    }
    print(
        "\n| variant of the neutral photo | faces | any call | calls | found, growing "
        "| found, fading | comparability (median) | tone calls |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for name, change in variants.items():
        any_call = calls = total = grew = faded = analysed = tone = 0
        scores = []
        for number, face_id in enumerate(ids[:count]):
            path = next(LONDON.glob(f"{face_id}_*.jpg"))
            rgb = load_image(path)
            faces = landmarker.detect(rgb)
            if not faces:
                continue
            result = analyse_image(change(rgb, faces[0], np.random.default_rng(number)), landmarker)
            if not result.ok:
                continue
            analysed += 1
            before = ResultReadout.from_stored(found[face_id][0])
            after = ResultReadout.from_stored(result.to_dict())
            scores.append(comparability(before, after).score)
            forward = called(before, after)
            if name in expected:
                concern, region = expected[name]
                grew += (concern, region, Change.INCREASED) in forward
                faded += (concern, region, Change.DECREASED) in called(after, before)
                forward = [c for c in forward if c[:2] != (concern, region)]
            hits = [c for c in forward if c[2] is not Change.NO_CHANGE]
            calls += len(hits)
            tone += sum(concern == "tone" for concern, *_ in hits)
            total += len(forward)
            any_call += bool(hits)
        planted = name in expected
        print(
            f"| {name} | {analysed} | {any_call}/{analysed} | {calls / max(total, 1):.1%} "
            f"| {f'{grew}/{analysed}' if planted else '-'} "
            f"| {f'{faded}/{analysed}' if planted else '-'} | {np.median(scores):.2f} | {tone} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--cache", type=Path, default=Path("/tmp/metskin-london-progress.json"))
    parser.add_argument("--probe", type=int, default=25)
    args = parser.parse_args()
    landmarker = MediaPipeLandmarker()
    found = analyse_london(args.cache, landmarker)
    odd, even = usable_pairs(found, True), usable_pairs(found, False)
    bands = estimate(odd)
    if args.write:
        write_constant(bands, len(odd))
        noise_band.BANDS.clear()
        noise_band.BANDS.update(bands)
    print(f"Band from {len(odd)} odd pairs (percentile {QUANTILE:g} of |change|):\n")
    print("| concern | face | regions |")
    print("|---|---|---|")
    for concern, regions in bands.items():
        rest = ", ".join(f"{r} {v}" for r, v in regions.items() if r != "face")
        print(f"| {concern} | {regions.get('face', '-')} | {rest} |")
    per_call, per_pair, count = false_rates(even)
    print(
        f"\nHeld out ({count} even pairs): change called on {per_call:.1%} of (concern, region)"
        f" comparisons; {per_pair:.0%} of pairs have at least one call."
    )
    odd_call, odd_pair, _ = false_rates(odd)
    print(f"On the odd pairs (estimation set): {odd_call:.1%} and {odd_pair:.0%}.")
    for name, chosen in (("both at rest", False), ("one smiling (SMILING)", True)):
        scores = [comparability(a, b) for _, a, b in even if (smiles(a) or smiles(b)) is chosen]
        named = sum("EXPRESSION" in item.reasons for item in scores)
        print(
            f"Comparability of the held-out pairs, {name}: median "
            f"{np.median([s.score for s in scores]):.2f}, min {min(s.score for s in scores):.2f},"
            f" flagged {sum(s.flagged for s in scores)}/{len(scores)}, EXPRESSION named {named}."
        )
    if args.probe:
        probe(found, landmarker, args.probe)
    landmarker.close()


if __name__ == "__main__":
    main()
