"""The overlay the pipeline stores is drawn at most STORED_LONG_SIDE wide, in the same places as
the full-size one; the landmarker's meshes are shared by threads and give the same landmarks."""

from __future__ import annotations

import threading

import cv2
import numpy as np

from metskin.adapters.vision.images import encode_jpeg
from metskin.adapters.vision.ingest import THUMBNAIL_SIDE, thumbnail_of_rgb
from metskin.domain.analysis.engine import analyse_image
from metskin.domain.analysis.overlay import (
    STORED_LONG_SIDE,
    downscaled,
    render_overlay,
    stored_overlay,
)
from tests.analysis.synthetic import astronaut


def test_a_large_photo_s_stored_overlay_is_the_full_overlay_at_the_stored_size(landmarker) -> None:
    photo = cv2.resize(astronaut(), (2048, 2048), interpolation=cv2.INTER_CUBIC)
    result = analyse_image(photo, landmarker)
    assert result.ok
    stored = stored_overlay(photo, result)
    assert max(stored.shape[:2]) == STORED_LONG_SIDE
    size = stored.shape[1::-1]
    full = cv2.resize(render_overlay(photo, result), size, interpolation=cv2.INTER_AREA)
    plain = cv2.resize(photo, size, interpolation=cv2.INTER_AREA)
    # inside the face box (the legend is drawn outside it): the heat maps and outlines are
    # painted where the full-size overlay paints them
    factor = STORED_LONG_SIDE / 2048
    x0, y0, x1, y1 = (round(value * factor) for value in result.geometry.box)

    def painted(image: np.ndarray) -> np.ndarray:
        return np.abs(image[y0:y1, x0:x1].astype(int) - plain[y0:y1, x0:x1]).sum(axis=2) > 40

    ours, theirs = painted(stored), painted(full)
    assert ours.sum() > 500
    assert (ours & theirs).sum() / ours.sum() > 0.8
    assert (ours & theirs).sum() / theirs.sum() > 0.8


def test_the_overlay_from_a_given_downscaled_copy_is_the_same_and_leaves_it_unpainted(
    landmarker,
) -> None:
    photo = cv2.resize(astronaut(), (1536, 2048), interpolation=cv2.INTER_CUBIC)
    result = analyse_image(photo, landmarker)
    small = downscaled(photo)
    kept = small.copy()
    assert small.shape[:2] == (STORED_LONG_SIDE, 750)
    assert np.array_equal(stored_overlay(photo, result, small=small), stored_overlay(photo, result))
    assert np.array_equal(small, kept)


def test_a_thumbnail_from_the_downscaled_copy_matches_one_from_the_full_photo() -> None:
    photo = cv2.resize(astronaut(), (1536, 2048), interpolation=cv2.INTER_CUBIC)

    def decoded(jpeg: bytes) -> np.ndarray:
        return cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR)

    ours, direct = decoded(thumbnail_of_rgb(downscaled(photo))), decoded(thumbnail_of_rgb(photo))
    assert ours.shape == direct.shape == (THUMBNAIL_SIDE, 240, 3)
    assert np.abs(ours.astype(int) - direct).mean() < 2  # rounding, not a different picture
    # from 1000 px (a reduction by 3.125: bilinear to 640, then an area resize by 2) against
    # one area resize by the fraction
    area = cv2.resize(downscaled(photo), (240, THUMBNAIL_SIDE), interpolation=cv2.INTER_AREA)
    assert np.abs(ours.astype(int) - decoded(encode_jpeg(area, 80))).mean() < 1


def test_a_small_photo_s_stored_overlay_is_the_overlay(landmarker) -> None:
    photo = astronaut()
    result = analyse_image(photo, landmarker)
    assert np.array_equal(
        stored_overlay(photo, result), render_overlay(photo, result, legend=False)
    )


def test_the_stored_overlay_has_no_words_drawn_on_the_photo(landmarker) -> None:
    """The legend is shown beside the overlay in the person's language (GraphQL gives each
    concern's colour and band); drawn on the photo it was English only, unreadable on a phone,
    and it covered the photo's top-left corner."""
    small = astronaut()
    large = cv2.resize(small, (2048, 2048), interpolation=cv2.INTER_CUBIC)
    for photo in (small, large):
        result = analyse_image(photo, landmarker)
        stored = stored_overlay(photo, result)
        factor = stored.shape[0] / photo.shape[0]
        x0, y0 = (round(value * factor) for value in result.geometry.box[:2])
        corner = (slice(0, y0 - 2), slice(0, x0 - 2))  # above and left of the face box
        assert corner[0].stop > 40 and corner[1].stop > 40
        assert np.abs(stored[corner].astype(int) - downscaled(photo)[corner]).max() == 0
        if photo is small:  # the `metskin analyze` command's picture keeps its legend there
            labelled = render_overlay(photo, result)
            assert np.abs(labelled[corner].astype(int) - photo[corner]).max() > 100


def test_threads_share_the_landmarker_and_find_the_same_landmarks(landmarker) -> None:
    photo = astronaut()
    expected = landmarker.detect(photo)[0]
    found: list[np.ndarray] = []

    def detect() -> None:
        for _ in range(3):
            found.append(landmarker.detect(photo)[0])

    threads = [threading.Thread(target=detect) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(found) == 6
    for points in found:
        np.testing.assert_allclose(points, expected, atol=1e-3)
    assert len(landmarker._idle) <= 2  # one mesh per thread at most, kept for reuse
