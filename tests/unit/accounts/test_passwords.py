"""Changing a password, and resetting a forgotten one by an emailed link, on fakes of the ports.

The emails are sent by the account actors (`workers/accounts.py`), run here on the jobs each
commit released, as the worker would."""

from __future__ import annotations

import pytest

from metskin.domain.accounts.errors import (
    InvalidCredentials,
    InvalidRefreshToken,
    ResetLinkInvalid,
    WeakPassword,
)
from metskin.domain.accounts.service import AccountService
from metskin.domain.apikeys.errors import ApiKeyInvalid
from metskin.domain.apikeys.model import Scope
from metskin.domain.apikeys.service import ApiKeyService
from metskin.domain.errors import Unauthenticated, ValidationFailed
from metskin.domain.limits.errors import RateLimited
from tests.fakes.accounts import FakeAccountsUnitOfWork
from tests.fakes.infra import (
    FakeClock,
)
from tests.unit.accounts.mailing import Mail

PASSWORD = "tea-and-toast-77"
NEW = "rain-on-the-roof-42"


def test_a_reset_link_is_emailed_in_the_person_s_language_and_sets_a_new_password(
    accounts: AccountService, mail: Mail
) -> None:
    user = accounts.register(
        "maya@example.com", PASSWORD, "Maya", profile_changes={"locale": "fr-FR"}
    )
    mail.confirm(user)  # an unconfirmed address gets no reset link
    accounts.request_password_reset("  MAYA@example.com ")
    ((template, to, context),) = mail.run()
    assert (template, to) == ("password_reset", "maya@example.com")
    assert context["minutes"] == 30 and context["name"] == "Maya"
    assert mail.renderer.locales[-1] == "fr-FR"

    accounts.reset_password(str(context["token"]), NEW)
    assert accounts.login("maya@example.com", NEW).user.id == user.id
    with pytest.raises(InvalidCredentials):
        accounts.login("maya@example.com", PASSWORD)
    ((template, to, _),) = mail.run()
    assert (template, to) == ("password_changed", "maya@example.com")
    assert mail.renderer.locales[-1] == "fr-FR"


def test_an_unknown_or_closed_address_gets_the_same_answer_and_no_email(
    accounts: AccountService, uow: FakeAccountsUnitOfWork, mail: Mail
) -> None:
    closed = accounts.register("gone@example.com", PASSWORD)
    uow.users.rows[closed.id].is_active = False
    accounts.register("maya@example.com", PASSWORD)
    mail.run()
    answers = [
        accounts.request_password_reset(email)
        for email in ("nobody@example.com", "gone@example.com", "maya@example.com")
    ]
    assert answers == [None, None, None]
    # The request does the same for each (it queues the lookup); only Maya gets an email.
    jobs = uow.released[-3:]
    assert [job.actor for job in jobs] == ["send_password_reset_email"] * 3
    assert [m[1] for m in mail.run()] == ["maya@example.com"]


def test_a_malformed_address_is_refused_whether_or_not_it_has_an_account(
    accounts: AccountService,
) -> None:
    with pytest.raises(ValidationFailed) as raised:
        accounts.request_password_reset("not an address")
    assert raised.value.field == "email"


def test_a_reset_link_works_once(accounts: AccountService, mail: Mail) -> None:
    accounts.register("maya@example.com", PASSWORD)
    token = mail.reset_token("maya@example.com", accounts)
    accounts.reset_password(token, NEW)
    with pytest.raises(ResetLinkInvalid) as raised:
        accounts.reset_password(token, "another-new-one-13")
    assert raised.value.code == "RESET_LINK_INVALID"
    assert accounts.login("maya@example.com", NEW)


def test_a_reset_link_expires(accounts: AccountService, mail: Mail, clock: FakeClock) -> None:
    accounts.register("maya@example.com", PASSWORD)
    token = mail.reset_token("maya@example.com", accounts)
    clock.advance(minutes=31)
    with pytest.raises(ResetLinkInvalid):
        accounts.reset_password(token, NEW)
    assert accounts.login("maya@example.com", PASSWORD)


def test_a_reset_link_ends_when_the_password_changes_another_way(
    accounts: AccountService, mail: Mail
) -> None:
    accounts.register("maya@example.com", PASSWORD)
    first, second = (mail.reset_token("maya@example.com", accounts) for _ in range(2))
    accounts.reset_password(second, NEW)  # the later link used: the earlier one ends too
    with pytest.raises(ResetLinkInvalid):
        accounts.reset_password(first, "another-new-one-13")

    third = mail.reset_token("maya@example.com", accounts)
    session = accounts.login("maya@example.com", NEW)
    user_id = session.user.id
    family = accounts.claims(session.tokens.access_token).session
    accounts.change_password(user_id, family, NEW, "changed-in-profile-8")
    with pytest.raises(ResetLinkInvalid):
        accounts.reset_password(third, "another-new-one-13")


@pytest.mark.parametrize("token", ["", "garbage", "reset|someone|9999999999|hashed:x"])
def test_forged_tokens_are_refused(accounts: AccountService, token: str) -> None:
    accounts.register("maya@example.com", PASSWORD)
    with pytest.raises(ResetLinkInvalid):
        accounts.reset_password(token, NEW)


