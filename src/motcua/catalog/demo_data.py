"""Illustrative commune-level procedures for the demo (plain data, no Django).

These rows are **illustrative**: realistic names, time limits, fees and
documents for a demo one-stop shop after the 2025 two-tier reorganisation,
not the official catalogue, which a deployment imports from Excel
(``motcua import_procedures``). Fees depend on each province's council
resolution; amounts here are typical, not authoritative.

Codes: the ones marked "national" are the codes of the national procedure
database as given in DOMAIN.md §3; "recalled" ones are believed to be the
national codes but were not checked against the database; codes starting
with 9 are invented (no national code starts with 9), in the right format.

Layout of a procedure:
    documents: (name, form, count, mandatory)
    fees:      (name, kind, amount in đồng, note)
    steps:     (name, role code, budget amount, budget unit, inter-agency)
"""

from __future__ import annotations

from typing import Any

EFFECTIVE_FROM = "2025-07-01"  # two-tier local government starts (DOMAIN.md §12)

# Working days an applicant has to hand in a requested supplement before the dossier is
# closed (a version's ``supplement_window_days``). Illustrative: 15 as in the late-2025
# interconnection decree (DOMAIN.md §1.3). A procedure whose law sets no such time says
# ``"supplement_window": None`` (no automatic closure): here the certifications.
DEMO_SUPPLEMENT_WINDOW = 15

FIELDS = {
    "civil-status": "Hộ tịch",
    "certification": "Chứng thực",
    "household-business": "Thành lập và hoạt động của hộ kinh doanh",
    "construction": "Hoạt động xây dựng",
    "land": "Đất đai",
    "social-protection": "Bảo trợ xã hội",
    "poverty-reduction": "Giảm nghèo",
    "residence": "Đăng ký, quản lý cư trú",
    "complaints": "Giải quyết khiếu nại",
}

COMMUNE = "Ủy ban nhân dân cấp xã"
COMMUNE_POLICE = "Công an cấp xã"
LAND_OFFICE = "Chi nhánh Văn phòng đăng ký đất đai"

ID_PAPER = (
    "Giấy tờ tùy thân có ảnh của người yêu cầu (hoặc thông tin định danh trên VNeID)",
    "shown",
    1,
    True,
)
POWER_OF_ATTORNEY = ("Văn bản ủy quyền (nếu nộp thay)", "certified_copy", 1, False)

# Internal processes that fit their time limits at 8 working hours a day.
SAME_DAY_STEPS = (
    ("Tiếp nhận, kiểm tra hồ sơ", "intake_officer", "1", "working_hours", False),
    ("Thụ lý, ghi sổ, in kết quả", "case_handler", "4", "working_hours", False),
    ("Ký duyệt kết quả", "commune_leader", "2", "working_hours", False),
    ("Trả kết quả", "intake_officer", "1", "working_hours", False),
)
HALF_DAY_POLICE_STEPS = (
    ("Tiếp nhận hồ sơ", "intake_officer", "0.5", "working_hours", False),
    ("Kiểm tra Cơ sở dữ liệu về cư trú", "case_handler", "2", "working_hours", False),
    ("Ký xác nhận", "agency_leader", "1", "working_hours", False),
    ("Trả kết quả", "intake_officer", "0.5", "working_hours", False),
)


def _steps(handler: str, *days: str, leader: str = "commune_leader") -> tuple[tuple[Any, ...], ...]:
    """Return the usual four steps with budgets in working days."""
    intake, handle, sign, give_back = days
    return (
        ("Tiếp nhận, kiểm tra hồ sơ", "intake_officer", intake, "working_days", False),
        (handler, "case_handler", handle, "working_days", False),
        ("Ký duyệt kết quả", leader, sign, "working_days", False),
        ("Trả kết quả", "intake_officer", give_back, "working_days", False),
    )


