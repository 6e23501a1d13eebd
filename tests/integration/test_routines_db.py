"""Saved routines in SQL (issue 17 point 5): the pipeline's save inserts one row with one Core
statement and its reads are one SELECT each, giving what the ORM rows gave, page by page, on
SQLite and MariaDB; no ORM row built or kept in the session."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlmodel import col, select

from metskin.adapters.db.recommendations import RoutineRow
from metskin.bootstrap import Container
from metskin.domain.errors import Conflict
from metskin.domain.recommendations.model import SavedRoutine
from tests.integration.test_analysis_db import (
    START,
    add_analyses,
    add_user,
    orm_loads,
    statements,
)


def saved_routines(container: Container, owner: str, count: int) -> list[SavedRoutine]:
    with container.new_uow() as uow:
        analyses = uow.analyses.list_for_owner(owner, None, 2)
    return [
        SavedRoutine(
            id=f"routine-{n:02d}",
            user_id=owner,
            analysis_id=analyses[n % 2].id,
            profile_hash=f"{n:064d}",
            created_at=START + timedelta(minutes=n // 2, microseconds=n),  # ties on the time
            routine={"am": [{"product_id": f"p{n}", "price": "12.50"}], "pm": [], "n": n},
            model_version="v2" if n % 2 else "",
        )
        for n in range(count)
    ]


def test_routines_are_inserted_and_read_with_core_statements_as_the_orm_read_them(
    container: Container,
) -> None:
    owner = add_user(container, "owner@example.com")
    other = add_user(container, "other@example.com")
    add_analyses(container, owner, 2)
    add_analyses(container, other, 2)
    made = saved_routines(container, owner, 7)
    with container.new_uow() as uow:
        with statements(container) as seen, orm_loads(RoutineRow) as built:
            for saved in made:
                uow.routines.add(saved)
            assert uow.routines.find(made[3].analysis_id, made[3].profile_hash) == made[3]
            assert uow.routines.find(made[3].analysis_id, made[4].profile_hash) is None
            uow.commit()
        assert seen == ["INSERT"] * 7 + ["SELECT"] * 2
        assert built == [] and not uow.session.identity_map
    with container.new_uow() as uow:
        orm = uow.session.exec(select(RoutineRow).where(col(RoutineRow.user_id) == owner)).all()
        by_id = {row.id: uow.routines.to_domain(row) for row in orm}
        assert by_id == {saved.id: saved for saved in made}
    pages, before = [], None
    while True:
        with container.new_uow() as uow, statements(container) as seen:
            page = uow.routines.list_for_user(owner, before, 3)
            assert len(seen) == 1 and not uow.session.identity_map
        if not page:
            break
        pages.append(page)
        before = (page[-1].created_at, page[-1].id)
    newest_first = sorted(made, key=lambda saved: (saved.created_at, saved.id), reverse=True)
    assert [len(page) for page in pages] == [3, 3, 1]
    assert [saved for page in pages for saved in page] == newest_first
    with container.new_uow() as uow:
        assert uow.routines.list_for_user(other, None, 3) == []
        with pytest.raises(Conflict):  # one routine per analysis and profile state
            uow.routines.add(SavedRoutine(**{**made[0].__dict__, "id": "another"}))
    # The oldest becomes the person's routine again (a state they had before): first now.
    again = replace(newest_first[-1], created_at=newest_first[0].created_at + timedelta(days=1))
    with container.new_uow() as uow:
        uow.routines.renew(again.id, again.created_at)
        uow.commit()
    with container.new_uow() as uow:
        assert uow.routines.list_for_user(owner, None, 2) == [again, newest_first[0]]


def test_the_people_whose_newest_routine_has_a_product_are_found_by_pages(
    container: Container,
) -> None:
    """For a product taken off sale: only newest routines count, and the id is matched as
    written (a `_` or `%` in it is no wildcard)."""
    product = "x_y%z"

    def routine(owner: str, n: int, product_id: str, time: str = "am") -> SavedRoutine:
        with container.new_uow() as uow:
            (analysis, *_) = uow.analyses.list_for_owner(owner, None, 1)
        steps = {"am": [], "pm": [], time: [{"product_id": product_id, "price": "9.00"}]}
        return SavedRoutine(
            id=f"r-{owner[:8]}-{n}",
            user_id=owner,
            analysis_id=analysis.id,
            profile_hash=f"{n:064d}",
            created_at=START + timedelta(days=n),
            routine=steps,
        )

    people = [add_user(container, f"p{n}@example.com") for n in range(4)]
    for person in people:
        add_analyses(container, person, 1)
    made = [
        routine(people[0], 0, product),  # an older routine only
        routine(people[0], 1, "p1"),
        routine(people[1], 0, product),
        routine(people[2], 0, "p2"),
        routine(people[2], 1, product, "pm"),
        routine(people[3], 0, "xAyBz"),  # what `x_y%z` would match as a pattern
    ]
    with container.new_uow() as uow:
        for saved in made:
            uow.routines.add(saved)
        uow.commit()
    with container.new_uow() as uow:
        found = uow.routines.following(product, None, 10)
        assert found == sorted([people[1], people[2]])
        first = uow.routines.following(product, None, 1)
        assert first == found[:1]
        assert uow.routines.following(product, first[0], 1) == found[1:]
        assert uow.routines.following("xAyBz", None, 10) == [people[3]]


def test_whys_held_are_kept_once_in_the_order_said_until_released(container: Container) -> None:
    """`routine_changes_pending`: a why said again is kept once, where it was first said (an
    insert that ignores the key taken, on each engine)."""
    owner = add_user(container, "held@example.com")
    with container.new_uow() as uow:
        uow.routines.hold(owner, "RATING", START)
        uow.routines.hold(owner, "PROFILE", START + timedelta(seconds=1))
        uow.routines.hold(owner, "RATING", START + timedelta(seconds=2))  # said again
        uow.commit()
    with container.new_uow() as uow:
        assert uow.routines.held(owner) == ["RATING", "PROFILE"]
        uow.routines.release(owner)
        uow.commit()
    with container.new_uow() as uow:
        assert uow.routines.held(owner) == []


def test_the_followed_routine_s_analysis_is_read_without_its_routine(
    container: Container,
) -> None:
    """The analysis of the newest routine, as `list_for_user` orders them, in one SELECT of
    one column (the pipeline's last step asks only whether it is the photo just measured)."""
    owner = add_user(container, "owner@example.com")
    add_analyses(container, owner, 2)
    made = saved_routines(container, owner, 7)
    with container.new_uow() as uow:
        assert uow.routines.followed_analysis(owner) is None
        for saved in made:
            uow.routines.add(saved)
        uow.commit()
    odd = next(saved for saved in made if saved.analysis_id != made[-1].analysis_id)
    for renewed in (None, odd):
        if renewed is not None:  # another photo's routine becomes theirs again: first now
            with container.new_uow() as uow:
                uow.routines.renew(renewed.id, START + timedelta(days=1))
                uow.commit()
        with container.new_uow() as uow, statements(container) as seen:
            newest = uow.routines.list_for_user(owner, None, 1)[0]
            assert uow.routines.followed_analysis(owner) == newest.analysis_id
        assert seen == ["SELECT", "SELECT"]
        assert newest.id == (renewed or made[-1]).id
