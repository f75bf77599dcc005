T = {
    "Citizen portal": "Cổng thông tin người dân",
    "Look up a dossier": "Tra cứu hồ sơ",
    "Dossier code (printed on your receipt)": "Mã hồ sơ (in trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả)",
    "Look up": "Tra cứu",
    "No dossier has the code %(code)s. Check the code on your receipt; it looks like H33.15-260302-0001.": "Không có hồ sơ nào mang mã %(code)s. Vui lòng kiểm tra lại mã trên giấy hẹn; mã có dạng H33.15-260302-0001.",
    "The office is waiting for you: see the message you received, or call the one-stop desk.": "Hồ sơ đang chờ Ông/Bà bổ sung hoặc thực hiện nghĩa vụ tài chính: xem tin nhắn đã nhận hoặc liên hệ Bộ phận Một cửa.",
    "Procedure": "Thủ tục",
    "Applicant": "Người nộp",
    "Received at": "Thời điểm tiếp nhận",
    "Result due": "Hẹn trả kết quả",
    "Result returned": "Đã trả kết quả lúc",
    "Handled by": "Cơ quan giải quyết",
    "Where to collect the result": "Nơi nhận kết quả",
}
T["Too many look-ups from this connection. Please wait a minute and try again."] = (
    "Có quá nhiều lượt tra cứu từ kết nối này. Vui lòng chờ một phút rồi thử lại."
)

# The home page moved here from core: reuse core's wording.
import runpy as _runpy
from pathlib import Path as _Path

T = {**_runpy.run_path(str(_Path(__file__).with_name("core.py")))["T"], **T}
