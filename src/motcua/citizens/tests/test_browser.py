"""What a citizen clicks: sign in with a one-time code, submit with attachments,
see the desk's acceptance (made in a second browser context) with the due date.

Screenshots of the citizen pages at 390×844 (a phone) are kept as test
artifacts under ``MOTCUA_TEST_ARTIFACTS`` (default ``var/test-artifacts``).
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import translation
from PIL import Image
from pypdf import PdfWriter

from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.helpers import World
from motcua.dossiers.tests.test_browser import browser, login, world  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        not Path("/usr/bin/chromium").exists(), reason="Cài Chromium: apt-get install chromium"
    ),
]

PHONE = {"width": 390, "height": 844}


def artifacts() -> Path:
    folder = Path(os.environ.get("MOTCUA_TEST_ARTIFACTS", "var/test-artifacts")) / "citizens"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def jpeg_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (60, 40), (20, 120, 200)).save(out, "JPEG")
    return out.getvalue()


def test_sign_in_submit_desk_accepts_citizen_sees_status_and_due(
    world: World,  # noqa: F811
    live_server: Any,
    browser: Any,  # noqa: F811
) -> None:
    version = world.pause_version
    docs = list(version.documents.order_by("order"))
    shots = artifacts()
    citizen = browser.new_context(viewport=PHONE, locale="vi-VN")
    page = citizen.new_page()
    page.set_default_timeout(15_000)

    # The procedure page's button leads here; signing in comes first.
    page.goto(f"{live_server.url}/cong-dan/nop/{version.procedure.code}/")
    page.wait_for_url(re.compile(r".*/cong-dan/dang-nhap/\?next="))
    page.screenshot(path=str(shots / "sign-in.png"), full_page=True)
    page.fill("#id_destination", "ngoc.tran@example.vn")
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r".*/cong-dan/dang-nhap/ma/$"))
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].subject).group(1)
    page.fill("#id_code", "000000" if code != "000000" else "111111")
    page.click("main button[type=submit]")
    assert page.title().startswith("Lỗi:")
    assert "Mã không đúng; còn 4 lần thử." in page.inner_text("#error-summary")
    page.fill("#id_code", code)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r".*/cong-dan/ban-nhap/[0-9a-f-]+/$"))

    # The draft: details, the desk, one file per document slot.
    page.fill("#id_applicant_name", "Trần Thị Bích Ngọc")
    page.fill("#id_applicant_id_number", "092190001234")
    page.select_option("#id_receiving_unit", str(world.centre.pk))
    page.set_input_files(
        f"#doc_{docs[0].pk}",
        files=[{"name": "to-khai.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}],
    )
    page.set_input_files(
        f"#doc_{docs[1].pk}",
        files=[{"name": "giay-chung-sinh.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()}],
    )
    page.screenshot(path=str(shots / "draft.png"), full_page=True)
    page.click("button[name=review]")
    page.wait_for_url(re.compile(r".*/xem-lai/$"))
    assert "giay-chung-sinh.jpg" in page.inner_text("main")
    page.screenshot(path=str(shots / "review.png"), full_page=True)
    page.dblclick("#send")  # a double tap makes one dossier
    page.wait_for_url(re.compile(r".*/cong-dan/ho-so/[^/]+/$"))
    assert Dossier.objects.count() == 1
    dossier = Dossier.objects.get()
    assert page.inner_text("#status") == "Chờ tiếp nhận"
    page.screenshot(path=str(shots / "dossier-submitted.png"), full_page=True)

    # The desk accepts, in a second browser context.
    desk = login(browser, live_server, world.intake)
    desk.goto(f"{live_server.url}/mot-cua/ho-so/{dossier.code}/")
    assert desk.locator(f"a[href='/cong-dan/so-hoa/{dossier.code}/']").count() == 1
    action = desk.locator("#action-accept")
    if action.evaluate("e => e.tagName") == "DETAILS" and action.get_attribute("open") is None:
        action.locator("summary").click()
    action.locator("button[type=submit]").first.click()
    desk.wait_for_selector(".messages li")
    desk.context.close()

    dossier.refresh_from_db()
    assert dossier.status != "awaiting_intake"
    assert dossier.due_at is not None
    page.reload()
    with translation.override("vi"):
        assert page.inner_text("#status") == str(dossier.get_status_display())
    local_due = dossier.due_at.astimezone(ZoneInfo("Asia/Ho_Chi_Minh"))
    assert page.inner_text("#due") == local_due.strftime("%H:%M %d/%m/%Y")
    page.screenshot(path=str(shots / "dossier-accepted.png"), full_page=True)
    page.goto(f"{live_server.url}/cong-dan/ho-so/")
    assert dossier.code in page.inner_text("table.my-dossiers")
    page.screenshot(path=str(shots / "my-dossiers.png"), full_page=True)
    citizen.close()
