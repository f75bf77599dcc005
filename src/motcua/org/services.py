"""Write units, their history, unit kinds, roles and role assignments.

These functions are the only writers of the org tables. Each runs in one
transaction, locks the rows it changes, writes one audit record per change
and raises :class:`~motcua.core.errors.ApplicationError` with a message for
the user when a rule is broken, leaving the database unchanged.

Rules kept here:

- ``Unit.path`` and ``Unit.depth`` follow the parent links; moving a unit
  rewrites its whole subtree, and a unit can never become its own ancestor.
- A unit's validity ``[valid_from, valid_to)`` is non-empty and lies inside
  its parent's, so a unit valid on a day has a parent valid on that day.
  Shrinking a unit's validity is refused while a unit below it would fall
  outside; :func:`unit_close` ends a whole subtree at once.
- A unit of a historical kind (district, township, …) needs an end date.
- An administrative unit code belongs to one unit at a time: codes are
  reused after mergers (phường Ngã Bảy 31340), never on overlapping dates.
- A predecessor has at most one successor that carries its statistics, and
  succession links never form a cycle.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any, TypeVar

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import CharField, F, ForeignKey, Max, Model, Q, Value
from django.db.models.functions import Concat, Length, Substr
from django.utils import dateformat
from django.utils.translation import gettext as _

from motcua.core.audit import audit_record
from motcua.core.errors import ApplicationError
from motcua.core.text import fold, nfc
from motcua.org.models import Role, RoleAssignment, Unit, UnitKind, UnitSuccession

_Editable = TypeVar("_Editable", UnitKind, Role)

# A user, a label such as "import_units" for scripts, or None.
Actor = AbstractBaseUser | AnonymousUser | str | None

PATH_MAX_LENGTH = Unit._meta.get_field("path").max_length or 255

# The fields of a unit that unit_update changes, in the order a form shows them.
UNIT_FIELD_ORDER = (
    "name",
    "short_name",
    "kind",
    "parent",
    "admin_code",
    "agency_code",
    "valid_from",
    "valid_to",
    "address",
    "phone",
    "place_name",
    "serves_public",
    "opening_hours",
    "hotline",
    "email",
    "map_url",
)
UNIT_FIELDS = frozenset(UNIT_FIELD_ORDER)
SUCCESSION_FIELDS = frozenset({"effective_on", "legal_basis", "carries_statistics"})
KIND_FIELDS = frozenset(
    {"name", "tier", "is_administrative", "is_historical", "gso_levels", "order"}
)
ROLE_FIELDS = frozenset({"name", "description", "order"})
ASSIGNMENT_FIELDS = frozenset({"role", "unit", "valid_from", "valid_to", "position"})


# --- helpers -------------------------------------------------------------------------------------


def format_day(day: date) -> str:
    """Return ``day`` as Vietnamese documents write it, dd/mm/yyyy."""
    return dateformat.format(day, "d/m/Y")


def format_interval(start: date | None, end: date | None) -> str:
    """Describe a validity interval ``[start, end)`` for a message."""
    if start is not None and end is not None:
        return _("from %(start)s until %(end)s") % {
            "start": format_day(start),
            "end": format_day(end),
        }
    if start is not None:
        return _("from %(start)s on") % {"start": format_day(start)}
    if end is not None:
        return _("until %(end)s") % {"end": format_day(end)}
    return _("without time limit")


def _contains(
    outer_from: date | None, outer_to: date | None, start: date | None, end: date | None
) -> bool:
    """Return whether ``[start, end)`` lies inside ``[outer_from, outer_to)``."""
    starts_inside = outer_from is None or (start is not None and start >= outer_from)
    ends_inside = outer_to is None or (end is not None and end <= outer_to)
    return starts_inside and ends_inside


def _overlaps(
    a_from: date | None, a_to: date | None, b_from: date | None, b_to: date | None
) -> bool:
    """Return whether two half-open intervals share a day."""
    return (b_from is None or a_to is None or b_from < a_to) and (
        a_from is None or b_to is None or a_from < b_to
    )


def overlapping_q(start: date | None, end: date | None, prefix: str = "") -> Q:
    """Return a filter for rows whose validity overlaps ``[start, end)``."""
    condition = Q()
    if end is not None:
        condition &= Q(**{f"{prefix}valid_from__isnull": True}) | Q(
            **{f"{prefix}valid_from__lt": end}
        )
    if start is not None:
        condition &= Q(**{f"{prefix}valid_to__isnull": True}) | Q(
            **{f"{prefix}valid_to__gt": start}
        )
    return condition


def _search_name(unit: Unit) -> str:
    return fold(f"{unit.name} {unit.short_name}")[:300]


def _value_for_audit(value: Any) -> Any:
    if isinstance(value, Unit | UnitKind | Role):
        return value.pk
    if isinstance(value, date):
        return value.isoformat()
    return value


def _apply_changes(
    current: Model,
    data: Mapping[str, Any],
    *,
    shown: Mapping[str, Callable[[Any], Any]] | None = None,
) -> dict[str, list[Any]]:
    """Set on ``current`` each field of ``data`` whose (normalised) value differs.

    Return ``{field: [old, new]}`` as the audit record writes it: dates in
    ISO form, a related row by its id, or by ``shown[field](row)`` when given.
    """
    changes: dict[str, list[Any]] = {}
    for name, value in data.items():
        if isinstance(current._meta.get_field(name), ForeignKey):
            old_id = getattr(current, f"{name}_id")
            if old_id == (value.pk if value is not None else None):
                continue
            show = (shown or {}).get(name)
            if show is not None:
                changes[name] = [show(getattr(current, name)), show(value)]
            else:
                changes[name] = [old_id, value.pk if value is not None else None]
        else:
            old = getattr(current, name)
            if old == value:
                continue
            changes[name] = [_value_for_audit(old), _value_for_audit(value)]
        setattr(current, name, value)
    return changes


def _refuse_unknown(data: Mapping[str, Any], allowed: frozenset[str], service: str) -> None:
    unknown = set(data) - allowed
    if unknown:
        raise ValueError(f"{service} cannot change {sorted(unknown)}")


_Row = TypeVar("_Row", bound=Model)


def _save_changes(
    *,
    actor: Actor,
    current: _Row,
    values: Mapping[str, Any],
    check: Callable[[_Row], None],
    action: str,
) -> _Row:
    """Apply ``values`` to the locked row; check, save and audit it if anything changed."""
    changes = _apply_changes(current, values)
    if not changes:
        return current
    check(current)
    current.save()
    audit_record(actor=actor, action=action, obj=current, data={"changes": changes})
    return current


def _unit_data(unit: Unit) -> dict[str, Any]:
    return {
        "name": unit.name,
        "kind": unit.kind.code,
        "parent": unit.parent_id,
        "path": unit.path,
        "admin_code": unit.admin_code,
        "agency_code": unit.agency_code,
        "valid_from": _value_for_audit(unit.valid_from),
        "valid_to": _value_for_audit(unit.valid_to),
    }


def _raise_field_errors(exc: ValidationError) -> None:
    messages = [str(message) for message in exc.messages]
    raise ApplicationError(" ".join(messages), code="invalid")


def _full_clean(row: Model) -> None:
    try:
        row.full_clean()
    except ValidationError as exc:
        _raise_field_errors(exc)


def _check_interval(start: date | None, end: date | None) -> None:
    if start is not None and end is not None and end <= start:
        raise ApplicationError(
            _("The end of validity (%(end)s) must be after its start (%(start)s).")
            % {"end": format_day(end), "start": format_day(start)},
            code="invalid_interval",
        )


def _lock_units(*pks: int | None) -> dict[int, Unit]:
    """Lock the given unit rows in id order (a fixed order avoids deadlocks)."""
    wanted = sorted({pk for pk in pks if pk is not None})
    rows = Unit.objects.select_for_update().filter(pk__in=wanted).order_by("pk")
    return {unit.pk: unit for unit in rows}


def _normalise_unit_value(field: str, value: Any) -> Any:
    if field in {"name", "short_name", "address"}:
        return nfc(value or "")
    if field == "place_name":
        return nfc(value or "").strip()
    if field in {"admin_code", "phone", "hotline", "email", "map_url"}:
        return (value or "").strip()
    if field == "opening_hours":
        return nfc(value or "").strip().replace("\r\n", "\n")
    if field == "agency_code":
        return (value or "").strip().upper()
    return value


# --- units ---------------------------------------------------------------------------------------


def _unit_named(unit: Unit, parent: Unit | None, interval_changed: bool) -> None:
    if not unit.name:
        raise ApplicationError(_("A unit needs a name."), code="name_required")


def _unit_fields_valid(unit: Unit, parent: Unit | None, interval_changed: bool) -> None:
    try:
        unit.clean_fields(exclude=["path", "depth", "search_name", "parent", "kind", "name"])
    except ValidationError as exc:
        _raise_field_errors(exc)


def _unit_interval_valid(unit: Unit, parent: Unit | None, interval_changed: bool) -> None:
    _check_interval(unit.valid_from, unit.valid_to)


def _historical_unit_ends(unit: Unit, parent: Unit | None, interval_changed: bool) -> None:
    if unit.kind.is_historical and unit.valid_to is None:
        raise ApplicationError(
            _(
                "“%(kind)s” is a historical kind of unit: a unit of this kind needs the date "
                "on which it ceased to exist (valid until)."
            )
            % {"kind": unit.kind.name},
            code="historical_kind",
        )


def _unit_inside_parent(unit: Unit, parent: Unit | None, interval_changed: bool) -> None:
    if parent is None or _contains(
        parent.valid_from, parent.valid_to, unit.valid_from, unit.valid_to
    ):
        return
    raise ApplicationError(
        _(
            "“%(unit)s” would be valid %(interval)s, but its parent unit “%(parent)s” is "
            "valid only %(parent_interval)s. A unit can exist only while its parent exists."
        )
        % {
            "unit": unit.name,
            "interval": format_interval(unit.valid_from, unit.valid_to),
            "parent": parent.name,
            "parent_interval": format_interval(parent.valid_from, parent.valid_to),
        },
        code="outside_parent",
    )


def _children_inside_unit(unit: Unit, parent: Unit | None, interval_changed: bool) -> None:
    if not interval_changed or unit.pk is None:
        return
    outside = Q()
    if unit.valid_from is not None:
        outside |= Q(valid_from__isnull=True) | Q(valid_from__lt=unit.valid_from)
    if unit.valid_to is not None:
        outside |= Q(valid_to__isnull=True) | Q(valid_to__gt=unit.valid_to)
    if not outside:
        return
    child = Unit.objects.filter(parent_id=unit.pk).filter(outside).order_by("pk").first()
    if child is not None:
        raise ApplicationError(
            _(
                "“%(child)s”, a unit under “%(unit)s”, is valid %(child_interval)s, outside "
                "the new validity %(interval)s. Change or close the units below first."
            )
            % {
                "child": child.name,
                "unit": unit.name,
                "child_interval": format_interval(child.valid_from, child.valid_to),
                "interval": format_interval(unit.valid_from, unit.valid_to),
            },
            code="children_outside",
        )


def _admin_code_free(unit: Unit, parent: Unit | None, interval_changed: bool) -> None:
    if not unit.admin_code:
        return
    other = (
        Unit.objects.filter(admin_code=unit.admin_code)
        .exclude(pk=unit.pk)
        .filter(overlapping_q(unit.valid_from, unit.valid_to))
        .order_by("valid_from")
        .first()
    )
    if other is not None:
        raise ApplicationError(
            _(
                "Code %(code)s is already used by “%(other)s” (valid %(interval)s) on "
                "overlapping dates. An administrative unit code is reused only after the "
                "earlier unit has ended."
            )
            % {
                "code": unit.admin_code,
                "other": other.name,
                "interval": format_interval(other.valid_from, other.valid_to),
            },
            code="admin_code_in_use",
        )


# The rules of a unit, checked in this order; the first broken one is raised.
UNIT_RULES = (
    _unit_named,
    _unit_fields_valid,
    _unit_interval_valid,
    _historical_unit_ends,
    _unit_inside_parent,
    _children_inside_unit,
    _admin_code_free,
)


def _check_unit(unit: Unit, *, parent: Unit | None, interval_changed: bool) -> None:
    """Raise ApplicationError when ``unit`` (not yet saved) breaks a rule of UNIT_RULES."""
    for rule in UNIT_RULES:
        rule(unit, parent, interval_changed)


def _lock_admin_code(code: str) -> None:
    """Serialise writers of one administrative code until the transaction ends.

    The overlap check reads other units; two units with the same code created
    at once under different parents lock different rows and would both pass
    it. On PostgreSQL a transaction-scoped advisory lock on the code makes the
    second writer wait and then see the first; SQLite writers already hold
    the database lock from ``BEGIN IMMEDIATE``.
    """
    if code and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 7))", [code])


def unit_create(
    *,
    actor: Actor,
    name: str,
    kind: UnitKind,
    parent: Unit | None = None,
    short_name: str = "",
    admin_code: str = "",
    agency_code: str = "",
    valid_from: date | None = None,
    valid_to: date | None = None,
    address: str = "",
    phone: str = "",
    place_name: str = "",
    serves_public: bool = False,
    opening_hours: str = "",
    hotline: str = "",
    email: str = "",
    map_url: str = "",
) -> Unit:
    """Create a unit under ``parent`` (or a root) and set its path and depth."""
    with transaction.atomic():
        locked_parent = _lock_units(parent.pk)[parent.pk] if parent is not None else None
        unit = Unit(kind=kind, parent=locked_parent, valid_from=valid_from, valid_to=valid_to)
        values = {
            "name": name,
            "short_name": short_name,
            "admin_code": admin_code,
            "agency_code": agency_code,
            "address": address,
            "phone": phone,
            "place_name": place_name,
            "serves_public": serves_public,
            "opening_hours": opening_hours,
            "hotline": hotline,
            "email": email,
            "map_url": map_url,
        }
        for field, value in values.items():
            setattr(unit, field, _normalise_unit_value(field, value))
        _lock_admin_code(unit.admin_code)
        _check_unit(unit, parent=locked_parent, interval_changed=False)
        parent_path = locked_parent.path if locked_parent is not None else "/"
        if len(parent_path) + 21 > PATH_MAX_LENGTH:
            raise ApplicationError(_("The unit tree cannot be this deep."), code="too_deep")
        unit.search_name = _search_name(unit)
        unit.save()
        unit.path = f"{parent_path}{unit.pk}/"
        unit.depth = locked_parent.depth + 1 if locked_parent is not None else 0
        Unit.objects.filter(pk=unit.pk).update(path=unit.path, depth=unit.depth)
        audit_record(actor=actor, action="org.unit.create", obj=unit, data=_unit_data(unit))
        return unit


def _refuse_cycle(unit: Unit, new_parent: Unit | None) -> None:
    if new_parent is not None and (
        new_parent.pk == unit.pk or (unit.path and new_parent.path.startswith(unit.path))
    ):
        raise ApplicationError(
            _(
                "“%(unit)s” cannot be placed under “%(parent)s”: "
                "a unit cannot become its own ancestor."
            )
            % {"unit": unit.name, "parent": new_parent.name},
            code="cycle",
        )


def unit_check(*, unit: Unit) -> None:
    """Raise ApplicationError when ``unit``, edited but not saved, breaks a rule.

    Forms call it to show the message next to the fields; the services
    check again, under lock, when they write.
    """
    if unit.pk is not None:
        _refuse_cycle(unit, unit.parent)
    _check_unit(unit, parent=unit.parent, interval_changed=True)


def _move_subtree(unit: Unit, new_parent: Unit | None) -> int:
    """Rewrite the paths and depths of ``unit`` and everything below it.

    ``unit`` and ``new_parent`` must be freshly locked rows. Return the
    number of rows rewritten.
    """
    _refuse_cycle(unit, new_parent)
    old_path = unit.path
    new_path = f"{new_parent.path if new_parent is not None else '/'}{unit.pk}/"
    new_depth = new_parent.depth + 1 if new_parent is not None else 0
    subtree = Unit.objects.filter(path__startswith=old_path)
    longest = subtree.aggregate(longest=Max(Length("path")))["longest"] or len(old_path)
    if longest - len(old_path) + len(new_path) > PATH_MAX_LENGTH:
        raise ApplicationError(_("The unit tree cannot be this deep."), code="too_deep")
    moved = subtree.update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1), output_field=CharField()),
        depth=F("depth") + (new_depth - unit.depth),
    )
    unit.path, unit.depth = new_path, new_depth
    return moved


def unit_update(*, actor: Actor, unit: Unit, data: Mapping[str, Any]) -> Unit:
    """Change the fields in ``data`` (see :data:`UNIT_FIELDS`) and return the fresh unit.

    A new ``parent`` moves the unit with its whole subtree. Nothing is
    written, and no audit record made, when nothing changes.
    """
    _refuse_unknown(data, UNIT_FIELDS, "unit_update")
    with transaction.atomic():
        target = data.get("parent")
        locked = _lock_units(unit.pk, target.pk if target is not None else None)
        current = locked[unit.pk]
        old_parent_id = current.parent_id
        values = {field: _normalise_unit_value(field, raw) for field, raw in data.items()}
        if "parent" in values:
            values["parent"] = locked[target.pk] if target is not None else None
        changes = _apply_changes(current, values, shown={"kind": lambda kind: kind.code})
        if not changes:
            return current
        if {"admin_code", "valid_from", "valid_to"} & set(changes):
            _lock_admin_code(current.admin_code)
        _check_unit(
            current,
            parent=current.parent,
            interval_changed=bool({"valid_from", "valid_to"} & set(changes)),
        )
        data_out: dict[str, Any] = {"changes": changes}
        if "parent" in changes:
            moved = _move_subtree(current, current.parent)
            data_out.update(
                {"from_parent": old_parent_id, "path": current.path, "subtree_size": moved}
            )
        current.search_name = _search_name(current)
        current.save()
        audit_record(actor=actor, action="org.unit.update", obj=current, data=data_out)
        return current


def unit_move(*, actor: Actor, unit: Unit, parent: Unit | None) -> Unit:
    """Place ``unit`` and its subtree under ``parent`` (None makes it a root)."""
    return unit_update(actor=actor, unit=unit, data={"parent": parent})


def unit_close(*, actor: Actor, unit: Unit, on: date) -> list[Unit]:
    """End ``unit`` and every unit below it that is still valid on ``on``.

    ``on`` becomes their ``valid_to`` (the first day they no longer exist).
    Units below that already ended earlier keep their date. Return the
    units changed, each with its own audit record.
    """
    with transaction.atomic():
        current = _lock_units(unit.pk)[unit.pk]
        subtree = list(
            Unit.objects.select_for_update()
            .filter(path__startswith=current.path)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on))
            .select_related("kind")
            .order_by("depth", "pk")
        )
        late = [row for row in subtree if row.valid_from is not None and row.valid_from >= on]
        if late:
            raise ApplicationError(
                _(
                    "“%(unit)s” starts on %(start)s, not before %(day)s, "
                    "so it cannot end on that day."
                )
                % {
                    "unit": late[0].name,
                    "start": format_day(late[0].valid_from or on),
                    "day": format_day(on),
                },
                code="invalid_interval",
            )
        for row in subtree:
            old = row.valid_to
            row.valid_to = on
            row.save(update_fields=["valid_to", "updated_at"])
            audit_record(
                actor=actor,
                action="org.unit.close",
                obj=row,
                data={
                    "valid_to": [_value_for_audit(old), on.isoformat()],
                    "closed_with": current.pk,
                },
            )
        return subtree


# --- successions ---------------------------------------------------------------------------------


def _succession_not_to_itself(succession: UnitSuccession) -> None:
    if succession.predecessor.pk == succession.successor.pk:
        raise ApplicationError(_("A unit cannot succeed itself."), code="succession_self")


def _successor_valid_on_the_day(succession: UnitSuccession) -> None:
    successor = succession.successor
    if not successor.is_valid_on(succession.effective_on):
        raise ApplicationError(
            _(
                "The successor “%(unit)s” is not valid on %(day)s, "
                "the day the succession takes effect."
            )
            % {"unit": successor.name, "day": format_day(succession.effective_on)},
            code="succession_date",
        )


def _predecessor_starts_before(succession: UnitSuccession) -> None:
    predecessor = succession.predecessor
    if predecessor.valid_from is not None and predecessor.valid_from >= succession.effective_on:
        raise ApplicationError(
            _(
                "The predecessor “%(unit)s” only starts on %(start)s, "
                "not before the succession (%(day)s)."
            )
            % {
                "unit": predecessor.name,
                "start": format_day(predecessor.valid_from),
                "day": format_day(succession.effective_on),
            },
            code="succession_date",
        )


def _succession_recorded_once(succession: UnitSuccession) -> None:
    predecessor, successor = succession.predecessor, succession.successor
    duplicate = UnitSuccession.objects.filter(predecessor=predecessor, successor=successor).exclude(
        pk=succession.pk
    )
    if duplicate.exists():
        raise ApplicationError(
            _("“%(successor)s” is already recorded as a successor of “%(predecessor)s”.")
            % {"successor": successor.name, "predecessor": predecessor.name},
            code="succession_exists",
        )


def _one_heir_of_statistics(succession: UnitSuccession) -> None:
    if not succession.carries_statistics:
        return
    predecessor = succession.predecessor
    heir = (
        UnitSuccession.objects.filter(predecessor=predecessor, carries_statistics=True)
        .exclude(pk=succession.pk)
        .select_related("successor")
        .first()
    )
    if heir is not None:
        raise ApplicationError(
            _(
                "The statistics of “%(predecessor)s” already go to “%(heir)s”; only one "
                "successor can carry them."
            )
            % {"predecessor": predecessor.name, "heir": heir.successor.name},
            code="succession_heir",
        )


def _no_succession_cycle(succession: UnitSuccession) -> None:
    """Walk forward from the successor; reaching the predecessor closes a cycle."""
    predecessor, successor = succession.predecessor, succession.successor
    seen: set[int] = {successor.pk}
    frontier = {successor.pk}
    while frontier:
        frontier = (
            set(
                UnitSuccession.objects.filter(predecessor_id__in=frontier)
                .exclude(pk=succession.pk)
                .values_list("successor_id", flat=True)
            )
            - seen
        )
        if predecessor.pk in frontier:
            raise ApplicationError(
                _(
                    "“%(successor)s” already leads back to “%(predecessor)s”: "
                    "successions cannot form a cycle."
                )
                % {"successor": successor.name, "predecessor": predecessor.name},
                code="succession_cycle",
            )
        seen |= frontier


# The rules of a succession link, checked in this order; the first broken one is raised.
SUCCESSION_RULES = (
    _succession_not_to_itself,
    _successor_valid_on_the_day,
    _predecessor_starts_before,
    _succession_recorded_once,
    _one_heir_of_statistics,
    _no_succession_cycle,
)


def _check_succession(succession: UnitSuccession) -> None:
    for rule in SUCCESSION_RULES:
        rule(succession)


def unit_succession_check(*, succession: UnitSuccession) -> None:
    """Raise ApplicationError when an unsaved succession link breaks a rule (for forms)."""
    _check_succession(succession)


def _succession_data(succession: UnitSuccession) -> dict[str, Any]:
    return {
        "predecessor": succession.predecessor_id,
        "successor": succession.successor_id,
        "effective_on": succession.effective_on.isoformat(),
        "legal_basis": succession.legal_basis,
        "carries_statistics": succession.carries_statistics,
    }


def unit_succession_create(
    *,
    actor: Actor,
    predecessor: Unit,
    successor: Unit,
    effective_on: date,
    legal_basis: str = "",
    carries_statistics: bool = True,
) -> UnitSuccession:
    """Record that ``successor`` takes over (part of) ``predecessor`` on ``effective_on``."""
    with transaction.atomic():
        locked = _lock_units(predecessor.pk, successor.pk)
        succession = UnitSuccession(
            predecessor=locked[predecessor.pk],
            successor=locked[successor.pk],
            effective_on=effective_on,
            legal_basis=nfc(legal_basis),
            carries_statistics=carries_statistics,
        )
        _check_succession(succession)
        succession.save()
        audit_record(
            actor=actor,
            action="org.succession.create",
            obj=succession,
            data=_succession_data(succession),
        )
        return succession


def unit_succession_update(
    *, actor: Actor, succession: UnitSuccession, data: Mapping[str, Any]
) -> UnitSuccession:
    """Change the date, legal basis or statistics flag of a succession link."""
    _refuse_unknown(data, SUCCESSION_FIELDS, "unit_succession_update")
    with transaction.atomic():
        _lock_units(succession.predecessor_id)
        current = UnitSuccession.objects.select_for_update().get(pk=succession.pk)
        values = {f: nfc(raw) if f == "legal_basis" else raw for f, raw in data.items()}
        return _save_changes(
            actor=actor,
            current=current,
            values=values,
            check=_check_succession,
            action="org.succession.update",
        )


def unit_succession_delete(*, actor: Actor, succession: UnitSuccession) -> None:
    """Remove a succession link (the audit record keeps what it said)."""
    with transaction.atomic():
        current = UnitSuccession.objects.select_for_update().get(pk=succession.pk)
        audit_record(
            actor=actor, action="org.succession.delete", obj=current, data=_succession_data(current)
        )
        current.delete()


# --- unit kinds and roles ------------------------------------------------------------------------


def _check_code(code: str) -> str:
    code = code.strip()
    if not code:
        raise ApplicationError(_("A code is required."), code="code_required")
    return code


def unit_kind_create(
    *,
    actor: Actor,
    code: str,
    name: str,
    tier: str,
    is_administrative: bool = False,
    is_historical: bool = False,
    gso_levels: str = "",
    order: int = 0,
) -> UnitKind:
    """Create a unit kind; its code can never change afterwards."""
    with transaction.atomic():
        code = _check_code(code)
        if UnitKind.objects.filter(code=code).exists():
            raise ApplicationError(
                _("A unit kind with code “%(code)s” already exists.") % {"code": code}
            )
        kind = UnitKind(
            code=code,
            name=nfc(name),
            tier=tier,
            is_administrative=is_administrative,
            is_historical=is_historical,
            gso_levels=nfc(gso_levels),
            order=order,
        )
        _full_clean(kind)
        kind.save()
        audit_record(
            actor=actor,
            action="org.unit_kind.create",
            obj=kind,
            data={"code": code, "name": kind.name},
        )
        return kind


def unit_kind_update(*, actor: Actor, kind: UnitKind, data: Mapping[str, Any]) -> UnitKind:
    """Change a unit kind's name, tier, flags, statistics-office levels or order."""
    return _simple_update(
        actor=actor, obj=kind, data=data, fields=KIND_FIELDS, action="org.unit_kind.update"
    )


