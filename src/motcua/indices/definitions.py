"""The QĐ 766/QĐ-TTg index as first shipped (DOMAIN.md §5, §5.1): data, loaded by a migration.

Structure [M], numerators and denominators [L]: an administrator edits the
rows (admin) or adds a version with a later effective date when the formula
document changes. No rating bands ship: the official bands are not
verified (DOMAIN.md §5.1), so an administrator enters them.
"""

from __future__ import annotations

from datetime import date
from typing import Any

VERSION: dict[str, Any] = {
    "code": "qd766",
    "name": "Bộ chỉ số phục vụ người dân, doanh nghiệp (QĐ 766/QĐ-TTg)",
    "effective_from": date(2022, 6, 23),
    "legal_basis": "Quyết định 766/QĐ-TTg ngày 23/6/2022",
}

C, E = "computed", "entered"

# (number, name, max, [(code, name, max, source, query, target, scoring, numerator, denominator)])
GROUPS: list[tuple[int, str, int, list[tuple[Any, ...]]]] = [
    (1, "Công khai, minh bạch", 18, [
        ("1.1", "TTHC công bố đúng hạn", 6, E, "", None, "proportional",
         "TTHC công bố đúng hạn", "TTHC công bố trong kỳ"),
        ("1.2", "TTHC cập nhật, công khai đúng hạn trên CSDL quốc gia", 4, E, "", None,
         "proportional", "TTHC công khai đúng hạn", "TTHC đến hạn công khai trong kỳ"),
        ("1.3", "TTHC công khai đầy đủ nội dung", 2, E, "", None, "proportional",
         "TTHC công khai đủ các bộ phận", "TTHC đã công bố"),
        ("1.4", "Hồ sơ đồng bộ lên Cổng DVCQG", 6, C, "unavailable_national_portal", None,
         "proportional", "Hồ sơ đã đồng bộ", "Hồ sơ tiếp nhận trong kỳ"),
    ]),
    (2, "Tiến độ giải quyết", 20, [
        ("2.1", "Hồ sơ xử lý trước hạn, đúng hạn", 20, C, "dossiers_on_time", None,
         "proportional", "Hồ sơ giải quyết trước hạn, đúng hạn và hồ sơ đang giải quyết còn hạn",
         "Hồ sơ đã giải quyết trong kỳ và hồ sơ tiếp nhận trong kỳ đang giải quyết"),
        ("2.2", "Thời gian giải quyết trung bình (ngày)", 0, C, "handling_days_average", None,
         "tracked", "Tổng số ngày giải quyết", "Hồ sơ đã giải quyết"),
    ]),
    (3, "Dịch vụ công trực tuyến", 12, [
        ("3.1", "Hồ sơ trực tuyến của TTHC cung cấp DVCTT toàn trình", 12, C,
         "fully_online_share", "0.5000", "proportional",
         "Hồ sơ nộp trực tuyến", "Hồ sơ của TTHC đủ điều kiện DVCTT toàn trình"),
        ("3.2", "Tỷ lệ hồ sơ nộp trực tuyến", 0, C, "online_share", None, "tracked",
         "Hồ sơ nộp trực tuyến", "Hồ sơ tiếp nhận"),
    ]),
    (4, "Thanh toán trực tuyến", 10, [
        ("4.a", "TTHC có nghĩa vụ tài chính được cung cấp trên Cổng DVCQG", 2, E, "", "0.8000",
         "proportional", "TTHC có phí đã đồng bộ", "TTHC có phí trong CSDL"),
        ("4.b", "TTHC có giao dịch thanh toán trực tuyến", 2, E, "", None, "proportional",
         "TTHC có giao dịch thanh toán trực tuyến", "TTHC có nghĩa vụ tài chính"),
        ("4.c", "Hồ sơ thanh toán trực tuyến", 6, C, "unavailable_payments", None,
         "proportional", "Hồ sơ thanh toán trực tuyến", "Hồ sơ của TTHC có thu phí"),
    ]),
    (5, "Mức độ hài lòng", 18, [
        ("5.1", "Phân loại phản ánh, kiến nghị", 0, C, "pakn_classification", None, "tracked",
         "PAKN về quy định hành chính", "PAKN đã phân loại"),
        ("5.2", "Phản ánh, kiến nghị xử lý đúng hạn", 6, C, "pakn_on_time", None,
         "proportional", "PAKN xử lý đúng hạn hoặc còn hạn", "PAKN tiếp nhận trong kỳ"),
        ("5.3", "Hài lòng trong xử lý phản ánh, kiến nghị", 6, C, "pakn_not_dissatisfied", None,
         "proportional", "PAKN không bị đánh giá không hài lòng", "PAKN tiếp nhận lần đầu"),
        ("5.4", "Hài lòng trong tiếp nhận, giải quyết TTHC", 6, C, "dossiers_satisfaction",
         "0.9000", "proportional",
         "Hồ sơ không trễ hạn, không bị đánh giá không hài lòng, không có PAKN",
         "Hồ sơ đã giải quyết trong kỳ"),
    ]),
    (6, "Số hóa hồ sơ", 22, [
        ("6.1", "Hồ sơ có kết quả điện tử", 6, C, "unavailable_digitisation", None,
         "proportional", "Hồ sơ có kết quả điện tử", "Hồ sơ của TTHC có kết quả là văn bản"),
        ("6.2", "Hồ sơ số hóa thành phần", 4, C, "unavailable_digitisation", "0.8000",
         "proportional", "Hồ sơ số hóa có kết quả điện tử", "Hồ sơ thuộc phạm vi"),
        ("6.3", "Chứng thực bản sao điện tử", 2, E, "", None, "proportional", "", ""),
        ("6.4", "Tái sử dụng dữ liệu số hóa", 2, C, "unavailable_digitisation", "0.8000",
         "proportional", "Hồ sơ tái sử dụng thành phần số hóa", "Hồ sơ tiếp nhận"),
        ("6.5", "Kết nối, chia sẻ dữ liệu", 4, C, "unavailable_digitisation", None,
         "proportional", "", ""),
        ("6.6", "Hồ sơ sử dụng dữ liệu CSDL dân cư", 2, C, "unavailable_digitisation", None,
         "proportional", "", ""),
        ("6.7", "TTHC kết nối dữ liệu dân cư", 2, E, "", None, "proportional",
         "TTHC đã kết nối", "TTHC có người nộp là công dân"),
    ]),
]  # fmt: skip


def load(apps: Any) -> None:
    """Create the shipped version once (idempotent), with the historical models of ``apps``."""
    Version = apps.get_model("indices", "IndexVersion")
    if Version.objects.filter(
        code=VERSION["code"], effective_from=VERSION["effective_from"]
    ).exists():
        return
    Group = apps.get_model("indices", "IndicatorGroup")
    Indicator = apps.get_model("indices", "Indicator")
    version = Version.objects.create(**VERSION)
    for number, name, points, indicators in GROUPS:
        group = Group.objects.create(version=version, number=number, name=name, max_points=points)
        for order, row in enumerate(indicators, start=1):
            code, title, pmax, source, query, target, scoring, num, den = row
            Indicator.objects.create(
                group=group,
                code=code,
                order=order,
                name=title,
                max_points=pmax,
                source=source,
                query=query,
                target=target,
                scoring=scoring,
                numerator_label=num,
                denominator_label=den,
            )
