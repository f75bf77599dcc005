"""Vietnamese for the sign-in, dates typed as dd/mm/yyyy and error summaries (issue 7)."""

T = {
    # Sign-in: plain messages instead of Django's wording
    "The username or the password is not right. Passwords are case-sensitive: check that Caps Lock is off.": "Tên đăng nhập hoặc mật khẩu không đúng. Mật khẩu phân biệt chữ hoa và chữ thường: hãy kiểm tra phím Caps Lock.",
    "This account is locked. Ask the administrator of your unit.": "Tài khoản này đang bị khóa. Đề nghị liên hệ quản trị viên của đơn vị.",
    "Enter the username.": "Nhập tên đăng nhập.",
    "Enter the password.": "Nhập mật khẩu.",
    # Dates typed as dd/mm/yyyy
    "Enter the date as day/month/year, for example 05/03/2026.": "Nhập ngày theo dạng ngày/tháng/năm, ví dụ 05/03/2026.",
    "There is no such day: %(value)s.": "Không có ngày %(value)s trên lịch.",
    # Error summary (GOV.UK pattern)
    "Error: ": "Lỗi: ",
    "There is a problem": "Có lỗi cần sửa",
    "Nothing was saved. Correct each item below, then send the form again.": "Chưa lưu gì. Hãy sửa từng mục dưới đây rồi gửi lại.",
}
