"""The public lookup's rules, shared by the page and its JSON twin.

A code shows the dossier's status (``dossiers.public``). Codes are
sequential, so look-ups are counted per client (``MOTCUA_LOOKUP_PER_MINUTE``)
in the cache every process shares (0: no limit and no counting, for a
benchmark or behind a proxy that limits). The code together with the last four
digits of the applicant's telephone shows the history as well; those tries
are counted per client (``MOTCUA_LOOKUP_PHONE_TRIES_PER_HOUR``) and the
wrong ones per dossier (``MOTCUA_LOOKUP_PHONE_FAILURES_PER_DOSSIER``), so
the 10,000 possible endings cannot be walked from one address nor from
many. Once a dossier's wrong tries reach the limit, even the right digits
are refused until the hour has passed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _

from motcua.core.ratelimit import counter_add, counter_value, rate_limit_hit
from motcua.dossiers.public import (
    PublicEvent,
    PublicStatus,
    dossier_public_status,
    dossier_public_timeline,
    phone_matches,
)
from motcua.org.models import Unit
from motcua.org.selectors import office_for_unit

HOUR = 3600
# ASCII digits only: other scripts' digits would reach the constant-time comparison.
LAST_FOUR = re.compile(r"[0-9]{4}")


class Outcome:
    """Why a look-up shows less than asked (``code`` of the JSON error)."""

    TOO_MANY = "too_many_requests"
    TOO_MANY_PHONE_TRIES = "too_many_phone_tries"
    NOT_FOUND = "not_found"
    PHONE_INVALID = "phone_invalid"
    PHONE_MISMATCH = "phone_mismatch"
    PHONE_LOCKED = "phone_locked"


@dataclass
class Lookup:
    code: str
    status: PublicStatus | None = None
    office: Unit | None = None
    timeline: list[PublicEvent] | None = None
    problem: str = ""
    field_problems: dict[str, str] = field(default_factory=dict)


def _failures_key(dossier_id: int) -> str:
    return f"lookup-phone-failures:{dossier_id}"


def lookup(request: HttpRequest, code: str, last_four: str = "") -> Lookup:
    """Look ``code`` up for ``request``'s client, with the history when ``last_four`` match."""
    code = (code or "").strip()
    last_four = re.sub(r"\s", "", last_four or "")
    result = Lookup(code=code)
    per_minute = settings.MOTCUA_LOOKUP_PER_MINUTE
    if per_minute > 0 and rate_limit_hit("lookup", request, limit=per_minute):
        result.problem = Outcome.TOO_MANY
        return result
    status = dossier_public_status(code)
    if status is None:
        result.problem = Outcome.NOT_FOUND
        return result
    result.status = status
    result.office = office_for_unit(status.receiving_unit_id)
    if not last_four:
        return result
    if not LAST_FOUR.fullmatch(last_four):
        result.problem = Outcome.PHONE_INVALID
        return result
    if rate_limit_hit(
        "lookup-phone", request, limit=settings.MOTCUA_LOOKUP_PHONE_TRIES_PER_HOUR, window=HOUR
    ):
        result.problem = Outcome.TOO_MANY_PHONE_TRIES
        return result
    limit = settings.MOTCUA_LOOKUP_PHONE_FAILURES_PER_DOSSIER
    if counter_value(_failures_key(status.dossier_id)) >= limit:
        result.problem = Outcome.PHONE_LOCKED
        return result
    if not phone_matches(status, last_four):
        counter_add(_failures_key(status.dossier_id), window=HOUR)
        result.problem = Outcome.PHONE_MISMATCH
        return result
    result.timeline = dossier_public_timeline(status)
    return result


def problem_message(result: Lookup) -> str:
    """Return the citizen's explanation of ``result.problem`` (empty when none)."""
    if result.problem == Outcome.TOO_MANY:
        return _("Too many look-ups from this connection. Please wait a minute and try again.")
    if result.problem == Outcome.TOO_MANY_PHONE_TRIES:
        return _(
            "Too many tries with telephone digits from this connection. Please try again in "
            "an hour, or call the office."
        )
    if result.problem == Outcome.NOT_FOUND:
        return _(
            "No dossier has the code %(code)s. Check the code on your receipt; it looks like "
            "H33.15-260302-0001."
        ) % {"code": result.code if len(result.code) <= 60 else result.code[:60] + "…"}
    if result.problem == Outcome.PHONE_INVALID:
        return _("Enter exactly four digits: the last four of the telephone number you gave.")
    if result.problem == Outcome.PHONE_MISMATCH:
        return _(
            "These are not the last four digits of the telephone number given with this "
            "dossier. Only the status is shown."
        )
    if result.problem == Outcome.PHONE_LOCKED:
        return _(
            "Too many wrong tries for this dossier: its history stays hidden for an hour. "
            "Only the status is shown; call the office if you need more."
        )
    return ""
