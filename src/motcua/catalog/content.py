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

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, fields, replace
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, TypeVar

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


_Spec = TypeVar("_Spec", DocumentSpec, FeeSpec, StepSpec)


def spec_from(cls: type[_Spec], values: Mapping[str, Any]) -> _Spec:
    """Build a line spec from the keys of ``values`` that name its fields (others ignored)."""
    return cls(**{f.name: values[f.name] for f in fields(cls) if f.name in values})


def content_from(
    values: Mapping[str, Any],
    *,
    documents: Iterable[Mapping[str, Any]] = (),
    fees: Iterable[Mapping[str, Any]] = (),
    steps: Iterable[Mapping[str, Any]] = (),
) -> VersionContent:
    """Build content from form or spreadsheet values, the lines from one mapping each."""
    parts = ("documents", "fees", "steps")
    return VersionContent(
        **{
            f.name: values[f.name]
            for f in fields(VersionContent)
            if f.name in values and f.name not in parts
        },
        documents=tuple(spec_from(DocumentSpec, d) for d in documents),
        fees=tuple(spec_from(FeeSpec, f) for f in fees),
        steps=tuple(spec_from(StepSpec, s) for s in steps),
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


@dataclass(frozen=True)
class _Known:
    """What the rules are checked against: the schedule and the codes that exist (None: any)."""

    day_seconds: int
    fields: set[str] | None = None
    roles: set[str] | None = None
    agencies: set[str] | None = None


# --- rules of the version ---------------------------------------------------------------


def _unknown_choice(attr: str, value: str, choices: Iterable[str], message: str) -> list[Problem]:
    if value in choices:
        return []
    return [Problem("version", None, attr, message % {"value": value})]


def _name_rule(c: VersionContent, known: _Known) -> list[Problem]:
    if c.name:
        return []
    return [Problem("version", None, "name", _("The procedure name is empty."))]


def _field_rule(c: VersionContent, known: _Known) -> list[Problem]:
    if not c.field_code:
        return [Problem("version", None, "field_code", _("The field is missing."))]
    if known.fields is not None and c.field_code not in known.fields:
        message = _("There is no field with code “%(code)s”.") % {"code": c.field_code}
        return [Problem("version", None, "field_code", message)]
    return []


def _competent_level_rule(c: VersionContent, known: _Known) -> list[Problem]:
    return _unknown_choice(
        "competent_level",
        c.competent_level,
        CompetentLevel.values,
        _("Unknown competent level “%(value)s”."),
    )


def _competent_agency_rule(c: VersionContent, known: _Known) -> list[Problem]:
    if c.competent_agency:
        return []
    return [Problem("version", None, "competent_agency", _("The competent agency is empty."))]


def _online_level_rule(c: VersionContent, known: _Known) -> list[Problem]:
    return _unknown_choice(
        "online_level",
        c.online_level,
        OnlineLevel.values,
        _("Unknown online service level “%(value)s”."),
    )


def _result_type_rule(c: VersionContent, known: _Known) -> list[Problem]:
    return _unknown_choice(
        "result_type", c.result_type, ResultType.values, _("Unknown result type “%(value)s”.")
    )


def _supplement_policy_rule(c: VersionContent, known: _Known) -> list[Problem]:
    return _unknown_choice(
        "supplement_policy",
        c.supplement_policy,
        SupplementPolicy.values,
        _("Unknown supplement policy “%(value)s”."),
    )


def _supplement_window_rule(c: VersionContent, known: _Known) -> list[Problem]:
    window = c.supplement_window_days
    if window is None or (_is_whole(window) and 1 <= window <= MAX_SUPPLEMENT_WINDOW):
        return []
    message = _(
        "The supplement window is a whole number of working days from 1 to 365; leave "
        "it empty when the procedure's law sets no time (no automatic closure)."
    )
    return [Problem("version", None, "supplement_window_days", message)]


def _time_limit_problem(c: VersionContent) -> tuple[str, str] | None:
    """Return the attribute and message of what is wrong with the time limit, or None."""
    if c.time_limit_unit not in TimeLimitUnit.values:
        return "time_limit_unit", _("Unknown time limit unit “%(value)s”.") % {
            "value": c.time_limit_unit
        }
    if not _is_whole(c.time_limit_amount):
        return "time_limit_amount", _("The time limit must be a whole number.")
    if c.time_limit_unit == TimeLimitUnit.SAME_DAY:
        if c.time_limit_amount != 0:
            return "time_limit_amount", _("A same-day time limit has no amount: enter 0.")
        return None
    if c.time_limit_amount > 9999:
        return "time_limit_amount", _("The time limit must be at most 9999.")
    if c.time_limit_amount < 1:
        return "time_limit_amount", _(
            "The time limit must be at least 1; use the unit “same day” for "
            "procedures settled the same day."
        )
    return None


def _time_limit_rule(c: VersionContent, known: _Known) -> list[Problem]:
    problem = _time_limit_problem(c)
    return [Problem("version", None, *problem)] if problem else []


# --- rules of one line (document, fee, step) ---------------------------------------------


def _document_name_rule(i: int, d: DocumentSpec, known: _Known) -> list[Problem]:
    return [] if d.name else [Problem("documents", i, "name", _("The document name is empty."))]


def _document_form_rule(i: int, d: DocumentSpec, known: _Known) -> list[Problem]:
    if d.form in DocumentForm.values:
        return []
    message = _("Unknown document form “%(value)s”.") % {"value": d.form}
    return [Problem("documents", i, "form", message)]


def _document_count_rule(i: int, d: DocumentSpec, known: _Known) -> list[Problem]:
    if _is_whole(d.count) and 1 <= d.count <= 32767:
        return []
    message = _("The number of copies must be a whole number from 1.")
    return [Problem("documents", i, "count", message)]


def _fee_name_rule(i: int, f: FeeSpec, known: _Known) -> list[Problem]:
    return [] if f.name else [Problem("fees", i, "name", _("The fee name is empty."))]


def _fee_kind_rule(i: int, f: FeeSpec, known: _Known) -> list[Problem]:
    if f.kind in FeeKind.values:
        return []
    return [Problem("fees", i, "kind", _("Unknown fee kind “%(value)s”.") % {"value": f.kind})]


def _fee_amount_rule(i: int, f: FeeSpec, known: _Known) -> list[Problem]:
    if _is_whole(f.amount) and 0 <= f.amount <= 10**15:
        return []
    message = _("A fee is a whole number of đồng, zero or more; “%(value)s” is not.") % {
        "value": f.amount
    }
    return [Problem("fees", i, "amount", message)]


def _step_name_rule(i: int, s: StepSpec, known: _Known) -> list[Problem]:
    return [] if s.name else [Problem("steps", i, "name", _("The step name is empty."))]


def _step_role_rule(i: int, s: StepSpec, known: _Known) -> list[Problem]:
    if not s.role_code:
        return [Problem("steps", i, "role_code", _("The step has no role."))]
    if known.roles is not None and s.role_code not in known.roles:
        message = _("There is no role with code “%(code)s”.") % {"code": s.role_code}
        return [Problem("steps", i, "role_code", message)]
    return []


def _step_agency_rule(i: int, s: StepSpec, known: _Known) -> list[Problem]:
    if not s.agency_code or known.agencies is None or s.agency_code in known.agencies:
        return []
    message = _("No unit has the electronic identifier code “%(code)s”.") % {"code": s.agency_code}
    return [Problem("steps", i, "agency_code", message)]


def _step_budget_unit_rule(i: int, s: StepSpec, known: _Known) -> list[Problem]:
    if s.budget_unit in StepBudgetUnit.values:
        return []
    message = _("Unknown budget unit “%(value)s”.") % {"value": s.budget_unit}
    return [Problem("steps", i, "budget_unit", message)]


def _budget(s: StepSpec) -> Decimal | None:
    """Return the step's budget amount when it is valid (positive, two decimals at most)."""
    try:
        amount = Decimal(s.budget_amount)
        valid = (
            amount.is_finite()
            and amount > 0
            and amount <= MAX_BUDGET
            and amount == amount.quantize(Decimal("0.01"))
        )
    except (InvalidOperation, TypeError, ValueError):
        return None
    return amount if valid else None


def _step_budget_amount_rule(i: int, s: StepSpec, known: _Known) -> list[Problem]:
    if _budget(s) is not None:
        return []
    message = _(
        "A step's time budget must be more than 0, with at most two decimals; “%(value)s” is not."
    ) % {"value": s.budget_amount}
    return [Problem("steps", i, "budget_amount", message)]


def _line_problems(
    part: str,
    items: tuple[Any, ...],
    rules: tuple[Callable[..., list[Problem]], ...],
    known: _Known,
) -> list[Problem]:
    problems = _order_problems(part, (item.order for item in items))
    for i, item in enumerate(items):
        for rule in rules:
            problems += rule(i, item, known)
    return problems


def _documents_rule(c: VersionContent, known: _Known) -> list[Problem]:
    rules = (_document_name_rule, _document_form_rule, _document_count_rule)
    return _line_problems("documents", c.documents, rules, known)


def _fees_rule(c: VersionContent, known: _Known) -> list[Problem]:
    return _line_problems("fees", c.fees, (_fee_name_rule, _fee_kind_rule, _fee_amount_rule), known)


def _steps_rule(c: VersionContent, known: _Known) -> list[Problem]:
    rules = (
        _step_name_rule,
        _step_role_rule,
        _step_agency_rule,
        _step_budget_unit_rule,
        _step_budget_amount_rule,
    )
    return _line_problems("steps", c.steps, rules, known)


# --- rules across the version -----------------------------------------------------------


def _text_length_rule(c: VersionContent, known: _Known) -> list[Problem]:
    problems: list[Problem] = []
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
    return problems


def _deciding_step_rule(c: VersionContent, known: _Known) -> list[Problem]:
    """The decision is taken at a deciding role's step and the dossier then goes to the
    final step (the return): a deciding step anywhere else would skip the steps after it."""
    deciding = [i for i, step in enumerate(c.steps) if step.role_code in _deciding_roles()]
    return [
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
        for i in deciding
        if i < len(c.steps) - 2 or len(deciding) > 1
    ]


def _budgets_within_limit_rule(c: VersionContent, known: _Known) -> list[Problem]:
    """The steps' budgets together fit in the time limit (when both can be read)."""
    if not c.steps or _time_limit_problem(c) is not None:
        return []
    total = Decimal(0)
    for s in c.steps:
        amount = _budget(s)
        if amount is None or s.budget_unit not in StepBudgetUnit.values:
            return []
        total += budget_seconds(amount, s.budget_unit, day_seconds=known.day_seconds)
    allowed = limit_seconds(c.time_limit_amount, c.time_limit_unit, day_seconds=known.day_seconds)
    if total <= allowed:
        return []
    message = _(
        "The workflow steps take %(total)s in all, more than the time limit "
        "of %(limit)s allows (%(allowed)s at %(day)s a day)."
    ) % {
        "total": _hours_text(total),
        "limit": limit_text(c.time_limit_amount, c.time_limit_unit, in_sentence=True),
        "allowed": _hours_text(allowed),
        "day": _hours_text(known.day_seconds),
    }
    return [Problem("steps", None, "budget_amount", message)]


# In the order their problems are listed.
RULES: tuple[Callable[[VersionContent, _Known], list[Problem]], ...] = (
    _name_rule,
    _field_rule,
    _competent_level_rule,
    _competent_agency_rule,
    _online_level_rule,
    _result_type_rule,
    _supplement_policy_rule,
    _supplement_window_rule,
    _time_limit_rule,
    _documents_rule,
    _fees_rule,
    _steps_rule,
    _text_length_rule,
    _deciding_step_rule,
    _budgets_within_limit_rule,
)


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
    agency codes that exist; None skips that check. Each rule is one
    function of :data:`RULES`.
    """
    c = content.normalized()
    known = _Known(day_seconds, known_fields, known_roles, known_agencies)
    return [problem for rule in RULES for problem in rule(c, known)]
