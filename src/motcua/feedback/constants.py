"""Choices of the feedback app (slugs in English; Vietnamese labels in the locale)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SatisfactionLevel(models.TextChoices):
    """The three levels of a per-dossier rating (DOMAIN.md §5.2)."""

    VERY_SATISFIED = "very_satisfied", _("Very satisfied")
    SATISFIED = "satisfied", _("Satisfied")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")


class EvaluationChannel(models.TextChoices):
    KIOSK = "kiosk", _("Counter kiosk")
    LINK = "link", _("Link in the return message")
    ACCOUNT = "account", _("Citizen's account")


class KioskSessionStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the citizen")
    RATED = "rated", _("Rated")
    CANCELLED = "cancelled", _("Cancelled by the officer")
    EXPIRED = "expired", _("Expired without a rating")


class FollowUpStatus(models.TextChoices):
    OPEN = "open", _("Not yet contacted")
    CONTACTED = "contacted", _("Citizen contacted")
    CLOSED = "closed", _("Closed with an outcome")


class PaknChannel(models.TextChoices):
    PORTAL = "portal", _("Portal, without an account")
    PORTAL_ACCOUNT = "portal_account", _("Portal, with an account")
    LETTER = "letter", _("Letter")
    HOTLINE = "hotline", _("Hotline call")
    COUNTER = "counter", _("At the counter")


STAFF_PAKN_CHANNELS = (PaknChannel.LETTER, PaknChannel.HOTLINE, PaknChannel.COUNTER)


class PaknKind(models.TextChoices):
    """Classification of PAKN (QĐ 766 sub-indicator 5.1)."""

    REGULATION = "regulation", _("About regulations")
    HANDLING = "handling", _("About staff conduct or the handling of a dossier")


class PaknStatus(models.TextChoices):
    RECEIVED = "received", _("Received, not yet assigned")
    ASSIGNED = "assigned", _("Assigned, being answered")
    ANSWERED = "answered", _("Answered")
    PUBLISHED = "published", _("Answer published")


class AnswerRating(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied with the answer")
    DISSATISFIED = "dissatisfied", _("Dissatisfied with the answer")


class SurveyChannel(models.TextChoices):
    ONLINE = "online", _("Online (link or QR code)")
    PAPER = "paper", _("Paper form entered by staff")


class OverallMethod(models.TextChoices):
    """How a questionnaire's overall index is formed (DOMAIN.md §6: configurable)."""

    MEAN_OF_ASPECTS = "mean_of_aspects", _("Mean of the aspect indices")
    OVERALL_ITEM = "overall_item", _("The overall satisfaction question")
