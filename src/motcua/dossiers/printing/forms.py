"""The one-stop forms, each drawn with the shared layout (DOMAIN.md §2.2).

Each ``draw_*`` function reads what its form needs (a few queries) and
returns the finished :class:`FormPDF`. Document numbers ("Số:") are the
dossier code followed by the suffix seen in 2025 templates (DOMAIN.md
§2.1): none for the receipt (its number is the code), ``/PBS`` for a
supplement request (``/PBS-2`` for a second one), ``/PTC`` refusal,
``/PXL`` apology, ``/TBD`` notice of stopping (chosen here; no template
seen), ``/PKS`` control slip. A record without a code (counter guidance,
a refusal at the counter) uses its internal number instead, with
``/HDHS`` for counter guidance as Thanh Hóa does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise

from django.conf import settings
from django.db.models import Q
from django.utils.http import urlencode

from motcua.catalog.models import FeeLine
from motcua.core import clock
from motcua.dossiers import logbook
from motcua.dossiers.models import (
    Apology,
    Dossier,
    DossierDocument,
    DossierEvent,
    DossierStep,
    IntakeGuidance,
    Pause,
)
from motcua.dossiers.printing.layout import SMALL, FormPDF, Header, Recipients, Signature
from motcua.dossiers.printing.numbering import BASIS, NO_FORM_NOTE, NUMBERS, TITLES, form_title
from motcua.dossiers.printing.words import (
    BLANK,
    DOCUMENT_FORMS,
    STAGES,
    TIMELINESS,
    agency_name,
    local,
    money,
    person_name,
    place_and_date,
    short_date,
    time_limit,
    time_text,
)
from motcua.org.models import Unit, UnitTier

PLACE_PREFIXES = ("Thành phố ", "Tỉnh ")


# --- units ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitNames:
    """How a unit is named on a form: header lines, body name and place."""

    parent: str
    header: str
    agency: str
    place: str
    address: str
    phone: str


def header_name(unit: Unit) -> str:
    """Return the name as printed in a header: "Ủy ban nhân dân" on a line of its own."""
    if unit.kind.is_administrative:
        return f"Ủy ban nhân dân\n{unit.name}"
    return unit.name


def unit_names(unit: Unit) -> UnitNames:
    """Return the header lines of ``unit`` and the place name of its province (one query)."""
    ancestors = list(
        Unit.objects.filter(pk__in=unit.ancestor_ids()).select_related("kind").order_by("depth")
    )
    parent = ""
    if not unit.kind.is_administrative and len(ancestors) > 1:
        parent = header_name(ancestors[-2])
    place = ""
    for ancestor in ancestors:
        if ancestor.kind.tier == UnitTier.PROVINCE:
            place = ancestor.name
            for prefix in PLACE_PREFIXES:
                if place.startswith(prefix):
                    place = place[len(prefix) :]
            break
    return UnitNames(
        parent=parent,
        header=header_name(unit),
        agency=agency_name(unit),
        place=place,
        address=unit.address,
        phone=unit.phone,
    )


# --- shared pieces -------------------------------------------------------------------------------


def _dossier(pk: int) -> Dossier:
    return Dossier.objects.select_related(
        "procedure",
        "procedure_version__field",
        "agency__kind",
        "receiving_unit__kind",
    ).get(pk=pk)


def _start(form: str, numbering: str, *, landscape: bool = False) -> FormPDF:
    pdf = FormPDF(landscape=landscape, page_numbers=landscape)
    number = NUMBERS[numbering][form]
    pdf.form_mark(number, BASIS[numbering] if number else NO_FORM_NOTE)
    return pdf


def _header(pdf: FormPDF, names: UnitNames, number: str, when: datetime | None) -> None:
    pdf.header_block(
        Header(
            agency=names.header,
            parent=names.parent,
            number=number,
            place_date=place_and_date(names.place, when or _now()),
        )
    )


def _now() -> datetime:
    return clock.now()


def _actor(dossier: Dossier, *actions: str) -> str:
    event = (
        DossierEvent.objects.filter(dossier=dossier, action__in=actions)
        .select_related("actor")
        .order_by("-at", "-id")
        .first()
    )
    return person_name(event.actor) if event is not None else ""


def _id_label(kind: str) -> str:
    if kind == "organisation":
        return "Mã số doanh nghiệp/mã số thuế"
    return "Số định danh cá nhân"


def _applicant_lines(pdf: FormPDF, dossier: Dossier, *, first_label: str) -> None:
    pdf.labelled(first_label, dossier.applicant_name, bold=True)
    pdf.labelled(_id_label(dossier.applicant_kind), dossier.applicant_id_number)
    pdf.labelled("Địa chỉ", dossier.applicant_address)
    pdf.labelled("Số điện thoại", dossier.applicant_phone)
    pdf.labelled("Thư điện tử (e-mail)", dossier.applicant_email)
    if dossier.representative_name:
        pdf.labelled("Người được ủy quyền nộp hồ sơ", dossier.representative_name, bold=True)
        pdf.labelled("Số định danh cá nhân", dossier.representative_id_number, indent=5)
        pdf.labelled("Địa chỉ", dossier.representative_address, indent=5)
        pdf.labelled("Số điện thoại", dossier.representative_phone, indent=5)
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


# --- Mẫu 01 --------------------------------------------------------------------------------------


def draw_receipt(dossier: Dossier, numbering: str) -> FormPDF:
    """Mẫu 01: the receipt and appointment for a received dossier."""
    d = _dossier(dossier.pk)
    assert d.code and d.received_at
    desk = unit_names(d.receiving_unit)
    pdf = _start("receipt", numbering)
    _header(pdf, desk, d.code, d.received_at)
    pdf.heading(
        form_title("receipt", numbering), f"Mã hồ sơ: {d.code}", qr=(lookup_url(d.code), d.code)
    )
    pdf.para(f"{desk.agency} tiếp nhận hồ sơ của:")
    _applicant_lines(pdf, d, first_label="Tên tổ chức, cá nhân")
    pdf.labelled("Nội dung yêu cầu giải quyết", _procedure(d))
    documents = list(
        DossierDocument.objects.filter(dossier=d, provided=True).order_by("order")
    ) or list(DossierDocument.objects.filter(dossier=d).order_by("order"))
    pdf.para("Thành phần hồ sơ gồm:")
    pdf.grid(
        ["TT", "Tên giấy tờ", "Hình thức", "Số lượng"],
        [
            [
                str(number),
                doc.name,
                DOCUMENT_FORMS.get(doc.form, doc.form),
                f"{doc.count:02d}",
            ]
            for number, doc in enumerate(documents, start=1)
        ],
        (10, 95, 40, 20),
        aligns=("CENTER", "LEFT", "LEFT", "CENTER"),
    )
    version = d.procedure_version
    pdf.labelled("Số lượng hồ sơ", "01 (bộ)")
    pdf.labelled(
        "Thời gian giải quyết hồ sơ theo quy định",
        time_limit(version.time_limit_amount, version.time_limit_unit),
    )
    pdf.labelled("Thời gian nhận hồ sơ", time_text(d.received_at))
    pdf.labelled("Thời gian trả kết quả giải quyết hồ sơ", time_text(d.due_at), bold=True)
    if d.postal_address:
        place = f"Qua dịch vụ bưu chính công ích, địa chỉ: {d.postal_address}"
    else:
        place = ", ".join(part for part in (desk.agency, desk.address) if part)
    pdf.labelled("Đăng ký nhận kết quả tại", place)
    fees = list(FeeLine.objects.filter(version=version).order_by("order"))
    if fees:
        pdf.labelled("Phí, lệ phí", "; ".join(f"{fee.name}: {money(fee.amount)}" for fee in fees))
        if len(fees) > 1:
            pdf.labelled("Tổng cộng", money(d.fee_total), indent=5)
    else:
        pdf.labelled("Phí, lệ phí", "Không")
    volume, entry = _logbook_place(d)
    pdf.para(f"Vào Sổ theo dõi hồ sơ, Quyển số: {volume}, Số thứ tự: {entry}.")
    pdf.closing(
        Signature("NGƯỜI NỘP HỒ SƠ", name=d.representative_name or d.applicant_name),
        Signature("NGƯỜI TIẾP NHẬN", name=_actor(d, "receive", "accept")),
    )
    contact = f"{desk.agency}" + (f", điện thoại {desk.phone}" if desk.phone else "")
    pdf.notes(
        [
            "Giấy tiếp nhận hồ sơ và hẹn trả kết quả được lập thành 02 liên: "
            "01 liên giao cho tổ chức, cá nhân; 01 liên lưu cùng Phiếu kiểm soát quá trình "
            "giải quyết hồ sơ.",
            "Tổ chức, cá nhân mang theo Giấy này khi đến nhận kết quả; người nhận thay "
            "mang theo văn bản ủy quyền.",
            f"Mọi phản ánh, kiến nghị về việc tiếp nhận, giải quyết hồ sơ xin liên hệ: {contact}.",
            "Tra cứu tình trạng hồ sơ: quét mã QR ở đầu Giấy này hoặc truy cập địa chỉ:",
        ]
    )
    pdf.para(lookup_url(d.code), size=SMALL, align="L", indent=3, h=4.5)
    return pdf


# --- Mẫu 02 --------------------------------------------------------------------------------------


def draw_supplement(obj: Pause | IntakeGuidance, numbering: str) -> FormPDF:
    """Mẫu 02: every item to add or correct, at once, with the reason."""
    pdf = _start("supplement", numbering)
    if isinstance(obj, Pause):
        d = _dossier(obj.dossier_id)
        desk = unit_names(d.receiving_unit)
        suffix = "PBS" if obj.number <= 1 else f"PBS-{obj.number}"
        _header(pdf, desk, f"{_ref(d)}/{suffix}", obj.started_at)
        pdf.heading(form_title("supplement", numbering), f"Mã hồ sơ: {d.code or BLANK}")
        _applicant_lines(pdf, d, first_label="Hồ sơ của")
        pdf.labelled("Nội dung yêu cầu giải quyết", _procedure(d))
        items: list[str] = list(obj.items)
        reason = obj.reason
        officer = person_name(obj.requested_by) if obj.requested_by_id else ""
        respond_by = obj.respond_by
    else:
        guidance = IntakeGuidance.objects.select_related(
            "procedure_version__procedure", "receiving_unit__kind", "officer"
        ).get(pk=obj.pk)
        desk = unit_names(guidance.receiving_unit)
        _header(pdf, desk, f"{guidance.pk}/HDHS", guidance.at)
        pdf.heading(form_title("supplement", numbering))
        pdf.labelled("Hồ sơ của", guidance.applicant_name, bold=True)
        pdf.labelled("Số định danh cá nhân/tổ chức", guidance.applicant_id_number)
        pdf.labelled("Địa chỉ", guidance.applicant_address)
        pdf.labelled("Số điện thoại", guidance.applicant_phone)
        pdf.labelled("Thư điện tử (e-mail)", guidance.applicant_email)
        version = guidance.procedure_version
        pdf.labelled(
            "Nội dung yêu cầu giải quyết",
            f"{version.name} (mã thủ tục: {version.procedure.code})",
        )
        items = list(guidance.items)
        reason = guidance.reason
        officer = person_name(guidance.officer)
        respond_by = None
    pdf.para("Yêu cầu hoàn thiện hồ sơ gồm những nội dung sau:", style="B")
    pdf.numbered(items)
    pdf.labelled("Lý do", reason or "Hồ sơ chưa đầy đủ, chưa đúng theo quy định")
    if respond_by is not None:
        pdf.labelled(
            "Thời hạn bổ sung, hoàn thiện hồ sơ", f"trước {time_text(respond_by)}", bold=True
        )
        pdf.para(
            "Quá thời hạn trên mà tổ chức, cá nhân không bổ sung, hoàn thiện hồ sơ thì hồ sơ "
            "được kết thúc theo quy định."
        )
    contact = officer or BLANK
    phone = f", số điện thoại {desk.phone}" if desk.phone else ""
    pdf.para(
        "Trong quá trình hoàn thiện hồ sơ nếu có vướng mắc, ông/bà liên hệ với "
        f"{contact} ({desk.agency}){phone} để được hướng dẫn."
    )
    pdf.closing(None, Signature("NGƯỜI HƯỚNG DẪN", name=officer))
    return pdf


# --- Mẫu 03 --------------------------------------------------------------------------------------


def draw_refusal(dossier: Dossier, numbering: str) -> FormPDF:
    """Mẫu 03: the refusal to receive, with its reasons."""
    d = _dossier(dossier.pk)
    desk = unit_names(d.receiving_unit)
    pdf = _start("refusal", numbering)
    _header(pdf, desk, f"{_ref(d)}/PTC", d.closed_at)
    pdf.heading(form_title("refusal", numbering), f"Mã hồ sơ (nếu có): {d.code or 'không có'}")
    pdf.para(f"{desk.agency} tiếp nhận hồ sơ của:")
    _applicant_lines(pdf, d, first_label="Tên tổ chức, cá nhân")
    pdf.labelled("Nội dung yêu cầu giải quyết", _procedure(d))
    pdf.para(
        "Sau khi xem xét hồ sơ, đối chiếu với các quy định hiện hành, "
        f"{desk.agency} từ chối tiếp nhận, giải quyết hồ sơ này với lý do cụ thể như sau:"
    )
    pdf.para(d.refusal_reasons, indent=5)
    pdf.para("Xin thông báo để ông/bà (tổ chức) được biết và thực hiện./.")
    pdf.closing(
        Signature("NGƯỜI NỘP HỒ SƠ", name=d.representative_name or d.applicant_name),
        Signature("NGƯỜI TIẾP NHẬN", name=_actor(d, "refuse")),
    )
    return pdf


# --- Mẫu 04 --------------------------------------------------------------------------------------


def draw_apology(dossier: Dossier, numbering: str) -> FormPDF:
    """Mẫu 04: the apology and the new date, signed by the head of the agency."""
    d = _dossier(dossier.pk)
    apology = Apology.objects.select_related("issued_by").get(dossier=d)
    agency = unit_names(d.agency)
    desk = unit_names(d.receiving_unit)
    pdf = _start("apology", numbering)
    _header(pdf, agency, f"{_ref(d)}/PXL", apology.issued_at)
    pdf.heading(form_title("apology", numbering))
    pdf.labelled("Kính gửi", d.applicant_name, bold=True)
    pdf.labelled("Địa chỉ", d.applicant_address, indent=5)
    pdf.labelled("Số điện thoại", d.applicant_phone, indent=5)
    assert d.received_at is not None
    pdf.para(
        f"Ngày {short_date(d.received_at)}, {desk.agency} tiếp nhận hồ sơ của ông/bà "
        f"(tổ chức) đề nghị giải quyết thủ tục hành chính: {_procedure(d)}."
    )
    pdf.labelled("Mã hồ sơ", d.code or BLANK)
    pdf.labelled(_id_label(d.applicant_kind), d.applicant_id_number)
    pdf.labelled("Thời gian hẹn trả kết quả giải quyết hồ sơ", time_text(apology.original_due_at))
    pdf.para(
        f"Tuy nhiên đến nay, {agency.agency} chưa trả kết quả giải quyết hồ sơ "
        "cho ông/bà (tổ chức) đúng hẹn như đã hẹn."
    )
    pdf.labelled("Lý do", apology.reason)
    if numbering == "tt01_2018":
        promise = f"hẹn lại thời gian trả kết quả vào {time_text(apology.new_due_at)}"
    else:
        promise = f"đề nghị gia hạn thời gian giải quyết hồ sơ đến {time_text(apology.new_due_at)}"
    pdf.para(
        f"Sự chậm trễ này đã gây phiền hà cho ông/bà (tổ chức). {agency.agency} xin lỗi "
        f"ông/bà (tổ chức) và {promise}."
    )
    pdf.para("Xin trân trọng cảm ơn./.")
    pdf.closing(
        Recipients(["Như trên;", f"{desk.agency};", "Lưu: VT."]),
        Signature(
            "THỦ TRƯỞNG CƠ QUAN",
            name=person_name(apology.issued_by),
            hint="(Ký, ghi rõ họ tên và đóng dấu)",
        ),
    )
    return pdf


# --- Mẫu 05 (TT 03/2025) -------------------------------------------------------------------------


def _stop_stage(d: Dossier, event: DossierEvent | None) -> str:
    if event is None:
        return BLANK
    stage = STAGES.get(str(event.data.get("stage", "")), "")
    step = (
        DossierStep.objects.filter(dossier=d, started_at__isnull=False, started_at__lte=event.at)
        .filter(Q(finished_at__isnull=True) | Q(finished_at__gte=event.at))
        .select_related("unit__kind")
        .order_by("-order")
        .first()
    )
    if step is not None:
        where = f"bước {step.order}. {step.name} ({agency_name(step.unit)})"
        return f"{stage}; {where}" if stage else where
    return stage or BLANK


def draw_stop(dossier: Dossier, numbering: str) -> FormPDF:
    """Mẫu 05 (TT 03/2025): the notice that handling stopped at the applicant's request."""
    d = _dossier(dossier.pk)
    desk = unit_names(d.receiving_unit)
    event = (
        DossierEvent.objects.filter(dossier=d, action="stop")
        .select_related("actor")
        .order_by("-at", "-id")
        .first()
    )
    pdf = _start("stop", numbering)
    _header(pdf, desk, f"{_ref(d)}/TBD", d.closed_at)
    pdf.heading(form_title("stop", numbering), f"Mã hồ sơ: {d.code or BLANK}")
    pdf.labelled("Kính gửi", d.applicant_name, bold=True)
    pdf.labelled(_id_label(d.applicant_kind), d.applicant_id_number, indent=5)
    pdf.labelled("Địa chỉ", d.applicant_address, indent=5)
    pdf.labelled("Số điện thoại", d.applicant_phone, indent=5)
    assert d.received_at is not None
    pdf.para(
        f"Ngày {short_date(d.received_at)}, {desk.agency} tiếp nhận hồ sơ của ông/bà (tổ chức) đề nghị giải quyết thủ tục "
        f"hành chính: {_procedure(d)}. Cơ quan giải quyết: {agency_name(d.agency)}."
    )
    requested = event.data.get("requested_on") if event is not None else None
    requested_text = short_date(datetime.fromisoformat(requested).date()) if requested else BLANK
    pdf.labelled("Ngày tổ chức, cá nhân đề nghị dừng giải quyết", requested_text)
    pdf.labelled("Lý do", d.stop_reason)
    pdf.labelled("Giai đoạn giải quyết tại thời điểm dừng", _stop_stage(d, event))
    pdf.labelled("Thời điểm dừng giải quyết hồ sơ", time_text(d.closed_at), bold=True)
    fee = money(d.fee_total) if d.fee_total else "Không"
    pdf.labelled("Phí, lệ phí của thủ tục", fee)
    pdf.para(
        "Việc hoàn trả phí, lệ phí đã nộp (nếu có) được thực hiện theo quy định của pháp luật "
        "về phí và lệ phí."
    )
    pdf.para(f"{desk.agency} thông báo để ông/bà (tổ chức) được biết./.")
    pdf.closing(
        Recipients(["Như trên;", f"{agency_name(d.agency)};", "Lưu: VT."]),
        Signature("NGƯỜI TIẾP NHẬN", name=person_name(event.actor) if event else ""),
    )
    return pdf


