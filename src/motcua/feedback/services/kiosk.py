"""The counter kiosk: a tablet facing the citizen, driven only from its own desk.

An officer returns a result and sends the dossier to a kiosk of the desk
(:func:`kiosk_send`); the tablet, paired once and holding a secret cookie,
shows the procedure's name (nothing personal) and the buttons; the
citizen's taps become the rating (:func:`kiosk_rate`); the kiosk resets
itself after the rating or when nobody tapped in time.

"Cannot be driven from another desk": only an intake officer of the
kiosk's desk may send to it, only dossiers received at that desk (or
below it), and a rating is accepted only from the tablet holding the
kiosk's secret, for the session sent to that kiosk.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from motcua.core import clock
from motcua.core.audit import audit_record
from motcua.core.errors import ApplicationError, ConflictError, NotFoundError, PermissionDeniedError
from motcua.dossiers.models import Dossier
from motcua.feedback.constants import EvaluationChannel, KioskSessionStatus
from motcua.feedback.models import Evaluation, Kiosk, KioskSession
from motcua.feedback.services.common import director_roles, require_any
from motcua.feedback.services.evaluations import evaluation_check_open, evaluation_submit
from motcua.org.models import Unit
from motcua.org.selectors import unit_subtree, user_has_role

PAIRING_MINUTES = 10
DESK_ROLES = ("intake_officer",)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def kiosk_create(*, unit: Unit, name: str, actor: Any) -> Kiosk:
    """Add a kiosk to a desk (an intake officer or director of the desk)."""
    name = " ".join((name or "").split())
    if not name:
        raise ApplicationError(_("Give the kiosk a name, e.g. “Counter 3”."), code="name_required")
    require_any(actor, [*DESK_ROLES, *director_roles()], unit, what=_("manage kiosks"))
    with transaction.atomic():
        if Kiosk.objects.filter(unit=unit, name=name).exists():
            raise ConflictError(
                _("The desk already has a kiosk named %(name)s.") % {"name": name},
                code="duplicate",
            )
        kiosk = Kiosk.objects.create(unit=unit, name=name)
        audit_record(
            actor=actor, action="feedback.kiosk_create", obj=kiosk, new_stream=True, data={}
        )
    return kiosk


def kiosk_pairing_start(*, kiosk: Kiosk, actor: Any) -> str:
    """Return a code, valid a few minutes, that pairs a tablet with ``kiosk``."""
    require_any(actor, [*DESK_ROLES, *director_roles()], kiosk.unit, what=_("manage kiosks"))
    code = f"{secrets.randbelow(10**8):08d}"
    with transaction.atomic():
        locked = Kiosk.objects.select_for_update().get(pk=kiosk.pk)
        locked.pairing_code = code
        locked.pairing_expires_at = clock.now() + timedelta(minutes=PAIRING_MINUTES)
        locked.save(update_fields=["pairing_code", "pairing_expires_at", "updated_at"])
        audit_record(actor=actor, action="feedback.kiosk_pairing_start", obj=locked, data={})
    return code


def kiosk_pair(*, code: str) -> tuple[Kiosk, str]:
    """Pair the tablet that typed ``code``: return the kiosk and the tablet's new secret.

    A new secret replaces the old one, so a tablet paired before stops working.
    """
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    with transaction.atomic():
        kiosk = (
            Kiosk.objects.select_for_update()
            .filter(pairing_code=code, is_active=True)
            .exclude(pairing_code="")
            .first()
        )
        if (
            kiosk is None
            or kiosk.pairing_expires_at is None
            or kiosk.pairing_expires_at < clock.now()
        ):
            raise ApplicationError(
                _("This pairing code is wrong or expired. Ask the desk for a new one."),
                code="invalid_pairing_code",
            )
        secret = secrets.token_urlsafe(32)
        kiosk.secret_hash = _hash(secret)
        kiosk.pairing_code = ""
        kiosk.pairing_expires_at = None
        kiosk.paired_at = clock.now()
        kiosk.save()
        audit_record(actor="kiosk", action="feedback.kiosk_pair", obj=kiosk, data={})
    return kiosk, f"{kiosk.pk}.{secret}"


def kiosk_from_secret(value: str | None) -> Kiosk | None:
    """Return the active kiosk whose tablet holds ``value`` (the cookie), else None."""
    if not value or "." not in value:
        return None
    pk, _sep, secret = value.partition(".")
    if not pk.isdigit():
        return None
    kiosk = Kiosk.objects.select_related("unit").filter(pk=int(pk), is_active=True).first()
    if kiosk is None or not kiosk.secret_hash:
        return None
    if not hmac.compare_digest(kiosk.secret_hash, _hash(secret)):
        return None
    return kiosk


def _expire(kiosk: Kiosk) -> None:
    now = clock.now()
    KioskSession.objects.filter(
        kiosk=kiosk, status=KioskSessionStatus.PENDING, expires_at__lt=now
    ).update(status=KioskSessionStatus.EXPIRED, ended_at=now)


def kiosk_send(*, kiosk: Kiosk, dossier: Dossier, actor: Any) -> KioskSession:
    """Send a returned dossier to the desk's kiosk for the applicant to rate.

    Refused from another desk: the officer must be an intake officer of the
    kiosk's desk, and the dossier must have been received there. A dossier
    still waiting on the kiosk is replaced.
    """
    if not any(user_has_role(actor, role, kiosk.unit) for role in DESK_ROLES):
        raise PermissionDeniedError(
            _("Only the officers of %(unit)s can use its kiosks.") % {"unit": kiosk.unit.name},
            code="other_desk",
        )
    if not unit_subtree(kiosk.unit).filter(pk=dossier.receiving_unit_id).exists():
        raise PermissionDeniedError(
            _("Dossier %(code)s was received at another desk; use that desk's kiosk.")
            % {"code": dossier.code},
            code="other_desk",
        )
    if not kiosk.is_active or not kiosk.secret_hash:
        raise ApplicationError(
            _("Kiosk %(name)s is not paired with a tablet.") % {"name": kiosk.name},
            code="kiosk_not_paired",
        )
    with transaction.atomic():
        Kiosk.objects.select_for_update().filter(pk=kiosk.pk).first()
        evaluation_check_open(dossier)
        now = clock.now()
        KioskSession.objects.filter(kiosk=kiosk, status=KioskSessionStatus.PENDING).update(
            status=KioskSessionStatus.CANCELLED, ended_at=now
        )
        session = KioskSession.objects.create(
            kiosk=kiosk,
            dossier=dossier,
            sent_by=actor,
            status=KioskSessionStatus.PENDING,
            created_at=now,
            expires_at=now + timedelta(seconds=settings.MOTCUA_FEEDBACK_KIOSK_SECONDS),
        )
        audit_record(
            actor=actor,
            action="feedback.kiosk_send",
            obj=kiosk,
            data={"dossier": dossier.code, "session": session.pk},
        )
    return session


def kiosk_current(kiosk: Kiosk) -> KioskSession | None:
    """Return the session waiting on ``kiosk``, after expiring the stale ones."""
    _expire(kiosk)
    return (
        KioskSession.objects.select_related("dossier__procedure_version")
        .filter(kiosk=kiosk, status=KioskSessionStatus.PENDING)
        .first()
    )


def kiosk_rate(
    *,
    kiosk: Kiosk,
    session_id: int,
    level: str,
    scores: list[int] | None = None,
    comment: str = "",
    actor: Any = None,
) -> Evaluation:
    """Record the citizen's taps on ``kiosk`` for the session sent to it."""
    with transaction.atomic():
        session = (
            KioskSession.objects.select_for_update(of=("self",))
            .select_related("dossier")
            .filter(pk=session_id, kiosk=kiosk)
            .first()
        )
        if session is None:
            raise NotFoundError(
                _("Nothing was sent to this kiosk for rating."), code="no_kiosk_session"
            )
        if session.status != KioskSessionStatus.PENDING or session.expires_at < clock.now():
            raise ConflictError(
                _("This rating screen has expired. Ask the officer to send it again."),
                code="kiosk_session_over",
            )
        evaluation = evaluation_submit(
            dossier=session.dossier,
            channel=EvaluationChannel.KIOSK,
            level=level,
            scores=scores,
            comment=comment,
            actor=actor,
            via=f"kiosk:{kiosk.pk}",
        )
        session.status = KioskSessionStatus.RATED
        session.ended_at = clock.now()
        session.save(update_fields=["status", "ended_at"])
    return evaluation


def kiosk_session_for_officer(*, session_id: int, actor: Any) -> KioskSession:
    """Return a session for the officer's status screen (only its sender's desk sees it)."""
    session = (
        KioskSession.objects.select_related("kiosk__unit", "dossier").filter(pk=session_id).first()
    )
    if session is None or not any(
        user_has_role(actor, role, session.kiosk.unit) for role in DESK_ROLES
    ):
        raise NotFoundError(_("This kiosk session does not exist."))
    _expire(session.kiosk)
    session.refresh_from_db()
    return session


def kiosks_for_officer(actor: Any, dossier: Dossier) -> list[Kiosk]:
    """Return the paired kiosks of the desks above ``dossier``'s receiving unit the officer serves."""
    unit = dossier.receiving_unit
    ancestors = unit.ancestor_ids()
    kiosks = (
        Kiosk.objects.select_related("unit")
        .filter(unit_id__in=ancestors, is_active=True)
        .exclude(secret_hash="")
    )
    return [k for k in kiosks if any(user_has_role(actor, r, k.unit) for r in DESK_ROLES)]
