"""The procedure catalogue (danh mục thủ tục hành chính).

A :class:`Procedure` is identified by its national code (``2.000635``).
What the law says about it lives in a :class:`ProcedureVersion` valid from
an effective date: name, field, competent level, legal time limit, fees,
required documents, online level, result type, supplement-clock policy, supplement window
(how long the applicant has before the dossier is closed) and the workflow template. A change is a new version; a dossier keeps the
version it was received under.
"""

from __future__ import annotations

from datetime import date

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from motcua.core.models import TimeStampedModel

procedure_code_validator = RegexValidator(
    r"^\d\.\d{6}$",
    _("A national procedure code looks like 2.000635: one digit, a dot, six digits."),
)


class CompetentLevel(models.TextChoices):
    MINISTRY = "ministry", _("Ministry level")
    PROVINCE = "province", _("Province level")
    COMMUNE = "commune", _("Commune level")
    VERTICAL = "vertical", _("Vertical-line agency")


class TimeLimitUnit(models.TextChoices):
    """Same values as :class:`motcua.workdays.core.LimitUnit`."""

    WORKING_DAYS = "working_days", _("working days")
    WORKING_HOURS = "working_hours", _("working hours")
    CALENDAR_DAYS = "calendar_days", _("calendar days")
    SAME_DAY = "same_day", _("same day")


class StepBudgetUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("working days")
    WORKING_HOURS = "working_hours", _("working hours")


class OnlineLevel(models.TextChoices):
    """NĐ 42/2022 levels; the NĐ 43/2011 levels 1–4 are shown beside them."""

    FULL = "full", _("Fully online")
    PARTIAL = "partial", _("Partly online")
    INFORMATION = "information", _("Information only")


class ResultType(models.TextChoices):
    PAPER = "paper", _("Paper")
    ELECTRONIC = "electronic", _("Electronic")
    BOTH = "both", _("Paper and electronic")


class SupplementPolicy(models.TextChoices):
    PAUSE = "pause", _("Pause the clock while waiting for a supplement")
    RESTART = "restart", _("Restart the full time limit when the dossier is complete")


class DocumentForm(models.TextChoices):
    ORIGINAL = "original", _("Original")
    CERTIFIED_COPY = "certified_copy", _("Certified copy")
    COPY = "copy", _("Copy")
    SHOWN = "shown", _("Shown only")


class FeeKind(models.TextChoices):
    FEE = "fee", _("Fee")  # phí
    CHARGE = "charge", _("Charge")  # lệ phí


# NĐ 43/2011 levels that a NĐ 42/2022 level corresponds to, shown as
# "Toàn trình (trước đây mức độ 4)".
FORMER_ONLINE_LEVELS = {
    OnlineLevel.FULL: "4",
    OnlineLevel.PARTIAL: "3",
    OnlineLevel.INFORMATION: "1–2",
}