# --- Phiếu kiểm soát -----------------------------------------------------------------------------


def _steps(d: Dossier) -> list[DossierStep]:
    return list(
        DossierStep.objects.filter(dossier=d)
        .select_related("unit__kind", "giver", "handler")
        .order_by("order")
    )


def control_rows(d: Dossier, steps: list[DossierStep] | None = None) -> list[list[str]]:
    """Return the control slip's rows: one per hand-over between consecutive steps.

    The giving unit is the previous step's (the intake desk first), the
    result is how that step finished (before, on or after its due time);
    steps not reached yet print blanks to fill by hand.
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
                f"{time_text(step.started_at)}\n"
                f"Người giao: {giver or BLANK}\nNgười nhận: {receiver or BLANK}",
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
    pdf.grid(
        [
            "TÊN CƠ QUAN/ĐƠN VỊ",
            "THỜI GIAN GIAO, NHẬN HỒ SƠ",
            "KẾT QUẢ GIẢI QUYẾT HỒ SƠ (Trước hạn/Đúng hạn/Quá hạn)",
            "GHI CHÚ",
        ],
        control_rows(d, steps),
        (45, 62, 33, 25),
        aligns=("LEFT", "LEFT", "CENTER", "LEFT"),
    )
    return pdf


# --- Sổ theo dõi ---------------------------------------------------------------------------------


def draw_logbook(page: logbook.LogbookPage, numbering: str) -> FormPDF:
    """Sổ theo dõi hồ sơ (Mẫu 07; Mẫu 06 under TT 01/2018), landscape, volume by volume.

    "Ký nhận" is left empty for the signature of whoever collects the result.
    """
    names = unit_names(Unit.objects.select_related("kind").get(pk=page.unit.pk))
    pdf = _start("logbook", numbering, landscape=True)
    _header(pdf, names, "", None)
    subtitles = [f"Lĩnh vực: {page.field_name}"] if page.field_name else []
    subtitles.append(f"Từ ngày {short_date(page.start)} đến ngày {short_date(page.end)}")
    pdf.heading(TITLES["logbook"], *subtitles)
    for heading, rows in page.sections:
        if heading:
            pdf.para(heading, style="B", align="L")
        pdf.grid(
            list(logbook.HEADINGS),
            [
                [
                    str(row.number or ""),
                    row.code,
                    row.procedure_name,
                    row.applicant_name,
                    row.contact,
                    row.agency_name,
                    _short_time(row.received_at),
                    _short_time(row.appointment_at),
                    _short_time(row.new_appointment_at),
                    _short_time(row.returned_at),
                    row.return_method_label,
                    "",
                ]
                for row in rows
            ],
            (9, 34, 30, 24, 30, 23, 18, 18, 18, 18, 22, 18),
            aligns=(
                "CENTER",
                "LEFT",
                "LEFT",
                "LEFT",
                "LEFT",
                "LEFT",
                "CENTER",
                "CENTER",
                "CENTER",
                "CENTER",
                "LEFT",
                "LEFT",
            ),
            size=9.5,
            line_height=4.2,
        )
    if not page.rows:
        pdf.para("Không có hồ sơ nào trong thời gian này.", style="I", align="C")
    return pdf


def _short_time(value: datetime | None) -> str:
    """Return "09:00 02/3/2026" for the log book's narrow columns."""
    if value is None:
        return ""
    moment = local(value)
    return f"{moment:%H:%M} {short_date(moment)}"
