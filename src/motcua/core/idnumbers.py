"""Personal and organisation identification numbers, and phone numbers.

Personal ID (số định danh cá nhân, CCCD): 12 digits ``PPP G YY RRRRRR``
(TT 59/2021/TT-BCA; DOMAIN.md §10): PPP is the province of birth
registration among the 63 pre-2025 codes, G gives century and sex, YY the
year of birth; there is no check digit. The province list is data
(``MOTCUA_ID_PROVINCE_CODES`` overrides it) because it is not from a
primary text.
"""

from __future__ import annotations

import re
from datetime import date

from django.conf import settings
from django.utils.translation import gettext as _

from motcua.core.errors import ApplicationError

DEFAULT_PROVINCE_CODES = frozenset(
    [
        "001",
        "002",
        "004",
        "006",
        "008",
        "010",
        "011",
        "012",
        "014",
        "015",
        "017",
        "019",
        "020",
        "022",
        "024",
        "025",
        "026",
        "027",
        "030",
        "031",
        "033",
        "034",
        "035",
        "036",
        "037",
        "038",
        "040",
        "042",
        "044",
        "045",
        "046",
        "048",
        "049",
        "051",
        "052",
        "054",
        "056",
        "058",
        "060",
        "062",
        "064",
        "066",
        "067",
        "068",
        "070",
        "072",
        "074",
        "075",
        "077",
        "079",
        "080",
        "082",
        "083",
        "084",
        "086",
        "087",
        "089",
        "091",
        "092",
        "093",
        "094",
        "095",
        "096",
    ]
)
_CENTURY = {
    "0": 1900,
    "1": 1900,
    "2": 2000,
    "3": 2000,
    "4": 2100,
    "5": 2100,
    "6": 2200,
    "7": 2200,
    "8": 2300,
    "9": 2300,
}
_ORG_ID = re.compile(r"^\d{10}(-\d{3})?$")
_PHONE = re.compile(r"^0\d{9,10}$")


def _province_codes() -> frozenset[str]:
    custom = getattr(settings, "MOTCUA_ID_PROVINCE_CODES", None)
    return frozenset(custom) if custom else DEFAULT_PROVINCE_CODES


def personal_id_problem(value: str, today: date) -> str | None:
    """Return why ``value`` is not a valid personal ID number, or None."""
    if not re.fullmatch(r"\d{12}", value):
        return _("A personal ID number has exactly 12 digits.")
    if value[:3] not in _province_codes():
        return _("The first three digits (%(code)s) are not a province code.") % {"code": value[:3]}
    year = _CENTURY[value[3]] + int(value[4:6])
    if year > today.year:
        return _("The birth year in the number (%(year)s) is in the future.") % {"year": year}
    return None


def clean_personal_id(value: str, today: date, *, field: str = "id_number") -> str:
    """Return the number without blanks, or raise a clear ApplicationError."""
    number = re.sub(r"[\s.]", "", value or "")
    problem = personal_id_problem(number, today)
    if problem:
        raise ApplicationError(problem, code="invalid_id_number", extra={"field": field})
    return number


def clean_organisation_id(value: str, *, field: str = "id_number") -> str:
    """Return an enterprise/tax code (10 digits, or 10-3 for a branch), or raise."""
    number = re.sub(r"\s", "", value or "")
    if not _ORG_ID.fullmatch(number):
        raise ApplicationError(
            _(
                "An organisation number has 10 digits, or 10 digits, a hyphen and 3 digits for a branch."
            ),
            code="invalid_id_number",
            extra={"field": field},
        )
    return number


def clean_phone(value: str, *, field: str = "phone") -> str:
    """Return a Vietnamese phone number as 0xxxxxxxxx, accepting +84 and blanks."""
    number = re.sub(r"[\s.\-()]", "", value or "")
    if number.startswith("+84"):
        number = "0" + number[3:]
    elif number.startswith("84") and len(number) == 11:
        number = "0" + number[2:]
    if not _PHONE.fullmatch(number):
        raise ApplicationError(
            _("A phone number has 10 digits starting with 0 (or +84)."),
            code="invalid_phone",
            extra={"field": field},
        )
    return number
