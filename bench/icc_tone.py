"""Photos saved in Display P3 or Adobe RGB (issue 12 point 3): skin tone on the London faces
measured as the upload stored them, before and after embedded ICC profiles were read.

    PYTHONPATH=src:. .venv/bin/python bench/icc_tone.py [--limit N]   # ~2-3 min for 102 faces

Each face (640 px JPEG, taken as sRGB) is converted by LittleCMS (relative colorimetric) to
Display P3 and to Adobe RGB (1998) and saved as JPEG q92 with that profile embedded, as a phone
or camera would (the profiles come from tests/media_profiles.py: no .icc files here). Measured by
the engine (MediaPipe landmarks), against the face as taken:
- old: the profile ignored: the JPEG stripped of its segments (as the old upload stored it)
  and decoded as sRGB;
- new: through prepare_photo (the app's default limits: the same coded picture, its profile
  kept), the stored bytes decoded with decode_image as the analysis does (converted);
- control: the face saved once more as sRGB JPEG q92 without profile, through prepare_photo:
  what re-saving a JPEG on its own coding grid moves;
- control, P3 without its JPEG: converted to Display P3 and back with no JPEG in between, then
  saved as sRGB JPEG q92: what the two conversions alone move (the rest of "new" is the lossy
  coding of the numbers in the wider space);
- HEIC, P3 by nclx: the Display P3 numbers saved as HEIC q92 that names its space with nclx
  numbers (primaries 12) and embeds no ICC profile; old: decoded as sRGB, new: through
  prepare_photo and decode_image (an equivalent ICC profile written from the nclx numbers).

Prints markdown: per case, median (signed and absolute) and p90 |ITA change| in degrees, the
share of faces whose Monk moved, and that share per Monk tone of the photo as taken (the median
tone beside the worst); then the per-tone table.
"""

from __future__ import annotations

import argparse
import io
from collections import defaultdict

import numpy as np
from PIL import Image
from tests.analysis.london import LONDON
from tests.media_profiles import ADOBE_RGB, DISPLAY_P3, from_srgb
from tests.media_samples import encode

from metskin.adapters.vision.colour_profiles import to_srgb
from metskin.adapters.vision.face_mesh import MediaPipeLandmarker
from metskin.adapters.vision.images import decode_image
from metskin.adapters.vision.ingest import PHOTO_QUALITY, prepare_photo
from metskin.adapters.vision.jpeg_segments import strip_jpeg
from metskin.domain.analysis.engine import analyse_image
from metskin.domain.analysis.media import MediaLimits, sniff
from metskin.domain.analysis.model import Tone
from metskin.domain.analysis.ports import FaceLandmarker

SPACES = {"Display P3": DISPLAY_P3, "Adobe RGB": ADOBE_RGB}


def stored(data: bytes) -> np.ndarray:
    """The photo as the upload stores it and the analysis decodes it."""
    media_type = sniff(data[:32])
    assert media_type is not None
    return decode_image(prepare_photo(data, media_type, MediaLimits()).data)


def cases(original: Image.Image) -> dict[str, np.ndarray]:
    srgb_again = encode(original, "JPEG", quality=PHOTO_QUALITY)
    out = {"control: sRGB JPEG q92 again": stored(srgb_again)}
    there_and_back = to_srgb(from_srgb(original, DISPLAY_P3), DISPLAY_P3)
    out["control: to P3 and back, no JPEG in P3"] = stored(
        encode(there_and_back, "JPEG", quality=PHOTO_QUALITY)
    )
    for name, profile in SPACES.items():
        data = encode(
            from_srgb(original, profile), "JPEG", quality=PHOTO_QUALITY, icc_profile=profile
        )
        old_upload = strip_jpeg(data, MediaLimits().max_pixels)  # the profile dropped
        assert old_upload is not None
        out[f"{name}, old (profile ignored)"] = decode_image(old_upload.data)
        out[f"{name}, new (converted)"] = stored(data)
    # a HEIC that names Display P3 by nclx numbers (H.273 primaries 12) and has no ICC profile
    in_p3 = Image.fromarray(np.asarray(from_srgb(original, DISPLAY_P3)))  # pixels, no profile
    nclx = {"color_primaries": 12, "transfer_characteristics": 13, "matrix_coefficients": 6}
    heic = encode(in_p3, "HEIF", quality=PHOTO_QUALITY, full_range_flag=1, **nclx)
    with Image.open(io.BytesIO(heic)) as image:  # as the old upload read it: as sRGB
        out["HEIC, P3 by nclx, old (read as sRGB)"] = np.asarray(image.convert("RGB"))
    out["HEIC, P3 by nclx, new (converted)"] = stored(heic)
    return out


