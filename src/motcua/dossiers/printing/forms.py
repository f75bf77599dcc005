"""The one-stop forms, each drawn with the shared layout (DOMAIN.md §2.2).

Each ``draw_*`` function reads what its form needs (a few queries) and
returns the finished :class:`FormPDF`. Document numbers ("Số:") are the
dossier code followed by the suffix seen in 2025 templates (DOMAIN.md
§2.1): none for the receipt (its number is the code), ``/PBS`` for a
supplement request (``/PBS-2`` for a second one), ``/PTC`` refusal,
``/PXL`` apology, ``/TBD`` notice of stopping and ``/TB`` the written
answer to a dossier not granted (chosen here; no template seen), ``/PKS``
control slip. A slip given at the counter before any code exists
(guidance, a refusal) carries its number in the desk's register of the
year and the configured suffix: "12/PBS", "3/PTC".

The place before the date is where the issuing body sits (NĐ 30/2020/NĐ-CP,
Phụ lục I): "Ngã Bảy, ngày …" for the ward's bodies
(:func:`motcua.org.selectors.unit_place_name`).
"""

from __future__ import annotations

import math
from datetime import datetime

from django.conf import settings
from django.db.models import Q

from motcua.catalog.models import FeeLine
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

# The control slip is drawn in its own module; its names stay reachable from here.
from motcua.dossiers.printing.control import SIGN_ROOM as SIGN_ROOM
from motcua.dossiers.printing.control import control_rows as control_rows
from motcua.dossiers.printing.control import draw_control as draw_control
from motcua.dossiers.printing.layout import (
    FormPDF,
    Recipients,
    Signature,
)
from motcua.dossiers.printing.numbering import (
    TITLES,
    form_title,
)
from motcua.dossiers.printing.pieces import (
    _actor,
    _applicant_lines,
    _counter_number,
    _dossier,
    _header,
    _id_label,
    _last_event,
    _leader_signature,
    _logbook_place,
    _procedure,
    _ref,
    _start,
    lookup_url,
)
from motcua.dossiers.printing.units import (
    UnitNames,
    unit_names,
)
from motcua.dossiers.printing.words import (
    BLANK,
    DOCUMENT_FORMS,
    STAGES,
    agency_name,
    local,
    money,
    person_name,
    short_date,
    time_limit,
    time_text,
)
from motcua.dossiers.workflow import LEADER_ROLES
from motcua.org.models import Unit
from motcua.org.selectors import office_for_unit, signing_position

# --- Mẫu 01 --------------------------------------------------------------------------------------


RECEIPT_MIN_SCALE = 0.84
"""The smallest size a crowded receipt is drawn at: 12-point body type down to about 10."""


def draw_receipt(dossier: Dossier, numbering: str) -> FormPDF:
    """Mẫu 01: the receipt and appointment for a received dossier, on one page.

    A crowded receipt (a long procedure name, many documents, a
    representative) is drawn again at the size its first drawing says
    will fit, smaller still if needed, down to ``RECEIPT_MIN_SCALE``;
    beyond that it flows on to a second page
    (docs/domain/dossier-lifecycle.md gives the tested limits).
    """
    d = _dossier(dossier.pk)
    assert d.code and d.received_at
    desk = unit_names(d.receiving_unit)
    documents = list(
        DossierDocument.objects.filter(dossier=d, provided=True).order_by("order")
    ) or list(DossierDocument.objects.filter(dossier=d).order_by("order"))
    fees = list(FeeLine.objects.filter(version=d.procedure_version).order_by("order"))
    officer = _actor(d, "receive", "accept")
    scale = 1.0
    while True:
        pdf = _receipt_pdf(d, numbering, desk, documents, fees, officer, scale)
        if pdf.page_no() == 1 or scale <= RECEIPT_MIN_SCALE:
            return pdf
        # Nearly every height scales with the type: aim at the size that fits.
        usable = pdf.page_break_trigger - pdf.t_margin
        used = (pdf.page_no() - 1) * usable + pdf.get_y() - pdf.t_margin - pdf.skipped
        aim = math.floor(scale * usable / used * 100) / 100 - 0.01
        scale = max(RECEIPT_MIN_SCALE, min(aim, scale - 0.02))


