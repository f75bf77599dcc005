"""The judge's tablet page in Chromium: land on the sheets, saved as typed, submit, locked.

Chromium from Debian driven by Playwright, with the fixtures of
``dossiers/tests/test_browser.py``; a tablet-sized viewport.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import Any

import pytest

from motcua.contests import services
from motcua.contests.models import ScoreSheet, SheetStatus
from motcua.contests.tests.helpers import ContestWorld, performance_of
from motcua.dossiers.tests.test_browser import browser  # noqa: F401  # fixture
from motcua.dossiers.tests.test_browser import pytestmark as dossier_marks

pytestmark = dossier_marks


@pytest.fixture
def contest_world(transactional_db: Any) -> Iterator[ContestWorld]:
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield ContestWorld()


def test_judge_scores_on_a_tablet(
    contest_world: ContestWorld,
    live_server: Any,
    browser: Any,  # noqa: F811
) -> None:
    w = contest_world
    round_, teams, criteria = w.prepared_round(teams=2)
    services.round_open(actor=w.organiser, round_=round_)
    first, second = performance_of(round_, teams[0]), performance_of(round_, teams[1])
    judge = w.judges[0]
    context = browser.new_context(viewport={"width": 800, "height": 1280}, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15_000)

    # Signing in, the judge lands on their sheets (the landing registered for the role).
    page.goto(f"{live_server.url}/dang-nhap/")
    page.fill("#id_username", judge.get_username())
    page.fill("#id_password", "x")
    page.press("#id_password", "Enter")
    page.wait_for_url(re.compile(r".*/giam-khao/$"))
    assert "Chưa chấm" in page.inner_text("main")

    # One performance at a time, with large inputs; a partial sheet is saved as given.
    page.click(f"a[href='/giam-khao/phieu/{first.pk}/']")
    assert page.inner_text("#performance-title").endswith(teams[0].name)
    content, delivery = criteria
    box = page.locator(f"#id_criterion_{content.pk}").bounding_box()
    assert box is not None and box["height"] >= 44  # a finger-sized target
    # Typing updates the total and saves in the background: a reload keeps the points.
    page.fill(f"#id_criterion_{content.pk}", "52,5")
    assert page.inner_text("#sheet-total") == "52,5"
    page.wait_for_selector("#autosave-status:has-text('Đã lưu lúc')")
    page.reload()
    assert page.input_value(f"#id_criterion_{content.pk}") == "52.5"
    sheet = ScoreSheet.objects.get(judge=judge, performance=first)
    assert sheet.status == SheetStatus.DRAFT

    # Out of range: the error summary names the criterion, nothing is submitted.
    page.fill(f"#id_criterion_{delivery.pk}", "45")
    page.click("#submit-sheet")
    page.wait_for_selector("#error-summary")
    assert "từ 0 đến 40 điểm" in page.inner_text("#error-summary")
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.DRAFT

    # Submitted, the sheet locks and the next performance opens.
    page.fill(f"#id_criterion_{delivery.pk}", "30")
    page.click("#submit-sheet")
    page.wait_for_url(re.compile(rf".*/giam-khao/phieu/{second.pk}/$"))
    sheet.refresh_from_db()
    assert (sheet.status, str(sheet.total)) == (SheetStatus.SUBMITTED, "82.50")
    page.click("#previous-performance")
    page.wait_for_selector("#sheet-locked")
    assert page.locator("#submit-sheet").count() == 0
    assert page.locator(f"#id_criterion_{content.pk}").is_disabled()
    context.close()
