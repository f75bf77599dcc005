"""Base models and the append-only, hash-chained audit log."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    """Abstract base with creation and last-change instants."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class AuditEvent(models.Model):
    """One audit record (nhật ký kiểm tra), never changed once written.

    Records form chains, one per ``stream`` (usually one object, such as
    ``org.unit:12``): ``seq`` counts from 1 and each ``hash`` is a keyed
    hash (HMAC-SHA256, under the key ``key_id`` names, kept out of the
    database) of the record's content and the previous record's hash, so an
    edited, inserted, deleted or reordered record breaks
    :func:`motcua.core.audit.audit_verify` even when whoever changed it
    recomputed hashes. One chain per object rather than one global chain
    keeps a single hot row from serialising every write in the system
    (ADR 0002; ADR 0005 for the key, the checkpoints and the trigger).
    The actor is protected: a user who acted is deactivated, not deleted.
    """

    at = models.DateTimeField(_("at"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_repr = models.CharField(_("actor name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=80)
    stream = models.CharField(_("stream"), max_length=120)
    seq = models.PositiveIntegerField(_("sequence"))
    object_type = models.CharField(_("object type"), max_length=60, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    data: models.JSONField[Any, Any] = models.JSONField(_("data"), default=dict, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64, blank=True)
    hash = models.CharField(_("hash"), max_length=64)
    key_id = models.CharField(_("sealing key"), max_length=16, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["stream", "seq"], name="core_audit_stream_seq_unique"),
        ]
        indexes = [models.Index(fields=["object_type", "object_id"], name="core_audit_object_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.stream}#{self.seq}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise RuntimeError("Audit events are append-only.")


class NotificationChannel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")


class NotificationStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed (gave up)")


class Notification(models.Model):
    """One message in the outbox, written in the transaction of its event.

    It is delivered after the commit by the background worker, retried with
    backoff when a channel fails; a failure never touches the event that
    caused it. ``message_id`` goes with every attempt (SMS gateway, e-mail
    headers) so that a receiver can drop a repeat.
    """

    # No index: nothing looks a message up by it (ADR 0004: every index is
    # paid on each intake); a version 4 UUID is unique without one.
    message_id = models.UUIDField(_("message id"), default=uuid.uuid4, editable=False)
    event = models.CharField(_("event"), max_length=60)
    channel = models.CharField(_("channel"), max_length=10, choices=NotificationChannel.choices)
    recipient = models.CharField(_("recipient"), max_length=254)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("message"))
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=NotificationStatus.choices,
        default=NotificationStatus.PENDING,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="core_notification_due_idx")
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.recipient}"


class CacheEntry(models.Model):
    """A row of the shared database cache (see :mod:`motcua.core.sharedcache`).

    Django's database cache reads and writes this table with its own SQL;
    the model exists so that ``migrate`` creates the table (Django's
    ``createcachetable`` is a separate command that deployments forget) and
    so that test databases empty it between tests.
    """

    cache_key = models.CharField(max_length=255, primary_key=True)
    value = models.TextField()
    expires = models.DateTimeField(db_index=True)

    class Meta:
        db_table = "motcua_cache"
        verbose_name = _("cache entry")
        verbose_name_plural = _("cache entries")

    def __str__(self) -> str:
        return self.cache_key
