"""The control slip (phiếu kiểm soát quá trình giải quyết hồ sơ)."""

from __future__ import annotations

from itertools import pairwise

from motcua.dossiers.models import (
    Dossier,
    DossierStep,
)
from motcua.dossiers.printing.layout import (
    FormPDF,
    HeadCell,
)
from motcua.dossiers.printing.numbering import (
    form_title,
)
from motcua.dossiers.printing.pieces import _dossier, _header, _procedure, _ref, _start
from motcua.dossiers.printing.units import unit_names
from motcua.dossiers.printing.words import (
    BLANK,
    TIMELINESS,
    agency_name,
    person_name,
    time_text,
)

# --- Phiếu kiểm soát -----------------------------------------------------------------------------


def _steps(d: Dossier) -> list[DossierStep]:
    return list(
        DossierStep.objects.filter(dossier=d)
        .select_related("unit__kind", "giver", "handler")
        .order_by("order")
    )


SIGN_ROOM = "\n\n\n"
"""Blank lines left above a printed name for the wet signature (about 15 mm)."""


def control_rows(d: Dossier, steps: list[DossierStep] | None = None) -> list[list[str]]:
    """Return the control slip's rows: one per hand-over between consecutive steps.

    Columns: the giving and receiving units, the hand-over time, the giver's
    and the receiver's signature (room to sign above the printed name), how
    the giving step finished (before, on or after its due time), notes. The
    giving unit is the previous step's (the intake desk first); hand-overs
    not reached yet print blanks to fill by hand.
    """
    if steps is None:
        steps = _steps(d)
    rows: list[list[str]] = []
    for previous, step in pairwise(steps):
        giver = person_name(step.giver) if step.giver_id else ""
        receiver = person_name(step.handler) if step.handler_id else ""
        notes = []
        if step.is_inter_agency:
            notes.append("Liên thông")
        if previous.note:
            notes.append(previous.note)
        rows.append(
            [
                f"1. Giao: {agency_name(previous.unit)}\n2. Nhận: {agency_name(step.unit)}",
                time_text(step.started_at),
                f"{SIGN_ROOM}{giver or BLANK}",
                f"{SIGN_ROOM}{receiver or BLANK}",
                TIMELINESS.get(previous.timeliness, ""),
                "; ".join(notes),
            ]
        )
    return rows


def draw_control(dossier: Dossier, numbering: str) -> FormPDF:
    """Phiếu kiểm soát quá trình giải quyết hồ sơ (Mẫu 06; Mẫu 05 under TT 01/2018)."""
    d = _dossier(dossier.pk)
    desk = unit_names(d.receiving_unit)
    pdf = _start("control", numbering)
    _header(pdf, desk, f"{_ref(d)}/PKS", d.received_at)
    pdf.heading(form_title("control", numbering), f"Mã hồ sơ: {d.code or BLANK}")
    pdf.para(
        f"(Kèm theo Giấy tiếp nhận hồ sơ và hẹn trả kết quả số: {d.code or BLANK})",
        style="I",
        align="C",
    )
    steps = _steps(d)
    coordinating = list(
        dict.fromkeys(agency_name(step.unit) for step in steps if step.is_inter_agency)
    )
    pdf.labelled("Thủ tục hành chính", _procedure(d))
    pdf.labelled("Tên tổ chức, cá nhân", d.applicant_name, bold=True)
    pdf.labelled("Cơ quan giải quyết hồ sơ", agency_name(d.agency))
    pdf.labelled("Cơ quan phối hợp giải quyết hồ sơ", ", ".join(coordinating) or "Không")
    pdf.labelled("Thời gian nhận hồ sơ", time_text(d.received_at))
    appointment = time_text(d.due_at)
    if d.extended_due_at:
        appointment += f" (hẹn lại: {time_text(d.extended_due_at)})"
    pdf.labelled("Thời gian trả kết quả giải quyết hồ sơ", appointment, bold=True)
    pdf.ln(2)
    headings: list[list[str | HeadCell]] = [
        [
            HeadCell("TÊN CƠ QUAN/ĐƠN VỊ", rowspan=2),
            HeadCell("THỜI GIAN GIAO, NHẬN HỒ SƠ", colspan=3),
            HeadCell("KẾT QUẢ GIẢI QUYẾT HỒ SƠ (Trước hạn/Đúng hạn/Quá hạn)", rowspan=2),
            HeadCell("GHI CHÚ", rowspan=2),
        ],
        ["Thời gian", "Người giao (ký, ghi rõ họ tên)", "Người nhận (ký, ghi rõ họ tên)"],
    ]
    pdf.grid(
        headings,
        control_rows(d, steps),
        (35, 27, 28, 28, 25, 22),
        aligns=("LEFT", "LEFT", "CENTER", "CENTER", "CENTER", "LEFT"),
        size=10,
        line_height=4.6,
    )
    return pdf
