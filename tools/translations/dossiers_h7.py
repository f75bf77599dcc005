"""Vietnamese for the counter and the queues (issue 7): intake hands over, queue tabs and search."""

T = {
    # Intake hands the dossier over at once
    "Leave it in the unit's queue": "Để trong hàng chờ của đơn vị",
    "Hand over at once": "Chuyển xử lý ngay",
    "Accepting completes the intake and sends the dossier at once to the next step: %(name)s — %(role)s, %(unit)s.": "Tiếp nhận xong, hồ sơ được chuyển ngay sang bước tiếp theo: %(name)s — %(role)s, %(unit)s.",
    "This procedure's first step is not the desk's intake: choose no handler.": "Bước đầu tiên của thủ tục này không phải bước tiếp nhận tại Bộ phận Một cửa: không chọn người xử lý.",
    "Choose no handler.": "Không chọn người xử lý.",
    # Queues: tabs, counts and search
    "Online, awaiting intake": "Hồ sơ trực tuyến chờ tiếp nhận",
    "Waiting for the applicant or another agency": "Đang chờ người nộp hoặc cơ quan khác",
    "Find a dossier: code, applicant's name, ID number or phone": "Tìm hồ sơ: mã hồ sơ, tên người nộp, số định danh hoặc số điện thoại",
    "Find": "Tìm",
    "Search": "Tìm kiếm",
    "Back to the queues": "Quay lại danh sách hồ sơ",
    "Type at least two letters or digits to search.": "Hãy nhập ít nhất hai chữ cái hoặc chữ số để tìm.",
    "Dossiers of your units found by “%(query)s”:": "Hồ sơ của các đơn vị được phân công tìm thấy theo “%(query)s”:",
    "No dossier of your units matches “%(query)s”. Check the code on the receipt, or search by the applicant's name, ID number or phone.": "Không có hồ sơ nào của các đơn vị được phân công khớp với “%(query)s”. Hãy kiểm tra mã hồ sơ trên giấy tiếp nhận, hoặc tìm theo tên, số định danh hay số điện thoại của người nộp.",
}

T.update(
    {
        # Wording slips
        "The result was returned": "Đã trả kết quả",
        # Returning the result: the applicant collects it, in one key
        "Or, in one key:": "Hoặc chỉ một phím:",
        "%(name)s collects it here": "%(name)s nhận kết quả tại quầy",
        "Alt+N: returned at the counter to the applicant, whose name is written as the receiver.": "Alt+N: trả kết quả tại quầy cho người nộp, ghi tên người nộp là người nhận.",
        # Landing without dossier roles
        "What you can do today": "Những việc có thể làm hôm nay",
        "You are signed in as %(user)s. Your roles have no dossier screens (the one-stop desk, case handling, signing):": "Đang đăng nhập bằng tài khoản %(user)s. Các vai trò được giao cho tài khoản này chưa có màn hình xử lý hồ sơ (một cửa, thụ lý, ký duyệt):",
        "Open to you today": "Có thể sử dụng ngay hôm nay",
        "If you also handle dossiers, ask the administrator of your unit for that role; the work queues then open here.": "Nếu tài khoản này cũng xử lý hồ sơ, đề nghị quản trị viên của đơn vị phân vai trò tương ứng; danh sách hồ sơ cần xử lý sẽ hiện ở đây.",
        "The administrative-reform screens (communication plans, initiatives and models, the PAR INDEX self-assessment, contests) are not open yet.": "Các màn hình cải cách hành chính (kế hoạch tuyên truyền, sáng kiến và mô hình, tự đánh giá chỉ số PAR INDEX, hội thi) chưa được mở.",
        "The contest screens (scoring entries, quiz rounds) are not open yet.": "Các màn hình hội thi (chấm bài dự thi, vòng thi trắc nghiệm) chưa được mở.",
        "The registry screens are not open yet.": "Các màn hình văn thư chưa được mở.",
        "Units, staff and roles, procedures and working calendars are kept in the administration.": "Đơn vị, cán bộ và vai trò, thủ tục và lịch làm việc được quản lý trong trang quản trị.",
        "Screens for this role are not open yet.": "Màn hình cho vai trò này chưa được mở.",
        "Browse the procedure catalogue": "Xem danh mục thủ tục hành chính",
        "Every procedure in force, its documents, fees and time limit.": "Mọi thủ tục đang có hiệu lực: thành phần hồ sơ, phí, lệ phí và thời hạn giải quyết.",
        "Look up a dossier": "Tra cứu hồ sơ",
        "The status of a dossier by the code on its receipt, as citizens see it.": "Tình trạng hồ sơ theo mã trên giấy tiếp nhận, như người dân tra cứu.",
        "Administration": "Quản trị",
        "What your administrator's rights allow.": "Theo quyền quản trị được giao.",
        "My work": "Việc của tôi",
        # Every problem of the intake at once
        "Some details are not valid.": "Một số thông tin chưa hợp lệ.",
    }
)
