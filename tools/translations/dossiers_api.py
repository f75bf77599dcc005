T = {
    "The text contains a NUL character.": "Văn bản có chứa ký tự NUL.",
    "Give either procedure_code or procedure_version_id, not both.": "Hãy gửi procedure_code hoặc procedure_version_id, chỉ một trong hai.",
    "There is no unit with id %(id)s.": "Không có đơn vị nào có mã số %(id)s.",
    "There is no procedure version with id %(id)s.": "Không có phiên bản thủ tục nào có mã số %(id)s.",
    "This Idempotency-Key was already used for another dossier (%(code)s); use a new key for a new dossier.": "Khóa Idempotency-Key này đã được dùng cho một hồ sơ khác (%(code)s); hãy dùng khóa mới cho hồ sơ mới.",
    "Only an intake officer of %(unit)s can enter its online submissions.": "Chỉ cán bộ tiếp nhận của %(unit)s mới được nhập hồ sơ trực tuyến của đơn vị này.",
    "There is no active user with id %(id)s.": "Không có người dùng đang hoạt động nào có mã số %(id)s.",
    "Assigned to me": "Tôi đang xử lý",
    "Waiting at my units": "Chờ nhận xử lý tại đơn vị",
    "Due soon": "Sắp đến hạn",
    "Overdue": "Quá hạn",
    "Waiting for the applicant, intake or another agency": "Đang chờ bên khác",
    "There is no dossier %(code)s among the dossiers you handle.": "Không có hồ sơ %(code)s trong phạm vi hồ sơ được giao xử lý.",
    # printed forms
    "There is no form “%(form)s” to print for a dossier; use receipt, refusal, apology, stop, control or supplement/<number>.": "Không có biểu mẫu “%(form)s” để in cho hồ sơ; hãy dùng receipt, refusal, apology, stop, control hoặc supplement/<số thứ tự>.",
    "Dossier %(code)s has no supplement request number %(number)s.": "Hồ sơ %(code)s không có lần yêu cầu bổ sung thứ %(number)s.",
    # log book
    "The end of the period (%(end)s) is before its start (%(start)s).": "Ngày kết thúc (%(end)s) trước ngày bắt đầu (%(start)s).",
    "Choose a date between 2000 and 2100 (%(day)s is outside).": "Hãy chọn ngày trong khoảng từ năm 2000 đến năm 2100 (ngày %(day)s nằm ngoài khoảng này).",
    "The period is longer than one year: from %(start)s the log book runs at most to %(limit)s.": "Khoảng thời gian dài hơn một năm: từ ngày %(start)s, sổ theo dõi chỉ xuất được đến hết ngày %(limit)s.",
    "The log book of %(unit)s is kept at its one-stop desk: it needs the intake officer or centre director role there or above it.": "Sổ theo dõi hồ sơ của %(unit)s do bộ phận một cửa quản lý: cần vai trò cán bộ tiếp nhận hoặc giám đốc trung tâm tại đơn vị này hoặc đơn vị cấp trên.",
    "There is no field of procedures with code %(code)s.": "Không có lĩnh vực thủ tục nào có mã %(code)s.",
}
