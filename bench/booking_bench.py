"""Booking under contention on MariaDB: 200 concurrent attempts at the same 10 slots.

    scripts/with-services.sh .venv/bin/python bench/booking_bench.py          # throwaway MariaDB
    .venv/bin/python bench/booking_bench.py --mysql mysql+pymysql://root@127.0.0.1:3306/

Each round releases N threads at once (one connection each, their own sessions), all booking
one of the same 10 slots of one dermatologist through `AppointmentService.book` (the full use
case: availability, slot check, appointment + unique booked-slot row, reminders, dashboard
event, commit). Latency is per attempt, from the release to the answer (booked or
SLOT_UNAVAILABLE). The contention runs twice: through one shared service, as in one API
process, where attempts at the same slot wait for the first one's outcome (`SlotGate`); and
with a service per attempt, so every attempt runs the whole use case and the database's unique
slot key decides, as with many API processes. A last scenario sends N attempts at N different
slots, to show how many bookings per second commit when they do not collide.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from datetime import time as day_time
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import create_engine, text

from metskin.adapters.db.migrations import upgrade
from metskin.adapters.db.uow import SqlUnitOfWork
from metskin.bootstrap import Container, bootstrap
from metskin.domain.accounts.model import Role
from metskin.domain.appointments import (
    Availability,
    ConsultationType,
    Hours,
    SlotUnavailable,
    WeeklyRule,
)
from metskin.domain.appointments.gate import NoGate
from metskin.domain.appointments.service import AppointmentService
from metskin.domain.directory.loader import load_dermatologists
from metskin.settings import Settings

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.conftest import create_mysql_database

LONDON = ZoneInfo("Europe/London")
PASSWORD = "bench-password-2026"
SLOT_MINUTES = 15
SLOTS_PER_DAY = 20  # 09:00-14:00


def day_slots(day_offset: int) -> list[datetime]:
    day = (datetime.now(UTC) + timedelta(days=day_offset)).astimezone(LONDON).date()
    first = datetime.combine(day, day_time(9), tzinfo=LONDON).astimezone(UTC)
    return [first + timedelta(minutes=SLOT_MINUTES * i) for i in range(SLOTS_PER_DAY)]


def setup(server_url: str, patients: int) -> tuple[Container, str, list[str], str]:
    url = create_mysql_database(server_url, prefix="metskin_bench")
    upgrade(url)
    settings = Settings(
        database_url=url,
        redis_url="",  # type: ignore[call-arg]
        var_dir=Path(tempfile.mkdtemp()),
        password_hash_time_cost=1,
        password_hash_memory_kib=8,
    )
    container = bootstrap(settings)
    user = container.accounts.register(
        "bench-doc@example.com", PASSWORD, "Dr Bench", Role.DERMATOLOGIST
    )
    hours = Hours(day_time(9), day_time(14), SLOT_MINUTES, frozenset(ConsultationType))
    availability = Availability(
        user.id, "Europe/London", tuple(WeeklyRule(d, hours) for d in range(7))
    )
    container.directory.publish(
        replace(load_dermatologists()[0], id=user.id, availability=availability)
    )
    ids = [
        container.accounts.register(f"bench-{i}@example.com", PASSWORD).id for i in range(patients)
    ]
    return container, user.id, ids, url


def fire(
    book: Callable[[str, datetime], None], attempts: list[tuple[str, datetime]]
) -> tuple[list[float], Counter[str], float]:
    latencies: list[float] = []
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()
    barrier = threading.Barrier(len(attempts) + 1)
    released = [0.0]

    def attempt(patient_id: str, start: datetime) -> None:
        barrier.wait()
        try:
            book(patient_id, start)
            outcome = "booked"
        except SlotUnavailable as error:
            outcome = error.code
        except Exception as error:
            outcome = type(error).__name__
        finished = time.perf_counter()
        with lock:
            latencies.append(finished - released[0])
            outcomes[outcome] += 1

    threads = [threading.Thread(target=attempt, args=a) for a in attempts]
    for thread in threads:
        thread.start()
    released[0] = time.perf_counter()
    barrier.wait()
    for thread in threads:
        thread.join()
    return latencies, outcomes, time.perf_counter() - released[0]


Round = tuple[list[float], Counter[str], float]


def contend(book: Callable[[str, datetime], None], patients: list[str], day: int) -> Round:
    """All patients at once at the first 10 slots of a day: exactly 10 must win."""
    slots = day_slots(day)[:10]
    latencies, outcomes, elapsed = fire(book, [(p, slots[i % 10]) for i, p in enumerate(patients)])
    n = len(patients)
    assert outcomes["booked"] == 10 and outcomes["SLOT_UNAVAILABLE"] == n - 10, outcomes
    return latencies, outcomes, elapsed


def report(title: str, rounds: list[Round]) -> None:
    latencies = [x for r in rounds for x in r[0]]
    totals: Counter[str] = sum((r[1] for r in rounds), Counter())
    wall = sum(r[2] for r in rounds)
    print(f"{title}: outcomes {dict(totals)}")
    print(
        f"  latency p50 {1000 * statistics.median(latencies):.0f} ms, "
        f"p99 {1000 * percentile(latencies, 0.99):.0f} ms, "
        f"max {1000 * max(latencies):.0f} ms"
    )
    print(f"  attempts/s {len(latencies) / wall:.0f}, bookings/s {totals['booked'] / wall:.1f}")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mysql", default=os.environ.get("METSKIN_TEST_MYSQL_URL", ""))
    parser.add_argument("--concurrency", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    if not args.mysql:
        sys.exit("give --mysql or run through scripts/with-services.sh")
    n = args.concurrency
    container, doctor_id, patients, url = setup(args.mysql, n)
    engine = create_engine(
        url + "?charset=utf8mb4",
        pool_size=n,
        max_overflow=0,
        isolation_level="READ COMMITTED",
        pool_pre_ping=False,
    )

    def new_uow() -> SqlUnitOfWork:
        return SqlUnitOfWork(engine, container.dispatch)

    service = AppointmentService(new_uow, container.clock)

    def book(patient_id: str, start: datetime) -> None:
        service.book(patient_id, doctor_id, start, ConsultationType.VIDEO)

    def book_without_gate(patient_id: str, start: datetime) -> None:
        # A service per attempt, as if every attempt came through its own API process.
        AppointmentService(new_uow, container.clock, gate=NoGate()).book(
            patient_id, doctor_id, start, ConsultationType.VIDEO
        )

    # Warm the pool: one connection per thread, opened before the clock starts.
    fire(lambda p, s: engine.connect().close(), [(p, day_slots(1)[0]) for p in patients])

    same_slots = [contend(book, patients, 2 + r) for r in range(args.rounds)]
    database_only = [contend(book_without_gate, patients, 20 + r) for r in range(args.rounds)]

    spread: list[float] = []
    spread_wall = 0.0
    spread_booked = 0
    for round_index in range(args.rounds):
        days = range(40 + round_index * 20, 40 + round_index * 20 + n // SLOTS_PER_DAY + 1)
        slots = [s for day in days for s in day_slots(day)][:n]
        latencies, outcomes, elapsed = fire(book, list(zip(patients, slots, strict=True)))
        spread += latencies
        spread_wall += elapsed
        spread_booked += outcomes["booked"]

    engine.dispose()
    container.close()
    print(
        f"MariaDB booking bench: {n} concurrent threads, {args.rounds} rounds each, "
        f"{os.cpu_count()} cores"
    )
    report("same 10 slots, one API process (attempts for a slot queue in-process)", same_slots)
    report("same 10 slots, every attempt decided by the database", database_only)
    print(f"{n} different slots: {spread_booked} booked")
    print(
        f"  latency p50 {1000 * statistics.median(spread):.0f} ms, "
        f"p99 {1000 * percentile(spread, 0.99):.0f} ms"
    )
    print(f"  bookings/s {spread_booked / spread_wall:.0f}")
    admin = create_engine(args.mysql)
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {url.rsplit('/', 1)[1]}"))
    admin.dispose()


if __name__ == "__main__":
    main()