def _receipt_pdf(
    d: Dossier,
    numbering: str,
    desk: UnitNames,
    documents: list[DossierDocument],
    fees: list[FeeLine],
    officer: str,
    scale: float,
) -> FormPDF:
    assert d.code and d.received_at
    pdf = _start("receipt", numbering, scale=scale)
    _header(pdf, desk, d.code, d.received_at)
    pdf.heading(
        form_title("receipt", numbering), f"Mã hồ sơ: {d.code}", qr=(lookup_url(d.code), d.code)
    )
    pdf.para(f"{desk.agency} tiếp nhận hồ sơ của:")
    _applicant_lines(pdf, d, first_label="Tên tổ chức, cá nhân")
    pdf.labelled("Nội dung yêu cầu giải quyết", _procedure(d))
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
        (9, 94, 42, 20),
        aligns=("CENTER", "LEFT", "LEFT", "CENTER"),
        size=10.5,
        line_height=4.6,
    )
    version = d.procedure_version
    pdf.labelled_pairs(
        [
            ("Số lượng hồ sơ", "01 (bộ)"),
            (
                "Thời gian giải quyết hồ sơ theo quy định",
                time_limit(version.time_limit_amount, version.time_limit_unit),
            ),
        ]
    )
    pdf.labelled("Thời gian nhận hồ sơ", time_text(d.received_at))
    pdf.labelled("Thời gian trả kết quả giải quyết hồ sơ", time_text(d.due_at), bold=True)
    office = office_for_unit(d.receiving_unit_id)
    if d.postal_address:
        place = f"Qua dịch vụ bưu chính công ích, địa chỉ: {d.postal_address}"
    else:
        address = desk.address or (office.address if office is not None else "")
        place = ", ".join(part for part in (desk.agency, address) if part)
    pdf.labelled("Đăng ký nhận kết quả tại", place)
    if fees:
        lines = "; ".join(f"{fee.name}: {money(fee.amount)}" for fee in fees)
        if len(fees) > 1:
            lines += f" (tổng cộng: {money(d.fee_total)})"
        pdf.labelled("Phí, lệ phí", lines)
    else:
        pdf.labelled("Phí, lệ phí", "Không")
    volume, entry = _logbook_place(d)
    pdf.para(f"Vào Sổ theo dõi hồ sơ, Quyển số: {volume}, Số thứ tự: {entry}.")
    pdf.closing(
        Signature("NGƯỜI NỘP HỒ SƠ", name=d.representative_name or d.applicant_name),
        Signature("NGƯỜI TIẾP NHẬN HỒ SƠ", name=officer),
    )
    phone = desk.phone or (office.phone if office is not None else "")
    contact = f"{desk.agency}" + (f", điện thoại {phone}" if phone else "")
    if office is not None and office.hotline:
        contact += f", đường dây nóng {office.hotline}"
    if office is not None and office.email:
        contact += f", thư điện tử {office.email}"
    notes = [
        "Giấy này được lập thành 02 liên: 01 liên giao cho tổ chức, cá nhân; 01 liên lưu "
        "cùng Phiếu kiểm soát quá trình giải quyết hồ sơ. Tổ chức, cá nhân mang theo Giấy "
        "này khi đến nhận kết quả; người nhận thay mang theo văn bản ủy quyền.",
    ]
    if office is not None and office.opening_hours and not d.postal_address:
        hours = "; ".join(line.strip() for line in office.opening_hours.splitlines() if line)
        notes.append(f"Giờ tiếp nhận và trả kết quả: {hours}.")
    notes += [
        f"Mọi phản ánh, kiến nghị về việc tiếp nhận, giải quyết hồ sơ xin liên hệ: {contact}.",
        "Tra cứu tình trạng hồ sơ: quét mã QR ở đầu Giấy này hoặc truy cập địa chỉ "
        f"{lookup_url(d.code)}",
    ]
    pdf.notes(notes)
    return pdf


# --- Mẫu 02 --------------------------------------------------------------------------------------


def _asking_unit(d: Dossier, pause: Pause) -> Unit | None:
    """Return the unit of the step that asked for the supplement, None at an intake step.

    The step running when the pause started (a pause does not end it); the
    officer who asked works there, so Form 02 names that agency.
    """
    step = (
        DossierStep.objects.filter(
            dossier=d, started_at__isnull=False, started_at__lte=pause.started_at
        )
        .filter(Q(finished_at__isnull=True) | Q(finished_at__gt=pause.started_at))
        .select_related("unit__kind", "role")
        .order_by("-order")
        .first()
    )
    if step is None or step.role.code == "intake_officer":
        return None
    return step.unit


def draw_supplement(obj: Pause | IntakeGuidance, numbering: str) -> FormPDF:
    """Mẫu 02: every item to add or correct, at once, with the reason."""
    pdf = _start("supplement", numbering)
    if isinstance(obj, Pause):
        d = _dossier(obj.dossier_id)
        desk = unit_names(d.receiving_unit)
        asking = _asking_unit(d, obj) or d.receiving_unit
        contact_agency = agency_name(asking)
        contact_phone = asking.phone or desk.phone
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
        number = _counter_number(
            guidance.slip_number, guidance.pk, settings.MOTCUA_GUIDANCE_SLIP_SUFFIX
        )
        _header(pdf, desk, number, guidance.at)
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
        contact_agency = desk.agency
        contact_phone = desk.phone
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
    phone = f", số điện thoại {contact_phone}" if contact_phone else ""
    pdf.para(
        "Trong quá trình hoàn thiện hồ sơ nếu có vướng mắc, ông/bà liên hệ với "
        f"{contact} ({contact_agency}){phone} để được hướng dẫn."
    )
    pdf.closing(None, Signature("NGƯỜI HƯỚNG DẪN", name=officer))
    return pdf


# --- Mẫu 03 --------------------------------------------------------------------------------------


