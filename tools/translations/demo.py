T = {
    "Demo and synthetic data": "Dữ liệu mẫu và dữ liệu tổng hợp",
    "Stopped at the applicant's request": "Dừng giải quyết theo đề nghị",
}
T["Closed: supplement not provided"] = "Kết thúc do không bổ sung đúng hạn"
