"""The synthetic procedures: names, time limits and the content of each version."""

from __future__ import annotations

from decimal import Decimal

from motcua.catalog.content import DocumentSpec, FeeSpec, StepSpec, VersionContent
from motcua.demo.synthetic.constants import FIELD_CODE, PROVINCE_CODE

PROCEDURE_NAMES = [
    "Đăng ký khai sinh",
    "Đăng ký kết hôn",
    "Chứng thực bản sao từ bản chính",
    "Đăng ký hộ kinh doanh",
    "Cấp giấy phép xây dựng nhà ở riêng lẻ",
    "Đăng ký khai tử",
    "Xác nhận tình trạng hôn nhân",
    "Trợ cấp xã hội hằng tháng",
    "Đăng ký thường trú",
    "Chuyển mục đích sử dụng đất",
    "Công nhận hộ nghèo, hộ cận nghèo",
    "Giải quyết khiếu nại lần đầu",
]
LIMITS = [(1, "working_days"), (3, "working_days"), (5, "working_days"), (8, "working_hours")]
LIMITS += [(7, "working_days"), (10, "working_days"), (15, "working_days")]


def _content(index: int) -> VersionContent:
    amount, unit = LIMITS[index % len(LIMITS)]
    inter_agency = index % 5 == 2
    name = f"{PROCEDURE_NAMES[index % len(PROCEDURE_NAMES)]} (tổng hợp {index + 1})"
    steps: tuple[StepSpec, ...]
    if unit == "working_hours" or amount < 3:
        steps = (
            StepSpec(1, "Tiếp nhận hồ sơ", "intake_officer", Decimal("1"), "working_hours"),
            StepSpec(2, "Thụ lý", "case_handler", Decimal("4"), "working_hours"),
            StepSpec(3, "Ký duyệt", "commune_leader", Decimal("2"), "working_hours"),
            StepSpec(4, "Trả kết quả", "intake_officer", Decimal("1"), "working_hours"),
        )
    else:
        handling = Decimal(amount) - Decimal("1.5") - (Decimal(1) if inter_agency else 0)
        middle: tuple[StepSpec, ...] = (
            StepSpec(
                2,
                "Thụ lý, thẩm định",
                "case_handler",
                max(handling, Decimal("0.5")),
                "working_days",
            ),
        )
        if inter_agency:
            middle += (
                StepSpec(
                    3,
                    "Xác nhận nghĩa vụ thuế",
                    "case_handler",
                    Decimal("1"),
                    "working_days",
                    agency_code=f"{PROVINCE_CODE}.90",
                    is_inter_agency=True,
                ),
            )
        last = len(middle) + 2
        steps = (
            StepSpec(1, "Tiếp nhận hồ sơ", "intake_officer", Decimal("0.5"), "working_days"),
            *middle,
            StepSpec(last, "Ký duyệt", "commune_leader", Decimal("0.5"), "working_days"),
            StepSpec(last + 1, "Trả kết quả", "intake_officer", Decimal("0.5"), "working_days"),
        )
    return VersionContent(
        name=name,
        field_code=FIELD_CODE,
        competent_level="commune",
        competent_agency="Ủy ban nhân dân cấp xã",
        time_limit_amount=amount,
        time_limit_unit=unit,
        online_level="full",
        result_type="both",
        supplement_policy="restart" if index % 4 == 1 else "pause",
        # 15 working days as in the interconnection decree; every third has none.
        supplement_window_days=None if index % 3 == 2 else 15,
        legal_basis="Dữ liệu tổng hợp cho đo hiệu năng",
        documents=(
            DocumentSpec(order=1, name="Tờ khai theo mẫu", form="original"),
            DocumentSpec(order=2, name="Giấy tờ chứng minh", form="certified_copy"),
            DocumentSpec(order=3, name="Ảnh chân dung 4x6", form="original", is_mandatory=False),
        ),
        fees=(FeeSpec(order=1, name="Lệ phí", amount=(index % 4) * 25000, kind="charge"),)
        if index % 4
        else (),
        steps=steps,
    )
