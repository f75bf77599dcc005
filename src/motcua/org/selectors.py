"""Read units, their history and who holds which role where.

Tree reads use ``Unit.path`` (ids root → self): a subtree is a path prefix
and a unit's ancestors are the ids in its own path, so neither needs more
than one query. Validity is ``[valid_from, valid_to)`` with open bounds
when empty; every function taking ``on`` defaults to today
(:func:`motcua.core.clock.localdate`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from django.db import connection
from django.db.models import Prefetch, Q, QuerySet

from motcua.core import clock
from motcua.core.cache import ProcessCache
from motcua.core.text import nfc, search_terms
from motcua.org.models import RoleAssignment, TreePath, Unit, UnitSuccession

N = TypeVar("N", int, Decimal)


def valid_on_q(day: date, prefix: str = "") -> Q:
    """Return a filter for rows valid on ``day`` (``prefix`` such as ``"unit__"``)."""
    return (Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": day})) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gt": day})
    )


def unit_get(unit_id: int) -> Unit | None:
    """Return the unit with its kind, or None."""
    return Unit.objects.select_related("kind", "parent").filter(pk=unit_id).first()


def unit_subtree(unit: Unit, *, include_self: bool = True) -> QuerySet[Unit]:
    """Return ``unit`` and every unit below it, in tree order (one query)."""
    units = Unit.objects.filter(path__startswith=unit.path)
    if not include_self:
        units = units.exclude(pk=unit.pk)
    return units.order_by(TreePath("path"))


def unit_ancestors(unit: Unit, *, include_self: bool = False) -> QuerySet[Unit]:
    """Return the units above ``unit``, root first (one query, from its path)."""
    ids = unit.ancestor_ids()
    if not include_self:
        ids = ids[:-1]
    return Unit.objects.filter(pk__in=ids).select_related("kind").order_by("depth")


# NĐ 30/2020/NĐ-CP, Phụ lục I: the place name is the administrative unit's own
# name ("Ngã Bảy" for phường Ngã Bảy), except a unit named by a number, whose
# place name keeps its kind ("Phường 3").
ADMINISTRATIVE_PREFIXES = (
    "thành phố",
    "tỉnh",
    "đặc khu",
    "phường",
    "xã",
    "thị trấn",
    "thị xã",
    "quận",
    "huyện",
)


def place_of_administrative_unit(name: str) -> str:
    """Return the place name of an administrative unit: "Phường Ngã Bảy" → "Ngã Bảy"."""
    name = nfc(name).strip()
    lowered = name.lower()
    for prefix in ADMINISTRATIVE_PREFIXES:
        if lowered.startswith(prefix + " "):
            rest = name[len(prefix) :].strip()
            return name if not rest or rest[0].isdigit() else rest
    return name


def unit_place_name(unit: Unit, ancestors: Iterable[Unit] | None = None) -> str:
    """Return where ``unit`` sits, as printed before the date on its documents.

    The unit's own ``place_name`` when set; otherwise the place name of the
    nearest administrative unit at or above it (the ward for its service
    centre, the province for a provincial department). ``ancestors`` (root
    first, itself included, each with its kind) spares the query.
    """
    if unit.place_name:
        return unit.place_name
    chain = (
        list(ancestors) if ancestors is not None else list(unit_ancestors(unit, include_self=True))
    )
    for ancestor in reversed(chain):
        if ancestor.kind.is_administrative:
            return ancestor.place_name or place_of_administrative_unit(ancestor.name)
    return ""


def signing_position(user: Any, roles: Iterable[str], unit: Unit, *, on: date | None = None) -> str:
    """Return the position ``user`` signs with in one of ``roles`` over ``unit``.

    The position written on the assignment ("Phó Chủ tịch"), else the
    role's name; the assignment nearest the unit wins. Empty when the user
    holds none of the roles there.
    """
    day = on or clock.localdate()
    user_pk = getattr(user, "pk", None)
    if user_pk is None:
        return ""
    assignments = (
        RoleAssignment.objects.filter(
            user_id=user_pk,
            role__code__in=list(roles),
            unit_id__in=unit.ancestor_ids(),
        )
        .filter(valid_on_q(day))
        .filter(valid_on_q(day, prefix="unit__"))
        .select_related("role", "unit")
        .order_by("-unit__depth", "role__order")
    )
    for assignment in assignments:
        return assignment.position or assignment.role.name
    return ""


def units_valid_on(day: date) -> QuerySet[Unit]:
    """Return the units that exist on ``day``."""
    return Unit.objects.filter(valid_on_q(day))


def unit_list(
    *,
    valid_on: date | None = None,
    kind: str | None = None,
    parent: int | None = None,
    within: int | None = None,
    q: str | None = None,
) -> QuerySet[Unit]:
    """Return units filtered for lists, with kind and parent joined.

    ``kind`` is a kind code, ``parent`` keeps the direct children of that
    unit, ``within`` the whole subtree below it, and ``q`` matches every
    word of the name or short name without regard to case or diacritics.
    """
    units = Unit.objects.select_related("kind", "parent")
    if valid_on is not None:
        units = units.filter(valid_on_q(valid_on))
    if kind:
        units = units.filter(kind__code=kind)
    if parent is not None:
        units = units.filter(parent_id=parent)
    if within is not None:
        root = Unit.objects.filter(pk=within).values_list("path", flat=True).first()
        units = units.filter(path__startswith=root) if root else units.none()
    for term in search_terms(q or ""):
        units = units.filter(search_name__contains=term)
    return units.order_by(TreePath("path"))


def unit_by_admin_code(code: str, *, on: date | None = None) -> Unit | None:
    """Return the unit holding the statistics-office ``code`` on ``on``.

    Codes are reused after mergers (phường Ngã Bảy took 31340 from one of
    its predecessors), so the code alone does not name one unit over time.
    The services keep one holder per day.
    """
    day = on or clock.localdate()
    return (
        Unit.objects.select_related("kind")
        .filter(admin_code=code.strip())
        .filter(valid_on_q(day))
        .order_by("-valid_from")
        .first()
    )


def unit_heir(unit: Unit, *, on: date | None = None) -> Unit | None:
    """Return the unit that holds ``unit``'s statistics on ``on``.

    That is ``unit`` itself when it is valid on ``on``; otherwise its
    successors linked with ``carries_statistics`` are followed until one is
    valid on that day. Return None when the chain ends, or loops, first.
    """
    day = on or clock.localdate()
    return unit_heirs([unit.pk], on=day).get(unit.pk)


def unit_heirs(unit_ids: Iterable[int], *, on: date | None = None) -> dict[int, Unit | None]:
    """Return, for each id, its heir on ``on`` (see :func:`unit_heir`).

    Ids of units that do not exist map to None. Queries grow with the
    length of the longest succession chain, not with the number of ids.
    """
    day = on or clock.localdate()
    ids = set(unit_ids)
    units: dict[int, Unit] = {
        u.pk: u for u in Unit.objects.select_related("kind").filter(pk__in=ids)
    }
    # next_of[x] is the statistics successor of x, once loaded.
    next_of: dict[int, int] = {}
    frontier = {pk for pk, unit in units.items() if not unit.is_valid_on(day)}
    seen = set(frontier)
    while frontier:
        links = list(
            UnitSuccession.objects.filter(predecessor_id__in=frontier, carries_statistics=True)
            .select_related("successor__kind")
            .order_by("pk")
        )
        frontier = set()
        for link in links:
            next_of.setdefault(link.predecessor_id, link.successor_id)
            successor = link.successor
            units.setdefault(successor.pk, successor)
            if not successor.is_valid_on(day) and successor.pk not in seen:
                frontier.add(successor.pk)
                seen.add(successor.pk)
    result: dict[int, Unit | None] = {}
    for pk in ids:
        current = units.get(pk)
        visited: set[int] = set()
        while current is not None and not current.is_valid_on(day):
            visited.add(current.pk)
            following = next_of.get(current.pk)
            current = (
                units.get(following) if following is not None and following not in visited else None
            )
        result[pk] = current
    return result


def reaggregate(counts: Mapping[int, N], on: date) -> dict[int, N]:
    """Move figures recorded against historical unit ids onto the units valid on ``on``.

    Each figure is added to its unit's heir (:func:`unit_heir`). A unit
    with no heir on ``on`` (dissolved with nobody taking its statistics, or
    not yet created on that day) and an id that names no unit keep their
    figure under their own id, so the total is always preserved; use
    :func:`unit_heirs` to tell such ids apart.
    """
    heirs = unit_heirs(counts.keys(), on=on)
    result: dict[int, N] = {}
    for pk, value in counts.items():
        heir = heirs.get(pk)
        target = heir.pk if heir is not None else pk
        result[target] = result[target] + value if target in result else value
    return result


def unit_detail(unit_id: int) -> dict[str, Any] | None:
    """Return a unit with its ancestors, predecessors and successors (four queries)."""
    unit = (
        Unit.objects.select_related("kind", "parent")
        .prefetch_related(
            Prefetch(
                "predecessor_links",
                queryset=UnitSuccession.objects.select_related("predecessor__kind").order_by(
                    "effective_on", "predecessor__name"
                ),
            ),
            Prefetch(
                "successor_links",
                queryset=UnitSuccession.objects.select_related("successor__kind").order_by(
                    "effective_on", "successor__name"
                ),
            ),
        )
        .filter(pk=unit_id)
        .first()
    )
    if unit is None:
        return None
    return {
        "unit": unit,
        "ancestors": list(unit_ancestors(unit)),
        "predecessors": list(unit.predecessor_links.all()),
        "successors": list(unit.successor_links.all()),
    }


# --- roles ---------------------------------------------------------------------------------------


def _is_active_user(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


def user_has_role(user: Any, role_code: str, unit: Unit, on: date | None = None) -> bool:
    """Return whether ``user`` holds ``role_code`` over ``unit`` on ``on``.

    An assignment covers its unit and everything below it, so one on the
    unit or any ancestor counts; the assignment and the unit it names must
    both be valid on the day. One query.
    """
    if not _is_active_user(user):
        return False
    day = on or clock.localdate()
    ancestors = unit.ancestor_ids()
    if not ancestors:
        return False
    # Checked on every action: one plain statement (about a third of the ORM's cost;
    # bench/bench_intake.py measures it). Same conditions as valid_on_q on both rows.
    sql = _HAS_ROLE_SQL.format(units=", ".join(["%s"] * len(ancestors)))
    with connection.cursor() as cursor:
        when = connection.ops.adapt_datefield_value(day)
        cursor.execute(sql, [user.pk, role_code, *ancestors, when, when, when, when])
        return cursor.fetchone() is not None


_HAS_ROLE_SQL = (
    "SELECT 1 FROM org_roleassignment a "
    "JOIN org_role r ON r.id = a.role_id "
    "JOIN org_unit u ON u.id = a.unit_id "
    "WHERE a.user_id = %s AND r.code = %s AND a.unit_id IN ({units}) "
    "AND (a.valid_from IS NULL OR a.valid_from <= %s) AND (a.valid_to IS NULL OR a.valid_to > %s) "
    "AND (u.valid_from IS NULL OR u.valid_from <= %s) AND (u.valid_to IS NULL OR u.valid_to > %s) "
    "LIMIT 1"
)


def user_units_for_role(user: Any, role_code: str, *, on: date | None = None) -> QuerySet[Unit]:
    """Return the units on which ``user`` holds ``role_code`` on ``on``.

    These are the units named by the assignments; the role also covers
    everything below them (see :func:`user_scope_q`).
    """
    if not _is_active_user(user):
        return Unit.objects.none()
    day = on or clock.localdate()
    assignments = RoleAssignment.objects.filter(user=user, role__code=role_code).filter(
        valid_on_q(day)
    )
    return (
        Unit.objects.filter(pk__in=assignments.values("unit_id"))
        .filter(valid_on_q(day))
        .select_related("kind")
        .order_by(TreePath("path"))
    )


def user_scope_q(user: Any, role_code: str, *, field: str = "unit", on: date | None = None) -> Q:
    """Return a filter keeping rows whose ``field`` lies in the user's scope for the role.

    For example ``Dossier.objects.filter(user_scope_q(user, "case_handler"))``
    keeps the dossiers of the units the user covers; ``field=""`` filters
    units themselves. A user without the role matches nothing. One query,
    for the paths.
    """
    paths = list(user_units_for_role(user, role_code, on=on).values_list("path", flat=True))
    if not paths:
        return Q(pk__in=[])
    lookup = f"{field}__path__startswith" if field else "path__startswith"
    condition = Q()
    for path in paths:
        condition |= Q(**{lookup: path})
    return condition


_units: ProcessCache[Unit | None] = ProcessCache("org.units")


def unit_get_cached(unit_id: int) -> Unit | None:
    """Return the unit with ``unit_id`` (kind loaded), cached per process (see core.cache)."""
    return _units.get_or_set(
        unit_id, lambda: Unit.objects.select_related("kind").filter(pk=unit_id).first()
    )


# --- offices open to the public (nơi tiếp nhận hồ sơ) -------------------------------------------

_offices: ProcessCache[Unit | None] = ProcessCache("org.offices")


def office_for_unit(unit_id: int) -> Unit | None:
    """Return the office a citizen goes to for a dossier received at ``unit_id``.

    The unit itself when it serves the public, else the nearest unit above
    it that does (an intake point's centre); None when no unit on the way up
    has been set up as an office. Cached per process (see core.cache).
    """

    def find() -> Unit | None:
        unit = Unit.objects.filter(pk=unit_id).only("path").first()
        if unit is None:
            return None
        ids = unit.ancestor_ids()
        offices = {u.pk: u for u in Unit.objects.filter(pk__in=ids, serves_public=True)}
        return next((offices[pk] for pk in reversed(ids) if pk in offices), None)

    return _offices.get_or_set(unit_id, find)


def office_list(*, on: date | None = None) -> list[Unit]:
    """Return the offices open to the public on ``on`` (today), in tree order."""
    day = on or clock.localdate()
    return list(
        Unit.objects.filter(valid_on_q(day), serves_public=True)
        .select_related("kind")
        .order_by(TreePath("path"))
    )


def offices_for_tier(tier: str, *, on: date | None = None) -> list[Unit]:
    """Return the offices whose nearest administrative unit above has ``tier``.

    A commune-level procedure is handed in at a ward's or commune's office, a
    province-level one at the province's centre (the same rule as
    :func:`motcua.dossiers.services.intake.agency_for`).
    """
    day = on or clock.localdate()
    return _offices_by_tier.get_or_set((tier, day), lambda: _offices_for_tier(tier, day))


_offices_by_tier: ProcessCache[list[Unit]] = ProcessCache("org.offices_by_tier")


def _offices_for_tier(tier: str, day: date) -> list[Unit]:
    offices = office_list(on=day)
    ancestor_ids = {pk for office in offices for pk in office.ancestor_ids()}
    administrative = {
        unit.pk: unit.kind.tier
        for unit in Unit.objects.filter(pk__in=ancestor_ids, kind__is_administrative=True)
        .only("pk", "kind__tier")
        .select_related("kind")
    }
    found = []
    for office in offices:
        tiers = [
            administrative[pk] for pk in reversed(office.ancestor_ids()) if pk in administrative
        ]
        if tiers and tiers[0] == tier:
            found.append(office)
    return found
