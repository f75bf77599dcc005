"""System checks of the core settings."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Warning, register


@register()
def notification_lease_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """A worker's lease on a message outlasts the longest send it waits for.

    Otherwise a second worker takes over a message still being sent, and the
    receiver sees it twice (with the same id, which a receiver that drops
    repeats absorbs, but a gateway that ignores the id does not).
    """
    lease = settings.MOTCUA_NOTIFICATION_LEASE
    email_timeout = settings.EMAIL_TIMEOUT  # None: Django waits for the mail server forever
    if email_timeout is None or lease <= max(settings.MOTCUA_SMS_TIMEOUT, email_timeout):
        return [
            Warning(
                f"MOTCUA_NOTIFICATION_LEASE ({lease} s) is not longer than the longest send "
                f"(MOTCUA_SMS_TIMEOUT {settings.MOTCUA_SMS_TIMEOUT} s, EMAIL_TIMEOUT "
                f"{settings.EMAIL_TIMEOUT} s): a slow send may be taken over and delivered twice.",
                hint="Set both timeouts, and the lease a few seconds above the larger one.",
                id="motcua.notifications.W001",
            )
        ]
    return []
