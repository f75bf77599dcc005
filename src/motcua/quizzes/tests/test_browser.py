"""A full round in the browser: start, answer, lose the connection, resume, submit, see the result.

Chromium from Debian, as in ``dossiers/tests/test_browser.py``. The page's script saves
each answer in the background and keeps it on the phone while the connection is down. The clock is frozen (for the live server too) and moved
past the round's close at the end.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
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
    page = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN").new_page()
    shots = Path(os.environ.get("MOTCUA_TEST_ARTIFACTS", "var/test-artifacts")) / "quizzes"
    shots.mkdir(parents=True, exist_ok=True)
    page.set_default_timeout(15_000)

    page.goto(f"{live_server.url}/thi-truc-tuyen/")
    page.click(f"a[href='/thi-truc-tuyen/tuan/{round_.pk}/']")
    page.fill("#id_name", "Nguyễn Thị Mai")
    page.fill("#id_phone", "0912 345 678")
    page.select_option("#id_unit", str(world.commune_a.pk))
    page.click("#quiz-start-button")
    page.wait_for_selector("#quiz-attempt")
    attempt = Attempt.objects.get()
    assert "correct" not in page.content()

    def saved(count: int) -> None:
        """Wait until the server holds ``count`` answers (saved in the background)."""
        for _ in range(150):
            attempt.refresh_from_db()
            if len(attempt.answers) == count:
                return
            page.wait_for_timeout(100)
        raise AssertionError(f"{len(attempt.answers)} answers saved, not {count}")

    def answer(position: int) -> None:
        page.check(f"input[name=c{position}][value='{world.correct_choice(attempt, position)}']")

    # All four questions on one page; each answer is saved as it is given.
    assert page.locator("fieldset.quiz-question").count() == 4
    # On a phone's width nothing runs off the side.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(shots / "attempt.png"), full_page=True)
    answer(0)
    answer(1)
    saved(2)
    page.wait_for_selector("#quiz-autosave:has-text('Đã lưu câu trả lời.')")

    # The connection drops: the next answer stays on the phone, and the phone says so.
    page.context.set_offline(True)
    answer(2)
    page.wait_for_selector("#quiz-autosave:has-text('Mất kết nối')")
    assert len(Attempt.objects.get().answers) == 2
    with pytest.raises(Exception):  # noqa: B017  # Playwright's network error
        page.reload()
    page.context.set_offline(False)

    # Back online, the round's page offers to continue; the page puts back the answer
    # kept on the phone and saves it.
    page.goto(f"{live_server.url}/thi-truc-tuyen/tuan/{round_.pk}/")
    page.click("#quiz-resume a")
    page.wait_for_selector("#quiz-attempt")
    saved(3)
    assert page.is_checked(f"input[name=c2][value='{world.correct_choice(attempt, 2)}']")
    answer(3)
    page.fill("#id_prediction", "1")
    with clock.frozen(NOW + timedelta(minutes=3)):
        page.click("#quiz-submit-button")
        page.wait_for_selector("#quiz-score")
    assert page.inner_text("#quiz-score") == "Đúng 4 trên 4 câu, trong 180,0 giây."
    page.screenshot(path=str(shots / "result.png"), full_page=True)
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
