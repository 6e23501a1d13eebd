"""The request's language at the edge: which locale a request speaks, and coded errors' messages
in it (`extensions.code` never changes).

A request speaks its `Accept-Language` (the web app sends the signed-in profile's locale);
without one, English. An error message translates as a whole when the catalog has it; else the
code's own sentence says what went wrong in the person's language (the field it names stays in
`extensions.field`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from graphql import GraphQLError

from metskin.domain.errors import DomainError
from metskin.domain.i18n.locales import DEFAULT_LOCALE, effective_locale, language_of, negotiate
from metskin.domain.i18n.marks import _
from metskin.domain.i18n.ports import DateStyle, Translator
from metskin.domain.i18n.said import in_language
from metskin.domain.money.model import Money

CODE_MESSAGES = {
    "VALIDATION_FAILED": _("This value is not valid; correct it and try again."),
    "CURSOR_FILTERS_CHANGED": _(
        "This page cursor belongs to other filters or another order; "
        "start again from the first page."
    ),
    "BAD_USER_INPUT": _("This value is not valid; correct it and try again."),
    "BAD_REQUEST": _("This request cannot be understood."),
    "GRAPHQL_VALIDATION_FAILED": _("This request does not match the API's schema."),
    "INTERNAL_ERROR": _("Something went wrong on our side. Try again later."),
    "NOT_FOUND": _("Not found, or not yours to see."),
    "UNAUTHENTICATED": _("Log in first."),
    "TOKEN_EXPIRED": _("Your session has expired; log in again."),
    "INVALID_CREDENTIALS": _("Wrong email or password."),
    "INVALID_REFRESH_TOKEN": _("Your session has ended; log in again."),
    "FORBIDDEN": _("You are not allowed to do this."),
    "CONFLICT": _("Something changed meanwhile; reload and try again."),
    "EMAIL_TAKEN": _("An account with this email already exists."),
    "WEAK_PASSWORD": _("This password is too weak; use at least 10 characters."),
    "CONTRADICTORY_PROFILE": _("Two answers in your profile contradict each other."),
    "UNKNOWN_PRESCRIPTION": _("This is not a prescription-only active in our products."),
    "NO_EXCHANGE_RATE": _("There is no exchange rate for this currency."),
    "RATE_LIMITED": _("Too many requests; wait a moment and try again."),
    "TOO_MANY_STREAMS": _("Too many live updates are open for your account."),
    "SLOT_UNAVAILABLE": _("This time is no longer free; choose another one."),
    "TOO_LATE_TO_CANCEL": _("It is too late to cancel or move this appointment."),
    "TOO_MANY_APPOINTMENTS": _("You already have as many upcoming appointments as you can book."),
    "CONSULTATION_TYPE_NOT_OFFERED": _("This dermatologist does not offer this consultation."),
    "UNSUPPORTED_MEDIA": _("This file type is not supported; use a photo or a short video."),
    "CORRUPT_MEDIA": _("This file cannot be read."),
    "MEDIA_TOO_LARGE": _("This file is too large."),
    "MEDIA_TOO_LONG": _("This video is too long."),
    "UPLOAD_KEY_REUSED": _("This upload key was used for another file."),
    "UPLOAD_IN_PROGRESS": _("This file is still being received. Try again in a moment."),
    "RETAKE_NEEDED": _("This photo cannot be measured; take another one."),
    "CONSENT_REQUIRED": _("Agree to the analysis of your photos first."),
    "CONSENT_TEXT_OUTDATED": _("The consent text has changed; read it again."),
    "CONSENT_WITHDRAWN": _("You withdrew your consent, so this photo was not analysed."),
    "ANALYSIS_NOT_FOUND": _("Not found, or not yours to see."),
    "ANALYSIS_NOT_READY": _("This analysis is not finished yet."),
    "UNAVAILABLE": _("A service is not answering; try again in a moment."),
    "DATABASE_UNAVAILABLE": _("A service is not answering; try again in a moment."),
    "QUEUE_UNAVAILABLE": _("A service is not answering; try again in a moment."),
    # Every other code a client can get (docs/api.md lists them all; a test checks that each
    # has its sentence here, so a message built with values still reads in fr and de).
    "TOO_LARGE": _("This request is too large."),
    "REQUEST_STALLED": _("Nothing more of this request arrived; send it again."),
    "QUERY_TOO_COSTLY": _("This query asks for too much at once; ask for smaller pages."),
    "PERSISTED_QUERY_NOT_FOUND": _("This stored query is not known; send its text."),
    "PERSISTED_QUERY_NOT_SUPPORTED": _("This stored query cannot be read."),
    "API_KEY_INVALID": _("This API key is not valid."),
    "API_KEY_SCOPE": _("This API key's scopes do not cover this request."),
    "API_KEY_LIMIT": _("You have as many API keys as allowed; revoke one first."),
    "API_KEY_NOT_FOUND": _("This API key was not found."),
    "ACCOUNT_NOT_FOUND": _("This account was not found."),
    "EMAIL_UNCHANGED": _("This is already your email address."),
    "EMAIL_LINK_INVALID": _("This link is not valid any more."),
    "RESET_LINK_INVALID": _("This link is not valid any more."),
    "EXPORT_LINK_INVALID": _("This link is not valid any more."),
    "UNSUBSCRIBE_LINK_INVALID": _("This link is not valid any more."),
    "SIGNATURE_INVALID": _("This request is not signed by the sender it claims."),
    "MEDIA_LINK_EXPIRED": _("This link has expired; load the page again."),
    "INVITATION_INVALID": _("This invitation link is not valid."),
    "INVITATION_EXPIRED": _("This invitation has expired; ask for a new one."),
    "INVITATION_USED": _("This invitation has been used already; log in."),
    "PHONE_MISSING": _("Add a phone number to your profile first."),
    "PHONE_CODE_INVALID": _("This code is not right."),
    "PHONE_CODE_NOT_DELIVERED": _("No code reached this number yet."),
    "PHONE_NUMBER_REFUSED": _("The text message service cannot deliver to this number."),
    "MEDIA_NOT_FOUND": _("Not found, or not yours to see."),
    "MEDIA_ACCESS_ENDED": _("You can no longer see this photo."),
    "NOT_SHARED": _("This analysis is not shared with you."),
    "SHARE_NOT_FOUND": _("Not found, or not yours to see."),
    "REFERRAL_NOT_FOUND": _("Not found, or not yours to see."),
    "PRODUCT_NOT_FOUND": _("This product was not found."),
    "INVALID_PRODUCT": _("This product is not valid."),
    "CONTENT_NOT_FOUND": _("This article or video was not found."),
    "SLUG_TAKEN": _("This address is taken by another article or video."),
    "EXPORT_NOT_FOUND": _("This export was not found."),
    "EXPORT_UNAVAILABLE": _("This export is not ready, or has expired."),
    "NOT_COMPARABLE": _("These analyses cannot be compared."),
    "NOTIFICATION_REJECTED": _("This message could not be sent."),
    "LABELS_FORBIDDEN": _("You may not label this analysis."),
    "LABEL_EMPTY": _("This label says nothing; add a grade, a lesion or a note."),
    "LABEL_GRADE_OUT_OF_RANGE": _("This grade is out of range."),
    "LABEL_NOT_ANNOTATABLE": _("Only a finished analysis can be labelled."),
    "LABEL_POINT_OUTSIDE_IMAGE": _("This point is outside the photo."),
    "LABEL_UNKNOWN_VALUE": _("This value is not one a label takes."),
}
GENERIC = _("This request could not be done.")


def request_locale(
    headers: Mapping[str, str] | None, stored: Callable[[], str | None] | None = None
) -> str:
    """The supported locale a request asks for (`Accept-Language`); without one, the stored
    locale `stored()` gives (the signed-in person's profile), else English."""
    asked = (headers or {}).get("accept-language")
    if not (asked or "").strip() and stored is not None:
        return effective_locale(stored())
    return negotiate(asked, DEFAULT_LOCALE)


def payload_language(payload: object) -> str | None:
    """The language a `connection_init` payload names (`language`, or `Accept-Language` in
    any case), if any."""
    if not isinstance(payload, Mapping):
        return None
    for key, value in payload.items():
        if str(key).lower() in ("language", "accept-language") and isinstance(value, str):
            return value[:100]
    return None


class LazyTranslator:
    """A translator that finds its language on its first use (a text, a format or its
    `locale`): a resolver that holds one and translates nothing reads no profile."""

    __slots__ = ("_find", "_found")

    def __init__(self, find: Callable[[], Translator]) -> None:
        self._find = find
        self._found: Translator | None = None

    def _translator(self) -> Translator:
        if self._found is None:
            self._found = self._find()
        return self._found

    @property
    def locale(self) -> str:
        return self._translator().locale

    def gettext(self, message: str) -> str:
        return self._translator().gettext(message)

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        return self._translator().ngettext(singular, plural, count)

    def format_datetime(self, moment: datetime, time_zone: str, style: DateStyle = "long") -> str:
        return self._translator().format_datetime(moment, time_zone, style)

    def format_date(self, day: date, style: DateStyle = "long") -> str:
        return self._translator().format_date(day, style)

    def zone_name(self, time_zone: str) -> str:
        return self._translator().zone_name(time_zone)

    def format_number(self, number: Decimal) -> str:
        return self._translator().format_number(number)

    def format_money(self, money: Money) -> str:
        return self._translator().format_money(money)


def request_language(info: Any) -> str:
    """The language (en, fr, de) a GraphQL request speaks: its context's translator's."""
    return language_of(info.context.translator.locale)


def localize_errors(errors: Iterable[GraphQLError], tr: Translator) -> None:
    """Every error's message in the translator's language; English stays as written."""
    if language_of(tr.locale) == "en":
        return
    for error in errors:
        error.message = localized_message(error, tr)


def localized_message(error: GraphQLError, tr: Translator) -> str:
    original = error.original_error
    if isinstance(original, DomainError):
        return error_text(original, tr)
    return coded_text(error.message, str((error.extensions or {}).get("code", "")), tr)


def error_text(error: DomainError, tr: Translator) -> str:
    """A domain error's message in `tr`'s language, whichever way it reaches the client (a
    GraphQL error, a refused link's JSON): its template (`DomainError.translatable`) filled
    with its values, when the catalog has it; else as `coded_text` says it."""
    if error.template and language_of(tr.locale) != "en":
        translated = tr.gettext(error.template)
        if translated != error.template:
            # numbers (`Decimal`) in the language's way: "1,5 Mo", not "1.5 Mo"
            return translated.format(
                **{name: in_language(value, tr) for name, value in error.values.items()}
            )
    return coded_text(error.message, error.code, tr)


def coded_text(message: str, code: str | None, tr: Translator) -> str:
    """A coded message in `tr`'s language: as a whole when the catalog has it, else the
    code's own sentence; English stays as written."""
    if language_of(tr.locale) == "en":
        return message
    whole = tr.gettext(message)
    if whole != message:
        return whole
    return tr.gettext(CODE_MESSAGES.get(code or "", GENERIC))
