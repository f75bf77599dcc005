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
