"""JSON API of the unit tree, mounted at /api/v1/org/.

Units are public information (the statistics office publishes the list),
so these read-only operations need no login. No ``from __future__ import
annotations`` here: django-ninja reads the annotations at import time.
"""

from datetime import date

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from motcua.core.errors import NotFoundError
from motcua.core.schemas import error_responses
from motcua.org import selectors
from motcua.org.models import Unit, UnitSuccession

router = Router(tags=["org"])


class UnitFilter(Schema):
    valid_on: date | None = None
    kind: str | None = None
    parent: int | None = None
    within: int | None = None
    q: str | None = None


class UnitRefOut(Schema):
    id: int
    name: str
    kind: str
    admin_code: str
    valid_from: date | None
    valid_to: date | None


class UnitFields(Schema):
    id: int
    name: str
    short_name: str
    kind: str
    kind_name: str
    parent_id: int | None
    admin_code: str
    agency_code: str
    valid_from: date | None
    valid_to: date | None
    depth: int
    path: str


class UnitOut(UnitFields):
    @staticmethod
    def resolve_kind(obj: Unit) -> str:
        return obj.kind.code

    @staticmethod
    def resolve_kind_name(obj: Unit) -> str:
        return obj.kind.name


class SuccessionOut(Schema):
    unit: UnitRefOut
    effective_on: date
    legal_basis: str
    carries_statistics: bool


class UnitDetailOut(UnitFields):
    address: str
    phone: str
    ancestors: list[UnitRefOut]
    predecessors: list[SuccessionOut]
    successors: list[SuccessionOut]


def _ref(unit: Unit) -> dict[str, object]:
    return {
        "id": unit.pk,
        "name": unit.name,
        "kind": unit.kind.code,
        "admin_code": unit.admin_code,
        "valid_from": unit.valid_from,
        "valid_to": unit.valid_to,
    }


def _succession(link: UnitSuccession, unit: Unit) -> dict[str, object]:
    return {
        "unit": _ref(unit),
        "effective_on": link.effective_on,
        "legal_basis": link.legal_basis,
        "carries_statistics": link.carries_statistics,
    }


@router.get("/units", response={200: list[UnitOut], **error_responses(422)}, summary="List units")
@paginate(PageNumberPagination, page_size=50)
def unit_list(request: HttpRequest, filters: Query[UnitFilter]) -> object:
    """List units in tree order.

    ``valid_on`` keeps units existing on that day, ``kind`` a kind code,
    ``parent`` the direct children of a unit, ``within`` a unit's whole
    subtree, and ``q`` words of the name, matched without diacritics.
    """
    return selectors.unit_list(**filters.dict())


@router.get(
    "/units/{unit_id}",
    response={200: UnitDetailOut, **error_responses(404, 422)},
    summary="Get a unit",
)
def unit_get(request: HttpRequest, unit_id: int) -> dict[str, object]:
    """Return a unit with its ancestors (root first), predecessors and successors."""
    detail = selectors.unit_detail(unit_id)
    if detail is None:
        raise NotFoundError(_("There is no unit with id %(id)s.") % {"id": unit_id})
    unit: Unit = detail["unit"]
    return {
        **_ref(unit),
        "short_name": unit.short_name,
        "kind_name": unit.kind.name,
        "parent_id": unit.parent_id,
        "agency_code": unit.agency_code,
        "depth": unit.depth,
        "path": unit.path,
        "address": unit.address,
        "phone": unit.phone,
        "ancestors": [_ref(ancestor) for ancestor in detail["ancestors"]],
        "predecessors": [_succession(link, link.predecessor) for link in detail["predecessors"]],
        "successors": [_succession(link, link.successor) for link in detail["successors"]],
    }
