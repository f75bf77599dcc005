import re
from datetime import datetime
from zoneinfo import ZoneInfo

from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase, override_settings
from django.urls import reverse

from motcua.catalog.selectors import _versions_in_force
from motcua.citizens.models import Attachment, Citizen, Draft
from motcua.citizens.tests.test_submission import pdf
from motcua.core import clock
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.helpers import World

VN = ZoneInfo("Asia/Ho_Chi_Minh")
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=VN)


@override_settings(LANGUAGE_CODE="vi", MOTCUA_SMS_GATEWAY_URL="")
class CitizenPagesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = World()
        cls.code = cls.w.pause_version.procedure.code

    def setUp(self):
        self.frozen = clock.frozen(T0)
        self.frozen.__enter__()
        self.addCleanup(self.frozen.__exit__, None, None, None)

    def sign_in(self, address="ngoc@example.vn", next_url=""):
        url = reverse("citizens:sign_in") + (f"?next={next_url}" if next_url else "")
        self.client.get(url)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(reverse("citizens:sign_in"), {"destination": address})
        self.assertRedirects(
            response, reverse("citizens:sign_in_code"), fetch_redirect_response=False
        )
        code = re.search(r"\b(\d{6})\b", mail.outbox[-1].subject).group(1)
        return self.client.post(reverse("citizens:sign_in_code"), {"code": code})

    def test_submit_link_asks_to_sign_in_then_comes_back(self):
        submit = reverse("citizens:submit", args=[self.code])
        response = self.client.get(submit)
        self.assertRedirects(
            response,
            f"{reverse('citizens:sign_in')}?next=%2Fcong-dan%2Fnop%2F1.001193%2F",
            fetch_redirect_response=False,
        )
        response = self.sign_in(next_url=submit)
        self.assertRedirects(response, submit, fetch_redirect_response=False)
        response = self.client.get(submit)
        draft = Draft.objects.get()
        self.assertRedirects(
            response, reverse("citizens:draft", args=[draft.key]), fetch_redirect_response=False
        )

    def test_wrong_code_page_shows_the_error_summary(self):
        self.client.post(reverse("citizens:sign_in"), {"destination": "ngoc@example.vn"})
        response = self.client.post(reverse("citizens:sign_in_code"), {"code": "abc"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "<title>Lỗi: Nhập mã")
        self.assertContains(response, 'href="#id_code">Mã không đúng; còn 4 lần thử.</a>')
        self.assertFalse(Citizen.objects.exists())

    def test_not_online_procedure_is_refused_on_a_page(self):
        self.w.hours_version.online_level = "information"
        self.w.hours_version.save(update_fields=["online_level"])
        _versions_in_force.clear()
        self.addCleanup(_versions_in_force.clear)
        self.sign_in()
        response = self.client.get(
            reverse("citizens:submit", args=[self.w.hours_version.procedure.code])
        )
        self.assertEqual(response.status_code, 400)
        self.assertContains(
            response,
            "không nộp trực tuyến được; vui lòng nộp hồ sơ tại bộ phận một cửa",
            status_code=400,
        )
        self.assertFalse(Draft.objects.exists())

    def test_whole_path_through_the_pages_double_tap_makes_one_dossier(self):
        self.sign_in()
        self.client.get(reverse("citizens:submit", args=[self.code]))
        draft = Draft.objects.get()
        url = reverse("citizens:draft", args=[draft.key])
        page = self.client.get(url)
        self.assertContains(page, 'value="ngoc@example.vn"')  # prefilled from the account
        docs = list(self.w.pause_version.documents.order_by("order"))
        data = {
            "applicant_name": "Trần Thị Bích Ngọc",
            "applicant_id_number": "092190001234",
            "applicant_phone": "",
            "applicant_email": "ngoc@example.vn",
            "applicant_address": "Số 12 Lê Lợi",
            "receiving_unit": str(self.w.centre.pk),
            f"doc_{docs[0].pk}": SimpleUploadedFile("to-khai.exe.pdf", b"MZ\x90\x00" * 20),
            "review": "1",
        }
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Tờ khai đăng ký khai sinh: Chỉ nhận tệp PDF, JPEG và PNG")
        self.assertFalse(Attachment.objects.exists())
        data[f"doc_{docs[0].pk}"] = pdf("to-khai.jpg")
        data[f"doc_{docs[1].pk}"] = pdf()
        response = self.client.post(url, data)
        review = reverse("citizens:draft_review", args=[draft.key])
        self.assertRedirects(response, review, fetch_redirect_response=False)
        summary = self.client.get(review)
        self.assertContains(summary, "to-khai.pdf")
        self.assertContains(summary, self.w.centre.name)
        first = self.client.post(review)
        second = self.client.post(review)
        dossier = Dossier.objects.get()
        target = reverse("citizens:dossier", args=[dossier.code])
        self.assertRedirects(first, target, fetch_redirect_response=False)
        self.assertRedirects(second, target, fetch_redirect_response=False)
        page = self.client.get(target)
        self.assertContains(page, "Chờ tiếp nhận")
        listing = self.client.get(reverse("citizens:dossiers"))
        self.assertContains(listing, dossier.code)

    def test_invalid_id_number_on_the_profile_page(self):
        self.sign_in()
        response = self.client.post(
            reverse("citizens:profile"), {"full_name": "Ngọc", "id_number": "12"}
        )
        self.assertContains(response, "<title>Lỗi: Thông tin của tôi")
        self.assertContains(
            response, 'href="#id_id_number">Số định danh cá nhân gồm đúng 12 chữ số.'
        )
        self.assertEqual(Citizen.objects.get().id_number, "")

    def test_a_citizen_gets_the_public_menu_only(self):
        self.sign_in()
        page = self.client.get(reverse("citizens:dossiers"))
        self.assertContains(page, 'href="/cong-dan/ho-so/"')
        self.assertNotContains(page, 'href="/mot-cua/"')  # the staff's "my work"
        self.assertNotContains(page, 'href="/tai-khoan/"')  # the staff's account page
        self.client.force_login(self.w.intake)
        page = self.client.get(reverse("citizens:digitisation"))
        self.assertContains(page, 'href="/mot-cua/tiep-nhan/"')

    def test_tampered_draft_link_is_not_found(self):
        self.sign_in()
        response = self.client.get(
            reverse("citizens:draft", args=["6f1c3c3e-0000-4000-8000-000000000000"])
        )
        self.assertContains(
            response, "Không có bản nháp này trong các bản nháp của Ông/Bà.", status_code=404
        )

    def test_another_citizens_draft_dossier_and_files_are_not_found_on_the_pages(self):
        self.sign_in()
        self.client.get(reverse("citizens:submit", args=[self.code]))
        draft = Draft.objects.get()
        docs = list(self.w.pause_version.documents.order_by("order"))
        self.client.post(
            reverse("citizens:draft", args=[draft.key]),
            {
                "applicant_name": "Trần Thị Bích Ngọc",
                "applicant_email": "ngoc@example.vn",
                "applicant_address": "Số 12 Lê Lợi",
                "receiving_unit": str(self.w.centre.pk),
                f"doc_{docs[0].pk}": pdf(),
                f"doc_{docs[1].pk}": pdf(),
            },
        )
        files = list(Attachment.objects.values_list("pk", flat=True))
        self.assertEqual(len(files), 2)
        self.client.logout()
        self.sign_in("khac@example.vn")
        for url in (
            reverse("citizens:draft", args=[draft.key]),
            reverse("citizens:draft_review", args=[draft.key]),
            *(reverse("citizens:file", args=[pk]) for pk in files),
        ):
            self.assertEqual(self.client.get(url).status_code, 404, url)
        changed = self.client.post(
            reverse("citizens:draft", args=[draft.key]),
            {"applicant_name": "Kẻ gian", f"doc_{docs[0].pk}": pdf()},
        )
        self.assertEqual(changed.status_code, 404)
        sent = self.client.post(reverse("citizens:draft_review", args=[draft.key]))
        self.assertEqual(sent.status_code, 404)
        self.assertFalse(Dossier.objects.exists())
        draft.refresh_from_db()
        self.assertEqual(draft.applicant_name, "Trần Thị Bích Ngọc")
        self.assertEqual(sorted(Attachment.objects.values_list("pk", flat=True)), sorted(files))

    def test_sending_an_incomplete_draft_links_each_problem_to_its_field(self):
        self.sign_in()
        self.client.get(reverse("citizens:submit", args=[self.code]))
        draft = Draft.objects.get()
        page = reverse("citizens:draft", args=[draft.key])
        response = self.client.post(reverse("citizens:draft_review", args=[draft.key]))
        self.assertContains(response, "<title>Lỗi: Kiểm tra trước khi gửi")
        self.assertContains(response, 'id="error-summary"')
        for anchor in ("id_receiving_unit", "documents"):
            self.assertContains(response, f'href="{page}#{anchor}"')
        form = self.client.get(page)
        self.assertContains(form, 'id="id_receiving_unit"')
        self.assertContains(form, 'id="documents"', count=1)
        self.assertFalse(Dossier.objects.exists())

    def test_every_field_of_the_citizen_forms_has_its_label(self):
        from html.parser import HTMLParser

        class Fields(HTMLParser):
            def __init__(self):
                super().__init__()
                self.inputs, self.labels = [], set()

            def handle_starttag(self, tag, attrs):
                attrs = dict(attrs)
                if tag == "label" and attrs.get("for"):
                    self.labels.add(attrs["for"])
                hidden = attrs.get("type") in {"hidden", "submit", "button"}
                if tag in {"input", "select", "textarea"} and not hidden:
                    self.inputs.append(attrs.get("id") or attrs.get("name"))

        def unlabelled(url):
            parser = Fields()
            parser.feed(self.client.get(url).content.decode())
            self.assertTrue(parser.inputs, url)
            return [field for field in parser.inputs if field not in parser.labels]

        self.assertEqual(unlabelled(reverse("citizens:sign_in")), [])
        self.sign_in()
        self.client.get(reverse("citizens:submit", args=[self.code]))
        draft = Draft.objects.get()
        for url in (reverse("citizens:profile"), reverse("citizens:draft", args=[draft.key])):
            self.assertEqual(unlabelled(url), [], url)

    def test_a_refused_upload_is_linked_to_its_own_file_field(self):
        self.sign_in()
        self.client.get(reverse("citizens:submit", args=[self.code]))
        draft = Draft.objects.get()
        doc = self.w.pause_version.documents.order_by("order").first()
        response = self.client.post(
            reverse("citizens:draft", args=[draft.key]),
            {
                "applicant_name": "Trần Thị Bích Ngọc",
                "applicant_email": "ngoc@example.vn",
                f"doc_{doc.pk}": SimpleUploadedFile("to-khai.pdf", b"MZ\x90\x00" * 20),
            },
        )
        self.assertContains(response, "<title>Lỗi: ")
        self.assertContains(response, f'<a href="#doc_{doc.pk}">{doc.name}: Chỉ nhận tệp PDF')
        self.assertContains(response, f'aria-describedby="doc_{doc.pk}-error"')
        self.assertContains(response, f'id="doc_{doc.pk}-error"')
        self.assertFalse(Attachment.objects.exists())
