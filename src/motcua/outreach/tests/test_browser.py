"""A reform officer signs in, makes a plan, an activity and a report with evidence, and
downloads the month's Excel report. Chromium from Debian, as in the dossiers' tests."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from motcua.core import clock
from motcua.dossiers.tests.test_browser import (  # noqa: F401  # fixtures
    browser,
    sign_in,
)
from motcua.dossiers.tests.test_browser import pytestmark as dossier_marks
from motcua.outreach.models import Evidence
from motcua.outreach.tests.helpers import World, at, png

pytestmark = dossier_marks
NOW = at(2026, 4, 15, 9)


@pytest.fixture
def world(transactional_db: Any) -> Iterator[World]:
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    built = World()
    with clock.frozen(NOW):
        yield built


def test_plan_activity_report_and_excel_in_the_browser(
    world: World,
    live_server: Any,
    browser: Any,  # noqa: F811
) -> None:
    page = sign_in(browser, live_server, world.ward_officer, accept_downloads=True)
    # The reform officer lands on the outreach home, not on the dashboard.
    assert re.search(r"/tuyen-truyen/$", page.url), page.url
    page.click("#new-plan")
    page.fill("#id_title", "Kế hoạch tuyên truyền CCHC năm 2026")
    page.fill("#id_objectives", "Người dân biết và dùng dịch vụ công trực tuyến.")
    page.click("#save-plan")
    page.wait_for_url(re.compile(r".*/tuyen-truyen/ke-hoach/\d+/$"))
    plan_url = page.url

    # A bad activity is refused with a summary, then corrected.
    page.click("#new-activity")
    page.fill("#id_title", "Phát thanh về dịch vụ công trực tuyến")
    page.select_option("#id_channel", str(world.channels["radio"].pk))
    page.select_option("#id_topic", str(world.topics["one_stop"].pk))
    page.select_option("#id_period_kind", "month")
    page.fill("#id_period", "13")
    page.fill("#id_target_quantity", "2")
    page.click("#save-activity")
    assert "Chọn tháng từ 1 đến 12." in page.inner_text("main")
    page.fill("#id_period", "3")
    page.click("#save-activity")
    page.wait_for_url(plan_url)
    assert "Quá hạn" in page.inner_text("#activities")

    page.locator("#activities a").first.click()
    page.wait_for_url(re.compile(r".*/tuyen-truyen/hoat-dong/\d+/$"))
    page.fill("#id_reported_on", "20/03/2026")
    page.fill("#id_quantity", "2")
    page.fill("#id_people", "350")
    page.set_input_files(
        "#id_evidence",
        files=[{"name": "bien-ban.png", "mimeType": "image/png", "buffer": png().read()}],
    )
    page.click("#save-report")
    page.wait_for_selector("#progress td a")
    assert page.inner_text("#state") == "Hoàn thành"
    assert Evidence.objects.count() == 1

    page.goto(plan_url)
    assert page.inner_text("#completion") == "100,0"
    with page.expect_download() as download:
        page.click("#report-month-xlsx")
    book = load_workbook(BytesIO(Path(download.value.path()).read_bytes()))
    values = [cell for row in book.active.iter_rows(values_only=True) for cell in row]
    assert "Phát thanh về dịch vụ công trực tuyến" in values
    assert 350 in values
    page.context.close()
