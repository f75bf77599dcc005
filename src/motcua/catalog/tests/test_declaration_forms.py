"""Declaration forms (tờ khai): checked by content, attached, downloaded, shown with the offices."""

from __future__ import annotations

import io
import shutil
import tempfile
import zipfile
from datetime import datetime
from io import BytesIO
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import FileResponse
from django.test import TestCase, override_settings

from motcua.catalog.declaration_forms import check_file, declaration_form_attach
from motcua.catalog.models import DeclarationForm, Procedure, ProcedureVersion
from motcua.catalog.tests.factories import ACTOR, make_procedure
from motcua.core import clock
from motcua.core.errors import ApplicationError
from motcua.core.models import AuditEvent
from motcua.org.demo import load_demo_units
from motcua.org.models import Unit

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def _pdf(script: str = "") -> bytes:
    """A real one-page PDF (with a script when ``script`` is given)."""
    from pypdf import PdfWriter
    from pypdf.actions import JavaScript

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if script:
        writer.add_open_action(JavaScript(script))
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


PDF = _pdf()
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200


def office_zip(**parts: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name.replace("__", "/"), data)
    return buffer.getvalue()


DOCX = office_zip(**{"[Content_Types].xml": b"<x/>", "word__document.xml": b"<w/>"})
ODT = office_zip(mimetype=b"application/vnd.oasis.opendocument.text", **{"content.xml": b"<x/>"})


class FileCheckTests(TestCase):
    def test_accepted_by_content(self):
        for data, name, expected in (
            (PDF, "to-khai.pdf", "application/pdf"),
            (PDF, "TO KHAI.PDF", "application/pdf"),
            (
                DOCX,
                "to-khai.docx",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ),
            (ODT, "to-khai.odt", "application/vnd.oasis.opendocument.text"),
        ):
            with self.subTest(name=name):
                self.assertEqual(check_file(data, name).content_type, expected)

    def test_refused_with_a_specific_message(self):
        for data, name, code in (
            (EXE, "to-khai.pdf", "bad_type"),  # an executable renamed .pdf
            (PDF, "to-khai.docx", "bad_type"),  # a PDF renamed .docx
            (PDF, "to-khai.jpg", "bad_type"),
            (office_zip(**{"x.txt": b"x"}), "to-khai.docx", "bad_type"),  # a plain zip
            (b"", "to-khai.pdf", "empty"),
            (PDF + b"0" * 2_000, "to-khai.pdf", "too_large"),
        ):
            with (
                self.subTest(name=name, code=code),
                override_settings(MOTCUA_DECLARATION_FORM_MAX_BYTES=1_000),
            ):
                with self.assertRaises(ApplicationError) as caught:
                    check_file(data, name)
                self.assertEqual(caught.exception.code, code)
                self.assertIn("to-khai", caught.exception.message)


class ActivePdfTests(TestCase):
    def test_a_pdf_with_a_script_is_refused(self):
        """Citizens download these forms: the checks of core.uploads apply to them too."""
        with self.assertRaises(ApplicationError) as caught:
            check_file(_pdf("app.alert('x')"), "to-khai.pdf")
        self.assertEqual(caught.exception.code, "file_active_content")
        self.assertIn("lưu lại thành PDF thông thường", caught.exception.message)


class DeclarationFormTestCase(TestCase):
    units: dict[str, Unit]
    procedure: Procedure
    version: ProcedureVersion

    @classmethod
    def setUpTestData(cls):
        cls.units = load_demo_units(ACTOR)
        cls.procedure = make_procedure("1.001193", name="Đăng ký khai sinh", online_level="full")
        cls.version = cls.procedure.versions.get()

    def setUp(self):
        media = tempfile.mkdtemp(prefix="motcua-media-")
        self.addCleanup(shutil.rmtree, media, True)
        self.enterContext(override_settings(MEDIA_ROOT=media))
        self.enterContext(clock.frozen(datetime(2026, 3, 2, 9, 0, tzinfo=VN)))

    def attach(self, **kwargs):
        values = {
            "actor": ACTOR,
            "version": self.version,
            "name": "Tờ khai đăng ký khai sinh",
            "data": PDF,
            "filename": "Tờ khai.pdf",
            "reference": "Mẫu TK1-TS",
            **kwargs,
        }
        return declaration_form_attach(**values)


