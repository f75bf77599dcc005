"""Load the illustrative demo procedures (motcua.catalog.demo_data) idempotently."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction

from motcua.catalog import services
from motcua.catalog.content import DocumentSpec, FeeSpec, StepSpec, VersionContent
from motcua.catalog.models import Field, Procedure
from motcua.core.actors import Actor


def demo_content(item: dict[str, Any]) -> VersionContent:
    """Turn one row of ``motcua.catalog.demo_data.PROCEDURES`` into version content."""
    from motcua.catalog.demo_data import DEMO_SUPPLEMENT_WINDOW

    amount, unit = item["limit"]
    return VersionContent(
        name=item["name"],
        field_code=item["field"],
        competent_level=item["level"],
        competent_agency=item["agency"],
        time_limit_amount=amount,
        time_limit_unit=unit,
        online_level=item["online"],
        result_type=item["result"],
        supplement_policy=item["supplement"],
        supplement_window_days=item.get("supplement_window", DEMO_SUPPLEMENT_WINDOW),
        legal_basis=item["legal_basis"],
        documents=tuple(
            DocumentSpec(order=i, name=name, form=form, count=count, is_mandatory=mandatory)
            for i, (name, form, count, mandatory) in enumerate(item["documents"], start=1)
        ),
        fees=tuple(
            FeeSpec(order=i, name=name, kind=kind, amount=fee, note=note)
            for i, (name, kind, fee, note) in enumerate(item["fees"], start=1)
        ),
        steps=tuple(
            StepSpec(
                order=i,
                name=step[0],
                role_code=step[1],
                budget_amount=Decimal(step[2]),
                budget_unit=step[3],
                is_inter_agency=step[4],
                # An optional sixth element names the coordinating agency's identifier code.
                agency_code=step[5] if len(step) > 5 else "",
            )
            for i, step in enumerate(item["steps"], start=1)
        ),
    )


def load_demo_procedures(actor: Actor) -> int:
    """Create the demo fields and procedures that do not exist yet; return how many.

    Needs the org roles (intake_officer, case_handler, …). Procedures whose
    code already exists are left alone, so a second run creates nothing.
    """
    from motcua.catalog.demo_data import EFFECTIVE_FROM, FIELDS, PROCEDURES

    created = 0
    with transaction.atomic():
        existing_fields = set(Field.objects.values_list("code", flat=True))
        for code, name in FIELDS.items():
            if code not in existing_fields:
                services.field_create(actor=actor, code=code, name=name)
        existing = set(Procedure.objects.values_list("code", flat=True))
        for item in PROCEDURES:
            if item["code"] in existing:
                continue
            services.procedure_create(
                actor=actor,
                code=item["code"],
                effective_from=date.fromisoformat(item.get("effective_from", EFFECTIVE_FROM)),
                content=demo_content(item),
                is_illustrative=True,
            )
            created += 1
    return created


def demo_form_pdf(title: str, procedure_name: str) -> bytes:
    """Return an illustrative form to fill in (PDF): a title, blank lines, a signature place.

    Not an official form: its header says so. The text is NFC and drawn with
    the shipped Liberation Serif, so Vietnamese letters are whole.
    """
    from fpdf import FPDF

    import motcua.core
    from motcua.core.text import nfc

    fonts = Path(motcua.core.__file__).resolve().parent / "fonts"
    pdf = FPDF(format="A4")
    line: dict[str, Any] = {"new_x": "LMARGIN", "new_y": "NEXT"}
    pdf.set_margins(20, 15, 15)
    pdf.add_font("Serif", "", str(fonts / "LiberationSerif-Regular.ttf"))
    pdf.add_font("Serif", "B", str(fonts / "LiberationSerif-Bold.ttf"))
    pdf.set_text_shaping(True)
    pdf.add_page()
    pdf.set_font("Serif", "", 10)
    pdf.multi_cell(
        0, 5, nfc("MẪU MINH HỌA của bản demo Motcua — không phải mẫu chính thức."), **line
    )
    pdf.ln(4)
    pdf.set_font("Serif", "B", 13)
    pdf.multi_cell(0, 6, nfc("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), align="C", **line)
    pdf.set_font("Serif", "B", 12)
    pdf.multi_cell(0, 6, nfc("Độc lập - Tự do - Hạnh phúc"), align="C", **line)
    pdf.ln(6)
    pdf.set_font("Serif", "B", 14)
    heading = title.replace("(theo mẫu)", "").strip().upper()
    pdf.multi_cell(0, 7, nfc(heading), align="C", **line)
    pdf.set_font("Serif", "", 12)
    pdf.multi_cell(0, 6, nfc(f"(dùng cho thủ tục: {procedure_name})"), align="C", **line)
    pdf.ln(6)
    for label in (
        "Họ, chữ đệm, tên người yêu cầu",
        "Số định danh cá nhân",
        "Nơi cư trú",
        "Số điện thoại",
        "Nội dung đề nghị",
        "",
        "",
    ):
        text = f"{label}: " if label else ""
        pdf.multi_cell(0, 9, nfc(text + "." * (110 - len(text))), **line)
    pdf.ln(4)
    pdf.multi_cell(
        0,
        6,
        nfc("Tôi cam đoan những nội dung khai trên đây là đúng sự thật và chịu trách nhiệm."),
        **line,
    )
    pdf.ln(6)
    pdf.set_x(110)
    pdf.multi_cell(
        80, 6, nfc("Làm tại ........, ngày .... tháng .... năm ......"), align="C", **line
    )
    pdf.set_x(110)
    pdf.set_font("Serif", "B", 12)
    pdf.multi_cell(80, 6, nfc("NGƯỜI YÊU CẦU"), align="C", **line)
    pdf.set_x(110)
    pdf.set_font("Serif", "", 11)
    pdf.multi_cell(80, 6, nfc("(Ký, ghi rõ họ, chữ đệm, tên)"), align="C", **line)
    return bytes(pdf.output())


def load_demo_declaration_forms(actor: Actor) -> int:
    """Attach an illustrative form to each demo version whose documents ask for one.

    A version that already has a form is left alone; return how many were attached.
    """
    from motcua.catalog.declaration_forms import declaration_form_attach, name_to_filename
    from motcua.catalog.models import DeclarationForm, ProcedureVersion

    attached = 0
    versions = (
        ProcedureVersion.objects.filter(procedure__is_illustrative=True)
        .exclude(pk__in=DeclarationForm.objects.values("version_id"))
        .prefetch_related("documents")
    )
    for version in versions:
        for document in version.documents.all():
            if not document.name.startswith("Tờ khai") or "theo mẫu" not in document.name:
                continue
            name = document.name.replace("(theo mẫu)", "").strip()
            declaration_form_attach(
                actor=actor,
                version=version,
                name=name,
                reference="Mẫu minh họa (demo)",
                data=demo_form_pdf(document.name, version.name),
                filename=name_to_filename(name, "pdf"),
            )
            attached += 1
    return attached
