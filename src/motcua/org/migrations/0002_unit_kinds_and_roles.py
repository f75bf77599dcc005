"""Reference data: the unit kinds and staff roles (codes are a contract).

Names are stored in Vietnamese. ``gso_levels`` lists the values of the
statistics office's "Cấp" column that mean the kind. The district tier and
the township (thị trấn) ended on 01/7/2025 (NQ 203/2025/QH15, Law 72/2025/QH15),
so those kinds are historical. Running the migration again updates the rows
in place and leaves other rows alone.
"""

from django.db import migrations

# code, name, tier, is_administrative, is_historical, gso_levels, order
UNIT_KINDS = [
    ("province", "Tỉnh", "province", True, False, "Tỉnh", 10),
    ("central_city", "Thành phố trực thuộc trung ương", "province", True, False, "Thành phố Trung ương", 11),
    ("district", "Huyện", "district", True, True, "Huyện", 20),
    ("urban_district", "Quận", "district", True, True, "Quận", 21),
    ("district_city", "Thành phố thuộc tỉnh", "district", True, True, "Thành phố", 22),
    ("town", "Thị xã", "district", True, True, "Thị xã", 23),
    ("commune", "Xã", "commune", True, False, "Xã", 30),
    ("ward", "Phường", "commune", True, False, "Phường", 31),
    ("special_zone", "Đặc khu", "commune", True, False, "Đặc khu", 32),
    ("township", "Thị trấn", "commune", True, True, "Thị trấn", 33),
    ("people_committee", "Ủy ban nhân dân", "agency", False, False, "", 50),
    ("specialised_agency", "Cơ quan chuyên môn", "agency", False, False, "", 51),
    ("service_centre", "Trung tâm Phục vụ hành chính công", "agency", False, False, "", 52),
    ("intake_point", "Điểm tiếp nhận và trả kết quả", "agency", False, False, "", 53),
    ("vertical_agency", "Cơ quan ngành dọc", "agency", False, False, "", 54),
]

ROLES = [
    ("intake_officer", "Cán bộ tiếp nhận (một cửa)", 10),
    ("case_handler", "Chuyên viên thụ lý", 20),
    ("division_head", "Lãnh đạo phòng", 30),
    ("agency_leader", "Lãnh đạo cơ quan", 40),
    ("centre_director", "Giám đốc Trung tâm Phục vụ hành chính công", 50),
    ("commune_leader", "Lãnh đạo UBND cấp xã", 60),
    ("registry_clerk", "Văn thư", 70),
    ("reform_officer", "Cán bộ cải cách hành chính", 80),
    ("judge", "Giám khảo cuộc thi", 90),
    ("administrator", "Quản trị hệ thống", 100),
]


def load(apps, schema_editor):
    UnitKind = apps.get_model("org", "UnitKind")
    Role = apps.get_model("org", "Role")
    for code, name, tier, is_administrative, is_historical, gso_levels, order in UNIT_KINDS:
        UnitKind.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "tier": tier,
                "is_administrative": is_administrative,
                "is_historical": is_historical,
                "gso_levels": gso_levels,
                "order": order,
            },
        )
    for code, name, order in ROLES:
        Role.objects.update_or_create(code=code, defaults={"name": name, "order": order})


class Migration(migrations.Migration):
    dependencies = [("org", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
