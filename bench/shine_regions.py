"""Shine per region against skin tone on the London photos: the engine's rule
(`skin_type.shine_mask`, a lift of linear light over the surround beyond what diffuse shading
gives) beside the fixed lift it replaced (SHINE_MIN_DY alone), on the same measured faces.

    PYTHONPATH=src:. .venv/bin/python bench/concern_tone_bench.py --faces /tmp/shine-faces.pkl
    PYTHONPATH=src:. .venv/bin/python bench/shine_regions.py --faces /tmp/shine-faces.pkl
    PYTHONPATH=src:. .venv/bin/python bench/shine_regions.py --faces /tmp/shine-faces.pkl --film 0.4

The first command measures the faces once (landmarks, white balance, masks) and keeps them.
Per set (neutral, smiling) and per half of the face ids (odd: where SHADING_GAIN was chosen;
even: held out): partial Spearman of each region's score with the engine's Monk tone, age and
gender controlled (london_info.csv; never fitted), and the median per pooled Monk band; then
neutral against smiling per region. `--film SHARE` plants soft highlights adding SHARE of white
light (linear) over about 4 % of the nose and the forehead of every neutral photo
(`tests/analysis/planting.plant_white_film`) and prints the scores per band under both rules;
the planted crop's L*a*b* and its specular and shadow masks are recomputed, the regions and hair
kept (the engine's own path is `tests/analysis/test_shine_tone.py`). Prints markdown.
"""

from __future__ import annotations

import argparse
import pickle
from pathlib import Path

import numpy as np
from bench.concern_tone_bench import Photo, measure_photos
from tests.analysis.london import TONE_BANDS
from tests.analysis.planting import plant_film_in
from tests.analysis.rank_stats import partial_spearman, spearman

from metskin.domain.analysis.colour import lab_image
from metskin.domain.analysis.face_image import FaceImage, unusable_masks
from metskin.domain.analysis.filters import masked_blur
from metskin.domain.analysis.scoring import saturate
from metskin.domain.analysis.skin_type import SHINE_MIN_DY, SHINE_REGIONS, shine_mask

REGIONS = ("face", "nose", "forehead", "chin", "cheek_right", "cheek_left")


def fixed_lift_mask(face: FaceImage) -> np.ndarray:
    """The rule before SHADING_GAIN: specular pixels SHINE_MIN_DY of linear light above their
    surround."""
    linear = ((face.lightness + 16.0) / 116.0) ** 3
    sigma = face.eye_distance * 0.1
    surround = masked_blur(linear, face.masks["skin"], sigma, face.mask_blur("skin", sigma))
    return face.masks["specular"] & (linear - surround > SHINE_MIN_DY)


RULES = {"before": fixed_lift_mask, "now": shine_mask}


def scores(face: FaceImage, mask: np.ndarray) -> dict[str, float]:
    """Region scores as `skin_type.shine` gives them, and the area-weighted whole face."""
    found = {
        name: saturate(float(mask[face.region(name)].mean()), 0.04)
        for name in SHINE_REGIONS
        if face.area(name) >= 200
    }
    areas = np.array([face.area(name) for name in found], dtype=float)
    found["face"] = float(np.dot(list(found.values()), areas) / areas.sum())
    return found


def band_of(monk: int) -> str:
    return next(name for name, (low, high) in TONE_BANDS.items() if low <= monk <= high)


def tone_rows(photos: list[Photo], table: dict[str, list[dict]], kind: str, half: str) -> list:
    keep = [
        i
        for i, p in enumerate(photos)
        if p.kind == kind and half in ("all", ("even", "odd")[int(p.face_id) % 2])
    ]
    lines = []
    for region in REGIONS:
        cells = []
        for rule in RULES:
            have = [i for i in keep if region in table[rule][i]]
            score = np.array([table[rule][i][region] for i in have])
            monk = np.array([photos[i].monk for i in have], dtype=float)
            age = np.array([photos[i].age for i in have])
            male = np.array([photos[i].male for i in have])
            aged = np.isfinite(age)
            rho = partial_spearman(score[aged], monk[aged], age[aged], male[aged])
            bands = [np.median(score[[band_of(int(m)) == b for m in monk]]) for b in TONE_BANDS]
            cells.append(
                f"{rho:+.2f} | {np.median(score):.1f} | " + " / ".join(f"{v:.1f}" for v in bands)
            )
        lines.append(f"| {kind} | {half} | {region} | {len(have)} | " + " | ".join(cells) + " |")
    return lines


