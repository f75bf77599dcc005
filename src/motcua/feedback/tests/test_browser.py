"""The kiosk path end to end in two browser contexts: the officer's and the tablet's.

The officer returns the result, pairs the desk's tablet, sends the dossier
to it; the tablet shows it (nothing personal); the citizen taps; the
officer's screen shows the rating. Chromium from Debian, as in
``dossiers/tests/test_browser.py``.
"""

from __future__ import annotations

import re
from typing import Any

from motcua.dossiers.tests.test_browser import (  # noqa: F401  # fixtures
    browser,
    login,
    world,
)
from motcua.dossiers.tests.test_browser import pytestmark as dossier_marks
from motcua.feedback.models import Evaluation
from motcua.feedback.services import kiosk_create
from motcua.feedback.tests.helpers import World, handled

pytestmark = dossier_marks


def test_kiosk_rating_in_two_contexts(world: World, live_server: Any, browser: Any) -> None:  # noqa: F811
    dossier = handled(world)
    kiosk_create(unit=world.centre, name="Quầy 1", actor=world.intake)
    officer = login(browser, live_server, world.intake)

    # The officer returns the result on the dossier's page.
    officer.goto(f"{live_server.url}/mot-cua/ho-so/{dossier.code}/")
    give_back = officer.locator("#action-return_result")
    give_back.locator("input[value=counter]").check()
    give_back.locator("input[name='return_result-received_by']").fill("Trần Thị Bích Ngọc")
    give_back.locator("button[type=submit]").first.click()
    officer.wait_for_selector("#rate-at-kiosk")

    # The desk's tablet is paired with a code shown to the officer.
    officer.goto(f"{live_server.url}/phan-hoi/may-danh-gia/")
    officer.locator("button[name=pair]").click()
    code = re.search(r"(\d{8})", officer.inner_text("#pairing-code")).group(1)
    tablet = browser.new_context().new_page()
    tablet.set_default_timeout(15_000)
    tablet.goto(f"{live_server.url}/danh-gia/may/")
    tablet.fill("#id_code", code)
    tablet.click("#pair")
    tablet.wait_for_selector("#kiosk-idle")

    # The officer sends the dossier to the kiosk and waits.
    officer.goto(f"{live_server.url}/mot-cua/ho-so/{dossier.code}/")
    officer.click("#rate-at-kiosk")
    officer.click("#send-to-kiosk")
    officer.wait_for_selector("#kiosk-waiting")

    # The tablet refreshes itself and shows the procedure, nothing personal.
    tablet.wait_for_selector("#kiosk-rate")
    shown = tablet.inner_text("main")
    assert dossier.procedure_version.name in shown
    for personal in (dossier.applicant_name, dossier.code, dossier.applicant_id_number):
        assert personal not in shown
    tablet.click("#level-satisfied")
    tablet.wait_for_selector("#kiosk-thanks")
    # … and resets itself to the idle screen.
    tablet.wait_for_selector("#kiosk-idle")

    # The officer's screen refreshes and shows the rating.
    officer.wait_for_selector("#kiosk-rated")
    assert officer.inner_text("#kiosk-rated") == "Đã đánh giá: Hài lòng"
    evaluation = Evaluation.objects.get(dossier=dossier)
    assert (evaluation.level, evaluation.channel) == ("satisfied", "kiosk")
    officer.goto(f"{live_server.url}/mot-cua/ho-so/{dossier.code}/")
    assert officer.inner_text("#rating-panel").startswith("Hài lòng")
    tablet.context.close()
    officer.context.close()


def test_rating_link_in_the_browser(world: World, live_server: Any, browser: Any) -> None:  # noqa: F811
    """The citizen opens the link of the return message, taps, and the link is used up."""
    import re as _re

    from motcua.core.models import Notification
    from motcua.feedback.tests.helpers import returned

    dossier = returned(world)
    body = Notification.objects.get(event="feedback.rating_invite", channel="email").body
    path = _re.search(r"(/danh-gia/[^/\s]+/)", body).group(1)
    page = browser.new_context().new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}{path}")
    assert dossier.procedure_version.name in page.inner_text("main")
    assert dossier.applicant_name not in page.inner_text("main")
    page.click("summary")  # open the nine indicators
    for number in range(1, 10):
        page.select_option(f"#id_indicator_{number}", "2" if number != 7 else "0")
    page.click("#level-satisfied")
    page.wait_for_selector("#rate-done")
    evaluation = Evaluation.objects.get(dossier=dossier)
    assert (evaluation.channel, evaluation.total, evaluation.band) == ("link", 16, "Xuất sắc")
    assert evaluation.follow_up.reason == "chỉ tiêu thấp: 7"
    page.goto(f"{live_server.url}{path}")
    assert "đã được sử dụng" in page.inner_text("#rate-closed")
    page.context.close()
