"""Choices of the initiatives app: statuses, scopes, the model lifecycle's actions."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class InitiativeStatus(models.TextChoices):
    """Where an initiative (sáng kiến) stands in its review."""

    REGISTERED = "registered", _("Registered")
    PASSED = "passed", _("Passed by the council")
    NOT_RECOGNISED = "not_recognised", _("Not recognised")
    RECOGNISED = "recognised", _("Recognised")


class RecognitionScope(models.TextChoices):
    """Scope of effect of a recognition (phạm vi ảnh hưởng): unit, province, national."""

    UNIT = "unit", _("Unit level")
    PROVINCE = "province", _("Province level")
    NATIONAL = "national", _("National level")


class ModelStatus(models.TextChoices):
    """Lifecycle of a reform model (mô hình CCHC)."""

    PILOT = "pilot", _("Pilot")
    EVALUATED = "evaluated", _("Evaluated")
    RECOGNISED = "recognised", _("Recognised")
    REPLICATED = "replicated", _("Replicated")
    REJECTED = "rejected", _("Rejected")


class ModelAction(models.TextChoices):
    EVALUATE = "evaluate", _("Record the evaluation")
    RECOGNISE = "recognise", _("Recognise")
    REPLICATE = "replicate", _("Record a replication")
    REJECT = "reject", _("Reject")


class Measure(models.TextChoices):
    """The outcomes whose change a model's effect measurement estimates."""

    ON_TIME = "on_time", _("On-time rate")
    WORKING_DAYS = "working_days", _("Average days to finish")
    SATISFACTION = "satisfaction", _("Satisfaction")
    ONLINE = "online", _("Online share")
