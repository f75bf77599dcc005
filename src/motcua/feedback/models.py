"""What citizens tell the office: ratings of returned dossiers, PAKN, survey answers.

Rules live in :mod:`motcua.feedback.services`; the rules that law may change
(the nine indicators and their bands, the follow-up deadline, the survey
questionnaire) are rows with an effective date, never constants.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.core.models import TimeStampedModel
from motcua.feedback.constants import (
    AnswerRating,
    EvaluationChannel,
    FollowUpStatus,
    KioskSessionStatus,
    OverallMethod,
    PaknChannel,
    PaknKind,
    PaknStatus,
    SatisfactionLevel,
    SurveyChannel,
)

USER = settings.AUTH_USER_MODEL


class EvaluationScheme(models.Model):
    """The nine quality indicators and their bands, from an effective date (DOMAIN.md §5.2).

    ``indicators`` is the list of the indicators' names (each scored 0–2);
    ``bands`` a list of ``{"min": points, "label": "Tốt"}`` from the highest
    threshold down, the first whose ``min`` the total reaches naming the
    band. ``low_score`` is the indicator score at or below which a
    follow-up opens; ``follow_up_days`` the director's deadline in working days.
    """

    name = models.CharField(_("name"), max_length=200)
    effective_from = models.DateField(_("effective from"), unique=True)
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    indicators: models.JSONField[Any, Any] = models.JSONField(_("indicators"))
    bands: models.JSONField[Any, Any] = models.JSONField(_("bands"))
    low_score = models.PositiveSmallIntegerField(_("low indicator score"), default=0)
    follow_up_days = models.PositiveSmallIntegerField(
        _("follow-up deadline (working days)"), default=3
    )

    class Meta:
        verbose_name = _("evaluation scheme")
        verbose_name_plural = _("evaluation schemes")
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return f"{self.name} ({self.effective_from:%d/%m/%Y})"

    def band_for(self, total: int) -> str:
        """Return the label of the band ``total`` points fall in."""
        for band in sorted(self.bands, key=lambda b: -int(b["min"])):
            if total >= int(band["min"]):
                return str(band["label"])
        return ""


class Evaluation(models.Model):
    """The applicant's rating of a returned dossier (đánh giá giải quyết TTHC): one per dossier.

    The attribution (agency, desk, procedure, intake officer, who returned
    it and the step handlers) is copied at rating time, so the figures can
    be cut every way without reading the dossier tables.
    """

    dossier = models.OneToOneField(
        "dossiers.Dossier",
        verbose_name=_("dossier"),
        on_delete=models.PROTECT,
        related_name="evaluation",
    )
    scheme = models.ForeignKey(EvaluationScheme, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(_("channel"), max_length=20, choices=EvaluationChannel.choices)
    level = models.CharField(_("satisfaction"), max_length=20, choices=SatisfactionLevel.choices)
    total = models.PositiveSmallIntegerField(_("points"), null=True, blank=True)
    band = models.CharField(_("band"), max_length=60, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    submitted_at = models.DateTimeField(_("rated at"), db_index=True)
    agency = models.ForeignKey(
        "org.Unit", verbose_name=_("handling agency"), on_delete=models.PROTECT, related_name="+"
    )
    receiving_unit = models.ForeignKey(
        "org.Unit", verbose_name=_("receiving unit"), on_delete=models.PROTECT, related_name="+"
    )
    procedure = models.ForeignKey(
        "catalog.Procedure", verbose_name=_("procedure"), on_delete=models.PROTECT, related_name="+"
    )
    intake_officer = models.ForeignKey(
        USER,
        verbose_name=_("intake officer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    returned_by = models.ForeignKey(
        USER,
        verbose_name=_("returned by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    handlers: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        USER, verbose_name=_("step handlers"), blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("dossier rating")
        verbose_name_plural = _("dossier ratings")
        ordering = ["-submitted_at", "-id"]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.get_level_display()}"


class IndicatorScore(models.Model):
    """One of the nine indicators of an evaluation, 0–2 points."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="scores")
    number = models.PositiveSmallIntegerField(_("indicator"))
    score = models.PositiveSmallIntegerField(_("points"))

    class Meta:
        verbose_name = _("indicator score")
        verbose_name_plural = _("indicator scores")
        ordering = ["evaluation", "number"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "number"], name="feedback_score_unique"),
            models.CheckConstraint(condition=Q(score__lte=2), name="feedback_score_0_2"),
        ]

    def __str__(self) -> str:
        return f"{self.number}: {self.score}"


