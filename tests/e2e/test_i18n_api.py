"""The person's language through HTTP (issue 14, point 7): a fr-FR profile gets its booking
email and SMS in French with French dates; locales are validated; errors, `/learn` and the web
app's catalog speak the request's language."""

from __future__ import annotations

import hashlib
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from metskin.bootstrap import Container
from metskin.domain.analysis.records import AnalysisStatus, Stage
from tests.e2e.conftest import (
    PASSWORD,
    GraphQLClient,
    SelectCounter,
    login_as_admin,
    outbox,
    verify_email,
)
from tests.e2e.test_care_api import BOOK, add_done_analysis, booking, seed_directory
from tests.e2e.test_limits_api import slots_request
from tests.e2e.test_phone_verification_api import verify_phone
from tests.integration.test_care_booking import day_slots, make_doctor

UPDATE = """mutation($input: ProfileInput!) { updateProfile(input: $input) {
  profile { locale currency } } }"""


async def test_a_french_profile_gets_its_booking_email_and_sms_in_french(
    client: GraphQLClient, container: Container
) -> None:
    registered = await client.data(
        """mutation($i: RegisterInput!) { register(input: $i) { accessToken
             user { id profile { locale } } } }""",
        i={
            "email": "camille@example.com",
            "password": PASSWORD,
            "displayName": "Test",
            "locale": "fr",
        },
    )
    client.token = registered["register"]["accessToken"]
    assert registered["register"]["user"]["profile"]["locale"] == "fr-FR"  # its main region
    await verify_email(client, container, registered["register"]["user"]["id"])
    doctor = make_doctor(container)
    changed = await client.data(
        UPDATE,
        input={"locale": "fr-fr", "timeZone": "Europe/Paris", "phone": "+33612345678"},
    )
    assert changed["updateProfile"]["profile"]["locale"] == "fr-FR"  # canonical form
    await client.data(UPDATE, input={"smsOptIn": True})
    await verify_phone(client, container, "+33612345678")  # else it gets no SMS
    start = day_slots()[0]
    booked = (await client.data(BOOK, input=booking(start, doctor.id, "IN_PERSON")))[
        "bookAppointment"
    ]

    sent = outbox(container, "camille@example.com")
    subjects = [m["subject"] for m in sent if m["channel"] == "email"]  # files in no set order
    assert any(subject.startswith("Bienvenue") for subject in subjects), subjects
    email = next(m for m in sent if "rendez-vous" in m.get("subject", ""))
    assert email["subject"].startswith(f"Votre rendez-vous avec {doctor.name} est confirmé : ")
    assert "Bonjour Test," in email["text"] and "Voici les détails" in email["text"]
    assert "Quand : " in email["text"] and "consultation au cabinet" in email["text"]
    assert '<html lang="fr">' in email["html"] and "gérer votre rendez-vous" in email["html"]
    local = start.astimezone(ZoneInfo("Europe/Paris"))
    months = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août"]
    months += ["septembre", "octobre", "novembre", "décembre"]
    assert f"{local.day} {months[local.month - 1]} {local.year} à {local:%H:%M}" in email["text"]
    assert f"/appointments/{booked['id']}" in email["text"]
    assert "Booked" not in email["text"] and "Hi " not in email["text"]

    texts = [m for m in outbox(container, "+33612345678") if m["channel"] == "sms"]
    sms = next(m for m in texts if "rendez-vous" in m["body"])  # after the code's
    assert sms["body"].startswith("MetSkin : votre rendez-vous ")  # the doctor goes if too long
    assert "est réservé le " in sms["body"] and "Détails : " in sms["body"]
    assert len(sms["body"]) <= 160


async def test_an_english_profile_still_gets_english(
    client: GraphQLClient, container: Container
) -> None:
    doctor = make_doctor(container)
    registered = await client.register("ann@example.com")
    await verify_email(client, container, registered["user"]["id"])
    await client.data(BOOK, input=booking(day_slots()[1], doctor.id, "VIDEO"))
    email = next(m for m in outbox(container, "ann@example.com") if "appoint" in m["subject"])
    assert "is confirmed" in email["subject"] and "Hi Test," in email["text"]


