"""Citizens' writes: profile, drafts, online submission, supplements, scans.

Every function runs in one transaction, locks the row it changes, writes
an audit record and leaves notifications to the outbox. A dossier is made
or changed only through :mod:`motcua.dossiers.services`; this module adds
the files and the citizen's side around it. Files are checked by
:func:`motcua.core.uploads.check_upload` before anything is written, and
stored through Django's storage API; when the transaction fails, the
stored file is deleted again, so nothing is kept half-way.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.storage import default_storage
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from motcua.catalog.intake_rules import procedure_desk_allowed, procedure_desk_check
from motcua.catalog.models import OnlineLevel, ProcedureVersion, RequiredDocument
from motcua.catalog.selectors import procedure_version_in_force
from motcua.citizens.models import (
    Attachment,
    AttachmentKind,
    Citizen,
    Draft,
    DraftStatus,
    SupplementAnswer,
)
from motcua.core import clock
from motcua.core.audit import audit_record
from motcua.core.errors import (
    ApplicationError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
)
from motcua.core.idnumbers import clean_personal_id, clean_phone
from motcua.core.notifications import notify
from motcua.core.text import nfc
from motcua.core.uploads import check_upload, store_upload
from motcua.dossiers import services as dossier_services
from motcua.dossiers.constants import DossierStatus
from motcua.dossiers.models import Dossier, DossierDocument, Pause
from motcua.org.models import Unit
from motcua.org.selectors import user_has_role

APPLICANT_FIELDS = (
    "applicant_name",
    "applicant_id_number",
    "applicant_phone",
    "applicant_email",
    "applicant_address",
)


def _problems(problems: list[dict[str, str]]) -> ApplicationError:
    return ApplicationError(
        problems[0]["message"] if len(problems) == 1 else _("Some details are not valid."),
        code="invalid",
        extra={"errors": problems},
    )


PROFILE_FIELDS = {
    "full_name": "full_name",
    "id_number": "id_number",
    "phone": "phone",
    "email": "email",
    "address": "address",
}
DRAFT_FIELDS = {
    "full_name": "applicant_name",
    "id_number": "applicant_id_number",
    "phone": "applicant_phone",
    "email": "applicant_email",
    "address": "applicant_address",
}


def _check_person(data: Mapping[str, Any], names: Mapping[str, str]) -> dict[str, str]:
    """Return the cleaned name, ID number, phone, e-mail and address, or raise with each problem.

    ``names`` maps each detail to the form field that holds it (problems name those fields).
    """
    today = clock.localdate()
    problems: list[dict[str, str]] = []

    def value(key: str) -> str:
        return str(data.get(names[key]) or "").strip()

    clean = {"full_name": nfc(value("full_name")), "address": nfc(value("address"))}
    clean["id_number"] = ""
    if value("id_number"):
        try:
            clean["id_number"] = clean_personal_id(value("id_number"), today)
        except ApplicationError as exc:
            problems.append({"field": names["id_number"], "message": exc.message})
    clean["phone"] = ""
    if value("phone"):
        try:
            clean["phone"] = clean_phone(value("phone"))
        except ApplicationError as exc:
            problems.append({"field": names["phone"], "message": exc.message})
    email = value("email").lower()
    clean["email"] = email
    if email:
        try:
            validate_email(email)
        except DjangoValidationError:
            problems.append(
                {"field": names["email"], "message": _("The e-mail address is not valid.")}
            )
    if problems:
        raise _problems(problems)
    return clean


def profile_update(*, citizen: Citizen, data: Mapping[str, str]) -> Citizen:
    """Change the citizen's details; the ID number is checked as at the counter.

    The phone or e-mail address the citizen signs in with cannot be taken
    from another account.
    """
    clean = _check_person(data, PROFILE_FIELDS)
    with transaction.atomic():
        locked = Citizen.objects.select_for_update().get(pk=citizen.pk)
        for field in ("phone", "email"):
            value = clean[field]
            if value and Citizen.objects.exclude(pk=locked.pk).filter(**{field: value}).exists():
                raise _problems(
                    [
                        {
                            "field": field,
                            "message": _("Another account already uses this %(what)s.")
                            % {
                                "what": _("phone number")
                                if field == "phone"
                                else _("e-mail address")
                            },
                        }
                    ]
                )
        before = {field: getattr(locked, field) for field in clean}
        for field, value in clean.items():
            setattr(locked, field, value)
        locked.save(update_fields=list(clean))
        locked.user.first_name = (locked.full_name or locked.email or locked.phone)[:150]
        locked.user.email = locked.email
        locked.user.save(update_fields=["first_name", "email"])
        changed = sorted(field for field in clean if before[field] != clean[field])
        audit_record(
            actor=locked.user, action="citizens.profile", obj=locked, data={"changed": changed}
        )
    return locked


def online_version(procedure_code: str) -> ProcedureVersion:
    """Return the version in force that may be submitted online, or raise clearly."""
    version = procedure_version_in_force(nfc(procedure_code), clock.localdate())
    if version is None:
        raise NotFoundError(
            _("There is no procedure %(code)s in force.") % {"code": procedure_code[:40]}
        )
    if version.online_level not in (OnlineLevel.FULL, OnlineLevel.PARTIAL):
        raise ApplicationError(
            _(
                "“%(name)s” cannot be submitted online; bring the dossier to the one-stop desk "
                "or send it by post."
            )
            % {"name": version.name},
            code="not_online",
        )
    return version


def draft_start(*, citizen: Citizen, procedure_code: str) -> Draft:
    """Return the citizen's open draft for the procedure, or a new one prefilled from the profile."""
    version = online_version(procedure_code)
    with transaction.atomic():
        Citizen.objects.select_for_update().filter(pk=citizen.pk).first()
        existing = (
            Draft.objects.filter(
                citizen=citizen, procedure_version=version, status=DraftStatus.DRAFT
            )
            .order_by("-updated_at")
            .first()
        )
        if existing is not None:
            return existing
        now = clock.now()
        draft = Draft.objects.create(
            citizen=citizen,
            procedure_version=version,
            applicant_name=citizen.full_name,
            applicant_id_number=citizen.id_number,
            applicant_phone=citizen.phone,
            applicant_email=citizen.email,
            applicant_address=citizen.address,
            created_at=now,
            updated_at=now,
        )
        audit_record(
            actor=citizen.user,
            action="citizens.draft_start",
            obj=draft,
            data={"procedure": version.procedure.code, "version": version.number},
            new_stream=True,
        )
    return draft