def draw_refusal(dossier: Dossier, numbering: str) -> FormPDF:
    """Mẫu 03: the refusal to receive, with its reasons."""
    d = _dossier(dossier.pk)
    desk = unit_names(d.receiving_unit)
    pdf = _start("refusal", numbering)
    if d.code:
        number = f"{d.code}/PTC"
    else:
        number = _counter_number(d.slip_number, d.pk, settings.MOTCUA_REFUSAL_SLIP_SUFFIX)
    _header(pdf, desk, number, d.closed_at)
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
        Signature("NGƯỜI TIẾP NHẬN HỒ SƠ", name=_actor(d, "refuse")),
    )
    return pdf


# --- Mẫu 04 --------------------------------------------------------------------------------------


def draw_apology(dossier: Dossier, numbering: str) -> FormPDF:
    """Mẫu 04: the apology and the new date, signed by a leader of the handling agency.

    The text fits an apology signed before the appointment (the result
    cannot be ready in time) as well as after it (it was not). The block
    at the end prints the position the leader signed with and their name.
    """
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
    if apology.issued_at > apology.original_due_at:
        pdf.para(
            f"Đến nay đã quá thời gian hẹn nêu trên nhưng {agency.agency} chưa trả kết quả "
            "giải quyết hồ sơ cho ông/bà (tổ chức)."
        )
    else:
        pdf.para(
            f"Hồ sơ chưa giải quyết xong, {agency.agency} không thể trả kết quả giải quyết hồ sơ "
            "cho ông/bà (tổ chức) đúng thời gian hẹn nêu trên."
        )
    pdf.labelled("Lý do", apology.reason)
    if numbering == "tt01_2018":
        promise = f"hẹn lại thời gian trả kết quả vào {time_text(apology.new_due_at)}"
    else:
        promise = f"đề nghị gia hạn thời gian giải quyết hồ sơ đến {time_text(apology.new_due_at)}"
    pdf.para(
        f"Việc chậm trễ này gây phiền hà cho ông/bà (tổ chức). {agency.agency} xin lỗi "
        f"ông/bà (tổ chức) và {promise}."
    )
    pdf.para("Xin trân trọng cảm ơn./.")
    position = apology.signer_position
    if not position and apology.issued_by_id is not None:
        position = signing_position(
            apology.issued_by, LEADER_ROLES, d.agency, on=local(apology.issued_at).date()
        )
    pdf.closing(
        Recipients(["Như trên;", f"{desk.agency};", "Lưu: VT."]),
        _leader_signature(position, person_name(apology.issued_by)),
    )
    return pdf


# --- Written answer: not granted -----------------------------------------------------------------


def draw_answer(dossier: Dossier, numbering: str) -> FormPDF:
    """The written answer to a dossier decided "not granted", with the reasons.

    Issued by the agency of the signing step and signed by the leader who
    signed the decision (DOMAIN.md §1.3, "ineligible after review"); it is
    the dossier's result, returned at the desk like any other.
    """
    d = _dossier(dossier.pk)
    event = _last_event(d, "decide")
    signer = event.actor if event is not None else None
    unit = event.step.unit if event is not None and event.step is not None else d.agency
    issuer = unit_names(unit)
    desk = unit_names(d.receiving_unit)
    decided_at = d.finished_at or (event.at if event is not None else None)
    pdf = _start("answer", numbering)
    _header(pdf, issuer, f"{_ref(d)}/TB", decided_at)
    pdf.heading(form_title("answer", numbering), f"Mã hồ sơ: {d.code or BLANK}")
    pdf.labelled("Kính gửi", d.applicant_name, bold=True)
    pdf.labelled(_id_label(d.applicant_kind), d.applicant_id_number, indent=5)
    pdf.labelled("Địa chỉ", d.applicant_address, indent=5)
    pdf.labelled("Số điện thoại", d.applicant_phone, indent=5)
    assert d.received_at is not None
    pdf.para(
        f"Ngày {short_date(d.received_at)}, {desk.agency} tiếp nhận hồ sơ của ông/bà "
        f"(tổ chức) đề nghị giải quyết thủ tục hành chính: {_procedure(d)}."
    )
    pdf.para(
        f"Sau khi xem xét hồ sơ, đối chiếu với các quy định hiện hành, {issuer.agency} "
        "không chấp thuận yêu cầu giải quyết hồ sơ nêu trên với lý do cụ thể như sau:"
    )
    pdf.para(d.decision_reasons, indent=5)
    pdf.para(
        "Nếu không đồng ý với nội dung trả lời này, ông/bà (tổ chức) có quyền khiếu nại "
        "hoặc khởi kiện theo quy định của pháp luật."
    )
    pdf.para(f"{issuer.agency} thông báo để ông/bà (tổ chức) được biết./.")
    position = ""
    if event is not None and signer is not None:
        position = signing_position(signer, LEADER_ROLES, unit, on=local(event.at).date())
    pdf.closing(
        Recipients(["Như trên;", f"{desk.agency};", "Lưu: VT, hồ sơ."]),
        _leader_signature(position, person_name(signer) if signer is not None else ""),
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
