"""What several forms share: the dossier read once, the page, the header, the applicant."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.utils.http import urlencode

from motcua.core import clock
from motcua.dossiers import logbook
from motcua.dossiers.models import (
    Dossier,
    DossierEvent,
)
from motcua.dossiers.printing.layout import (
    FormPDF,
    Header,
    Signature,
)
from motcua.dossiers.printing.numbering import (
    BASIS,
    NO_FORM_NOTE,
    NOT_IN_SET_NOTES,
    NUMBERS,
)
from motcua.dossiers.printing.units import UnitNames
from motcua.dossiers.printing.words import (
    BLANK,
    person_name,
    place_and_date,
    upper,
)

# --- shared pieces -------------------------------------------------------------------------------


def _dossier(pk: int) -> Dossier:
    return Dossier.objects.select_related(
        "procedure",
        "procedure_version__field",
        "agency__kind",
        "receiving_unit__kind",
    ).get(pk=pk)


def _start(form: str, numbering: str, *, landscape: bool = False, scale: float = 1.0) -> FormPDF:
    pdf = FormPDF(landscape=landscape, page_numbers=landscape, scale=scale)
    number = NUMBERS[numbering][form]
    if number:
        pdf.form_mark(number, BASIS[numbering])
    else:
        pdf.form_mark(None, NOT_IN_SET_NOTES.get(form, NO_FORM_NOTE))
    return pdf


def _header(pdf: FormPDF, names: UnitNames, number: str, when: datetime | None) -> None:
    pdf.header_block(
        Header(
            agency=names.header,
            parent=names.parent,
            number=number,
            place_date=place_and_date(names.place, when or _now()),
            keep=names.keep,
        )
    )


def _now() -> datetime:
    return clock.now()


def _last_event(dossier: Dossier, *actions: str) -> DossierEvent | None:
    return (
        DossierEvent.objects.filter(dossier=dossier, action__in=actions)
        .select_related("actor", "step__unit__kind")
        .order_by("-at", "-id")
        .first()
    )


def _actor(dossier: Dossier, *actions: str) -> str:
    event = _last_event(dossier, *actions)
    return person_name(event.actor) if event is not None else ""


def _counter_number(number: int | None, fallback: int, suffix: str) -> str:
    """Return "12/PBS": the slip's number in the desk's register (its id for older slips)."""
    return f"{number or fallback}/{suffix}"


def _leader_signature(position: str, name: str) -> Signature:
    """Return a leader's signature block: the position in capitals, room to sign, the name."""
    return Signature(upper(position) if position else BLANK, name=name, hint="")


def _id_label(kind: str) -> str:
    if kind == "organisation":
        return "Mã số doanh nghiệp/mã số thuế"
    return "Số định danh cá nhân"


def _applicant_lines(pdf: FormPDF, dossier: Dossier, *, first_label: str) -> None:
    pdf.labelled(first_label, dossier.applicant_name, bold=True)
    pdf.labelled(_id_label(dossier.applicant_kind), dossier.applicant_id_number)
    pdf.labelled("Địa chỉ", dossier.applicant_address)
    pdf.labelled_pairs(
        [
            ("Số điện thoại", dossier.applicant_phone),
            ("Thư điện tử (e-mail)", dossier.applicant_email),
        ]
    )
    if dossier.representative_name:
        pdf.labelled("Người được ủy quyền nộp hồ sơ", dossier.representative_name, bold=True)
        pdf.labelled_pairs(
            [
                ("Số định danh cá nhân", dossier.representative_id_number),
                ("Số điện thoại", dossier.representative_phone),
            ],
            indent=5,
        )
        pdf.labelled("Địa chỉ", dossier.representative_address, indent=5)
        pdf.labelled("Văn bản ủy quyền", dossier.authorisation_document, indent=5)


def _procedure(dossier: Dossier) -> str:
    return f"{dossier.procedure_version.name} (mã thủ tục: {dossier.procedure.code})"


def _ref(dossier: Dossier) -> str:
    return dossier.code or str(dossier.pk)


def lookup_url(code: str) -> str:
    """Return the public tracking address printed as a QR code on the receipt."""
    base = str(settings.MOTCUA_PUBLIC_URL).rstrip("/")
    return f"{base}/tra-cuu/?{urlencode({'ma': code})}"


def _logbook_place(dossier: Dossier) -> tuple[str, int | str]:
    """Return the volume and entry number given at intake, as the log book prints them."""
    return logbook.logbook_place(dossier, blank=BLANK)
