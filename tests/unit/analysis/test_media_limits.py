"""The default upload limits take what phones save, and say what to do past them."""

from __future__ import annotations

import pytest

from metskin.adapters.from_settings import media_limits
from metskin.domain.analysis.errors import MediaTooLarge
from metskin.domain.analysis.media import MB, MediaLimits, check_size
from metskin.domain.analysis.records import MediaKind
from metskin.settings import Settings


def test_a_phone_s_full_resolution_jpeg_fits_and_a_larger_file_is_told_what_to_do() -> None:
    """A 48 MP JPEG (an iPhone's JPEG Max) is about 10 MB on average, a detailed one near 20:
    the old 15 MB limit refused those. Past the limit the message gives the sizes in the unit
    the settings use, and what to do instead."""
    limits = MediaLimits()
    assert media_limits(Settings()) == limits  # the settings' defaults are the limits'
    check_size(MediaKind.PHOTO, 20 * MB, limits)
    with pytest.raises(MediaTooLarge) as refused:
        check_size(MediaKind.PHOTO, 26 * MB, limits)
    assert refused.value.message == (
        "This photo is 26 MB; the limit is 25 MB. "
        "Save it as JPEG or HEIC at the camera's usual resolution."
    )
    with pytest.raises(MediaTooLarge, match=r"is 151 MB; the limit is 150 MB\. Record a"):
        check_size(MediaKind.VIDEO, 151 * MB, limits)