def repeat_rows(photos: list[Photo], table: dict[str, list[dict]]) -> list[str]:
    lines = []
    for region in REGIONS:
        cells = []
        for rule in RULES:
            shots: dict[str, dict[str, float]] = {}
            for photo, found in zip(photos, table[rule], strict=True):
                if region in found:
                    shots.setdefault(photo.face_id, {})[photo.kind] = found[region]
            pairs = np.array([[s["neutral"], s["smiling"]] for s in shots.values() if len(s) == 2])
            change = np.abs(pairs[:, 0] - pairs[:, 1])
            cells.append(
                f"{spearman(pairs[:, 0], pairs[:, 1]):+.2f}, {np.median(change):.1f}, "
                f"{np.percentile(change, 75):.1f}"
            )
        lines.append(f"| {region} | {len(pairs)} | " + " | ".join(cells) + " |")
    return lines


def planted(face: FaceImage, seed: int, film: float) -> FaceImage:
    """`face` with a white film planted on its nose and forehead, its colour and masks redone."""
    rng = np.random.default_rng(seed)
    regions = [face.region(name) for name in ("nose", "forehead") if face.area(name)]
    rgb = plant_film_in(face.rgb, regions, face.eye_distance, rng, film)
    lab = lab_image(rgb, face.gains)
    planes = {k: np.ascontiguousarray(lab[..., k]) for k in range(3)}
    masks = dict(face.masks)
    found = unusable_masks(planes, masks["skin"], masks["face"], face.eye_distance)
    masks.update(specular=found["specular"], shadow=found["shadow"])
    return FaceImage(rgb, lab, masks, face.eye_distance, face.gains)


def film_rows(photos: list[Photo], film: float) -> list[str]:
    per_band: dict[str, dict[str, list[float]]] = {}
    for photo in photos:
        if photo.kind != "neutral":
            continue
        face = planted(photo.face, int(photo.face_id), film)
        for rule, mask_of in RULES.items():
            found = scores(face, mask_of(face))
            for region in ("nose", "forehead"):
                if region in found:
                    key = f"{rule} {region}"
                    per_band.setdefault(key, {}).setdefault(band_of(photo.monk), []).append(
                        found[region]
                    )
    lines = []
    for key, bands in per_band.items():
        medians = [np.median(bands[b]) for b in TONE_BANDS]
        least = [np.min(bands[b]) for b in TONE_BANDS]
        lines.append(
            f"| {film:.2f} | {key} | "
            + " | ".join(f"{m:.0f} ({low:.0f})" for m, low in zip(medians, least, strict=True))
            + (f" | {max(medians) / min(medians):.2f}x |" if min(medians) >= 1 else " | - |")
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--faces", type=Path, required=True)
    parser.add_argument("--film", type=float, default=0.0, help="white light planted, 0..1")
    args = parser.parse_args()
    if args.faces.exists():
        photos = pickle.loads(args.faces.read_bytes())
    else:
        photos = measure_photos(0)
        args.faces.write_bytes(pickle.dumps(photos))
    bands = " / ".join(TONE_BANDS)
    if args.film:
        print(f"| film | rule, region | {' | '.join(TONE_BANDS)} | highest / lowest |")
        print("|---|---|" + "---|" * len(TONE_BANDS) + "---|")
        print("\n".join(film_rows(photos, args.film)))
        return
    table = {
        rule: [scores(p.face, rule_of(p.face)) for p in photos] for rule, rule_of in RULES.items()
    }
    print(
        f"| set | ids | region | photos | before: partial | median | {bands} "
        f"| now: partial | median | {bands} |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for kind in ("neutral", "smiling"):
        for half in ("all", "odd", "even"):
            print("\n".join(tone_rows(photos, table, kind, half)))
    print("\n| region | people | before: Spearman, median, p75 change | now |")
    print("|---|---|---|---|")
    print("\n".join(repeat_rows(photos, table)))


if __name__ == "__main__":
    main()