def test_a_reset_applies_the_sign_up_rules_and_the_link_stays_usable(
    accounts: AccountService, mail: Mail
) -> None:
    accounts.register("maya@example.com", PASSWORD)
    token = mail.reset_token("maya@example.com", accounts)
    for weak in ("short1!", "password123", "maya-the-great-1"):
        with pytest.raises(WeakPassword) as raised:
            accounts.reset_password(token, weak)
        assert raised.value.field == "new_password"
    accounts.reset_password(token, NEW)  # nothing was changed by the refusals
    assert accounts.login("maya@example.com", NEW)


def test_a_reset_ends_every_session_of_the_account(accounts: AccountService, mail: Mail) -> None:
    accounts.register("maya@example.com", PASSWORD)
    other = accounts.register("ana@example.com", PASSWORD)
    phone = accounts.login("maya@example.com", PASSWORD).tokens
    laptop = accounts.login("maya@example.com", PASSWORD).tokens
    ana = accounts.login("ana@example.com", PASSWORD).tokens
    accounts.reset_password(mail.reset_token("maya@example.com", accounts), NEW)
    for tokens in (phone, laptop):
        with pytest.raises(Unauthenticated):
            accounts.authenticate(tokens.access_token)
        with pytest.raises(InvalidRefreshToken):
            accounts.refresh(tokens.refresh_token)
    assert accounts.authenticate(ana.access_token)[0] == other.id  # another account's: kept


def test_a_change_keeps_this_session_and_ends_the_others(
    accounts: AccountService, mail: Mail
) -> None:
    user = accounts.register("maya@example.com", PASSWORD)
    here = accounts.login("maya@example.com", PASSWORD).tokens
    elsewhere = accounts.login("maya@example.com", PASSWORD).tokens
    mail.run()
    session = accounts.claims(here.access_token).session
    accounts.change_password(user.id, session, PASSWORD, NEW)

    assert accounts.authenticate(here.access_token)[0] == user.id
    assert accounts.refresh(here.refresh_token).user.id == user.id
    with pytest.raises(Unauthenticated):
        accounts.authenticate(elsewhere.access_token)
    with pytest.raises(InvalidRefreshToken):
        accounts.refresh(elsewhere.refresh_token)
    assert accounts.login("maya@example.com", NEW)
    assert [(m[0], m[1]) for m in mail.run()] == [("password_changed", "maya@example.com")]


def test_a_new_password_ends_the_account_s_api_keys(
    accounts: AccountService, uow: FakeAccountsUnitOfWork, mail: Mail, clock: FakeClock
) -> None:
    """Whoever had the password or a session could make a key (the web app lists none); a
    reset or a change ended every other session and left that key uploading and reading the
    person's analyses (ninth session). Keys made after the new password work."""
    maya = accounts.register("maya@example.com", PASSWORD)
    ana = accounts.register("ana@example.com", PASSWORD)
    keys = ApiKeyService(uow, clock)
    thief, anas = (
        keys.create(who.id, "sync", [Scope.ANALYSES_OWN_USERS])[1] for who in (maya, ana)
    )
    mail.run()
    accounts.reset_password(mail.reset_token("maya@example.com", accounts), NEW)
    with pytest.raises(ApiKeyInvalid):
        keys.authenticate(thief)
    assert keys.authenticate(anas).owner_id == ana.id  # another account's: kept
    # The email says so (before, the integrator learnt it from API_KEY_INVALID).
    assert [(m[0], m[2]["keys_revoked"]) for m in mail.run()] == [("password_changed", 1)]

    _, after = keys.create(maya.id, "sync", [Scope.ANALYSES_OWN_USERS])
    assert keys.authenticate(after).owner_id == maya.id
    here = accounts.login("maya@example.com", NEW).tokens
    accounts.change_password(maya.id, accounts.claims(here.access_token).session, NEW, PASSWORD)
    with pytest.raises(ApiKeyInvalid):
        keys.authenticate(after)
    assert keys.authenticate(anas).owner_id == ana.id
    assert [(m[0], m[2]["keys_revoked"]) for m in mail.run()] == [("password_changed", 1)]
    accounts.change_password(maya.id, accounts.claims(here.access_token).session, PASSWORD, NEW)
    assert [(m[0], m[2]["keys_revoked"]) for m in mail.run()] == [("password_changed", 0)]


def test_a_change_applies_the_sign_up_rules(accounts: AccountService) -> None:
    user = accounts.register("maya@example.com", PASSWORD)
    session = accounts.login("maya@example.com", PASSWORD)
    family = accounts.claims(session.tokens.access_token).session
    with pytest.raises(WeakPassword):
        accounts.change_password(user.id, family, PASSWORD, "password123")
    assert accounts.login("maya@example.com", PASSWORD)


def test_a_wrong_current_password_counts_as_a_failed_login(
    accounts: AccountService, mail: Mail, clock: FakeClock
) -> None:
    user = accounts.register("maya@example.com", PASSWORD)
    family = accounts.claims(accounts.login("maya@example.com", PASSWORD).tokens.access_token)
    for _ in range(3):  # the free failures of the fixture's policy
        with pytest.raises(InvalidCredentials) as raised:
            accounts.change_password(user.id, family.session, "a-guess-of-mine-1", NEW)
        assert raised.value.field == "current_password"
    # The next guess, and a login, wait: both are the one account's backoff.
    with pytest.raises(RateLimited):
        accounts.change_password(user.id, family.session, PASSWORD, NEW)
    with pytest.raises(RateLimited):
        accounts.login_attempts.check("maya@example.com")  # type: ignore[union-attr]
    mail.run()
    clock.advance(seconds=2)
    accounts.change_password(user.id, family.session, PASSWORD, NEW)
    assert [m[0] for m in mail.run()] == ["password_changed"]
