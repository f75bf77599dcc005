"""The routers and what every dossier endpoint shares: callers, errors, the dossier looked up."""

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib.auth import get_user_model
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status

from motcua.api.auth import STAFF_AUTH
from motcua.catalog.models import ProcedureVersion
from motcua.core.errors import (
    ApplicationError,
    ConflictError,
)
from motcua.dossiers import services
from motcua.dossiers.api.output import _dossier, _intake, _reloaded
from motcua.dossiers.constants import (
    Channel,
)
from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import (
    dossier_get_for_user,
)
from motcua.org.models import Unit
from motcua.org.selectors import unit_get_cached

router = Router(tags=["dossiers"], auth=STAFF_AUTH)


logbook_router = Router(tags=["logbook"], auth=STAFF_AUTH)


def _field_error(field: str, message: str, code: str) -> ApplicationError:
    return ApplicationError(
        message, code=code, extra={"errors": [{"field": field, "message": message}]}
    )


def _receiving_unit(unit_id: int) -> Unit:
    unit = unit_get_cached(unit_id)
    if unit is None:
        raise _field_error(
            "receiving_unit_id",
            _("There is no unit with id %(id)s.") % {"id": unit_id},
            "unknown_unit",
        )
    return unit


def _version(version_id: int | None) -> ProcedureVersion | None:
    if version_id is None:
        return None
    version = ProcedureVersion.objects.select_related("procedure").filter(pk=version_id).first()
    if version is None:
        raise _field_error(
            "procedure_version_id",
            _("There is no procedure version with id %(id)s.") % {"id": version_id},
            "unknown_procedure_version",
        )
    return version


def _intake_response(result: services.IntakeResult) -> Status[dict[str, Any]]:
    dossier = result.dossier
    if not result.created:
        dossier = _reloaded(dossier)
    missing: list[str] = []
    if dossier.channel == Channel.ONLINE:
        missing = list(
            dossier.documents.filter(is_mandatory=True, provided=False).values_list(
                "name", flat=True
            )
        )
    return Status(201 if result.created else 200, _intake(dossier, missing=missing))


T = TypeVar("T")


def _active_user(field: str, user_id: int | None) -> Any:
    """Return the active user ``user_id`` named in the body's ``field`` (None for none)."""
    if user_id is None:
        return None
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise _field_error(
            field,
            _("There is no active user with id %(id)s.") % {"id": user_id},
            "unknown_user",
        )
    return user


def _caller(request: HttpRequest) -> Any:
    """Return the authenticated staff member (set by the router's auth)."""
    return request.auth  # type: ignore[attr-defined]


def _act(dossier: Dossier, call: Callable[[], T]) -> T:
    """Run one service; add the current version and status to a conflict that lacks them."""
    try:
        return call()
    except ConflictError as exc:
        if "version" not in exc.extra:
            current = Dossier.objects.filter(pk=dossier.pk).values("version", "status").first()
            exc.extra = {**exc.extra, **(current or {})}
        raise


def _target(request: HttpRequest, code: str) -> Dossier:
    return dossier_get_for_user(_caller(request), code)


def _summary_of(dossier: Dossier) -> dict[str, Any]:
    return _dossier(_reloaded(dossier))