def _lock_draft(draft: Draft, citizen: Citizen) -> Draft:
    locked = (
        Draft.objects.select_for_update(of=("self",))
        .select_related("procedure_version__procedure")
        .filter(pk=draft.pk, citizen=citizen)
        .first()
    )
    if locked is None:
        raise NotFoundError(_("There is no such draft among yours."))
    return locked


def _require_draft(locked: Draft) -> None:
    if locked.status != DraftStatus.DRAFT:
        raise ApplicationError(
            _("This dossier has already been sent; it can no longer be changed."),
            code="draft_sent",
        )


def online_desks(procedure_id: int | None = None) -> list[Unit]:
    """The units where an intake officer works today: where online dossiers may go.

    With ``procedure_id``, only the desks that receive the procedure (its
    listed desks, when it has any: :mod:`motcua.catalog.intake_rules`).
    """
    from motcua.org.selectors import units_valid_on

    today = clock.localdate()
    desks = list(
        units_valid_on(today)
        .filter(role_assignments__role__code="intake_officer")
        .distinct()
        .order_by("name")
    )
    if procedure_id is None:
        return desks
    return [desk for desk in desks if procedure_desk_allowed(procedure_id, desk.pk)]


def draft_save(*, draft: Draft, citizen: Citizen, data: Mapping[str, Any]) -> Draft:
    """Save the applicant's details and the chosen desk; checked now, so errors show early."""
    person = _check_person(data, DRAFT_FIELDS)
    unit_id = data.get("receiving_unit")
    desk: Unit | None = None
    if unit_id:
        desk = next((unit for unit in online_desks() if str(unit.pk) == str(unit_id)), None)
        if desk is None:
            raise _problems(
                [{"field": "receiving_unit", "message": _("Choose a desk from the list.")}]
            )
        version = draft.procedure_version
        procedure_desk_check(procedure=version.procedure, procedure_name=version.name, desk=desk)
    with transaction.atomic():
        locked = _lock_draft(draft, citizen)
        _require_draft(locked)
        locked.applicant_name = person["full_name"]
        locked.applicant_id_number = person["id_number"]
        locked.applicant_phone = person["phone"]
        locked.applicant_email = person["email"]
        locked.applicant_address = person["address"]
        locked.receiving_unit = desk
        locked.updated_at = clock.now()
        locked.save()
    return locked


