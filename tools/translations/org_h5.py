"""Place names and signing positions (h5)."""

T = {
    "place name": "địa danh",
    "Where the unit sits, printed before the date on its documents (“Ngã Bảy, ngày …”). Empty: the name of the administrative unit it belongs to, without “Phường”, “Xã”, “Tỉnh”…": "Nơi đơn vị đóng trụ sở, in trước ngày tháng trên văn bản của đơn vị (“Ngã Bảy, ngày …”). Để trống: tên đơn vị hành chính mà đơn vị thuộc về, bỏ chữ “Phường”, “Xã”, “Tỉnh”…",
    "position": "chức vụ",
    "The position printed above the signature on documents signed in this role, e.g. “Chủ tịch” or “Phó Chủ tịch”. Empty: the role's name.": "Chức vụ in phía trên chữ ký trên văn bản ký với vai trò này, ví dụ “Chủ tịch” hoặc “Phó Chủ tịch”. Để trống: tên vai trò.",
}
