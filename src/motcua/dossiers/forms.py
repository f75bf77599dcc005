"""Forms of the back-office dossier pages.

They only parse what the officer typed; every business rule (a valid ID
number, a complete checklist, reasons where the law wants them) is the
services' to check, and their ``ApplicationError`` is shown next to the
field it names (:func:`add_service_error`). Nothing is ``required`` in the
browser, so the three intake buttons always reach the server and the
messages are the project's own, in Vietnamese.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import RequiredDocument
from motcua.core.errors import ApplicationError
from motcua.core.forms import DayField
from motcua.core.people import full_name
from motcua.dossiers.constants import ApplicantKind, Channel, Decision, ReturnMethod
from motcua.dossiers.logbook import logbook_period
from motcua.dossiers.services import Applicant

TEXT_MAX = 300
LONG_TEXT_MAX = 4000


def _text(label: Any, *, max_length: int = TEXT_MAX, **attrs: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=False,
        widget=forms.TextInput(attrs=attrs),
    )


def _area(label: Any, *, rows: int = 3, help_text: Any = "", **attrs: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=LONG_TEXT_MAX,
        required=False,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows, **attrs}),
    )


def lines(value: str) -> list[str]:
    """Return the non-empty lines of a textarea, stripped."""
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


class HandlerChoiceMixin:
    """A ``to_user`` choice among the people who may take the next step, or its unit's queue."""

    def set_candidates(self, candidates: Sequence[Any]) -> None:
        form: Any = self
        field = form.fields["to_user"]
        assert isinstance(field, forms.TypedChoiceField)
        field.empty_value = None
        field.choices = [
            ("", _("Leave it in the unit's queue")),
            *((user.pk, full_name(user)) for user in candidates),
        ]
        self.candidates = {user.pk: user for user in candidates}

    def chosen_handler(self) -> Any:
        form: Any = self
        chosen = form.cleaned_data.get("to_user")
        return self.candidates.get(chosen) if chosen else None


def _handler_field(label: Any) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(label=label, coerce=int, required=False)


class ServiceErrorsMixin:
    """Attach a service's ``ApplicationError`` to the fields it names."""

    SERVICE_FIELDS: dict[str, str] = {}
    """Service error code → form field, for errors that name no field themselves."""

    def add_service_error(self, exc: ApplicationError) -> None:
        form: Any = self
        problems = exc.extra.get("errors") or []
        placed = False
        for problem in problems:
            name = problem.get("field", "")
            if name in form.fields:
                form.add_error(name, str(problem.get("message", "")))
                placed = True
        if placed:
            return
        name = self.SERVICE_FIELDS.get(exc.code)
        if name and name in form.fields:
            form.add_error(name, exc.message)
        else:
            form.add_error(None, exc.message)


# --- counter intake ------------------------------------------------------------------------------


class ProcedureSearchForm(forms.Form):
    q = forms.CharField(label=_("Procedure"), max_length=200, required=False)


class QueueSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Find a dossier: code, applicant's name, ID number or phone"),
        max_length=100,
        required=False,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "autocomplete": "off",
                "spellcheck": "false",
                "accesskey": "s",
            }
        ),
    )


