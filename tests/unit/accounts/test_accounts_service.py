"""Account use cases on fakes of the ports."""

from __future__ import annotations

from datetime import timedelta

import pytest

from metskin.domain.accounts.errors import (
    ContradictoryProfile,
    EmailTaken,
    InvalidCredentials,
    InvalidRefreshToken,
    WeakPassword,
)
from metskin.domain.accounts.model import Role
from metskin.domain.accounts.release import SEND_RELEASE_EMAIL
from metskin.domain.accounts.service import AccountService
from metskin.domain.errors import Conflict, Unauthenticated, ValidationFailed
from metskin.domain.messages import Job
from metskin.domain.recommendations.jobs import REFRESH_ROUTINE, WHY_PROFILE
from tests.fakes.accounts import FakeAccountsUnitOfWork
from tests.fakes.infra import FakeAccessTokens, FakeClock, FakeHasher

PASSWORD = "tea-and-toast-77"


@pytest.fixture
def uow() -> FakeAccountsUnitOfWork:
    return FakeAccountsUnitOfWork()


@pytest.fixture
def accounts(uow: FakeAccountsUnitOfWork, clock: FakeClock) -> AccountService:
    return AccountService(uow, FakeHasher(), FakeAccessTokens(), clock, timedelta(days=30))


def test_register_normalises_email_and_queues_welcome_after_commit(
    accounts: AccountService, uow: FakeAccountsUnitOfWork
) -> None:
    user = accounts.register("  Maya.Lee@Example.COM ", PASSWORD, "Maya")
    assert user.email == "maya.lee@example.com"
    assert user.role is Role.PATIENT
    assert user.password_hash != PASSWORD
    assert uow.released == [Job("send_welcome_email", {"user_id": user.id})]


def test_email_is_unique_whatever_its_case(
    accounts: AccountService, uow: FakeAccountsUnitOfWork
) -> None:
    accounts.register("maya@example.com", PASSWORD)
    with pytest.raises(EmailTaken) as raised:
        accounts.register("MAYA@example.com", PASSWORD)
    assert raised.value.code == "EMAIL_TAKEN"
    assert len(uow.users.rows) == 1
    # the failed attempt made nothing; it offers the never-confirmed address back to its
    # mailbox (release.py)
    assert [job.actor for job in uow.released] == ["send_welcome_email", SEND_RELEASE_EMAIL]


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short1!", "at least"),
        ("password123", "easy to guess"),
        ("aaaaaaaaaaaa", "easy to guess"),
        ("lowercaseonly", "Mix"),
        ("maya-the-great-1", "email name"),
        ("x" * 300, "at most"),
    ],
)
def test_weak_passwords_are_refused(accounts: AccountService, password: str, reason: str) -> None:
    with pytest.raises(WeakPassword, match=reason):
        accounts.register("maya@example.com", password)


@pytest.mark.parametrize(
    "email",
    [
        "",
        "no-at-sign",
        "two@@example.com",
        "a@b",
        "x@y .com",
        "nul\x00@example.com",  # no mail reaches these: a NUL, a bell, invisible characters
        "bell\x07@example.com",
        "zero\u200bwidth@example.com",
        "maya@exam\u00adple.com",  # a soft hyphen
        "maya@xn--abc-.com",  # a punycode label that names no Unicode domain
        "maya@xn--zz\u00e9.com",
        "maya@example..com",  # empty labels; a trailing dot made a second account for the mailbox
        "maya@.example.com",
        "maya@example.com.",
    ],
)
def test_invalid_emails_are_refused(accounts: AccountService, email: str) -> None:
    with pytest.raises(ValidationFailed) as raised:
        accounts.register(email, PASSWORD)
    assert raised.value.field == "email"


def test_a_registration_that_loses_the_race_names_the_email_field(
    accounts: AccountService, uow: FakeAccountsUnitOfWork
) -> None:
    """Two sign-ups with one address at once: the second fails at commit on the unique key,
    and says so on the email field as the usual check does (it named no field)."""
    uow.fail_next_commit = Conflict("duplicate key uq_users_email")
    with pytest.raises(EmailTaken) as raised:
        accounts.register("maya@example.com", PASSWORD)
    assert raised.value.field == "email"


