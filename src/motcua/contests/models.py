"""The judged administrative-reform contest (hội thi tuyên truyền cải cách hành chính).

A :class:`Contest` organised by a unit has rounds (vòng sơ khảo, chung
kết…); teams represent units and list their members; each round has
performances of a kind (rows of :class:`PerformanceKind`: presentation,
skit, questions and answers…) in an order of appearance, judges assigned
to it and scoring criteria with their maximum points. Every judge fills
one private :class:`ScoreSheet` per performance; once submitted it is
locked, and only an organiser reopens it, with a recorded reason.
Rules live in :mod:`motcua.contests.services` (writes) and
:mod:`motcua.contests.scoring` (the ranking, pure Python).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from motcua.org.models import Unit

USER = settings.AUTH_USER_MODEL


class PerformanceKind(models.Model):
    """A kind of performance (phần thi): presentation, skit, questions and answers…"""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("performance kind")
        verbose_name_plural = _("performance kinds")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class Contest(models.Model):
    """A judged contest (hội thi) organised by a unit."""

    name = models.CharField(_("name"), max_length=250)
    organiser = models.ForeignKey(
        Unit, verbose_name=_("organising unit"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    description = models.TextField(_("description"), blank=True)
    decision = models.CharField(
        _("organising decision"),
        max_length=200,
        blank=True,
        help_text=_("Number and date of the decision that organises the contest."),
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("contest")
        verbose_name_plural = _("contests")
        ordering = ["-year", "name"]

    def __str__(self) -> str:
        return self.name


class RoundStatus(models.TextChoices):
    PREPARING = "preparing", _("Preparing")
    SCORING = "scoring", _("Scoring")
    PUBLISHED = "published", _("Results published")


class Round(models.Model):
    """A round of a contest (vòng thi): its performances, judges, criteria and prizes."""

    contest = models.ForeignKey(
        Contest, verbose_name=_("contest"), on_delete=models.CASCADE, related_name="rounds"
    )
    name = models.CharField(_("name"), max_length=120)
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    held_on = models.DateField(_("held on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=RoundStatus.choices, default=RoundStatus.PREPARING
    )
    drop_extremes = models.BooleanField(
        _("drop the highest and lowest totals"),
        default=False,
        help_text=_("Applied to a performance only when at least three judges scored it."),
    )
    tie_break = models.ForeignKey(
        "Criterion",
        verbose_name=_("tie-break criterion"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    corrections = models.PositiveSmallIntegerField(
        _("corrections"),
        default=0,
        editable=False,
        help_text=_("How many times published results were withdrawn to be corrected."),
    )

    class Meta:
        verbose_name = _("round")
        verbose_name_plural = _("rounds")
        ordering = ["contest", "order"]
        constraints = [
            models.UniqueConstraint(fields=["contest", "order"], name="contests_round_order")
        ]

    def __str__(self) -> str:
        return f"{self.contest.name} — {self.name}"


class Team(models.Model):
    """A team (đội thi) representing a unit."""

    contest = models.ForeignKey(
        Contest, verbose_name=_("contest"), on_delete=models.CASCADE, related_name="teams"
    )
    name = models.CharField(_("name"), max_length=200)
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["contest", "name"]
        constraints = [
            models.UniqueConstraint(fields=["contest", "name"], name="contests_team_name"),
            models.UniqueConstraint(fields=["contest", "unit"], name="contests_team_unit"),
        ]

    def __str__(self) -> str:
        return self.name


class TeamMember(models.Model):
    """A member of a team, with the position in their unit."""

    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.CASCADE, related_name="members"
    )
    full_name = models.CharField(_("full name"), max_length=120)
    position = models.CharField(_("position"), max_length=120, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["team", "order", "pk"]

    def __str__(self) -> str:
        return self.full_name


class Criterion(models.Model):
    """A scoring criterion of a round (tiêu chí chấm) with its maximum points.

    With a ``kind`` it scores only the performances of that kind (a skit's
    staging does not apply to the questions and answers); without, all.
    """

    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="criteria"
    )
    name = models.CharField(_("name"), max_length=200)
    max_points = models.DecimalField(
        _("maximum points"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    kind = models.ForeignKey(
        PerformanceKind,
        verbose_name=_("performance kind"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["round", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.max_points})"

    def applies_to(self, kind_id: int) -> bool:
        return self.kind_id is None or self.kind_id == kind_id


class Performance(models.Model):
    """A team's performance (phần thi) in a round, in its order of appearance."""

    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="performances"
    )
    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.PROTECT, related_name="performances"
    )
    kind = models.ForeignKey(
        PerformanceKind, verbose_name=_("kind"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=250, blank=True)
    order = models.PositiveSmallIntegerField(_("order of appearance"))

    class Meta:
        verbose_name = _("performance")
        verbose_name_plural = _("performances")
        ordering = ["round", "order"]
        constraints = [
            models.UniqueConstraint(fields=["round", "order"], name="contests_performance_order"),
            models.UniqueConstraint(
                fields=["round", "team", "kind"], name="contests_performance_team_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.team.name} — {self.kind.name}"


class JudgeAssignment(models.Model):
    """A judge (giám khảo) assigned to score every performance of a round."""

    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="judges"
    )
    judge = models.ForeignKey(
        USER, verbose_name=_("judge"), on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(_("assigned at"))

    class Meta:
        verbose_name = _("judge assignment")
        verbose_name_plural = _("judge assignments")
        ordering = ["round", "assigned_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "judge"], name="contests_judge_once")
        ]

    def __str__(self) -> str:
        return f"{self.judge} — {self.round}"


class SheetStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", pgettext_lazy("score sheet", "Submitted")


class ScoreSheet(models.Model):
    """One judge's score sheet (phiếu chấm) for one performance, seen only by that judge.

    Submitted, it is locked: the judge cannot change it, the organiser
    reopens it with a reason (:func:`~motcua.contests.services.sheet_reopen`).
    ``total`` is the sum of the points, kept when it is submitted.
    """

    performance = models.ForeignKey(
        Performance, verbose_name=_("performance"), on_delete=models.CASCADE, related_name="sheets"
    )
    judge = models.ForeignKey(
        USER, verbose_name=_("judge"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=SheetStatus.choices, default=SheetStatus.DRAFT
    )
    comment = models.TextField(_("comment"), blank=True)
    total = models.DecimalField(_("total"), max_digits=8, decimal_places=2, null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("score sheet")
        verbose_name_plural = _("score sheets")
        ordering = ["performance", "judge_id"]
        constraints = [
            models.UniqueConstraint(fields=["performance", "judge"], name="contests_sheet_once")
        ]

    def __str__(self) -> str:
        return f"{self.performance} — {self.judge}"

    @property
    def is_locked(self) -> bool:
        return self.status == SheetStatus.SUBMITTED


class Score(models.Model):
    """The points a sheet gives on one criterion."""

    sheet = models.ForeignKey(
        ScoreSheet, verbose_name=_("score sheet"), on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("criterion"), on_delete=models.PROTECT, related_name="+"
    )
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=2)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["sheet", "criterion"], name="contests_score_once")
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.points}"


class SheetEventKind(models.TextChoices):
    SUBMITTED = "submitted", pgettext_lazy("score sheet", "Submitted")
    REOPENED = "reopened", _("Reopened")


class ScoreSheetEvent(models.Model):
    """The history of a sheet: each submission and each reopening, with its reason."""

    sheet = models.ForeignKey(
        ScoreSheet, verbose_name=_("score sheet"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=SheetEventKind.choices)
    actor = models.ForeignKey(
        USER, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"), blank=True)
    total = models.DecimalField(_("total"), max_digits=8, decimal_places=2, null=True, blank=True)
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("score sheet event")
        verbose_name_plural = _("score sheet events")
        ordering = ["sheet", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%d/%m/%Y %H:%M}"


class PrizeCategory(models.Model):
    """A prize of a round (Giải Nhất, Nhì, Ba, Khuyến khích) and how many teams get it.

    Categories are filled in their order from the top of the ranking; teams
    sharing a rank share the category, so a tie may award more than ``count``.
    """

    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="prizes"
    )
    name = models.CharField(_("name"), max_length=120)
    count = models.PositiveSmallIntegerField(_("number of prizes"), default=1)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("prize category")
        verbose_name_plural = _("prize categories")
        ordering = ["round", "order", "pk"]

    def __str__(self) -> str:
        return self.name


class Result(models.Model):
    """A team's place in a published round: its score, rank and prize, if any."""

    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="results"
    )
    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.PROTECT, related_name="results"
    )
    rank = models.PositiveSmallIntegerField(_("rank"))
    score = models.DecimalField(_("score"), max_digits=9, decimal_places=3)
    tie_break_score = models.DecimalField(
        _("tie-break score"), max_digits=9, decimal_places=3, null=True, blank=True
    )
    prize = models.ForeignKey(
        PrizeCategory,
        verbose_name=_("prize"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="results",
    )
    certificate_number = models.CharField(_("certificate number"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("result")
        verbose_name_plural = _("results")
        ordering = ["round", "rank", "team__name"]
        constraints = [
            models.UniqueConstraint(fields=["round", "team"], name="contests_result_once")
        ]

    def __str__(self) -> str:
        return f"{self.rank}. {self.team}"
