"""Citizen feedback and recommendations (phản ánh, kiến nghị — PAKN), from receipt to rating.

received → (classified, linked to a dossier, assigned with a deadline in
working days) assigned → answered → published (only when the citizen
agreed). The citizen follows and rates the answer through a signed link
(:func:`pakn_token`). Every change writes an audit record; overdue ones
are alerted by :mod:`motcua.feedback.jobs`. They feed group 5 of the
service index (QĐ 766: 5.1 classification, 5.2 on time, 5.3 satisfaction).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core import clock
from motcua.core.audit import audit_record
from motcua.core.errors import ApplicationError, ConflictError, NotFoundError, PermissionDeniedError
from motcua.core.notifications import notify
from motcua.core.text import nfc
from motcua.core.uploads import (
    CheckedUpload,
    UploadError,
    atomic_with_files,
    check_upload,
    store_upload,
)
from motcua.dossiers.models import Dossier
from motcua.feedback.constants import (
    STAFF_PAKN_CHANNELS,
    AnswerRating,
    PaknChannel,
    PaknKind,
    PaknStatus,
)
from motcua.feedback.models import Pakn, PaknAttachment
from motcua.feedback.services.common import director_roles, holds_any, is_staff_user, require_any
from motcua.org.models import Unit
from motcua.workdays.core import CalendarMissingError
from motcua.workdays.loader import calendar_for_unit

SALT = "motcua.feedback.pakn"


@dataclass(frozen=True)
class Sender:
    name: str
    phone: str = ""
    email: str = ""
    address: str = ""


def _field(field: str, message: str, code: str) -> ApplicationError:
    return ApplicationError(
        message, code=code, extra={"errors": [{"field": field, "message": message}]}
    )


def pakn_token(pakn: Pakn) -> str:
    """Return the signed token of the citizen's link to follow and rate ``pakn``."""
    return signing.dumps({"p": pakn.pk, "n": pakn.access_nonce}, salt=SALT, compress=False)


def pakn_from_token(token: str) -> Pakn:
    """Return the PAKN of a citizen's link; refuse a forged one."""
    try:
        payload = signing.loads(token or "", salt=SALT)
    except signing.BadSignature:
        payload = None
    pakn = None
    if isinstance(payload, dict) and isinstance(payload.get("p"), int):
        pakn = (
            Pakn.objects.select_related("unit", "dossier")
            .filter(pk=payload["p"], access_nonce=str(payload.get("n", "")))
            .first()
        )
    if pakn is None:
        raise ApplicationError(
            _("This link is not valid. Use the link you received exactly as it is."),
            code="invalid_link",
        )
    return pakn


