"""A full round in the browser: start, answer, lose the connection, resume, submit, see the result.

Chromium from Debian, as in ``dossiers/tests/test_browser.py``; no JavaScript is needed by
the pages, the browser only clicks. The clock is frozen (for the live server too) and moved
past the round's close at the end.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from motcua.core import clock
from motcua.dossiers.tests.test_browser import browser  # noqa: F401  # fixture
from motcua.dossiers.tests.test_browser import pytestmark as dossier_marks
from motcua.quizzes.models import Attempt, AttemptStatus
from motcua.quizzes.tests.helpers import World, at

pytestmark = dossier_marks
NOW = at(2026, 12, 7, 9)


@pytest.fixture
def quiz_world(transactional_db: Any) -> Iterator[World]:
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with clock.frozen(NOW):
        yield World()


def test_a_full_round_with_a_dropped_connection(
    quiz_world: World,
    live_server: Any,
    browser: Any,  # noqa: F811
) -> None:
    world = quiz_world
    round_ = world.round(question_count=4)
    page = browser.new_context().new_page()
    page.set_default_timeout(15_000)

    page.goto(f"{live_server.url}/thi-truc-tuyen/")
    page.click(f"a[href='/thi-truc-tuyen/tuan/{round_.pk}/']")
    page.fill("#id_name", "Nguyễn Thị Mai")
    page.fill("#id_phone", "0912 345 678")
    page.select_option("#id_unit", str(world.commune_a.pk))
    page.click("#quiz-start-button")
    page.wait_for_selector("#quiz-question")
    attempt = Attempt.objects.get()
    assert "correct" not in page.content()

    def answer(position: int) -> None:
        page.wait_for_selector(f"input[name=position][value='{position}']", state="attached")
        page.check(f"#choice-{world.correct_choice(attempt, position)}")
        page.click("#quiz-save")

    answer(0)
    answer(1)
    page.wait_for_selector("input[name=position][value='2']", state="attached")

    # The connection drops: the next page cannot load; nothing given so far is lost.
    page.context.set_offline(True)
    with pytest.raises(Exception):  # noqa: B017  # Playwright's network error
        page.reload()
    page.context.set_offline(False)
    attempt.refresh_from_db()
    assert len(attempt.answers) == 2

    # Back online, the round's page offers to continue, at the first unanswered question.
    page.goto(f"{live_server.url}/thi-truc-tuyen/tuan/{round_.pk}/")
    page.click("#quiz-resume a")
    page.wait_for_selector("input[name=position][value='2']", state="attached")
    answer(2)
    answer(3)

    page.wait_for_selector("#quiz-submit")
    page.fill("#id_prediction", "1")
    with clock.frozen(NOW + timedelta(minutes=3)):
        page.click("#quiz-submit-button")
        page.wait_for_selector("#quiz-score")
    assert page.inner_text("#quiz-score") == "Đúng 4 trên 4 câu, trong 180,0 giây."
    assert page.locator("#quiz-wait").count() == 1
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.SUBMITTED

    # After the round closes, the result shows the rank and the round publishes the ranking.
    with clock.frozen(round_.closes_at + timedelta(minutes=1)):
        page.reload()
        assert page.inner_text("#quiz-place") == "Thứ hạng của bạn trong tuần thi: 1."
        page.click(f"a[href='/thi-truc-tuyen/tuan/{round_.pk}/']")
        page.wait_for_selector("#quiz-ranking")
        assert "Nguyễn Thị Mai (091****678)" in page.inner_text("#quiz-ranking")
        assert page.inner_text("#quiz-participants").startswith("Dự đoán được so với con số 1")
    page.context.close()