def tone_of(rgb: np.ndarray, landmarker: FaceLandmarker) -> Tone | None:
    return analyse_image(rgb, landmarker).tone


def measure(limit: int | None) -> tuple[dict[str, list[tuple[int, float, int]]], int]:
    """Per case: (Monk as taken, ITA change, Monk change) of each face measured every way."""
    landmarker = MediaPipeLandmarker()
    changes: dict[str, list[tuple[int, float, int]]] = defaultdict(list)
    skipped = 0
    for path in sorted(LONDON.glob("*.jpg"))[:limit]:
        data = path.read_bytes()
        taken = tone_of(decode_image(data), landmarker)
        with Image.open(io.BytesIO(data)) as image:
            tones = {
                name: tone_of(rgb, landmarker) for name, rgb in cases(image.convert("RGB")).items()
            }
        if taken is None or any(tone is None for tone in tones.values()):
            skipped += 1
            continue
        for name, tone in tones.items():
            assert tone is not None
            changes[name].append((taken.monk, tone.ita_deg - taken.ita_deg, tone.monk - taken.monk))
    return changes, skipped


def report(changes: dict[str, list[tuple[int, float, int]]], skipped: int) -> None:
    faces = len(next(iter(changes.values())))
    print(f"{faces} faces measured every way ({skipped} without a tone in some case left out)\n")
    print("| case | ITA change median (signed) | median abs | p90 abs | Monk moved | "
          "per tone: median tone / worst tone |")  # fmt: skip
    print("|---|---|---|---|---|---|")
    per_tone: dict[str, dict[int, tuple[int, float, float]]] = {}
    for name, rows in changes.items():
        monk, ita, step = (np.array(column) for column in zip(*rows, strict=True))
        moved = step != 0
        per_tone[name] = {
            tone: (int((monk == tone).sum()), float(np.median(np.abs(ita[monk == tone]))),
                   float(moved[monk == tone].mean()))
            for tone in sorted(set(monk.tolist()))
        }  # fmt: skip
        shares = {tone: share for tone, (_, _, share) in per_tone[name].items()}
        worst = max(shares, key=lambda tone: shares[tone])
        print(
            f"| {name} | {np.median(ita):+.2f} | {np.median(np.abs(ita)):.2f} | "
            f"{np.percentile(np.abs(ita), 90):.2f} | {moved.mean():.0%} | "
            f"{np.median(list(shares.values())):.0%} / {shares[worst]:.0%} (Monk {worst}) |"
        )
    print("\nPer Monk tone as taken: faces; median |ITA change|, share whose Monk moved\n")
    names = list(per_tone)
    print("| Monk | faces | " + " | ".join(names) + " |")
    print("|---|---|" + "---|" * len(names))
    for tone in sorted(per_tone[names[0]]):
        cells = [f"{per_tone[name][tone][1]:.2f}, {per_tone[name][tone][2]:.0%}" for name in names]
        print(f"| {tone} | {per_tone[names[0]][tone][0]} | " + " | ".join(cells) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="the first N faces only")
    report(*measure(parser.parse_args().limit))


if __name__ == "__main__":
    main()
