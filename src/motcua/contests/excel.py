"""The score table of a published round as an Excel file (bảng tổng hợp điểm).

One row per judge's sheet: rank, team, unit, performance, judge, the points
per criterion, the total and whether the total counted (dropped extremes
say "Không"); for the organiser's minutes. Built with openpyxl in write-only
mode through :mod:`motcua.core.spreadsheets`.
"""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook

from motcua.contests.models import Result, Round, Score, ScoreSheet
from motcua.contests.scoring import points_text
from motcua.contests.selectors import round_breakdown
from motcua.core.spreadsheets import Column, add_sheet, text_cell

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def round_workbook(round_: Round, results: list[Result]) -> bytes:
    """Return the .xlsx of a published round's sheets, ranked teams first."""
    criteria = list(round_.criteria.order_by("order", "pk"))
    columns = [
        Column("rank", "Hạng", width=6),
        Column("team", "Đội thi", width=28),
        Column("unit", "Đơn vị", width=28),
        Column("performance", "Phần thi", width=16),
        Column("judge", "Giám khảo", width=24),
        *(
            Column(
                f"c{c.pk}",
                f"{c.name} (tối đa {points_text(c.max_points).replace('.', ',')})",
                width=14,
            )
            for c in criteria
        ),
        Column("total", "Tổng điểm", width=10),
        Column("kept", "Được tính", width=10),
        Column("score", "Điểm phần thi", width=12),
    ]
    points: dict[tuple[int, int], float] = {
        (row["sheet_id"], row["criterion_id"]): float(row["points"])
        for row in Score.objects.filter(sheet__performance__round=round_).values(
            "sheet_id", "criterion_id", "points"
        )
    }
    sheet_of = {
        (row["performance_id"], row["judge_id"]): row["pk"]
        for row in ScoreSheet.objects.filter(performance__round=round_).values(
            "pk", "performance_id", "judge_id"
        )
    }
    breakdown = round_breakdown(round_)
    wb = Workbook(write_only=True)
    ws = add_sheet(wb, "Tổng hợp điểm", columns)
    for result in results:
        for part in breakdown.get(result.team_id, []):
            for sheet in part.sheets:
                sheet_id = sheet_of[(part.performance.pk, sheet.judge.pk)]
                ws.append(
                    [
                        result.rank,
                        text_cell(ws, result.team.name),
                        text_cell(ws, result.team.unit.name),
                        text_cell(ws, part.performance.kind.name),
                        text_cell(ws, sheet.judge.get_full_name() or sheet.judge.get_username()),
                        *(points.get((sheet_id, c.pk)) for c in criteria),
                        float(sheet.total),
                        "Có" if sheet.kept else "Không",
                        float(part.score),
                    ]
                )
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