PROCEDURES: list[dict[str, Any]] = [
    # --- Hộ tịch (civil status) -------------------------------------------------
    {
        "code": "1.001193",  # recalled
        "name": "Đăng ký khai sinh",
        "field": "civil-status",
        "level": "commune",
        "agency": COMMUNE,
        "limit": (0, "same_day"),
        "online": "full",
        "result": "both",
        "supplement": "pause",
        "legal_basis": "Luật Hộ tịch số 60/2014/QH13;\nNghị định số 123/2015/NĐ-CP;\nThông tư số 04/2020/TT-BTP.",
        "documents": (
            ("Tờ khai đăng ký khai sinh (theo mẫu)", "original", 1, True),
            (
                "Giấy chứng sinh hoặc văn bản của người làm chứng xác nhận việc sinh",
                "original",
                1,
                True,
            ),
            ID_PAPER,
            POWER_OF_ATTORNEY,
        ),
        "fees": (),
        "steps": SAME_DAY_STEPS,
    },
    {
        "code": "1.000656",  # recalled
        "name": "Đăng ký khai tử",
        "field": "civil-status",
        "level": "commune",
        "agency": COMMUNE,
        "limit": (0, "same_day"),
        "online": "full",
        "result": "both",
        "supplement": "pause",
        "legal_basis": "Luật Hộ tịch số 60/2014/QH13;\nNghị định số 123/2015/NĐ-CP.",
        "documents": (
            ("Tờ khai đăng ký khai tử (theo mẫu)", "original", 1, True),
            ("Giấy báo tử hoặc giấy tờ thay thế Giấy báo tử", "original", 1, True),
            ID_PAPER,
        ),
        "fees": (),
        "steps": SAME_DAY_STEPS,
    },
    {
        "code": "1.000894",  # recalled
        "name": "Đăng ký kết hôn",
        "field": "civil-status",
        "level": "commune",
        "agency": COMMUNE,
        "limit": (0, "same_day"),
        "online": "partial",
        "result": "paper",
        "supplement": "pause",
        "legal_basis": "Luật Hộ tịch số 60/2014/QH13;\nLuật Hôn nhân và gia đình số 52/2014/QH13;\nNghị định số 123/2015/NĐ-CP.",
        "documents": (
            ("Tờ khai đăng ký kết hôn (theo mẫu)", "original", 1, True),
            (
                "Giấy xác nhận tình trạng hôn nhân (nếu đăng ký tại nơi không thường trú)",
                "original",
                1,
                False,
            ),
            ("Giấy tờ tùy thân của hai bên nam, nữ", "shown", 2, True),
        ),
        "fees": (),
        "steps": SAME_DAY_STEPS,
    },
    {
        "code": "2.000635",  # national
        "name": "Cấp bản sao trích lục hộ tịch",
        "field": "civil-status",
        "level": "commune",
        "agency": COMMUNE,
        "limit": (0, "same_day"),
        "online": "full",
        "result": "both",
        "supplement": "pause",
        "legal_basis": "Luật Hộ tịch số 60/2014/QH13;\nNghị định số 123/2015/NĐ-CP.",
        "documents": (
            ("Tờ khai cấp bản sao trích lục hộ tịch (theo mẫu)", "original", 1, True),
            ID_PAPER,
        ),
        "fees": (("Phí cấp bản sao trích lục hộ tịch", "fee", 8000, "mỗi bản sao"),),
        "steps": SAME_DAY_STEPS,
    },
    {
        "code": "1.004873",  # recalled
        "name": "Cấp Giấy xác nhận tình trạng hôn nhân",
        "field": "civil-status",
        "level": "commune",
        "agency": COMMUNE,
        "limit": (3, "working_days"),
        "online": "full",
        "result": "both",
        "supplement": "pause",
        "legal_basis": "Luật Hộ tịch số 60/2014/QH13;\nNghị định số 123/2015/NĐ-CP.",
        "documents": (
            ("Tờ khai cấp Giấy xác nhận tình trạng hôn nhân (theo mẫu)", "original", 1, True),
            (
                "Bản án, quyết định ly hôn hoặc giấy chứng tử của vợ/chồng (nếu có)",
                "copy",
                1,
                False,
            ),
            ID_PAPER,
        ),
        "fees": (),
        "steps": _steps("Xác minh, dự thảo giấy xác nhận", "0.5", "1.5", "0.5", "0.5"),
    },
    {
        "code": "9.000101",  # invented
        "name": "Thay đổi, cải chính, bổ sung thông tin hộ tịch",
        "field": "civil-status",
        "level": "commune",
        "agency": COMMUNE,
        "limit": (3, "working_days"),
        "online": "full",
        "result": "both",
        "supplement": "pause",
        "legal_basis": "Luật Hộ tịch số 60/2014/QH13;\nNghị định số 123/2015/NĐ-CP.",
        "documents": (
            (
                "Tờ khai đăng ký thay đổi, cải chính, bổ sung thông tin hộ tịch (theo mẫu)",
                "original",
                1,
                True,
            ),
            ("Giấy tờ làm căn cứ cho việc thay đổi, cải chính", "copy", 1, True),
            ID_PAPER,
        ),
        "fees": (("Lệ phí thay đổi, cải chính hộ tịch", "charge", 15000, ""),),
        "steps": _steps("Thẩm tra hồ sơ, dự thảo trích lục", "0.5", "1.5", "0.5", "0.5"),
    },
    {
        "code": "9.000102",  # invented
        "name": "Đăng ký lại khai sinh",
        "field": "civil-status",
        "level": "commune",
        "agency": COMMUNE,
        "limit": (5, "working_days"),
        "online": "partial",
        "result": "both",
        "supplement": "restart",
        "legal_basis": "Nghị định số 123/2015/NĐ-CP.",
        "documents": (
            ("Tờ khai đăng ký lại khai sinh (theo mẫu)", "original", 1, True),
            ("Giấy tờ, tài liệu có nội dung liên quan đến việc khai sinh", "copy", 1, True),
            ID_PAPER,
        ),
        "fees": (),
        "steps": _steps("Xác minh, kiểm tra sổ hộ tịch lưu trữ", "0.5", "3", "1", "0.5"),
    },
    {
        "code": "9.000103",  # invented
        "name": "Đăng ký nhận cha, mẹ, con",
        "field": "civil-status",
        "level": "commune",
        "agency": COMMUNE,
        "limit": (3, "working_days"),
        "online": "partial",
        "result": "both",
        "supplement": "pause",
        "legal_basis": "Luật Hộ tịch số 60/2014/QH13;\nNghị định số 123/2015/NĐ-CP.",
        "documents": (
            ("Tờ khai đăng ký nhận cha, mẹ, con (theo mẫu)", "original", 1, True),
            (
                "Văn bản của cơ quan y tế hoặc giám định xác nhận quan hệ cha, mẹ, con (nếu có)",
                "original",
                1,
                False,
            ),
            ID_PAPER,
        ),
        "fees": (("Lệ phí đăng ký nhận cha, mẹ, con", "charge", 15000, ""),),
        "steps": _steps("Niêm yết, thẩm tra hồ sơ", "0.5", "1.5", "0.5", "0.5"),
    },
    {
        "code": "9.000104",  # invented
        "name": "Đăng ký giám hộ",
        "field": "civil-status",
        "level": "commune",
        "agency": COMMUNE,
        "limit": (3, "working_days"),
        "online": "partial",
        "result": "paper",
        "supplement": "pause",
        "legal_basis": "Luật Hộ tịch số 60/2014/QH13;\nBộ luật Dân sự số 91/2015/QH13.",
        "documents": (
            ("Tờ khai đăng ký giám hộ (theo mẫu)", "original", 1, True),
            ("Văn bản cử người giám hộ", "original", 1, True),
            ID_PAPER,
        ),
        "fees": (),
        "steps": _steps("Thẩm tra hồ sơ", "0.5", "1.5", "0.5", "0.5"),
    },
    {
        "code": "9.000105",  # invented
        "name": "Liên thông đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi",
        "field": "civil-status",
        "level": "commune",
        "agency": COMMUNE,
        "limit": (5, "working_days"),
        "online": "full",
        "result": "electronic",
        "supplement": "pause",
        "legal_basis": "Nghị định số 63/2024/NĐ-CP;\nLuật Hộ tịch số 60/2014/QH13;\nLuật Cư trú số 68/2020/QH14.",
        "documents": (
            ("Tờ khai điện tử liên thông (theo mẫu)", "original", 1, True),
            ("Giấy chứng sinh", "original", 1, True),
            ("Ý kiến đồng ý của chủ hộ về việc đăng ký thường trú", "original", 1, True),
        ),
        "fees": (),
        "steps": (
            ("Tiếp nhận, kiểm tra hồ sơ", "intake_officer", "0.5", "working_days", False),
            ("Đăng ký khai sinh", "case_handler", "0.5", "working_days", False),
            (
                "Công an đăng ký thường trú, bảo hiểm xã hội cấp thẻ bảo hiểm y tế",
                "case_handler",
                "2.5",
                "working_days",
                True,
            ),
            (
                "Ký giấy khai sinh, trả kết quả liên thông",
                "commune_leader",
                "0.5",
                "working_days",
                False,
            ),
            ("Trả kết quả", "intake_officer", "0.5", "working_days", False),
        ),
    },
    # --- Chứng thực (certification) ---------------------------------------------
    {
        "code": "2.000815",  # national
        "name": "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan có thẩm quyền của Việt Nam cấp",
        "field": "certification",
        "level": "commune",
        "agency": COMMUNE,
        "limit": (0, "same_day"),
        "online": "partial",
        "result": "paper",
        "supplement": "pause",
        "supplement_window": None,
        "legal_basis": "Nghị định số 23/2015/NĐ-CP;\nThông tư số 226/2016/TT-BTC.",
        "documents": (
            ("Bản chính giấy tờ, văn bản cần chứng thực", "shown", 1, True),
            ("Bản sao cần chứng thực", "copy", 1, True),
        ),
        "fees": (
            (
                "Phí chứng thực bản sao từ bản chính",
                "fee",
                2000,
                "mỗi trang; từ trang thứ ba 1.000 đồng/trang, tối đa 200.000 đồng/bản",
            ),
        ),
        "steps": SAME_DAY_STEPS,
    },
    {
        "code": "2.000884",  # recalled
        "name": "Chứng thực chữ ký trong các giấy tờ, văn bản",
        "field": "certification",
        "level": "commune",
        "agency": COMMUNE,
        "limit": (0, "same_day"),
        "online": "partial",
        "result": "paper",
        "supplement": "pause",
        "supplement_window": None,
        "legal_basis": "Nghị định số 23/2015/NĐ-CP;\nThông tư số 226/2016/TT-BTC.",
        "documents": (
            ("Giấy tờ, văn bản cần chứng thực chữ ký", "original", 1, True),
            ID_PAPER,
        ),
        "fees": (("Phí chứng thực chữ ký", "fee", 10000, "mỗi trường hợp"),),
        "steps": SAME_DAY_STEPS,
    },
    {
        "code": "9.000201",  # invented
        "name": "Chứng thực hợp đồng, giao dịch liên quan đến tài sản là động sản",
        "field": "certification",
        "level": "commune",
        "agency": COMMUNE,
        "limit": (2, "working_days"),
        "online": "information",
        "result": "paper",
        "supplement": "pause",
        "supplement_window": None,
        "legal_basis": "Nghị định số 23/2015/NĐ-CP;\nThông tư số 226/2016/TT-BTC.",
        "documents": (
            ("Dự thảo hợp đồng, giao dịch", "original", 1, True),
            ("Giấy tờ chứng minh quyền sở hữu tài sản", "copy", 1, True),
            ("Giấy tờ tùy thân của các bên", "shown", 2, True),
        ),
        "fees": (("Phí chứng thực hợp đồng, giao dịch", "fee", 50000, "mỗi hợp đồng"),),
        "steps": _steps("Kiểm tra hồ sơ, chứng kiến ký", "0.25", "1", "0.5", "0.25"),
    },
    {
        "code": "9.000202",  # invented
        "name": "Chứng thực hợp đồng, giao dịch liên quan đến thực hiện quyền của người sử dụng đất, nhà ở",
        "field": "certification",
        "level": "commune",
        "agency": COMMUNE,
        "limit": (2, "working_days"),
        "online": "information",
        "result": "paper",
        "supplement": "pause",
        "supplement_window": None,
        "legal_basis": "Nghị định số 23/2015/NĐ-CP;\nLuật Đất đai số 31/2024/QH15.",
        "documents": (
            ("Dự thảo hợp đồng, giao dịch", "original", 1, True),
            ("Giấy chứng nhận quyền sử dụng đất", "shown", 1, True),
            ("Giấy tờ tùy thân của các bên", "shown", 2, True),
        ),
        "fees": (("Phí chứng thực hợp đồng, giao dịch", "fee", 50000, "mỗi hợp đồng"),),
        "steps": _steps("Kiểm tra hồ sơ, chứng kiến ký", "0.25", "1", "0.5", "0.25"),
    },
    {
        "code": "9.000203",  # invented
        "name": "Chứng thực di chúc",
        "field": "certification",
        "level": "commune",
        "agency": COMMUNE,
        "limit": (2, "working_days"),
        "online": "information",
        "result": "paper",
        "supplement": "pause",
        "supplement_window": None,
        "legal_basis": "Nghị định số 23/2015/NĐ-CP;\nBộ luật Dân sự số 91/2015/QH13.",
        "documents": (
            ("Dự thảo di chúc", "original", 1, True),
            ID_PAPER,
            (
                "Giấy tờ chứng minh quyền sở hữu tài sản (nếu di chúc định đoạt tài sản phải đăng ký)",
                "copy",
                1,
                False,
            ),
        ),
        "fees": (("Phí chứng thực di chúc", "fee", 50000, ""),),
        "steps": _steps("Kiểm tra hồ sơ, chứng kiến ký", "0.25", "1", "0.5", "0.25"),
    },
    # --- Hộ kinh doanh (household business) -------------------------------------
    {
        "code": "1.001612",  # recalled
        "name": "Đăng ký thành lập hộ kinh doanh",
        "field": "household-business",
        "level": "commune",
        "agency": COMMUNE,
        "limit": (3, "working_days"),
        "online": "full",
        "result": "both",
        "supplement": "restart",
        "legal_basis": "Luật Doanh nghiệp số 59/2020/QH14;\nNghị định số 168/2025/NĐ-CP.",
        "documents": (
            ("Giấy đề nghị đăng ký hộ kinh doanh (theo mẫu)", "original", 1, True),
            (
                "Biên bản họp thành viên hộ gia đình về việc thành lập hộ kinh doanh (nếu có)",
                "original",
                1,
                False,
            ),
            POWER_OF_ATTORNEY,
        ),
        "fees": (("Lệ phí đăng ký hộ kinh doanh", "charge", 100000, "miễn khi nộp trực tuyến"),),
        "steps": (
            ("Tiếp nhận, kiểm tra hồ sơ", "intake_officer", "0.5", "working_days", False),
            (
                "Thẩm định hồ sơ, dự thảo giấy chứng nhận",
                "case_handler",
                "1",
                "working_days",
                False,
            ),
            (
                "Cơ quan thuế cấp mã số thuế hộ kinh doanh",
                "case_handler",
                "0.5",
                "working_days",
                True,
                "H33.90",  # Thuế cơ sở 6 in the demo units
            ),
            (
                "Ký giấy chứng nhận đăng ký hộ kinh doanh",
                "commune_leader",
                "0.5",
                "working_days",
                False,
            ),
            ("Trả kết quả", "intake_officer", "0.5", "working_days", False),
        ),
    },
    {
        "code": "9.000301",  # invented
        "name": "Đăng ký thay đổi nội dung đăng ký hộ kinh doanh",
        "field": "household-business",
        "level": "commune",
        "agency": COMMUNE,
        "limit": (3, "working_days"),
        "online": "full",
        "result": "both",
        "supplement": "pause",
        "legal_basis": "Nghị định số 168/2025/NĐ-CP.",
        "documents": (
            ("Thông báo thay đổi nội dung đăng ký hộ kinh doanh (theo mẫu)", "original", 1, True),
            ("Giấy chứng nhận đăng ký hộ kinh doanh đã cấp", "copy", 1, False),
        ),
        "fees": (("Lệ phí đăng ký thay đổi", "charge", 50000, "miễn khi nộp trực tuyến"),),
        "steps": _steps("Thẩm định hồ sơ", "0.5", "1.5", "0.5", "0.5"),
    },
    {
        "code": "9.000302",  # invented
        "name": "Tạm ngừng kinh doanh, tiếp tục kinh doanh trước thời hạn đã thông báo của hộ kinh doanh",
        "field": "household-business",
        "level": "commune",
        "agency": COMMUNE,
        "limit": (3, "working_days"),
        "online": "full",
        "result": "electronic",
        "supplement": "pause",
        "legal_basis": "Nghị định số 168/2025/NĐ-CP.",
        "documents": (
            ("Thông báo tạm ngừng hoặc tiếp tục kinh doanh (theo mẫu)", "original", 1, True),
        ),
        "fees": (),
        "steps": _steps("Kiểm tra, cập nhật tình trạng hộ kinh doanh", "0.5", "1.5", "0.5", "0.5"),
    },
    {
        "code": "9.000303",  # invented
        "name": "Chấm dứt hoạt động hộ kinh doanh",
        "field": "household-business",
        "level": "commune",
        "agency": COMMUNE,
        "limit": (3, "working_days"),
        "online": "full",
        "result": "electronic",
        "supplement": "pause",
        "legal_basis": "Nghị định số 168/2025/NĐ-CP.",
        "documents": (
            ("Thông báo chấm dứt hoạt động hộ kinh doanh (theo mẫu)", "original", 1, True),
            ("Thông báo của cơ quan thuế về việc hoàn thành nghĩa vụ thuế", "copy", 1, True),
        ),
        "fees": (),
        "steps": _steps("Kiểm tra, cập nhật tình trạng hộ kinh doanh", "0.5", "1.5", "0.5", "0.5"),
    },
    # --- Xây dựng (construction) ------------------------------------------------
    {
        "code": "9.000401",  # invented
        "name": "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ",
        "field": "construction",
        "level": "commune",
        "agency": COMMUNE,
        "limit": (15, "calendar_days"),
        "online": "full",
        "result": "both",
        "supplement": "restart",
        "legal_basis": "Luật Xây dựng số 50/2014/QH13, sửa đổi bởi Luật số 62/2020/QH14;\nNghị định số 175/2024/NĐ-CP.",
        "documents": (
            ("Đơn đề nghị cấp giấy phép xây dựng (theo mẫu)", "original", 1, True),
            ("Giấy tờ chứng minh quyền sử dụng đất", "certified_copy", 1, True),
            ("Bản vẽ thiết kế xây dựng (mặt bằng, mặt cắt, móng, đấu nối)", "original", 2, True),
        ),
        "fees": (("Lệ phí cấp giấy phép xây dựng nhà ở riêng lẻ", "charge", 75000, ""),),
        "steps": (
            ("Tiếp nhận, kiểm tra hồ sơ", "intake_officer", "0.5", "working_days", False),
            ("Thẩm định hồ sơ, kiểm tra thực địa", "case_handler", "8", "working_days", False),
            ("Lãnh đạo phòng xem xét", "division_head", "2", "working_days", False),
            ("Ký giấy phép xây dựng", "commune_leader", "3", "working_days", False),
            ("Trả kết quả", "intake_officer", "1.5", "working_days", False),
        ),
    },
    {
        "code": "9.000402",  # invented
        "name": "Gia hạn giấy phép xây dựng nhà ở riêng lẻ",
        "field": "construction",
        "level": "commune",
        "agency": COMMUNE,
        "limit": (5, "working_days"),
        "online": "full",
        "result": "both",
        "supplement": "pause",
        "legal_basis": "Luật Xây dựng số 50/2014/QH13;\nNghị định số 175/2024/NĐ-CP.",
        "documents": (
            ("Đơn đề nghị gia hạn giấy phép xây dựng (theo mẫu)", "original", 1, True),
            ("Bản chính giấy phép xây dựng đã được cấp", "original", 1, True),
        ),
        "fees": (("Lệ phí gia hạn giấy phép xây dựng", "charge", 15000, ""),),
        "steps": _steps("Kiểm tra hồ sơ", "0.5", "3", "1", "0.5"),
    },
    # --- Đất đai (land) ---------------------------------------------------------
    {
        "code": "9.000501",  # invented
        "name": "Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất do chuyển nhượng, tặng cho, thừa kế",
        "field": "land",
        "level": "province",
        "agency": LAND_OFFICE,
        "limit": (10, "working_days"),
        "online": "partial",
        "result": "paper",
        "supplement": "restart",
        "legal_basis": "Luật Đất đai số 31/2024/QH15;\nNghị định số 101/2024/NĐ-CP.",
        "documents": (
            (
                "Đơn đăng ký biến động đất đai, tài sản gắn liền với đất (Mẫu số 11/ĐK)",
                "original",
                1,
                True,
            ),
            (
                "Hợp đồng, văn bản về chuyển quyền đã được công chứng, chứng thực",
                "original",
                1,
                True,
            ),
            ("Giấy chứng nhận đã cấp", "original", 1, True),
            ("Tờ khai lệ phí trước bạ, tờ khai thuế thu nhập cá nhân", "original", 1, True),
        ),
        "fees": (("Lệ phí đăng ký biến động", "charge", 30000, ""),),
        "steps": (
            (
                "Tiếp nhận hồ sơ tại bộ phận một cửa cấp xã",
                "intake_officer",
                "0.5",
                "working_days",
                False,
            ),
            (
                "Kiểm tra hồ sơ, cập nhật hồ sơ địa chính",
                "case_handler",
                "3",
                "working_days",
                False,
            ),
            ("Cơ quan thuế xác định nghĩa vụ tài chính", "case_handler", "3", "working_days", True),
            ("Ký xác nhận biến động", "agency_leader", "2", "working_days", False),
            ("Trả kết quả", "intake_officer", "1.5", "working_days", False),
        ),
    },
    {
        "code": "9.000502",  # invented
        "name": "Cấp đổi Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất",
        "field": "land",
        "level": "province",
        "agency": LAND_OFFICE,
        "limit": (7, "working_days"),
        "online": "partial",
        "result": "paper",
        "supplement": "pause",
        "legal_basis": "Luật Đất đai số 31/2024/QH15;\nNghị định số 101/2024/NĐ-CP.",
        "documents": (
            (
                "Đơn đăng ký biến động đất đai, tài sản gắn liền với đất (Mẫu số 11/ĐK)",
                "original",
                1,
                True,
            ),
            ("Giấy chứng nhận đã cấp", "original", 1, True),
        ),
        "fees": (("Lệ phí cấp đổi giấy chứng nhận", "charge", 50000, ""),),
        "steps": _steps(
            "Kiểm tra hồ sơ, in giấy chứng nhận", "0.5", "4", "1.5", "1", leader="agency_leader"
        ),
    },
    {
        "code": "9.000503",  # invented
        "name": "Đăng ký đất đai, cấp Giấy chứng nhận quyền sử dụng đất lần đầu cho hộ gia đình, cá nhân",
        "field": "land",
        "level": "commune",
        "agency": COMMUNE,
        "limit": (20, "working_days"),
        "online": "partial",
        "result": "paper",
        "supplement": "restart",
        "legal_basis": "Luật Đất đai số 31/2024/QH15;\nNghị định số 101/2024/NĐ-CP;\nNghị định số 151/2025/NĐ-CP.",
        "documents": (
            ("Đơn đăng ký đất đai, tài sản gắn liền với đất (Mẫu số 04/ĐK)", "original", 1, True),
            ("Giấy tờ về quyền sử dụng đất (nếu có)", "copy", 1, False),
            ("Chứng từ thực hiện nghĩa vụ tài chính (nếu có)", "copy", 1, False),
        ),
        "fees": (("Lệ phí cấp giấy chứng nhận lần đầu", "charge", 25000, ""),),
        "steps": (
            ("Tiếp nhận, kiểm tra hồ sơ", "intake_officer", "0.5", "working_days", False),
            ("Xác minh nguồn gốc, niêm yết công khai", "case_handler", "8", "working_days", False),
            ("Cơ quan thuế xác định nghĩa vụ tài chính", "case_handler", "5", "working_days", True),
            ("Ký giấy chứng nhận", "commune_leader", "5", "working_days", False),
            ("Trả kết quả", "intake_officer", "1.5", "working_days", False),
        ),
    },
    # --- Bảo trợ xã hội, giảm nghèo (social protection) -------------------------
    {
        "code": "9.000601",  # invented
        "name": "Thực hiện, điều chỉnh, thôi hưởng trợ cấp xã hội hằng tháng",
        "field": "social-protection",
        "level": "commune",
        "agency": COMMUNE,
        "limit": (10, "working_days"),
        "online": "partial",
        "result": "paper",
        "supplement": "pause",
        "legal_basis": "Nghị định số 20/2021/NĐ-CP, sửa đổi bởi Nghị định số 76/2024/NĐ-CP.",
        "documents": (
            ("Tờ khai đề nghị trợ giúp xã hội (theo mẫu)", "original", 1, True),
            (
                "Giấy xác nhận khuyết tật hoặc giấy tờ chứng minh thuộc diện hưởng (nếu có)",
                "copy",
                1,
                False,
            ),
        ),
        "fees": (),
        "steps": _steps("Xét duyệt, niêm yết, lấy ý kiến hội đồng", "0.5", "6", "3", "0.5"),
    },
    {
        "code": "9.000602",  # invented
        "name": "Hỗ trợ chi phí mai táng cho đối tượng bảo trợ xã hội",
        "field": "social-protection",
        "level": "commune",
        "agency": COMMUNE,
        "limit": (3, "working_days"),
        "online": "partial",
        "result": "paper",
        "supplement": "pause",
        "legal_basis": "Nghị định số 20/2021/NĐ-CP.",
        "documents": (
            ("Tờ khai đề nghị hỗ trợ chi phí mai táng (theo mẫu)", "original", 1, True),
            ("Giấy báo tử hoặc trích lục khai tử", "copy", 1, True),
        ),
        "fees": (),
        "steps": _steps("Thẩm định, dự thảo quyết định", "0.5", "1.5", "0.5", "0.5"),
    },
    {
        "code": "9.000701",  # invented
        "name": "Công nhận hộ nghèo, hộ cận nghèo phát sinh trong năm",
        "field": "poverty-reduction",
        "level": "commune",
        "agency": COMMUNE,
        "limit": (10, "working_days"),
        "online": "partial",
        "result": "paper",
        "supplement": "pause",
        "legal_basis": "Nghị định số 07/2021/NĐ-CP;\nQuyết định số 24/2021/QĐ-TTg.",
        "documents": (
            (
                "Giấy đề nghị rà soát hộ nghèo, hộ cận nghèo phát sinh (theo mẫu)",
                "original",
                1,
                True,
            ),
        ),
        "fees": (),
        "steps": _steps("Thẩm định, rà soát thu nhập của hộ", "0.5", "6", "3", "0.5"),
    },
    # --- Cư trú (residence) -----------------------------------------------------
    {
        "code": "9.000801",  # invented
        "name": "Xác nhận thông tin về cư trú",
        "field": "residence",
        "level": "vertical",
        "agency": COMMUNE_POLICE,
        "limit": (4, "working_hours"),
        "online": "full",
        "result": "electronic",
        "supplement": "pause",
        "legal_basis": "Luật Cư trú số 68/2020/QH14;\nThông tư số 55/2021/TT-BCA.",
        "documents": (("Tờ khai thay đổi thông tin cư trú (CT01)", "original", 1, True),),
        "fees": (),
        "steps": HALF_DAY_POLICE_STEPS,
    },
    {
        "code": "9.000802",  # invented
        "name": "Đăng ký thường trú",
        "field": "residence",
        "level": "vertical",
        "agency": COMMUNE_POLICE,
        "limit": (7, "working_days"),
        "online": "full",
        "result": "electronic",
        "supplement": "pause",
        "legal_basis": "Luật Cư trú số 68/2020/QH14;\nNghị định số 154/2024/NĐ-CP.",
        "documents": (
            ("Tờ khai thay đổi thông tin cư trú (CT01)", "original", 1, True),
            ("Giấy tờ chứng minh chỗ ở hợp pháp", "copy", 1, True),
        ),
        "fees": (("Lệ phí đăng ký thường trú", "charge", 20000, "10.000 đồng khi nộp trực tuyến"),),
        "steps": _steps(
            "Kiểm tra, cập nhật Cơ sở dữ liệu về cư trú",
            "0.5",
            "4.5",
            "1",
            "1",
            leader="agency_leader",
        ),
    },
    {
        "code": "9.000803",  # invented
        "name": "Đăng ký tạm trú",
        "field": "residence",
        "level": "vertical",
        "agency": COMMUNE_POLICE,
        "limit": (3, "working_days"),
        "online": "full",
        "result": "electronic",
        "supplement": "pause",
        "legal_basis": "Luật Cư trú số 68/2020/QH14;\nNghị định số 154/2024/NĐ-CP.",
        "documents": (
            ("Tờ khai thay đổi thông tin cư trú (CT01)", "original", 1, True),
            ("Giấy tờ chứng minh chỗ ở hợp pháp", "copy", 1, True),
        ),
        "fees": (("Lệ phí đăng ký tạm trú", "charge", 15000, "7.000 đồng khi nộp trực tuyến"),),
        "steps": _steps(
            "Kiểm tra, cập nhật Cơ sở dữ liệu về cư trú",
            "0.5",
            "1.5",
            "0.5",
            "0.5",
            leader="agency_leader",
        ),
    },
    # --- Khiếu nại (complaints) -------------------------------------------------
    {
        "code": "9.000901",  # invented
        "name": "Giải quyết khiếu nại lần đầu tại cấp xã",
        "field": "complaints",
        "level": "commune",
        "agency": COMMUNE,
        "limit": (30, "calendar_days"),
        "online": "information",
        "result": "paper",
        "supplement": "pause",
        "legal_basis": "Luật Khiếu nại số 02/2011/QH13;\nNghị định số 124/2020/NĐ-CP.",
        "documents": (
            ("Đơn khiếu nại hoặc biên bản ghi lời khiếu nại", "original", 1, True),
            ("Tài liệu, chứng cứ liên quan (nếu có)", "copy", 1, False),
        ),
        "fees": (),
        "steps": (
            ("Tiếp nhận, thụ lý đơn", "intake_officer", "1", "working_days", False),
            ("Xác minh, đối thoại, báo cáo kết quả", "case_handler", "20", "working_days", False),
            (
                "Ban hành quyết định giải quyết khiếu nại",
                "commune_leader",
                "7",
                "working_days",
                False,
            ),
            ("Gửi quyết định", "intake_officer", "2", "working_days", False),
        ),
    },
]
