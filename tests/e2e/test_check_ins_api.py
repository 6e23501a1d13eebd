"""Check-ins through GraphQL (issue 16, point 4): the cadence and next date, coded errors on
`weeks`, and a due check-in told once in the inbox and by email, however often it is scanned."""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from metskin.bootstrap import Container
from metskin.domain.checkins.service import CheckInScanner
from tests.e2e.conftest import GraphQLClient, verify_email
from tests.e2e.test_analysis_api import analyse
from tests.media_samples import face_jpeg

SCHEDULE = "cadenceWeeks nextCheckIn routineMadeAt reminded"
READ = f"{{ checkIn {{ {SCHEDULE} }} }}"
SET = f"mutation($w: Int!) {{ setCheckInCadence(weeks: $w) {{ {SCHEDULE} }} }}"
INBOX = "{ notifications(first: 20) { edges { node { kind details } } } }"


async def test_the_cadence_the_next_date_and_one_reminder_per_due_date(
    client: GraphQLClient, container: Container
) -> None:
    registered = await client.register("maya@example.com")
    await verify_email(client, container, registered["user"]["id"])  # else no reminder email
    fresh = (await client.data(READ))["checkIn"]
    assert fresh == {
        "cadenceWeeks": 4,
        "nextCheckIn": None,
        "routineMadeAt": None,
        "reminded": False,
    }
    for weeks in (0, 13, -2):
        found = await client.call(SET, w=weeks)
        (error,) = found["errors"]
        assert error["extensions"]["code"] == "VALIDATION_FAILED"
        assert error["extensions"]["field"] == "weeks"
    await analyse(client, container, face_jpeg())  # the analysis makes a routine
    schedule = (await client.data(READ))["checkIn"]
    made = datetime.fromisoformat(schedule["routineMadeAt"])
    assert datetime.fromisoformat(schedule["nextCheckIn"]) == made + timedelta(weeks=4)
    changed = (await client.data(SET, w=2))["setCheckInCadence"]
    due = datetime.fromisoformat(changed["nextCheckIn"])
    assert due == made + timedelta(weeks=2) and changed["cadenceWeeks"] == 2

    # told in the daytime of the person's zone (London, the default): noon the day after
    london = ZoneInfo("Europe/London")
    noon = datetime.combine(due.astimezone(london).date() + timedelta(days=1), time(12), london)
    later = CheckInScanner(container.new_uow, lambda: noon)
    assert later.scan_once() == 1 and later.scan_once() == 0
    container.start_embedded_worker()
    container.broker.join("default")
    assert later.scan_once() == 0
    edges = (await client.data(INBOX))["notifications"]["edges"]
    told = [e["node"] for e in edges if e["node"]["kind"] == "CHECK_IN_DUE"]
    assert len(told) == 1 and datetime.fromisoformat(told[0]["details"]["due"]) == due
    assert (await client.data(READ))["checkIn"]["reminded"] is True
    sent = [json.loads(p.read_text()) for p in container.settings.outbox_dir.glob("*.json")]
    mails = [m for m in sent if m["to"] == "maya@example.com" and "check-in" in m["subject"]]
    assert len(mails) == 1 and "/analyse" in mails[0]["text"]
