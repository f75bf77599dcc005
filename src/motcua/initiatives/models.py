"""Initiatives (sáng kiến), their councils and recognitions; reform models and their replication.

An :class:`Initiative` is registered by its unit (NĐ 13/2012/NĐ-CP, DOMAIN.md
§13), reviewed by a :class:`Council` whose members each score it, and
recognised by a decision (:class:`Recognition`) with a scope of effect. A
:class:`ReformModel` (mô hình CCHC) goes pilot → evaluated → recognised →
replicated (or rejected) by the table in :mod:`motcua.initiatives.lifecycle`;
each change writes a :class:`ModelTransition`, each adoption a
:class:`Replication`. :class:`HistoricalFigure` holds monthly figures from
before the system's own rollups (imported from the old system's reports),
which the effect measurement adds to ``indices.MonthlyCount``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from motcua.initiatives.constants import (
    InitiativeStatus,
    ModelAction,
    ModelStatus,
    RecognitionScope,
)

USER = settings.AUTH_USER_MODEL


class Initiative(models.Model):
    """An initiative (sáng kiến) registered for recognition."""

    title = models.CharField(_("title"), max_length=300)
    authors = models.CharField(_("authors"), max_length=500)
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    field = models.CharField(_("field"), max_length=200, blank=True)
    problem = models.TextField(_("problem"))
    solution = models.TextField(_("solution"))
    applied_on = models.DateField(_("date applied"), null=True, blank=True)
    expected_benefits = models.TextField(_("expected benefits"), blank=True)
    measured_benefits = models.TextField(_("measured benefits"), blank=True)
    procedures = models.ManyToManyField(
        "catalog.Procedure", verbose_name=_("procedures"), blank=True, related_name="+"
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=InitiativeStatus.choices,
        default=InitiativeStatus.REGISTERED,
    )
    search_text = models.TextField(blank=True, editable=False)
    created_by = models.ForeignKey(
        USER,
        verbose_name=_("registered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("registered at"))

    class Meta:
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("initiatives:initiative_detail", args=[self.pk])


class InitiativeEvidence(models.Model):
    """An evidence file of an initiative (PDF, JPEG or PNG, checked by ``core.uploads``)."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="evidence")
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("file type"), max_length=50)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField("SHA-256", max_length=64)
    file = models.CharField(max_length=300, editable=False)
    created_at = models.DateTimeField(_("added at"))

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["initiative", "id"]

    def __str__(self) -> str:
        return self.name


