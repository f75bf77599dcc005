"""Writes to the procedure catalogue; nothing else saves these models.

Versioning rules:

* A version is in force from ``effective_from`` until the next version's
  ``effective_from`` (``effective_to``, exclusive), which the services set.
* A new version of an existing procedure takes effect after the latest
  version and not before today: what applied in the past stays on record.
* A version may change (content or date) or be deleted only while it takes
  effect after today; a version in force or past is immutable, because
  dossiers received under it point at it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, NoReturn

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from motcua.catalog.content import (
    Problem,
    VersionContent,
    code_problem,
    content_of,
    content_problems,
)
from motcua.catalog.models import (
    FeeLine,
    Field,
    Procedure,
    ProcedureVersion,
    RequiredDocument,
    WorkflowStep,
)
from motcua.catalog.selectors import (
    units_by_agency_code,
    version_children_prefetch,
    working_day_seconds,
)
from motcua.core import clock
from motcua.core.audit import audit_record, stream_for
from motcua.core.errors import ApplicationError, ConflictError
from motcua.core.text import fold, nfc
from motcua.org.models import Role, Unit

Actor = Any


def _d(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def raise_problems(problems: list[Problem]) -> NoReturn:
    """Raise one ApplicationError listing every problem (all in ``extra``)."""
    messages = [p.message for p in problems]
    raise ApplicationError(
        " ".join(messages),
        code="invalid_procedure",
        extra={
            "errors": [
                {"part": p.part, "index": p.index, "attr": p.attr, "message": p.message}
                for p in problems
            ]
        },
    )


def search_text_for(*, name: str, code: str, field_name: str) -> str:
    """Return the folded text procedure search matches words against."""
    return fold(f"{name} {code} {field_name}")


def new_version_date_problem(
    *, latest_from: date | None, latest_number: int | None, effective_from: date, today: date
) -> str | None:
    """Return why a new version cannot take effect on ``effective_from``, or None.

    ``latest_from`` and ``latest_number`` describe the procedure's latest
    version (None for a procedure without versions).
    """
    if latest_from is None:
        return None
    if effective_from <= latest_from:
        return _(
            "A new version must take effect after %(date)s, the date of version %(number)s; "
            "to change a version that has not taken effect yet, edit it instead."
        ) % {"date": _d(latest_from), "number": latest_number}
    if effective_from < today:
        return _(
            "A new version cannot take effect in the past (%(date)s): what applied until "
            "today stays on record. Use today or a later date."
        ) % {"date": _d(effective_from)}
    return None


def immutable_problem(version: ProcedureVersion, *, today: date) -> str | None:
    """Return why ``version`` cannot change any more, or None."""
    if version.is_editable_on(today):
        return None
    return _(
        "Version %(number)s of procedure %(code)s has been in force since %(date)s and can no "
        "longer be changed; create a new version with a later effective date instead."
    ) % {
        "number": version.number,
        "code": version.procedure.code,
        "date": _d(version.effective_from),
    }


@dataclass(frozen=True)
class _Resolved:
    content: VersionContent
    field: Field
    roles: dict[str, Role]
    units: dict[str, Unit]


def _resolve(
    content: VersionContent, *, today: date, extra: list[Problem] | None = None
) -> _Resolved:
    """Validate ``content`` against the rules and the database, or raise."""
    c = content.normalized()
    field = Field.objects.filter(code=c.field_code).first()
    role_codes = {s.role_code for s in c.steps if s.role_code}
    roles = {role.code: role for role in Role.objects.filter(code__in=role_codes)}
    units = units_by_agency_code({s.agency_code for s in c.steps if s.agency_code}, today=today)
    problems = list(extra or [])
    problems += content_problems(
        c,
        day_seconds=working_day_seconds(),
        known_fields={field.code} if field else set(),
        known_roles=set(roles),
        known_agencies=set(units),
    )
    if problems:
        raise_problems(problems)
    assert field is not None
    return _Resolved(content=c, field=field, roles=roles, units=units)


def _write_lines(version: ProcedureVersion, resolved: _Resolved) -> None:
    c = resolved.content
    RequiredDocument.objects.bulk_create(
        RequiredDocument(
            version=version,
            order=d.order,
            name=d.name,
            form=d.form,
            count=d.count,
            is_mandatory=d.is_mandatory,
            note=d.note,
        )
        for d in c.documents
    )
    FeeLine.objects.bulk_create(
        FeeLine(
            version=version, order=f.order, name=f.name, kind=f.kind, amount=f.amount, note=f.note
        )
        for f in c.fees
    )
    WorkflowStep.objects.bulk_create(
        WorkflowStep(
            version=version,
            order=s.order,
            name=s.name,
            role=resolved.roles[s.role_code],
            unit=resolved.units.get(s.agency_code) if s.agency_code else None,
            is_inter_agency=s.is_inter_agency,
            budget_amount=s.budget_amount,
            budget_unit=s.budget_unit,
        )
        for s in c.steps
    )


def _apply(version: ProcedureVersion, resolved: _Resolved, code: str) -> None:
    c = resolved.content
    version.name = c.name
    version.field = resolved.field
    version.competent_level = c.competent_level
    version.competent_agency = c.competent_agency
    version.time_limit_amount = c.time_limit_amount
    version.time_limit_unit = c.time_limit_unit
    version.online_level = c.online_level
    version.result_type = c.result_type
    version.supplement_policy = c.supplement_policy
    version.supplement_window_days = c.supplement_window_days
    version.legal_basis = c.legal_basis
    version.search_text = search_text_for(name=c.name, code=code, field_name=resolved.field.name)


def _summary(version: ProcedureVersion) -> dict[str, Any]:
    return {
        "code": version.procedure.code,
        "number": version.number,
        "effective_from": version.effective_from.isoformat(),
        "name": version.name,
        "time_limit": [version.time_limit_amount, version.time_limit_unit],
    }


# --- Fields ---------------------------------------------------------------------


def field_create(*, actor: Actor, code: str, name: str) -> Field:
    """Create a field of procedures (lĩnh vực)."""
    code, name = nfc(code), nfc(name)
    if not code or not name:
        raise ApplicationError(_("A field needs a code and a name."))
    if len(code) > 40 or len(name) > 200:
        raise ApplicationError(
            _("A field code has at most 40 characters and a field name at most 200.")
        )
    with transaction.atomic():
        if Field.objects.filter(code=code).exists():
            raise ApplicationError(
                _("A field with code “%(code)s” already exists.") % {"code": code}
            )
        field = Field.objects.create(code=code, name=name)
        audit_record(
            actor=actor, action="catalog.field.create", obj=field, data={"code": code, "name": name}
        )
    return field


def field_update(*, actor: Actor, field: Field, name: str) -> Field:
    """Rename a field; the search text of its versions follows."""
    name = nfc(name)
    if not name:
        raise ApplicationError(_("A field needs a code and a name."))
    if len(name) > 200:
        raise ApplicationError(
            _("A field code has at most 40 characters and a field name at most 200.")
        )
    with transaction.atomic():
        field = Field.objects.select_for_update().get(pk=field.pk)
        if field.name == name:
            return field
        old = field.name
        field.name = name
        field.save(update_fields=["name"])
        versions = list(ProcedureVersion.objects.filter(field=field).select_related("procedure"))
        for version in versions:
            version.search_text = search_text_for(
                name=version.name, code=version.procedure.code, field_name=name
            )
        ProcedureVersion.objects.bulk_update(versions, ["search_text"])
        audit_record(
            actor=actor, action="catalog.field.update", obj=field, data={"name": [old, name]}
        )
    return field


# --- Procedures and versions -------------------------------------------------------


def procedure_create(
    *,
    actor: Actor,
    code: str,
    effective_from: date,
    content: VersionContent,
    is_illustrative: bool = False,
) -> Procedure:
    """Create a procedure with its first version (which may date from the past)."""
    code = nfc(code)
    today = clock.localdate()
    extra: list[Problem] = []
    if message := code_problem(code):
        extra.append(Problem("version", None, "code", message))
    elif Procedure.objects.filter(code=code).exists():
        extra.append(
            Problem(
                "version",
                None,
                "code",
                _("A procedure with code %(code)s already exists; add a new version to it instead.")
                % {"code": code},
            )
        )
    with transaction.atomic():
        resolved = _resolve(content, today=today, extra=extra)
        try:
            with transaction.atomic():
                procedure = Procedure.objects.create(code=code, is_illustrative=is_illustrative)
        except IntegrityError:
            raise ConflictError(
                _("A procedure with code %(code)s already exists; add a new version to it instead.")
                % {"code": code}
            ) from None
        version = ProcedureVersion(procedure=procedure, number=1, effective_from=effective_from)
        _apply(version, resolved, code)
        version.save()
        _write_lines(version, resolved)
        audit_record(
            actor=actor,
            action="catalog.procedure.create",
            obj=procedure,
            data={**_summary(version), "is_illustrative": is_illustrative},
        )
    return procedure


def procedure_update(
    *,
    actor: Actor,
    procedure: Procedure,
    is_active: bool | None = None,
    is_illustrative: bool | None = None,
) -> Procedure:
    """Change the flags of a procedure (its content lives in versions)."""
    with transaction.atomic():
        procedure = Procedure.objects.select_for_update().get(pk=procedure.pk)
        changes: dict[str, list[bool]] = {}
        if is_active is not None and is_active != procedure.is_active:
            changes["is_active"] = [procedure.is_active, is_active]
            procedure.is_active = is_active
        if is_illustrative is not None and is_illustrative != procedure.is_illustrative:
            changes["is_illustrative"] = [procedure.is_illustrative, is_illustrative]
            procedure.is_illustrative = is_illustrative
        if changes:
            procedure.save(update_fields=[*changes, "updated_at"])
            audit_record(
                actor=actor, action="catalog.procedure.update", obj=procedure, data=changes
            )
    return procedure


def procedure_version_create(
    *,
    actor: Actor,
    procedure: Procedure,
    effective_from: date,
    content: VersionContent,
) -> ProcedureVersion:
    """Add a version taking effect on ``effective_from``; the latest one ends that day."""
    today = clock.localdate()
    with transaction.atomic():
        procedure = Procedure.objects.select_for_update().get(pk=procedure.pk)
        latest = (
            ProcedureVersion.objects.select_for_update()
            .filter(procedure=procedure)
            .order_by("-effective_from")
            .first()
        )
        extra: list[Problem] = []
        if message := new_version_date_problem(
            latest_from=latest.effective_from if latest else None,
            latest_number=latest.number if latest else None,
            effective_from=effective_from,
            today=today,
        ):
            extra.append(Problem("version", None, "effective_from", message))
        resolved = _resolve(content, today=today, extra=extra)
        version = ProcedureVersion(
            procedure=procedure,
            number=max(procedure.versions.values_list("number", flat=True), default=0) + 1,
            effective_from=effective_from,
        )
        _apply(version, resolved, procedure.code)
        version.save()
        _write_lines(version, resolved)
        data = _summary(version)
        if latest is not None:
            latest.effective_to = effective_from
            latest.save(update_fields=["effective_to", "updated_at"])
            data["previous"] = {"number": latest.number, "effective_to": effective_from.isoformat()}
        audit_record(
            actor=actor,
            action="catalog.version.create",
            obj=version,
            stream=stream_for(procedure),
            data=data,
        )
    return version


def procedure_version_update(
    *,
    actor: Actor,
    version: ProcedureVersion,
    content: VersionContent,
    effective_from: date | None = None,
) -> ProcedureVersion:
    """Change a version that has not taken effect yet (content and, optionally, date).

    The same content and date again change nothing and write no audit record.
    """
    today = clock.localdate()
    with transaction.atomic():
        procedure = Procedure.objects.select_for_update().get(pk=version.procedure_id)
        version = (
            ProcedureVersion.objects.select_for_update()
            .select_related("procedure", "field")
            .prefetch_related(*version_children_prefetch())
            .get(pk=version.pk)
        )
        if message := immutable_problem(version, today=today):
            raise ApplicationError(message, code="immutable_version")
        new_from = effective_from or version.effective_from
        extra: list[Problem] = []
        previous = (
            ProcedureVersion.objects.select_for_update()
            .filter(procedure=procedure, effective_from__lt=version.effective_from)
            .order_by("-effective_from")
            .first()
        )
        if new_from != version.effective_from:
            message = None
            if new_from < today:
                message = _(
                    "A version cannot take effect in the past (%(date)s). "
                    "Use today or a later date."
                ) % {"date": _d(new_from)}
            elif previous is not None and new_from <= previous.effective_from:
                message = _(
                    "The version must take effect after %(date)s, the date of version %(number)s."
                ) % {
                    "date": _d(previous.effective_from),
                    "number": previous.number,
                }
            elif version.effective_to is not None and new_from >= version.effective_to:
                message = _(
                    "The version must take effect before %(date)s, "
                    "when the next version takes effect."
                ) % {"date": _d(version.effective_to)}
            if message:
                extra.append(Problem("version", None, "effective_from", message))
        resolved = _resolve(content, today=today, extra=extra)
        before = content_of(version)
        if resolved.content == before and new_from == version.effective_from:
            return version
        old_from = version.effective_from
        version.effective_from = new_from
        _apply(version, resolved, procedure.code)
        version.save()
        version.documents.all().delete()
        version.fees.all().delete()
        version.steps.all().delete()
        _write_lines(version, resolved)
        if previous is not None and new_from != old_from:
            previous.effective_to = new_from
            previous.save(update_fields=["effective_to", "updated_at"])
        data = _summary(version)
        if new_from != old_from:
            data["effective_from_was"] = old_from.isoformat()
        audit_record(
            actor=actor,
            action="catalog.version.update",
            obj=version,
            stream=stream_for(procedure),
            data=data,
        )
    return version


def procedure_version_delete(*, actor: Actor, version: ProcedureVersion) -> None:
    """Delete a version that has not taken effect yet; the one before it runs on."""
    today = clock.localdate()
    with transaction.atomic():
        procedure = Procedure.objects.select_for_update().get(pk=version.procedure_id)
        version = (
            ProcedureVersion.objects.select_for_update()
            .select_related("procedure")
            .get(pk=version.pk)
        )
        if message := immutable_problem(version, today=today):
            raise ApplicationError(message, code="immutable_version")
        previous = (
            ProcedureVersion.objects.select_for_update()
            .filter(procedure=procedure, effective_from__lt=version.effective_from)
            .order_by("-effective_from")
            .first()
        )
        data = _summary(version)
        version.delete()
        if previous is not None:
            previous.effective_to = version.effective_to
            previous.save(update_fields=["effective_to", "updated_at"])
        audit_record(actor=actor, action="catalog.version.delete", obj=procedure, data=data)
