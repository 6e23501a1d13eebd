"""Tone on real faces (issue 12): Monk per self-reported group, neutral vs smiling, exposure.

    PYTHONPATH=src .venv/bin/python bench/analysis_bench.py --london-tone [--quick]

Reads ../shared/data/london-faces (102 neutral faces, CC BY 4.0) and london-faces-smiling (the
same people smiling, same session). The self-reported group is a sanity check only: nothing
here is fitted to it. Prints markdown:

1. the Monk calibration (metskin.domain.analysis.monk) refitted on each half of the set (odd /
   even face ids) and on all of it, and the Monk histogram per group held out (each half
   scored with the other half's constants) and with the engine's constants;
2. neutral vs smiling: change of ITA and Monk per group, and how often the change stays within
   twice the combined uncertainty the engine reports;
3. the faces re-exposed by x0.5 and x1.4 (linear light) and re-lit by the casts: change of ITA
   per Monk tone (the tone of the photo as taken), worst tone against the median tone, Monk
   changes beyond one step, and how many were blocked by the quality gate;
4. the recolour benchmark re-exposed the same way, per painted Monk tone;
5. exposure normalisation by the whites of the eyes (evaluated, not in the engine): how the
   sclera reading follows the skin between the neutral and smiling shots, and what a full or
   partial correction towards a reference level (fitted on odd ids, reported on both halves)
   would do to repeatability, exposure and the Monk histogram.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from tests.analysis.london import LONDON, SMILING, self_reported_groups
from tests.analysis.synthetic import (
    HEAVY_LIGHTS,
    ILLUMINANTS,
    jpeg_round_trip,
    recoloured_face,
    under_light,
)
from tests.fakes.infra import FakeLandmarker

from metskin.adapters.vision.images import load_image
from metskin.domain.analysis import colour, monk
from metskin.domain.analysis.engine import analyse_image, check_frame
from metskin.domain.analysis.eyes import sclera_level
from metskin.domain.analysis.model import AnalysisResult, Tone
from metskin.domain.analysis.ports import FaceLandmarker

ROOT = Path(__file__).resolve().parents[1]
GROUPS = ("white", "black", "east_asian", "west_asian")
EXPOSURES = (0.5, 1.4)
CASTS = tuple(name for name in ILLUMINANTS if name != "neutral")


def exposed(rgb: np.ndarray, factor: float, jpeg_quality: int = 90) -> np.ndarray:
    """`rgb` with its linear light multiplied by `factor` (clipped), through a JPEG round trip."""
    linear = colour.srgb_to_linear(rgb) * factor
    out = np.round(colour.linear_to_srgb(linear) * 255).astype(np.uint8)
    return jpeg_round_trip(out, jpeg_quality)


@dataclass
class Face:
    face_id: str
    group: str
    neutral: Tone | None
    smiling: Tone | None = None
    changed: dict[str, AnalysisResult] = field(default_factory=dict)
    sclera: dict[str, float | None] = field(default_factory=dict)  # log2, per condition
    refused: list[str] = field(default_factory=list)  # blocking codes on the photos as taken
    scores: dict[str, dict[str, float]] = field(default_factory=dict)  # per photo, per concern
    wall: dict[str, float] = field(default_factory=dict)  # log2 luminance of the top corners


def analysed(rgb: np.ndarray, landmarker: FaceLandmarker) -> tuple[AnalysisResult, float | None]:
    """The engine's result and the whites of the eyes' reading (landmarks found once)."""
    faces = landmarker.detect(rgb)
    result = analyse_image(rgb, FakeLandmarker(faces))
    checked = check_frame(rgb, faces)
    if isinstance(checked, list):
        return result, None
    scale = checked.geometry.scale
    return result, sclera_level(checked.crop, checked.points_in_crop(), scale)


def wall_level(rgb: np.ndarray) -> float:
    """log2 of the median linear luminance of the top sixth of the left and right sixths: the
    studio wall, away from the head (a diagnostic of the light between two shots)."""
    height, width = rgb.shape[0] // 6, rgb.shape[1] // 6
    corners = np.concatenate([rgb[:height, :width], rgb[:height, -width:]]).reshape(-1, 3)
    return float(np.log2(np.median(colour.srgb_to_linear(corners) @ colour.LUMA)))


def measure_london(landmarker: FaceLandmarker, step: int = 1) -> list[Face]:
    groups = self_reported_groups()
    faces = []
    for path in sorted(LONDON.glob("*.jpg"))[::step]:
        face_id = path.name[:3]
        rgb = load_image(path)
        result, level = analysed(rgb, landmarker)
        face = Face(face_id, groups.get(face_id, "unknown"), result.tone, sclera={"": level})
        face.refused += [item.code for item in result.quality if item.blocking]
        face.scores[""] = {concern.name: concern.score for concern in result.concerns}
        face.wall[""] = wall_level(rgb)
        smiling = SMILING / f"{face_id}_08.jpg"
        if smiling.exists():
            smiling_rgb = load_image(smiling)
            result, face.sclera["smiling"] = analysed(smiling_rgb, landmarker)
            face.wall["smiling"] = wall_level(smiling_rgb)
            face.smiling = result.tone
            face.refused += [item.code for item in result.quality if item.blocking]
            face.scores["smiling"] = {concern.name: concern.score for concern in result.concerns}
        for factor in EXPOSURES:
            name = f"x{factor}"
            face.changed[name], face.sclera[name] = analysed(exposed(rgb, factor), landmarker)
        for cast in (*CASTS, *HEAVY_LIGHTS):
            face.changed[cast] = analyse_image(under_light(rgb, cast), landmarker)
        faces.append(face)
    return faces


# -- the Monk calibration ---------------------------------------------------------------------

_KNOTS = np.linspace(0.0, 9.0, 181)
MONK_CURVE = np.stack(
    [np.interp(_KNOTS, np.arange(10), colour.MONK_LAB[:, channel]) for channel in (0, 2)], axis=1
)  # (L*, b*) along the swatches


GAINS = np.arange(0.8, 2.001, 0.05)


def fit_monk(
    labs: np.ndarray,
    gains: np.ndarray = GAINS,
    statistic: Callable[[np.ndarray], Any] = np.median,
) -> tuple[float, float, float, float]:
    """(gain, offset, chroma scale, median distance): the photographic correction
    L*' = 50 + s (gain (L* - 50) + offset b*), b*' = s b* that brings the measured (L*, b*)
    closest (median Euclidean distance, or `statistic`) to the polyline through the Monk
    swatches."""
    lightness, b_star = labs[:, 0] - 50.0, labs[:, 2]
    best = (math.inf, 1.0, 0.0, 1.0)
    for gain in gains:
        for offset in np.arange(-0.5, 1.501, 0.05):
            for scale in np.arange(0.8, 2.001, 0.1):
                moved = np.stack(
                    [50.0 + scale * (gain * lightness + offset * b_star), scale * b_star], axis=1
                )
                distance = np.linalg.norm(moved[:, None] - MONK_CURVE[None], axis=2).min(axis=1)
                value = float(statistic(distance))
                if value < best[0]:
                    best = (value, float(gain), float(offset), float(scale))
    return best[1], best[2], best[3], best[0]


def histogram(faces: list[Face], tones: dict[str, int]) -> list[str]:
    lines = [
        "| group | n | "
        + " | ".join(f"M{i}" for i in range(1, 11))
        + " | share in M1-4 | share in M7-10 |",
        "|---" * 14 + "|",
    ]
    for group in GROUPS:
        found = [tones[f.face_id] for f in faces if f.group == group and f.face_id in tones]
        counts = Counter(found)
        light = sum(counts[i] for i in range(1, 5)) / max(1, len(found))
        dark = sum(counts[i] for i in range(7, 11)) / max(1, len(found))
        lines.append(
            f"| {group} | {len(found)} | "
            + " | ".join(str(counts.get(i, "")) for i in range(1, 11))
            + f" | {light:.0%} | {dark:.0%} |"
        )
    return lines


def calibration(faces: list[Face]) -> list[str]:
    measured = [f for f in faces if f.neutral is not None]
    labs = {f.face_id: np.array(f.neutral.lab) for f in measured if f.neutral}
    lines = [
        "| fitted on | n | gain | offset | chroma scale | median distance (L*, b*) |",
        "|---|---|---|---|---|---|",
    ]
    held_out: dict[str, int] = {}
    for name, parity in (("odd ids", 1), ("even ids", 0)):
        train = [f.face_id for f in measured if int(f.face_id) % 2 == parity]
        gain, offset, scale, distance = fit_monk(np.array([labs[i] for i in train]))
        lines.append(
            f"| {name} | {len(train)} | {gain:.2f} | {offset:.2f} | {scale:.1f} | {distance:.2f} |"
        )
        for f in measured:
            if int(f.face_id) % 2 != parity and f.neutral:
                held_out[f.face_id] = monk.monk_tone(f.neutral.ita_deg, gain, offset)
    gain, offset, scale, distance = fit_monk(np.array(list(labs.values())))
    lines.append(
        f"| all | {len(labs)} | {gain:.2f} | {offset:.2f} | {scale:.1f} | {distance:.2f} |"
    )
    lines.append(f"\nEngine constants: gain {monk.GAIN}, offset {monk.OFFSET}.\n")
    engine = {f.face_id: f.neutral.monk for f in measured if f.neutral}
    for title, tones in (("held out (two folds)", held_out), ("engine constants", engine)):
        ordered = sorted((f.neutral.ita_deg, tones[f.face_id]) for f in measured if f.neutral)
        inversions = sum(1 for a, b in itertools.pairwise(ordered) if b[1] > a[1])
        lines += [
            f"Monk per self-reported group, {title}: {len(set(tones.values()))} distinct "
            f"values, {inversions} inversions against ITA",
            "",
            *histogram(faces, tones),
            "",
        ]
    return lines


# -- repeatability and exposure ---------------------------------------------------------------


def row(values: list[float]) -> str:
    if not values:
        return "- | -"
    return f"{np.median(values):.2f} | {np.percentile(values, 90):.2f}"


def uncertainty(tone: Tone) -> float:
    """The reported ITA uncertainty; 0 from engines before it was reported (bench "before")."""
    return getattr(tone, "ita_uncertainty_deg", None) or 0.0


def smiling(faces: list[Face]) -> list[str]:
    lines = [
        "| group | pairs | median abs ITA change | p90 | Monk same | Monk +-1 | "
        "within 2x combined uncertainty |",
        "|---|---|---|---|---|---|---|",
    ]
    for group in ("all", *GROUPS):
        pairs = [
            (f.neutral, f.smiling)
            for f in faces
            if f.neutral and f.smiling and group in ("all", f.group)
        ]
        changes = [abs(b.ita_deg - a.ita_deg) for a, b in pairs]
        steps = [abs(b.monk - a.monk) for a, b in pairs]
        covered = [
            abs(b.ita_deg - a.ita_deg) <= 2 * math.hypot(uncertainty(a), uncertainty(b))
            for a, b in pairs
        ]
        lines.append(
            f"| {group} | {len(pairs)} | {row(changes)} | "
            f"{np.mean([s == 0 for s in steps]):.0%} | "
            f"{np.mean([s <= 1 for s in steps]):.0%} | {np.mean(covered):.0%} |"
        )
    return lines


def repeatability_and_light(faces: list[Face]) -> list[str]:
    """Neutral vs smiling by how much the light changed between the two shots: the wall's
    change (the same wall, same session) and the spread of the skin's own (3 log2 of the
    (L* + 16) ratio, in stops). Pairs whose wall held still move when the skin's light moved."""
    rows = [
        (
            abs(f.smiling.ita_deg - f.neutral.ita_deg),
            abs(f.wall["smiling"] - f.wall[""]),
            3.0 * math.log2((f.smiling.lab[0] + 16.0) / (f.neutral.lab[0] + 16.0)),
        )
        for f in faces
        if f.neutral and f.smiling and "smiling" in f.wall
    ]
    lines = [
        "| pairs whose wall changed by | pairs | median abs ITA change | p90 | skin light "
        "change, sd (stops) |",
        "|---|---|---|---|---|",
    ]
    for cut in (0.03, 0.05, 0.1, math.inf):
        chosen = [r for r in rows if r[1] < cut]
        if chosen:
            lines.append(
                f"| < {cut} stop | {len(chosen)} | {row([r[0] for r in chosen])} | "
                f"{np.std([r[2] for r in chosen]):.3f} |"
            )
    return lines