def _store(file: Any, folder: str) -> tuple[Any, str]:
    """Check and store ``file``; return the checked upload and its storage name."""
    upload = check_upload(file)
    return upload, store_upload(upload, folder=folder)


def _attachment(
    *,
    upload: Any,
    stored: str,
    kind: str,
    user: Any,
    **links: Any,
) -> Attachment:
    return Attachment.objects.create(
        kind=kind,
        file=stored,
        name=upload.name,
        content_type=upload.content_type,
        size=upload.size,
        sha256=upload.sha256,
        uploaded_by=user,
        uploaded_at=clock.now(),
        **links,
    )


def _with_stored_file(file: Any, folder: str, write: Any) -> Any:
    """Check and store ``file``, then run ``write(upload, stored)`` in a transaction.

    The file is deleted again when the transaction fails: no file without
    its row, no row without its file.
    """
    upload, stored = _store(file, folder)
    try:
        with transaction.atomic():
            return write(upload, stored)
    except BaseException:
        with contextlib.suppress(Exception):
            default_storage.delete(stored)
        raise


def _delete_files(names: list[str]) -> None:
    for name in names:
        with contextlib.suppress(Exception):
            default_storage.delete(name)


def _slot(version_id: int, required_document_id: Any) -> RequiredDocument:
    slot = RequiredDocument.objects.filter(
        version_id=version_id, pk=int(required_document_id or 0)
    ).first()
    if slot is None:
        raise ApplicationError(
            _("This document is not asked for by the procedure."), code="invalid_document"
        )
    return slot


def draft_attach(
    *, draft: Draft, citizen: Citizen, required_document_id: int, file: Any
) -> Attachment:
    """Put a checked file in the draft's slot for a required document (replacing the old one)."""
    slot = _slot(draft.procedure_version_id, required_document_id)
    old_names: list[str] = []

    def write(upload: Any, stored: str) -> Attachment:
        locked = _lock_draft(draft, citizen)
        _require_draft(locked)
        old = list(Attachment.objects.filter(draft=locked, required_document=slot))
        old_names.extend(str(row.file.name) for row in old)
        Attachment.objects.filter(pk__in=[row.pk for row in old]).delete()
        attachment = _attachment(
            upload=upload,
            stored=stored,
            kind=AttachmentKind.APPLICANT,
            user=citizen.user,
            draft=locked,
            required_document=slot,
        )
        locked.updated_at = clock.now()
        locked.save(update_fields=["updated_at"])
        transaction.on_commit(lambda: _delete_files(old_names))
        return attachment

    attachment: Attachment = _with_stored_file(file, f"drafts/{draft.key}", write)
    return attachment