def pakn_submit(
    *,
    channel: str,
    sender: Sender,
    title: str,
    content: str,
    consent_publish: bool = False,
    actor: Any = None,
    unit: Unit | None = None,
    dossier_code: str = "",
    files: Sequence[Any] = (),
) -> Pakn:
    """Receive a PAKN: from the portal (citizen, with or without an account) or from staff.

    Staff enter letters, hotline calls and counter remarks (their role is
    checked on ``unit``, the unit that received it); the portal's channels
    are refused to staff and the staff channels to the public.
    """
    name = nfc(sender.name or "")
    title = nfc(title or "")
    content = nfc(content or "")
    phone = "".join(ch for ch in (sender.phone or "") if ch.isdigit() or ch == "+")
    email = (sender.email or "").strip()
    if channel not in PaknChannel.values:
        raise _field("channel", _("Choose how the feedback was received."), "invalid_channel")
    if not name:
        raise _field("sender_name", _("Write the sender's full name."), "name_required")
    if not title:
        raise _field("title", _("Write the subject of the feedback."), "title_required")
    if len(content) < 10:
        raise _field(
            "content", _("Describe the feedback in at least 10 characters."), "content_required"
        )
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise _field(
                "sender_email", _("The e-mail address is not valid."), "invalid_email"
            ) from None
    if not (phone or email or sender.address):
        raise _field(
            "sender_phone",
            _("Give a phone number, an e-mail or an address, so the answer can reach the sender."),
            "contact_required",
        )
    staff = is_staff_user(actor)
    if channel in STAFF_PAKN_CHANNELS:
        if unit is None:
            raise _field("unit_id", _("Choose the unit that received it."), "unit_required")
        require_any(
            actor, ["intake_officer", *director_roles()], unit, what=_("enter citizen feedback")
        )
    elif staff:
        raise PermissionDeniedError(
            _("Staff enter feedback as a letter, a hotline call or at the counter."),
            code="staff_channel",
        )
    if channel == PaknChannel.PORTAL_ACCOUNT and not getattr(actor, "is_authenticated", False):
        raise PermissionDeniedError(
            _("Sign in to your account to send feedback with it."), code="not_signed_in"
        )
    dossier = _dossier(dossier_code)
    checked = _checked_files(files)
    with atomic_with_files():
        now = clock.now()
        pakn = Pakn.objects.create(
            channel=channel,
            status=PaknStatus.RECEIVED,
            title=title[:200],
            content=content[:10000],
            sender_name=name[:200],
            sender_phone=phone[:20],
            sender_email=email,
            sender_address=nfc(sender.address or "")[:300],
            consent_publish=bool(consent_publish),
            citizen=actor if channel == PaknChannel.PORTAL_ACCOUNT else None,
            entered_by=actor if staff else None,
            dossier=dossier,
            unit=unit if staff else None,
            received_at=now,
            access_nonce=secrets.token_urlsafe(16),
        )
        local = timezone.localtime(now)
        pakn.code = f"PAKN-{local:%y%m%d}-{pakn.pk:05d}"
        pakn.save(update_fields=["code"])
        PaknAttachment.objects.bulk_create(
            PaknAttachment(
                pakn=pakn,
                name=upload.name[:200],
                content_type=upload.content_type,
                size=upload.size,
                sha256=upload.sha256,
                file=store_upload(upload, folder="pakn"),
                created_at=now,
            )
            for upload in checked
        )
        audit_record(
            actor=actor if staff else f"citizen:{channel}",
            action="feedback.pakn_submit",
            obj=pakn,
            new_stream=True,
            data={
                "code": pakn.code,
                "channel": channel,
                "dossier": dossier.code if dossier else None,
                "files": [upload.sha256 for upload in checked],
            },
        )
        _tell_sender(pakn, "feedback.pakn_received")
    return pakn


MAX_FILES = 3


def _checked_files(files: Sequence[Any]) -> list[CheckedUpload]:
    """Check every file before anything is written; refuse more than ``MAX_FILES``."""
    given = [f for f in files if f]
    if len(given) > MAX_FILES:
        raise _field(
            "attachments",
            _("Attach at most %(count)s files.") % {"count": MAX_FILES},
            "too_many_files",
        )
    checked = []
    for item in given:
        try:
            checked.append(check_upload(item))
        except UploadError as exc:
            raise _field("attachments", exc.message, exc.code) from None
    return checked


def _dossier(code: str) -> Dossier | None:
    code = (code or "").strip().upper()
    if not code:
        return None
    dossier = Dossier.objects.filter(code=code).first()
    if dossier is None:
        raise _field(
            "dossier_code",
            _("No dossier has the code %(code)s; check it on the receipt.") % {"code": code},
            "unknown_dossier",
        )
    return dossier


def _tell_sender(pakn: Pakn, event: str) -> None:
    url = (
        settings.MOTCUA_PUBLIC_URL.rstrip("/") + f"/phan-anh-kien-nghi/theo-doi/{pakn_token(pakn)}/"
    )
    notify(
        event=event,
        context={"pakn": pakn, "url": url},
        email=pakn.sender_email,
        phone=pakn.sender_phone,
        obj=pakn,
    )


def _lock(pakn: Pakn | int) -> Pakn:
    pk = pakn.pk if isinstance(pakn, Pakn) else pakn
    locked = (
        Pakn.objects.select_for_update(of=("self",)).select_related("unit").filter(pk=pk).first()
    )
    if locked is None:
        raise NotFoundError(_("This feedback does not exist."))
    return locked


def _wrong_state(pakn: Pakn) -> ConflictError:
    return ConflictError(
        _("Feedback %(code)s is “%(status)s”; this step is not possible now.")
        % {"code": pakn.code, "status": pakn.get_status_display()},
        code="not_allowed_now",
    )


