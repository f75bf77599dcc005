"""Load the demo units of :mod:`motcua.org.demo_data` through the services."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from motcua.core.text import fold
from motcua.org.demo_data import SUCCESSIONS, UNITS
from motcua.org.models import Unit, UnitKind, UnitSuccession
from motcua.org.services import (
    Actor,
    overlapping_q,
    unit_create,
    unit_succession_create,
    unit_update,
)

CONTACT_FIELDS = (
    "serves_public",
    "address",
    "opening_hours",
    "phone",
    "hotline",
    "email",
    "map_url",
)


def _existing(spec: dict[str, Any], kind: UnitKind, parent: Unit | None) -> Unit | None:
    """Return the unit a demo entry already has in the database, if any.

    An administrative unit is found by its code and name on overlapping
    dates (it may have come from an imported list); others by name, kind,
    parent and start date.
    """
    if spec.get("admin_code"):
        same_code = Unit.objects.filter(admin_code=spec["admin_code"]).filter(
            overlapping_q(spec.get("valid_from"), spec.get("valid_to"))
        )
        return next((u for u in same_code if fold(u.name) == fold(spec["name"])), None)
    return Unit.objects.filter(
        name=spec["name"], kind=kind, parent=parent, valid_from=spec.get("valid_from")
    ).first()


def load_demo_units(actor: Actor) -> dict[str, Unit]:
    """Create the demo units and succession links once; return units by slug.

    A unit already present (see :func:`_existing`) is reused unchanged (but
    for an office's contact details, filled in once when the unit is not yet
    an office) and an existing link is kept, so running the loader again
    creates nothing and writes no audit record.
    """
    kinds = {kind.code: kind for kind in UnitKind.objects.all()}
    units: dict[str, Unit] = {}
    with transaction.atomic():
        for spec in UNITS:
            parent = units[spec["parent"]] if spec.get("parent") else None
            kind = kinds[spec["kind"]]
            if parent is not None and parent.valid_from and spec.get("valid_from"):
                # A parent taken from an imported list may start later than the demo's.
                spec = {**spec, "valid_from": max(spec["valid_from"], parent.valid_from)}
            existing = _existing(spec, kind, parent)
            if existing is not None and spec.get("serves_public") and not existing.serves_public:
                # A demo database made before offices had contact details gets them once.
                existing = unit_update(
                    actor=actor,
                    unit=existing,
                    data={name: spec[name] for name in CONTACT_FIELDS if name in spec},
                )
            units[spec["slug"]] = existing or unit_create(
                actor=actor,
                name=spec["name"],
                kind=kind,
                parent=parent,
                short_name=spec.get("short_name", ""),
                admin_code=spec.get("admin_code", ""),
                agency_code=spec.get("agency_code", ""),
                valid_from=spec.get("valid_from"),
                valid_to=spec.get("valid_to"),
                address=spec.get("address", ""),
                place_name=spec.get("place_name", ""),
                phone=spec.get("phone", ""),
                serves_public=spec.get("serves_public", False),
                opening_hours=spec.get("opening_hours", ""),
                hotline=spec.get("hotline", ""),
                email=spec.get("email", ""),
                map_url=spec.get("map_url", ""),
            )
        for predecessor, successor, effective_on, legal_basis, carries in SUCCESSIONS:
            link_exists = UnitSuccession.objects.filter(
                predecessor=units[predecessor], successor=units[successor]
            ).exists()
            if not link_exists:
                unit_succession_create(
                    actor=actor,
                    predecessor=units[predecessor],
                    successor=units[successor],
                    effective_on=effective_on,
                    legal_basis=legal_basis,
                    carries_statistics=carries,
                )
    return units
