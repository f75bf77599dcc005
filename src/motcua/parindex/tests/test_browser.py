"""The self-assessment in the browser: open, score with an error then right, submit, appraise.

Chromium from Debian, with the fixtures of ``dossiers/tests/test_browser.py``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from motcua.core import clock
from motcua.dossiers.tests.test_browser import (
    NOW,
    browser,  # noqa: F401  # fixture
    login,
)
from motcua.dossiers.tests.test_browser import pytestmark as dossier_marks
from motcua.parindex.models import Assessment, Score
from motcua.parindex.services import assessment_score
from motcua.parindex.tests.helpers import ParWorld

pytestmark = dossier_marks


@pytest.fixture
def par_world(transactional_db: Any) -> Iterator[ParWorld]:
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    world = ParWorld()
    world.sample()
    with clock.frozen(NOW):
        yield world


def test_score_submit_and_appraise(par_world: ParWorld, live_server: Any, browser: Any) -> None:  # noqa: F811
    w = par_world
    page = login(browser, live_server, w.ward_officer)
    page.goto(f"{live_server.url}/chi-so-cchc/")
    page.select_option("#id_unit", str(w.ward.pk))
    page.click("text=Mở bản tự đánh giá")
    page.wait_for_selector("#totals")
    assessment = Assessment.objects.get()
    first = Score.objects.get(assessment=assessment, sub_criterion__code="1.1.1")
    row = page.locator(f"#r{first.sub_criterion_id}")

    # Above the maximum: the summary names the problem and links to the field.
    row.locator("input[name$='-points']").fill("7")
    row.locator("button[value=score]").click()
    page.wait_for_selector("#error-summary")
    assert "từ 0 đến 1" in page.inner_text("#error-summary")
    page.click("#error-summary a")
    assert page.evaluate("document.activeElement.name") == f"s{first.sub_criterion_id}-points"

    page.locator(f"#r{first.sub_criterion_id} input[name$='-points']").fill("0,5")
    page.locator(f"#r{first.sub_criterion_id} button[value=score]").click()
    page.wait_for_selector("#totals")
    first.refresh_from_db()
    assert first.self_points == Decimal("0.5")

    # Submitting with rows left empty names them; once all are scored it goes.
    page.click("button[value=submit]")
    page.wait_for_selector("#error-summary")
    assert "1.1.2" in page.inner_text("#error-summary")
    for score in Score.objects.filter(assessment=assessment, self_points__isnull=True):
        assessment_score(
            assessment=assessment,
            sub_criterion_id=score.sub_criterion_id,
            points="0",
            actor=w.ward_officer,
        )
    page.goto(f"{live_server.url}/chi-so-cchc/danh-gia/{assessment.pk}/")
    page.click("button[value=submit]")
    page.wait_for_selector("text=Đã gửi thẩm định")
    page.context.close()

    # The city's reform officer enters the survey component and closes the appraisal.
    city = login(browser, live_server, w.city_officer)
    city.goto(f"{live_server.url}/chi-so-cchc/")
    city.click(f"text={w.ward.name} · 2026")
    city.fill("#id_points", "18")
    city.click("button[value=survey]")
    city.click("button[value=appraise]")
    city.wait_for_selector("text=Đã thẩm định")
    assessment.refresh_from_db()
    assert (assessment.status, assessment.survey_points) == ("appraised", Decimal(18))
    city.goto(f"{live_server.url}/chi-so-cchc/bo-chi-so/{assessment.definition_id}/xep-hang/")
    assert w.ward.name in city.inner_text("main")
    city.context.close()
