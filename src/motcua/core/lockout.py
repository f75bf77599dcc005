"""Sign-in lockout: per account and address, and per address (django-axes).

Failed sign-ins (a wrong password or a wrong one-time code) are counted
per client bucket (:func:`motcua.core.net.client_bucket`: the real client
address behind a trusted proxy). Two limits apply within the cool-off time:

* ``AXES_FAILURE_LIMIT`` failures for one username from one address lock
  that username *from that address*;
* ``MOTCUA_LOGIN_FAILURES_PER_ADDRESS`` failures from one address, whatever
  the usernames, lock the address for every username (guessing a few
  passwords on many accounts is stopped too).

An account is never locked for everyone: a stranger who knows a
username cannot keep its owner out, because the owner signs in from
another address. The address limit is higher than the account one, so the
typing mistakes of colleagues behind one office address do not lock them
all at once.
"""

from __future__ import annotations

from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest


class LockoutHandler(AxesDatabaseHandler):  # type: ignore[misc]
    """Axes' database handler with a separate, higher limit per address."""

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        """Return the failures that count against ``AXES_FAILURE_LIMIT`` for this attempt.

        That is the failures of the (username, address) pair, or the whole
        limit when the address alone has reached
        ``MOTCUA_LOGIN_FAILURES_PER_ADDRESS``.
        """
        address = request.axes_ip_address  # type: ignore[attr-defined]
        username = get_client_username(request, credentials)
        pair = self._failures(request, username=username, ip_address=address)
        if (
            self._failures(request, ip_address=address)
            >= settings.MOTCUA_LOGIN_FAILURES_PER_ADDRESS
        ):
            return max(pair, int(get_failure_limit(request, credentials)))
        return pair

    @staticmethod
    def _failures(request: HttpRequest, **filters: Any) -> int:
        attempts = AccessAttempt.objects.filter(**filters)
        if settings.AXES_COOLOFF_TIME is not None:
            attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
        total = attempts.aggregate(total=Sum("failures_since_start"))["total"]
        return int(total or 0)
