"""The notification outbox: written in the transaction, delivered after commit.

:func:`notify` renders the event's Vietnamese templates
(``notifications/<event>.txt``: first line the subject, then the body;
``notifications/<event>.sms.txt`` for the short SMS text) and stores one
:class:`Notification` per channel. After the commit the background worker
delivers them (:func:`deliver_notifications`); a failing channel is retried
with growing delays and, after the last attempt, marked failed. Nothing
here can roll back or block the change that caused the message.
"""

from __future__ import annotations

import contextlib
import email.message
import json
import logging
import urllib.error
import urllib.request
from collections.abc import Sequence
from datetime import datetime, timedelta
from email.header import Header
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import models, transaction
from django.db.models import Q
from django.template import Context, TemplateDoesNotExist
from django.template.loader import get_template
from django.utils import translation

from motcua.core import clock, fastsql
from motcua.core.models import Notification, NotificationChannel, NotificationStatus
from motcua.core.tasks import task
from motcua.core.text import strip_accents

logger = logging.getLogger(__name__)

SEND_LEASE = timedelta(minutes=5)
"""How long a claimed notification may stay "sending" before another worker takes it over."""

RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
)
"""Delay before each further attempt; after the last one the message is marked failed."""


def _plain_text(name: str, context: dict[str, Any]) -> str:
    """Render a text template without HTML escaping: an e-mail or SMS is not HTML,
    and "Công ty TNHH Minh & Anh" must not arrive as "Minh &amp; Anh"."""
    template = get_template(name).template  # type: ignore[attr-defined]  # the Django engine's
    return str(template.render(Context(context, autoescape=False))).strip()


def _render(event: str, context: dict[str, Any], *, sms: bool) -> tuple[str, str, str]:
    """Return the subject, the e-mail body and, when ``sms``, the SMS text of ``event``."""
    full_context = {"public_url": settings.MOTCUA_PUBLIC_URL, **context}
    with translation.override("vi"):
        text = _plain_text(f"notifications/{event}.txt", full_context)
        short_text = ""
        if sms:
            with contextlib.suppress(TemplateDoesNotExist):  # no short text: the body is used
                short_text = _plain_text(f"notifications/{event}.sms.txt", full_context)
    subject, _sep, body = text.partition("\n")
    body = body.strip()
    short = " ".join((short_text or body).split()) if sms else ""
    if settings.MOTCUA_SMS_ASCII:
        short = strip_accents(short)
    return subject.strip(), body, short


def notify(
    *,
    event: str,
    context: dict[str, Any],
    email: str = "",
    phone: str = "",
    user: Any = None,
    obj: models.Model | None = None,
) -> list[Notification]:
    """Queue the messages of ``event`` for each given recipient.

    Call it inside the transaction that makes the change: the rows commit or
    roll back with it, and delivery starts only after the commit. A user
    without an e-mail address gets nothing (staff see their queue anyway);
    no SMS is queued while no gateway is configured.
    """
    recipients: list[tuple[str, str]] = []
    address = email or (getattr(user, "email", "") if user is not None else "")
    if address:
        recipients.append((NotificationChannel.EMAIL, address))
    by_sms = bool(phone and settings.MOTCUA_SMS_GATEWAY_URL)
    if by_sms:
        recipients.append((NotificationChannel.SMS, phone))
    if not recipients:
        return []
    # Only what is sent is rendered: the SMS text when an SMS is queued.
    subject, body, sms = _render(event, context, sms=by_sms)
    rows = [
        Notification(
            event=event,
            channel=channel,
            recipient=recipient,
            user=user if getattr(user, "pk", None) else None,
            subject=subject[:200],
            body=body if channel == NotificationChannel.EMAIL else sms,
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            next_attempt_at=clock.now(),
        )
        for channel, recipient in recipients
    ]
    fastsql.insert(rows)
    ids = [row.pk for row in rows]
    if settings.MOTCUA_TASKS_ENQUEUE_IN_TRANSACTION:
        # The database backend's task row commits with the notifications: the
        # worker cannot see it before the commit, and no second commit is needed.
        # A failure here is a database failure: the caller's change fails with it.
        deliver_notifications.enqueue(ids)
    else:
        transaction.on_commit(lambda: _enqueue(ids))
    return rows


def _enqueue(ids: list[int]) -> None:
    """Enqueue after the commit; if that fails, the periodic retry sends them."""
    try:
        deliver_notifications.enqueue(ids)
    except Exception:
        logger.exception("could not enqueue notifications %s", ids)


@task()
def deliver_notifications(ids: list[int]) -> int:
    """Deliver the given notifications; return how many were sent."""
    return sum(1 for pk in ids if notification_deliver(pk))


