"""What a procedure version says, as plain data, and the rules it must obey.

:class:`VersionContent` is the input of the write services and of the Excel
import, and what :func:`content_of` reads back from a stored version, so
"the same content again" is a plain equality test. :func:`content_problems`
checks everything that does not need the database except the look-up sets it
is given, and returns every problem rather than the first, so the import can
list them all.

Time budgets (DOMAIN.md §1.3, "Processing"): the steps of the internal
process share the legal time limit, so their budgets together must fit in
it. Working days convert to working time with the deployment schedule's
hours per day. A calendar-day limit of N days allows at most N working days
of budgets (the calendar days include non-working days, never more working
days than N); a same-day limit allows one working day.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from motcua.catalog.models import (
    MAX_SUPPLEMENT_WINDOW,
    CompetentLevel,
    DocumentForm,
    FeeKind,
    OnlineLevel,
    ResultType,
    StepBudgetUnit,
    SupplementPolicy,
    TimeLimitUnit,
    procedure_code_validator,
)
from motcua.core.text import nfc

if TYPE_CHECKING:
    from motcua.catalog.models import ProcedureVersion

HOUR = 3600
MAX_BUDGET = Decimal("9999.99")
# Maximum lengths of the text columns (models.py).
MAX_LENGTH = {
    ("version", "name"): 500,
    ("version", "competent_agency"): 255,
    ("documents", "name"): 500,
    ("documents", "note"): 500,
    ("fees", "name"): 300,
    ("fees", "note"): 300,
    ("steps", "name"): 300,
}


@dataclass(frozen=True)
class DocumentSpec:
    """A required document (thành phần hồ sơ)."""

    order: int
    name: str
    form: str
    count: int = 1
    is_mandatory: bool = True
    note: str = ""


@dataclass(frozen=True)
class FeeSpec:
    """A fee or charge line, ``amount`` in whole đồng."""

    order: int
    name: str
    amount: int
    kind: str = FeeKind.CHARGE
    note: str = ""


@dataclass(frozen=True)
class StepSpec:
    """A workflow step; ``agency_code`` is an org.Unit electronic identifier."""

    order: int
    name: str
    role_code: str
    budget_amount: Decimal
    budget_unit: str
    agency_code: str = ""
    is_inter_agency: bool = False


@dataclass(frozen=True)
class VersionContent:
    """Everything a version states, apart from its procedure and dates."""

    name: str
    field_code: str
    competent_level: str
    competent_agency: str
    time_limit_amount: int
    time_limit_unit: str
    online_level: str
    result_type: str
    supplement_policy: str = SupplementPolicy.PAUSE
    supplement_window_days: int | None = None
    legal_basis: str = ""
    documents: tuple[DocumentSpec, ...] = ()
    fees: tuple[FeeSpec, ...] = ()
    steps: tuple[StepSpec, ...] = ()

    def normalized(self) -> VersionContent:
        """Return the content with NFC text, plain values and children in order."""
        return replace(
            self,
            name=nfc(self.name),
            field_code=nfc(self.field_code),
            competent_level=str(self.competent_level),
            competent_agency=nfc(self.competent_agency),
            time_limit_unit=str(self.time_limit_unit),
            online_level=str(self.online_level),
            result_type=str(self.result_type),
            supplement_policy=str(self.supplement_policy),
            legal_basis=nfc(self.legal_basis),
            documents=tuple(
                sorted(
                    (
                        replace(d, name=nfc(d.name), form=str(d.form), note=nfc(d.note))
                        for d in self.documents
                    ),
                    key=lambda d: d.order,
                )
            ),
            fees=tuple(
                sorted(
                    (
                        replace(f, name=nfc(f.name), kind=str(f.kind), note=nfc(f.note))
                        for f in self.fees
                    ),
                    key=lambda f: f.order,
                )
            ),
            steps=tuple(
                sorted(
                    (
                        replace(
                            s,
                            name=nfc(s.name),
                            role_code=nfc(s.role_code),
                            agency_code=nfc(s.agency_code),
                            budget_unit=str(s.budget_unit),
                        )
                        for s in self.steps
                    ),
                    key=lambda s: s.order,
                )
            ),
        )


def content_of(version: ProcedureVersion) -> VersionContent:
    """Read the content of a stored version (children should be prefetched)."""
    return VersionContent(
        name=version.name,
        field_code=version.field.code,
        competent_level=version.competent_level,
        competent_agency=version.competent_agency,
        time_limit_amount=version.time_limit_amount,
        time_limit_unit=version.time_limit_unit,
        online_level=version.online_level,
        result_type=version.result_type,
        supplement_policy=version.supplement_policy,
        supplement_window_days=version.supplement_window_days,
        legal_basis=version.legal_basis,
        documents=tuple(
            DocumentSpec(
                order=d.order,
                name=d.name,
                form=d.form,
                count=d.count,
                is_mandatory=d.is_mandatory,
                note=d.note,
            )
            for d in version.documents.all()
        ),
        fees=tuple(
            FeeSpec(order=f.order, name=f.name, amount=f.amount, kind=f.kind, note=f.note)
            for f in version.fees.all()
        ),
        steps=tuple(
            StepSpec(
                order=s.order,
                name=s.name,
                role_code=s.role.code,
                budget_amount=s.budget_amount,
                budget_unit=s.budget_unit,
                agency_code=s.unit.agency_code if s.unit is not None else "",
                is_inter_agency=s.is_inter_agency,
            )
            for s in version.steps.all()
        ),
    ).normalized()


@dataclass(frozen=True)
class Problem:
    """One broken rule: ``part`` is "version", "documents", "fees" or "steps".

    ``index`` is the position in that part's tuple (None for the version),
    ``attr`` the attribute at fault.
    """

    part: str
    index: int | None
    attr: str
    message: str


def code_problem(code: str) -> str | None:
    """Return why ``code`` is not a national procedure code, or None."""
    try:
        procedure_code_validator(code)
    except ValidationError:
        return _(
            "“%(code)s” is not a national procedure code: it looks like 2.000635, "
            "one digit, a dot and six digits."
        ) % {"code": code}
    return None


def _hours_text(seconds: Decimal | int) -> str:
    hours = (Decimal(seconds) / HOUR).quantize(Decimal("0.01")).normalize()
    return _("%(hours)s working hours") % {"hours": f"{hours:f}"}


def limit_text(amount: int, unit: str, *, in_sentence: bool = False) -> str:
    """Return a time limit in words: "3 working days", "Same day"."""
    if unit == TimeLimitUnit.SAME_DAY:
        return _("the same day") if in_sentence else _("Same day")
    if unit == TimeLimitUnit.WORKING_HOURS:
        return _("%(amount)s working hours") % {"amount": amount}
    if unit == TimeLimitUnit.CALENDAR_DAYS:
        return _("%(amount)s days") % {"amount": amount}
    return _("%(amount)s working days") % {"amount": amount}


def budget_text(amount: Decimal, unit: str) -> str:
    """Return a step budget in words: "0.5 working days", "4 working hours"."""
    shown = f"{Decimal(amount).normalize():f}"
    if unit == StepBudgetUnit.WORKING_HOURS:
        return _("%(amount)s working hours") % {"amount": shown}
    return _("%(amount)s working days") % {"amount": shown}


def limit_seconds(amount: int, unit: str, *, day_seconds: int) -> int:
    """Return the working time a time limit allows for the steps, in seconds."""
    if unit == TimeLimitUnit.SAME_DAY:
        return day_seconds
    if unit == TimeLimitUnit.WORKING_HOURS:
        return amount * HOUR
    # Working days, and calendar days counted as at most as many working days.
    return amount * day_seconds


def budget_seconds(amount: Decimal, unit: str, *, day_seconds: int) -> Decimal:
    """Return a step budget in working seconds."""
    per_unit = HOUR if unit == StepBudgetUnit.WORKING_HOURS else day_seconds
    return Decimal(amount) * per_unit


def _order_problems(part: str, orders: Iterable[int]) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[int] = set()
    for index, order in enumerate(orders):
        if isinstance(order, bool) or not isinstance(order, int) or not 1 <= order <= 32767:
            problems.append(
                Problem(part, index, "order", _("The order must be a whole number from 1."))
            )
        elif order in seen:
            problems.append(
                Problem(
                    part,
                    index,
                    "order",
                    _("Order %(order)s is used twice; each line needs its own number.")
                    % {"order": order},
                )
            )
        else:
            seen.add(order)
    return problems


def _is_whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _deciding_roles() -> frozenset[str]:
    """Roles that sign the decision (``MOTCUA_DECISION_ROLES``, read by the dossiers too)."""
    return frozenset(settings.MOTCUA_DECISION_ROLES)


def content_problems(
    content: VersionContent,
    *,
    day_seconds: int,
    known_fields: set[str] | None = None,
    known_roles: set[str] | None = None,
    known_agencies: set[str] | None = None,
) -> list[Problem]:
    """Return every rule ``content`` breaks (an empty list when it is valid).

    The ``known_*`` sets, when given, are the field codes, role codes and
    agency codes that exist; None skips that check.
    """
    c = content.normalized()
    problems: list[Problem] = []

    def version(attr: str, message: str) -> None:
        problems.append(Problem("version", None, attr, message))

    if not c.name:
        version("name", _("The procedure name is empty."))
    if not c.field_code:
        version("field_code", _("The field is missing."))
    elif known_fields is not None and c.field_code not in known_fields:
        version("field_code", _("There is no field with code “%(code)s”.") % {"code": c.field_code})
    if c.competent_level not in CompetentLevel.values:
        version(
            "competent_level",
            _("Unknown competent level “%(value)s”.") % {"value": c.competent_level},
        )
    if not c.competent_agency:
        version("competent_agency", _("The competent agency is empty."))
    if c.online_level not in OnlineLevel.values:
        version(
            "online_level",
            _("Unknown online service level “%(value)s”.") % {"value": c.online_level},
        )
    if c.result_type not in ResultType.values:
        version("result_type", _("Unknown result type “%(value)s”.") % {"value": c.result_type})
    if c.supplement_policy not in SupplementPolicy.values:
        version(
            "supplement_policy",
            _("Unknown supplement policy “%(value)s”.") % {"value": c.supplement_policy},
        )

    window = c.supplement_window_days
    if window is not None and (not _is_whole(window) or not 1 <= window <= MAX_SUPPLEMENT_WINDOW):
        version(
            "supplement_window_days",
            _(
                "The supplement window is a whole number of working days from 1 to 365; leave "
                "it empty when the procedure's law sets no time (no automatic closure)."
            ),
        )

    limit_ok = False
    if c.time_limit_unit not in TimeLimitUnit.values:
        version(
            "time_limit_unit",
            _("Unknown time limit unit “%(value)s”.") % {"value": c.time_limit_unit},
        )
    elif not _is_whole(c.time_limit_amount):
        version("time_limit_amount", _("The time limit must be a whole number."))
    elif c.time_limit_unit == TimeLimitUnit.SAME_DAY:
        if c.time_limit_amount != 0:
            version("time_limit_amount", _("A same-day time limit has no amount: enter 0."))
        else:
            limit_ok = True
    elif c.time_limit_amount > 9999:
        version("time_limit_amount", _("The time limit must be at most 9999."))
    elif c.time_limit_amount < 1:
        version(
            "time_limit_amount",
            _(
                "The time limit must be at least 1; use the unit “same day” for "
                "procedures settled the same day."
            ),
        )
    else:
        limit_ok = True

    problems += _order_problems("documents", (d.order for d in c.documents))
    for i, d in enumerate(c.documents):
        if not d.name:
            problems.append(Problem("documents", i, "name", _("The document name is empty.")))
        if d.form not in DocumentForm.values:
            problems.append(
                Problem(
                    "documents",
                    i,
                    "form",
                    _("Unknown document form “%(value)s”.") % {"value": d.form},
                )
            )
        if not _is_whole(d.count) or d.count < 1:
            problems.append(
                Problem(
                    "documents",
                    i,
                    "count",
                    _("The number of copies must be a whole number from 1."),
                )
            )

    problems += _order_problems("fees", (f.order for f in c.fees))
    for i, f in enumerate(c.fees):
        if not f.name:
            problems.append(Problem("fees", i, "name", _("The fee name is empty.")))
        if f.kind not in FeeKind.values:
            problems.append(
                Problem("fees", i, "kind", _("Unknown fee kind “%(value)s”.") % {"value": f.kind})
            )
        if not _is_whole(f.amount) or not 0 <= f.amount <= 10**15:
            problems.append(
                Problem(
                    "fees",
                    i,
                    "amount",
                    _("A fee is a whole number of đồng, zero or more; “%(value)s” is not.")
                    % {"value": f.amount},
                )
            )

    problems += _order_problems("steps", (s.order for s in c.steps))
    total = Decimal(0)
    budgets_ok = True
    for i, s in enumerate(c.steps):
        if not s.name:
            problems.append(Problem("steps", i, "name", _("The step name is empty.")))
        if not s.role_code:
            problems.append(Problem("steps", i, "role_code", _("The step has no role.")))
        elif known_roles is not None and s.role_code not in known_roles:
            problems.append(
                Problem(
                    "steps",
                    i,
                    "role_code",
                    _("There is no role with code “%(code)s”.") % {"code": s.role_code},
                )
            )
        if s.agency_code and known_agencies is not None and s.agency_code not in known_agencies:
            problems.append(
                Problem(
                    "steps",
                    i,
                    "agency_code",
                    _("No unit has the electronic identifier code “%(code)s”.")
                    % {"code": s.agency_code},
                )
            )
        if s.budget_unit not in StepBudgetUnit.values:
            problems.append(
                Problem(
                    "steps",
                    i,
                    "budget_unit",
                    _("Unknown budget unit “%(value)s”.") % {"value": s.budget_unit},
                )
            )
            budgets_ok = False
        try:
            amount = Decimal(s.budget_amount)
            valid_amount = (
                amount.is_finite()
                and amount > 0
                and amount <= MAX_BUDGET
                and amount == amount.quantize(Decimal("0.01"))
            )
        except (InvalidOperation, TypeError, ValueError):
            valid_amount = False
        if not valid_amount:
            problems.append(
                Problem(
                    "steps",
                    i,
                    "budget_amount",
                    _(
                        "A step's time budget must be more than 0, with at most two "
                        "decimals; “%(value)s” is not."
                    )
                    % {"value": s.budget_amount},
                )
            )
            budgets_ok = False
        elif s.budget_unit in StepBudgetUnit.values:
            total += budget_seconds(amount, s.budget_unit, day_seconds=day_seconds)

    for (part, attr), limit in MAX_LENGTH.items():
        items: tuple[object, ...] = (c,) if part == "version" else getattr(c, part)
        for i, item in enumerate(items):
            if len(getattr(item, attr)) > limit:
                problems.append(
                    Problem(
                        part,
                        None if part == "version" else i,
                        attr,
                        _("The text is too long: at most %(limit)s characters.") % {"limit": limit},
                    )
                )
    for i, d in enumerate(c.documents):
        if _is_whole(d.count) and d.count > 32767:
            problems.append(
                Problem(
                    "documents",
                    i,
                    "count",
                    _("The number of copies must be a whole number from 1."),
                )
            )

    # The decision is taken at a deciding role's step and the dossier then goes to the
    # final step (the return): a deciding step anywhere else would skip the steps after it.
    deciding = [i for i, step in enumerate(c.steps) if step.role_code in _deciding_roles()]
    for i in deciding:
        if i < len(c.steps) - 2 or len(deciding) > 1:
            problems.append(
                Problem(
                    "steps",
                    i,
                    "role_code",
                    _(
                        "The decision is signed at one step only, the last one or the one "
                        "just before the return of the result; a step of role “%(role)s” "
                        "here would skip the steps after it. Give an earlier step (for "
                        "example the leader's assignment) another role."
                    )
                    % {"role": c.steps[i].role_code},
                )
            )
    if limit_ok and budgets_ok and c.steps:
        allowed = limit_seconds(c.time_limit_amount, c.time_limit_unit, day_seconds=day_seconds)
        if total > allowed:
            problems.append(
                Problem(
                    "steps",
                    None,
                    "budget_amount",
                    _(
                        "The workflow steps take %(total)s in all, more than the time limit "
                        "of %(limit)s allows (%(allowed)s at %(day)s a day)."
                    )
                    % {
                        "total": _hours_text(total),
                        "limit": limit_text(
                            c.time_limit_amount, c.time_limit_unit, in_sentence=True
                        ),
                        "allowed": _hours_text(allowed),
                        "day": _hours_text(day_seconds),
                    },
                )
            )
    return problems