# Monk tone as taken, ITA change, Monk change (the changes are None when the gate blocked)
Change = tuple[int, float | None, int | None]


MIN_TONE_FACES = 5  # the second ratio leaves out Monk tones with fewer faces than this


def worst_over_median(medians: dict[int, float]) -> str:
    middle = float(np.median(list(medians.values())))
    worst = max(medians, key=medians.__getitem__)
    ratio = medians[worst] / max(middle, 1e-6)
    return f"M{worst} {medians[worst]:.2f} / {middle:.2f} = {ratio:.1f}x"


def per_tone(changes: list[Change], statistic: Callable[[list[float]], float] = np.median) -> str:
    """A statistic (median by default) of abs change per Monk tone (of the photo as taken, with
    its count), worst / median tone, and the same over the tones with at least MIN_TONE_FACES
    faces. Used by the other benches of degraded copies too."""
    medians, counts = {}, {}
    for tone in range(1, 11):
        found = [abs(c[1]) for c in changes if c[0] == tone and c[1] is not None]
        if found:
            medians[tone], counts[tone] = float(statistic(found)), len(found)
    if not medians:
        return "-"
    cells = " ".join(f"M{tone} {value:.2f} ({counts[tone]})" for tone, value in medians.items())
    common = {tone: value for tone, value in medians.items() if counts[tone] >= MIN_TONE_FACES}
    return (
        f"{cells}; worst / median {worst_over_median(medians)}; tones with >= "
        f"{MIN_TONE_FACES} faces {worst_over_median(common) if common else '-'}"
    )


