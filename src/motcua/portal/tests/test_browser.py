"""What a citizen clicks, on a phone: search → procedure page → the receipt's lookup link.

Playwright drives Debian's Chromium at 390×844 (a common phone). Screenshots
of the main citizen pages are kept as test artifacts in
``$MOTCUA_SCREENSHOT_DIR`` (default ``var/screenshots/portal/``), one PNG
per page, overwritten on each run.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest

from motcua.catalog.declaration_forms import declaration_form_attach
from motcua.catalog.tests.test_declaration_forms import PDF
from motcua.core import clock
from motcua.dossiers import printing
from motcua.dossiers import services as s
from motcua.dossiers.tests.helpers import ACTOR, World, at
from motcua.dossiers.tests.test_browser import CHROMIUM, CHROMIUM_ARGS
from motcua.org.services import unit_update

NOW = at(2026, 3, 3, 9)
PHONE = {"width": 390, "height": 844}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        shutil.which(CHROMIUM) is None, reason="Cài Chromium: apt-get install chromium"
    ),
]


def screenshot_dir() -> Path:
    folder = Path(
        os.environ.get("MOTCUA_SCREENSHOT_DIR")
        or Path(__file__).resolve().parents[4] / "var" / "screenshots" / "portal"
    )
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def world(transactional_db: Any, settings: Any) -> Iterator[World]:
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    media = tempfile.mkdtemp(prefix="motcua-media-")
    settings.MEDIA_ROOT = media
    world = World()
    unit_update(
        actor=ACTOR,
        unit=world.centre,
        data={
            "serves_public": True,
            "address": "Số 1 Hùng Vương, khu vực 1, phường Ngã Bảy, thành phố Cần Thơ",
            "opening_hours": "Thứ Hai đến thứ Sáu: 7 giờ 00 – 11 giờ 30, 13 giờ 30 – 17 giờ 00",
            "phone": "0293 3 866 240",
            "hotline": "1900 0000",
            "email": "motcua.ngabay@cantho.example.invalid",
        },
    )
    declaration_form_attach(
        actor=ACTOR,
        version=world.pause_version,
        name="Tờ khai đăng ký khai sinh",
        data=PDF,
        filename="to-khai.pdf",
    )
    with clock.frozen(at(2026, 3, 2, 9)):
        world.dossier = world.receive()  # type: ignore[attr-defined]
    world.to_handler(world.dossier)  # type: ignore[attr-defined]
    with clock.frozen(at(2026, 3, 2, 11)):
        s.dossier_request_supplement(
            dossier=world.dossier,  # type: ignore[attr-defined]
            actor=world.handler,
            items=["Bản sao giấy chứng sinh"],
            reason="Thiếu giấy tờ",
        )
    with clock.frozen(NOW):
        yield world
    shutil.rmtree(media, ignore_errors=True)


@pytest.fixture
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    from django.db import connections

    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()
        connections.close_all()


def fits_the_phone(page: Any) -> None:
    """Nothing is wider than the screen: no sideways scrolling."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width


def shoot(page: Any, name: str) -> None:
    page.screenshot(path=str(screenshot_dir() / f"{name}.png"), full_page=True)


def test_search_procedure_page_and_the_receipts_lookup_link(
    world: World, live_server: Any, browser: Any, settings: Any
) -> None:
    settings.MOTCUA_PUBLIC_URL = live_server.url
    context = browser.new_context(viewport=PHONE, accept_downloads=True, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15_000)

    # Home → search, with no accents typed.
    page.goto(f"{live_server.url}/")
    assert page.locator("h1").inner_text() == "Một cửa giải quyết thủ tục hành chính"
    fits_the_phone(page)
    shoot(page, "01-home")
    page.fill("#q", "khai sinh")
    page.press("#q", "Enter")
    page.wait_for_url(re.compile(r".*/thu-tuc/\?q=khai\+sinh$"))
    fits_the_phone(page)
    shoot(page, "02-search")

    # → the procedure page: where and how, the office, the form to download.
    page.click("a.procedure-name:has-text('Đăng ký khai sinh')")
    page.wait_for_url(re.compile(r".*/thu-tuc/1\.001193/$"))
    assert page.locator("#how-to-submit").inner_text() == "Nộp hồ sơ ở đâu, bằng cách nào"
    office = page.locator(".office").first.inner_text()
    assert "Trung tâm Phục vụ hành chính công phường Ngã Bảy" in office
    assert "1900 0000" in office
    fits_the_phone(page)
    shoot(page, "03-procedure")
    with page.expect_download() as download_info:
        page.click("a:has-text('Tờ khai đăng ký khai sinh')")
    download = download_info.value
    assert download.suggested_filename == "to-khai-dang-ky-khai-sinh.pdf"
    assert Path(download.path()).read_bytes() == PDF

    # The receipt's QR code and printed link lead to the lookup.
    dossier = world.dossier  # type: ignore[attr-defined]
    receipt = printing.render_pdf("receipt", dossier)
    from pypdf import PdfReader

    text = " ".join("".join(p.extract_text() for p in PdfReader(BytesIO(receipt)).pages).split())
    link = re.search(r"(http://\S+/tra-cuu/\?ma=\S+)", text)
    assert link is not None, text
    assert link.group(1) == f"{live_server.url}/tra-cuu/?ma={dossier.code}"
    page.goto(link.group(1))
    assert page.locator("#result-title").inner_text() == dossier.code
    assert page.locator("p.status").inner_text() == "Chờ bổ sung hồ sơ"
    assert (
        "Ngày hẹn trả kết quả bên dưới sẽ thay đổi." in page.locator("#date-will-move").inner_text()
    )
    fits_the_phone(page)
    shoot(page, "04-lookup-paused")

    # Wrong digits: the error summary takes the focus and its link leads to the field.
    page.fill("#id_so", "1111")
    page.press("#id_so", "Enter")
    page.wait_for_selector("#error-summary")
    assert page.title().startswith("Lỗi: ")
    assert page.evaluate("document.activeElement.id") == "error-summary"
    page.click("#error-summary a")
    assert page.evaluate("document.activeElement.id") == "id_so"
    fits_the_phone(page)
    shoot(page, "05-lookup-error")

    # The right digits: the history, with nothing personal.
    page.fill("#id_so", "5678")
    page.press("#id_so", "Enter")
    page.wait_for_selector("#timeline-title")
    history = page.locator("ol.timeline").inner_text()
    assert "Tiếp nhận tại quầy" in history
    assert "Yêu cầu bổ sung hồ sơ" in history
    assert "Trần" not in page.content()
    fits_the_phone(page)
    shoot(page, "06-lookup-history")
    context.close()