def role_create(
    *, actor: Actor, code: str, name: str, description: str = "", order: int = 0
) -> Role:
    """Create a role; its code can never change afterwards."""
    with transaction.atomic():
        code = _check_code(code)
        if Role.objects.filter(code=code).exists():
            raise ApplicationError(
                _("A role with code “%(code)s” already exists.") % {"code": code}
            )
        role = Role(code=code, name=nfc(name), description=description.strip(), order=order)
        _full_clean(role)
        role.save()
        audit_record(
            actor=actor, action="org.role.create", obj=role, data={"code": code, "name": role.name}
        )
        return role


def role_update(*, actor: Actor, role: Role, data: Mapping[str, Any]) -> Role:
    """Change a role's name, description or order."""
    return _simple_update(
        actor=actor, obj=role, data=data, fields=ROLE_FIELDS, action="org.role.update"
    )


def _simple_update(
    *,
    actor: Actor,
    obj: _Editable,
    data: Mapping[str, Any],
    fields: frozenset[str],
    action: str,
) -> _Editable:
    _refuse_unknown(data, fields, action)
    with transaction.atomic():
        current: _Editable = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
        return _save_changes(
            actor=actor,
            current=current,
            values={f: nfc(raw) if isinstance(raw, str) else raw for f, raw in data.items()},
            check=_full_clean,
            action=action,
        )