class RatingInvite(models.Model):
    """The signed, expiring, single-use rating link sent with the return message."""

    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.CASCADE, related_name="+", db_index=True
    )
    nonce = models.CharField(max_length=40)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("rating link")
        verbose_name_plural = _("rating links")

    def __str__(self) -> str:
        return f"{self.dossier_id} → {self.expires_at:%d/%m/%Y}"


class Kiosk(TimeStampedModel):
    """A tablet at a counter, facing the citizen (máy đánh giá tại quầy).

    The tablet is paired once with a short-lived code; it then holds a
    secret in a cookie, of which only the hash is stored. Only officers of
    the kiosk's desk can send it a dossier.
    """

    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("desk"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("e.g. “Counter 3”."))
    secret_hash = models.CharField(max_length=64, blank=True, editable=False)
    pairing_code = models.CharField(max_length=12, blank=True, editable=False)
    pairing_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    paired_at = models.DateTimeField(_("paired at"), null=True, blank=True, editable=False)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("counter kiosk")
        verbose_name_plural = _("counter kiosks")
        ordering = ["unit", "name"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "name"], name="feedback_kiosk_unit_name")
        ]

    def __str__(self) -> str:
        return f"{self.name} — {self.unit}"


class KioskSession(models.Model):
    """A dossier sent by an officer to a kiosk, waiting for the citizen's taps."""

    kiosk = models.ForeignKey(Kiosk, on_delete=models.CASCADE, related_name="sessions")
    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.CASCADE, related_name="+")
    sent_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=KioskSessionStatus.choices)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("kiosk session")
        verbose_name_plural = _("kiosk sessions")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kiosk"],
                condition=Q(status="pending"),
                name="feedback_kiosk_one_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kiosk_id}: {self.dossier_id} ({self.status})"


