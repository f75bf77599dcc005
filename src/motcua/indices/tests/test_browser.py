"""What a leader clicks: the morning page, the index, a drill-down and a report download."""

from __future__ import annotations

import os
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from motcua.catalog.models import ProcedureVersion
from motcua.core import clock
from motcua.dossiers.tests import test_browser as base
from motcua.indices.rollups import rollups_refresh
from motcua.indices.tests.helpers import World
from motcua.indices.tests.test_service_index import NOW, march_data

pytestmark = base.pytestmark
browser = base.browser
login = base.login


@pytest.fixture
def march(transactional_db: Any):
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    world = World()
    ProcedureVersion.objects.filter(pk=world.restart_version.pk).update(online_level="partial")
    rows = march_data(world)
    rollups_refresh()
    with clock.frozen(NOW):
        yield world, rows


def test_leader_drills_from_the_index_to_the_dossiers(
    march: Any, live_server: Any, browser: Any
) -> None:
    world, rows = march
    page = login(browser, live_server, world.leader)
    page.get_by_role("link", name="Bảng điều hành").click()
    page.wait_for_selector("#overdue-count")
    assert page.inner_text("#overdue-count") == "1"
    # On time, online, satisfaction, procedures, units, steps, workload.
    assert page.locator("svg.chart").count() == 7
    page.get_by_text("Bảng số liệu").first.click()
    assert "03/2026" in page.inner_text("table.data")

    page.get_by_role("link", name="Chỉ số phục vụ (QĐ 766)").click()
    page.fill("#id_period", "2026-13")
    page.get_by_role("button", name="Xem").click()
    assert "không hợp lệ" in page.inner_text(".error-summary")
    page.fill("#id_period", "2026-03")
    page.get_by_role("button", name="Xem").click()
    assert page.inner_text("#index-total") == "27,55"
    page.locator("#indicator-2\\.1").get_by_role("link", name="hồ sơ làm mất điểm").click()
    codes = page.locator("#drilldown td.code").all_inner_texts()
    assert codes == [rows["B"].code, rows["C"].code]

    page.get_by_role("link", name="Quay lại bộ chỉ số").click()
    with page.expect_download() as download:
        page.get_by_role("button", name="Báo cáo (Excel)").click()
    book = load_workbook(BytesIO(Path(download.value.path()).read_bytes()))
    assert book.sheetnames[0] == "Chỉ số phục vụ"
