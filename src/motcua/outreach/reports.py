"""The plan's reports: monthly or quarterly Excel and PDF, and the upward report (Word).

A report covers one month or quarter of the plan's year: what each
activity did in the period, where it stands at the period's end
(cumulative quantity, state), and the reach of its reports, articles and
broadcasts. The upward report follows the usual shape of a provincial
template (national motto, number line, I. results, II. assessment, III.
next tasks, recipients), in Times New Roman as official documents are.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db.models import Sum
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from fpdf import FPDF
from openpyxl import Workbook

import motcua.core
from motcua.core import clock
from motcua.core.errors import ApplicationError
from motcua.core.spreadsheets import text_cell
from motcua.outreach.constants import ActivityState
from motcua.outreach.models import Plan, ProgressReport
from motcua.outreach.periods import months_of, period_end, period_label
from motcua.outreach.selectors import activity_rows, percent

FONT_DIR = Path(motcua.core.__file__).resolve().parent / "fonts"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DOC_FONT = "Times New Roman"


@dataclass
class ReportLine:
    title: str
    channel: str
    topic: str
    owner: str
    due: str
    target: int
    in_period: int
    cumulative: int
    people: int
    views: int
    broadcasts: int
    state: str
    state_code: str


@dataclass
class PeriodReport:
    plan: Plan
    key: str
    label: str
    start: date
    end: date
    lines: list[ReportLine]
    completion: Decimal | None
    variety: int
    made_on: date

    @property
    def totals(self) -> dict[str, int]:
        return {
            name: sum(getattr(line, name) for line in self.lines)
            for name in ("in_period", "people", "views", "broadcasts")
        }

    def headers(self) -> list[str]:
        return [
            _("Activity"),
            _("Form"),
            _("Topic"),
            _("Owner unit"),
            pgettext("activity", "Due"),
            _("Target"),
            _("Done in the period"),
            _("Done so far"),
            _("People reached"),
            _("Views"),
            _("Broadcasts"),
            _("State"),
        ]

    def rows(self) -> list[list[Any]]:
        return [
            [
                r.title,
                r.channel,
                r.topic,
                r.owner,
                r.due,
                r.target,
                r.in_period,
                r.cumulative,
                r.people,
                r.views,
                r.broadcasts,
                r.state,
            ]
            for r in self.lines
        ]


def period_report(plan: Plan, key: str) -> PeriodReport:
    """Return the report of ``plan`` for ``key`` (``2026-03`` or ``2026-Q1``) of its year."""
    parsed = months_of(key)
    if parsed is None or parsed[0] != plan.year:
        raise ApplicationError(
            _("Choose a month (%(year)s-03) or a quarter (%(year)s-Q1) of the plan's year.")
            % {"year": plan.year},
            code="bad_period",
        )
    year, first, last = parsed
    start = date(year, first, 1)
    end = period_end(year, "month", last)
    today = clock.localdate()
    as_of = min(end, today) if today >= start else end
    in_period = dict(
        ProgressReport.objects.filter(
            activity__plan=plan, reported_on__gte=start, reported_on__lte=end
        )
        .values_list("activity")
        .annotate(total=Sum("quantity"))
        .values_list("activity", "total")
    )
    rows = activity_rows(plan.activities.filter(due_on__gte=start), today=as_of)
    rows += activity_rows(plan.activities.filter(due_on__lt=start), today=as_of)
    rows.sort(key=lambda r: (r.activity.due_on, r.activity.pk))
    lines = []
    for row in rows:
        a = row.activity
        lines.append(
            ReportLine(
                title=a.title,
                channel=a.channel.name,
                topic=a.topic.name,
                owner=a.owner_unit.name,
                due=f"{period_label(a.period_kind, a.period)} ({a.due_on:%d/%m/%Y})",
                target=a.target_quantity,
                in_period=int(in_period.get(a.pk, 0) or 0),
                cumulative=row.done,
                people=row.people,
                views=row.views,
                broadcasts=row.broadcasts,
                state=str(ActivityState(row.state).label),
                state_code=row.state,
            )
        )
    due = [line for line, row in zip(lines, rows, strict=True) if row.activity.due_on <= end]
    done = sum(line.state_code == ActivityState.DONE for line in due)
    channels = set(
        ProgressReport.objects.filter(activity__plan=plan, reported_on__lte=end)
        .values_list("activity__channel", flat=True)
        .distinct()
    )
    label = (
        f"tháng {first}/{year}"
        if first == last
        else f"quý {('I', 'II', 'III', 'IV')[last // 3 - 1]}/{year}"
    )
    return PeriodReport(
        plan=plan,
        key=key,
        label=label,
        start=start,
        end=end,
        lines=lines,
        completion=percent(done, len(due)),
        variety=len(channels),
        made_on=today,
    )


def report_xlsx(report: PeriodReport) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Report")[:31])
    sheet.append([f"{report.plan.title} — {report.plan.unit.name}"])
    sheet.append([_("Period"), report.label])
    sheet.append([_("Completion (%)"), float(report.completion) if report.completion else None])
    sheet.append([_("Forms used"), report.variety])
    sheet.append([])
    sheet.append(report.headers())
    for row in report.rows():
        sheet.append([text_cell(sheet, v) if isinstance(v, str) else v for v in row])
    totals = report.totals
    sheet.append(
        [
            _("Total"),
            "",
            "",
            "",
            "",
            "",
            totals["in_period"],
            "",
            totals["people"],
            totals["views"],
            totals["broadcasts"],
            "",
        ]
    )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _pdf(orientation: str = "P") -> FPDF:
    pdf = FPDF(orientation=orientation, format="A4")
    for style, name in (("", "Regular"), ("B", "Bold"), ("I", "Italic")):
        pdf.add_font("Serif", style, str(FONT_DIR / f"LiberationSerif-{name}.ttf"))
    pdf.set_text_shaping(True)
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    return pdf


def report_pdf(report: PeriodReport) -> bytes:
    pdf = _pdf("L")
    pdf.set_font("Serif", "B", 14)
    pdf.multi_cell(
        0,
        7,
        _("Communication results, %(period)s") % {"period": report.label},
        align="C",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font("Serif", size=11)
    completion = "—" if report.completion is None else f"{report.completion}%"
    pdf.multi_cell(
        0,
        6,
        f"{report.plan.unit.name} · {report.plan.title}\n"
        + _("Completion of the activities due: %(c)s · forms used: %(v)s")
        % {"c": completion, "v": report.variety},
        align="C",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(3)
    pdf.set_font("Serif", size=8)
    widths = (50, 26, 26, 26, 24, 12, 14, 14, 16, 14, 14, 20)
    with pdf.table(col_widths=widths, text_align="LEFT", line_height=4.5) as table:
        table.row(report.headers())
        for row in report.rows():
            table.row([str(v) for v in row])
        t = report.totals
        table.row(
            [
                _("Total"),
                "",
                "",
                "",
                "",
                "",
                str(t["in_period"]),
                "",
                str(t["people"]),
                str(t["views"]),
                str(t["broadcasts"]),
                "",
            ]
        )
    return bytes(pdf.output())


# --- the upward report (Word) ----------------------------------------------------------------


def _font(
    run: Any, size: float | None = None, bold: bool | None = None, italic: bool | None = None
) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = DOC_FONT
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), DOC_FONT)
    if size:
        run.font.size = Pt(size)
    if bold is not None:
        run.bold = bold
    if italic is not None:
        run.italic = italic


def report_docx(report: PeriodReport, *, superior: str = "") -> bytes:
    """Return the report a unit sends upward, as a Word document."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = DOC_FONT
    style.font.size = Pt(13)
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), DOC_FONT)
    for section in doc.sections:
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        section.left_margin, section.right_margin = Cm(3), Cm(2)
        section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    plan = report.plan
    unit = plan.unit
    parent = unit.parent.name if unit.parent is not None else ""
    head = doc.add_table(rows=1, cols=2)
    left, right = head.rows[0].cells
    left.text = ""
    p = left.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(p.add_run(f"UBND {parent}".upper() if parent else ""), 12)
    p = left.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(p.add_run(unit.name.upper()), 12, bold=True)
    p = left.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(p.add_run("Số:       /BC-UBND"), 13)
    p = right.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(p.add_run("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), 12, bold=True)
    p = right.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(p.add_run("Độc lập - Tự do - Hạnh phúc"), 13, bold=True)
    p = right.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    made = report.made_on
    _font(p.add_run(f"ngày {made.day:02d} tháng {made.month:02d} năm {made.year}"), 13, italic=True)

    def para(text: str, *, bold: bool = False, center: bool = False, italic: bool = False) -> None:
        paragraph = doc.add_paragraph()
        if center:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        else:
            paragraph.paragraph_format.first_line_indent = Cm(1)
            paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        _font(paragraph.add_run(text), 13, bold=bold, italic=italic)

    doc.add_paragraph()
    para("BÁO CÁO", bold=True, center=True)
    para(
        f"Kết quả công tác tuyên truyền cải cách hành chính {report.label}",
        bold=True,
        center=True,
    )
    if superior:
        para(f"Kính gửi: {superior}", center=True)
    para("I. KẾT QUẢ THỰC HIỆN", bold=True)
    para("1. Công tác ban hành kế hoạch", bold=True)
    if plan.issued_on:
        para(
            f"{unit.name} ban hành {plan.title} (số {plan.number}, ngày "
            f"{plan.issued_on:%d/%m/%Y}) với {len(report.lines)} hoạt động."
        )
    else:
        para(f"{plan.title} chưa được ban hành; dự thảo gồm {len(report.lines)} hoạt động.")
    para("2. Kết quả thực hiện các hoạt động", bold=True)
    done = sum(line.state_code == ActivityState.DONE for line in report.lines)
    completion = (
        "chưa có hoạt động đến hạn" if report.completion is None else f"{report.completion}%"
    )
    t = report.totals
    para(
        f"Đã hoàn thành {done}/{len(report.lines)} hoạt động; tỷ lệ hoàn thành các hoạt động "
        f"đến hạn: {completion}; số hình thức tuyên truyền đã sử dụng: {report.variety}. "
        f"Trong kỳ tiếp cận {t['people']:,} lượt người, {t['views']:,} lượt xem, "
        f"{t['broadcasts']:,} lượt phát thanh.".replace(",", ".")
    )
    table = doc.add_table(rows=1, cols=6)
    table.style = "Table Grid"
    for cell, text in zip(
        table.rows[0].cells,
        ("TT", "Hoạt động", "Hình thức", "Chỉ tiêu", "Đã thực hiện", "Tình trạng"),
        strict=True,
    ):
        cell.text = ""
        _font(cell.paragraphs[0].add_run(text), 12, bold=True)
    for number, line in enumerate(report.lines, start=1):
        cells = table.add_row().cells
        for cell, text in zip(
            cells,
            (
                str(number),
                line.title,
                line.channel,
                str(line.target),
                str(line.cumulative),
                line.state,
            ),
            strict=True,
        ):
            cell.text = ""
            _font(cell.paragraphs[0].add_run(text), 12)
    para("II. ĐÁNH GIÁ CHUNG", bold=True)
    late = [line for line in report.lines if line.state_code == ActivityState.OVERDUE]
    if late:
        para(
            "Các hoạt động chưa hoàn thành đúng hạn: "
            + "; ".join(line.title for line in late)
            + "."
        )
    else:
        para("Các hoạt động đến hạn đều được thực hiện đúng kế hoạch.")
    para("III. PHƯƠNG HƯỚNG, NHIỆM VỤ KỲ TỚI", bold=True)
    upcoming = [
        line
        for line in report.lines
        if line.state_code in (ActivityState.NOT_STARTED, ActivityState.IN_PROGRESS)
    ]
    if upcoming:
        para("Tiếp tục triển khai: " + "; ".join(line.title for line in upcoming[:10]) + ".")
    else:
        para("Tổng kết, đánh giá kết quả thực hiện kế hoạch.")
    p = doc.add_paragraph()
    _font(p.add_run("Nơi nhận:"), 12, bold=True, italic=True)
    for receiver in (f"- {superior or 'Cơ quan cấp trên'};", "- Lưu: VT."):
        p = doc.add_paragraph()
        _font(p.add_run(receiver), 11)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


# --- leaflets, posters and broadcast scripts ---------------------------------------------------


def _qr_png(url: str) -> bytes:
    import segno

    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False).save(buffer, kind="png", scale=8, border=2)
    return buffer.getvalue()


def material_pdf(material: Any) -> bytes:
    """Return a leaflet (A5), a poster (A4, large type) or a broadcast script as a PDF.

    Leaflets and posters carry the QR code of their link, printed with the
    address beneath it for those who cannot scan.
    """
    from motcua.outreach.constants import MaterialKind

    poster = material.kind == MaterialKind.POSTER
    # A leaflet is A5, given in millimetres (fpdf2 warns about its changed A5 preset).
    size: Any = (148, 210) if material.kind == MaterialKind.LEAFLET else "A4"
    pdf = FPDF(orientation="P", format=size)
    for style, name in (("", "Regular"), ("B", "Bold"), ("I", "Italic")):
        pdf.add_font("Serif", style, str(FONT_DIR / f"LiberationSerif-{name}.ttf"))
    pdf.set_text_shaping(True)
    pdf.set_auto_page_break(True, margin=12)
    pdf.add_page()
    pdf.set_font("Serif", "B", 24 if poster else 16)
    pdf.multi_cell(0, 11 if poster else 8, material.title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    if material.kind == MaterialKind.BROADCAST:
        pdf.set_font("Serif", "I", 11)
        schedule = _("Airs from %(start)s to %(end)s, %(n)s times a day") % {
            "start": material.starts_on.strftime("%d/%m/%Y"),
            "end": material.ends_on.strftime("%d/%m/%Y"),
            "n": material.airings_per_day,
        }
        if material.air_times:
            schedule += f" ({material.air_times})"
        pdf.multi_cell(0, 6, schedule, align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    pdf.set_font("Serif", size=18 if poster else 12)
    pdf.multi_cell(0, 9 if poster else 6, material.body, new_x="LMARGIN", new_y="NEXT")
    if material.link:
        size = 70 if poster else 40
        pdf.ln(4)
        if pdf.get_y() + size + 12 > pdf.h - pdf.b_margin:
            pdf.add_page()
        x = (pdf.w - size) / 2
        pdf.image(io.BytesIO(_qr_png(material.link)), x=x, y=pdf.get_y(), w=size, h=size)
        pdf.set_y(pdf.get_y() + size + 2)
        pdf.set_font("Serif", size=10)
        pdf.multi_cell(
            0,
            5,
            _("Scan to open: %(url)s") % {"url": material.link},
            align="C",
            new_x="LMARGIN",
            new_y="NEXT",
        )
    pdf.set_font("Serif", "I", 9)
    pdf.ln(2)
    pdf.multi_cell(0, 5, material.unit.name, align="C")
    return bytes(pdf.output())