def draft_missing(draft: Draft) -> list[str]:
    """The mandatory documents of the draft that have no file yet."""
    filled = set(
        Attachment.objects.filter(draft=draft).values_list("required_document_id", flat=True)
    )
    return [
        doc.name
        for doc in RequiredDocument.objects.filter(version=draft.procedure_version_id).order_by(
            "order"
        )
        if doc.is_mandatory and doc.pk not in filled
    ]


def draft_submit(*, draft: Draft, citizen: Citizen) -> Dossier:
    """Send the draft: one dossier awaiting intake at the chosen desk, whatever the taps.

    A second call (a double tap, a reload) returns the dossier the first
    made. The online receipt goes out by e-mail/SMS (``dossier.submitted``).
    """
    with transaction.atomic():
        locked = _lock_draft(draft, citizen)
        if locked.dossier_id is not None:
            dossier: Dossier = locked.dossier  # type: ignore[assignment]
            return dossier
        version = online_version(locked.procedure_version.procedure.code)
        changed = version.pk != locked.procedure_version_id
        if changed:
            _draft_follow(locked, version)
    if changed:
        raise ApplicationError(
            _(
                "The procedure's requirements changed on %(date)s; the draft now follows them. "
                "Check the documents and send again."
            )
            % {"date": version.effective_from.strftime("%d/%m/%Y")},
            code="procedure_changed",
        )
    with transaction.atomic():
        locked = _lock_draft(draft, citizen)
        if locked.dossier_id is not None:
            return locked.dossier  # type: ignore[return-value]
        problems: list[dict[str, str]] = []
        if locked.receiving_unit_id is None:
            problems.append(
                {"field": "receiving_unit", "message": _("Choose the desk to submit to.")}
            )
        missing = draft_missing(locked)
        if missing:
            problems.append(
                {
                    "field": "documents",
                    "message": _("Attach the mandatory documents: %(items)s.")
                    % {"items": "; ".join(missing)},
                }
            )
        if not (locked.applicant_phone or locked.applicant_email):
            problems.append(
                {
                    "field": "applicant_email",
                    "message": _("Give a phone number or an e-mail address for the receipt."),
                }
            )
        if problems:
            raise _problems(problems)
        attachments = list(Attachment.objects.filter(draft=locked))
        result = dossier_services.dossier_submit_online(
            applicant=dossier_services.Applicant(
                name=locked.applicant_name,
                id_number=locked.applicant_id_number,
                phone=locked.applicant_phone,
                email=locked.applicant_email,
                address=locked.applicant_address,
            ),
            procedure_code=version.procedure.code,
            receiving_unit=locked.receiving_unit,  # type: ignore[arg-type]
            provided_documents=sorted(
                {a.required_document_id for a in attachments if a.required_document_id}
            ),
            actor=citizen.user,
            idempotency_key=f"citizens.draft:{locked.key}",
        )
        dossier = result.dossier
        lines = {
            line.required_document_id: line
            for line in DossierDocument.objects.filter(dossier=dossier)
        }
        for attachment in attachments:
            attachment.dossier = dossier
            attachment.document = lines.get(attachment.required_document_id)
        Attachment.objects.bulk_update(attachments, ["dossier", "document"])
        now = clock.now()
        locked.status = DraftStatus.SUBMITTED
        locked.dossier = dossier
        locked.submitted_at = now
        locked.updated_at = now
        locked.save(update_fields=["status", "dossier", "submitted_at", "updated_at"])
        audit_record(
            actor=citizen.user,
            action="citizens.draft_submit",
            obj=locked,
            data={"dossier": dossier.code, "files": len(attachments)},
        )
    return dossier


