"""Reference data shipped as the first version of the configurable rules.

The nine indicators and the bands of the per-dossier evaluation (DOMAIN.md
§5.2: indicators [H], bands [L], from Thanh Hóa's implementation) and the
SIPAS-style questionnaire (DOMAIN.md §6: aspects [H], criteria [M]). An
administrator changes them by adding a new row with a later effective date
(a new questionnaire version), never by editing code.
"""

from __future__ import annotations

from typing import Any

INDICATORS_2018 = [
    "Tổng thời gian giải quyết hồ sơ so với thời gian theo quy định",
    "Thời gian thực hiện tại từng cơ quan, kể cả cơ quan phối hợp",
    "Số lần phải liên hệ để hoàn thiện hồ sơ (kể cả trực tuyến)",
    "Số cơ quan, đơn vị phải liên hệ",
    "Tiếp nhận, giải quyết và trả kết quả tại Bộ phận Một cửa",
    "Công khai thủ tục hành chính",
    "Thái độ của cán bộ, công chức, viên chức",
    "Tiếp nhận, giải trình đối với ý kiến phản ánh, kiến nghị",
    "Tiến độ và chất lượng cung cấp dịch vụ công trực tuyến",
]

# "> 15 Xuất sắc; 12–< 15 Tốt; 9–< 12 Khá; 6–< 9 Trung bình; < 6 Yếu" leaves 15 without a
# band; it is put with Tốt here (ADR 0012). Change the row, not the code.
BANDS_2018 = [
    {"min": 16, "label": "Xuất sắc"},
    {"min": 12, "label": "Tốt"},
    {"min": 9, "label": "Khá"},
    {"min": 6, "label": "Trung bình"},
    {"min": 0, "label": "Yếu"},
]

SIPAS_V1: dict[str, Any] = {
    "scale": ["Rất không hài lòng", "Không hài lòng", "Bình thường", "Hài lòng", "Rất hài lòng"],
    "satisfied": [4, 5],
    "aspects": [
        {
            "key": "access",
            "name": "Tiếp cận dịch vụ",
            "criteria": [
                "Nơi ngồi chờ có đủ chỗ ngồi",
                "Trang thiết bị phục vụ đầy đủ",
                "Trang thiết bị phục vụ hiện đại",
                "Trang thiết bị phục vụ dễ sử dụng",
            ],
        },
        {
            "key": "procedure",
            "name": "Thủ tục hành chính",
            "criteria": [
                "Thủ tục hành chính được niêm yết công khai đầy đủ",
                "Thủ tục hành chính được niêm yết công khai chính xác",
                "Thành phần hồ sơ phải nộp đúng quy định",
                "Phí, lệ phí phải nộp đúng quy định",
                "Thời hạn giải quyết đúng quy định",
            ],
        },
        {
            "key": "officer",
            "name": "Công chức trực tiếp giải quyết công việc",
            "criteria": [
                "Công chức có thái độ giao tiếp lịch sự",
                "Công chức chú ý lắng nghe ý kiến của người dân",
                "Công chức trả lời, giải thích đầy đủ các ý kiến",
                "Công chức hướng dẫn kê khai hồ sơ tận tình, chu đáo",
                "Công chức hướng dẫn kê khai hồ sơ dễ hiểu",
                "Công chức tuân thủ đúng quy định trong giải quyết công việc",
            ],
        },
        {
            "key": "result",
            "name": "Kết quả cung ứng dịch vụ",
            "criteria": [
                "Kết quả đúng quy định",
                "Kết quả có thông tin đầy đủ",
                "Kết quả có thông tin chính xác",
            ],
        },
        {
            "key": "feedback",
            "name": "Tiếp nhận, xử lý góp ý, phản ánh, kiến nghị",
            "criteria": [
                "Cơ quan có bố trí hình thức tiếp nhận góp ý, phản ánh, kiến nghị",
                "Người dân dễ dàng thực hiện góp ý, phản ánh, kiến nghị",
                "Cơ quan tiếp nhận, xử lý tích cực các góp ý, phản ánh, kiến nghị",
                "Cơ quan thông báo kịp thời kết quả xử lý góp ý, phản ánh, kiến nghị",
            ],
        },
    ],
    "overall": "Nhìn chung, Ông/Bà hài lòng với sự phục vụ hành chính ở mức nào?",
    "expectations": {
        "question": "Ông/Bà mong muốn cơ quan cải thiện điều gì nhất? (chọn tối đa 3)",
        "options": [
            "Mở rộng hình thức thông tin để người dân dễ tiếp cận dịch vụ",
            "Cải thiện chỗ ngồi, trang thiết bị tại nơi tiếp nhận",
            "Đơn giản hóa thủ tục hành chính",
            "Rút ngắn thời gian giải quyết",
            "Giảm phí, lệ phí",
            "Cải thiện thái độ giao tiếp của công chức",
            "Nâng cao năng lực giải quyết công việc của công chức",
            "Tăng cường tiếp nhận, xử lý góp ý, phản ánh, kiến nghị",
        ],
        "max": 3,
    },
}
