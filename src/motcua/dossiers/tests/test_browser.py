"""What officers click: counter intake from the keyboard, and a dossier taken to its return.

Playwright drives Debian's Chromium (never ``playwright install``); where it
is missing the tests are skipped with the install command. The clock is
frozen on a working Monday morning, for the live server thread too.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Iterator
from io import BytesIO
from typing import Any

import pytest
from django.db import connections

from motcua.core import clock
from motcua.dossiers.constants import DossierStatus
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.helpers import World, at
from motcua.org.accounts import second_factor_provision, second_factor_required
from motcua.org.tests.helpers import totp_code

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
NOW = at(2026, 3, 2, 9)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        shutil.which(CHROMIUM) is None, reason="Cài Chromium: apt-get install chromium"
    ),
]


@pytest.fixture
def world(transactional_db: Any) -> Iterator[World]:
    """Build the test world and freeze the clock (shared with the live server thread)."""
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    world = World()
    with clock.frozen(NOW):
        yield world


@pytest.fixture
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()
        # Playwright's loop makes Django keep the test's connections apart from the
        # thread's; close them, or PostgreSQL cannot drop the test database.
        connections.close_all()


def login(browser: Any, live_server: Any, user: Any) -> Any:
    """Open a fresh browser session signed in as ``user`` through the login page.

    A leader's role requires a second factor: the user gets a device, and the
    code of its authenticator app is typed after the password.
    """
    device = None
    if second_factor_required(user):
        device = second_factor_provision(actor="tests", user=user)
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/dang-nhap/?next=/mot-cua/")
    page.fill("#id_username", user.get_username())
    page.fill("#id_password", "x")
    page.press("#id_password", "Enter")
    if device is not None:
        page.wait_for_url(re.compile(r".*/dang-nhap/ma-xac-thuc/$"))
        device.refresh_from_db()
        now_step = int(time.time()) // device.step
        page.fill("#id_code", totp_code(device, steps_ahead=int(device.last_t >= now_step)))
        page.press("#id_code", "Enter")
    page.wait_for_url(re.compile(r".*/mot-cua/$"))
    return page


def capture_pdf(page: Any, pattern: str) -> list[bytes]:
    """Serve requests matching ``pattern`` through the test, keeping each response's body."""
    bodies: list[bytes] = []

    def handle(route: Any) -> None:
        response = route.fetch()
        bodies.append(response.body())
        route.fulfill(response=response)

    page.context.route(pattern, handle)
    return bodies


def pdf_text(body: bytes) -> str:
    from pypdf import PdfReader

    return "".join(page.extract_text() for page in PdfReader(BytesIO(body)).pages)


def test_counter_intake_to_printed_receipt_from_the_keyboard(
    world: World, live_server: Any, browser: Any
) -> None:
    page = login(browser, live_server, world.intake)
    page.goto(f"{live_server.url}/mot-cua/tiep-nhan/")

    # The search box has the focus: type, Enter lists and selects, Enter opens.
    assert page.evaluate("document.activeElement.id") == "id_q"
    page.keyboard.type("dang ky khai sinh")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.classList.contains('pick')")
    assert "Đăng ký khai sinh" in page.evaluate("document.activeElement.textContent")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/tiep-nhan/1\.001193/$"))

    # The first document has the focus; Space ticks, Tab moves on.
    assert page.evaluate("document.activeElement.name") == "documents"
    assert page.locator("input[name=documents]:checked").count() == 0
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    assert page.locator("input[name=documents]:checked").count() == 2
    page.keyboard.press("Tab")  # person / organisation: "person" is chosen already
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "applicant_name"
    page.keyboard.type("Nguyễn Văn Bình")
    page.keyboard.press("Tab")
    page.keyboard.type("092085001234")
    page.keyboard.press("Tab")
    page.keyboard.type("0912345678")
    page.keyboard.press("Enter")  # Accept is the default button

    page.wait_for_url(re.compile(r".*/tiep-nhan/xong/.+/$"))
    dossier = Dossier.objects.get()
    # Intake handed it over at once: it waits in the ward's review queue.
    assert dossier.status == DossierStatus.IN_PROGRESS
    assert dossier.current_step is not None
    assert dossier.current_step.unit == world.ward
    assert dossier.applicant_name == "Nguyễn Văn Bình"
    assert dossier.documents.filter(provided=True).count() == 2
    assert page.locator("#dossier-code").inner_text() == dossier.code
    assert "05/03/2026" in page.inner_text("main")

    # Enter prints: the receipt opens in a new tab as a PDF carrying the code.
    bodies = capture_pdf(page, "**/in/receipt/**")
    assert page.evaluate("document.activeElement.type") == "submit"
    with page.context.expect_page() as opened:
        page.keyboard.press("Enter")
    receipt = opened.value
    for _attempt in range(100):
        if bodies:
            break
        page.wait_for_timeout(100)
    assert bodies, "the receipt PDF was not requested"
    receipt.close()
    assert bodies[0].startswith(b"%PDF")
    assert dossier.code is not None
    assert dossier.code in pdf_text(bodies[0])

    # "Next citizen" goes back to an empty search with the focus in it.
    page.keyboard.press("Alt+k")
    page.wait_for_url(re.compile(r".*/tiep-nhan/$"))
    # Autofocus may land a moment after the load event: wait for it rather than race it.
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'id_q'")