def _draft_follow(locked: Draft, version: ProcedureVersion) -> None:
    """Move a draft to the procedure's new version; files stay in the slots of the same name."""
    slots = {doc.name: doc for doc in RequiredDocument.objects.filter(version=version)}
    dropped: list[str] = []
    for attachment in Attachment.objects.filter(draft=locked).select_related("required_document"):
        old_slot = attachment.required_document
        new_slot = slots.get(old_slot.name) if old_slot is not None else None
        if new_slot is None:
            dropped.append(str(attachment.file.name))
            attachment.delete()
        else:
            attachment.required_document = new_slot
            attachment.save(update_fields=["required_document"])
    transaction.on_commit(lambda: _delete_files(dropped))
    locked.procedure_version = version
    locked.updated_at = clock.now()
    locked.save(update_fields=["procedure_version", "updated_at"])


def citizen_owns(citizen: Citizen, dossier: Dossier) -> bool:
    """Whether the dossier is the citizen's: sent by them online."""
    return bool(
        dossier.created_by_id == citizen.user_id
        or Draft.objects.filter(citizen=citizen, dossier=dossier).exists()
    )


def supplement_answer(
    *, citizen: Citizen, dossier: Dossier, files: Mapping[int, Any], note: str = ""
) -> SupplementAnswer:
    """Answer the open supplement request online, once, into the same document slots.

    The files join the dossier's document lines; the desk then records the
    supplement as received (``dossier_supplement_received``), which restarts
    the clock.
    """
    if not citizen_owns(citizen, dossier):
        raise NotFoundError(_("There is no such dossier among yours."))
    if not files:
        raise ApplicationError(
            _("Attach at least one file for the supplement."),
            code="files_required",
            extra={"field": "documents"},
        )
    lines = {line.required_document_id: line for line in dossier.documents.all()}
    unknown = [pk for pk in files if pk not in lines]
    if unknown:
        raise ApplicationError(
            _("This document is not asked for by the procedure."), code="invalid_document"
        )
    checked = [(pk, check_upload(file)) for pk, file in files.items()]
    stored = [store_upload(upload, folder=f"dossiers/{dossier.pk}") for _pk, upload in checked]
    try:
        with transaction.atomic():
            locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
            if locked.status != DossierStatus.AWAITING_SUPPLEMENT:
                raise ApplicationError(
                    _("No supplement is asked for this dossier now."), code="no_supplement"
                )
            pause = Pause.objects.filter(dossier=locked, ended_at__isnull=True).first()
            if pause is None or SupplementAnswer.objects.filter(pause=pause).exists():
                raise ApplicationError(
                    _(
                        "The supplement has already been sent online; the desk is checking it. "
                        "Contact the desk if something is still missing."
                    ),
                    code="supplement_answered",
                )
            answer = SupplementAnswer.objects.create(
                pause=pause, citizen=citizen, note=nfc(note or ""), answered_at=clock.now()
            )
            for (pk, upload), name in zip(checked, stored, strict=True):
                _attachment(
                    upload=upload,
                    stored=name,
                    kind=AttachmentKind.SUPPLEMENT,
                    user=citizen.user,
                    dossier=locked,
                    document=lines[pk],
                    required_document_id=pk,
                )
            if pause.requested_by is not None:
                # The officer who asked learns that the answer is in (after the commit).
                notify(
                    event="citizens.supplement_answered",
                    context={"dossier": locked, "answer": answer},
                    user=pause.requested_by,
                    obj=locked,
                )
            audit_record(
                actor=citizen.user,
                action="citizens.supplement_answer",
                obj=locked,
                data={"pause": pause.pk, "documents": sorted(files)},
            )
    except BaseException:
        for name in stored:
            with contextlib.suppress(Exception):
                default_storage.delete(name)
        raise
    return answer


def can_digitise(user: Any, dossier: Dossier) -> bool:
    """Intake officers of the receiving desk attach scans and the result."""
    return bool(user_has_role(user, "intake_officer", dossier.receiving_unit))


