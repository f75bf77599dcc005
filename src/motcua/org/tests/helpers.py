"""Shared setup for the org tests: kinds by code and a unit factory."""

from __future__ import annotations

from datetime import date
from typing import Any

from motcua.org.models import Unit, UnitKind
from motcua.org.services import unit_create

ACTOR = "tests"


def kind(code: str) -> UnitKind:
    return UnitKind.objects.get(code=code)


def make_unit(
    name: str, kind_code: str = "ward", parent: Unit | None = None, **fields: Any
) -> Unit:
    return unit_create(actor=ACTOR, name=name, kind=kind(kind_code), parent=parent, **fields)


D = date
