"""The notification outbox: written in the transaction, delivered after commit.

:func:`notify` renders the event's Vietnamese templates
(``notifications/<event>.txt``: first line the subject, then the body;
``notifications/<event>.sms.txt`` for the short SMS text) and stores one
:class:`Notification` per channel. After the commit the background worker
delivers them (:func:`deliver_notifications`); a failing channel is retried
with growing delays and, after the last attempt, marked failed. Nothing
here can roll back or block the change that caused the message.

Delivery is at least once, with a stable id: every message carries its
:attr:`~motcua.core.models.Notification.message_id` to the SMS gateway (the
JSON field ``id`` and the ``Idempotency-Key`` header) and in its e-mail
headers (``Message-ID`` and ``X-Motcua-Message-Id``), unchanged on every
attempt, so a receiver that drops repeats delivers it once. A worker
claims a message for a short lease (``MOTCUA_NOTIFICATION_LEASE``) and, in
the same transaction, schedules its own follow-up at the lease's end: if
the worker dies mid-send, whichever worker runs next (a restarted one
included) resumes the message then, without waiting for ``motcua
periodic``. docs/deploy.md states the guarantee.
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
from email.utils import parseaddr
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
from motcua.core.tasks import discard_ready, task
from motcua.core.text import strip_accents

logger = logging.getLogger(__name__)

MESSAGE_ID_HEADER = "X-Motcua-Message-Id"
"""The e-mail header carrying a message's stable id (beside ``Message-ID``)."""


def send_lease() -> timedelta:
    """How long a claimed notification may stay "sending" before another worker takes it over.

    ``MOTCUA_NOTIFICATION_LEASE`` seconds: longer than a send may take (the
    SMS and SMTP timeouts, see the ``motcua.W001`` check), short enough
    that a message a dead worker held is resumed within a minute.
    """
    return timedelta(seconds=settings.MOTCUA_NOTIFICATION_LEASE)


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


@task()
def resume_notifications(ids: list[int]) -> int:
    """Send again those of ``ids`` that are due: a lease run out, or a retry's time come.

    Scheduled by the worker itself (see :func:`_claim` and
    :func:`notification_deliver`); a message sent meanwhile is left alone.
    """
    return sum(1 for pk in ids if notification_deliver(pk, due_only=True))


def _schedule_resume(pk: int, at: datetime) -> str | None:
    """Enqueue :func:`resume_notifications` for ``pk`` at ``at``; return the task's id.

    Only with a backend that can defer a task (the database backend of a
    deployment); otherwise ``motcua periodic`` alone takes the message up
    again (:func:`notifications_retry_due`).
    """
    if not resume_notifications.get_backend().supports_defer:
        return None
    return str(resume_notifications.using(run_after=at).enqueue([pk]).id)


def notifications_retry_due(*, now: datetime | None = None, limit: int = 500) -> int:
    """Try again every notification whose next attempt is due; return how many were sent.

    That includes rows left "sending" by a worker that died mid-send once
    their lease (:func:`send_lease`) has run out. The worker normally does
    this by itself; ``motcua periodic`` runs it as a safety net.
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


def _claim(pk: int, now: datetime, *, due_only: bool) -> tuple[Notification, str | None] | None:
    """Mark one notification as being sent, in its own short transaction.

    A pending message is taken at once, or with ``due_only`` when its next
    attempt is due; a "sending" one only once its lease has run out. The
    follow-up that resumes it if this worker dies is enqueued in the same
    transaction; its task id is returned with the row.
    """
    pending = Q(status=NotificationStatus.PENDING)
    if due_only:
        pending &= Q(next_attempt_at__lte=now)
    with transaction.atomic():
        row = (
            Notification.objects.select_for_update(skip_locked=True)
            .filter(pk=pk)
            .filter(pending | Q(status=NotificationStatus.SENDING, next_attempt_at__lte=now))
            .first()
        )
        if row is None:
            return None
        row.status = NotificationStatus.SENDING
        row.next_attempt_at = now + send_lease()
        row.save(update_fields=["status", "next_attempt_at"])
        return row, _schedule_resume(row.pk, row.next_attempt_at)


def notification_deliver(pk: int, *, now: datetime | None = None, due_only: bool = False) -> bool:
    """Send one notification; on failure schedule the next attempt.

    The row is claimed in one short transaction, sent with no transaction
    open (a slow gateway must not hold database locks: on SQLite that would
    block every write), and the outcome recorded in a second one, which
    drops the follow-up the claim scheduled or, after a failure, schedules
    the retry.
    """
    claimed = _claim(pk, now or clock.now(), due_only=due_only)
    if claimed is None:
        return False
    row, follow_up = claimed
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
        with transaction.atomic():
            row.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
            discard_ready(follow_up)
            if row.next_attempt_at is not None:
                _schedule_resume(row.pk, row.next_attempt_at)
        logger.warning(
            "notification %s failed (attempt %s): %s", row.pk, row.attempts, row.last_error
        )
        return False
    row.attempts += 1
    row.status = NotificationStatus.SENT
    row.sent_at = clock.now()
    row.next_attempt_at = None
    with transaction.atomic():
        row.save(update_fields=["attempts", "status", "sent_at", "next_attempt_at"])
        discard_ready(follow_up)
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
        send_email(row)
    elif row.channel == NotificationChannel.SMS:
        send_sms(row.recipient, row.body, message_id=str(row.message_id))
    else:  # pragma: no cover - the choices allow nothing else
        raise ValueError(f"unknown channel {row.channel}")


def email_message_id(row: Notification) -> str:
    """Return the message's ``Message-ID``: its stable id at the sender's domain."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "motcua.invalid"
    return f"<{row.message_id}@{domain}>"


def send_email(row: Notification) -> None:
    """Send one e-mail whose ``Message-ID`` and ``X-Motcua-Message-Id`` stay the same on
    every attempt: a mail system that has seen the id can drop the repeat."""
    _Email(
        row.subject,
        row.body,
        settings.DEFAULT_FROM_EMAIL,
        [row.recipient],
        headers={"Message-ID": email_message_id(row), MESSAGE_ID_HEADER: str(row.message_id)},
    ).send(fail_silently=False)


def send_sms(phone: str, message: str, *, message_id: str) -> None:
    """POST the message to the configured HTTP SMS gateway; raise on any failure.

    The body is ``{"id", "to", "message"}`` and the ``Idempotency-Key``
    header repeats ``id``: the same on every attempt at one message, so a
    gateway that remembers the ids it has seen drops a repeat.
    """
    url = settings.MOTCUA_SMS_GATEWAY_URL
    if not url:
        raise RuntimeError("MOTCUA_SMS_GATEWAY_URL is not set")
    payload = json.dumps(
        {"id": message_id, "to": phone, "message": message}, ensure_ascii=False
    ).encode("utf-8")
    headers = {"Content-Type": "application/json; charset=utf-8", "Idempotency-Key": message_id}
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