# --- role assignments ----------------------------------------------------------------------------


def _check_assignment(assignment: RoleAssignment) -> None:
    _check_interval(assignment.valid_from, assignment.valid_to)
    unit = assignment.unit
    if not _overlaps(unit.valid_from, unit.valid_to, assignment.valid_from, assignment.valid_to):
        raise ApplicationError(
            _(
                "“%(unit)s” is valid %(unit_interval)s; an assignment valid %(interval)s would "
                "never be in force."
            )
            % {
                "unit": unit.name,
                "unit_interval": format_interval(unit.valid_from, unit.valid_to),
                "interval": format_interval(assignment.valid_from, assignment.valid_to),
            },
            code="assignment_outside_unit",
        )
    duplicate = RoleAssignment.objects.filter(
        user_id=assignment.user_id, role_id=assignment.role_id, unit_id=assignment.unit_id
    ).exclude(pk=assignment.pk)
    if duplicate.exists():
        raise ApplicationError(
            _("%(user)s already has the role “%(role)s” on “%(unit)s”.")
            % {"user": assignment.user, "role": assignment.role.name, "unit": unit.name},
            code="assignment_exists",
        )


def role_assignment_check(*, assignment: RoleAssignment) -> None:
    """Raise ApplicationError when an unsaved assignment breaks a rule (for forms)."""
    _check_assignment(assignment)


