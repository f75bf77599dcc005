"""The printed forms, counter slips and the apology (h5)."""

T = {
    # models and choices
    "Guidance at the counter": "Hướng dẫn tại quầy",
    "Refusal at the counter": "Từ chối tại quầy",
    "refusal slip number": "số phiếu từ chối",
    "Number of a refusal at the counter in the desk's register of the year.": "Số của phiếu từ chối tại quầy trong sổ đăng ký của bộ phận trong năm.",
    "slip number": "số phiếu",
    "Number in the desk's register of guidance slips of the year.": "Số trong sổ đăng ký phiếu hướng dẫn của bộ phận trong năm.",
    "signed as": "chức vụ người ký",
    "issued late": "ban hành muộn",
    "Signed less than one working day before the due date, or after it.": "Ký khi còn chưa đủ một ngày làm việc trước hạn giải quyết, hoặc sau hạn.",
    "drafted by": "người dự thảo",
    "drafted at": "thời điểm dự thảo",
    "proposed new date": "ngày hẹn mới đề xuất",
    "apology draft": "dự thảo văn bản xin lỗi",
    "apology drafts": "dự thảo văn bản xin lỗi",
    # services and workflow
    "The new date must be after the current due date (%(due)s).": "Ngày hẹn mới phải sau hạn giải quyết hiện tại (%(due)s).",
    "The new date %(day)s has already passed: promise a date still ahead.": "Ngày hẹn mới %(day)s đã qua: hãy hẹn một ngày chưa đến.",
    "draft an apology": "dự thảo văn bản xin lỗi",
    "Draft an apology for the leader to sign": "Dự thảo văn bản xin lỗi để lãnh đạo ký",
    # forms and pages
    "Proposed new return date": "Ngày hẹn trả kết quả mới đề xuất",
    "Apology letter": "Văn bản xin lỗi",
    "Written answer: not granted": "Thông báo không chấp thuận",
    "Apology drafted for the leader to sign": "Đã dự thảo văn bản xin lỗi, chờ lãnh đạo ký",
    "issued late: less than one working day before the due date, or after it": "ban hành muộn: chưa đủ một ngày làm việc trước hạn giải quyết, hoặc sau hạn",
    "proposed new date %(date)s": "ngày hẹn mới đề xuất %(date)s",
    "Apology drafted, waiting for a leader's signature": "Đã có dự thảo văn bản xin lỗi, chờ lãnh đạo ký",
    "Drafted": "Dự thảo lúc",
    "Nothing is sent to the applicant and the date does not move until a leader signs.": "Chưa gửi cho người nộp và chưa đổi ngày hẹn cho đến khi lãnh đạo ký.",
    "Issued late": "Ban hành muộn",
    "Drafted by": "Người dự thảo",
    # printing and the API
    "The written answer is printed only for a dossier decided “not granted”.": "Thông báo không chấp thuận chỉ in cho hồ sơ có quyết định “không chấp thuận”.",
    "There is no form “%(form)s” to print for a dossier; use receipt, refusal, apology, stop, answer, control or supplement/<number>.": "Không có biểu mẫu “%(form)s” để in cho hồ sơ; dùng receipt, refusal, apology, stop, answer, control hoặc supplement/<số>.",
}
