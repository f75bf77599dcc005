"""Dossiers, steps, pauses and forms turned into the shapes the schemas publish."""

from datetime import datetime
from typing import Any

from django.utils import timezone

from motcua.catalog.models import ProcedureVersion
from motcua.dossiers.constants import (
    DossierStatus,
    PauseKind,
)
from motcua.dossiers.models import Apology, ApologyDraft, Dossier, DossierStep, Pause
from motcua.dossiers.printing import answer_applies, form_number, form_title
from motcua.dossiers.selectors import (
    LIST_RELATED,
)
from motcua.dossiers.workflow import RoleHolder, available_actions
from motcua.org.models import Unit


def _t(value: datetime | None) -> datetime | None:
    """Return ``value`` in local time, so a fresh object and a re-read one print alike."""
    return timezone.localtime(value) if value is not None else None


def _unit(unit: Unit) -> dict[str, Any]:
    return {"id": unit.pk, "name": unit.name, "agency_code": unit.agency_code}


def _user(user: Any) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"id": user.pk, "username": user.get_username(), "name": user.get_full_name()}


def _procedure(code: str, version: ProcedureVersion) -> dict[str, Any]:
    return {"code": code, "name": version.name, "version_id": version.pk}


def _dossier(d: Dossier) -> dict[str, Any]:
    step = d.current_step
    return {
        "id": d.pk,
        "code": d.code,
        "status": d.status,
        "status_label": str(d.get_status_display()),
        "version": d.version,
        "channel": d.channel,
        "procedure": _procedure(d.procedure.code, d.procedure_version),
        "receiving_unit": _unit(d.receiving_unit),
        "agency": _unit(d.agency),
        "applicant_name": d.applicant_name,
        "submitted_at": _t(d.submitted_at),
        "received_at": _t(d.received_at),
        "d0": d.d0,
        "due_at": _t(d.due_at),
        "extended_due_at": _t(d.extended_due_at),
        "finished_at": _t(d.finished_at),
        "returned_at": _t(d.returned_at),
        "closed_at": _t(d.closed_at),
        "timeliness": d.timeliness,
        "current_step": (
            {
                "order": step.order,
                "name": step.name,
                "role": step.role.code,
                "unit": _unit(step.unit),
                "due_at": _t(step.due_at),
            }
            if step is not None
            else None
        ),
        "current_handler": _user(d.current_handler),
        "url": f"/api/v1/dossiers/{d.code or d.pk}",
    }


def _pause(p: Pause) -> dict[str, Any]:
    return {
        "kind": p.kind,
        "number": p.number,
        "policy": p.policy,
        "started_at": _t(p.started_at),
        "ended_at": _t(p.ended_at),
        "respond_by": _t(p.respond_by),
        "items": list(p.items),
        "reason": p.reason,
        "override_reason": p.override_reason,
        "requested_by": _user(p.requested_by),
    }


def _apology(a: Apology) -> dict[str, Any]:
    return {
        "issued_at": _t(a.issued_at),
        "issued_by": _user(a.issued_by),
        "signer_position": a.signer_position,
        "reason": a.reason,
        "original_due_at": _t(a.original_due_at),
        "new_due_at": _t(a.new_due_at),
        "late": a.late,
        "drafted_by": _user(a.drafted_by),
    }


def _apology_draft(a: ApologyDraft) -> dict[str, Any]:
    return {
        "drafted_at": _t(a.drafted_at),
        "drafted_by": _user(a.drafted_by),
        "reason": a.reason,
        "new_date": a.new_date,
    }


def _step(s: DossierStep) -> dict[str, Any]:
    return {
        "order": s.order,
        "name": s.name,
        "role": s.role.code,
        "role_name": s.role.name,
        "unit": _unit(s.unit),
        "is_inter_agency": s.is_inter_agency,
        "budget_seconds": s.budget_seconds,
        "giver": _user(s.giver),
        "handler": _user(s.handler),
        "started_at": _t(s.started_at),
        "due_at": _t(s.due_at),
        "finished_at": _t(s.finished_at),
        "timeliness": s.timeliness,
        "note": s.note,
    }


