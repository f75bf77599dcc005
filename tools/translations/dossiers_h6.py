T = {
    # idempotent intake: the same key with another request
    "This Idempotency-Key was already used for a different request; nothing was written. Send a new key for a new dossier, or repeat the first request unchanged to get its answer.": "Khóa Idempotency-Key này đã được dùng cho một yêu cầu khác; không có gì được ghi. Hãy gửi khóa mới cho hồ sơ mới, hoặc gửi lại đúng yêu cầu ban đầu để nhận lại kết quả của nó.",
    "This form was already used to receive another dossier, so nothing was saved and no receipt is shown. Check the details below, then press Accept again to receive them as a new dossier.": "Biểu mẫu này đã được dùng để tiếp nhận một hồ sơ khác, nên chưa có gì được lưu và không hiển thị giấy tiếp nhận. Hãy kiểm tra lại thông tin dưới đây, rồi bấm Tiếp nhận lần nữa để tiếp nhận thành hồ sơ mới.",
}
