"""Check-ins through GraphQL (issue 16, point 4): the cadence and next date, coded errors on
`weeks`, and a due check-in told once in the inbox and by email, however often it is scanned."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from metskin.bootstrap import Container
from metskin.domain.checkins.service import CheckInScanner, restart
from tests.e2e.conftest import GraphQLClient, verify_email
from tests.e2e.test_analysis_api import analyse
from tests.media_samples import face_jpeg

SCHEDULE = "cadenceWeeks nextCheckIn routineMadeAt reminded"
READ = f"{{ checkIn {{ {SCHEDULE} }} }}"
SET = f"mutation($w: Int!) {{ setCheckInCadence(weeks: $w) {{ {SCHEDULE} }} }}"
INBOX = "{ notifications(first: 20) { edges { node { kind details } } } }"
ZONE = "mutation($z: String!) { updateProfile(input: {timeZone: $z}) { profile { timeZone } } }"
LONDON = "Europe/London"


def weeks_later(made: datetime, weeks: int, time_zone: str) -> datetime:
    """The wall-clock time of `made` in `time_zone`, `weeks` later there (calendar days)."""
    local = made.astimezone(ZoneInfo(time_zone))
    return datetime.combine(local.date() + timedelta(weeks=weeks), local.time(), local.tzinfo)


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
    assert datetime.fromisoformat(schedule["nextCheckIn"]) == weeks_later(made, 4, LONDON)
    changed = (await client.data(SET, w=2))["setCheckInCadence"]
    due = datetime.fromisoformat(changed["nextCheckIn"])
    assert due == weeks_later(made, 2, LONDON) and changed["cadenceWeeks"] == 2

    # told in the daytime of the person's zone (London, the default): noon the day after
    london = ZoneInfo(LONDON)
    noon = datetime.combine(due.astimezone(london).date() + timedelta(days=1), time(12), london)
    later = CheckInScanner(container.new_uow, lambda: noon)
    # the send job reads the same noon: on the wall clock it checks the daytime again, and from
    # 20:00 in London it handed the reminder back to the scan (a failure of the evening only)
    container.check_in_messenger.clock = lambda: noon
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


async def test_the_next_date_is_counted_in_calendar_days_of_the_persons_zone(
    client: GraphQLClient, container: Container
) -> None:
    """Before, the next date was the routine plus 4 x 7 x 24 hours in UTC: a routine saved at
    23:30 in New York two weeks before the clocks went forward came due at 00:30 the day
    after, in the morning's scan, not on the routine's weekday."""
    person = (await client.register("ny@example.com"))["user"]["id"]
    await client.data(ZONE, z="America/New_York")
    made = datetime(2026, 2, 23, 4, 30, tzinfo=UTC)  # 23:30 on Sunday 22 February there
    with container.new_uow() as uow:
        restart(uow, person, made, "America/New_York")  # as the routine's save does
        uow.commit()
    schedule = (await client.data(READ))["checkIn"]
    due = datetime.fromisoformat(schedule["nextCheckIn"])
    assert due == datetime(2026, 3, 23, 3, 30, tzinfo=UTC)  # 23:30 on Sunday 22 March there
    changed = (await client.data(SET, w=6))["setCheckInCadence"]  # counted again in the zone
    due = datetime.fromisoformat(changed["nextCheckIn"])
    assert due.astimezone(ZoneInfo("America/New_York")).isoformat() == "2026-04-05T23:30:00-04:00"


async def test_a_reminder_held_for_the_morning_says_so_and_when(
    client: GraphQLClient, container: Container
) -> None:
    """Due at 22:00 where the person lives: the scan holds the reminder until 09:00 there.
    Before, `reminded` was false and nothing said that a reminder was on its way, nor when
    (the web app could not say "we'll remind you at 09:00")."""
    person = (await client.register("night@example.com"))["user"]["id"]
    london = ZoneInfo(LONDON)
    evening = datetime.combine(datetime.now(UTC).date() + timedelta(days=3), time(22), london)
    with container.new_uow() as uow:  # a routine made at 22:00: due at 22:00, 4 weeks on
        restart(uow, person, evening - timedelta(weeks=4), LONDON)
        uow.commit()
    read = f"{{ checkIn {{ {SCHEDULE} reminder reminderAt }} }}"
    ahead = (await client.data(read))["checkIn"]
    assert (ahead["reminder"], ahead["reminderAt"], ahead["reminded"]) == ("SCHEDULED", None, False)

    assert CheckInScanner(container.new_uow, lambda: evening).scan_once() == 0  # held
    held = (await client.data(read))["checkIn"]
    morning = datetime.combine(evening.date() + timedelta(days=1), time(9), london)
    assert held["reminded"] is False and held["reminder"] == "HELD"
    assert datetime.fromisoformat(held["reminderAt"]) == morning

    assert CheckInScanner(container.new_uow, lambda: morning).scan_once() == 1
    told = (await client.data(read))["checkIn"]
    assert (told["reminder"], told["reminderAt"], told["reminded"]) == ("SENT", None, True)
