"""SlotGate: attempts at one slot run one at a time and learn the first one's outcome."""

from __future__ import annotations

import threading
import time
from collections import Counter

from metskin.domain.appointments.gate import SlotGate, SlotTaken


def race(gate: SlotGate, attempts: int, body: object) -> Counter[str]:
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()
    barrier = threading.Barrier(attempts)

    def attempt(index: int) -> None:
        barrier.wait()
        try:
            with gate.attempt(("doctor", "09:00")):
                assert callable(body)
                body(index)
            outcome = "won"
        except SlotTaken:
            outcome = "taken"
        except ValueError:
            outcome = "failed"
        with lock:
            outcomes[outcome] += 1

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def test_one_winner_and_the_others_are_told_at_once() -> None:
    gate = SlotGate()
    running = []

    def book(_index: int) -> None:
        running.append(1)
        time.sleep(0.05)
        assert len(running) == 1, "two bodies ran at once for one slot"

    assert race(gate, 50, book) == {"won": 1, "taken": 49}
    assert gate.busy_keys() == 0


def test_a_failed_attempt_lets_the_next_one_try() -> None:
    gate = SlotGate()
    tries: list[int] = []

    def book(index: int) -> None:
        tries.append(index)
        time.sleep(0.05)  # a database round trip: every other attempt has joined by now
        if len(tries) <= 3:
            raise ValueError("not this one")  # e.g. an unknown referral

    assert race(gate, 20, book) == {"failed": 3, "won": 1, "taken": 16}
    assert len(tries) == 4


def test_after_everyone_left_the_next_attempt_runs_again() -> None:
    gate = SlotGate()
    with gate.attempt("slot"):
        pass
    ran = []
    with gate.attempt("slot"):  # e.g. the slot was cancelled meanwhile: the database decides
        ran.append(True)
    assert ran == [True]
    assert gate.busy_keys() == 0


def holding(gate: SlotGate, key: str) -> tuple[threading.Thread, threading.Event]:
    """A thread inside the gate for `key` until the returned event is set."""
    inside = threading.Event()
    release = threading.Event()

    def hold() -> None:
        with gate.attempt(key):
            inside.set()
            release.wait(5)

    holder = threading.Thread(target=hold)
    holder.start()
    assert inside.wait(5)
    return holder, release


def test_different_slots_do_not_wait_for_each_other() -> None:
    gate = SlotGate()
    holder, release = holding(gate, "a")
    with gate.attempt("b"):
        pass  # does not block on "a"
    release.set()
    holder.join(5)


def test_a_stuck_attempt_does_not_block_the_others_forever() -> None:
    gate = SlotGate(wait_seconds=0.05)
    holder, release = holding(gate, "a")
    with gate.attempt("a"):  # gave up waiting: runs, and the database would decide
        ran = True
    assert ran
    release.set()
    holder.join(5)
    assert gate.busy_keys() == 0