@pytest.mark.parametrize(
    "again",
    [
        "JÖRG@BÜCHER.DE",
        "jörg@xn--bcher-kva.de",  # the domain as punycode, as some mail clients copy it
        "jo\u0308rg@bu\u0308cher.de",  # decomposed umlauts, as some keyboards send them
    ],
)
def test_one_mailbox_is_one_account_however_it_is_written(
    accounts: AccountService, uow: FakeAccountsUnitOfWork, again: str
) -> None:
    """Before, each of these made a second account for the same mailbox (only the case and
    the spaces were folded), and logging in with another spelling did not find the account."""
    user = accounts.register("jörg@bücher.de", PASSWORD)
    assert user.email == "jörg@bücher.de"
    with pytest.raises(EmailTaken):
        accounts.register(again, PASSWORD)
    assert len(uow.users.rows) == 1
    assert accounts.login(again, PASSWORD).user.id == user.id


def test_an_address_stored_before_it_was_made_canonical_still_logs_in(
    accounts: AccountService, uow: FakeAccountsUnitOfWork
) -> None:
    user = accounts.register("old@bücher.de", PASSWORD)
    uow.users.rows[user.id].email = "old@xn--bcher-kva.de"  # as registered before
    assert accounts.login("old@xn--bcher-kva.de", PASSWORD).user.id == user.id


def test_login_gives_tokens_that_authenticate(accounts: AccountService) -> None:
    user = accounts.register("maya@example.com", PASSWORD)
    session = accounts.login("MAYA@example.com", PASSWORD)
    assert accounts.authenticate(session.tokens.access_token) == (user.id, Role.PATIENT)


@pytest.mark.parametrize(
    ("email", "password"),
    [("maya@example.com", "wrong-password-1"), ("nobody@example.com", PASSWORD)],
)
def test_login_failures_do_not_say_which_part_was_wrong(
    accounts: AccountService, email: str, password: str
) -> None:
    accounts.register("maya@example.com", PASSWORD)
    with pytest.raises(InvalidCredentials, match="Email or password is incorrect"):
        accounts.login(email, password)


def test_access_token_expires(accounts: AccountService, clock: FakeClock) -> None:
    accounts.register("maya@example.com", PASSWORD)
    session = accounts.login("maya@example.com", PASSWORD)
    clock.advance(minutes=16)
    with pytest.raises(Unauthenticated):
        accounts.authenticate(session.tokens.access_token)


def test_refresh_rotates_and_reuse_ends_the_session(accounts: AccountService) -> None:
    accounts.register("maya@example.com", PASSWORD)
    first = accounts.login("maya@example.com", PASSWORD).tokens.refresh_token
    second = accounts.refresh(first).tokens.refresh_token
    assert second != first
    with pytest.raises(InvalidRefreshToken):
        accounts.refresh(first)  # replayed: the whole family is revoked
    with pytest.raises(InvalidRefreshToken):
        accounts.refresh(second)


def test_refresh_token_expires(accounts: AccountService, clock: FakeClock) -> None:
    accounts.register("maya@example.com", PASSWORD)
    token = accounts.login("maya@example.com", PASSWORD).tokens.refresh_token
    clock.advance(days=31)
    with pytest.raises(InvalidRefreshToken):
        accounts.refresh(token)


def test_logout_revokes_the_refresh_token(accounts: AccountService) -> None:
    accounts.register("maya@example.com", PASSWORD)
    token = accounts.login("maya@example.com", PASSWORD).tokens.refresh_token
    accounts.logout(token)
    with pytest.raises(InvalidRefreshToken):
        accounts.refresh(token)


def test_other_sessions_survive_a_logout(accounts: AccountService) -> None:
    accounts.register("maya@example.com", PASSWORD)
    phone = accounts.login("maya@example.com", PASSWORD).tokens.refresh_token
    laptop = accounts.login("maya@example.com", PASSWORD).tokens
    accounts.logout(phone)
    assert accounts.refresh(laptop.refresh_token).user.email == "maya@example.com"
    assert accounts.authenticate(laptop.access_token)[1] is Role.PATIENT


def test_logout_ends_the_sessions_access_tokens_too(accounts: AccountService) -> None:
    user = accounts.register("maya@example.com", PASSWORD)
    first = accounts.login("maya@example.com", PASSWORD).tokens
    rotated = accounts.refresh(first.refresh_token).tokens
    assert accounts.authenticate(first.access_token) == (user.id, Role.PATIENT)
    accounts.logout(rotated.refresh_token)
    for token in (first.access_token, rotated.access_token):  # rotated or not: one session
        with pytest.raises(Unauthenticated) as raised:
            accounts.authenticate(token)
        assert raised.value.code == "UNAUTHENTICATED"


