T = {
    # A calendar amendment moves the dues of open dossiers
    "Dossier due": "Hạn giải quyết hồ sơ",
    "Due of the step “%(step)s”": "Hạn của bước “%(step)s”",
    "Due moved by an amendment of the working calendar": "Thời hạn dịch chuyển do sửa đổi lịch làm việc",
    "due %(before)s → %(after)s": "hạn %(before)s → %(after)s",
}