def hand_over(page: Any, live_server: Any, code: str, to: Any) -> None:
    page.goto(f"{live_server.url}/mot-cua/ho-so/{code}/")
    section = page.locator("#action-hand_over")
    section.locator("select").select_option(str(to.pk))
    section.locator("button[type=submit]").click()
    page.wait_for_selector(".messages li")


def test_a_dossier_goes_from_the_counter_to_its_return(
    world: World, live_server: Any, browser: Any
) -> None:
    dossier = world.receive()  # intake hands it to the ward's queue at once
    code = dossier.code
    assert code is not None

    page = login(browser, live_server, world.handler)
    # The handler lands on the queue that holds work: the ward's, where the dossier waits.
    assert page.get_attribute("nav.tabs a.current", "data-tab") == "unit"
    assert code in page.inner_text("table.queue")
    hand_over(page, live_server, code, world.leader)
    page.context.close()

    page = login(browser, live_server, world.leader)
    page.goto(f"{live_server.url}/mot-cua/ho-so/{code}/")
    decide = page.locator("#action-decide")
    decide.locator("input[value=granted]").check()
    decide.locator("button[type=submit]").click()
    page.wait_for_selector(".messages li")
    page.context.close()

    page = login(browser, live_server, world.intake)
    page.goto(f"{live_server.url}/mot-cua/ho-so/{code}/")
    give_back = page.locator("#action-return_result")
    give_back.locator("input[value=counter]").check()
    give_back.locator("input[name='return_result-received_by']").fill("Trần Thị Bích Ngọc")
    give_back.locator("button[type=submit]").first.click()
    page.wait_for_selector(".messages li")

    status = page.locator("#dossier-status")
    assert status.get_attribute("data-status") == DossierStatus.RETURNED
    assert status.inner_text() == "Đã trả kết quả"  # the UI is in Vietnamese by default
    assert "Trần Thị Bích Ngọc" in page.inner_text("main")
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RETURNED
    assert dossier.returned_to == "Trần Thị Bích Ngọc"
    page.context.close()


def sign_in(browser: Any, live_server: Any, user: Any, **context: Any) -> Any:
    """Sign in through the login page without a ``next``: where does the user land?"""
    page = browser.new_context(**context).new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/dang-nhap/")
    page.fill("#id_username", user.get_username())
    page.fill("#id_password", "x")
    page.press("#id_password", "Enter")
    page.wait_for_load_state()
    return page


def menu_texts(page: Any) -> list[str]:
    return [text.strip() for text in page.locator("header nav a").all_inner_texts()]


def test_officers_land_on_their_queue_and_find_a_returning_citizen(
    world: World, live_server: Any, browser: Any
) -> None:
    from motcua.dossiers import services as s

    dossier = world.receive()
    with clock.frozen(NOW):
        s.dossier_submit_online(
            applicant=world.applicant(name="Lê Thị Mỹ Duyên"),
            procedure_code=world.pause_version.procedure.code,
            receiving_unit=world.centre,
            provided_documents=world.documents(world.pause_version),
        )

    page = sign_in(browser, live_server, world.intake)
    assert re.search(r"/mot-cua/$", page.url)
    assert "Tiếp nhận" in menu_texts(page)
    # The desk lands on the tab that holds work: the online submission awaiting intake.
    assert page.get_attribute("nav.tabs a.current", "data-tab") == "intake"
    assert page.inner_text("nav.tabs a[data-tab=intake] .count") == "1"

    # Alt+S puts the cursor in the search; the code as a citizen reads it out is enough.
    page.keyboard.press("Alt+s")
    assert page.evaluate("document.activeElement.id") == "id_q"
    assert dossier.code is not None
    page.keyboard.type(dossier.code.lower().replace(".", " ").replace("-", " "))
    page.keyboard.press("Enter")
    page.wait_for_selector("table.queue")
    link = page.locator("table.queue td.code a")
    assert link.all_inner_texts() == [dossier.code]
    # The code stays on one line.
    assert (
        page.evaluate(
            "() => document.querySelector('table.queue td.code a').getClientRects().length"
        )
        == 1
    )
    page.context.close()

    page = sign_in(browser, live_server, world.handler)
    assert re.search(r"/mot-cua/$", page.url)
    assert "Tiếp nhận" not in menu_texts(page)
    assert "Hồ sơ cần xử lý" in menu_texts(page)
    page.context.close()


