"""The names of the issuing units as the forms print them (NĐ 30/2020/NĐ-CP, Phụ lục I)."""

from __future__ import annotations

from dataclasses import dataclass

from motcua.dossiers.printing.words import (
    agency_name,
)
from motcua.org.models import Unit
from motcua.org.selectors import unit_place_name

# --- units ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitNames:
    """How a unit is named on a form: header lines, body name and place.

    ``keep`` lists the phrases a line break must not split: the place and
    the administrative unit's name ("Phường Ngã Bảy").
    """

    parent: str
    header: str
    agency: str
    place: str
    address: str
    phone: str
    keep: tuple[str, ...] = ()


def header_name(unit: Unit) -> str:
    """Return the name as printed in a header: "Ủy ban nhân dân" on a line of its own."""
    if unit.kind.is_administrative:
        return f"Ủy ban nhân dân\n{unit.name}"
    return unit.name


def unit_names(unit: Unit) -> UnitNames:
    """Return the header lines of ``unit`` and the place where it sits (one query)."""
    ancestors = list(
        Unit.objects.filter(pk__in=unit.ancestor_ids()).select_related("kind").order_by("depth")
    )
    parent = ""
    if not unit.kind.is_administrative and len(ancestors) > 1:
        parent = header_name(ancestors[-2])
    place = unit_place_name(unit, ancestors)
    keep = [place] if place else []
    keep += [a.name for a in reversed(ancestors) if a.kind.is_administrative][:1]
    return UnitNames(
        parent=parent,
        header=header_name(unit),
        agency=agency_name(unit),
        place=place,
        address=unit.address,
        phone=unit.phone,
        keep=tuple(keep),
    )