ACTION_PATHS = {
    "claim": "claim",
    "accept": "accept",
    "refuse": "refuse",
    "withdraw": "withdraw",
    "hand_over": "hand-over",
    "decide": "decide",
    "request_supplement": "request-supplement",
    "supplement_received": "supplement-received",
    "close_unsupplemented": "close-unsupplemented",
    "request_payment": "request-payment",
    "payment_received": "payment-received",
    "apologise": "apologise",
    "draft_apology": "apology-draft",
    "stop": "stop",
    "return_result": "return",
}
"""The path of each action of ``workflow.TRANSITIONS`` under ``/dossiers/{code}/``."""


def _available_actions(d: Dossier, roles: RoleHolder, *, has_apology: bool) -> list[str]:
    """Return the paths of the actions the caller may take now (``workflow.may``)."""
    return [ACTION_PATHS[action] for action in available_actions(d, roles, has_apology=has_apology)]


DOSSIER_FORMS = ("receipt", "refusal", "apology", "stop", "answer", "control")
"""Forms printed from the dossier itself; the supplement request prints from its pause."""


def _form_link(form: str, url: str, pause_number: int | None = None) -> dict[str, Any]:
    return {
        "form": form,
        "number": form_number(form),
        "title": form_title(form),
        "pause_number": pause_number,
        "url": url,
    }


def _forms(d: Dossier, pauses: list[Pause], *, has_apology: bool) -> list[dict[str, Any]]:
    """Return the forms that apply now, as the dossier screen lists them (no query)."""
    base = f"/api/v1/dossiers/{d.code or d.pk}/forms/"
    received = d.received_at is not None and bool(d.code)
    applies = {
        "receipt": received,
        "refusal": d.status == DossierStatus.REFUSED,
        "apology": has_apology,
        "stop": d.status == DossierStatus.STOPPED,
        "answer": answer_applies(d),
        "control": received,
    }
    links = [_form_link("receipt", base + "receipt")] if received else []
    links += [
        _form_link("supplement", f"{base}supplement/{p.number}", p.number)
        for p in pauses
        if p.kind == PauseKind.SUPPLEMENT
    ]
    links += [
        _form_link(form, base + form)
        for form in DOSSIER_FORMS
        if form != "receipt" and applies[form]
    ]
    return links


def _detail(d: Dossier, roles: RoleHolder) -> dict[str, Any]:
    apology = getattr(d, "apology", None)  # the reverse one-to-one raises when absent
    draft = getattr(d, "apology_draft", None) if apology is None else None
    pauses = list(d.pauses.all())
    return {
        **_dossier(d),
        "applicant": {
            "kind": d.applicant_kind,
            "name": d.applicant_name,
            "id_number": d.applicant_id_number,
            "phone": d.applicant_phone,
            "email": d.applicant_email,
            "address": d.applicant_address,
            "representative_name": d.representative_name,
            "representative_id_number": d.representative_id_number,
            "representative_phone": d.representative_phone,
            "representative_address": d.representative_address,
            "authorisation_document": d.authorisation_document,
        },
        "postal_address": d.postal_address,
        "fee_total": d.fee_total,
        "supplement_count": d.supplement_count,
        "decision": d.decision,
        "decision_reasons": d.decision_reasons,
        "refusal_reasons": d.refusal_reasons,
        "stop_reason": d.stop_reason,
        "return_method": d.return_method,
        "returned_to": d.returned_to,
        "available_actions": _available_actions(d, roles, has_apology=apology is not None),
        "steps": [_step(s) for s in d.steps.all()],
        "documents": [
            {
                "order": doc.order,
                "name": doc.name,
                "form": doc.form,
                "count": doc.count,
                "is_mandatory": doc.is_mandatory,
                "provided": doc.provided,
            }
            for doc in d.documents.all()
        ],
        "pauses": [_pause(p) for p in pauses],
        "apology": _apology(apology) if apology is not None else None,
        "apology_draft": _apology_draft(draft) if draft is not None else None,
        "events": [
            {
                "at": _t(e.at),
                "action": e.action,
                "from_status": e.from_status,
                "to_status": e.to_status,
                "actor": _user(e.actor),
                "step": e.step.order if e.step is not None else None,
                "note": e.note,
                "data": e.data,
            }
            for e in d.events.all()
        ],
        "forms": _forms(d, pauses, has_apology=apology is not None),
    }


def _reloaded(dossier: Dossier) -> Dossier:
    return Dossier.objects.select_related(*LIST_RELATED).get(pk=dossier.pk)