def condition_table(rows: dict[str, list[Change]]) -> list[str]:
    lines = [
        "| condition | images | blocked | median abs ITA change | p90 | Monk beyond +-1 | "
        "median abs ITA change per Monk tone; worst / median tone |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, changes in rows.items():
        measured = [c for c in changes if c[1] is not None]
        sizes = [abs(c[1]) for c in measured if c[1] is not None]
        beyond = sum(1 for c in measured if c[2] is not None and abs(c[2]) > 1)
        lines.append(
            f"| {name} | {len(changes)} | {len(changes) - len(measured)} | "
            f"{row(sizes)} | {beyond} | {per_tone(changes)} |"
        )
    return lines


def refusals(faces: list[Face]) -> list[str]:
    """Blocking codes per self-reported group: on the photos as taken (neutral and smiling) and
    on each re-exposed or re-lit copy."""
    names = list(faces[0].changed) if faces else []
    lines = [
        "| group | faces | refused as taken (neutral + smiling) | "
        + " | ".join(f"refused at {name}" for name in names)
        + " |",
        "|---" * (3 + len(names)) + "|",
    ]
    for group in ("all", *GROUPS):
        chosen = [f for f in faces if group in ("all", f.group)]
        cells = []
        for name in names:
            codes = Counter(
                item.code for f in chosen for item in f.changed[name].quality if item.blocking
            )
            cells.append(", ".join(f"{code} {n}" for code, n in sorted(codes.items())) or "0")
        taken = Counter(code for f in chosen for code in f.refused)
        lines.append(
            f"| {group} | {len(chosen)} | "
            + (", ".join(f"{c} {n}" for c, n in sorted(taken.items())) or "0")
            + " | "
            + " | ".join(cells)
            + " |"
        )
    return lines


def concerns_per_tone(faces: list[Face]) -> list[str]:
    """Mean concern score per Monk tone (of each photo), neutral and smiling: normal skin, so a
    fair score is flat across tones; and Spearman's rho of each score against the Monk tone."""
    rows = [
        (tone.monk, face.scores[kind])
        for face in faces
        for kind, tone in (("", face.neutral), ("smiling", face.smiling))
        if tone is not None and kind in face.scores
    ]
    if not rows:
        return []
    names = list(rows[0][1])
    lines = ["| Monk | photos | " + " | ".join(names) + " |", "|---" * (2 + len(names)) + "|"]
    for tone in sorted({monk_tone for monk_tone, _ in rows}):
        chosen = [scores for monk_tone, scores in rows if monk_tone == tone]
        lines.append(
            f"| M{tone} | {len(chosen)} | "
            + " | ".join(f"{np.mean([s[name] for s in chosen]):.1f}" for name in names)
            + " |"
        )
    tones = np.array([monk_tone for monk_tone, _ in rows], dtype=float)
    cells = []
    for name in names:
        values = np.array([scores[name] for _, scores in rows])
        rho = np.corrcoef(rank(tones), rank(values))[0, 1] if values.std() > 0 else float("nan")
        cells.append(f"{name} {rho:.2f}" if math.isfinite(rho) else f"{name} - (constant)")
    return [*lines, "", "Spearman's rho against the Monk tone: " + ", ".join(cells)]


def rank(values: np.ndarray) -> np.ndarray:
    """Average ranks (ties share their mean rank)."""
    order = np.argsort(values, kind="stable")
    ranks = np.empty(len(values))
    ranks[order] = np.arange(len(values), dtype=float)
    for value in np.unique(values):
        ranks[values == value] = ranks[values == value].mean()
    return ranks


def exposed_ita(tone: Tone, stops: float) -> float:
    """ITA of the measured colour with its linear light scaled by 2^stops: L* + 16, a* and b*
    all scale by the cube root of the gain (above CIELAB's linear toe)."""
    lightness, _, b_star = tone.lab
    k = 2.0 ** (stops / 3.0)
    return colour.ita_deg((lightness + 16.0) * k - 16.0, b_star * k)


def sclera_normalisation(faces: list[Face]) -> list[str]:
    """The shot-to-shot change of the sclera reading against the skin's, and ITA after moving
    each photo's exposure by `weight` x (reference - its sclera reading), the reference being
    the median reading of the odd ids' neutral photos. Not in the engine (see the docs)."""
    paired = [f for f in faces if f.neutral and f.smiling and f.sclera[""] and f.sclera["smiling"]]
    skin = [
        3.0 * math.log2((f.smiling.lab[0] + 16.0) / (f.neutral.lab[0] + 16.0))
        for f in paired
        if f.smiling and f.neutral
    ]
    eyes = [(f.sclera["smiling"] or 0.0) - (f.sclera[""] or 0.0) for f in paired]
    spread = [1.4826 * float(np.median(np.abs(np.array(x) - np.median(x)))) for x in (skin, eyes)]
    reference = float(
        np.median([f.sclera[""] for f in faces if int(f.face_id) % 2 and f.sclera[""]])
    )
    lines = [
        f"Neutral -> smiling, {len(paired)} pairs: the skin's light moves by a robust sigma of "
        f"{spread[0]:.3f} stop, the sclera reading by {spread[1]:.3f} stop; correlation "
        f"{np.corrcoef(skin, eyes)[0, 1]:.2f}. Reference level (odd ids): {reference:.2f}.",
        "",
        "| weight | half | median abs ITA change neutral -> smiling | p90 | x0.5 median | "
        "x1.4 median | white in M1-4 | black in M7-10 |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for weight in (0.0, 0.25, 0.5, 0.75, 1.0):
        for half, parity in (("odd", 1), ("even", 0)):

            def moved(tone: Tone, level: float | None, w: float = weight) -> float:
                return exposed_ita(tone, w * (reference - (reference if level is None else level)))

            chosen = [f for f in faces if f.neutral and int(f.face_id) % 2 == parity]
            taken = {f.face_id: moved(f.neutral, f.sclera[""]) for f in chosen if f.neutral}
            smile = [
                abs(moved(f.smiling, f.sclera["smiling"]) - taken[f.face_id])
                for f in chosen
                if f.smiling
            ]
            exposure = {
                name: [
                    abs(moved(tone, f.sclera[name]) - taken[f.face_id])
                    for f in chosen
                    if (tone := f.changed[name].tone) is not None
                ]
                for name in ("x0.5", "x1.4")
            }
            monks = {f.face_id: monk.monk_tone(ita) for f in chosen for ita in [taken[f.face_id]]}
            white = [monks[f.face_id] <= 4 for f in chosen if f.group == "white"]
            black = [monks[f.face_id] >= 7 for f in chosen if f.group == "black"]
            x05 = f"{np.median(exposure['x0.5']):.1f}" if exposure["x0.5"] else "all refused"
            lines.append(
                f"| {weight} | {half} | {row(smile)} | {x05} | "
                f"{np.median(exposure['x1.4']):.1f} | {np.mean(white):.0%} | {np.mean(black):.0%} |"
            )
    return lines


def london_conditions(faces: list[Face]) -> list[str]:
    rows: dict[str, list[Change]] = {}
    for face in faces:
        if face.neutral is None:
            continue
        for name, result in face.changed.items():
            tone = result.tone
            rows.setdefault(name, []).append(
                (
                    face.neutral.monk,
                    None if tone is None else tone.ita_deg - face.neutral.ita_deg,
                    None if tone is None else tone.monk - face.neutral.monk,
                )
            )
    return condition_table(rows)


def recolour_conditions(landmarker: FaceLandmarker, seeds: list[int]) -> list[str]:
    """The recolour benchmark (astronaut, neutral light) re-exposed: change against the same
    image as painted, per painted Monk tone; and its Monk against the painted tone."""
    rows: dict[str, list[Change]] = {f"x{factor}": [] for factor in EXPOSURES}
    truth_rows: list[tuple[int, int]] = []
    for seed in seeds:
        for tone in range(1, 11):
            for cast in ILLUMINANTS:
                rgb, _ = recoloured_face(landmarker, tone, cast, seed * 1000 + tone)
                taken = analyse_image(rgb, landmarker).tone
                if taken is None:
                    continue
                truth_rows.append((tone, taken.monk))
                if cast != "neutral":
                    continue
                for factor in EXPOSURES:
                    found = analyse_image(exposed(rgb, factor), landmarker).tone
                    rows[f"x{factor}"].append(
                        (
                            tone,
                            None if found is None else found.ita_deg - taken.ita_deg,
                            None if found is None else found.monk - taken.monk,
                        )
                    )
    within = np.mean([abs(a - b) <= 1 for a, b in truth_rows])
    exact = np.mean([a == b for a, b in truth_rows])
    per = " ".join(
        f"M{tone}: {Counter(b for a, b in truth_rows if a == tone).most_common(1)[0][0]}"
        for tone in range(1, 11)
        if any(a == tone for a, _ in truth_rows)
    )
    return [
        *condition_table(rows),
        "",
        f"Recolour benchmark, all five lights, {len(truth_rows)} images: Monk within one "
        f"step of the painted tone {within:.0%}, exact {exact:.0%}; most common Monk per "
        f"painted tone: {per}",
    ]


def london_tone(
    landmarker: FaceLandmarker, quick: bool = False, progress: Callable[[str], None] = print
) -> list[str]:
    if not LONDON.exists():
        return ["London Set not found at " + str(LONDON)]
    faces = measure_london(landmarker, 4 if quick else 1)
    progress(f"measured {len(faces)} London faces")
    return [
        "### Monk calibration",
        "",
        *calibration(faces),
        "### Neutral vs smiling (same person, same session)",
        "",
        *smiling(faces),
        "",
        "By how much the light changed between the two shots:",
        "",
        *repeatability_and_light(faces),
        "",
        "### London faces re-exposed and re-lit (change against the photo as taken)",
        "",
        *london_conditions(faces),
        "",
        "Blocking codes per self-reported group:",
        "",
        *refusals(faces),
        "",
        "### Concern scores of normal skin per Monk tone (neutral and smiling photos)",
        "",
        *concerns_per_tone(faces),
        "",
        "### Exposure normalisation by the whites of the eyes (evaluated, not kept)",
        "",
        *sclera_normalisation(faces),
        "",
        "### Recolour benchmark re-exposed (change against the image as painted)",
        "",
        *recolour_conditions(landmarker, [1] if quick else [1, 2]),
    ]
