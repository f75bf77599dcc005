T = {
    # The supplement window of a procedure version
    "supplement window (working days)": "thời hạn bổ sung hồ sơ (ngày làm việc)",
    "Working days the applicant has to hand in a requested supplement before the dossier is closed. Empty: the procedure's law sets no such time, and a dossier waiting for a supplement is never closed automatically.": "Số ngày làm việc người nộp có để bổ sung, hoàn thiện hồ sơ theo yêu cầu trước khi hồ sơ bị kết thúc. Để trống nếu văn bản quy định thủ tục không đặt thời hạn này: hồ sơ chờ bổ sung không bao giờ tự động bị kết thúc.",
    "The supplement window is a number of working days from 1 to 365, or empty.": "Thời hạn bổ sung hồ sơ là số ngày làm việc từ 1 đến 365, hoặc để trống.",
    "The supplement window is a whole number of working days from 1 to 365; leave it empty when the procedure's law sets no time (no automatic closure).": "Thời hạn bổ sung hồ sơ là số nguyên ngày làm việc từ 1 đến 365; để trống nếu văn bản quy định thủ tục không đặt thời hạn (hồ sơ không tự động bị kết thúc).",
}
