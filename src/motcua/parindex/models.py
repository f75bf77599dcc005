"""PAR INDEX (Chỉ số cải cách hành chính) definitions and self-assessments.

A :class:`Definition` is the index a province (``issuer``; empty for the
whole deployment) issues for one year and one level (DOMAIN.md §7): areas (lĩnh vực) → criteria (tiêu chí) → sub-criteria
(tiêu chí thành phần), each sub-criterion with its maximum points, scoring
guide, evidence required and, optionally, the code of an automatic rule
(:mod:`motcua.parindex.rules`). Points live on sub-criteria only; an area's
or criterion's maximum is the sum below it. The survey component (điều tra
xã hội học) has its own maximum and is entered by the reviewing body.

An :class:`Assessment` is one unit's self-assessment for a definition:
draft → submitted (the self-scores are locked) → appraised (the reviewing
body's scores are final). Only :mod:`motcua.parindex.services` writes them.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    PROVINCE = "province", _("Province level (departments and agencies)")
    COMMUNE = "commune", _("Commune level")


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPRAISED = "appraised", _("Appraised")


class Definition(models.Model):
    """A PAR INDEX (bộ chỉ số CCHC) for one year and level."""

    year = models.PositiveSmallIntegerField(_("year"))
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    issuer = models.ForeignKey(
        "org.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by"),
        help_text=_("The province that issued it; empty: every unit of this deployment."),
    )
    name = models.CharField(_("name"), max_length=300)
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    survey_max_points = models.DecimalField(
        _("survey component, maximum points"), default=Decimal(0), max_digits=6, decimal_places=2
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("PAR INDEX definition")
        verbose_name_plural = _("PAR INDEX definitions")
        ordering = ["-year", "level"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "year", "level"], name="parindex_definition_issuer_year_level"
            ),
            models.UniqueConstraint(
                fields=["year", "level"],
                condition=models.Q(issuer__isnull=True),
                name="parindex_definition_year_level",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.year})"


class Area(models.Model):
    """An area (lĩnh vực) of a definition."""

    definition = models.ForeignKey(
        Definition,
        on_delete=models.CASCADE,
        related_name="areas",
        verbose_name=_("index definition"),
    )
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=500)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["definition", "order"]
        constraints = [
            models.UniqueConstraint(fields=["definition", "code"], name="parindex_area_code")
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.name}"


class Criterion(models.Model):
    """A criterion (tiêu chí) of an area."""

    area = models.ForeignKey(
        Area, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("area")
    )
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=500)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["area", "order"]

    def __str__(self) -> str:
        return f"{self.code}. {self.name}"


class SubCriterion(models.Model):
    """A sub-criterion (tiêu chí thành phần): what is scored."""

    criterion = models.ForeignKey(
        Criterion,
        on_delete=models.CASCADE,
        related_name="sub_criteria",
        verbose_name=_("criterion"),
    )
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=500)
    max_points = models.DecimalField(_("maximum points"), max_digits=6, decimal_places=2)
    scoring_guide = models.TextField(_("scoring guide"), blank=True)
    evidence_required = models.TextField(_("evidence required"), blank=True)
    rule_code = models.CharField(_("automatic rule"), max_length=60, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("sub-criterion")
        verbose_name_plural = _("sub-criteria")
        ordering = ["criterion", "order"]

    def __str__(self) -> str:
        return f"{self.code}. {self.name}"


class Assessment(models.Model):
    """A unit's self-assessment (tự đánh giá) against one definition, then its appraisal."""

    unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    definition = models.ForeignKey(
        Definition,
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("index definition"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=AssessmentStatus.choices, default="draft"
    )
    survey_points = models.DecimalField(
        _("survey component points"), null=True, blank=True, max_digits=6, decimal_places=2
    )
    created_at = models.DateTimeField(_("created at"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    appraised_at = models.DateTimeField(_("appraised at"), null=True, blank=True)
    appraised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("appraised by"),
    )

    class Meta:
        verbose_name = _("self-assessment")
        verbose_name_plural = _("self-assessments")
        ordering = ["-definition__year", "unit__name"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "definition"], name="parindex_assessment_unit")
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.definition}"


class Score(models.Model):
    """The self-score and the appraisal score of one sub-criterion of an assessment.

    For a sub-criterion with an automatic rule, ``calculation`` and
    ``evidence_links`` record how the self-score was computed.
    """

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="scores", verbose_name=_("assessment")
    )
    sub_criterion = models.ForeignKey(
        SubCriterion, on_delete=models.PROTECT, related_name="+", verbose_name=_("sub-criterion")
    )
    self_points = models.DecimalField(
        _("self-score"), null=True, blank=True, max_digits=6, decimal_places=2
    )
    self_note = models.TextField(_("explanation"), blank=True)
    automatic = models.BooleanField(_("scored automatically"), default=False)
    calculation = models.TextField(_("calculation"), blank=True)
    evidence_links = models.JSONField(_("evidence links"), default=list, blank=True)
    appraisal_points = models.DecimalField(
        _("appraisal score"), null=True, blank=True, max_digits=6, decimal_places=2
    )
    appraisal_note = models.TextField(_("appraisal note"), blank=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "sub_criterion"], name="parindex_score_sub"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id} · {self.sub_criterion_id}"


class Evidence(models.Model):
    """An evidence file (tài liệu kiểm chứng) of a score, checked by core.uploads."""

    score = models.ForeignKey(
        Score, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("score")
    )
    name = models.CharField(_("name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=60)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    file = models.CharField(_("stored file"), max_length=300)
    created_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.name


class AssessmentEvent(models.Model):
    """One history row per change of an assessment (its audit record vouches for it)."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="events", verbose_name=_("assessment")
    )
    action = models.CharField(_("action"), max_length=40)
    from_status = models.CharField(_("from"), max_length=20, blank=True)
    to_status = models.CharField(_("to"), max_length=20)
    actor_repr = models.CharField(_("actor"), max_length=150)
    at = models.DateTimeField(_("at"))
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("assessment event")
        verbose_name_plural = _("assessment events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.assessment_id} {self.action}"
