"""A reform officer scores an initiative with the council and concludes, in Chromium."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from motcua.dossiers.tests.test_browser import (  # noqa: F401  # fixtures
    browser,
    login,
)
from motcua.dossiers.tests.test_browser import pytestmark as dossier_marks
from motcua.initiatives import services
from motcua.initiatives.constants import InitiativeStatus
from motcua.initiatives.models import Initiative
from motcua.initiatives.tests.helpers import Province
from motcua.initiatives.tests.test_services import register

pytestmark = dossier_marks


@pytest.fixture
def province(transactional_db: Any) -> Iterator[Province]:
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield Province()


def test_council_scores_and_concludes(province: Province, live_server: Any, browser: Any) -> None:  # noqa: F811
    initiative = register(province)
    council = services.council_form(
        actor=province.officer,
        initiative=initiative,
        name="Hội đồng sáng kiến cơ sở",
        members=[("Võ Minh Tâm", "Chủ tịch"), ("Đặng Thị Hoa", ""), ("Huỳnh Văn Sáu", "")],
    )
    members = list(council.members.order_by("id"))
    page = login(browser, live_server, province.officer)
    page.goto(f"{live_server.url}/sang-kien/")
    page.click(f"text={initiative.title}")
    page.click(f"a[href='/sang-kien/{initiative.pk}/hoi-dong/']")

    # A score out of range is refused with the summary, nothing saved.
    page.fill(f"#id_s-score_{members[0].pk}", "120")
    page.click("button[name=save]")
    page.wait_for_selector("#error-summary")
    assert "từ 0 đến 100" in page.inner_text("#error-summary")

    for member, score in zip(members, ("85", "70", "72,5"), strict=True):
        page.fill(f"#id_s-score_{member.pk}", score)
    page.fill(f"#id_s-opinion_{members[0].pk}", "Thiết thực, dễ nhân rộng.")
    page.click("button[name=save]")
    page.fill("#id_c-opinion", "Đạt; đề nghị công nhận.")
    page.click("button[name=conclude]")
    page.wait_for_url(f"**/sang-kien/{initiative.pk}/")
    text = page.inner_text("main")
    assert "75,83" in text
    assert "Hội đồng đánh giá đạt" in text
    assert Initiative.objects.get(pk=initiative.pk).status == InitiativeStatus.PASSED
    page.context.close()
