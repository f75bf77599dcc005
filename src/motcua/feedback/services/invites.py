"""The rating link in the return SMS/e-mail: signed, expiring, single use.

The token is the invite's id and a random nonce, signed with the site's
secret key (:mod:`django.core.signing`), so a forged or altered token fails
its signature. The row keeps the expiry and the instant it was used: a
used link cannot be replayed, an expired one is refused.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils.translation import gettext as _

from motcua.core import clock
from motcua.core.audit import audit_record
from motcua.core.errors import ApplicationError, ConflictError
from motcua.dossiers.models import Dossier
from motcua.feedback.constants import EvaluationChannel
from motcua.feedback.models import Evaluation, RatingInvite
from motcua.feedback.services.evaluations import evaluation_submit

SALT = "motcua.feedback.rating-link"


def invite_create(*, dossier: Dossier) -> str:
    """Create the invite of a returned dossier and return its signed token."""
    now = clock.now()
    invite = RatingInvite.objects.create(
        dossier=dossier,
        nonce=secrets.token_urlsafe(16),
        created_at=now,
        expires_at=now + timedelta(days=settings.MOTCUA_FEEDBACK_LINK_DAYS),
    )
    audit_record(
        actor="system",
        action="feedback.invite_create",
        obj=invite,
        new_stream=True,
        data={"dossier": dossier.code, "expires": invite.expires_at.isoformat()},
    )
    return invite_token(invite)


def invite_token(invite: RatingInvite) -> str:
    return signing.dumps({"i": invite.pk, "n": invite.nonce}, salt=SALT, compress=False)


def _invalid() -> ApplicationError:
    return ApplicationError(
        _("This rating link is not valid. Use the link in the message exactly as received."),
        code="invalid_link",
    )


def invite_open(token: str, *, lock: bool = False) -> RatingInvite:
    """Return the invite of ``token``; refuse a forged, expired or used link."""
    try:
        payload = signing.loads(token or "", salt=SALT)
    except signing.BadSignature:
        raise _invalid() from None
    if not isinstance(payload, dict) or not isinstance(payload.get("i"), int):
        raise _invalid()
    query = RatingInvite.objects.select_related("dossier__procedure_version")
    if lock:
        query = query.select_for_update(of=("self",))
    invite = query.filter(pk=payload["i"], nonce=str(payload.get("n", ""))).first()
    if invite is None:
        raise _invalid()
    if invite.used_at is not None:
        raise ConflictError(
            _("This rating link has already been used. Thank you for your rating."),
            code="link_used",
        )
    if invite.expires_at < clock.now():
        raise ApplicationError(_("This rating link has expired."), code="link_expired")
    return invite


def invite_rate(
    *,
    token: str,
    level: str,
    scores: list[int] | None = None,
    comment: str = "",
    actor: Any = None,
) -> Evaluation:
    """Rate the dossier of the link ``token``, and use the link up."""
    with transaction.atomic():
        invite = invite_open(token, lock=True)
        evaluation = evaluation_submit(
            dossier=invite.dossier_id,
            channel=EvaluationChannel.LINK,
            level=level,
            scores=scores,
            comment=comment,
            actor=actor,
            via=f"invite:{invite.pk}",
        )
        invite.used_at = clock.now()
        invite.save(update_fields=["used_at"])
    return evaluation
