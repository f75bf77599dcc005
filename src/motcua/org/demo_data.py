"""Demo units: Cần Thơ today and the Hậu Giang / Ngã Bảy history before 01/7/2025.

Plain data, no Django import: :func:`motcua.org.demo.load_demo_units`
creates the rows through the org services. Each unit has a short ``slug``
(the key the loader returns), its ``parent`` slug, its kind code
(:class:`motcua.org.codes.UnitKindCode`) and validity ``[valid_from,
valid_to)``. Today's administrative units carry the place name printed on
their documents (NĐ 30/2020/NĐ-CP, Phụ lục I); the units under them use it.

Facts and sources (DOMAIN.md §12): NQ 202/2025/QH15 merged Hậu Giang and
Sóc Trăng into Cần Thơ; NQ 1668/NQ-UBTVQH15 arts. 1(21)–(22) formed phường
Ngã Bảy (wards Lái Hiếu, Hiệp Thành, Ngã Bảy) and phường Đại Thành (ward
Hiệp Lợi, communes Tân Thành and Đại Thành), in force from 01/7/2025; Ngã
Bảy became a city (thành phố thuộc tỉnh) under NQ 869/NQ-UBTVQH14 from
01/2/2020. Statistics-office codes 92 (Cần Thơ), 93 (Hậu Giang), 931
(thành phố Ngã Bảy), 31340, 31341, 31343, 31344, 31411 and 31414 come from
published lists. Codes and names marked ``# illustrative`` are plausible
stand-ins for the demo, not checked against an official list; so are all
electronic identifier codes (H33… for Cần Thơ, H30… for Hậu Giang).
"""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import quote

REORGANISED_ON = date(2025, 7, 1)  # two-tier local government (NQ 203/2025/QH15)
CAN_THO_FROM = date(2004, 1, 1)  # Cần Thơ and Hậu Giang split (NQ 22/2003/QH11)
NGA_BAY_CITY_FROM = date(2020, 2, 1)  # NQ 869/NQ-UBTVQH14

NQ_1668 = "Nghị quyết 1668/NQ-UBTVQH15 (16/6/2025)"
NQ_202 = "Nghị quyết 202/2025/QH15 (12/6/2025)"

OPENING_HOURS = (
    "Thứ Hai đến thứ Sáu: sáng 7 giờ 00 – 11 giờ 30, chiều 13 giờ 30 – 17 giờ 00\n"
    "Sáng thứ Bảy: 7 giờ 30 – 11 giờ 30 (chỉ trả kết quả)"
)
"""Illustrative opening hours of the demo offices (each deployment types its own)."""

UNITS: list[dict[str, Any]] = [
    # --- Cần Thơ today ---------------------------------------------------------------------------
    {
        "slug": "can-tho",
        "name": "Thành phố Cần Thơ",
        "kind": "central_city",
        "admin_code": "92",
        "agency_code": "H33",  # illustrative
        "valid_from": CAN_THO_FROM,
        "place_name": "Cần Thơ",
        "address": "Số 2 Hòa Bình, phường Ninh Kiều, thành phố Cần Thơ",
    },
    {
        "slug": "can-tho-centre",
        "parent": "can-tho",
        "name": "Trung tâm Phục vụ hành chính công thành phố Cần Thơ",
        "short_name": "TTPVHCC Cần Thơ",
        "kind": "service_centre",
        "agency_code": "H33.1",  # illustrative
        "valid_from": REORGANISED_ON,
        # Contact details below are illustrative.
        "serves_public": True,
        "address": "Số 2 Hòa Bình, phường Ninh Kiều, thành phố Cần Thơ",
        "opening_hours": OPENING_HOURS,
        "phone": "0292 3 820 111",
        "hotline": "1900 0000",
        "email": "ttpvhcc@cantho.example.invalid",
        "map_url": "https://www.openstreetmap.org/search?query=2%20H%C3%B2a%20B%C3%ACnh%20C%E1%BA%A7n%20Th%C6%A1",
    },
    {
        "slug": "so-tu-phap",
        "parent": "can-tho",
        "name": "Sở Tư pháp thành phố Cần Thơ",
        "short_name": "Sở Tư pháp",
        "kind": "specialised_agency",
        "agency_code": "H33.15",  # illustrative
        "valid_from": CAN_THO_FROM,
    },
    {
        "slug": "so-xay-dung",
        "parent": "can-tho",
        "name": "Sở Xây dựng thành phố Cần Thơ",
        "short_name": "Sở Xây dựng",
        "kind": "specialised_agency",
        "agency_code": "H33.20",  # illustrative
        "valid_from": CAN_THO_FROM,
    },
    {
        "slug": "thue-co-so",
        "parent": "can-tho",
        "name": "Thuế cơ sở 6 thành phố Cần Thơ",  # illustrative number
        "short_name": "Thuế cơ sở 6",
        "kind": "vertical_agency",
        "agency_code": "H33.90",  # illustrative
        "valid_from": REORGANISED_ON,
    },
    {
        "slug": "ninh-kieu",
        "parent": "can-tho",
        "name": "Phường Ninh Kiều",
        "kind": "ward",
        "admin_code": "31135",  # illustrative
        "agency_code": "H33.40",  # illustrative
        "valid_from": REORGANISED_ON,
        "place_name": "Ninh Kiều",
    },
    {
        "slug": "cai-khe",
        "parent": "can-tho",
        "name": "Phường Cái Khế",
        "kind": "ward",
        "admin_code": "31117",  # illustrative
        "valid_from": REORGANISED_ON,
        "place_name": "Cái Khế",
    },
    {
        "slug": "binh-thuy",
        "parent": "can-tho",
        "name": "Phường Bình Thủy",
        "kind": "ward",
        "admin_code": "31168",  # illustrative
        "valid_from": REORGANISED_ON,
        "place_name": "Bình Thủy",
    },
    {
        "slug": "phong-dien",
        "parent": "can-tho",
        "name": "Xã Phong Điền",
        "kind": "commune",
        "admin_code": "31299",  # illustrative
        "valid_from": REORGANISED_ON,
        "place_name": "Phong Điền",
    },
    {
        "slug": "nga-bay",
        "parent": "can-tho",
        "name": "Phường Ngã Bảy",
        "kind": "ward",
        "admin_code": "31340",
        "agency_code": "H33.41",  # illustrative
        "valid_from": REORGANISED_ON,
        "place_name": "Ngã Bảy",
    },
    {
        "slug": "dai-thanh",
        "parent": "can-tho",
        "name": "Phường Đại Thành",
        "kind": "ward",
        "admin_code": "31411",
        "agency_code": "H33.42",  # illustrative
        "valid_from": REORGANISED_ON,
        "place_name": "Đại Thành",
    },
]

