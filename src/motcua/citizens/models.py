"""Citizens' accounts, sign-in codes, drafts of online submissions and files.

A :class:`Citizen` (công dân) is a Django user without a password and
without staff roles, created the first time a phone number or e-mail
address proves itself with a one-time code (:class:`SignInCode`, stored
hashed) or an OpenID Connect provider vouches for it. A :class:`Draft` is
an online submission (nộp hồ sơ trực tuyến) being prepared; sending it
makes one dossier through the dossiers services. An :class:`Attachment` is
a file, checked by :mod:`motcua.core.uploads`, that belongs to a draft's
upload slot, to a dossier's document line (the applicant's upload, a
supplement, or the intake officer's scan: số hóa hồ sơ) or to the result.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Citizen(models.Model):
    """A person who signs in on the portal (công dân, người nộp hồ sơ)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="citizen"
    )
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    id_number = models.CharField(_("personal ID number"), max_length=12, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    oidc_issuer = models.CharField(max_length=300, blank=True, editable=False)
    oidc_subject = models.CharField(max_length=255, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("citizen")
        verbose_name_plural = _("citizens")
        constraints = [
            models.UniqueConstraint(
                fields=["phone"], condition=~Q(phone=""), name="citizens_phone_unique"
            ),
            models.UniqueConstraint(
                fields=["email"], condition=~Q(email=""), name="citizens_email_unique"
            ),
            models.UniqueConstraint(
                fields=["oidc_issuer", "oidc_subject"],
                condition=~Q(oidc_subject=""),
                name="citizens_oidc_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email or self.phone


class CodeChannel(models.TextChoices):
    EMAIL = "email", _("e-mail")
    SMS = "sms", _("SMS")


class SignInCode(models.Model):
    """A one-time sign-in code sent to a phone or an e-mail address.

    Only a keyed hash of the code is kept. It expires, allows a capped
    number of wrong tries and works once (``used_at``).
    """

    destination = models.CharField(_("sent to"), max_length=254, db_index=True)
    channel = models.CharField(_("channel"), max_length=10, choices=CodeChannel.choices)
    code_hash = models.CharField(max_length=100, editable=False)
    client = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), db_index=True)
    expires_at = models.DateTimeField(_("expires at"))
    attempts = models.PositiveSmallIntegerField(_("wrong tries"), default=0)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("sign-in code")
        verbose_name_plural = _("sign-in codes")

    def __str__(self) -> str:
        return f"{self.destination} {self.created_at:%Y-%m-%d %H:%M}"


class DraftStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Sent")


class Draft(models.Model):
    """An online submission being prepared; sent, it points at its dossier."""

    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    citizen = models.ForeignKey(Citizen, on_delete=models.CASCADE, related_name="drafts")
    procedure_version = models.ForeignKey(
        "catalog.ProcedureVersion", on_delete=models.PROTECT, related_name="+"
    )
    receiving_unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("submit to"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    applicant_name = models.CharField(_("full name"), max_length=200, blank=True)
    applicant_id_number = models.CharField(_("personal ID number"), max_length=20, blank=True)
    applicant_phone = models.CharField(_("phone"), max_length=20, blank=True)
    applicant_email = models.EmailField(_("e-mail"), blank=True)
    applicant_address = models.CharField(_("address"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=DraftStatus.choices, default=DraftStatus.DRAFT
    )
    dossier = models.OneToOneField(
        "dossiers.Dossier",
        on_delete=models.PROTECT,
        related_name="online_draft",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("saved at"))
    submitted_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    submit_key = models.CharField(
        _("idempotency key"),
        max_length=100,
        blank=True,
        editable=False,
        help_text=_("The Idempotency-Key of the API request that sent the draft."),
    )

    class Meta:
        verbose_name = _("online submission")
        verbose_name_plural = _("online submissions")
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["citizen", "submit_key"],
                condition=~Q(submit_key=""),
                name="citizens_draft_submit_key_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.procedure_version} ({self.get_status_display()})"


class AttachmentKind(models.TextChoices):
    APPLICANT = "applicant", _("Sent online")
    SUPPLEMENT = "supplement", _("Sent as a supplement")
    SCAN = "scan", _("Scanned at the counter")
    RESULT = "result", _("Result")


class Attachment(models.Model):
    """A checked file of a draft slot, a dossier's document line or its result."""

    kind = models.CharField(_("kind"), max_length=20, choices=AttachmentKind.choices)
    draft = models.ForeignKey(
        Draft, on_delete=models.CASCADE, related_name="attachments", null=True, blank=True
    )
    dossier = models.ForeignKey(
        "dossiers.Dossier",
        on_delete=models.CASCADE,
        related_name="attachments",
        null=True,
        blank=True,
    )
    required_document = models.ForeignKey(
        "catalog.RequiredDocument",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    document = models.ForeignKey(
        "dossiers.DossierDocument",
        on_delete=models.CASCADE,
        related_name="attachments",
        null=True,
        blank=True,
    )
    file = models.FileField(_("file"), max_length=200)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]
        indexes = [models.Index(fields=["dossier", "kind"])]

    def __str__(self) -> str:
        return self.name


class SupplementAnswer(models.Model):
    """The applicant's one online answer to a supplement request (a pause)."""

    pause = models.OneToOneField(
        "dossiers.Pause", on_delete=models.CASCADE, related_name="online_answer"
    )
    citizen = models.ForeignKey(Citizen, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("note"), blank=True)
    answered_at = models.DateTimeField(_("answered at"))

    class Meta:
        verbose_name = _("online supplement answer")
        verbose_name_plural = _("online supplement answers")

    def __str__(self) -> str:
        return f"{self.pause_id} {self.answered_at:%Y-%m-%d}"


class IntakeAlertKind(models.TextChoices):
    NEAR = "near", _("Intake limit near")
    PASSED = "passed", _("Intake limit passed")


class OnlineIntakeAlert(models.Model):
    """An alert sent to a desk about an online submission's intake limit; once per kind."""

    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.CASCADE, related_name="online_intake_alerts"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=IntakeAlertKind.choices)
    deadline = models.DateTimeField(_("decide by"))
    recipients = models.PositiveSmallIntegerField(_("officers alerted"), default=0)
    sent_at = models.DateTimeField(_("sent at"))

    class Meta:
        verbose_name = _("online intake alert")
        verbose_name_plural = _("online intake alerts")
        constraints = [
            models.UniqueConstraint(fields=["dossier", "kind"], name="citizens_intake_alert_once")
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.kind}"


class CitizenToken(models.Model):
    """A bearer token of the citizen API (``ct_<prefix>_<secret>``), issued at sign-in.

    Only the SHA-256 digest of the secret is stored; the prefix finds the
    row. A token expires (``MOTCUA_CITIZEN_TOKEN_TTL``) and is revoked by
    signing out.
    """

    citizen = models.ForeignKey(Citizen, on_delete=models.CASCADE, related_name="tokens")
    prefix = models.CharField(_("prefix"), max_length=16, unique=True, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("created at"))
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("citizen API token")
        verbose_name_plural = _("citizen API tokens")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"ct_{self.prefix}_…"