@pytest.mark.parametrize("locale", ["zz", "xx-YY", "en_GB!", "ja-JP", ""])
async def test_an_unsupported_or_malformed_locale_is_a_coded_error(
    client: GraphQLClient, locale: str
) -> None:
    await client.register("lou@example.com")
    answer = await client.call(UPDATE, input={"locale": locale})
    error = answer["errors"][0]
    assert error["extensions"] == {"code": "VALIDATION_FAILED", "field": "locale"}
    assert answer["data"] is None
    refused = await client.call(
        """mutation($i: RegisterInput!) { register(input: $i) { accessToken } }""",
        i={"email": "new@example.com", "password": "tea-and-toast-77", "locale": locale},
    )
    assert refused["errors"][0]["extensions"] == {"code": "VALIDATION_FAILED", "field": "locale"}


async def test_error_messages_speak_the_request_s_language_with_the_same_code(
    client: GraphQLClient,
) -> None:
    query = "{ me { id } }"
    english = (await client.http.post("/graphql", json={"query": query})).json()["errors"][0]
    french = (
        await client.http.post(
            "/graphql", json={"query": query}, headers={"accept-language": "fr-FR,fr;q=0.9"}
        )
    ).json()["errors"][0]
    german = (
        await client.http.post("/graphql", json={"query": query}, headers={"accept-language": "de"})
    ).json()["errors"][0]
    assert english["extensions"] == french["extensions"] == german["extensions"]
    assert french["extensions"]["code"] == "UNAUTHENTICATED"
    assert english["message"] != french["message"] != german["message"]
    assert french["message"] == "Connectez-vous pour faire cela."  # its whole sentence
    assert german["message"] == "Melden Sie sich dafür an."


async def test_a_validation_message_is_translated_with_its_values(client: GraphQLClient) -> None:
    await client.register("lea@example.com")
    client.http.headers["accept-language"] = "fr-FR"
    try:
        error = (await client.call(UPDATE, input={"locale": "ja-JP"}))["errors"][0]
    finally:
        del client.http.headers["accept-language"]
    assert error["extensions"] == {"code": "VALIDATION_FAILED", "field": "locale"}
    assert error["message"].startswith("'ja-JP' n'est pas une langue prise en charge ; ")
    assert "fr-CH" in error["message"]
    english = (await client.call(UPDATE, input={"currency": "zz"}))["errors"][0]["message"]
    assert english == "'zz' is not an ISO 4217 currency code (such as EUR, GBP or USD)."


async def test_learn_pages_and_the_web_catalog_follow_the_language(
    client: GraphQLClient,
) -> None:
    page = await client.http.get("/learn", headers={"accept-language": "de-AT"})
    assert page.headers["content-language"] == "de-AT"
    assert '<html lang="de">' in page.text and "Mehr über Ihre Haut" in page.text
    assert 'lang="de">Sonnenschutz-Grundlagen' in page.text  # each article in its translation
    article = await client.http.get("/learn/spf-basics", headers={"accept-language": "fr"})
    assert "Articles liés" in article.text and '<article lang="fr">' in article.text

    # The web app's links ask for the reader's language, whatever the browser's
    english_browser = {"accept-language": "en-GB"}
    asked = await client.http.get("/learn/spf-basics?locale=fr-FR", headers=english_browser)
    assert asked.headers["content-language"] == "fr-FR" and '<article lang="fr">' in asked.text
    assert 'href="/learn?locale=fr-FR"' in asked.text  # and the next pages too
    index = await client.http.get("/learn?locale=de-DE&search=", headers=english_browser)
    assert "Mehr über Ihre Haut" in index.text
    assert '<input type="hidden" name="locale" value="de-DE">' in index.text
    assert 'href="/learn/spf-basics?locale=de-DE"' in index.text
    unknown = await client.http.get("/learn?locale=xx-YY", headers={"accept-language": "de"})
    assert unknown.status_code == 200 and unknown.headers["content-language"] == "de-DE"

    catalog = (await client.http.get("/i18n/messages.json?locale=fr-CH")).json()
    assert catalog["locale"] == "fr-CH" and catalog["language"] == "fr"
    assert catalog["messages"]["Save profile"] == "Enregistrer le profil"
    assert "de-AT" in catalog["supported"]
    browser = await client.http.get("/i18n/messages.json", headers={"accept-language": "de"})
    assert browser.json()["locale"] == "de-DE"
    assert browser.json()["messages"]["Log in"] == "Anmelden"
    bad = await client.http.get("/i18n/messages.json?locale=en_GB!")
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "VALIDATION_FAILED"