class FollowUp(models.Model):
    """The director's follow-up of an unhappy rating: contact the citizen, record the outcome."""

    evaluation = models.OneToOneField(
        Evaluation, on_delete=models.PROTECT, related_name="follow_up"
    )
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=300)
    status = models.CharField(
        _("status"), max_length=20, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN
    )
    opened_at = models.DateTimeField(_("opened at"))
    due_at = models.DateTimeField(_("due"), db_index=True)
    contacted_at = models.DateTimeField(_("contacted at"), null=True, blank=True)
    contact_note = models.TextField(_("contact"), blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    handled_by = models.ForeignKey(
        USER,
        verbose_name=_("handled by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    overdue_alerted = models.BooleanField(default=False, editable=False)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["due_at", "id"]

    def __str__(self) -> str:
        return f"{self.evaluation_id}: {self.get_status_display()}"


class Pakn(TimeStampedModel):
    """Citizen feedback or a recommendation (phản ánh, kiến nghị — PAKN)."""

    code = models.CharField(_("code"), max_length=30, unique=True, null=True, blank=True)
    channel = models.CharField(_("received through"), max_length=20, choices=PaknChannel.choices)
    status = models.CharField(_("status"), max_length=20, choices=PaknStatus.choices)
    kind = models.CharField(
        _("classification"), max_length=20, choices=PaknKind.choices, blank=True
    )
    title = models.CharField(_("subject"), max_length=200)
    content = models.TextField(_("content"))
    sender_name = models.CharField(_("sender"), max_length=200)
    sender_phone = models.CharField(_("phone"), max_length=20, blank=True)
    sender_email = models.EmailField(_("e-mail"), blank=True)
    sender_address = models.CharField(_("address"), max_length=300, blank=True)
    consent_publish = models.BooleanField(_("agrees to publication"), default=False)
    citizen = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    dossier = models.ForeignKey(
        "dossiers.Dossier",
        verbose_name=_("dossier"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    received_at = models.DateTimeField(_("received at"), db_index=True)
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    due_at = models.DateTimeField(_("answer due"), null=True, blank=True, db_index=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    answer_rating = models.CharField(
        _("answer rating"), max_length=20, choices=AnswerRating.choices, blank=True
    )
    answer_rated_at = models.DateTimeField(null=True, blank=True)
    access_nonce = models.CharField(max_length=40, editable=False)
    overdue_alerted = models.BooleanField(default=False, editable=False)

    class Meta:
        verbose_name = _("citizen feedback (PAKN)")
        verbose_name_plural = _("citizen feedback (PAKN)")
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return self.code or f"#{self.pk}"

    @property
    def on_time(self) -> bool | None:
        """Answered by the due instant (None while unanswered and not yet due)."""
        if self.due_at is None:
            return None
        if self.answered_at is not None:
            return self.answered_at <= self.due_at
        return None


class Questionnaire(models.Model):
    """A versioned survey questionnaire (SIPAS-style, DOMAIN.md §6), kept as data.

    ``definition``: ``scale`` (the five labels, 1 … 5), ``satisfied`` (the
    levels that count as satisfied, e.g. ``[4, 5]``), ``aspects`` (each
    ``{"key", "name", "criteria": [names]}``, one satisfaction question
    per aspect), ``overall`` (the text of an overall satisfaction question)
    and ``expectations`` (``{"question", "options": [..], "max": 3}``).
    A version is never changed once a campaign uses it: make a new one.
    """

    code = models.SlugField(_("code"), max_length=40)
    version = models.PositiveSmallIntegerField(_("version"))
    name = models.CharField(_("name"), max_length=200)
    effective_from = models.DateField(_("effective from"))
    definition: models.JSONField[Any, Any] = models.JSONField(_("definition"))
    overall_method = models.CharField(
        _("overall index"),
        max_length=20,
        choices=OverallMethod.choices,
        default=OverallMethod.MEAN_OF_ASPECTS,
    )

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "version"], name="feedback_questionnaire_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"

    @property
    def aspects(self) -> list[dict[str, Any]]:
        return list(self.definition.get("aspects", []))


class SurveyCampaign(TimeStampedModel):
    """A survey of one unit over one period, with the sample it aims for."""

    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    questionnaire = models.ForeignKey(
        Questionnaire,
        verbose_name=_("questionnaire"),
        on_delete=models.PROTECT,
        related_name="campaigns",
    )
    name = models.CharField(_("name"), max_length=200)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    sample_target = models.PositiveIntegerField(_("sample target"))
    slug = models.CharField(max_length=40, unique=True, editable=False)
    created_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("survey campaign")
        verbose_name_plural = _("survey campaigns")
        ordering = ["-starts_on", "-id"]

    def __str__(self) -> str:
        return self.name


class SurveyResponse(models.Model):
    """One respondent's answers: ``aspects`` maps aspect key → level 1–5 (or null)."""

    campaign = models.ForeignKey(SurveyCampaign, on_delete=models.CASCADE, related_name="responses")
    channel = models.CharField(_("channel"), max_length=20, choices=SurveyChannel.choices)
    device_hash = models.CharField(max_length=64, null=True, blank=True, editable=False)
    answers: models.JSONField[Any, Any] = models.JSONField(_("answers"))
    submitted_at = models.DateTimeField(_("submitted at"))
    entered_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    paper_number = models.CharField(_("paper form number"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        ordering = ["campaign", "submitted_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "device_hash"],
                condition=Q(device_hash__isnull=False),
                name="feedback_one_answer_per_device",
            ),
            models.UniqueConstraint(
                fields=["campaign", "paper_number"],
                condition=~Q(paper_number=""),
                name="feedback_paper_number_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}: {self.pk}"


class PaknAttachment(models.Model):
    """A file sent with a PAKN (PDF, JPEG or PNG, checked by ``core.uploads``)."""

    pakn = models.ForeignKey(Pakn, on_delete=models.CASCADE, related_name="attachments")
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    file = models.CharField(max_length=300, editable=False)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["pakn", "id"]

    def __str__(self) -> str:
        return self.name
