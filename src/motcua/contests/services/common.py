"""What every change to a judged contest shares: permissions, the round lock, errors."""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from motcua.contests import conf
from motcua.contests.models import (
    Contest,
    Round,
    RoundStatus,
)
from motcua.core.errors import ApplicationError, ConflictError, PermissionDeniedError
from motcua.core.text import nfc
from motcua.org.selectors import user_has_role

TWO_PLACES = Decimal("0.01")


def _field(field: str, message: str, code: str) -> ApplicationError:
    return ApplicationError(
        message, code=code, extra={"errors": [{"field": field, "message": message}]}
    )


def is_organiser(actor: Any, contest: Contest) -> bool:
    """Return whether ``actor`` organises ``contest`` (a role over its unit, or the admin flag)."""
    if not getattr(actor, "is_authenticated", False):
        return False
    if getattr(actor, "is_superuser", False):
        return True
    return any(user_has_role(actor, role, contest.organiser) for role in conf.organiser_roles())


def require_organiser(actor: Any, contest: Contest) -> None:
    if not is_organiser(actor, contest):
        raise PermissionDeniedError(
            _("Only the organisers of %(contest)s can do this.") % {"contest": contest.name},
            code="not_organiser",
        )


def _require_preparing(round_: Round) -> None:
    if round_.status != RoundStatus.PREPARING:
        raise ConflictError(
            _("The round %(round)s is no longer being prepared: its setup cannot change.")
            % {"round": round_.name},
            code="round_not_preparing",
        )


def _locked_round(round_: Round) -> Round:
    return Round.objects.select_for_update().select_related("contest__organiser").get(pk=round_.pk)


def _reason(text: str, too_short: str) -> str:
    """Return the organiser's reason, normalised; refuse one shorter than the setting
    with ``too_short`` (a message with ``%(count)s``)."""
    reason = nfc(text or "").strip()
    if len(reason) < conf.reopen_reason_min():
        raise _field("reason", too_short % {"count": conf.reopen_reason_min()}, "reason_required")
    return reason


def _points(value: Any, field: str) -> Decimal:
    try:
        points = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise _field(
            field, _("Write the points as a number, e.g. 8.5."), "invalid_points"
        ) from None
    if not points.is_finite():
        raise _field(field, _("Write the points as a number, e.g. 8.5."), "invalid_points")
    if points != points.quantize(TWO_PLACES):
        raise _field(field, _("Points have at most two decimals (e.g. 8.25)."), "too_many_decimals")
    return points.quantize(TWO_PLACES)
