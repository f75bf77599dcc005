"""Citizens' reads: my dossiers, who may fetch a file, digitisation shares."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from motcua.citizens.models import Attachment, AttachmentKind, Citizen, Draft, DraftStatus
from motcua.core.errors import NotFoundError
from motcua.dossiers.constants import Channel, DossierStatus
from motcua.dossiers.models import Dossier, Pause
from motcua.dossiers.selectors import dossier_get_for_user, dossier_log_view

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def citizen_of(user: Any) -> Citizen | None:
    """The citizen account of a signed-in user, or None (staff, anonymous)."""
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        citizen: Citizen = user.citizen
    except Citizen.DoesNotExist:
        return None
    return citizen


def draft_list(citizen: Citizen) -> QuerySet[Draft]:
    return Draft.objects.filter(citizen=citizen, status=DraftStatus.DRAFT).select_related(
        "procedure_version__procedure"
    )


def draft_get(citizen: Citizen, key: Any) -> Draft:
    draft = (
        Draft.objects.select_related("procedure_version__procedure", "receiving_unit", "dossier")
        .filter(citizen=citizen, key=key)
        .first()
    )
    if draft is None:
        raise NotFoundError(_("There is no such draft among yours."))
    return draft


def my_dossiers_q(citizen: Citizen) -> Q:
    return Q(created_by=citizen.user_id) | Q(online_draft__citizen=citizen)


@dataclass
class MyDossier:
    dossier: Dossier
    due_at: datetime | None
    asked: str
    pause: Pause | None


def my_dossier(citizen: Citizen, code: str) -> MyDossier:
    """Return one of the citizen's dossiers by code, or raise :class:`NotFoundError`."""
    rows = my_dossiers(citizen, code=code) if code else []
    if not rows:
        raise NotFoundError(_("There is no such dossier among yours."))
    return rows[0]


def can_answer_supplement(row: MyDossier) -> bool:
    """Whether the applicant may still answer the open supplement request online."""
    return (
        row.dossier.status == DossierStatus.AWAITING_SUPPLEMENT
        and row.pause is not None
        and not hasattr(row.pause, "online_answer")
    )


def my_dossiers(citizen: Citizen, *, code: str | None = None) -> list[MyDossier]:
    """The citizen's dossiers, newest first, with due date and what is asked of them now.

    Two queries whatever the number of dossiers (the dossiers, their open pauses).
    With ``code``, only that dossier (when it is the citizen's).
    """
    mine = Dossier.objects.filter(my_dossiers_q(citizen))
    if code is not None:
        mine = mine.filter(code=code)
    dossiers = (
        mine.select_related("procedure_version__procedure", "receiving_unit")
        .prefetch_related(
            Prefetch(
                "pauses",
                queryset=Pause.objects.filter(ended_at__isnull=True).select_related(
                    "online_answer"
                ),
                to_attr="open_pauses",
            )
        )
        .distinct()
        .order_by("-submitted_at", "-id")
    )
    rows = []
    for dossier in dossiers:
        pauses = getattr(dossier, "open_pauses", [])
        pause = pauses[0] if pauses else None
        rows.append(
            MyDossier(
                dossier=dossier,
                due_at=dossier.extended_due_at or dossier.due_at,
                asked=asked_of_applicant(dossier, pause),
                pause=pause,
            )
        )
    return rows


def asked_of_applicant(dossier: Dossier, pause: Pause | None) -> str:
    """What the applicant has to do now, in one sentence, or ''."""
    status = dossier.status
    if status == DossierStatus.AWAITING_SUPPLEMENT:
        if pause is not None and hasattr(pause, "online_answer"):
            return _("Supplement sent; the desk is checking it.")
        return _("Send the supplement asked for: %(reason)s") % {
            "reason": (pause.reason if pause is not None else "") or "—"
        }
    if status == DossierStatus.AWAITING_PAYMENT:
        return _("Pay the fees and charges asked for.")
    if status == DossierStatus.RESULT_READY:
        return _("Collect the result.")
    if status == DossierStatus.AWAITING_INTAKE:
        return _("Nothing; the desk is checking the dossier before accepting it.")
    return ""


def attachment_for_user(user: Any, pk: int) -> Attachment:
    """Return the attachment if ``user`` may see it, else raise :class:`NotFoundError`.

    The applicant sees the files of their drafts and dossiers; staff see a
    dossier's files when the dossier is in their scope (and the read is
    logged, as for the dossier's personal data).
    """
    attachment = (
        Attachment.objects.select_related("draft__citizen", "dossier").filter(pk=pk).first()
    )
    missing = NotFoundError(_("There is no such file, or it is not yours to see."))
    if attachment is None:
        raise missing
    citizen = citizen_of(user)
    draft = attachment.draft
    if draft is not None and citizen is not None and draft.citizen_id == citizen.pk:
        return attachment
    dossier = attachment.dossier
    if dossier is None:
        raise missing
    if citizen is not None:
        if Dossier.objects.filter(my_dossiers_q(citizen), pk=dossier.pk).exists():
            return attachment
        raise missing
    try:
        dossier_get_for_user(user, dossier.code or str(dossier.pk))
    except NotFoundError:
        raise missing from None
    dossier_log_view(actor=user, dossier=dossier, via="attachment")
    return attachment


def dossier_attachments(dossier: Dossier) -> list[Attachment]:
    return list(Attachment.objects.filter(dossier=dossier).select_related("document"))


@dataclass
class DigitisationShare:
    unit_id: int
    unit_name: str
    paper: int
    digitised: int

    @property
    def percent(self) -> float:
        return round(100 * self.digitised / self.paper, 1) if self.paper else 0.0


def digitisation_shares(start: date, end: date) -> list[DigitisationShare]:
    """Per receiving desk: paper dossiers received in [start, end] and those with a scan.

    A paper dossier (at the counter or by post) counts as digitised when
    at least one of its document lines has a scan (số hóa hồ sơ).
    """
    since = datetime.combine(start, time.min, tzinfo=VN)
    until = datetime.combine(end + timedelta(days=1), time.min, tzinfo=VN)
    rows = (
        Dossier.objects.filter(
            channel__in=[Channel.COUNTER, Channel.POST],
            received_at__gte=since,
            received_at__lt=until,
        )
        .values("receiving_unit_id", "receiving_unit__name")
        .annotate(
            paper=Count("id", distinct=True),
            digitised=Count("id", distinct=True, filter=Q(attachments__kind=AttachmentKind.SCAN)),
        )
        .order_by("receiving_unit__name")
    )
    return [
        DigitisationShare(
            unit_id=row["receiving_unit_id"],
            unit_name=row["receiving_unit__name"],
            paper=row["paper"],
            digitised=row["digitised"],
        )
        for row in rows
    ]
