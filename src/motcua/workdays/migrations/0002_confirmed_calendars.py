"""Ship the confirmed public-sector calendars 2024–2026 (DOMAIN.md §9)."""

from django.db import migrations

YEAR_BASIS = {
    2024: "Bộ luật Lao động 2019, Điều 112; Công văn 2450/VPCP-KGVX năm 2024",
    2025: "Bộ luật Lao động 2019, Điều 112; Thông báo 6150/TB-BLĐTBXH năm 2024; Công văn 8726/VPCP-KGVX ngày 26/11/2024",
    2026: "Bộ luật Lao động 2019, Điều 112; Thông báo 9441/TB-BNV ngày 16/10/2025; Công văn 9859/VPCP-KGVX ngày 13/10/2025",
}


def load(apps, schema_editor):
    from motcua.workdays.data import CONFIRMED_YEARS, VN_PUBLIC_SECTOR_ENTRIES

    CalendarYear = apps.get_model("workdays", "CalendarYear")
    CalendarEntry = apps.get_model("workdays", "CalendarEntry")
    for year in CONFIRMED_YEARS:
        calendar, _created = CalendarYear.objects.get_or_create(
            year=year,
            defaults={
                "status": "confirmed",
                "legal_basis": YEAR_BASIS.get(year, ""),
                "note": "Lịch do dự án cung cấp, đã đối chiếu với văn bản nêu ở từng ngày.",
            },
        )
        for entry in VN_PUBLIC_SECTOR_ENTRIES:
            if entry.day.year == year:
                CalendarEntry.objects.get_or_create(
                    calendar=calendar,
                    day=entry.day,
                    unit=None,
                    defaults={"kind": entry.kind.value, "name": entry.name, "legal_basis": entry.legal_basis},
                )


class Migration(migrations.Migration):
    dependencies = [("workdays", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