def test_a_reused_refresh_token_ends_the_access_tokens_of_its_session(
    accounts: AccountService,
) -> None:
    accounts.register("maya@example.com", PASSWORD)
    stolen = accounts.login("maya@example.com", PASSWORD).tokens
    fresh = accounts.refresh(stolen.refresh_token).tokens
    with pytest.raises(InvalidRefreshToken):
        accounts.refresh(stolen.refresh_token)  # used twice: someone holds a copy
    with pytest.raises(Unauthenticated):
        accounts.authenticate(fresh.access_token)


def test_update_profile_validates_and_saves(accounts: AccountService) -> None:
    user = accounts.register("maya@example.com", PASSWORD)
    updated = accounts.update_profile(
        user.id,
        {
            "birth_year": 1990,
            "skin_type": "combination",
            "concerns": ["acne", "redness", "acne"],
            "allergies": [" Linalool ", "fragrance"],
            "time_zone": "America/New_York",
            "phone": "+12125550123",
            "sms_opt_in": True,
        },
    )
    assert updated.profile.concerns == ["acne", "redness"]
    assert updated.profile.allergies == ["Linalool", "fragrance"]
    assert accounts.get_user(user.id).profile.time_zone == "America/New_York"


def test_a_change_to_what_the_routine_is_built_from_queues_its_rebuild(
    accounts: AccountService, uow: FakeAccountsUnitOfWork
) -> None:
    """Saying one is pregnant (an allergy, a budget) rebuilds the routine one follows at once
    (`REFRESH_ROUTINE`); a name, an opt-out or the same value again does not."""
    user = accounts.register("maya@example.com", PASSWORD)

    def rebuilds() -> int:
        return len([job for job in uow.jobs if job.actor == REFRESH_ROUTINE])

    accounts.update_profile(user.id, {"display_name": "Maya", "email_opt_in": False})
    assert rebuilds() == 0
    accounts.update_profile(user.id, {"sex": "female", "pregnant": True})
    assert rebuilds() == 1
    accounts.update_profile(user.id, {"pregnant": True, "display_name": "M."})
    assert rebuilds() == 1
    accounts.update_profile(user.id, {"allergies": ["oats"]})
    assert rebuilds() == 2


def test_a_care_change_rebuilds_the_routine_before_it_answers(
    accounts: AccountService, uow: FakeAccountsUnitOfWork
) -> None:
    """Before, only the job did: a client's read right after saved the routine first, and the
    change was told without its why. A rebuild that fails leaves the profile saved (the job
    does it again)."""
    user = accounts.register("maya@example.com", PASSWORD)
    asked: list[tuple[str, str]] = []
    accounts.rebuild_routine = lambda user_id, why: asked.append((user_id, why))
    accounts.update_profile(user.id, {"display_name": "Maya"})
    accounts.update_profile(user.id, {"sex": "female", "pregnant": True})
    assert asked == [(user.id, WHY_PROFILE)]

    def broken(user_id: str, why: str) -> None:
        raise RuntimeError("the catalog could not be read")

    accounts.rebuild_routine = broken
    accounts.update_profile(user.id, {"allergies": ["oats"]})
    assert accounts.get_user(user.id).profile.allergies == ["oats"]