class ReceivingUnitForm(forms.Form):
    unit = forms.TypedChoiceField(label=_("Receiving unit"), coerce=int)

    def __init__(self, *args: Any, units: Sequence[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(unit.pk, unit.name) for unit in units]


INTAKE_ACTIONS = ("accept", "incomplete", "refuse")


class IntakeForm(HandlerChoiceMixin, ServiceErrorsMixin, forms.Form):
    """The counter form: checklist, applicant, delivery, the next step's handler; three buttons."""

    use_required_attribute = False
    SERVICE_FIELDS = {
        "incomplete": "documents",
        "invalid_documents": "documents",
        "nothing_missing": "extra_items",
        "reasons_required": "refusal_reasons",
        "invalid_channel": "channel",
        "invalid_handler": "to_user",
        "no_address": "postal_address",
    }

    idempotency_key = forms.CharField(max_length=100, required=False, widget=forms.HiddenInput)
    documents = forms.TypedMultipleChoiceField(
        label=_("Documents handed in"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    applicant_kind = forms.ChoiceField(
        label=_("Applicant"),
        choices=ApplicantKind.choices,
        initial=ApplicantKind.PERSON,
        widget=forms.RadioSelect,
    )
    applicant_name = _text(_("Full name / organisation name"), max_length=200, autocomplete="off")
    applicant_id_number = _text(
        _("Personal or organisation ID number"),
        max_length=40,
        inputmode="numeric",
        autocomplete="off",
    )
    applicant_phone = _text(_("Phone"), max_length=40, inputmode="tel", autocomplete="off")
    applicant_email = _text(_("E-mail"), max_length=254, inputmode="email", autocomplete="off")
    applicant_address = _text(_("Address"), autocomplete="off")
    representative_name = _text(_("Representative's name"), max_length=200, autocomplete="off")
    representative_id_number = _text(
        _("Representative's ID number"), max_length=40, inputmode="numeric", autocomplete="off"
    )
    representative_phone = _text(
        _("Representative's phone"), max_length=40, inputmode="tel", autocomplete="off"
    )
    representative_address = _text(_("Representative's address"), autocomplete="off")
    authorisation_document = _text(_("Authorisation document"), max_length=200, autocomplete="off")
    channel = forms.ChoiceField(
        label=_("How it was handed in"),
        choices=[
            (Channel.COUNTER, _("At the counter")),
            (Channel.POST, _("By post")),
        ],
        initial=Channel.COUNTER,
        widget=forms.RadioSelect,
    )
    postal_address = _text(_("Postal address for the result"), autocomplete="off")
    to_user = _handler_field(_("Hand over to"))
    extra_items = _area(
        _("Other items to add or correct"),
        help_text=_("One per line. Missing mandatory documents are listed automatically."),
    )
    guidance_reason = _area(_("Reason"), rows=2)
    refusal_reasons = _area(_("Reasons for refusing"))

    def __init__(
        self,
        *args: Any,
        documents: Sequence[RequiredDocument] = (),
        candidates: Sequence[Any] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["documents"]
        assert isinstance(field, forms.TypedMultipleChoiceField)
        field.choices = [(doc.pk, doc.name) for doc in documents]
        self.document_list = list(documents)
        self.set_candidates(candidates)

    def checked(self) -> set[int]:
        """Return the ids of the ticked documents, as the officer left them."""
        if self.is_bound:
            values = self.data.getlist("documents") if hasattr(self.data, "getlist") else []
            return {int(v) for v in values if str(v).isdigit()}
        return set()

    def applicant(self) -> Applicant:
        data = self.cleaned_data
        return Applicant(
            name=data["applicant_name"],
            kind=data["applicant_kind"],
            id_number=data["applicant_id_number"],
            phone=data["applicant_phone"],
            email=data["applicant_email"],
            address=data["applicant_address"],
            representative_name=data["representative_name"],
            representative_id_number=data["representative_id_number"],
            representative_phone=data["representative_phone"],
            representative_address=data["representative_address"],
            authorisation_document=data["authorisation_document"],
        )

    @property
    def has_representative(self) -> bool:
        if not self.is_bound:
            return False
        return any(
            (self.data.get(name) or "").strip()
            for name in (
                "representative_name",
                "representative_id_number",
                "representative_phone",
                "representative_address",
                "authorisation_document",
            )
        ) or any(
            self.errors.get(name)
            for name in (
                "representative_id_number",
                "representative_phone",
                "authorisation_document",
            )
        )


# --- actions on a dossier ------------------------------------------------------------------------


class ActionForm(ServiceErrorsMixin, forms.Form):
    """Base of the small forms of the dossier page: each carries the version the user saw."""

    use_required_attribute = False
    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def service_kwargs(self) -> dict[str, Any]:
        return {}


class HandOverForm(HandlerChoiceMixin, ActionForm):
    SERVICE_FIELDS = {"invalid_handler": "to_user"}
    to_user = _handler_field(_("Hand over to"))
    note = _text(_("Note"), max_length=500)

    def __init__(self, *args: Any, candidates: Sequence[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_candidates(candidates)

    def service_kwargs(self) -> dict[str, Any]:
        return {"to_user": self.chosen_handler(), "note": self.cleaned_data["note"]}


class AcceptForm(HandOverForm):
    """Accepting an online submission hands it over at once, like counter intake."""

    note = None  # type: ignore[assignment]  # accept takes no note

    def service_kwargs(self) -> dict[str, Any]:
        return {"to_user": self.chosen_handler()}


class ClaimForm(ActionForm):
    pass


class SupplementForm(ActionForm):
    SERVICE_FIELDS = {
        "items_required": "items",
        "reason_required": "reason",
        "supplement_once": "override_reason",
    }
    items = _area(_("What the applicant must add or correct"), help_text=_("One per line."))
    reason = _area(_("Reason"), rows=2)
    override_reason = _area(
        _("Reason for a further request (leader)"),
        rows=2,
        help_text=_("Only a leader may ask for a supplement a second time."),
    )

    def service_kwargs(self) -> dict[str, Any]:
        return {
            "items": lines(self.cleaned_data["items"]),
            "reason": self.cleaned_data["reason"],
            "override_reason": self.cleaned_data.get("override_reason", ""),
        }


class NoteForm(ActionForm):
    note = _text(_("Note"), max_length=500)

    def service_kwargs(self) -> dict[str, Any]:
        return {"note": self.cleaned_data["note"]}


class PaymentForm(ActionForm):
    SERVICE_FIELDS = {"items_required": "items"}
    items = _area(_("Obligations to pay"), help_text=_("One per line."))
    reason = _area(_("Note"), rows=2)

    def service_kwargs(self) -> dict[str, Any]:
        return {"items": lines(self.cleaned_data["items"]), "reason": self.cleaned_data["reason"]}


class ApologiseForm(ActionForm):
    SERVICE_FIELDS = {"reason_required": "reason", "invalid_new_date": "new_date"}
    reason = _area(_("Reason for the delay"), rows=2)
    new_date = DayField(
        label=_("New return date"),
        required=True,
        error_messages={"required": _("Choose the new return date.")},
    )

    def service_kwargs(self) -> dict[str, Any]:
        return {"reason": self.cleaned_data["reason"], "new_date": self.cleaned_data["new_date"]}


class ApologyDraftForm(ApologiseForm):
    """The case handler's draft: the same fields, for a leader to sign."""

    new_date = DayField(
        label=_("Proposed new return date"),
        required=True,
        error_messages={"required": _("Choose the new return date.")},
    )


class StopForm(ActionForm):
    SERVICE_FIELDS = {"reason_required": "reason"}
    reason = _area(_("The applicant's request or reason"), rows=2)

    def service_kwargs(self) -> dict[str, Any]:
        return {"reason": self.cleaned_data["reason"]}


class DecideForm(ActionForm):
    SERVICE_FIELDS = {"reasons_required": "reasons", "invalid_decision": "decision"}
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=Decision.choices,
        initial=Decision.GRANTED,
        widget=forms.RadioSelect,
    )
    reasons = _area(_("Reasons (required when not granted)"), rows=2)

    def service_kwargs(self) -> dict[str, Any]:
        return {"decision": self.cleaned_data["decision"], "reasons": self.cleaned_data["reasons"]}


class ReturnForm(ActionForm):
    SERVICE_FIELDS = {
        "receiver_required": "received_by",
        "invalid_method": "method",
        "no_address": "method",
    }
    method = forms.ChoiceField(
        label=_("How the result is returned"),
        choices=ReturnMethod.choices,
        initial=ReturnMethod.COUNTER,
        widget=forms.RadioSelect,
    )
    received_by = _text(_("Received by (name)"), max_length=200, autocomplete="off")
    note = _text(_("Note"), max_length=500)

    BY_APPLICANT = "by_applicant"
    """Name of the button "the applicant collects it": returned at the counter, to them."""

    def __init__(self, *args: Any, applicant_name: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.applicant_name = applicant_name

    @property
    def by_applicant_name(self) -> str:
        return self.add_prefix(self.BY_APPLICANT)

    def collected_by_applicant(self) -> bool:
        return bool(self.is_bound and self.data.get(self.by_applicant_name))

    def service_kwargs(self) -> dict[str, Any]:
        if self.collected_by_applicant():
            return {
                "method": ReturnMethod.COUNTER,
                "received_by": self.applicant_name,
                "note": self.cleaned_data["note"],
            }
        return {
            "method": self.cleaned_data["method"],
            "received_by": self.cleaned_data["received_by"],
            "note": self.cleaned_data["note"],
        }


class RefuseForm(ActionForm):
    SERVICE_FIELDS = {"reasons_required": "reasons"}
    reasons = _area(_("Reasons for refusing"))

    def service_kwargs(self) -> dict[str, Any]:
        return {"reasons": self.cleaned_data["reasons"]}


class WithdrawForm(ActionForm):
    reason = _text(_("Reason"), max_length=500)

    def service_kwargs(self) -> dict[str, Any]:
        return {"reason": self.cleaned_data["reason"]}


ACTION_FORMS: dict[str, type[ActionForm]] = {
    "claim": ClaimForm,
    "accept": AcceptForm,
    "refuse": RefuseForm,
    "withdraw": WithdrawForm,
    "hand_over": HandOverForm,
    "decide": DecideForm,
    "request_supplement": SupplementForm,
    "supplement_received": NoteForm,
    "close_unsupplemented": ClaimForm,
    "request_payment": PaymentForm,
    "payment_received": NoteForm,
    "apologise": ApologiseForm,
    "draft_apology": ApologyDraftForm,
    "stop": StopForm,
    "return_result": ReturnForm,
}
"""The form of each action; ``claim`` and the bare confirmations carry only the version."""


class LogbookFilterForm(forms.Form):
    unit = forms.TypedChoiceField(label=_("Unit"), coerce=int, required=False)
    field = forms.ChoiceField(label=_("Field"), required=False)
    start = DayField(label=_("From"), required=False)
    end = DayField(label=_("To"), required=False)

    def __init__(
        self, *args: Any, units: Sequence[Any], fields: Sequence[Any], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.TypedChoiceField)
        unit_field.choices = [(unit.pk, unit.name) for unit in units]
        field_field = self.fields["field"]
        assert isinstance(field_field, forms.ChoiceField)
        field_field.choices = [("", _("All fields")), *((f.code, f.name) for f in fields)]

    def clean(self) -> dict[str, Any]:
        """Apply the log book's limits on the period (the API's, see ``logbook_period``)."""
        data = super().clean() or {}
        if "start" in self.errors or "end" in self.errors:
            return data
        try:
            logbook_period(data.get("start"), data.get("end"))
        except ApplicationError as exc:
            for problem in exc.extra["errors"]:
                self.add_error(problem["field"], problem["message"])
        return data
