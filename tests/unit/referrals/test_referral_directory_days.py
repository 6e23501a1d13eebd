"""The web app's directory, opened from a referral, starts with the dermatologists free within
the days the referral's advice gives (ADVISED_DAYS in directory.js). Those days are the domain's
ADVISED_WITHIN, written again in the script: this keeps the two the same, and leaves out only
the urgencies whose period is longer than the directory's availability window."""

from __future__ import annotations

import re
from pathlib import Path

from metskin.domain.directory.service import MAX_AVAILABILITY_WINDOW
from metskin.domain.referrals.model import ADVISED_WITHIN

DIRECTORY_JS = Path(__file__).resolve().parents[3] / "src/metskin/web/views/directory.js"


def test_the_directory_narrows_to_the_days_each_referral_advises() -> None:
    found = re.search(r"const ADVISED_DAYS = \{([^}]*)\};", DIRECTORY_JS.read_text())
    assert found, "ADVISED_DAYS is gone from directory.js"
    script = {name: int(days) for name, days in re.findall(r"(\w+): (\d+)", found[1])}
    expected = {
        urgency.value: period.days
        for urgency, period in ADVISED_WITHIN.items()
        if period <= MAX_AVAILABILITY_WINDOW
    }
    assert script == expected
    assert expected.keys() >= {"URGENT", "SOON"}