class Council(models.Model):
    """An initiative council (hội đồng sáng kiến) reviewing one initiative."""

    initiative = models.OneToOneField(
        Initiative, on_delete=models.CASCADE, related_name="council", verbose_name=_("initiative")
    )
    name = models.CharField(_("name"), max_length=300)
    pass_mark = models.DecimalField(_("pass mark"), max_digits=5, decimal_places=2)
    mean_score = models.DecimalField(
        _("mean score"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    passed = models.BooleanField(_("passed"), null=True)
    opinion = models.TextField(_("council's conclusion"), blank=True)
    concluded_at = models.DateTimeField(_("concluded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("initiative council")
        verbose_name_plural = _("initiative councils")

    def __str__(self) -> str:
        return self.name


class CouncilMember(models.Model):
    """A member of a council, with their individual score (0–100) and opinion."""

    council = models.ForeignKey(
        Council, verbose_name=_("council"), on_delete=models.CASCADE, related_name="members"
    )
    user = models.ForeignKey(
        USER,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=200)
    position = models.CharField(_("position"), max_length=200, blank=True)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2, null=True, blank=True)
    opinion = models.TextField(_("opinion"), blank=True)
    scored_at = models.DateTimeField(_("scored at"), null=True, blank=True)

    class Meta:
        verbose_name = _("council member")
        verbose_name_plural = _("council members")
        ordering = ["council", "id"]

    def __str__(self) -> str:
        return self.name


class ReformModel(models.Model):
    """A reform model (mô hình CCHC): piloted, evaluated, recognised, then replicated."""

    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("originating unit"), on_delete=models.PROTECT, related_name="+"
    )
    initiative = models.ForeignKey(
        Initiative,
        verbose_name=_("initiative"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="models",
    )
    procedures = models.ManyToManyField(
        "catalog.Procedure", verbose_name=_("procedures"), blank=True, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ModelStatus.choices, default=ModelStatus.PILOT
    )
    pilot_started_on = models.DateField(_("pilot started on"))
    evaluation = models.TextField(_("evaluation"), blank=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("reform model")
        verbose_name_plural = _("reform models")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("initiatives:model_detail", args=[self.pk])


class ModelTransition(models.Model):
    """One change of a model's status: the history row of its lifecycle."""

    model = models.ForeignKey(ReformModel, on_delete=models.CASCADE, related_name="transitions")
    action = models.CharField(max_length=20, choices=ModelAction.choices)
    from_status = models.CharField(max_length=20, choices=ModelStatus.choices)
    to_status = models.CharField(max_length=20, choices=ModelStatus.choices)
    note = models.TextField(blank=True)
    actor = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["model", "at", "id"]

    def __str__(self) -> str:
        return f"{self.model_id}: {self.from_status} → {self.to_status}"


class Recognition(models.Model):
    """A recognition decision (quyết định công nhận) of an initiative or a model."""

    initiative = models.OneToOneField(
        Initiative,
        verbose_name=_("initiative"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="recognition",
    )
    model = models.OneToOneField(
        ReformModel,
        verbose_name=_("reform model"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="recognition",
    )
    decision_number = models.CharField(_("decision number"), max_length=60)
    decided_on = models.DateField(_("decision date"))
    scope = models.CharField(_("scope"), max_length=20, choices=RecognitionScope.choices)
    issued_by = models.CharField(_("issued by"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("recognition decision")
        verbose_name_plural = _("recognition decisions")
        ordering = ["-decided_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(initiative__isnull=False, model__isnull=True)
                | Q(initiative__isnull=True, model__isnull=False),
                name="initiatives_recognition_one_target",
            )
        ]

    def __str__(self) -> str:
        return self.decision_number


class Replication(models.Model):
    """A unit's adoption of a model (nhân rộng): from ``adopted_on``, with its adaptations."""

    model = models.ForeignKey(
        ReformModel,
        verbose_name=_("reform model"),
        on_delete=models.CASCADE,
        related_name="replications",
    )
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("adopting unit"), on_delete=models.PROTECT, related_name="+"
    )
    adopted_on = models.DateField(_("adopted on"))
    adaptation_notes = models.TextField(_("adaptation notes"), blank=True)
    recorded_by = models.ForeignKey(
        USER,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("replication")
        verbose_name_plural = _("replications")
        ordering = ["model", "adopted_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["model", "unit"], name="initiatives_replication_once")
        ]

    def __str__(self) -> str:
        return f"{self.model_id} @ {self.unit_id}"


class HistoricalFigure(models.Model):
    """Monthly figures of one agency and procedure from before the system's rollups.

    Imported from the old system's reports; the effect measurement adds them
    to ``indices.MonthlyCount`` (which ``indices_rollups --rebuild`` rewrites
    from the dossiers, and never touches this table).
    """

    agency = models.ForeignKey(
        "org.Unit", verbose_name=_("agency"), on_delete=models.CASCADE, related_name="+"
    )
    procedure = models.ForeignKey(
        "catalog.Procedure",
        verbose_name=_("procedure"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    received = models.IntegerField(_("received"), default=0)
    received_online = models.IntegerField(_("received online"), default=0)
    finished = models.IntegerField(_("finished"), default=0)
    finished_on_time = models.IntegerField(_("finished on time"), default=0)
    handling_days = models.DecimalField(
        _("days to finish (sum)"), max_digits=12, decimal_places=2, default=0
    )
    rated = models.IntegerField(_("ratings"), default=0)
    rated_satisfied = models.IntegerField(_("satisfied ratings"), default=0)
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("historical figure")
        verbose_name_plural = _("historical figures")
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "procedure", "year", "month"],
                name="initiatives_history_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.procedure_id} {self.year}-{self.month:02d}"
