"""Vietnamese for the year's calendar as twelve month grids in the admin (issue 7)."""

T = {
    "The year %(year)s at a glance: %(days)s working days": "Lịch năm %(year)s: %(days)s ngày làm việc",
    "Month %(number)s · %(days)s working days": "Tháng %(number)s · %(days)s ngày làm việc",
    "Working day": "Ngày làm việc",
    "Weekend": "Thứ Bảy, Chủ nhật",
    "Mon": "T2",
    "Tue": "T3",
    "Wed": "T4",
    "Thu": "T5",
    "Fri": "T6",
    "Sat": "T7",
    "Sun": "CN",
    "Days of single units (not in the grid)": "Ngày riêng của từng đơn vị (không thể hiện trên lịch)",
}