def test_a_reform_officer_lands_on_the_dashboard_and_is_told_what_they_can_do(
    world: World, live_server: Any, browser: Any
) -> None:
    from django.contrib.auth import get_user_model

    from motcua.org.services import role_assignment_create

    officer = get_user_model().objects.create_user("caicach", password="x")
    role_assignment_create(
        actor="test", user=officer, role=world.roles["reform_officer"], unit=world.ward
    )
    page = sign_in(browser, live_server, officer)
    # Reform officers land on the outreach home; the page of what they can do is
    # one click away.
    assert re.search(r"/tuyen-truyen/$", page.url)
    page.goto(f"{live_server.url}/mot-cua/bat-dau/")
    assert page.inner_text("h1") == "Những việc có thể làm hôm nay"
    assert "Cán bộ cải cách hành chính" in page.inner_text("#held-roles")
    assert "Việc của tôi" in menu_texts(page)
    assert "Tiếp nhận" not in menu_texts(page)
    page.click("#capabilities a >> nth=0")
    page.wait_for_url(re.compile(r".*/thu-tuc/$"))
    page.context.close()


def test_errors_are_summarised_and_the_summary_takes_the_focus(
    world: World, live_server: Any, browser: Any
) -> None:
    page = login(browser, live_server, world.intake)
    page.goto(f"{live_server.url}/mot-cua/tiep-nhan/1.001193/")
    page.fill("#id_applicant_phone", "12")
    page.click("#accept-button")
    page.wait_for_selector("#error-summary")
    assert page.title().startswith("Lỗi: ")
    page.wait_for_function("() => document.activeElement.id === 'error-summary'")
    links = page.locator("#error-summary a")
    assert links.count() >= 3  # applicant's name, phone and the documents, all at once
    page.click("#error-summary a[href='#id_applicant_phone']")
    assert page.evaluate("document.activeElement.id") == "id_applicant_phone"
    assert Dossier.objects.count() == 0
    page.context.close()


def test_the_applicant_collects_the_result_with_one_key(
    world: World, live_server: Any, browser: Any
) -> None:
    from motcua.dossiers import services as s

    dossier = world.receive(to_user=world.handler)
    with clock.frozen(at(2026, 3, 2, 9, 30)):
        dossier = s.dossier_hand_over(dossier=dossier, actor=world.handler, to_user=world.leader)
        dossier = s.dossier_decide(dossier=dossier, actor=world.leader, decision="granted")

    page = login(browser, live_server, world.intake)
    page.goto(f"{live_server.url}/mot-cua/ho-so/{dossier.code}/")
    page.keyboard.press("Alt+n")
    page.wait_for_selector(".messages li")
    assert page.get_attribute("#dossier-status", "data-status") == DossierStatus.RETURNED
    dossier.refresh_from_db()
    assert (dossier.return_method, dossier.returned_to) == ("counter", "Trần Thị Bích Ngọc")
    page.context.close()


def test_the_year_calendar_reads_as_month_grids_on_a_1280_pixel_screen(
    world: World, live_server: Any, browser: Any
) -> None:
    from django.contrib.auth import get_user_model
    from django.test import Client

    from motcua.workdays.models import CalendarYear

    admin = get_user_model().objects.create_superuser("quantri", password="x")
    year = CalendarYear.objects.get(year=2026)
    # An administrator signs in with a one-time code; the test hands the browser a session.
    client = Client()
    client.force_login(admin)
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/admin/workdays/calendaryear/{year.pk}/change/")
    page.wait_for_selector("#year-grid")
    months = page.locator("table.year-grid-month")
    assert months.count() == 12
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    box = page.locator("#year-grid").bounding_box()
    assert box is not None and box["x"] + box["width"] <= 1280
    tops = page.evaluate(
        "() => [...document.querySelectorAll('table.year-grid-month')]"
        ".map(t => Math.round(t.getBoundingClientRect().top))"
    )
    assert tops.count(tops[0]) >= 3  # several months side by side, not a column of twelve
    size = page.evaluate(
        "() => parseFloat(getComputedStyle(document.querySelector('.year-grid-month td')).fontSize)"
    )
    assert size >= 12
    holiday = page.locator("td.day-holiday").first
    assert holiday.get_attribute("title")
    context.close()
