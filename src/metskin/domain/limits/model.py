"""Rate rules and the generic cell rate algorithm (a token bucket kept as one timestamp).

A rule lets `count` requests through per `period` seconds, all of them at once if the bucket is
full, then one every `period / count` seconds. The state of one key is its theoretical arrival
time (TAT): the moment the bucket will be full again. A request of cost n is allowed when
`max(TAT, now) + n * interval - period <= now`; the wait otherwise is that excess.
"""

from __future__ import annotations

from dataclasses import dataclass

from metskin.domain.i18n.marks import _


@dataclass(frozen=True)
class Rule:
    count: int
    period: float  # seconds

    @property
    def interval(self) -> float:
        return self.period / self.count

    def scaled(self, factor: float) -> Rule:
        return Rule(max(1, round(self.count * factor)), self.period)

    @classmethod
    def parse(cls, text: str) -> Rule:
        """`"COUNT/SECONDS"`, e.g. `"30/300"`."""
        count, _, period = text.partition("/")
        rule = cls(int(count), float(period))
        if rule.count < 1 or rule.period <= 0:
            raise ValueError(f"rate rule {text!r}: COUNT >= 1 and SECONDS > 0")
        return rule


@dataclass(frozen=True)
class Step:
    allowed: bool
    tat: float  # the key's new state (unchanged when refused)
    retry_after: float  # seconds; 0 when allowed


def gcra(tat: float | None, now: float, rule: Rule, cost: int = 1) -> Step:
    start = now if tat is None else max(tat, now)
    new_tat = start + cost * rule.interval
    wait = new_tat - rule.period - now
    if wait > 0:
        return Step(False, start, wait)
    return Step(True, new_tat, 0.0)


# Operation -> the rules per client address ("ip") and per account ("account"). The account of
# login, register and passwordReset (asking for a reset link) is the email given; of "apiKey"
# (every request made with a key), the key; of the others, the logged-in caller.
DEFAULT_RULES: dict[str, dict[str, Rule]] = {
    "login": {"ip": Rule(30, 300), "account": Rule(10, 300)},
    "register": {"ip": Rule(10, 3600), "account": Rule(3, 3600)},
    "passwordReset": {"ip": Rule(10, 3600), "account": Rule(3, 3600)},
    "resetPassword": {"ip": Rule(20, 3600)},  # each hashes a password; the token is signed
    "changePassword": {"ip": Rule(30, 300), "account": Rule(10, 300)},
    "upload": {"ip": Rule(60, 3600), "account": Rule(30, 3600)},
    # A phone asks every 3 s while its upload is checked, 100 times at most (5 minutes; web/
    # views/analysis.js CHECK_WAIT_MS, CHECK_WAITS): one a 2.5 s is more than that, and the
    # burst lets two uploads wait at once (each ask reads the upload store).
    "uploadByKey": {"ip": Rule(600, 300), "account": Rule(120, 300)},
    "startAnalysis": {"ip": Rule(60, 3600), "account": Rule(30, 3600)},
    # Each one texts a number (paid, and a stranger's when mistyped); the wrong codes sent
    # back are counted apart (domain/accounts/phone.py).
    "phoneCode": {"ip": Rule(10, 3600), "account": Rule(5, 3600)},
    # Every attempt, counted atomically before it runs: parallel requests all pass the
    # wrong-code count's check before any of them is recorded.
    "verifyPhone": {"ip": Rule(30, 3600), "account": Rule(10, 3600)},
    # Each one emails an address (a stranger's, when it is not the person's own).
    "verificationEmail": {"ip": Rule(10, 3600), "account": Rule(3, 3600)},
    "emailChange": {"ip": Rule(10, 3600), "account": Rule(5, 3600)},
    "emailLink": {"ip": Rule(30, 3600)},  # a signed token, checked without a password
    # An administrator's reset links (accounts/support.py): each emails a person a way in.
    "supportReset": {"ip": Rule(20, 3600), "account": Rule(10, 3600)},
    # The same, per account they go to (whichever administrators send them).
    "supportResetTarget": {"account": Rule(3, 24 * 3600)},
    "directory": {"ip": Rule(120, 60), "account": Rule(120, 60)},
    "slots": {"ip": Rule(60, 60), "account": Rule(60, 60)},
    "apiKey": {"account": Rule(120, 60)},
    "dataExport": {"account": Rule(5, 24 * 3600)},  # each zips every photo and video again
    # Each booking or move tells the dermatologist's dashboard and messages the patient: a
    # book-and-cancel loop (2 upcoming at a time) churned both without end.
    "booking": {"account": Rule(10, 3600)},
    # Replies to our SMS number (POST /webhooks/sms): per address before the signature is
    # checked (the provider posts from a few addresses: generous), per number after (each
    # STOP or START tells the person's inbox).
    "smsReply": {"ip": Rule(600, 60), "account": Rule(20, 3600)},
}

# What a refusal says each rule counted ("Too many {what}; ..."), marked for the catalogs: a
# rule's API name ("passwordReset") is no word in any language. The French translations begin
# with a consonant ("Trop de {what}" does not elide).
RULE_NAMES: dict[str, str] = {
    "login": _("login attempts"),
    "register": _("sign-up attempts"),
    "passwordReset": _("password reset requests"),
    "resetPassword": _("new passwords set from a link"),
    "changePassword": _("password changes"),
    "upload": _("uploads"),
    "uploadByKey": _("upload status checks"),
    "startAnalysis": _("analysis requests"),
    "phoneCode": _("phone code requests"),
    "verifyPhone": _("phone code checks"),
    "verificationEmail": _("confirmation emails"),
    "emailChange": _("email change requests"),
    "emailLink": _("emailed links opened"),
    "supportReset": _("reset links sent"),
    "supportResetTarget": _("reset links sent to this account"),
    "directory": _("dermatologist directory searches"),
    "slots": _("free time searches"),
    "apiKey": _("requests with this API key"),
    "dataExport": _("data exports"),
    "booking": _("appointments booked or moved"),
    "smsReply": _("text message replies"),
}


@dataclass(frozen=True)
class BackoffPolicy:
    """After `free_failures` wrong passwords, each login waits `base * 2**(extra failures)`
    seconds (at most `max_delay`) after the last failure; failures are forgotten `forget_after`
    seconds after the last one, and a successful login forgets them at once."""

    free_failures: int = 5
    base_delay: float = 1.0
    max_delay: float = 900.0
    forget_after: float = 3600.0

    def delay(self, failures: int) -> float:
        extra = failures - self.free_failures
        if extra < 0:
            return 0.0
        return min(self.max_delay, self.base_delay * 2 ** min(extra, 30))
