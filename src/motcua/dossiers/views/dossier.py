"""The dossier page and the actions taken from it.

The page shows only the actions this user may take now (see
:func:`motcua.dossiers.screens.allowed_actions`); each is a small form
posting to one service with the version the user saw. When someone else
acted first the service raises ``ConflictError``: the page is shown again
in its current state with the service's message, and nothing changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from motcua.catalog.selectors import procedure_intake_plan
from motcua.core.errors import (
    ApplicationError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
)
from motcua.dossiers import services
from motcua.dossiers.forms import ACTION_FORMS, ActionForm, HandOverForm, ReturnForm
from motcua.dossiers.models import Apology, ApologyDraft, Dossier, DossierStep
from motcua.dossiers.screens import (
    DueClock,
    UserRoles,
    action_label,
    allowed_actions,
    control_slip,
    due_facts,
    event_rows,
    may_override_supplement,
    next_step,
    print_forms,
    role_holders,
    step_role_holders,
)
from motcua.dossiers.selectors import dossier_get_for_user, dossier_log_view
from motcua.dossiers.views.common import not_found, staff_view

SERVICES: dict[str, Callable[..., Any]] = {
    "claim": services.dossier_claim,
    "accept": services.dossier_accept,
    "refuse": services.dossier_refuse,
    "withdraw": services.dossier_withdraw,
    "hand_over": services.dossier_hand_over,
    "decide": services.dossier_decide,
    "request_supplement": services.dossier_request_supplement,
    "supplement_received": services.dossier_supplement_received,
    "close_unsupplemented": services.dossier_close_unsupplemented,
    "request_payment": services.dossier_request_payment,
    "payment_received": services.dossier_payment_received,
    "apologise": services.dossier_apologise,
    "draft_apology": services.dossier_apology_draft,
    "stop": services.dossier_stop,
    "return_result": services.dossier_return,
}
"""Each action of the page and the one service it calls."""

PRIMARY_ACTIONS = ("accept", "hand_over", "decide", "return_result", "supplement_received")
"""Actions whose form is open when the page loads: the usual next move."""


@dataclass(frozen=True)
class ActionPanel:
    """One action of the page: its button label, its form, open or folded."""

    action: str
    label: str
    form: ActionForm
    open: bool


def _apology(dossier: Dossier) -> Apology | None:
    try:
        return dossier.apology
    except Apology.DoesNotExist:
        return None


def _intake_target(dossier: Dossier) -> services.IntakeHandOver | None:
    """Return the step that accepting an online submission hands it to."""
    plan = procedure_intake_plan(dossier.procedure_version)
    return services.intake_hand_over_for(plan, dossier.receiving_unit, dossier.agency)


def _candidates(following: DossierStep | None, target: services.IntakeHandOver | None) -> list[Any]:
    """Return who may take the next step: of a hand-over, or of an accepted submission."""
    if following is not None:
        return step_role_holders(following)
    if target is not None:
        return role_holders(target.role.pk, target.unit)
    return []


def _apology_draft(dossier: Dossier) -> ApologyDraft | None:
    try:
        return dossier.apology_draft
    except ApologyDraft.DoesNotExist:
        return None


def _action_form(
    action: str, dossier: Dossier, candidates: list[Any], *, data: Any = None, initial: Any = None
) -> ActionForm:
    form_class = ACTION_FORMS[action]
    kwargs: dict[str, Any] = {"prefix": action}
    if issubclass(form_class, HandOverForm):
        kwargs["candidates"] = candidates
    if form_class is ReturnForm:
        kwargs["applicant_name"] = dossier.applicant_name
    if data is not None:
        return form_class(data, **kwargs)
    return form_class(initial={**(initial or {}), "expected_version": dossier.version}, **kwargs)


def _page(
    request: HttpRequest,
    roles: UserRoles,
    dossier: Dossier,
    *,
    bound: ActionForm | None = None,
    bound_action: str = "",
    alert: str = "",
    status: int = 200,
) -> HttpResponse:
    """Render the dossier page; ``bound`` replaces the form of ``bound_action``."""
    apology = _apology(dossier)
    draft = _apology_draft(dossier) if apology is None else None
    steps = list(dossier.steps.all())
    pauses = list(dossier.pauses.all())
    actions = allowed_actions(dossier, roles, has_apology=apology is not None)
    following = next_step(dossier, steps) if "hand_over" in actions else None
    intake_target = _intake_target(dossier) if "accept" in actions else None
    candidates = _candidates(following, intake_target)
    override = dossier.supplement_count >= 1 and may_override_supplement(dossier, roles)
    forms: list[ActionPanel] = []
    for action in actions:
        if action == bound_action and bound is not None:
            form = bound
        elif action in {"apologise", "draft_apology"} and draft is not None:
            # The leader signs what the handler drafted (or the handler corrects it).
            form = _action_form(
                action,
                dossier,
                candidates,
                initial={"reason": draft.reason, "new_date": draft.new_date},
            )
        else:
            form = _action_form(action, dossier, candidates)
        if action == "request_supplement" and not override:
            form.fields.pop("override_reason", None)
        forms.append(
            ActionPanel(
                action=action,
                label=action_label(action),
                form=form,
                open=action == bound_action or action in PRIMARY_ACTIONS,
            )
        )
    clock = DueClock()
    context = {
        "dossier": dossier,
        "procedure_version": dossier.procedure_version,
        "apology": apology,
        "apology_draft": draft,
        "steps": control_slip(dossier, steps, clock),
        "pauses": pauses,
        "documents": list(dossier.documents.all()),
        "events": event_rows(dossier.events.all()),
        "actions": forms,
        "next_step": following,
        "intake_target": intake_target,
        "prints": print_forms(dossier, pauses, has_apology=apology is not None),
        "due": due_facts(dossier, pauses, clock),
        "alert": alert,
        "bound_form": bound if bound is not None and bound.errors else None,
    }
    return render(request, "dossiers/detail.html", context, status=status)


@require_GET
@staff_view()
def dossier_detail(request: HttpRequest, roles: UserRoles, code: str) -> HttpResponse:
    """Show one dossier: summary, actions, forms to print, documents, history, control slip."""
    try:
        dossier = dossier_get_for_user(request.user, code, with_history=True)
    except NotFoundError as exc:
        return not_found(request, exc.message)
    dossier_log_view(actor=request.user, dossier=dossier, via="dossier_page")
    return _page(request, roles, dossier)


@require_POST
@staff_view()
def dossier_action(request: HttpRequest, roles: UserRoles, code: str, action: str) -> HttpResponse:
    """Run ``action`` on the dossier through its service, then show the page again."""
    service = SERVICES.get(action)
    if service is None:
        raise Http404("unknown action")
    try:
        dossier = dossier_get_for_user(request.user, code, with_history=True)
    except NotFoundError as exc:
        return not_found(request, exc.message)
    candidates: list[Any] = []
    if action == "hand_over":
        candidates = _candidates(next_step(dossier, list(dossier.steps.all())), None)
    elif action == "accept":
        candidates = _candidates(None, _intake_target(dossier))
    form = _action_form(action, dossier, candidates, data=request.POST)
    if not form.is_valid():
        return _page(request, roles, dossier, bound=form, bound_action=action, status=400)
    try:
        service(
            dossier=dossier,
            actor=request.user,
            expected_version=form.cleaned_data["expected_version"],
            **form.service_kwargs(),
        )
    except ConflictError as exc:
        typed = {
            name: form.cleaned_data.get(name) for name in form.fields if name != "expected_version"
        }
        fresh = _action_form(action, dossier, candidates, initial=typed)
        return _page(
            request, roles, dossier, bound=fresh, bound_action=action, alert=exc.message, status=409
        )
    except PermissionDeniedError as exc:
        return _page(request, roles, dossier, alert=exc.message, status=403)
    except ApplicationError as exc:
        form.add_service_error(exc)
        return _page(request, roles, dossier, bound=form, bound_action=action, status=400)
    messages.success(request, _("Done: %(action)s.") % {"action": action_label(action)})
    return redirect("dossiers:detail", code=dossier.code or dossier.pk)
