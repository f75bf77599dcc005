"""A dossier (hồ sơ) from intake to the return of its result.

The current status lives on :class:`Dossier` and every change adds one
:class:`DossierEvent` (and one ``core.AuditEvent``), written only by
``dossiers.services``. Steps copy the procedure version's workflow template
at intake, so a later change of the template does not move a dossier.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Replace
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from motcua.core.models import TimeStampedModel
from motcua.dossiers.constants import (
    ApplicantKind,
    Channel,
    CounterSlip,
    Decision,
    DossierStatus,
    LogbookExportStatus,
    LogbookFormat,
    PauseKind,
    PausePolicy,
    ReturnMethod,
    Timeliness,
)


class DossierCodeSequence(models.Model):
    """The last sequence number given to an agency's dossiers on one day."""

    agency = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "day"], name="dossiers_sequence_agency_day")
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.day}: {self.last_value}"


class CounterSlipSequence(models.Model):
    """The last number a desk gave to one kind of counter slip in one year.

    Guidance (Mẫu 02) and a refusal (Mẫu 03) given at the counter have no
    dossier code; they are numbered "12/PBS" in the desk's own register,
    which restarts each year.
    """

    desk = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=20, choices=CounterSlip.choices)
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["desk", "year", "kind"], name="dossiers_counter_slip_sequence"
            )
        ]

    def __str__(self) -> str:
        return f"{self.desk_id} {self.year} {self.kind}: {self.last_value}"