async def test_the_profile_locale_costs_no_second_read_of_the_viewer(
    client: GraphQLClient, container: Container
) -> None:
    """A request that names no language reads the person's locale from the same read that
    loads them for `me`: no more SELECTs than with an `Accept-Language` header (the message
    comes from a field under `me`, which resolves once the person is loaded)."""
    registered = await client.data(
        """mutation($i: RegisterInput!) { register(input: $i) { accessToken } }""",
        i={"email": "lea@example.de", "password": PASSWORD, "displayName": "L", "locale": "de"},
    )
    client.token = registered["register"]["accessToken"]
    query = "{ me { id analyses(first: -5) { edges { node { id } } } } }"
    selects = SelectCounter(client, container)

    async def counted() -> tuple[int, str]:
        selects.statements.clear()
        body = await client.call(query)
        count = len([s for s in selects.statements if s.lstrip().upper().startswith("SELECT")])
        return count, body["errors"][0]["message"]

    from_profile, german = await counted()
    try:
        client.http.headers["accept-language"] = "de-DE"
        from_header, same = await counted()
        client.http.headers["accept-language"] = "en-GB"
        _, english = await counted()
    finally:
        del client.http.headers["accept-language"]
    assert german == same != english  # the profile's language, read without the header
    assert from_profile == from_header


def running_and_failed(container: Container, owner_id: str) -> tuple[str, str]:
    """Two analyses of `owner_id`: one running, one failed with a reason the catalogs have."""
    running, failed = (add_done_analysis(container, owner_id, {}) for _ in range(2))
    with container.new_uow() as uow:
        for analysis_id in (running, failed):
            analysis = uow.analyses.get(analysis_id, for_update=True)
            assert analysis is not None
            analysis.status, analysis.stage, analysis.progress = (
                AnalysisStatus.RUNNING,
                Stage.FACE_MESH,
                0.3,
            )
            uow.analyses.save(analysis)
        uow.commit()
    container.analyses.mark_failed(failed, "RETAKE_NEEDED", "No face was found.")
    return running, failed


POLL = """query($id: ID!) { analysis(id: $id) { id status stage progress failureCode
  failureReason } }"""