def pakn_assign(
    *, pakn: Pakn | int, actor: Any, kind: str, unit: Unit, dossier_code: str = "", note: str = ""
) -> Pakn:
    """Classify a received PAKN, link its dossier, and assign it to ``unit`` with a deadline."""
    if kind not in PaknKind.values:
        raise _field("kind", _("Classify the feedback."), "kind_required")
    dossier = _dossier(dossier_code)
    with transaction.atomic():
        locked = _lock(pakn)
        if locked.status not in (PaknStatus.RECEIVED, PaknStatus.ASSIGNED):
            raise _wrong_state(locked)
        require_any(actor, director_roles(), unit, what=_("assign citizen feedback"))
        if locked.unit is not None and locked.unit != unit:
            require_any(actor, director_roles(), locked.unit, what=_("assign citizen feedback"))
        now = clock.now()
        try:
            due = calendar_for_unit(unit).due_working_days(now, settings.MOTCUA_PAKN_ANSWER_DAYS)
        except CalendarMissingError as exc:  # pragma: no cover - only without a confirmed year
            raise ApplicationError(str(exc), code="calendar_missing") from exc
        before = locked.status
        locked.kind = kind
        locked.unit = unit
        locked.dossier = dossier or locked.dossier
        locked.status = PaknStatus.ASSIGNED
        locked.assigned_at = now
        locked.due_at = due
        locked.overdue_alerted = False
        locked.save()
        audit_record(
            actor=actor,
            action="feedback.pakn_assign",
            obj=locked,
            data={
                "from": before,
                "kind": kind,
                "unit": unit.pk,
                "due": due.isoformat(),
                "dossier": locked.dossier.code if locked.dossier else None,
                "note": nfc(note or ""),
            },
        )
    return locked


def pakn_answer(*, pakn: Pakn | int, actor: Any, answer: str) -> Pakn:
    """Record and send the answer to the sender."""
    answer = nfc(answer or "")
    if len(answer) < 10:
        raise _field("answer", _("Write the answer (at least 10 characters)."), "answer_required")
    with transaction.atomic():
        locked = _lock(pakn)
        if locked.status != PaknStatus.ASSIGNED or locked.unit is None:
            raise _wrong_state(locked)
        require_any(actor, director_roles(), locked.unit, what=_("answer citizen feedback"))
        now = clock.now()
        locked.answer = answer
        locked.answered_at = now
        locked.answered_by = actor
        locked.status = PaknStatus.ANSWERED
        locked.save()
        audit_record(
            actor=actor,
            action="feedback.pakn_answer",
            obj=locked,
            data={"on_time": bool(locked.due_at and now <= locked.due_at), "answer": answer},
        )
        _tell_sender(locked, "feedback.pakn_answered")
    return locked


def pakn_publish(*, pakn: Pakn | int, actor: Any) -> Pakn:
    """Publish the question and answer on the portal; only when the sender agreed."""
    with transaction.atomic():
        locked = _lock(pakn)
        if locked.status != PaknStatus.ANSWERED or locked.unit is None:
            raise _wrong_state(locked)
        require_any(actor, director_roles(), locked.unit, what=_("publish citizen feedback"))
        if not locked.consent_publish:
            raise ConflictError(
                _("The sender did not agree to publication: the answer stays private."),
                code="no_consent",
            )
        locked.status = PaknStatus.PUBLISHED
        locked.published_at = clock.now()
        locked.save()
        audit_record(actor=actor, action="feedback.pakn_publish", obj=locked, data={})
    return locked


def pakn_rate_answer(*, token: str, rating: str, actor: Any = None) -> Pakn:
    """Record the sender's rating of the answer (once), through their link."""
    if rating not in AnswerRating.values:
        raise _field("rating", _("Choose satisfied or dissatisfied."), "invalid_rating")
    if is_staff_user(actor):
        raise PermissionDeniedError(
            _("Staff cannot rate for the citizen."), code="staff_cannot_rate"
        )
    with transaction.atomic():
        locked = _lock(pakn_from_token(token))
        if locked.status not in (PaknStatus.ANSWERED, PaknStatus.PUBLISHED):
            raise ConflictError(_("The feedback has not been answered yet."), code="not_answered")
        if locked.answer_rating:
            raise ConflictError(_("The answer has already been rated."), code="already_rated")
        locked.answer_rating = rating
        locked.answer_rated_at = clock.now()
        locked.save(update_fields=["answer_rating", "answer_rated_at", "updated_at"])
        audit_record(
            actor=f"citizen:{locked.channel}",
            action="feedback.pakn_rate_answer",
            obj=locked,
            data={"rating": rating},
        )
    return locked


def pakn_can_handle(actor: Any, pakn: Pakn) -> bool:
    return pakn.unit is not None and holds_any(actor, director_roles(), pakn.unit)
