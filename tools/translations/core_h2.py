T = {
    "Too many failed sign-ins": "Đăng nhập sai quá nhiều lần",
    "Sign-in from this computer is paused after too many wrong passwords or codes. Try again later, or ask the system administrator to unlock it.": "Việc đăng nhập từ máy này đang tạm dừng vì nhập sai mật khẩu hoặc mã quá nhiều lần. Vui lòng thử lại sau, hoặc đề nghị quản trị hệ thống mở khóa.",
    "Back to sign-in": "Quay lại trang đăng nhập",
    "You were signed out after %(minutes)s minutes without activity.": "Bạn đã được đăng xuất sau %(minutes)s phút không thao tác.",
    "cache entry": "mục bộ nhớ đệm dùng chung",
    "cache entries": "mục bộ nhớ đệm dùng chung",
    "This password is too short: use at least %(min_length)d characters.": "Mật khẩu quá ngắn: hãy dùng ít nhất %(min_length)d ký tự.",
}