def test_a_new_time_zone_plans_the_persons_reminders_again(accounts: AccountService) -> None:
    """A patient booked from London and then set New York: the appointments' reminders are
    planned again in the new zone (`zone_changed`); another change does not ask, and a failure
    there leaves the profile saved."""
    user = accounts.register("maya@example.com", PASSWORD)
    moved: list[str] = []
    accounts.zone_changed = moved.append
    accounts.update_profile(user.id, {"display_name": "Maya"})
    accounts.update_profile(user.id, {"time_zone": "America/New_York"})
    accounts.update_profile(user.id, {"time_zone": "America/New_York"})
    assert moved == [user.id]

    def broken(user_id: str) -> None:
        raise RuntimeError("the database went away")

    accounts.zone_changed = broken
    accounts.update_profile(user.id, {"time_zone": "Europe/Paris"})
    assert accounts.get_user(user.id).profile.time_zone == "Europe/Paris"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"birth_year": 1850}, "birthYear"),
        ({"birth_year": 2025}, "birthYear"),
        ({"skin_type": "greasy"}, "skinType"),
        ({"concerns": ["freckles"]}, "concerns"),
        ({"time_zone": "Mars/Olympus"}, "timeZone"),
        ({"time_zone": "localtime"}, "timeZone"),  # the zone of whichever server reads it
        ({"time_zone": "Factory"}, "timeZone"),
        ({"phone": "0770 0900"}, "phone"),
        ({"budget_total": -5}, "budgetTotal"),
        ({"currency": "euro"}, "currency"),
        ({"currency": "XXX"}, "currency"),
        ({"currency": "XAU"}, "currency"),
        ({"currency": "ZZZ"}, "currency"),
        ({"currency": "NGN"}, "currency"),  # ISO 4217, but no exchange rate to price it
        # A name goes into email subjects, calendar entries, SMS and other people's screens.
        ({"display_name": "Eve\r\nBcc: x@evil.example"}, "displayName"),
        ({"display_name": "Ev\x00e"}, "displayName"),
        ({"display_name": "\x1b[31mEve"}, "displayName"),
        ({"display_name": "Eve\u2028Line"}, "displayName"),
        ({"display_name": "Eve \u202egpj.exe"}, "displayName"),  # reads "Eve exe.jpg"
        ({"display_name": "N" * 81}, "displayName"),
        ({"allergies": ["fragrance\nlinalool"]}, "allergies"),
    ],
)
def test_bad_profile_values_name_the_field(
    accounts: AccountService, changes: dict[str, object], field: str
) -> None:
    user = accounts.register("maya@example.com", PASSWORD)
    with pytest.raises(ValidationFailed) as raised:
        accounts.update_profile(user.id, changes)
    assert raised.value.field == field
    assert accounts.get_user(user.id).profile.birth_year is None  # nothing half-saved


def test_names_are_stored_composed_and_may_hold_any_script_or_emoji(
    accounts: AccountService,
) -> None:
    decomposed = "Zoe\u0308 Le\u0301a"  # as some keyboards send an accent: 2 code points
    user = accounts.register("zoe@example.com", PASSWORD, decomposed)
    assert user.profile.display_name == "Zoë Léa"
    long_name = accounts.update_profile(user.id, {"display_name": "e\u0301" * 80})
    assert long_name.profile.display_name == "é" * 80  # 80 letters, as the person sees them
    for name in ("\u0645\u0631\u064a\u0645\u200f", "Ana 👩\u200d👩\u200d👧", "Søren Ødegård"):
        assert accounts.update_profile(user.id, {"display_name": name}).profile.display_name
    with pytest.raises(ValidationFailed) as raised:
        accounts.register("eve@example.com", PASSWORD, "Eve\r\nBcc: x@evil.example")
    assert raised.value.field == "displayName"


@pytest.mark.parametrize(
    "changes",
    [
        {"sex": "male", "pregnant": True},
        {"budget_total": 30, "budget_per_product": 50},
        {"sms_opt_in": True},
    ],
)
def test_contradictory_profiles_are_refused(
    accounts: AccountService, changes: dict[str, object]
) -> None:
    user = accounts.register("maya@example.com", PASSWORD)
    with pytest.raises(ContradictoryProfile):
        accounts.update_profile(user.id, changes)


@pytest.mark.parametrize(
    ("zone", "locale", "currency"),
    [
        ("Europe/London", "en-GB", "GBP"),
        ("America/New_York", "en-US", "USD"),
        ("Europe/Paris", "fr-FR", "EUR"),
        ("Asia/Tokyo", "en-US", "JPY"),  # the zone first
        ("Africa/Lagos", "fr-BE", "EUR"),  # no rate for NGN: the locale's region
        ("UTC", "en-US", "USD"),  # a zone of no country: the locale's region
    ],
)
def test_a_new_profile_is_priced_where_the_person_lives(
    accounts: AccountService, zone: str, locale: str, currency: str
) -> None:
    user = accounts.register(
        "maya@example.com", PASSWORD, profile_changes={"time_zone": zone, "locale": locale}
    )
    assert user.profile.currency == currency


def test_the_default_zone_gives_pounds_and_a_chosen_currency_stays(
    accounts: AccountService,
) -> None:
    user = accounts.register("maya@example.com", PASSWORD)
    assert (user.profile.time_zone, user.profile.currency) == ("Europe/London", "GBP")
    moved = accounts.update_profile(user.id, {"time_zone": "America/New_York"})
    assert moved.profile.currency == "USD"  # it followed the zone: never chosen
    chosen = accounts.update_profile(user.id, {"currency": "gbp"})
    assert chosen.profile.currency == "GBP"  # codes are read in any case
    again = accounts.update_profile(user.id, {"time_zone": "Europe/Paris"})
    assert again.profile.currency == "GBP"  # chosen: it stays