def notifications_retry_due(*, now: datetime | None = None, limit: int = 500) -> int:
    """Try again every notification whose next attempt is due; return how many were sent.

    That includes rows left "sending" by a worker that died mid-send once
    their lease (:data:`SEND_LEASE`) has run out.
    """
    moment = now or clock.now()
    due = list(
        Notification.objects.filter(
            status__in=[NotificationStatus.PENDING, NotificationStatus.SENDING],
            next_attempt_at__lte=moment,
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(1 for pk in due if notification_deliver(pk, now=moment))


def _claim(pk: int, now: datetime) -> Notification | None:
    """Mark one due notification as being sent, in its own short transaction."""
    with transaction.atomic():
        row = (
            Notification.objects.select_for_update(skip_locked=True)
            .filter(pk=pk)
            .filter(
                Q(status=NotificationStatus.PENDING)
                | Q(status=NotificationStatus.SENDING, next_attempt_at__lte=now)
            )
            .first()
        )
        if row is None:
            return None
        row.status = NotificationStatus.SENDING
        row.next_attempt_at = now + SEND_LEASE
        row.save(update_fields=["status", "next_attempt_at"])
        return row


def notification_deliver(pk: int, *, now: datetime | None = None) -> bool:
    """Send one notification; on failure schedule the next attempt.

    The row is claimed in one short transaction, sent with no transaction
    open (a slow gateway must not hold database locks: on SQLite that would
    block every write), and the outcome recorded in a second one.
    """
    row = _claim(pk, now or clock.now())
    if row is None:
        return False
    try:
        _send(row)
    except Exception as exc:
        row.attempts += 1
        row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        if row.attempts > len(RETRY_DELAYS):
            row.status = NotificationStatus.FAILED
            row.next_attempt_at = None
        else:
            row.status = NotificationStatus.PENDING
            row.next_attempt_at = clock.now() + RETRY_DELAYS[row.attempts - 1]
        row.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
        logger.warning(
            "notification %s failed (attempt %s): %s", row.pk, row.attempts, row.last_error
        )
        return False
    row.attempts += 1
    row.status = NotificationStatus.SENT
    row.sent_at = clock.now()
    row.next_attempt_at = None
    row.save(update_fields=["attempts", "status", "sent_at", "next_attempt_at"])
    return True


class _Email(EmailMessage):
    """An e-mail whose encoded Subject starts on the header's own line.

    Django encodes a Vietnamese subject without knowing the header's name,
    so the generator folds it onto the next line ("Subject:" then a folded
    encoded word), which mail readers show as a subject starting with a
    space. Encoding it with the name keeps the first word on the line.
    """

    def message(self, **kwargs: Any) -> Any:
        msg = super().message(**kwargs)
        subject = str(self.subject)
        if not subject.isascii():
            del msg["Subject"]
            # Below Django's header check on purpose: a Header object, not text.
            email.message.Message.__setitem__(
                msg, "Subject", Header(subject, "utf-8", header_name="Subject")
            )
        return msg


def _send(row: Notification) -> None:
    if row.channel == NotificationChannel.EMAIL:
        _Email(row.subject, row.body, settings.DEFAULT_FROM_EMAIL, [row.recipient]).send(
            fail_silently=False
        )
    elif row.channel == NotificationChannel.SMS:
        send_sms(row.recipient, row.body)
    else:  # pragma: no cover - the choices allow nothing else
        raise ValueError(f"unknown channel {row.channel}")


def send_sms(phone: str, message: str) -> None:
    """POST the message to the configured HTTP SMS gateway; raise on any failure."""
    url = settings.MOTCUA_SMS_GATEWAY_URL
    if not url:
        raise RuntimeError("MOTCUA_SMS_GATEWAY_URL is not set")
    payload = json.dumps({"to": phone, "message": message}, ensure_ascii=False).encode("utf-8")
    headers = {"Content-Type": "application/json; charset=utf-8"}
    if settings.MOTCUA_SMS_GATEWAY_TOKEN:
        headers["Authorization"] = f"Bearer {settings.MOTCUA_SMS_GATEWAY_TOKEN}"
    request = urllib.request.Request(url, data=payload, headers=headers, method="POST")  # noqa: S310
    with urllib.request.urlopen(request, timeout=settings.MOTCUA_SMS_TIMEOUT) as response:  # noqa: S310
        if not 200 <= response.status < 300:
            raise RuntimeError(f"SMS gateway answered {response.status}")


def pending_count(kinds: Sequence[str] = ()) -> int:
    """Return how many notifications wait to be sent (for the health of the outbox)."""
    rows = Notification.objects.filter(status=NotificationStatus.PENDING)
    if kinds:
        rows = rows.filter(channel__in=list(kinds))
    return rows.count()
