T = {
    "Core": "Lõi hệ thống",
    "created at": "thời điểm tạo",
    "updated at": "thời điểm cập nhật",
    "at": "thời điểm",
    "actor": "người thực hiện",
    "actor name": "tên người thực hiện",
    "action": "hành động",
    "stream": "chuỗi",
    "sequence": "số thứ tự",
    "object type": "loại đối tượng",
    "object id": "mã đối tượng",
    "data": "dữ liệu",
    "previous hash": "mã băm trước",
    "hash": "mã băm",
    "audit event": "bản ghi nhật ký",
    "audit events": "nhật ký hệ thống",
    "One-stop shop": "Một cửa",
    "Skip to content": "Chuyển đến nội dung",
    "Main menu": "Danh mục chính",
    "Procedures": "Thủ tục hành chính",
    "Administration": "Quản trị",
    "Staff login": "Cán bộ đăng nhập",
    "Motcua is free software under the GNU AGPL, version 3 or later.": "Motcua là phần mềm tự do theo giấy phép GNU AGPL, phiên bản 3 trở lên.",
    "Home": "Trang chủ",
    "The one-stop shop for administrative procedures": "Một cửa giải quyết thủ tục hành chính",
    "Find a procedure, see what to bring, how long it takes and what it costs.": "Tìm thủ tục, xem cần mang giấy tờ gì, giải quyết trong bao lâu và mất bao nhiêu phí.",
    "Search procedures": "Tìm thủ tục",
    "e.g. birth registration": "ví dụ: đăng ký khai sinh",
    "Search": "Tìm",
    "Citizens and businesses": "Người dân và doanh nghiệp",
    "Submit dossiers at the counter or online, follow them and receive the result on time.": "Nộp hồ sơ tại quầy hoặc trực tuyến, theo dõi tiến độ và nhận kết quả đúng hẹn.",
    "Officers": "Cán bộ, công chức",
    "Receive, process and return dossiers step by step, with deadlines computed from the working calendar.": "Tiếp nhận, giải quyết và trả kết quả từng bước, với thời hạn tính theo lịch làm việc.",
    "Administrative reform": "Cải cách hành chính",
    "Measure satisfaction and service quality, and run the reform work around it.": "Đo lường sự hài lòng, chất lượng phục vụ và triển khai công tác cải cách hành chính.",
}
T["Look up a dossier"] = "Tra cứu hồ sơ"
T.update(
    {
        "A personal ID number has exactly 12 digits.": "Số định danh cá nhân gồm đúng 12 chữ số.",
        "The first three digits (%(code)s) are not a province code.": "Ba chữ số đầu (%(code)s) không phải là mã tỉnh.",
        "The birth year in the number (%(year)s) is in the future.": "Năm sinh trong số định danh (%(year)s) lớn hơn năm hiện tại.",
        "An organisation number has 10 digits, or 10 digits, a hyphen and 3 digits for a branch.": "Mã số tổ chức gồm 10 chữ số, hoặc 10 chữ số, dấu gạch ngang và 3 chữ số đối với chi nhánh.",
        "A phone number has 10 digits starting with 0 (or +84).": "Số điện thoại gồm 10 chữ số, bắt đầu bằng 0 (hoặc +84).",
        "E-mail": "Thư điện tử",
        "SMS": "Tin nhắn SMS",
        "Waiting to be sent": "Chờ gửi",
        "Sent": "Đã gửi",
        "Failed (gave up)": "Gửi không thành công (đã dừng thử lại)",
        "channel": "kênh",
        "recipient": "người nhận",
        "message": "nội dung",
        "status": "trạng thái",
        "attempts": "số lần gửi",
        "next attempt": "lần gửi tiếp theo",
        "last error": "lỗi gần nhất",
        "sent at": "thời điểm gửi",
        "notification": "thông báo",
        "notifications": "thông báo",
    }
)
T.update({"event": "sự kiện", "subject": "tiêu đề"})
T.update(
    {
        "Log out": "Đăng xuất",
        "Username": "Tên đăng nhập",
        "Password": "Mật khẩu",
        "Log in": "Đăng nhập",
    }
)
T["Being sent"] = "Đang gửi"
T.update(
    {
        "Page not found": "Không tìm thấy trang",
        "The address may be mistyped, or the page no longer exists.": "Địa chỉ có thể bị gõ sai, hoặc trang không còn tồn tại.",
        "Back to the home page": "Về trang chủ",
        "Something went wrong": "Hệ thống gặp sự cố",
        "The system could not complete the request. Nothing was saved by it. Please try again in a moment; if it happens again, tell the administrator the time it happened.": "Hệ thống không thực hiện được yêu cầu và chưa lưu gì từ yêu cầu này. Vui lòng thử lại sau giây lát; nếu vẫn gặp lỗi, hãy báo cho quản trị viên thời điểm xảy ra lỗi.",
        "The form has expired": "Biểu mẫu đã hết hiệu lực",
        "For security, a form can only be sent from the page that showed it, within the session. Go back, reload the page and send it again.": "Để bảo đảm an toàn, biểu mẫu chỉ được gửi từ chính trang đã hiển thị nó trong phiên làm việc. Hãy quay lại, tải lại trang rồi gửi lại.",
        "Not allowed": "Không có quyền truy cập",
        "This account may not open this page.": "Tài khoản này không được mở trang này.",
        # Django's own Vietnamese wording, made natural.
        "Enter a whole number.": "Nhập một số nguyên.",
        "Select a valid choice. %(value)s is not one of the available choices.": "Lựa chọn không hợp lệ: %(value)s không có trong danh sách.",
        "This field is required.": "Trường này là bắt buộc.",
        "Enter a valid date.": "Nhập một ngày hợp lệ (ngày/tháng/năm).",
    }
)
