"""The sample commune index of 2026 shipped in ``fixtures/`` (an illustration, not law).

The structure follows DOMAIN.md §7 (commune versions replace institutional
reform by legal documents); the points are [L] placeholders a province
replaces by importing its own decision. :func:`sample_workbook` builds the
fixture; ``fixtures/chi-so-cchc-cap-xa-2026.xlsx`` is its output.
"""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook

from motcua.core.spreadsheets import add_sheet
from motcua.parindex.excel import INFO_COLUMNS, INFO_SHEET, TREE_COLUMNS, TREE_SHEET

SAMPLE_PATH = Path(__file__).parent / "fixtures" / "chi-so-cchc-cap-xa-2026.xlsx"

INFO = (
    2026,
    "Cấp xã",
    "Bộ Chỉ số cải cách hành chính cấp xã năm 2026 (mẫu)",
    "Mẫu minh họa theo QĐ 876/QĐ-BNV; thay bằng quyết định của UBND tỉnh",
    Decimal(20),
)

# code, name, max points, scoring guide, evidence required, rule code
TREE: tuple[tuple[str, str, Decimal | None, str, str, str], ...] = (
    ("1", "Công tác chỉ đạo, điều hành cải cách hành chính", None, "", "", ""),
    ("1.1", "Kế hoạch cải cách hành chính năm", None, "", "", ""),
    (
        "1.1.1",
        "Ban hành kế hoạch CCHC năm đúng thời hạn",
        Decimal(1),
        "Ban hành trước 31/12 năm trước: 1 điểm; chậm: 0 điểm",
        "Kế hoạch CCHC năm",
        "",
    ),
    (
        "1.1.2",
        "Mức độ thực hiện kế hoạch CCHC năm",
        Decimal(2),
        "Hoàn thành 100%: 2 điểm; từ 80%: 1 điểm; dưới 80%: 0 điểm",
        "Báo cáo CCHC năm",
        "",
    ),
    ("1.2", "Công tác tuyên truyền cải cách hành chính", None, "", "", ""),
    (
        "1.2.1",
        "Ban hành kế hoạch tuyên truyền CCHC đúng thời hạn",
        Decimal("0.5"),
        "Đúng hạn: 0,5 điểm; chậm: 0 điểm",
        "Kế hoạch tuyên truyền CCHC",
        "plan_issued_on_time",
    ),
    (
        "1.2.2",
        "Mức độ hoàn thành kế hoạch tuyên truyền CCHC",
        Decimal(1),
        "Điểm theo tỉ lệ hoàn thành",
        "Báo cáo kết quả tuyên truyền",
        "plan_completion",
    ),
    (
        "1.2.3",
        "Đa dạng hình thức tuyên truyền",
        Decimal("0.5"),
        "Từ 5 hình thức trở lên: 0,5 điểm; ít hơn: theo tỉ lệ",
        "Hình ảnh, tài liệu tuyên truyền",
        "form_variety",
    ),
    ("1.3", "Sáng kiến, giải pháp mới trong CCHC", None, "", "", ""),
    (
        "1.3.1",
        "Có sáng kiến, giải pháp CCHC được cấp có thẩm quyền công nhận",
        Decimal(1),
        "Có ít nhất 1 sáng kiến được công nhận: 1 điểm",
        "Quyết định công nhận sáng kiến",
        "recognised_initiatives",
    ),
    (
        "1.3.2",
        "Có mô hình CCHC được nhân rộng",
        Decimal(1),
        "Có ít nhất 1 mô hình được nhân rộng: 1 điểm",
        "Quyết định nhân rộng mô hình",
        "replicated_models",
    ),
    ("2", "Xây dựng và tổ chức thực hiện văn bản quy phạm pháp luật", None, "", "", ""),
    ("2.1", "Xây dựng, ban hành văn bản QPPL", None, "", "", ""),
    (
        "2.1.1",
        "Thực hiện đúng quy trình xây dựng, ban hành văn bản QPPL",
        Decimal(2),
        "Đúng quy trình: 2 điểm; có sai sót: 0 điểm",
        "Văn bản đã ban hành",
        "",
    ),
    ("3", "Cải cách thủ tục hành chính", None, "", "", ""),
    ("3.1", "Kết quả giải quyết TTHC", None, "", "", ""),
    (
        "3.1.1",
        "Tỉ lệ hồ sơ giải quyết đúng hạn",
        Decimal(3),
        "Điểm theo tỉ lệ hồ sơ đúng hạn",
        "Số liệu hệ thống một cửa",
        "on_time_rate",
    ),
    (
        "3.1.2",
        "Công khai TTHC đầy đủ, đúng quy định",
        Decimal(1),
        "Đầy đủ: 1 điểm; thiếu: 0 điểm",
        "Ảnh chụp nơi niêm yết",
        "",
    ),
    ("3.2", "Tiếp nhận, xử lý phản ánh, kiến nghị", None, "", "", ""),
    (
        "3.2.1",
        "Xử lý phản ánh, kiến nghị đúng hạn",
        Decimal(1),
        "100% đúng hạn: 1 điểm; có trễ hạn: 0 điểm",
        "Sổ theo dõi PAKN",
        "",
    ),
    ("4", "Cải cách tổ chức bộ máy hành chính nhà nước", None, "", "", ""),
    ("4.1", "Thực hiện quy định về tổ chức bộ máy", None, "", "", ""),
    (
        "4.1.1",
        "Sắp xếp tổ chức bộ máy theo quy định",
        Decimal(1),
        "Đúng quy định: 1 điểm",
        "Quyết định kiện toàn",
        "",
    ),
    ("5", "Cải cách chế độ công vụ", None, "", "", ""),
    ("5.1", "Quản lý cán bộ, công chức", None, "", "", ""),
    (
        "5.1.1",
        "Bố trí công chức theo vị trí việc làm",
        Decimal(1),
        "Đúng vị trí việc làm: 1 điểm",
        "Đề án vị trí việc làm",
        "",
    ),
    ("6", "Cải cách tài chính công", None, "", "", ""),
    ("6.1", "Quản lý, sử dụng ngân sách", None, "", "", ""),
    (
        "6.1.1",
        "Công khai dự toán, quyết toán ngân sách",
        Decimal(1),
        "Công khai đúng hạn: 1 điểm",
        "Văn bản công khai",
        "",
    ),
    ("7", "Xây dựng và phát triển chính quyền điện tử, chính quyền số", None, "", "", ""),
    ("7.1", "Cung cấp dịch vụ công trực tuyến", None, "", "", ""),
    (
        "7.1.1",
        "Tỉ lệ hồ sơ tiếp nhận trực tuyến",
        Decimal(2),
        "Từ 50% trở lên: 2 điểm; thấp hơn: theo tỉ lệ",
        "Số liệu hệ thống một cửa",
        "online_share",
    ),
    (
        "7.1.2",
        "Sử dụng hệ thống quản lý văn bản điện tử",
        Decimal(1),
        "100% văn bản điện tử: 1 điểm",
        "Báo cáo của văn phòng",
        "",
    ),
    ("8", "Tác động của CCHC đến người dân, tổ chức", None, "", "", ""),
    ("8.1", "Sự hài lòng của người dân, tổ chức", None, "", "", ""),
    (
        "8.1.1",
        "Tỉ lệ đánh giá hài lòng về giải quyết TTHC",
        Decimal(2),
        "Điểm theo tỉ lệ hài lòng",
        "Số liệu đánh giá trên hệ thống",
        "satisfaction",
    ),
)


# The provincial bodies' variant (demo only): institutional reform in area 2.
PROVINCE_INFO = (
    2026,
    "Cấp tỉnh",
    "Bộ Chỉ số cải cách hành chính cấp tỉnh năm 2026 (mẫu)",
    INFO[3],
    Decimal(20),
)
PROVINCE_AREA_2 = {
    "2": "Cải cách thể chế",
    "2.1": "Xây dựng và tổ chức thi hành văn bản QPPL",
}


def sample_workbook(level: str = "commune") -> bytes:
    """Return the sample definition (``commune``, or ``province`` for the demo) as a workbook."""
    province = level == "province"
    wb = Workbook(write_only=True)
    ws = add_sheet(wb, INFO_SHEET, INFO_COLUMNS)
    ws.append(list(PROVINCE_INFO if province else INFO))
    ws = add_sheet(wb, TREE_SHEET, TREE_COLUMNS)
    for code, name, points, guide, evidence, rule in TREE:
        if province:
            name = PROVINCE_AREA_2.get(code, name)
        ws.append([code, name, points, guide or None, evidence or None, rule or None])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def sample_bytes() -> bytes:
    """Return the shipped fixture file."""
    return SAMPLE_PATH.read_bytes()