class Field(models.Model):
    """A field of administrative procedures (lĩnh vực), e.g. civil status."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("field")
        verbose_name_plural = _("fields")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Procedure(TimeStampedModel):
    """An administrative procedure (thủ tục hành chính), by national code."""

    code = models.CharField(
        _("national code"), max_length=20, unique=True, validators=[procedure_code_validator]
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_illustrative = models.BooleanField(
        _("illustrative"),
        default=False,
        help_text=_("Demo content, not the official catalogue; a real deployment imports that."),
    )

    class Meta:
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code

    def get_absolute_url(self) -> str:
        return reverse("catalog:procedure_detail", args=[self.code])


MAX_SUPPLEMENT_WINDOW = 365
"""The longest supplement window accepted, in working days."""


class ProcedureVersion(TimeStampedModel):
    """What a procedure requires from ``effective_from`` until the next version."""

    procedure = models.ForeignKey(
        Procedure, verbose_name=_("procedure"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(
        _("effective until"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Set from the next version's effective date (exclusive)."),
    )
    name = models.CharField(_("name"), max_length=500)
    field = models.ForeignKey(
        Field, verbose_name=_("field"), on_delete=models.PROTECT, related_name="versions"
    )
    competent_level = models.CharField(
        _("competent level"), max_length=20, choices=CompetentLevel.choices
    )
    competent_agency = models.CharField(_("competent agency"), max_length=255)
    time_limit_amount = models.PositiveIntegerField(_("time limit"))
    time_limit_unit = models.CharField(
        _("time limit unit"), max_length=20, choices=TimeLimitUnit.choices
    )
    online_level = models.CharField(_("online level"), max_length=20, choices=OnlineLevel.choices)
    result_type = models.CharField(_("result type"), max_length=20, choices=ResultType.choices)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    supplement_policy = models.CharField(
        _("supplement clock"),
        max_length=20,
        choices=SupplementPolicy.choices,
        default=SupplementPolicy.PAUSE,
    )
    supplement_window_days = models.PositiveSmallIntegerField(
        _("supplement window (working days)"),
        null=True,
        blank=True,
        help_text=_(
            "Working days the applicant has to hand in a requested supplement before the "
            "dossier is closed. Empty: the procedure's law sets no such time, and a dossier "
            "waiting for a supplement is never closed automatically."
        ),
    )
    search_text = models.TextField(_("search text"), blank=True, editable=False)

    class Meta:
        verbose_name = _("procedure version")
        verbose_name_plural = _("procedure versions")
        ordering = ["procedure__code", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "number"], name="catalog_version_number_unique"
            ),
            models.UniqueConstraint(
                fields=["procedure", "effective_from"], name="catalog_version_date_unique"
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True)
                | Q(effective_to__gt=models.F("effective_from")),
                name="catalog_version_interval",
                violation_error_message=_("A version must end after it takes effect."),
            ),
            models.CheckConstraint(
                condition=Q(supplement_window_days__isnull=True)
                | Q(
                    supplement_window_days__gte=1, supplement_window_days__lte=MAX_SUPPLEMENT_WINDOW
                ),
                name="catalog_version_supplement_window",
                violation_error_message=_(
                    "The supplement window is a number of working days from 1 to 365, or empty."
                ),
            ),
            models.CheckConstraint(
                condition=(Q(time_limit_unit="same_day") & Q(time_limit_amount=0))
                | (~Q(time_limit_unit="same_day") & Q(time_limit_amount__gt=0)),
                name="catalog_version_time_limit",
                violation_error_message=_(
                    "The time limit must be at least 1, or 0 with the unit “same day”."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.procedure.code} v{self.number} — {self.name}"

    def is_in_force_on(self, day: date) -> bool:
        """Return whether this version applies on ``day``."""
        return self.effective_from <= day and (self.effective_to is None or day < self.effective_to)

    def is_editable_on(self, day: date) -> bool:
        """Return whether the version may still change: it takes effect after ``day``."""
        return self.effective_from > day


class RequiredDocument(models.Model):
    """A document the applicant hands in (thành phần hồ sơ)."""

    version = models.ForeignKey(
        ProcedureVersion,
        verbose_name=_("version"),
        on_delete=models.CASCADE,
        related_name="documents",
    )
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=500)
    form = models.CharField(_("form"), max_length=20, choices=DocumentForm.choices)
    count = models.PositiveSmallIntegerField(_("count"), default=1)
    is_mandatory = models.BooleanField(_("mandatory"), default=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("required document")
        verbose_name_plural = _("required documents")
        ordering = ["version", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "order"], name="catalog_document_order_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class FeeLine(models.Model):
    """A fee or charge line, in whole đồng (VND has no minor unit)."""

    version = models.ForeignKey(
        ProcedureVersion, verbose_name=_("version"), on_delete=models.CASCADE, related_name="fees"
    )
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=300)
    kind = models.CharField(
        _("kind"), max_length=20, choices=FeeKind.choices, default=FeeKind.CHARGE
    )
    amount = models.PositiveBigIntegerField(_("amount (VND)"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("fee line")
        verbose_name_plural = _("fee lines")
        ordering = ["version", "order"]
        constraints = [
            models.UniqueConstraint(fields=["version", "order"], name="catalog_fee_order_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.amount} đ"


class WorkflowStep(models.Model):
    """One step of the procedure's internal process, with its time budget."""

    version = models.ForeignKey(
        ProcedureVersion, verbose_name=_("version"), on_delete=models.CASCADE, related_name="steps"
    )
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=300)
    role = models.ForeignKey(
        "org.Role", verbose_name=_("role"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_(
            "A specific agency, for an inter-agency step; empty means the competent agency."
        ),
    )
    is_inter_agency = models.BooleanField(_("inter-agency step"), default=False)
    budget_amount = models.DecimalField(_("time budget"), max_digits=6, decimal_places=2)
    budget_unit = models.CharField(_("budget unit"), max_length=20, choices=StepBudgetUnit.choices)

    class Meta:
        verbose_name = _("workflow step")
        verbose_name_plural = _("workflow steps")
        ordering = ["version", "order"]
        constraints = [
            models.UniqueConstraint(fields=["version", "order"], name="catalog_step_order_unique"),
            models.CheckConstraint(
                condition=Q(budget_amount__gt=0),
                name="catalog_step_budget_positive",
                violation_error_message=_("A step's time budget must be more than 0."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"


def declaration_form_path(instance: DeclarationForm, filename: str) -> str:
    """Store forms by content hash: the same file uploaded twice is one file."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"catalog/forms/{instance.sha256[:2]}/{instance.sha256}.{extension}"


class DeclarationForm(models.Model):
    """A declaration form (tờ khai, mẫu đơn) attached to a version, to download and fill in.

    Forms are published material of the version: they may be added or
    replaced while the version is in force (a missing or mistyped file is
    corrected), always through :mod:`motcua.catalog.services`, which checks
    the file by its content and records who changed what.
    """

    version = models.ForeignKey(
        ProcedureVersion,
        verbose_name=_("version"),
        on_delete=models.CASCADE,
        related_name="declaration_forms",
    )
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=300)
    reference = models.CharField(
        _("reference"),
        max_length=200,
        blank=True,
        help_text=_("The form's sign and source, e.g. “Mẫu TK1-TS, Thông tư 04/2020/TT-BTP”."),
    )
    file = models.FileField(_("file"), upload_to=declaration_form_path, max_length=255)
    filename = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        verbose_name = _("declaration form")
        verbose_name_plural = _("declaration forms")
        ordering = ["version", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "order"], name="catalog_declaration_form_order_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalog:declaration_form", args=[self.version.procedure.code, self.pk])

    @property
    def extension(self) -> str:
        """Return the file's kind as shown beside the link: PDF, DOCX…"""
        return self.filename.rsplit(".", 1)[-1].upper() if "." in self.filename else ""


class ProcedureDesk(models.Model):
    """A one-stop desk where a procedure may be received (nơi tiếp nhận hồ sơ).

    A procedure with no desk listed is received at any desk; once one is
    listed, online submissions and counter intake elsewhere are refused
    (:func:`motcua.catalog.intake_rules.procedure_desk_check`).
    """

    procedure = models.ForeignKey(
        Procedure, verbose_name=_("procedure"), on_delete=models.CASCADE, related_name="desks"
    )
    desk = models.ForeignKey(
        "org.Unit", verbose_name=_("desk"), on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        verbose_name = _("receiving desk")
        verbose_name_plural = _("receiving desks")
        ordering = ["procedure", "desk"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "desk"], name="catalog_desk_unique")
        ]

    def __str__(self) -> str:
        return f"{self.procedure} — {self.desk}"


class OnlineIntakeLimit(models.Model):
    """The working hours a desk has to decide on an online submission (DOMAIN.md §1.3).

    Decide means accept, ask for a supplement or refuse. A row applies to a
    procedure, to a desk, or to a procedure at one desk (the most specific
    wins); without one, the settings' default applies
    (:mod:`motcua.catalog.conf`). The desk's intake officers are alerted
    ``warn_before_hours`` before the limit and once it has passed.
    """

    procedure = models.ForeignKey(
        Procedure,
        verbose_name=_("procedure"),
        on_delete=models.CASCADE,
        related_name="online_intake_limits",
        null=True,
        blank=True,
        help_text=_("Empty: every procedure received at the desk."),
    )
    desk = models.ForeignKey(
        "org.Unit",
        verbose_name=_("desk"),
        on_delete=models.CASCADE,
        related_name="+",
        null=True,
        blank=True,
        help_text=_("Empty: every desk that receives the procedure."),
    )
    decide_within_hours = models.DecimalField(
        _("decide within (working hours)"), max_digits=5, decimal_places=2
    )
    warn_before_hours = models.DecimalField(
        _("warn before the limit (working hours)"), max_digits=5, decimal_places=2
    )
    basis = models.CharField(_("legal basis"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("online intake time limit")
        verbose_name_plural = _("online intake time limits")
        ordering = ["procedure", "desk"]
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "desk"],
                condition=Q(procedure__isnull=False, desk__isnull=False),
                name="catalog_intake_limit_both_unique",
            ),
            models.UniqueConstraint(
                fields=["procedure"],
                condition=Q(desk__isnull=True),
                name="catalog_intake_limit_procedure_unique",
            ),
            models.UniqueConstraint(
                fields=["desk"],
                condition=Q(procedure__isnull=True),
                name="catalog_intake_limit_desk_unique",
            ),
            models.CheckConstraint(
                condition=Q(procedure__isnull=False) | Q(desk__isnull=False),
                name="catalog_intake_limit_scope",
                violation_error_message=_(
                    "Choose a procedure, a desk or both; the default for all is a setting."
                ),
            ),
            models.CheckConstraint(
                condition=Q(decide_within_hours__gt=0)
                & Q(warn_before_hours__gte=0)
                & Q(warn_before_hours__lt=models.F("decide_within_hours")),
                name="catalog_intake_limit_hours",
                violation_error_message=_(
                    "The limit must be more than 0 hours and the warning shorter than the limit."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.procedure or '*'} @ {self.desk or '*'}: {self.decide_within_hours} h"