# A commune-level public-administration service centre and one intake point
# per demo ward (NĐ 118/2025/NĐ-CP; TT 03/2025/TT-VPCP).
# Their addresses, telephones, e-mails and map links are illustrative.
for _slug, _ward, _street, _phone in (
    ("ninh-kieu", "Ninh Kiều", "Số 10 Trần Văn Khéo", "0292 3 821 040"),
    ("nga-bay", "Ngã Bảy", "Số 1 Hùng Vương, khu vực 1", "0293 3 866 240"),
    ("dai-thanh", "Đại Thành", "Quốc lộ 61C, ấp Mái Dầm", "0293 3 866 550"),
):
    _email = _slug.replace("-", "")
    UNITS.append(
        {
            "slug": f"{_slug}-centre",
            "parent": _slug,
            "name": f"Trung tâm Phục vụ hành chính công phường {_ward}",
            "short_name": f"TTPVHCC phường {_ward}",
            "kind": "service_centre",
            "valid_from": REORGANISED_ON,
            "serves_public": True,
            "address": f"{_street}, phường {_ward}, thành phố Cần Thơ",
            "opening_hours": OPENING_HOURS,
            "phone": _phone,
            "email": f"motcua.{_email}@cantho.example.invalid",
            "map_url": "https://www.openstreetmap.org/search?query="
            + quote(f"{_street}, {_ward}, Cần Thơ"),
        }
    )
    UNITS.append(
        {
            "slug": f"{_slug}-intake",
            "parent": f"{_slug}-centre",
            "name": f"Điểm tiếp nhận và trả kết quả số 1 phường {_ward}",
            "short_name": f"Điểm tiếp nhận số 1 – {_ward}",
            "kind": "intake_point",
            "valid_from": REORGANISED_ON,
        }
    )

# --- History until 01/7/2025 -------------------------------------------------------------------
UNITS += [
    {
        "slug": "hau-giang",
        "name": "Tỉnh Hậu Giang",
        "kind": "province",
        "admin_code": "93",
        "agency_code": "H30",  # DOMAIN.md §3 [M]
        "valid_from": CAN_THO_FROM,
        "valid_to": REORGANISED_ON,
    },
    {
        "slug": "tp-nga-bay",
        "parent": "hau-giang",
        "name": "Thành phố Ngã Bảy",
        "kind": "district_city",
        "admin_code": "931",
        "valid_from": NGA_BAY_CITY_FROM,
        "valid_to": REORGANISED_ON,
    },
]
# The wards and communes existed before 2020 under thị xã Ngã Bảy; the demo
# starts them with the city, since a unit has one parent over its life.
for _slug, _name, _kind, _code in (
    ("old-nga-bay", "Phường Ngã Bảy", "ward", "31340"),
    ("lai-hieu", "Phường Lái Hiếu", "ward", "31341"),
    ("hiep-thanh", "Phường Hiệp Thành", "ward", "31343"),
    ("hiep-loi", "Phường Hiệp Lợi", "ward", "31344"),
    ("old-dai-thanh", "Xã Đại Thành", "commune", "31411"),
    ("tan-thanh", "Xã Tân Thành", "commune", "31414"),
):
    UNITS.append(
        {
            "slug": _slug,
            "parent": "tp-nga-bay",
            "name": _name,
            "kind": _kind,
            "admin_code": _code,
            "valid_from": NGA_BAY_CITY_FROM,
            "valid_to": REORGANISED_ON,
        }
    )

# predecessor slug, successor slug, effective on, legal basis, carries statistics
SUCCESSIONS: list[tuple[str, str, date, str, bool]] = [
    ("hau-giang", "can-tho", REORGANISED_ON, NQ_202, True),
    ("old-nga-bay", "nga-bay", REORGANISED_ON, NQ_1668, True),
    ("lai-hieu", "nga-bay", REORGANISED_ON, NQ_1668, True),
    ("hiep-thanh", "nga-bay", REORGANISED_ON, NQ_1668, True),
    ("hiep-loi", "dai-thanh", REORGANISED_ON, NQ_1668, True),
    ("tan-thanh", "dai-thanh", REORGANISED_ON, NQ_1668, True),
    ("old-dai-thanh", "dai-thanh", REORGANISED_ON, NQ_1668, True),
    # The city's area went to both wards; its figures go to phường Ngã Bảy.
    ("tp-nga-bay", "nga-bay", REORGANISED_ON, NQ_1668, True),
    ("tp-nga-bay", "dai-thanh", REORGANISED_ON, NQ_1668, False),
]