class Dossier(TimeStampedModel):
    """An applicant's dossier for one procedure (hồ sơ thủ tục hành chính)."""

    code = models.CharField(_("dossier code"), max_length=60, unique=True, null=True, blank=True)
    status = models.CharField(_("status"), max_length=30, choices=DossierStatus.choices)
    channel = models.CharField(
        pgettext_lazy("submission", "channel"), max_length=20, choices=Channel.choices
    )
    procedure = models.ForeignKey(
        "catalog.Procedure",
        verbose_name=_("procedure"),
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    procedure_version = models.ForeignKey(
        "catalog.ProcedureVersion",
        verbose_name=_("procedure version"),
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    agency = models.ForeignKey(
        "org.Unit",
        verbose_name=_("handling agency"),
        on_delete=models.PROTECT,
        related_name="handled_dossiers",
        db_index=False,  # dossiers_agency_status_idx leads with it
    )
    receiving_unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("receiving unit"),
        on_delete=models.PROTECT,
        related_name="received_dossiers",
    )

    applicant_kind = models.CharField(
        _("applicant type"),
        max_length=20,
        choices=ApplicantKind.choices,
        default=ApplicantKind.PERSON,
    )
    applicant_name = models.CharField(_("applicant name"), max_length=200)
    applicant_id_number = models.CharField(_("ID number"), max_length=20, blank=True)
    applicant_phone = models.CharField(_("phone"), max_length=20, blank=True)
    applicant_email = models.EmailField(_("e-mail"), blank=True)
    applicant_address = models.CharField(_("address"), max_length=300, blank=True)
    representative_name = models.CharField(
        _("authorised representative"), max_length=200, blank=True
    )
    representative_id_number = models.CharField(
        _("representative's ID number"), max_length=20, blank=True
    )
    representative_phone = models.CharField(_("representative's phone"), max_length=20, blank=True)
    representative_address = models.CharField(
        _("representative's address"), max_length=300, blank=True
    )
    authorisation_document = models.CharField(
        _("authorisation document"), max_length=200, blank=True
    )

    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True, db_index=True)
    d0 = models.DateField(_("counting starts after"), null=True, blank=True)
    due_at = models.DateTimeField(_("legal due"), null=True, blank=True, db_index=True)
    extended_due_at = models.DateTimeField(_("new return date"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    current_step = models.ForeignKey(
        "DossierStep",
        verbose_name=_("current step"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    current_handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("current handler"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,  # dossiers_handler_status_idx leads with it
    )
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices, blank=True)
    decision_reasons = models.TextField(_("reasons"), blank=True)
    timeliness = models.CharField(
        _("timeliness"), max_length=20, choices=Timeliness.choices, blank=True
    )
    refusal_reasons = models.TextField(_("refusal reasons"), blank=True)
    slip_number = models.PositiveIntegerField(
        _("refusal slip number"),
        null=True,
        blank=True,
        help_text=_("Number of a refusal at the counter in the desk's register of the year."),
    )
    stop_reason = models.TextField(_("reason for stopping"), blank=True)
    return_method = models.CharField(
        _("how the result was received"), max_length=20, choices=ReturnMethod.choices, blank=True
    )
    returned_to = models.CharField(_("result received by"), max_length=200, blank=True)
    postal_address = models.CharField(
        _("postal address for the result"), max_length=300, blank=True
    )
    fee_total = models.PositiveBigIntegerField(_("fees (VND)"), default=0)
    supplement_count = models.PositiveSmallIntegerField(_("supplement requests"), default=0)
    version = models.PositiveIntegerField(_("version"), default=1)
    idempotency_key = models.CharField(max_length=100, null=True, blank=True, editable=False)
    idempotency_fingerprint = models.CharField(
        max_length=64,
        blank=True,
        default="",
        editable=False,
        help_text="SHA-256 of the operation and its normalised input, written with the key.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    overdue_alerted = models.CharField(max_length=20, blank=True, editable=False)
    search_text = models.CharField(max_length=600, blank=True, default="", editable=False)
    """Folded code, names, ID numbers and phones (``dossiers.search``), written at creation."""
    # Its line in the log book (Vào Sổ theo dõi hồ sơ, Quyển số … Số thứ tự …), given
    # when it is received; Form 01 prints both. Looked up through
    # dossiers_logbook_entry_unique, which leads with the book.
    logbook = models.ForeignKey(
        "Logbook",
        verbose_name=_("log book volume"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        editable=False,
    )
    logbook_number = models.PositiveIntegerField(
        _("log book entry number"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["created_by", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="dossiers_idempotency_unique",
            ),
            models.UniqueConstraint(
                fields=["logbook", "logbook_number"],
                condition=Q(logbook__isnull=False),
                name="dossiers_logbook_entry_unique",
            ),
        ]
        # Every index is paid on each intake (docs/performance.md): no index
        # another one already leads with, and no LIKE index on the status.
        indexes = [
            models.Index(fields=["status"], name="dossiers_status_idx"),
            models.Index(fields=["agency", "status"], name="dossiers_agency_status_idx"),
            models.Index(fields=["current_handler", "status"], name="dossiers_handler_status_idx"),
            # The public lookup of a code typed without its dots (dossiers.public).
            models.Index(
                Replace(Replace("code", Value("."), Value("")), Value("-"), Value("")),
                name="dossiers_code_folded_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.code or f"#{self.pk}"

    @property
    def effective_due_at(self) -> Any:
        """Return the date the applicant was promised: the new date after an apology, else the legal due."""
        return self.extended_due_at or self.due_at


class DossierStep(models.Model):
    """One step of a dossier's processing, copied from the workflow template."""

    # Looked up through dossiers_step_order_unique, which leads with the dossier.
    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, related_name="steps", db_index=False
    )
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=300)
    # No index on the role, the giver (steps) or the actor (events): nothing
    # looks them up from that side but the rare deletion of a role or a user.
    role = models.ForeignKey(
        "org.Role",
        verbose_name=_("role"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    is_inter_agency = models.BooleanField(_("inter-agency"), default=False)
    budget_seconds = models.PositiveIntegerField(_("time budget (working seconds)"))
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handler"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    giver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handed over by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    started_at = models.DateTimeField(_("received at"), null=True, blank=True)
    due_at = models.DateTimeField(_("step due"), null=True, blank=True)
    finished_at = models.DateTimeField(_("handed over at"), null=True, blank=True)
    timeliness = models.CharField(
        _("timeliness"), max_length=20, choices=Timeliness.choices, blank=True
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    alerted = models.CharField(max_length=20, blank=True, editable=False)

    class Meta:
        verbose_name = _("dossier step")
        verbose_name_plural = _("dossier steps")
        ordering = ["dossier", "order"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "order"], name="dossiers_step_order_unique")
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"


class DossierEvent(models.Model):
    """One row of a dossier's history: who did what, when, from which status to which."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("at"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    action = models.CharField(_("action"), max_length=40)
    from_status = models.CharField(_("from"), max_length=30, blank=True)
    to_status = models.CharField(_("to"), max_length=30)
    step = models.ForeignKey(
        DossierStep, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    data: models.JSONField[Any, Any] = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("dossier event")
        verbose_name_plural = _("dossier events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.action}"


class DossierDocument(models.Model):
    """A document of the checklist, ticked at intake (thành phần hồ sơ)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="documents")
    order = models.PositiveSmallIntegerField(_("order"))
    required_document = models.ForeignKey(
        "catalog.RequiredDocument",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=500)
    form = models.CharField(_("form"), max_length=20)
    count = models.PositiveSmallIntegerField(_("count"), default=1)
    is_mandatory = models.BooleanField(_("mandatory"), default=True)
    provided = models.BooleanField(_("provided"), default=False)

    class Meta:
        verbose_name = _("dossier document")
        verbose_name_plural = _("dossier documents")
        ordering = ["dossier", "order"]

    def __str__(self) -> str:
        return self.name


class Pause(models.Model):
    """A stop of the clock: waiting for a supplement or for financial obligations."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="pauses")
    kind = models.CharField(_("kind"), max_length=20, choices=PauseKind.choices)
    number = models.PositiveSmallIntegerField(_("number"), default=1)
    policy = models.CharField(_("clock"), max_length=20, choices=PausePolicy.choices)
    started_at = models.DateTimeField(_("from"))
    ended_at = models.DateTimeField(_("until"), null=True, blank=True)
    resume_status = models.CharField(max_length=30)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    items: models.JSONField[Any, Any] = models.JSONField(_("items"), default=list, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    respond_by = models.DateTimeField(_("respond by"), null=True, blank=True)
    override_reason = models.TextField(_("reason for a further request"), blank=True)
    clock: models.JSONField[Any, Any] = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        verbose_name = _("pause")
        verbose_name_plural = _("pauses")
        ordering = ["dossier", "started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier"],
                condition=Q(ended_at__isnull=True),
                name="dossiers_one_open_pause",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"


class Apology(models.Model):
    """The apology and new return date (Mẫu 04): at most one per dossier.

    ``late`` is set when it was signed less than one working day before the
    due date, or after it (the law asks for one working day's notice).
    ``signer_position`` keeps the position the leader signed with that day.
    """

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="apology")
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    signer_position = models.CharField(_("signed as"), max_length=120, blank=True)
    reason = models.TextField(_("reason"))
    original_due_at = models.DateTimeField(_("original appointment"))
    new_due_at = models.DateTimeField(_("new return date"))
    late = models.BooleanField(
        _("issued late"),
        default=False,
        help_text=_("Signed less than one working day before the due date, or after it."),
    )
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("drafted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("apology")
        verbose_name_plural = _("apologies")

    def __str__(self) -> str:
        return f"{self.dossier}: {self.new_due_at:%d/%m/%Y}"


class ApologyDraft(models.Model):
    """A case handler's draft of the apology, waiting for a leader to sign it.

    It proposes the reason and the new date; nothing reaches the applicant
    and no date moves until the signature turns it into an :class:`Apology`.
    """

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="apology_draft")
    drafted_at = models.DateTimeField(_("drafted at"))
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("drafted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.TextField(_("reason"))
    new_date = models.DateField(_("proposed new date"))

    class Meta:
        verbose_name = _("apology draft")
        verbose_name_plural = _("apology drafts")

    def __str__(self) -> str:
        return f"{self.dossier}: {self.new_date:%d/%m/%Y}"


class IntakeGuidance(models.Model):
    """Guidance given at the counter for an incomplete dossier (Mẫu 02), before any intake."""

    procedure_version = models.ForeignKey(
        "catalog.ProcedureVersion", on_delete=models.PROTECT, related_name="+"
    )
    receiving_unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"))
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    applicant_name = models.CharField(_("applicant name"), max_length=200)
    applicant_id_number = models.CharField(_("ID number"), max_length=20, blank=True)
    applicant_phone = models.CharField(_("phone"), max_length=20, blank=True)
    applicant_email = models.EmailField(_("e-mail"), blank=True)
    applicant_address = models.CharField(_("address"), max_length=300, blank=True)
    items: models.JSONField[Any, Any] = models.JSONField(_("items"), default=list)
    reason = models.TextField(_("reason"), blank=True)
    slip_number = models.PositiveIntegerField(
        _("slip number"),
        null=True,
        blank=True,
        help_text=_("Number in the desk's register of guidance slips of the year."),
    )

    class Meta:
        verbose_name = _("intake guidance")
        verbose_name_plural = _("intake guidance")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y} {self.applicant_name}"


class Logbook(models.Model):
    """A volume (quyển) of the dossier log book: one desk, one field of procedures, one year.

    Each dossier received at ``unit`` for a procedure of ``field`` in
    ``year`` (local time) takes the next entry number (số thứ tự) in the
    transaction of its intake, by one atomic upsert of ``last_number``
    (:func:`motcua.dossiers.logbook.logbook_entry_take`): numbers never
    repeat in a volume and, as a rolled-back intake rolls the number back,
    have no gaps.
    """

    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("receiving unit"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # dossiers_logbook_unique leads with it
    )
    field = models.ForeignKey(
        "catalog.Field", verbose_name=_("field"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    last_number = models.PositiveIntegerField(_("last entry number"), default=0)

    class Meta:
        verbose_name = _("log book volume")
        verbose_name_plural = _("log book volumes")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "field", "year"], name="dossiers_logbook_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.field_id} {self.year}: {self.last_number}"


class LogbookExport(models.Model):
    """A log-book export (Excel or PDF) too large to build inside a request.

    The background worker builds the file into the default storage; the
    user who asked, or staff entitled to the desk, fetch it when it is
    ready; ``motcua periodic`` deletes it after
    ``MOTCUA_LOGBOOK_EXPORT_KEEP_HOURS``.
    """

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"), db_index=True)
    via = models.CharField(_("requested through"), max_length=10)
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+"
    )
    field = models.ForeignKey(
        "catalog.Field",
        verbose_name=_("field"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    format = models.CharField(_("format"), max_length=10, choices=LogbookFormat.choices)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=LogbookExportStatus.choices,
        default=LogbookExportStatus.PENDING,
    )
    rows = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    file = models.FileField(_("file"), upload_to="logbook-exports/", blank=True)
    filename = models.CharField(_("file name"), max_length=150, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("log book export")
        verbose_name_plural = _("log book exports")
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.start}–{self.end} {self.format} ({self.status})"