def scan_attach(
    *, actor: Any, dossier: Dossier, file: Any, document_id: int | None = None
) -> Attachment:
    """Attach the scan of a handed-in paper to its document line, or the result (no line).

    Digitisation at the counter (số hóa hồ sơ); only the receiving desk's
    intake officers may do it.
    """
    if not can_digitise(actor, dossier):
        raise PermissionDeniedError(
            _("Only the intake officers of the receiving desk attach scans to this dossier.")
        )
    line: DossierDocument | None = None
    if document_id is not None:
        line = DossierDocument.objects.filter(dossier=dossier, pk=document_id).first()
        if line is None:
            raise ApplicationError(
                _("This document line is not part of the dossier."), code="invalid_document"
            )

    def write(upload: Any, stored: str) -> Attachment:
        locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
        kind = AttachmentKind.SCAN if line is not None else AttachmentKind.RESULT
        attachment = _attachment(
            upload=upload,
            stored=stored,
            kind=kind,
            user=actor,
            dossier=locked,
            document=line,
            required_document_id=line.required_document_id if line is not None else None,
        )
        audit_record(
            actor=actor,
            action="citizens.scan" if line is not None else "citizens.result_file",
            obj=locked,
            data={"document": line.name if line is not None else "", "sha256": upload.sha256},
        )
        return attachment

    attachment: Attachment = _with_stored_file(file, f"dossiers/{dossier.pk}", write)
    return attachment


def supplement_answer_api(
    *,
    citizen: Citizen,
    dossier: Dossier,
    document_ids: Sequence[int],
    files: Sequence[Any],
    note: str = "",
) -> SupplementAnswer:
    """Answer the supplement with ``files[i]`` for the required document ``document_ids[i]``.

    The API's form of :func:`supplement_answer`: the two lists must pair up,
    one file per document.
    """
    if len(document_ids) != len(files):
        raise ApplicationError(
            _("Send one document id for each file (%(ids)s ids, %(files)s files).")
            % {"ids": len(document_ids), "files": len(files)},
            code="files_mismatch",
            extra={"field": "document_ids"},
        )
    if len(set(document_ids)) != len(document_ids):
        raise ApplicationError(
            _("Send at most one file per document."),
            code="duplicate_document",
            extra={"field": "document_ids"},
        )
    return supplement_answer(
        citizen=citizen,
        dossier=dossier,
        files=dict(zip(document_ids, files, strict=True)),
        note=note,
    )


@dataclass(frozen=True)
class Submission:
    dossier: Dossier
    replay: bool
    """True when the dossier was made by an earlier request (a retry)."""


def draft_submit_keyed(
    *, draft: Draft, citizen: Citizen, idempotency_key: str | None = None
) -> Submission:
    """Send the draft under an Idempotency-Key: a retry answers the same dossier.

    The key belongs to one draft of the citizen: used again for another draft
    it raises ``ConflictError`` (``idempotency_key_reused``) and writes nothing.
    A draft already sent answers its dossier whatever the key.
    """
    key = (idempotency_key or "").strip()
    if key:
        earlier = (
            Draft.objects.filter(citizen=citizen, submit_key=key).select_related("dossier").first()
        )
        if earlier is not None and earlier.pk != draft.pk:
            raise ConflictError(
                _(
                    "This Idempotency-Key was used to send another draft; use a new key for "
                    "this one."
                ),
                code="idempotency_key_reused",
            )
    with transaction.atomic():
        locked = _lock_draft(draft, citizen)
        if locked.dossier_id is not None:
            return Submission(locked.dossier, replay=True)  # type: ignore[arg-type]
        if key and locked.submit_key != key:
            try:
                with transaction.atomic():
                    locked.submit_key = key
                    locked.save(update_fields=["submit_key"])
            except IntegrityError as exc:  # the same key on another draft, at the same time
                raise ConflictError(
                    _(
                        "This Idempotency-Key was used to send another draft; use a new key "
                        "for this one."
                    ),
                    code="idempotency_key_reused",
                ) from exc
    return Submission(draft_submit(draft=draft, citizen=citizen), replay=False)
