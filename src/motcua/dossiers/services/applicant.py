"""The applicant as the intake services take it, and what an intake gives back."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from motcua.core.errors import ApplicationError
from motcua.core.idnumbers import clean_organisation_id, clean_personal_id, clean_phone
from motcua.core.text import nfc
from motcua.dossiers.constants import (
    ApplicantKind,
)
from motcua.dossiers.models import (
    Dossier,
)


@dataclass
class Applicant:
    """Who applies: a person or an organisation, and a representative if any."""

    name: str
    kind: str = ApplicantKind.PERSON
    id_number: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    representative_name: str = ""
    representative_id_number: str = ""
    representative_phone: str = ""
    representative_address: str = ""
    authorisation_document: str = ""

    def cleaned(self, today: date) -> dict[str, str]:
        """Return the model fields, normalised, or raise with every problem listed."""
        problems: list[dict[str, str]] = []
        data: dict[str, str] = {}

        def check(field_name: str, func: Any, *args: Any) -> str:
            try:
                return str(func(*args))
            except ApplicationError as exc:
                problems.append({"field": field_name, "message": exc.message})
                return ""

        name = nfc(self.name or "")
        if not name:
            problems.append(
                {"field": "applicant_name", "message": _("Enter the applicant's name.")}
            )
        if self.kind not in ApplicantKind.values:
            problems.append(
                {"field": "applicant_kind", "message": _("Choose a person or an organisation.")}
            )
        data["applicant_kind"] = self.kind
        data["applicant_name"] = name
        if self.id_number.strip():
            if self.kind == ApplicantKind.ORGANISATION:
                data["applicant_id_number"] = check(
                    "applicant_id_number", clean_organisation_id, self.id_number
                )
            else:
                data["applicant_id_number"] = check(
                    "applicant_id_number", clean_personal_id, self.id_number, today
                )
        else:
            data["applicant_id_number"] = ""
        data["applicant_phone"] = (
            check("applicant_phone", clean_phone, self.phone) if self.phone.strip() else ""
        )
        email = (self.email or "").strip()
        if email and not _valid_email(email):
            problems.append(
                {"field": "applicant_email", "message": _("The e-mail address is not valid.")}
            )
        data["applicant_email"] = email
        data["applicant_address"] = nfc(self.address or "")
        data["representative_name"] = nfc(self.representative_name or "")
        if self.representative_id_number.strip():
            data["representative_id_number"] = check(
                "representative_id_number", clean_personal_id, self.representative_id_number, today
            )
        else:
            data["representative_id_number"] = ""
        data["representative_phone"] = (
            check("representative_phone", clean_phone, self.representative_phone)
            if self.representative_phone.strip()
            else ""
        )
        data["representative_address"] = nfc(self.representative_address or "")
        data["authorisation_document"] = nfc(self.authorisation_document or "")
        if data["representative_name"] and not data["authorisation_document"]:
            problems.append(
                {
                    "field": "authorisation_document",
                    "message": _(
                        "A representative needs the authorisation document (giấy ủy quyền)."
                    ),
                }
            )
        if problems:
            raise ApplicationError(
                problems[0]["message"]
                if len(problems) == 1
                else _("Some applicant details are not valid."),
                code="invalid_applicant",
                extra={"errors": problems},
            )
        return data


def _valid_email(address: str) -> bool:
    try:
        validate_email(address)
    except DjangoValidationError:
        return False
    return True


@dataclass
class IntakeResult:
    dossier: Dossier
    created: bool = True
    missing: list[str] = field(default_factory=list)
