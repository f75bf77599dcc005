"""What a citizen clicks, in one unbroken path: search → the procedure page → sign in with a
one-time code (read from the outbox) → submit with attachments → the desk accepts (in a
second browser context) → the citizen sees the new status and due date → the lookup the
receipt's QR code leads to. And the OpenID Connect sign-in through the browser, against the
real provider the tests run on 127.0.0.1 (``oidc_provider``).

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
from pypdf import PdfReader, PdfWriter

from motcua.citizens.models import Citizen
from motcua.citizens.tests.oidc_provider import Provider
from motcua.dossiers.models import Dossier
from motcua.dossiers.printing.layout import qr_png
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


def pixels(png: bytes) -> tuple[tuple[int, int], bytes]:
    image = Image.open(io.BytesIO(png)).convert("L")
    return image.size, image.tobytes()


def receipt_link(pdf: bytes) -> str:
    """Return the address the receipt's QR code holds (checked against its printed link)."""
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    text = " ".join(page.extract_text().split())
    printed = re.search(r"(http://\S+/tra-cuu/\?ma=\S+)", text)
    assert printed is not None, text
    link = printed.group(1)
    codes = [image.data for image in page.images]
    assert codes, "the receipt has no QR code"
    # The QR code printed is the one of the printed link, module for module.
    assert pixels(qr_png(link)) in [pixels(code) for code in codes]
    return link


def test_search_sign_in_submit_desk_accepts_status_due_and_the_receipts_lookup(
    world: World,  # noqa: F811
    live_server: Any,
    browser: Any,  # noqa: F811
    settings: Any,
) -> None:
    settings.MOTCUA_PUBLIC_URL = live_server.url
    version = world.pause_version
    docs = list(version.documents.order_by("order"))
    shots = artifacts()
    citizen = browser.new_context(viewport=PHONE, locale="vi-VN")
    page = citizen.new_page()
    page.set_default_timeout(15_000)

    # Search from the home page, without accents; the procedure page's button.
    page.goto(f"{live_server.url}/")
    page.screenshot(path=str(shots / "home.png"), full_page=True)
    page.fill("#q", "khai sinh")
    page.press("#q", "Enter")
    page.wait_for_url(re.compile(r".*/thu-tuc/\?q=khai\+sinh$"))
    page.screenshot(path=str(shots / "search.png"), full_page=True)
    page.click(f"a.procedure-name:has-text('{version.name}')")
    page.wait_for_url(re.compile(rf".*/thu-tuc/{re.escape(version.procedure.code)}/$"))
    page.screenshot(path=str(shots / "procedure.png"), full_page=True)
    page.click("a.button:has-text('Nộp hồ sơ trực tuyến')")

    # Signing in comes first: a code by e-mail, read from the outbox.
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
    desk_context = desk.context
    desk.goto(f"{live_server.url}/mot-cua/ho-so/{dossier.code}/")
    assert desk.locator(f"a[href='/cong-dan/so-hoa/{dossier.code}/']").count() == 1
    action = desk.locator("#action-accept")
    if action.evaluate("e => e.tagName") == "DETAILS" and action.get_attribute("open") is None:
        action.locator("summary").click()
    action.locator("button[type=submit]").first.click()
    desk.wait_for_selector(".messages li")

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

    # The receipt the desk prints: its QR code leads to the public lookup.
    receipt = desk_context.request.get(
        f"{live_server.url}/mot-cua/ho-so/{dossier.code}/in/receipt/"
    )
    assert receipt.ok, receipt.status
    assert receipt.headers["content-type"] == "application/pdf"
    link = receipt_link(receipt.body())
    desk_context.close()
    assert link == f"{live_server.url}/tra-cuu/?ma={dossier.code}"
    page.goto(link)
    assert page.locator("#result-title").inner_text() == dossier.code
    with translation.override("vi"):
        assert page.locator("p.status").inner_text() == str(dossier.get_status_display())
    assert local_due.strftime("%H:%M %d/%m/%Y") in page.locator("dl.facts").inner_text()
    assert "Trần" not in page.content()
    page.screenshot(path=str(shots / "lookup.png"), full_page=True)
    citizen.close()


def test_sign_in_with_openid_connect_through_the_browser(
    world: World,  # noqa: F811
    live_server: Any,
    browser: Any,  # noqa: F811
    settings: Any,
) -> None:
    """The provider's page is met and its button clicked, as a citizen would; back signed in."""
    with Provider(consent=True) as provider:
        for name, value in provider.settings().items():
            setattr(settings, name, value)
        settings.AUTHENTICATION_BACKENDS = [
            *settings.AUTHENTICATION_BACKENDS,
            "motcua.citizens.oidc.CitizenOIDCBackend",
        ]
        context = browser.new_context(viewport=PHONE, locale="vi-VN")
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(f"{live_server.url}/cong-dan/dang-nhap/")
        page.click("a:has-text('Đăng nhập bằng VNeID')")
        page.wait_for_url(re.compile(rf"^{re.escape(provider.base)}/authorize\?"))
        assert "Xin chào Nguyễn Văn An" in page.inner_text("h1")
        page.screenshot(path=str(artifacts() / "oidc-provider.png"), full_page=True)
        page.click("#allow")
        page.wait_for_url(re.compile(r".*/cong-dan/ho-so/$"))
        assert page.locator("h1").inner_text() == "Hồ sơ của tôi"
        page.screenshot(path=str(artifacts() / "oidc-signed-in.png"), full_page=True)
        flow = [path for path in provider.requests if path != "/favicon.ico"]
        assert flow == ["/authorize", "/consent", "/token", "/jwks", "/userinfo"]
        citizen = Citizen.objects.get()
        assert (citizen.full_name, citizen.oidc_subject) == ("Nguyễn Văn An", "079190000001")
        assert citizen.oidc_issuer == provider.issuer
        # Signed in: the profile opens; signed out, it asks to sign in again.
        page.goto(f"{live_server.url}/cong-dan/thong-tin/")
        assert "/cong-dan/thong-tin/" in page.url
        context.clear_cookies()
        page.goto(f"{live_server.url}/cong-dan/thong-tin/")
        assert "/cong-dan/dang-nhap/" in page.url
        context.close()
