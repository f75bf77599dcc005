"""Dossiers, steps, pauses and forms turned into the shapes the schemas publish.

Each output shape is declared once, as its schema class (:mod:`.schemas`);
a :class:`Shape` builds the schema's dict from an object, reading every
field from the attribute of the same name unless it is given a source
here (another attribute path, or a function of the object). A field added
to a schema is thus filled at once when the object has it, and only a
field read differently is named twice.
"""

from collections.abc import Callable
from datetime import datetime
from operator import attrgetter
from typing import Any, get_args

from django.utils import timezone
from ninja import Schema

from motcua.dossiers.api.schemas import (
    ApologyDraftOut,
    ApologyOut,
    ApplicantOut,
    CurrentStepOut,
    DocumentOut,
    DossierDetailOut,
    DossierOut,
    EventOut,
    FormLinkOut,
    GuidanceOut,
    IntakeOut,
    PauseOut,
    ProcedureRef,
    StepOut,
    UnitRef,
    UserRef,
)
from motcua.dossiers.constants import (
    DossierStatus,
    PauseKind,
)
from motcua.dossiers.models import Dossier, Pause
from motcua.dossiers.printing import answer_applies, form_number, form_title
from motcua.dossiers.selectors import (
    LIST_RELATED,
)
from motcua.dossiers.workflow import RoleHolder, available_actions

Source = str | Callable[[Any], Any]
"""Where a field's value comes from: an attribute path (``"role.code"``) or a function."""


def _t(value: datetime | None) -> datetime | None:
    """Return ``value`` in local time, so a fresh object and a re-read one print alike."""
    return timezone.localtime(value) if value is not None else None


class Shape:
    """The dict of one output schema, built from an object.

    ``sources`` names how the fields read otherwise than by their own name
    are read; a source for a field the schema lacks is refused at import.
    Datetimes are given in local time (:func:`_t`). A value passed to the
    call (``shape(obj, missing=[...])``) is used as is: what the object
    alone does not know.
    """

    def __init__(self, schema: type[Schema], **sources: Source) -> None:
        fields = list(schema.model_fields)
        unknown = sorted(set(sources) - set(fields))
        if unknown:
            raise TypeError(f"{schema.__name__} has no field {', '.join(unknown)}")
        self.schema = schema
        self._getters: tuple[tuple[str, Callable[[Any], Any]], ...] = tuple(
            (name, _getter(sources.get(name, name))) for name in fields
        )
        self._times = tuple(
            name for name, info in schema.model_fields.items() if _is_time(info.annotation)
        )

    def __call__(self, obj: Any, **given: Any) -> dict[str, Any]:
        out = {name: given[name] if name in given else get(obj) for name, get in self._getters}
        for name in self._times:
            value = out[name]
            if value is not None and name not in given:
                out[name] = timezone.localtime(value)
        return out

    def of(self, path: str) -> Callable[[Any], Any]:
        """Return the source of a nested field: this shape of the object at ``path``, or None."""
        get = attrgetter(path)

        def nested(obj: Any) -> dict[str, Any] | None:
            value = get(obj)
            return None if value is None else self(value)

        return nested

    def each(self, path: str) -> Callable[[Any], Any]:
        """Return the source of a list field: this shape of each of ``path.all()``."""
        get = attrgetter(path)
        return lambda obj: [self(item) for item in get(obj).all()]


def _is_time(annotation: Any) -> bool:
    """Return whether a field holds a datetime (or None)."""
    return annotation is datetime or datetime in get_args(annotation)


def _getter(source: Source) -> Callable[[Any], Any]:
    return attrgetter(source) if isinstance(source, str) else source


_unit = Shape(UnitRef, id="pk")
_user = Shape(
    UserRef, id="pk", username=lambda u: u.get_username(), name=lambda u: u.get_full_name()
)
_procedure = Shape(ProcedureRef, code="procedure.code", version_id="pk")
"""A procedure by its version (the caller passes ``code`` when the procedure is at hand)."""

_current_step = Shape(CurrentStepOut, role="role.code", unit=_unit.of("unit"))

DOSSIER_SOURCES: dict[str, Source] = {
    "id": "pk",
    "status_label": lambda d: str(d.get_status_display()),
    "procedure": lambda d: _procedure(d.procedure_version, code=d.procedure.code),
    "receiving_unit": _unit.of("receiving_unit"),
    "agency": _unit.of("agency"),
    "current_step": _current_step.of("current_step"),
    "current_handler": _user.of("current_handler"),
    "url": lambda d: f"/api/v1/dossiers/{d.code or d.pk}",
}
"""How the fields of :class:`DossierOut` (and the shapes built on it) read a dossier."""

_dossier = Shape(DossierOut, **DOSSIER_SOURCES)
_intake = Shape(IntakeOut, **DOSSIER_SOURCES)
"""Called with ``missing``: the mandatory documents an online submission lacks."""

_pause = Shape(PauseOut, items=lambda p: list(p.items), requested_by=_user.of("requested_by"))
_apology = Shape(ApologyOut, issued_by=_user.of("issued_by"), drafted_by=_user.of("drafted_by"))
_apology_draft = Shape(ApologyDraftOut, drafted_by=_user.of("drafted_by"))
_step = Shape(
    StepOut,
    role="role.code",
    role_name="role.name",
    unit=_unit.of("unit"),
    giver=_user.of("giver"),
    handler=_user.of("handler"),
)
_document = Shape(DocumentOut)
_event = Shape(
    EventOut,
    actor=_user.of("actor"),
    step=lambda e: e.step.order if e.step is not None else None,
)
_guidance = Shape(
    GuidanceOut,
    id="pk",
    procedure=_procedure.of("procedure_version"),
    receiving_unit=_unit.of("receiving_unit"),
)

_applicant = Shape(
    ApplicantOut,
    kind="applicant_kind",
    name="applicant_name",
    id_number="applicant_id_number",
    phone="applicant_phone",
    email="applicant_email",
    address="applicant_address",
)
"""The applicant's fields of a dossier (the representative's keep their names)."""


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


_form_link_shape = Shape(FormLinkOut, form=str, number=form_number, title=form_title)


def _form_link(form: str, url: str, pause_number: int | None = None) -> dict[str, Any]:
    return _form_link_shape(form, url=url, pause_number=pause_number)


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


_detail_shape = Shape(
    DossierDetailOut,
    **DOSSIER_SOURCES,
    applicant=_applicant,
    steps=_step.each("steps"),
    documents=_document.each("documents"),
    events=_event.each("events"),
)


def _detail(d: Dossier, roles: RoleHolder) -> dict[str, Any]:
    apology = getattr(d, "apology", None)  # the reverse one-to-one raises when absent
    draft = getattr(d, "apology_draft", None) if apology is None else None
    pauses = list(d.pauses.all())
    return _detail_shape(
        d,
        available_actions=_available_actions(d, roles, has_apology=apology is not None),
        pauses=[_pause(p) for p in pauses],
        apology=_apology(apology) if apology is not None else None,
        apology_draft=_apology_draft(draft) if draft is not None else None,
        forms=_forms(d, pauses, has_apology=apology is not None),
    )


def _reloaded(dossier: Dossier) -> Dossier:
    return Dossier.objects.select_related(*LIST_RELATED).get(pk=dossier.pk)
