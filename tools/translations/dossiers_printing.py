T = {
    "Unknown form numbering “%(numbering)s”; use %(choices)s.": "Không có bộ số hiệu biểu mẫu “%(numbering)s”; dùng %(choices)s.",
    "Unknown form “%(form)s”; use %(choices)s.": "Không có biểu mẫu “%(form)s”; dùng %(choices)s.",
    "This form is printed only for a received dossier.": "Biểu mẫu này chỉ in cho hồ sơ đã được tiếp nhận.",
    "The supplement request is printed from a supplement request or counter guidance.": "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ chỉ in từ một yêu cầu bổ sung hoặc một lần hướng dẫn tại quầy.",
    "The refusal slip is printed only for a refused dossier.": "Phiếu từ chối chỉ in cho hồ sơ đã bị từ chối tiếp nhận.",
    "The apology is printed only for a dossier with an apology.": "Phiếu xin lỗi chỉ in cho hồ sơ đã có văn bản xin lỗi.",
    "The notice of stopping is printed only for a stopped dossier.": "Thông báo dừng giải quyết chỉ in cho hồ sơ đã dừng giải quyết.",
    "The log book is printed from a log book page.": "Sổ theo dõi hồ sơ chỉ in từ một trang trích sổ theo dõi.",
}
