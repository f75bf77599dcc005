"""Every change of an initiative, a council, a model or a replication.

Each service validates its input (a specific Vietnamese message, nothing
written on refusal), locks the row it changes, writes the history and the
audit record in the same transaction, and queues its notifications, which
are delivered after the commit (``core.notifications``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from motcua.catalog.models import Procedure
from motcua.core import clock
from motcua.core.audit import audit_record
from motcua.core.errors import ApplicationError, ConflictError, NotFoundError, PermissionDeniedError
from motcua.core.notifications import notify
from motcua.core.text import fold, nfc
from motcua.core.uploads import atomic_with_files, check_upload, store_upload
from motcua.initiatives import conf, lifecycle
from motcua.initiatives.constants import (
    InitiativeStatus,
    ModelAction,
    ModelStatus,
    RecognitionScope,
)
from motcua.initiatives.models import (
    Council,
    CouncilMember,
    Initiative,
    InitiativeEvidence,
    ModelTransition,
    Recognition,
    ReformModel,
    Replication,
)
from motcua.org.models import Unit


def _field(field: str, message: str, code: str = "invalid") -> ApplicationError:
    return ApplicationError(
        message, code=code, extra={"errors": [{"field": field, "message": message}]}
    )


def _require_officer(actor: Any, unit: Unit) -> None:
    if not lifecycle.is_officer(actor, unit):
        raise PermissionDeniedError(
            _("You are not a reform officer of %(unit)s.") % {"unit": unit.name}
        )


def _text(value: Any, field: str, label: str, *, required: bool, max_length: int = 0) -> str:
    text = nfc(str(value or "")).strip()
    if required and not text:
        raise _field(field, _("Enter the %(label)s.") % {"label": label}, "required")
    if max_length and len(text) > max_length:
        raise _field(
            field,
            _("The %(label)s is too long (at most %(n)d characters).")
            % {"label": label, "n": max_length},
            "too_long",
        )
    return text


def _procedures(codes: Iterable[str]) -> list[Procedure]:
    wanted = sorted({str(code).strip() for code in codes if str(code).strip()})
    found = {p.code: p for p in Procedure.objects.filter(code__in=wanted)}
    missing = [code for code in wanted if code not in found]
    if missing:
        raise _field(
            "procedures",
            _("Unknown procedure codes: %(codes)s.") % {"codes": ", ".join(missing)},
            "unknown_procedure",
        )
    return [found[code] for code in wanted]


def _user_or_none(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


@dataclass(frozen=True)
class InitiativeInput:
    title: str
    authors: str
    unit: Unit
    problem: str
    solution: str
    field: str = ""
    applied_on: date | None = None
    expected_benefits: str = ""
    measured_benefits: str = ""
    procedure_codes: Sequence[str] = ()


def initiative_register(*, actor: Any, data: InitiativeInput) -> Initiative:
    """Register an initiative of ``data.unit`` (the author's registration form)."""
    _require_officer(actor, data.unit)
    title = _text(data.title, "title", _("title"), required=True, max_length=300)
    authors = _text(data.authors, "authors", _("authors"), required=True, max_length=500)
    problem = _text(data.problem, "problem", _("problem"), required=True)
    solution = _text(data.solution, "solution", _("solution"), required=True)
    if data.applied_on is not None and data.applied_on > clock.localdate():
        raise _field("applied_on", _("The date applied cannot be in the future."), "future")
    procedures = _procedures(data.procedure_codes)
    with transaction.atomic():
        initiative = Initiative.objects.create(
            title=title,
            authors=authors,
            unit=data.unit,
            field=_text(data.field, "field", _("field"), required=False, max_length=200),
            problem=problem,
            solution=solution,
            applied_on=data.applied_on,
            expected_benefits=nfc(data.expected_benefits).strip(),
            measured_benefits=nfc(data.measured_benefits).strip(),
            search_text=fold(f"{title} {authors} {data.field}"),
            created_by=_user_or_none(actor),
            created_at=clock.now(),
        )
        initiative.procedures.set(procedures)
        audit_record(
            actor=actor,
            action="initiatives.initiative.register",
            obj=initiative,
            new_stream=True,
            data={"title": title, "unit": data.unit.pk, "procedures": [p.code for p in procedures]},
        )
    return initiative


def _locked_initiative(pk: int) -> Initiative:
    initiative = (
        Initiative.objects.select_for_update(of=("self",))
        .select_related("unit", "created_by")
        .filter(pk=pk)
    ).first()
    if initiative is None:
        raise NotFoundError(_("This initiative does not exist."))
    return initiative


def initiative_evidence_add(
    *, actor: Any, initiative: Initiative, upload: Any
) -> InitiativeEvidence:
    """Attach an evidence file (PDF, JPEG or PNG, checked and re-encoded by ``core.uploads``)."""
    _require_officer(actor, initiative.unit)
    checked = check_upload(upload, name=getattr(upload, "name", ""))
    with atomic_with_files():
        locked = _locked_initiative(initiative.pk)
        row = InitiativeEvidence.objects.create(
            initiative=locked,
            name=checked.name,
            content_type=checked.content_type,
            size=checked.size,
            sha256=checked.sha256,
            file=store_upload(checked, folder="initiatives"),
            created_at=clock.now(),
        )
        audit_record(
            actor=actor,
            action="initiatives.initiative.evidence",
            obj=locked,
            data={"file": row.name, "sha256": row.sha256},
        )
    return row


def council_form(
    *,
    actor: Any,
    initiative: Initiative,
    name: str,
    members: Sequence[tuple[str, str]],
    pass_mark: Decimal | int | None = None,
) -> Council:
    """Form the council reviewing ``initiative`` with ``members`` as (name, position)."""
    _require_officer(actor, initiative.unit)
    title = _text(name, "name", _("council name"), required=True, max_length=300)
    people = [(nfc(n).strip(), nfc(p).strip()) for n, p in members if nfc(n).strip()]
    if len(people) < 3:
        raise _field("members", _("A council needs at least three members."), "too_few_members")
    mark = Decimal(conf.default_pass_mark()) if pass_mark is None else Decimal(pass_mark)
    if not Decimal(0) < mark <= Decimal(100):
        raise _field("pass_mark", _("The pass mark must be between 1 and 100."), "pass_mark")
    with transaction.atomic():
        locked = _locked_initiative(initiative.pk)
        if Council.objects.filter(initiative=locked).exists():
            raise ConflictError(_("This initiative already has a council."))
        if locked.status != InitiativeStatus.REGISTERED:
            raise ConflictError(_("Only a registered initiative can go to a council."))
        council = Council.objects.create(initiative=locked, name=title, pass_mark=mark)
        CouncilMember.objects.bulk_create(
            [CouncilMember(council=council, name=n, position=p) for n, p in people]
        )
        audit_record(
            actor=actor,
            action="initiatives.council.form",
            obj=locked,
            data={"council": title, "members": [n for n, _p in people], "pass_mark": str(mark)},
        )
    return council


def _score(value: Any) -> Decimal:
    try:
        score = Decimal(str(value).replace(",", ".").strip())
    except (InvalidOperation, ValueError):
        raise _field("score", _("Enter the score as a number from 0 to 100."), "score") from None
    if not score.is_finite() or not Decimal(0) <= score <= Decimal(100):
        raise _field("score", _("Enter the score as a number from 0 to 100."), "score")
    return score.quantize(Decimal("0.01"))


def council_score(
    *, actor: Any, member: CouncilMember, score: Any, opinion: str = ""
) -> CouncilMember:
    """Record one member's individual score (0–100) and opinion."""
    council = member.council
    _require_officer(actor, council.initiative.unit)
    value = _score(score)
    with transaction.atomic():
        locked_council = Council.objects.select_for_update().get(pk=council.pk)
        if locked_council.concluded_at is not None:
            raise ConflictError(_("The council has concluded; scores can no longer change."))
        row = CouncilMember.objects.select_for_update().get(pk=member.pk)
        row.score = value
        row.opinion = nfc(opinion).strip()
        row.scored_at = clock.now()
        row.save(update_fields=["score", "opinion", "scored_at"])
        audit_record(
            actor=actor,
            action="initiatives.council.score",
            obj=locked_council.initiative,
            data={"member": row.name, "score": str(value)},
        )
    return row


def council_conclude(*, actor: Any, council: Council, opinion: str = "") -> Council:
    """Close the scoring: the mean of the members' scores against the pass mark decides."""
    _require_officer(actor, council.initiative.unit)
    with transaction.atomic():
        locked = Council.objects.select_for_update().get(pk=council.pk)
        if locked.concluded_at is not None:
            raise ConflictError(_("The council has already concluded."))
        raw = list(locked.members.values_list("score", flat=True))
        scores = [score for score in raw if score is not None]
        if len(scores) < len(raw):
            missing = len(raw) - len(scores)
            raise ApplicationError(
                _("%(n)d member(s) have not scored yet.") % {"n": missing}, code="unscored"
            )
        mean = (Decimal(sum(scores, Decimal(0))) / len(scores)).quantize(Decimal("0.01"))
        locked.mean_score = mean
        locked.passed = mean >= locked.pass_mark
        locked.opinion = nfc(opinion).strip()
        locked.concluded_at = clock.now()
        locked.save()
        initiative = _locked_initiative(locked.initiative_id)
        initiative.status = (
            InitiativeStatus.PASSED if locked.passed else InitiativeStatus.NOT_RECOGNISED
        )
        initiative.save(update_fields=["status"])
        audit_record(
            actor=actor,
            action="initiatives.council.conclude",
            obj=initiative,
            data={"mean": str(mean), "pass_mark": str(locked.pass_mark), "passed": locked.passed},
        )
        if initiative.created_by is not None:
            notify(
                event="initiatives.council_concluded",
                context={"initiative": initiative, "council": locked},
                user=initiative.created_by,
                obj=initiative,
            )
    return locked


def _decision(number: str, decided_on: date | None, scope: str) -> tuple[str, date, str]:
    text = _text(number, "decision_number", _("decision number"), required=True, max_length=60)
    if decided_on is None:
        raise _field("decided_on", _("Enter the decision date."), "required")
    if decided_on > clock.localdate():
        raise _field("decided_on", _("The decision date cannot be in the future."), "future")
    if scope not in RecognitionScope.values:
        raise _field("scope", _("Choose the scope: unit, province or national."), "scope")
    return text, decided_on, scope


def initiative_recognise(
    *,
    actor: Any,
    initiative: Initiative,
    decision_number: str,
    decided_on: date | None,
    scope: str,
    issued_by: str = "",
) -> Recognition:
    """Record the recognition decision of an initiative the council passed."""
    _require_officer(actor, initiative.unit)
    number, day, scope = _decision(decision_number, decided_on, scope)
    with transaction.atomic():
        locked = _locked_initiative(initiative.pk)
        if locked.status != InitiativeStatus.PASSED:
            raise ConflictError(
                _("Only an initiative the council passed can be recognised."), code="not_passed"
            )
        recognition = Recognition.objects.create(
            initiative=locked,
            decision_number=number,
            decided_on=day,
            scope=scope,
            issued_by=nfc(issued_by).strip(),
        )
        locked.status = InitiativeStatus.RECOGNISED
        locked.save(update_fields=["status"])
        audit_record(
            actor=actor,
            action="initiatives.initiative.recognise",
            obj=locked,
            data={"decision": number, "on": day.isoformat(), "scope": scope},
        )
        if locked.created_by is not None:
            notify(
                event="initiatives.recognised",
                context={"initiative": locked, "recognition": recognition},
                user=locked.created_by,
                obj=locked,
            )
    return recognition


def model_create(
    *,
    actor: Any,
    title: str,
    unit: Unit,
    pilot_started_on: date,
    procedure_codes: Sequence[str] = (),
    description: str = "",
    initiative: Initiative | None = None,
) -> ReformModel:
    """Start the pilot of a reform model in ``unit``."""
    _require_officer(actor, unit)
    text = _text(title, "title", _("title"), required=True, max_length=300)
    if pilot_started_on > clock.localdate():
        raise _field("pilot_started_on", _("The pilot cannot start in the future."), "future")
    procedures = _procedures(procedure_codes)
    with transaction.atomic():
        model = ReformModel.objects.create(
            title=text,
            unit=unit,
            description=nfc(description).strip(),
            initiative=initiative,
            pilot_started_on=pilot_started_on,
            created_at=clock.now(),
        )
        model.procedures.set(procedures)
        audit_record(
            actor=actor,
            action="initiatives.model.create",
            obj=model,
            new_stream=True,
            data={"title": text, "unit": unit.pk, "procedures": [p.code for p in procedures]},
        )
    return model


def _locked_model(pk: int) -> ReformModel:
    model = (
        ReformModel.objects.select_for_update(of=("self",))
        .select_related("unit")
        .filter(pk=pk)
        .first()
    )
    if model is None:
        raise NotFoundError(_("This model does not exist."))
    return model


def _transition(
    *, actor: Any, model: ReformModel, action: str, note: str, data: dict[str, Any]
) -> ModelTransition:
    """Move the locked ``model`` by ``action``; refuse what :func:`lifecycle.may` refuses."""
    if not lifecycle.is_officer(actor, model.unit):
        raise PermissionDeniedError(
            _("You are not a reform officer of %(unit)s.") % {"unit": model.unit.name}
        )
    if not lifecycle.may(action, model, actor):
        raise ConflictError(
            _("A model that is “%(status)s” cannot be moved this way.")
            % {"status": model.get_status_display()},
            code="transition",
        )
    before = model.status
    model.status = lifecycle.target(action)
    model.save(update_fields=["status"])
    row = ModelTransition.objects.create(
        model=model,
        action=action,
        from_status=before,
        to_status=model.status,
        note=note,
        actor=_user_or_none(actor),
        at=clock.now(),
    )
    audit_record(
        actor=actor,
        action=f"initiatives.model.{action}",
        obj=model,
        data={"from": before, "to": model.status, **data},
    )
    creator = getattr(model.initiative, "created_by", None) if model.initiative_id else None
    if creator is not None:
        notify(
            event="initiatives.model_changed",
            context={"model": model, "note": note},
            user=creator,
            obj=model,
        )
    return row


def model_evaluate(*, actor: Any, model: ReformModel, evaluation: str) -> ReformModel:
    """Record the pilot's evaluation: pilot → evaluated."""
    text = _text(evaluation, "evaluation", _("evaluation"), required=True)
    with transaction.atomic():
        locked = _locked_model(model.pk)
        locked.evaluation = text
        locked.save(update_fields=["evaluation"])
        _transition(actor=actor, model=locked, action=ModelAction.EVALUATE, note=text, data={})
    return locked


def model_reject(*, actor: Any, model: ReformModel, reason: str) -> ReformModel:
    """Stop a pilot or an evaluated model, with the reason."""
    text = _text(reason, "reason", _("reason"), required=True)
    with transaction.atomic():
        locked = _locked_model(model.pk)
        _transition(actor=actor, model=locked, action=ModelAction.REJECT, note=text, data={})
    return locked


def model_recognise(
    *,
    actor: Any,
    model: ReformModel,
    decision_number: str,
    decided_on: date | None,
    scope: str,
    issued_by: str = "",
) -> Recognition:
    """Record the decision recognising an evaluated model: evaluated → recognised."""
    number, day, scope = _decision(decision_number, decided_on, scope)
    with transaction.atomic():
        locked = _locked_model(model.pk)
        _transition(
            actor=actor,
            model=locked,
            action=ModelAction.RECOGNISE,
            note=number,
            data={"decision": number, "on": day.isoformat(), "scope": scope},
        )
        recognition = Recognition.objects.create(
            model=locked,
            decision_number=number,
            decided_on=day,
            scope=scope,
            issued_by=nfc(issued_by).strip(),
        )
    return recognition


def model_replicate(
    *,
    actor: Any,
    model: ReformModel,
    unit: Unit,
    adopted_on: date | None,
    adaptation_notes: str = "",
) -> Replication:
    """Record that ``unit`` adopted the recognised ``model`` on ``adopted_on``."""
    if adopted_on is None:
        raise _field("adopted_on", _("Enter the date the unit adopted the model."), "required")
    if adopted_on > clock.localdate():
        raise _field("adopted_on", _("The adoption date cannot be in the future."), "future")
    if unit.pk == model.unit_id:
        raise _field("unit", _("The originating unit does not replicate its own model."), "unit")
    with transaction.atomic():
        locked = _locked_model(model.pk)
        if Replication.objects.filter(model=locked, unit=unit).exists():
            raise ConflictError(
                _("%(unit)s has already adopted this model.") % {"unit": unit.name},
                code="already_adopted",
            )
        recognition = Recognition.objects.filter(model=locked).first()
        if recognition is not None and adopted_on < recognition.decided_on:
            raise _field(
                "adopted_on",
                _("A model is replicated after its recognition (%(day)s).")
                % {"day": recognition.decided_on.strftime("%d/%m/%Y")},
                "before_recognition",
            )
        notes = nfc(adaptation_notes).strip()
        _transition(
            actor=actor,
            model=locked,
            action=ModelAction.REPLICATE,
            note=notes,
            data={"unit": unit.pk, "on": adopted_on.isoformat()},
        )
        replication = Replication.objects.create(
            model=locked,
            unit=unit,
            adopted_on=adopted_on,
            adaptation_notes=notes,
            recorded_by=_user_or_none(actor),
            recorded_at=clock.now(),
        )
    return replication


__all__ = [
    "InitiativeInput",
    "ModelStatus",
    "council_conclude",
    "council_form",
    "council_score",
    "initiative_evidence_add",
    "initiative_recognise",
    "initiative_register",
    "model_create",
    "model_evaluate",
    "model_recognise",
    "model_reject",
    "model_replicate",
]
