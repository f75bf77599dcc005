"""What the feedback services share: role checks, the staff refusal, the scheme in force."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from motcua.core import clock
from motcua.core.errors import ApplicationError, PermissionDeniedError
from motcua.feedback.models import EvaluationScheme
from motcua.org.models import RoleAssignment, Unit
from motcua.org.selectors import user_has_role


def is_staff_user(actor: Any) -> bool:
    """Return whether ``actor`` is a signed-in staff member (any role, or the admin flag)."""
    if not getattr(actor, "is_authenticated", False):
        return False
    return bool(actor.is_staff or RoleAssignment.objects.filter(user_id=actor.pk).exists())


def refuse_staff(actor: Any) -> None:
    """Refuse a rating given by staff: only the citizen rates (the numbers stay honest)."""
    if is_staff_user(actor):
        raise PermissionDeniedError(
            _(
                "Staff cannot rate for the citizen. Hand the kiosk or the link to the "
                "applicant, and sign out on this device first."
            ),
            code="staff_cannot_rate",
        )


def holds_any(actor: Any, roles: Iterable[str], unit: Unit) -> bool:
    return any(user_has_role(actor, role, unit) for role in roles)


def require_any(actor: Any, roles: Iterable[str], unit: Unit, *, what: str) -> None:
    """Require one of ``roles`` over ``unit``; the message names what was refused."""
    if holds_any(actor, roles, unit):
        return
    raise PermissionDeniedError(
        _("You cannot %(what)s for %(unit)s.") % {"what": what, "unit": unit.name}
    )


def director_roles() -> list[str]:
    return list(settings.MOTCUA_FEEDBACK_DIRECTOR_ROLES)


def reader_roles() -> list[str]:
    return list(settings.MOTCUA_FEEDBACK_READER_ROLES)


def scheme_in_force(day: date | None = None) -> EvaluationScheme:
    """Return the evaluation scheme in force on ``day`` (today by default)."""
    on = day or clock.localdate()
    scheme = EvaluationScheme.objects.filter(effective_from__lte=on).first()
    if scheme is None:
        raise ApplicationError(
            _("No evaluation scheme is in force on %(day)s; an administrator must add one.")
            % {"day": on.strftime("%d/%m/%Y")},
            code="no_scheme",
        )
    return scheme
