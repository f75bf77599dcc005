"""Stable codes of the unit kinds and roles shipped by the data migrations.

Other apps refer to kinds and roles by these codes, so they are a contract:
the names and flags are data an administrator may edit, the codes are not.
"""

from __future__ import annotations

from enum import StrEnum


class UnitKindCode(StrEnum):
    """Codes of :class:`motcua.org.models.UnitKind` rows."""

    PROVINCE = "province"
    CENTRAL_CITY = "central_city"
    COMMUNE = "commune"
    WARD = "ward"
    SPECIAL_ZONE = "special_zone"
    TOWNSHIP = "township"  # historical: thị trấn, until 01/7/2025
    DISTRICT = "district"  # historical: huyện
    URBAN_DISTRICT = "urban_district"  # historical: quận
    DISTRICT_CITY = "district_city"  # historical: thành phố thuộc tỉnh
    TOWN = "town"  # historical: thị xã
    SPECIALISED_AGENCY = "specialised_agency"
    SERVICE_CENTRE = "service_centre"
    INTAKE_POINT = "intake_point"
    VERTICAL_AGENCY = "vertical_agency"
    PEOPLE_COMMITTEE = "people_committee"


class RoleCode(StrEnum):
    """Codes of :class:`motcua.org.models.Role` rows."""

    INTAKE_OFFICER = "intake_officer"
    CASE_HANDLER = "case_handler"
    DIVISION_HEAD = "division_head"
    AGENCY_LEADER = "agency_leader"
    CENTRE_DIRECTOR = "centre_director"
    COMMUNE_LEADER = "commune_leader"
    REGISTRY_CLERK = "registry_clerk"
    REFORM_OFFICER = "reform_officer"
    JUDGE = "judge"
    ADMINISTRATOR = "administrator"
