"""Service-quality index definitions, entered inputs, rollups and external indices.

The QĐ 766 index is data (DOMAIN.md §5): an :class:`IndexVersion` with an
effective date holds its groups and sub-indicators, each with its maximum,
its named numerator/denominator query (``indices.queries``), its target
and its scoring rule; :class:`RatingBand` rows name the bands. Inputs the
system cannot see are :class:`EnteredFigure` rows with their evidence.

Aggregates come from :class:`DailyCount` (agency × day),
:class:`MonthlyCount` (agency × procedure × month), :class:`StepMonthlyCount`
(unit × role × month: steps) and :class:`RatingMonthlyCount` (agency ×
month: citizens' ratings), kept
current from the dossiers' history by ``indices.rollups`` with the progress
recorded in :class:`FillState`; :class:`DossierFact` keeps the figures each
dossier contributed, so a change subtracts the old contribution exactly.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.indices.constants import ExternalIndex, IndicatorSource, Scoring


class IndexVersion(models.Model):
    """One edition of an index's formula document, in force from ``effective_from``."""

    code = models.CharField(_("index"), max_length=30, default="qd766")
    name = models.CharField(_("name"), max_length=200)
    effective_from = models.DateField(_("in force from"))
    legal_basis = models.CharField(_("legal basis"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("index version")
        verbose_name_plural = _("index versions")
        ordering = ["code", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "effective_from"], name="indices_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.effective_from:%d/%m/%Y})"


class RatingBand(models.Model):
    """A rating given to a total of at least ``min_score`` (highest band first)."""

    version = models.ForeignKey(IndexVersion, on_delete=models.CASCADE, related_name="bands")
    label = models.CharField(_("rating"), max_length=60)
    min_score = models.DecimalField(_("from (points)"), max_digits=6, decimal_places=2)

    class Meta:
        verbose_name = _("rating band")
        verbose_name_plural = _("rating bands")
        ordering = ["version", "-min_score"]

    def __str__(self) -> str:
        return f"{self.label} ≥ {self.min_score}"


class IndicatorGroup(models.Model):
    """A group of the index (nhóm chỉ số), worth ``max_points``."""

    version = models.ForeignKey(IndexVersion, on_delete=models.CASCADE, related_name="groups")
    number = models.PositiveSmallIntegerField(_("group number"))
    name = models.CharField(_("name"), max_length=200)
    max_points = models.DecimalField(_("maximum points"), max_digits=6, decimal_places=2)

    class Meta:
        verbose_name = _("indicator group")
        verbose_name_plural = _("indicator groups")
        ordering = ["version", "number"]
        constraints = [
            models.UniqueConstraint(fields=["version", "number"], name="indices_group_unique")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class Indicator(models.Model):
    """A sub-indicator (chỉ số thành phần): R = numerator / denominator, scored into points."""

    group = models.ForeignKey(
        IndicatorGroup,
        on_delete=models.CASCADE,
        related_name="indicators",
        verbose_name=_("indicator group"),
    )
    code = models.CharField(_("code"), max_length=10, help_text=_("For example 2.1."))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("name"), max_length=300)
    max_points = models.DecimalField(_("maximum points"), max_digits=6, decimal_places=2)
    source = models.CharField(
        _("source"),
        max_length=20,
        choices=IndicatorSource.choices,
        default=IndicatorSource.COMPUTED,
    )
    query = models.CharField(
        _("named query"),
        max_length=60,
        blank=True,
        help_text=_("The numerator and denominator query (indices.queries) of a computed figure."),
    )
    target = models.DecimalField(
        _("target ratio"),
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("Between 0 and 1; empty when the indicator has no target."),
    )
    scoring = models.CharField(
        _("scoring rule"), max_length=20, choices=Scoring.choices, default=Scoring.PROPORTIONAL
    )
    numerator_label = models.CharField(_("numerator"), max_length=300, blank=True)
    denominator_label = models.CharField(_("denominator"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("sub-indicator")
        verbose_name_plural = _("sub-indicators")
        ordering = ["group", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["group", "code"], name="indices_indicator_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class EnteredFigure(models.Model):
    """A figure the system cannot see, entered by an administrator with its evidence.

    Keyed by the indicator's code (not its row), so an entry survives a new
    version of the formula document; ``period`` is ``2026``, ``2026-Q3`` or
    ``2026-07`` and only that exact period uses it.
    """

    indicator_code = models.CharField(_("sub-indicator"), max_length=10)
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    period = models.CharField(_("period"), max_length=7)
    numerator = models.DecimalField(_("numerator"), max_digits=14, decimal_places=2)
    denominator = models.DecimalField(_("denominator"), max_digits=14, decimal_places=2)
    evidence = models.TextField(_("evidence"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_at = models.DateTimeField(_("entered at"))

    class Meta:
        verbose_name = _("entered figure")
        verbose_name_plural = _("entered figures")
        ordering = ["-entered_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator_code", "unit", "period"], name="indices_entered_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator_code} {self.unit_id} {self.period}"


class DossierFact(models.Model):
    """What one dossier contributes to the rollups, as last counted.

    Written only by ``indices.rollups``; ``pending`` dossiers (being handled)
    are counted from here, since whether they are overdue depends on the
    moment of looking, not on an event.
    """

    # No database constraints on the facts' keys: the facts are derived from the
    # dossier table and rewritten whole by the rebuild, where PostgreSQL's deferred
    # checks of millions of keys took most of the COMMIT (docs/performance.md).
    # Deleting a dossier still deletes its fact (Django's cascade).
    dossier = models.OneToOneField(
        "dossiers.Dossier",
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
    )
    agency = models.ForeignKey(
        "org.Unit", on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    procedure = models.ForeignKey(
        "catalog.Procedure",
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    online = models.BooleanField(default=False)
    fully_online_eligible = models.BooleanField(default=False)
    received_day = models.DateField(null=True)
    finished_day = models.DateField(null=True)
    returned_day = models.DateField(null=True)
    timeliness = models.CharField(max_length=20, blank=True)
    handling_seconds = models.BigIntegerField(default=0)
    pending = models.BooleanField(default=False)
    clock_running = models.BooleanField(default=False)
    due_at = models.DateTimeField(null=True)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )

    class Meta:
        indexes = [
            models.Index(fields=["agency", "received_day"], name="indices_fact_received_idx"),
            models.Index(fields=["agency", "finished_day"], name="indices_fact_finished_idx"),
            # Covers the counts of dossiers being handled (an index-only scan on
            # PostgreSQL once vacuumed): no heap page per pending dossier.
            models.Index(
                fields=["agency", "received_day", "due_at"],
                include=["clock_running", "handler"],
                name="indices_fact_pending_idx",
                condition=models.Q(pending=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}"


class DossierCounts(models.Model):
    """The counters every dossier rollup keeps (received, finished, on time …)."""

    received = models.IntegerField(default=0)
    received_online = models.IntegerField(default=0)
    received_eligible = models.IntegerField(default=0)
    received_eligible_online = models.IntegerField(default=0)
    finished = models.IntegerField(default=0)
    finished_on_time = models.IntegerField(default=0)
    finished_late = models.IntegerField(default=0)
    returned = models.IntegerField(default=0)
    handling_seconds = models.BigIntegerField(default=0)

    class Meta:
        abstract = True


COUNTED = [field.name for field in DossierCounts._meta.local_fields]
"""The counters' names, in order (the covering indexes include them)."""


class DailyCount(DossierCounts):
    """Counts of one agency's dossiers on one local day (the day's tiles)."""

    agency = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "day"], name="indices_daily_unique")
        ]
        indexes = [models.Index(fields=["day"], name="indices_daily_day_idx")]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.day}"


class MonthlyCount(DossierCounts):
    """Counts of one agency's dossiers of one procedure in one month (periods, trends, reports)."""

    agency = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="+")
    procedure = models.ForeignKey(
        "catalog.Procedure", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "procedure", "year", "month"], name="indices_monthly_unique"
            )
        ]
        indexes = [
            # Covers the pages' reads of a span of months (trends, rankings, the index):
            # an index-only scan once vacuumed, no table page per row.
            models.Index(
                fields=["year", "month", "agency"],
                include=["procedure", *COUNTED],
                name="indices_monthly_cover_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.procedure_id} {self.year}-{self.month:02d}"


class AgencyMonthlyCount(DossierCounts):
    """Counts of one agency's dossiers in one month, all procedures together.

    The sums of :class:`MonthlyCount` over the procedures, kept as their own rows
    because the pages read months of a whole province: trends, units, the index
    and the reports read 500 rows a month here instead of one per procedure.
    """

    agency = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "year", "month"], name="indices_agency_monthly_unique"
            )
        ]
        indexes = [
            models.Index(
                fields=["year", "month", "agency"],
                include=COUNTED,
                name="indices_agency_month_cover_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.year}-{self.month:02d}"


COUNT_FIELDS = tuple(COUNTED)


class StepFact(models.Model):
    """What one finished step contributes to :class:`StepMonthlyCount`, as last counted.

    Only steps judged early, on time or late (handed over or signed) have a
    fact; a step closed because its dossier ended early does not.
    ``working_days`` is the working time inside the sessions of the step
    unit's calendar from its start to its hand-over, in working days of that
    schedule; ``None`` when the calendar of those years is not confirmed.
    """

    # No database constraints on the keys, as for DossierFact.
    step = models.OneToOneField(
        "dossiers.DossierStep",
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
    )
    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    unit = models.ForeignKey(
        "org.Unit", on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    role = models.ForeignKey(
        "org.Role", on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    finished_day = models.DateField()
    late = models.BooleanField(default=False)
    working_days = models.DecimalField(max_digits=12, decimal_places=3, null=True)

    def __str__(self) -> str:
        return f"{self.step_id}"


class StepMonthlyCount(models.Model):
    """Steps finished by one unit in one role in one month: the slowest steps."""

    unit = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="+")
    role = models.ForeignKey("org.Role", on_delete=models.CASCADE, related_name="+", db_index=False)
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    finished = models.IntegerField(default=0)
    late = models.IntegerField(default=0)
    measured = models.IntegerField(default=0)
    """Steps whose working time is known (their calendar years are confirmed)."""
    working_days = models.DecimalField(max_digits=16, decimal_places=3, default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "role", "year", "month"], name="indices_step_monthly_unique"
            )
        ]
        indexes = [
            models.Index(
                fields=["year", "month", "unit"],
                include=["role", "finished", "late", "measured", "working_days"],
                name="indices_step_cover_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.role_id} {self.year}-{self.month:02d}"


STEP_COUNT_FIELDS = ("finished", "late", "measured", "working_days")


class RatingMonthlyCount(models.Model):
    """Citizens' ratings of one agency's dossiers given in one month, by level.

    Read from the feedback app's ``Evaluation`` rows (one per dossier, never
    changed once given) after the id recorded in :class:`FillState`.
    """

    agency = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    very_satisfied = models.IntegerField(default=0)
    satisfied = models.IntegerField(default=0)
    dissatisfied = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "year", "month"], name="indices_rating_monthly_unique"
            )
        ]
        indexes = [
            models.Index(
                fields=["year", "month", "agency"],
                include=["very_satisfied", "satisfied", "dissatisfied"],
                name="indices_rating_cover_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.year}-{self.month:02d}"

    @property
    def total(self) -> int:
        return self.very_satisfied + self.satisfied + self.dissatisfied


RATING_COUNT_FIELDS = ("very_satisfied", "satisfied", "dissatisfied")


class FillState(models.Model):
    """How far a rollup has read the dossiers' history (Zulip's analytics FillState)."""

    name = models.CharField(max_length=40, unique=True)
    last_event_id = models.BigIntegerField(default=0)
    filled_at = models.DateTimeField(null=True)
    rebuilt_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"{self.name}: {self.last_event_id}"


class ExternalResult(models.Model):
    """A published result of an external index for one unit and year (PAR INDEX, SIPAS…)."""

    index = models.CharField(_("index"), max_length=20, choices=ExternalIndex.choices)
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    component = models.CharField(
        _("component"),
        max_length=200,
        blank=True,
        help_text=_("Empty for the overall score; else the dimension, sub-index or area."),
    )
    score = models.DecimalField(_("score"), max_digits=8, decimal_places=2)
    rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    imported_at = models.DateTimeField(_("imported at"))

    class Meta:
        verbose_name = _("external index result")
        verbose_name_plural = _("external index results")
        ordering = ["index", "unit", "year", "component"]
        constraints = [
            models.UniqueConstraint(
                fields=["index", "unit", "year", "component"], name="indices_external_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.index} {self.unit_id} {self.year} {self.component}: {self.score}"