async def test_a_poll_of_a_running_analysis_reads_no_profile_and_a_failed_one_is_translated(
    client: GraphQLClient, container: Container, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The translator finds the language on its first text: a running analysis has none to
    translate, so its poll reads no profile (as many SELECTs as with an `Accept-Language`
    header); a failed one gets its reason in the profile's language."""
    registered = await client.data(
        """mutation($i: RegisterInput!) { register(input: $i) { accessToken user { id } } }""",
        i={"email": "jonas@example.de", "password": PASSWORD, "locale": "de"},
    )
    client.token = registered["register"]["accessToken"]
    owner = registered["register"]["user"]["id"]
    running, failed = running_and_failed(container, owner)
    reads: list[list[str]] = []
    get_users = container.accounts.get_users
    monkeypatch.setattr(
        container.accounts, "get_users", lambda ids: reads.append(ids) or get_users(ids)
    )
    selects = SelectCounter(client, container)

    assert await selects(POLL, id=running) == await selects(POLL, id=running)  # warm
    reads.clear()
    polled = (await client.data(POLL, id=running))["analysis"]
    assert (polled["status"], polled["failureReason"]) == ("RUNNING", None)
    assert reads == []  # no profile read for a language nothing needed
    without_header = await selects(POLL, id=running)
    client.http.headers["accept-language"] = "de-DE"
    try:
        assert await selects(POLL, id=running) == without_header
    finally:
        del client.http.headers["accept-language"]

    reads.clear()
    gone = (await client.data(POLL, id=failed))["analysis"]
    assert (gone["status"], gone["failureCode"]) == ("FAILED", "RETAKE_NEEDED")
    assert gone["failureReason"] == "Es wurde kein Gesicht gefunden."  # the profile's language
    assert reads == [[owner]]


REFUSALS = {
    "latitude": (
        "{ dermatologists(filter: {near: {lat: 95, lon: 4.8}}) { edges { node { id } } } }",
        "lat",
    ),
    "distance": (
        "{ dermatologists(filter: {near: {lat: 45.76, lon: 4.84, radiusKm: 30000}}) "
        "{ edges { node { id } } } }",
        "radiusKm",
    ),
    "period": (
        '{ progress(from: "2026-12-01T00:00:00Z", to: "2026-11-01T00:00:00Z") '
        "{ analyses { id } } }",
        "to",
    ),
    "slots": (
        '{ availableSlots(dermatologistId: "d", from: "2026-12-01T00:00:00Z", '
        'to: "2027-06-01T00:00:00Z") { start } }',
        "to",
    ),
    "cadence": ("mutation { setCheckInCadence(weeks: 40) { cadenceWeeks } }", "weeks"),
    "dates": (
        '{ dermatologists(filter: {availableFrom: "2026-12-10T00:00:00Z"}) '
        "{ edges { node { id } } } }",
        "availableTo",
    ),
}
SAID = {
    "fr-FR": {
        "latitude": "Une latitude est comprise entre -90 et 90 degrés.",
        "distance": "La distance doit être supérieure à 0 et d'au plus 20\u202f000 km.",
        "period": "La période se termine avant de commencer.",
        "slots": "La période doit se terminer après son début et durer au plus 92 jours.",
        "cadence": "L'intervalle entre deux photos de suivi va de 1 à 12 semaines.",
        "dates": "Indiquez les deux dates : libre à partir du et libre jusqu'au.",
    },
    "de-DE": {
        "latitude": "Ein Breitengrad liegt zwischen -90 und 90 Grad.",
        "distance": "Die Entfernung muss größer als 0 und höchstens 20.000 km sein.",
        "period": "Der Zeitraum endet, bevor er beginnt.",
        "slots": "Der Zeitraum muss nach seinem Beginn enden und darf höchstens 92 Tage dauern.",
        "cadence": "Der Abstand zwischen zwei Check-ins liegt zwischen 1 und 12 Wochen.",
        "dates": "Geben Sie beide Daten an: frei ab und frei bis.",
    },
}


@pytest.mark.parametrize("locale", sorted(SAID))
async def test_a_refused_place_period_or_cadence_says_why_in_the_person_s_language(
    client: GraphQLClient, locale: str
) -> None:
    """A latitude typed wrong in the directory's form, a distance too far, a progress period
    backwards, a range of free times too long and a cadence out of range each had an English
    sentence ("latitude must be between -90 and 90") that no catalog held: French and German
    got the code's generic "Cette valeur n'est pas valide", which says not what is wrong."""
    await client.register(f"walk-{locale}@example.com")
    await refused_in(client, locale, REFUSALS, SAID[locale])


async def refused_in(
    client: GraphQLClient, locale: str, refusals: dict[str, tuple[str, str]], said: dict[str, str]
) -> None:
    """Each query of `refusals` (name: query, field at fault) asked in `locale` is refused with
    `said[name]`."""
    client.http.headers["accept-language"] = locale
    try:
        for name, (query, field) in refusals.items():
            error = (await client.call(query))["errors"][0]
            assert error["extensions"] == {"code": "VALIDATION_FAILED", "field": field}, name
            assert error["message"] == said[name], name
    finally:
        del client.http.headers["accept-language"]


ADMIN_REFUSALS = {
    "scopes": ('mutation { createApiKey(name: "shop", scopes: []) { key } }', "scopes"),
    "base": (
        'mutation { setExchangeRates(asOf: "2026-12-01", '
        'rates: [{currency: "EUR", perEur: "1"}]) { base } }',
        "rates.0",
    ),
    "rate": (
        'mutation { setExchangeRates(asOf: "2026-12-01", '
        'rates: [{currency: "GBP", perEur: "0"}]) { base } }',
        "rates.0.perEur",
    ),
    "key name": ('mutation { createApiKey(name: "", scopes: [CATALOG_READ]) { key } }', "name"),
}
ADMIN_SAID = {
    "fr-FR": {
        "scopes": "Donnez au moins une portée à la clé.",
        "base": "L'euro (EUR) est la référence : son taux vaut toujours 1.",
        "rate": "Un taux est un nombre décimal d'unités pour 1 EUR, supérieur à 0 et d'au plus "
        "1\u202f000\u202f000.",
        "key name": "Nommez la clé (de 1 à 80 caractères).",
    },
    "de-DE": {
        "scopes": "Geben Sie dem Schlüssel mindestens einen Geltungsbereich.",
        "base": "Der Euro (EUR) ist die Basis: Sein Kurs ist immer 1.",
        "rate": "Ein Kurs ist eine Dezimalzahl von Einheiten pro 1 EUR, größer als 0 und "
        "höchstens 1.000.000.",
        "key name": "Benennen Sie den Schlüssel (1 bis 80 Zeichen).",
    },
}


@pytest.mark.parametrize("locale", sorted(ADMIN_SAID))
async def test_an_admin_s_refusals_say_why_in_the_admin_s_language(
    client: GraphQLClient, container: Container, locale: str
) -> None:
    """An API key with no scope or no name, an exchange rate for the base currency or out of
    range: English only before (French and German got the code's generic "Cette valeur n'est
    pas valide"); the numbers in a refusal are written as the language writes them."""
    await login_as_admin(client, container)
    await refused_in(client, locale, ADMIN_REFUSALS, ADMIN_SAID[locale])


NOBODY = "00000000-0000-4000-8000-000000000000"
# A not found, a forbidden, a conflict and a refusal with values (a word and a number): each
# had an English sentence, and French and German readers got their code's general one.
CODED_SAID = {
    "fr-FR": {
        "not found": "Cette analyse n'existe pas.",
        "forbidden": "Fermez votre propre compte avec deleteMyAccount.",
        "conflict": "le rendez-vous est annulé",
        "rate limited": "Trop de connexions échouées ; réessayez dans {seconds} s.",
    },
    "de-DE": {
        "not found": "Diese Analyse gibt es nicht.",
        "forbidden": "Schließen Sie Ihr eigenes Konto mit deleteMyAccount.",
        "conflict": "der Termin ist abgesagt",
        "rate limited": "Zu viele fehlgeschlagene Anmeldungen; versuchen Sie es in {seconds} s "
        "erneut.",
    },
    "en": {  # as they always were: clients and tests match them
        "not found": "No such analysis.",
        "forbidden": "Close your own account with deleteMyAccount.",
        "conflict": "appointment is cancelled",
        "rate limited": "Too many failed logins; try again in {seconds} s.",
    },
}
CANCEL = "mutation($id: ID!) { cancelAppointment(id: $id) { status } }"
LOGIN = (
    'mutation { login(email: "pat@example.com", password: "not-the-password-1") { user { id } } }'
)


async def _refused(client: GraphQLClient, locale: str, query: str, **variables: Any) -> Any:
    client.http.headers["accept-language"] = locale
    try:
        return (await client.call(query, **variables))["errors"][0]
    finally:
        del client.http.headers["accept-language"]


@pytest.mark.parametrize("locale", sorted(CODED_SAID))
async def test_coded_refusals_other_than_validation_say_why_in_the_reader_s_language(
    client: GraphQLClient, container: Container, locale: str
) -> None:
    """`AnalysisNotFound`, `Forbidden`, `NotActive` (a CONFLICT) and `RateLimited` were raised
    with English only: French and German got "Introuvable, ou vous n'avez pas le droit de le
    voir", "Vous n'êtes pas autorisé à faire cela" ... Now the message is translated whole
    (the wait in seconds put in), and the code, the field and `retryAfter` are unchanged."""
    said = CODED_SAID[locale]
    await client.register("pat@example.com")
    error = await _refused(
        client, locale, "query($id: ID!) { analysis(id: $id) { id } }", id=NOBODY
    )
    assert error["extensions"] == {"code": "ANALYSIS_NOT_FOUND", "field": "id"}
    assert error["message"] == said["not found"]

    doctor = make_doctor(container)
    booked = await client.data(BOOK, input=booking(day_slots()[0], doctor.id, "IN_PERSON"))
    appointment = booked["bookAppointment"]["id"]
    await client.data(CANCEL, id=appointment)
    error = await _refused(client, locale, CANCEL, id=appointment)
    assert error["extensions"] == {"code": "CONFLICT"}
    assert error["message"] == said["conflict"]

    await login_as_admin(client, container)
    me = (await client.data("{ me { id } }"))["me"]["id"]
    error = await _refused(
        client, locale, "mutation($id: ID!) { eraseAccount(userId: $id) { rowsDeleted } }", id=me
    )
    assert error["extensions"] == {"code": "FORBIDDEN", "field": "userId"}
    assert error["message"] == said["forbidden"]

    client.token = None
    backoff = container.login_backoff
    assert backoff is not None
    for _attempt in range(backoff.policy.free_failures + 5):  # then the account waits 32 s
        backoff.failed("pat@example.com")
    error = await _refused(client, locale, LOGIN)
    seconds = error["extensions"]["retryAfter"]
    assert error["extensions"] == {"code": "RATE_LIMITED", "retryAfter": seconds}
    assert 1 <= seconds <= 32
    assert error["message"] == said["rate limited"].format(seconds=seconds)


# The rate rules' refusals named the operation by its API name in every language ("Trop de
# demandes (passwordReset)"); the cost limit, the persisted queries' refusals and a
# subscription over HTTP were English only.
GUARD_SAID = {
    "fr-FR": {
        "rate": "Trop de demandes de réinitialisation du mot de passe ; réessayez dans {s} s.",
        "cost": "Cette requête coûte {cost}, au-delà de la limite de {max} : demandez des pages "
        "plus petites, moins de jours ou moins d'alias.",
        "version": "persistedQuery demande la version 1 et un sha256Hash.",
        "hash": "le sha256Hash envoyé ne correspond pas à la requête",
        "subscription": "Les abonnements passent par un websocket sur /graphql "
        "(graphql-transport-ws), pas par HTTP.",
    },
    "de-DE": {
        "rate": "Zu viele Anfragen zum Zurücksetzen des Passworts; versuchen Sie es in {s} s "
        "erneut.",
        "cost": "Diese Abfrage kostet {cost}, mehr als die Grenze von {max}: fragen Sie kleinere "
        "Seiten, weniger Tage oder weniger Aliase ab.",
        "version": "persistedQuery braucht Version 1 und einen sha256Hash.",
        "hash": "der gesendete sha256Hash passt nicht zur Abfrage",
        "subscription": "Abonnements laufen über einen Websocket unter /graphql "
        "(graphql-transport-ws), nicht über HTTP.",
    },
    "en": {
        "rate": "Too many password reset requests; try again in {s} s.",
        "cost": "This query costs {cost}, over the limit of {max}: ask for smaller pages, fewer "
        "days or fewer aliases.",
        "version": "persistedQuery needs version 1 and a sha256Hash.",
        "hash": "provided sha does not match query",
        "subscription": "Subscriptions run over a websocket at /graphql (graphql-transport-ws), "
        "not over HTTP.",
    },
}
ASK_RESET = "mutation($e: String!) { requestPasswordReset(email: $e) }"


@pytest.mark.parametrize("locale", sorted(GUARD_SAID))
async def test_the_guard_s_refusals_say_what_was_counted_in_the_reader_s_language(
    client: GraphQLClient, container: Container, locale: str
) -> None:
    """A rate rule is named in words ("password reset requests"), not by its API name; the
    cost limit's numbers are written as the language writes them; the persisted queries'
    refusals are translated, except `PersistedQueryNotFound`, which Apollo clients match."""
    said = GUARD_SAID[locale]
    limits = container.rate_limits
    assert limits is not None
    rule = limits.rules["passwordReset"]["account"]
    limits.check("passwordReset", ip=None, account="pat@example.com", cost=rule.count)
    error = await _refused(client, locale, ASK_RESET, e="pat@example.com")
    seconds = error["extensions"]["retryAfter"]
    assert error["extensions"] == {"code": "RATE_LIMITED", "retryAfter": seconds}
    assert error["message"] == said["rate"].format(s=seconds)

    doctor = seed_directory(container)["derm-london-01"]
    flood = slots_request(doctor, 30)
    error = await _refused(client, locale, flood["query"], **flood["variables"])
    cost, most = error["extensions"]["cost"], error["extensions"]["maxCost"]
    assert error["extensions"]["code"] == "QUERY_TOO_COSTLY" and cost > most
    words = {"en": "{:}", "fr-FR": "{:,}", "de-DE": "{:,}"}[locale]
    thousands = {"en": ",", "fr-FR": "\u202f", "de-DE": "."}[locale]
    written = {n: words.format(n).replace(",", thousands) for n in (cost, most)}
    assert error["message"] == said["cost"].format(cost=written[cost], max=written[most])

    query = "{ health }"
    digest = hashlib.sha256(query.encode()).hexdigest()
    headers = {"accept-language": locale}
    for body, code, message in (
        (
            {"extensions": {"persistedQuery": {"version": 2, "sha256Hash": digest}}},
            "PERSISTED_QUERY_NOT_SUPPORTED",
            said["version"],
        ),
        (
            {
                "query": "{ me { id } }",
                "extensions": {"persistedQuery": {"version": 1, "sha256Hash": digest}},
            },
            "BAD_REQUEST",
            said["hash"],
        ),
        (
            {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": digest}}},
            "PERSISTED_QUERY_NOT_FOUND",
            "PersistedQueryNotFound",
        ),
        (
            {"query": 'subscription { analysisProgress(analysisId: "x") { status } }'},
            "BAD_REQUEST",
            said["subscription"],
        ),
    ):
        answer = (await client.http.post("/graphql", json=body, headers=headers)).json()
        [error] = answer["errors"]
        assert (error["extensions"]["code"], error["message"]) == (code, message)