def _assignment_data(assignment: RoleAssignment) -> dict[str, Any]:
    return {
        "user": assignment.user_id,
        "role": assignment.role.code,
        "unit": assignment.unit_id,
        "valid_from": _value_for_audit(assignment.valid_from),
        "valid_to": _value_for_audit(assignment.valid_to),
        "position": assignment.position,
    }


def role_assignment_create(
    *,
    actor: Actor,
    user: Any,
    role: Role,
    unit: Unit,
    valid_from: date | None = None,
    valid_to: date | None = None,
    position: str = "",
) -> RoleAssignment:
    """Give ``user`` the ``role`` over ``unit`` and every unit below it.

    ``position`` is what documents signed in this role print above the
    signature ("Phó Chủ tịch").
    """
    with transaction.atomic():
        locked_unit = _lock_units(unit.pk)[unit.pk]
        assignment = RoleAssignment(
            user=user,
            role=role,
            unit=locked_unit,
            valid_from=valid_from,
            valid_to=valid_to,
            position=nfc(position or "").strip(),
        )
        _check_assignment(assignment)
        assignment.save()
        audit_record(
            actor=actor,
            action="org.assignment.create",
            obj=assignment,
            data=_assignment_data(assignment),
        )
        return assignment


def role_assignment_update(
    *, actor: Actor, assignment: RoleAssignment, data: Mapping[str, Any]
) -> RoleAssignment:
    """Change the role, unit or validity of an assignment."""
    _refuse_unknown(data, ASSIGNMENT_FIELDS, "role_assignment_update")
    with transaction.atomic():
        current = (
            RoleAssignment.objects.select_for_update()
            .select_related("role", "unit", "user")
            .get(pk=assignment.pk)
        )
        values = {f: nfc(v or "").strip() if f == "position" else v for f, v in data.items()}
        return _save_changes(
            actor=actor,
            current=current,
            values=values,
            check=_check_assignment,
            action="org.assignment.update",
        )


def role_assignment_delete(*, actor: Actor, assignment: RoleAssignment) -> None:
    """Withdraw an assignment (prefer setting ``valid_to`` to keep history)."""
    with transaction.atomic():
        current = (
            RoleAssignment.objects.select_for_update().select_related("role").get(pk=assignment.pk)
        )
        audit_record(
            actor=actor, action="org.assignment.delete", obj=current, data=_assignment_data(current)
        )
        current.delete()
