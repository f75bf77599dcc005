"""Communication plans (kế hoạch tuyên truyền CCHC) and reform content.

A unit has one plan a year; a plan lists activities, each in one form or
channel and on one topic (both rows, so a province edits the lists), due in
a month, a quarter or the whole year, with a target quantity. Progress
reports add quantities done and reach (people, views, broadcasts) with
evidence files. An activity's state is computed, never stored: see
:func:`motcua.outreach.selectors.activity_state`. Articles, leaflets,
posters and broadcast scripts name the activity they serve, so their
reach flows into the plan's reports.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.core.models import TimeStampedModel
from motcua.outreach.constants import MaterialKind, PeriodKind, PlanStatus

USER = settings.AUTH_USER_MODEL


class Channel(models.Model):
    """A form or channel of communication (hình thức tuyên truyền), DOMAIN.md §13."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("communication form")
        verbose_name_plural = _("communication forms")

    def __str__(self) -> str:
        return self.name


class Topic(models.Model):
    """A topic of communication (nội dung tuyên truyền), also an article's category."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("communication topic")
        verbose_name_plural = _("communication topics")

    def __str__(self) -> str:
        return self.name


class Plan(TimeStampedModel):
    """A unit's yearly communication plan (kế hoạch tuyên truyền CCHC năm …)."""

    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="outreach_plans"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=300)
    number = models.CharField(_("document number"), max_length=60, blank=True)
    objectives = models.TextField(_("objectives"), blank=True)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    issued_on = models.DateField(_("issue date"), null=True, blank=True)
    created_by = models.ForeignKey(
        USER, verbose_name=_("created by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-year", "unit__name"]
        verbose_name = _("communication plan")
        verbose_name_plural = _("communication plans")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year"], name="outreach_one_plan_per_unit_year"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(issued_on__isnull=False),
                name="outreach_issued_plan_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Activity(TimeStampedModel):
    """One activity of a plan: what, in which form, on which topic, by whom, when, how much."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="activities"
    )
    title = models.CharField(_("activity"), max_length=300)
    channel = models.ForeignKey(
        Channel, verbose_name=_("form"), on_delete=models.PROTECT, related_name="activities"
    )
    topic = models.ForeignKey(
        Topic, verbose_name=_("topic"), on_delete=models.PROTECT, related_name="activities"
    )
    owner_unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("owner unit"),
        on_delete=models.PROTECT,
        related_name="outreach_activities",
    )
    co_owner_units = models.ManyToManyField(
        "org.Unit", verbose_name=_("co-owner units"), blank=True, related_name="+"
    )
    period_kind = models.CharField(
        _("due in"), max_length=10, choices=PeriodKind.choices, default=PeriodKind.MONTH
    )
    period = models.PositiveSmallIntegerField(
        _("month or quarter"), default=0, help_text=_("1–12 for a month, 1–4 for a quarter.")
    )
    due_on = models.DateField(_("due date"), editable=False)
    target_quantity = models.PositiveIntegerField(_("target quantity"))
    quantity_unit = models.CharField(_("counted in"), max_length=40, blank=True)
    audience = models.CharField(_("audience"), max_length=300, blank=True)
    overdue_alerted = models.BooleanField(_("overdue alert sent"), default=False)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        constraints = [
            models.CheckConstraint(
                condition=Q(target_quantity__gte=1), name="outreach_activity_target_positive"
            )
        ]

    def __str__(self) -> str:
        return self.title


class ProgressReport(models.Model):
    """What was done for an activity on a day, with its reach (kết quả thực hiện)."""

    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="reports"
    )
    reported_on = models.DateField(_("date"))
    quantity = models.PositiveIntegerField(_("quantity done"))
    people = models.PositiveIntegerField(_("people reached"), default=0)
    views = models.PositiveIntegerField(_("views"), default=0)
    broadcasts = models.PositiveIntegerField(_("broadcasts"), default=0)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        USER, verbose_name=_("reported by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["reported_on", "pk"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")

    def __str__(self) -> str:
        return f"{self.activity_id}: {self.quantity} ({self.reported_on})"


class Evidence(models.Model):
    """A file proving a report (photo, minutes, screenshot), checked by core.uploads."""

    report = models.ForeignKey(
        ProgressReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.CharField(_("stored file"), max_length=255)
    name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=60)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self) -> str:
        return self.name


class Article(TimeStampedModel):
    """A reform article of the public "Cải cách hành chính" section (tin bài CCHC).

    Published from ``publish_at`` (none: a draft); ``views`` counts the
    public page's readers, the article's reach in its activity's report.
    """

    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=300)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    body = models.TextField(_("body"))
    image = models.CharField(_("stored image"), max_length=255, blank=True)
    topic = models.ForeignKey(
        Topic, verbose_name=_("category"), on_delete=models.PROTECT, related_name="articles"
    )
    publish_at = models.DateTimeField(_("publish at"), null=True, blank=True)
    activity = models.ForeignKey(
        Activity,
        verbose_name=_("activity"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles",
    )
    views = models.PositiveIntegerField(_("views"), default=0)
    created_by = models.ForeignKey(
        USER, verbose_name=_("author"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-publish_at", "-pk"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        indexes = [models.Index(fields=["publish_at"], name="outreach_article_publish")]

    def __str__(self) -> str:
        return self.title


class Material(TimeStampedModel):
    """A leaflet, a poster or a loudspeaker broadcast script, for one activity.

    A leaflet or poster carries a QR code to ``link`` (a procedure or an
    online-service page). A broadcast script airs ``airings_per_day`` times
    a day from ``starts_on`` to ``ends_on``: the airings so far are its reach.
    """

    kind = models.CharField(_("kind"), max_length=10, choices=MaterialKind.choices)
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"))
    link = models.URLField(_("QR link"), max_length=500, blank=True)
    copies = models.PositiveIntegerField(_("copies printed"), default=0)
    starts_on = models.DateField(_("airs from"), null=True, blank=True)
    ends_on = models.DateField(_("airs until"), null=True, blank=True)
    airings_per_day = models.PositiveSmallIntegerField(_("airings a day"), default=0)
    air_times = models.CharField(_("air times"), max_length=100, blank=True)
    activity = models.ForeignKey(
        Activity,
        verbose_name=_("activity"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="materials",
    )
    created_by = models.ForeignKey(
        USER, verbose_name=_("created by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("material")
        verbose_name_plural = _("materials")

    def __str__(self) -> str:
        return self.title