class AttachAndDownloadTests(DeclarationFormTestCase):
    def test_attach_replace_and_audit(self):
        first = self.attach()
        self.assertEqual((first.order, first.size, first.extension), (1, len(PDF), "PDF"))
        second = self.attach(name="Tờ khai thay thế", data=DOCX, filename="b.docx", order=1)
        self.assertEqual(DeclarationForm.objects.count(), 1)
        self.assertEqual(
            (second.pk, second.name, second.extension), (first.pk, "Tờ khai thay thế", "DOCX")
        )
        events = AuditEvent.objects.filter(action="catalog.declaration_form.attach").order_by("id")
        self.assertEqual(len(events), 2)
        self.assertEqual(events[1].data["replaced"]["name"], "Tờ khai đăng ký khai sinh")

    def test_a_refused_file_leaves_nothing(self):
        with self.assertRaises(ApplicationError):
            self.attach(data=EXE)
        self.assertEqual(DeclarationForm.objects.count(), 0)
        self.assertFalse(
            AuditEvent.objects.filter(action__startswith="catalog.declaration").exists()
        )

    def test_download_is_the_file_under_the_forms_name(self):
        form = self.attach()
        response = self.client.get(f"/thu-tuc/1.001193/mau-don/{form.pk}/")
        self.assertEqual(response.status_code, 200)
        assert isinstance(response, FileResponse)
        self.assertEqual(b"".join(response.streaming_content), PDF)
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertEqual(
            response["Content-Disposition"], 'attachment; filename="to-khai-dang-ky-khai-sinh.pdf"'
        )
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")
        self.assertIn("max-age=86400", response["Cache-Control"])

    def test_unknown_form_or_wrong_procedure_is_404(self):
        form = self.attach()
        make_procedure("1.000894", name="Đăng ký kết hôn")
        for url in (f"/thu-tuc/1.000894/mau-don/{form.pk}/", "/thu-tuc/1.001193/mau-don/999/"):
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 404)

    def test_the_api_lists_the_forms(self):
        form = self.attach()
        body = self.client.get("/api/v1/catalog/procedures/1.001193").json()
        self.assertEqual(
            body["declaration_forms"],
            [
                {
                    "order": 1,
                    "name": "Tờ khai đăng ký khai sinh",
                    "reference": "Mẫu TK1-TS",
                    "url": f"/thu-tuc/1.001193/mau-don/{form.pk}/",
                    "content_type": "application/pdf",
                    "size": len(PDF),
                    "sha256": form.sha256,
                }
            ],
        )

    def test_the_admin_attaches_a_form_checked_by_content(self):
        admin = get_user_model().objects.create_superuser("admin", "a@example.org", "pw")
        self.client.force_login(admin)
        bad = self.client.post(
            "/admin/catalog/declarationform/add/",
            {
                "version": self.version.pk,
                "order": 1,
                "name": "Tờ khai",
                "reference": "",
                "upload": SimpleUploadedFile("to-khai.pdf", EXE),
            },
        )
        self.assertEqual(bad.status_code, 200)
        self.assertIn("upload", bad.context["adminform"].form.errors)
        self.assertEqual(DeclarationForm.objects.count(), 0)
        good = self.client.post(
            "/admin/catalog/declarationform/add/",
            {
                "version": self.version.pk,
                "order": 1,
                "name": "Tờ khai",
                "reference": "",
                "upload": SimpleUploadedFile("to-khai.pdf", PDF),
            },
        )
        self.assertEqual(good.status_code, 302)
        form = DeclarationForm.objects.get()
        self.assertEqual(
            (form.name, form.sha256[:8]), ("Tờ khai", check_file(PDF, "a.pdf").sha256[:8])
        )


class ProcedurePageTests(DeclarationFormTestCase):
    def test_the_page_says_where_and_how_to_submit(self):
        self.attach()
        response = self.client.get("/thu-tuc/1.001193/")
        self.assertContains(response, "Nộp hồ sơ ở đâu, bằng cách nào")
        self.assertContains(response, "<strong>Trực tiếp tại Bộ phận Một cửa</strong>", html=True)
        self.assertContains(response, "<strong>Qua dịch vụ bưu chính</strong>", html=True)
        self.assertContains(response, "làm toàn bộ thủ tục trên mạng")
        for office in ("phường Ngã Bảy", "phường Đại Thành", "phường Ninh Kiều"):
            self.assertContains(response, f"<h3>Trung tâm Phục vụ hành chính công {office}</h3>")
        self.assertNotContains(response, "Trung tâm Phục vụ hành chính công thành phố Cần Thơ")
        self.assertContains(response, "0293 3 866 240")
        self.assertContains(response, "Thứ Hai đến thứ Sáu")
        form = DeclarationForm.objects.get()
        self.assertContains(
            response,
            f'<a href="/thu-tuc/1.001193/mau-don/{form.pk}/" download>Tờ khai đăng ký khai sinh</a>',
        )
        # The citizens app's online submission for this procedure.
        self.assertContains(
            response, '<a class="button" href="/cong-dan/nop/1.001193/">Nộp hồ sơ trực tuyến</a>'
        )

    def test_a_province_procedure_lists_the_province_centre(self):
        make_procedure("2.000635", name="Cấp bản sao trích lục", competent_level="province")
        response = self.client.get("/thu-tuc/2.000635/")
        self.assertContains(
            response, "<h3>Trung tâm Phục vụ hành chính công thành phố Cần Thơ</h3>"
        )
        self.assertContains(response, "1900 0000")
        self.assertContains(response, "Thủ tục này chưa đăng mẫu đơn, tờ khai để tải về")

    def test_information_only_says_not_online(self):
        make_procedure("1.000894", name="Đăng ký kết hôn", online_level="information")
        response = self.client.get("/thu-tuc/1.000894/")
        self.assertContains(response, "thủ tục này chưa nộp trực tuyến được")


def _without_citizens() -> list[object]:
    from motcua import urls

    return [p for p in urls.urlpatterns if getattr(p, "namespace", None) != "citizens"]


urlpatterns = _without_citizens()


class OnlineButtonTests(DeclarationFormTestCase):
    def test_the_address_is_guarded_when_the_online_submission_is_missing(self):
        """A build without the citizens app gets no button rather than a broken one."""
        from motcua.catalog.selectors import online_submit_url

        self.assertEqual(online_submit_url("1.001193"), "/cong-dan/nop/1.001193/")
        with override_settings(ROOT_URLCONF=__name__):
            self.assertEqual(online_submit_url("1.001193"), "")

    def test_no_button_when_the_procedure_is_not_online(self):
        make_procedure("1.000894", name="Đăng ký kết hôn", online_level="information")
        self.assertNotContains(self.client.get("/thu-tuc/1.000894/"), "/cong-dan/nop/")
