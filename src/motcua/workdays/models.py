"""Working calendars stored in the database and loaded into the pure core.

A :class:`CalendarYear` holds the year's days off and make-up working days
(:class:`CalendarEntry`), each with its legal basis. Only a year an
administrator has confirmed is used for deadlines; a year that is missing
or still a draft makes deadline arithmetic fail loudly. A
:class:`WorkSchedule` gives a unit its sessions and cut-off; units without
one inherit from the nearest ancestor, then from the deployment settings.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.core.models import TimeStampedModel


class CalendarStatus(models.TextChoices):
    DRAFT = "draft", _("Draft (seeded, not yet confirmed)")
    CONFIRMED = "confirmed", _("Confirmed")


class DayKind(models.TextChoices):
    """Same values as :class:`motcua.workdays.core.DayKind`."""

    HOLIDAY = "holiday", _("Public holiday")
    COMPENSATORY_DAY_OFF = "compensatory_day_off", _("Compensatory day off")
    SWAPPED_DAY_OFF = "swapped_day_off", _("Swapped day off")
    MAKEUP_WORKING_DAY = "makeup_working_day", _("Make-up working day")


class CalendarYear(TimeStampedModel):
    """The working calendar of one year (lịch làm việc năm)."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    status = models.CharField(
        _("status"), max_length=20, choices=CalendarStatus.choices, default=CalendarStatus.DRAFT
    )
    legal_basis = models.TextField(_("legal basis"), blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)


class CalendarEntry(models.Model):
    """A day that differs from the Monday–Friday week, with its legal basis."""

    calendar = models.ForeignKey(
        CalendarYear,
        verbose_name=_("calendar year"),
        on_delete=models.CASCADE,
        related_name="entries",
    )
    day = models.DateField(_("day"))
    kind = models.CharField(_("kind"), max_length=30, choices=DayKind.choices)
    name = models.CharField(_("name"), max_length=200)
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("only for unit"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Empty for the whole country; a unit limits the entry to that unit and below."),
    )

    class Meta:
        verbose_name = _("calendar entry")
        verbose_name_plural = _("calendar entries")
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(
                fields=["day"], condition=Q(unit__isnull=True), name="workdays_entry_national_day"
            ),
            models.UniqueConstraint(fields=["day", "unit"], name="workdays_entry_unit_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y} {self.name}"


class WorkSchedule(TimeStampedModel):
    """Working sessions and intake cut-off of a unit and the units below it."""

    unit = models.OneToOneField(
        "org.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="work_schedule"
    )
    sessions = models.CharField(
        _("sessions"),
        max_length=100,
        help_text=_("Working sessions, e.g. 07:00-11:30,13:30-17:00."),
    )
    cutoff = models.TimeField(
        _("cut-off"),
        help_text=_(
            "A dossier received on a working day at or after this time counts from the next working day."
        ),
    )

    class Meta:
        verbose_name = _("work schedule")
        verbose_name_plural = _("work schedules")

    def __str__(self) -> str:
        return f"{self.unit}: {self.sessions}"
