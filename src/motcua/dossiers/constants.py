"""Choices of the dossier lifecycle (DOMAIN.md §1.3–1.4)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class DossierStatus(models.TextChoices):
    AWAITING_INTAKE = "awaiting_intake", _("Awaiting intake")
    RECEIVED = "received", _("Received")
    IN_PROGRESS = "in_progress", _("In progress")
    AWAITING_SUPPLEMENT = "awaiting_supplement", _("Awaiting supplement")
    AWAITING_COORDINATION = "awaiting_coordination", _("Awaiting a coordinating agency")
    AWAITING_PAYMENT = "awaiting_payment", _("Awaiting financial obligations")
    AWAITING_SIGNATURE = "awaiting_signature", _("Awaiting signature")
    RESULT_READY = "result_ready", _("Result ready")
    RETURNED = "returned", _("Returned")
    REFUSED = "refused", _("Refused at intake")
    STOPPED = "stopped", _("Stopped at the applicant's request")
    CLOSED = "closed", _("Closed: supplement not provided")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Channel(models.TextChoices):
    COUNTER = "counter", _("At the counter")
    ONLINE = "online", _("Online")
    POST = "post", _("By post")


class ApplicantKind(models.TextChoices):
    PERSON = "person", _("Person")
    ORGANISATION = "organisation", pgettext_lazy("applicant", "Organisation")


class Decision(models.TextChoices):
    GRANTED = "granted", _("Granted")
    NOT_GRANTED = "not_granted", _("Not granted")


class Timeliness(models.TextChoices):
    EARLY = "early", _("Early")
    ON_TIME = "on_time", _("On time")
    LATE = "late", _("Late")


class ReturnMethod(models.TextChoices):
    COUNTER = "counter", _("At the counter")
    POST = "post", _("By post")
    ELECTRONIC = "electronic", _("Electronically")


class LogbookFormat(models.TextChoices):
    XLSX = "xlsx", _("Excel")
    PDF = "pdf", _("PDF")


class LogbookExportStatus(models.TextChoices):
    PENDING = "pending", _("Being prepared")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class PauseKind(models.TextChoices):
    SUPPLEMENT = "supplement", _("Supplement")
    PAYMENT = "payment", _("Financial obligations")


class CounterSlip(models.TextChoices):
    """Slips the desk issues before any dossier code exists, numbered per desk and year."""

    GUIDANCE = "guidance", _("Guidance at the counter")
    REFUSAL = "refusal", _("Refusal at the counter")


class PausePolicy(models.TextChoices):
    PAUSE = "pause", _("Pause")
    RESTART = "restart", _("Restart")


ACTIVE_STATUSES = frozenset(
    {
        DossierStatus.RECEIVED,
        DossierStatus.IN_PROGRESS,
        DossierStatus.AWAITING_SUPPLEMENT,
        DossierStatus.AWAITING_COORDINATION,
        DossierStatus.AWAITING_PAYMENT,
        DossierStatus.AWAITING_SIGNATURE,
    }
)
"""Statuses in which the dossier is being handled and its clock matters."""

FINAL_STATUSES = frozenset(
    {
        DossierStatus.RETURNED,
        DossierStatus.REFUSED,
        DossierStatus.STOPPED,
        DossierStatus.CLOSED,
        DossierStatus.WITHDRAWN,
    }
)

CLOCK_RUNNING = frozenset(
    {
        DossierStatus.RECEIVED,
        DossierStatus.IN_PROGRESS,
        DossierStatus.AWAITING_COORDINATION,
        DossierStatus.AWAITING_SIGNATURE,
    }
)
"""Statuses in which the legal clock runs (a pause stops it; intake has not started it)."""

WAITING = frozenset(
    {
        DossierStatus.AWAITING_INTAKE,
        DossierStatus.AWAITING_SUPPLEMENT,
        DossierStatus.AWAITING_PAYMENT,
        DossierStatus.AWAITING_COORDINATION,
    }
)
"""Statuses in which the desk waits on someone else: the applicant, intake or another agency."""
