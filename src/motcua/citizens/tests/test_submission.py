import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.core import mail
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from django.utils import translation
from PIL import Image
from pypdf import PdfWriter

from motcua.catalog.selectors import _versions_in_force
from motcua.catalog.services import procedure_version_create
from motcua.catalog.tests.factories import content
from motcua.citizens import services
from motcua.citizens.codes import citizen_create
from motcua.citizens.models import Attachment, Draft, SupplementAnswer
from motcua.citizens.selectors import digitisation_shares, my_dossiers
from motcua.core import clock
from motcua.core.errors import ApplicationError, PermissionDeniedError
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import (
    dossier_accept,
    dossier_request_supplement,
    dossier_supplement_received,
)
from motcua.dossiers.tests.helpers import World

VN = ZoneInfo("Asia/Ho_Chi_Minh")
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=VN)


def pdf(name="giay.pdf") -> SimpleUploadedFile:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return SimpleUploadedFile(name, out.getvalue(), "application/pdf")


def png(name="anh.png") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (1, 2, 3)).save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), "image/png")


class SubmissionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = World()
        cls.version = cls.w.pause_version
        cls.code = cls.version.procedure.code
        with clock.frozen(T0):
            cls.citizen = citizen_create(email="ngoc@example.vn", full_name="Trần Thị Bích Ngọc")
            cls.citizen.id_number = "092190001234"
            cls.citizen.phone = "0912345678"
            cls.citizen.save()
            cls.other = citizen_create(email="khac@example.vn", full_name="Người khác")

    def setUp(self):
        translation.activate("vi")
        self.addCleanup(translation.deactivate)
        self.frozen = clock.frozen(T0)
        self.frozen.__enter__()
        self.addCleanup(self.frozen.__exit__, None, None, None)

    def ready_draft(self) -> Draft:
        draft = services.draft_start(citizen=self.citizen, procedure_code=self.code)
        services.draft_save(
            draft=draft,
            citizen=self.citizen,
            data={
                "applicant_name": draft.applicant_name,
                "applicant_id_number": draft.applicant_id_number,
                "applicant_phone": draft.applicant_phone,
                "applicant_email": draft.applicant_email,
                "applicant_address": "Số 1 Lê Lợi",
                "receiving_unit": self.w.centre.pk,
            },
        )
        for doc in self.version.documents.all():
            services.draft_attach(
                draft=draft, citizen=self.citizen, required_document_id=doc.pk, file=pdf()
            )
        return draft

    def test_draft_is_prefilled_from_the_profile_and_resumed(self):
        draft = services.draft_start(citizen=self.citizen, procedure_code=self.code)
        self.assertEqual(draft.applicant_name, "Trần Thị Bích Ngọc")
        self.assertEqual(draft.applicant_id_number, "092190001234")
        self.assertEqual(draft.applicant_phone, "0912345678")
        again = services.draft_start(citizen=self.citizen, procedure_code=self.code)
        self.assertEqual(again.pk, draft.pk)

    def test_procedure_not_online_is_refused_clearly(self):
        self.version.online_level = "information"
        self.version.save(update_fields=["online_level"])
        _versions_in_force.clear()
        self.addCleanup(_versions_in_force.clear)
        with self.assertRaises(ApplicationError) as caught:
            services.draft_start(citizen=self.citizen, procedure_code=self.code)
        self.assertEqual(caught.exception.code, "not_online")
        self.assertIn("không nộp trực tuyến được", caught.exception.message)
        self.assertFalse(Draft.objects.exists())

    def test_submission_makes_one_dossier_at_the_desk_with_files_and_receipt(self):
        draft = self.ready_draft()
        mail.outbox.clear()
        with self.captureOnCommitCallbacks(execute=True):
            dossier = services.draft_submit(draft=draft, citizen=self.citizen)
        twice = services.draft_submit(draft=draft, citizen=self.citizen)
        self.assertEqual(twice.pk, dossier.pk)
        self.assertEqual(Dossier.objects.count(), 1)
        self.assertEqual(dossier.status, "awaiting_intake")
        self.assertEqual(dossier.channel, "online")
        self.assertEqual(dossier.receiving_unit, self.w.centre)
        self.assertEqual(dossier.agency, self.w.ward)
        self.assertEqual(dossier.created_by, self.citizen.user)
        files = Attachment.objects.filter(dossier=dossier)
        self.assertEqual(files.count(), 2)
        self.assertEqual(
            sorted(f.document.name for f in files),
            sorted(dossier.documents.values_list("name", flat=True)),
        )
        self.assertTrue(all(dossier.documents.values_list("provided", flat=True)))
        receipt = [m for m in mail.outbox if "ngoc@example.vn" in m.to]
        self.assertEqual(len(receipt), 1)
        self.assertIn(dossier.code, receipt[0].subject)

    def test_missing_mandatory_document_and_desk_are_refused_before_sending(self):
        draft = services.draft_start(citizen=self.citizen, procedure_code=self.code)
        with self.assertRaises(ApplicationError) as caught:
            services.draft_submit(draft=draft, citizen=self.citizen)
        fields = [p["field"] for p in caught.exception.extra["errors"]]
        self.assertEqual(fields, ["receiving_unit", "documents"])
        self.assertFalse(Dossier.objects.exists())

    def test_invalid_id_number_is_refused_like_at_the_counter(self):
        draft = services.draft_start(citizen=self.citizen, procedure_code=self.code)
        with self.assertRaises(ApplicationError) as caught:
            services.draft_save(
                draft=draft,
                citizen=self.citizen,
                data={"applicant_name": "A", "applicant_id_number": "999190001234"},
            )
        self.assertEqual(
            caught.exception.extra["errors"],
            [
                {
                    "field": "applicant_id_number",
                    "message": "Ba chữ số đầu (999) không phải là mã tỉnh.",
                }
            ],
        )

    def test_disguised_upload_stores_nothing(self):
        draft = services.draft_start(citizen=self.citizen, procedure_code=self.code)
        doc = self.version.documents.first()
        with self.assertRaises(ApplicationError) as caught:
            services.draft_attach(
                draft=draft,
                citizen=self.citizen,
                required_document_id=doc.pk,
                file=SimpleUploadedFile("a.pdf", b"MZ\x90\x00" + b"\x00" * 64),
            )
        self.assertEqual(caught.exception.code, "file_type_not_allowed")
        self.assertFalse(Attachment.objects.exists())
        self.assertFalse(default_storage.exists(f"drafts/{draft.key}"))

    def test_replacing_a_slot_file_keeps_one(self):
        draft = services.draft_start(citizen=self.citizen, procedure_code=self.code)
        doc = self.version.documents.first()
        with self.captureOnCommitCallbacks(execute=True):
            first = services.draft_attach(
                draft=draft, citizen=self.citizen, required_document_id=doc.pk, file=pdf()
            )
        with self.captureOnCommitCallbacks(execute=True):
            services.draft_attach(
                draft=draft, citizen=self.citizen, required_document_id=doc.pk, file=png()
            )
        self.assertEqual(Attachment.objects.filter(draft=draft).count(), 1)
        self.assertFalse(default_storage.exists(first.file.name))

    def test_supplement_answered_online_once_into_the_same_slots(self):
        draft = self.ready_draft()
        dossier = services.draft_submit(draft=draft, citizen=self.citizen)
        dossier_request_supplement(
            dossier=dossier, actor=self.w.intake, items=["Giấy chứng sinh"], reason="Ảnh mờ"
        )
        dossier.refresh_from_db()
        row = my_dossiers(self.citizen)[0]
        self.assertEqual(row.asked, "Nộp bổ sung theo yêu cầu: Ảnh mờ")
        slot = self.version.documents.get(order=2)
        mail.outbox.clear()
        with self.captureOnCommitCallbacks(execute=True):
            answer = services.supplement_answer(
                citizen=self.citizen, dossier=dossier, files={slot.pk: png()}, note="Ảnh rõ hơn"
            )
        told = [m for m in mail.outbox if self.w.intake.email in m.to]
        self.assertEqual(len(told), 1)
        self.assertEqual(
            told[0].subject, f"Hồ sơ {dossier.code}: người nộp đã gửi bổ sung trực tuyến"
        )
        self.assertIn("Ghi chú của người nộp: Ảnh rõ hơn", told[0].body)
        self.assertEqual(answer.note, "Ảnh rõ hơn")
        added = Attachment.objects.get(dossier=dossier, kind="supplement")
        self.assertEqual(added.document.required_document_id, slot.pk)
        with self.assertRaises(ApplicationError) as caught:
            services.supplement_answer(
                citizen=self.citizen, dossier=dossier, files={slot.pk: png()}
            )
        self.assertEqual(caught.exception.code, "supplement_answered")
        self.assertEqual(SupplementAnswer.objects.count(), 1)
        self.assertEqual(
            my_dossiers(self.citizen)[0].asked, "Đã gửi bổ sung; bộ phận một cửa đang kiểm tra."
        )
        dossier_supplement_received(dossier=dossier, actor=self.w.intake)
        accepted = dossier_accept(dossier=dossier, actor=self.w.intake)
        self.assertEqual(accepted.status, "in_progress")
        self.assertIsNotNone(accepted.due_at)
        row = my_dossiers(self.citizen)[0]
        self.assertEqual(row.due_at, accepted.due_at)

    def test_my_dossiers_takes_two_queries_whatever_their_number(self):
        for _n in range(3):
            draft = self.ready_draft()
            dossier = services.draft_submit(draft=draft, citizen=self.citizen)
            dossier_request_supplement(
                dossier=dossier, actor=self.w.intake, items=["Giấy chứng sinh"], reason="Mờ"
            )
            slot = self.version.documents.get(order=2)
            services.supplement_answer(
                citizen=self.citizen, dossier=dossier, files={slot.pk: png()}
            )
        with self.assertNumQueries(2):
            rows = my_dossiers(self.citizen)
        self.assertEqual(len(rows), 3)
        self.assertEqual(
            {row.asked for row in rows}, {"Đã gửi bổ sung; bộ phận một cửa đang kiểm tra."}
        )

    def test_a_new_version_in_force_moves_the_draft_and_asks_to_check_again(self):

        from motcua.catalog.tests.factories import DocumentSpec

        draft = self.ready_draft()
        new = procedure_version_create(
            actor="test",
            procedure=self.version.procedure,
            effective_from=date(2026, 3, 3),
            content=content(
                documents=(
                    DocumentSpec(order=1, name="Tờ khai đăng ký khai sinh", form="original"),
                    DocumentSpec(order=2, name="Giấy chứng sinh bản chính", form="original"),
                )
            ),
        )
        self.addCleanup(
            __import__("motcua.catalog.selectors", fromlist=["x"])._versions_in_force.clear
        )
        with (
            clock.frozen(datetime(2026, 3, 3, 9, tzinfo=VN)),
            self.assertRaises(ApplicationError) as caught,
        ):
            services.draft_submit(draft=draft, citizen=self.citizen)
        self.assertEqual(caught.exception.code, "procedure_changed")
        self.assertIn("03/03/2026", caught.exception.message)
        draft.refresh_from_db()
        self.assertEqual(draft.procedure_version, new)
        kept = Attachment.objects.get(draft=draft)
        self.assertEqual(kept.required_document.name, "Tờ khai đăng ký khai sinh")
        self.assertFalse(Dossier.objects.exists())
        with (
            clock.frozen(datetime(2026, 3, 3, 9, tzinfo=VN)),
            self.assertRaises(ApplicationError) as caught,
        ):
            services.draft_submit(draft=draft, citizen=self.citizen)
        self.assertEqual(
            caught.exception.extra["errors"][0]["message"],
            "Đính kèm các giấy tờ bắt buộc: Giấy chứng sinh bản chính.",
        )

    def test_another_citizen_cannot_answer(self):
        draft = self.ready_draft()
        dossier = services.draft_submit(draft=draft, citizen=self.citizen)
        with self.assertRaises(ApplicationError) as caught:
            services.supplement_answer(citizen=self.other, dossier=dossier, files={1: png()})
        self.assertEqual(caught.exception.code, "not_found")

    def test_profile_id_number_validated(self):
        with self.assertRaises(ApplicationError) as caught:
            services.profile_update(citizen=self.citizen, data={"id_number": "12345"})
        self.assertEqual(
            caught.exception.extra["errors"][0]["message"],
            "Số định danh cá nhân gồm đúng 12 chữ số.",
        )
        updated = services.profile_update(
            citizen=self.citizen,
            data={
                "full_name": "Trần Thị Ngọc",
                "id_number": "0921 9000 1234",
                "email": "N@Example.vn",
            },
        )
        self.assertEqual(updated.id_number, "092190001234")
        self.assertEqual(updated.email, "n@example.vn")
        with self.assertRaises(ApplicationError):
            services.profile_update(citizen=self.other, data={"email": "n@example.vn"})


class AttachmentAccessTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = World()
        with clock.frozen(T0):
            cls.citizen = citizen_create(email="ngoc@example.vn", full_name="Ngọc")
            cls.other = citizen_create(email="khac@example.vn", full_name="Khác")

    def setUp(self):
        self.frozen = clock.frozen(T0)
        self.frozen.__enter__()
        self.addCleanup(self.frozen.__exit__, None, None, None)

    def test_file_served_to_applicant_and_entitled_staff_only(self):
        version = self.w.pause_version
        draft = services.draft_start(citizen=self.citizen, procedure_code=version.procedure.code)
        doc = version.documents.first()
        attachment = services.draft_attach(
            draft=draft, citizen=self.citizen, required_document_id=doc.pk, file=png()
        )
        url = reverse("citizens:file", args=[attachment.pk])
        self.client.force_login(self.citizen.user)
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "image/png")
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")
        self.assertTrue(b"".join(response.streaming_content).startswith(b"\x89PNG"))
        self.client.force_login(self.other.user)
        self.assertEqual(self.client.get(url).status_code, 404)
        # Staff see it once it belongs to a dossier in their scope.
        self.client.force_login(self.w.intake)
        self.assertEqual(self.client.get(url).status_code, 404)
        services.draft_save(
            draft=draft,
            citizen=self.citizen,
            data={
                "applicant_name": "Ngọc",
                "applicant_email": "ngoc@example.vn",
                "receiving_unit": self.w.centre.pk,
            },
        )
        for other_doc in version.documents.exclude(pk=doc.pk):
            services.draft_attach(
                draft=draft, citizen=self.citizen, required_document_id=other_doc.pk, file=pdf()
            )
        services.draft_submit(draft=draft, citizen=self.citizen)
        self.assertEqual(self.client.get(url).status_code, 200)
        self.client.force_login(self.w.outsider)
        self.assertEqual(self.client.get(url).status_code, 404)
        self.client.logout()
        self.assertEqual(self.client.get(url).status_code, 302)


class DigitisationTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = World()

    def test_intake_officer_attaches_scans_and_the_share_is_counted(self):
        with clock.frozen(T0):
            first = self.w.receive()
            self.w.receive()
            line = first.documents.order_by("order").first()
            scan = services.scan_attach(
                actor=self.w.intake, dossier=first, file=pdf(), document_id=line.pk
            )
            result = services.scan_attach(actor=self.w.intake, dossier=first, file=pdf())
        self.assertEqual(scan.kind, "scan")
        self.assertEqual(scan.document, line)
        self.assertEqual(result.kind, "result")
        with self.assertRaises(PermissionDeniedError):
            services.scan_attach(actor=self.w.outsider, dossier=first, file=pdf())
        shares = digitisation_shares(T0.date(), T0.date())
        self.assertEqual(
            [(s.unit_name, s.paper, s.digitised, s.percent) for s in shares],
            [(self.w.centre.name, 2, 1, 50.0)],
        )

    def test_digitise_page_uploads_a_scan(self):
        with clock.frozen(T0):
            dossier = self.w.receive()
        line = dossier.documents.order_by("order").first()
        self.client.force_login(self.w.intake)
        url = reverse("citizens:digitise", args=[dossier.code])
        response = self.client.post(url, {"document": str(line.pk), "file": pdf()})
        self.assertRedirects(response, url, fetch_redirect_response=False)
        self.assertEqual(Attachment.objects.filter(dossier=dossier, kind="scan").count(), 1)
        response = self.client.post(
            url, {"document": str(line.pk), "file": SimpleUploadedFile("x.pdf", b"")}
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Tệp trống")
        self.assertEqual(Attachment.objects.filter(dossier=dossier).count(), 1)
        page = self.client.get(reverse("citizens:digitisation") + "?from=2026-03-01&to=2026-03-31")
        self.assertContains(
            page,
            f"<tr><td>{self.w.centre.name}</td><td>1</td><td>1</td><td>100,0%</td></tr>",
            html=True,
        )
        self.assertContains(page, 'href="/cong-dan/so-hoa/"')  # in the staff menu
        self.client.force_login(self.w.handler)
        self.assertEqual(self.client.get(reverse("citizens:digitisation")).status_code, 404)


class DeskSeesOnlineFilesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = World()
        with clock.frozen(T0):
            cls.citizen = citizen_create(email="ngoc@example.vn", full_name="Ngọc")

    def test_dossier_page_links_to_the_files_the_applicant_sent(self):
        version = self.w.pause_version
        with clock.frozen(T0):
            draft = services.draft_start(
                citizen=self.citizen, procedure_code=version.procedure.code
            )
            services.draft_save(
                draft=draft,
                citizen=self.citizen,
                data={
                    "applicant_name": "Ngọc",
                    "applicant_email": "ngoc@example.vn",
                    "receiving_unit": self.w.centre.pk,
                },
            )
            for doc in version.documents.all():
                services.draft_attach(
                    draft=draft,
                    citizen=self.citizen,
                    required_document_id=doc.pk,
                    file=pdf(f"{doc.order}.pdf"),
                )
            dossier = services.draft_submit(draft=draft, citizen=self.citizen)
        self.client.force_login(self.w.intake)
        files_url = reverse("citizens:digitise", args=[dossier.code])
        detail = self.client.get(reverse("dossiers:detail", args=[dossier.code]))
        self.assertContains(detail, f'href="{files_url}"')
        page = self.client.get(files_url)
        self.assertContains(page, "1.pdf")
        self.assertContains(page, "2.pdf")


class NothingHalfWrittenTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = World()
        with clock.frozen(T0):
            cls.citizen = citizen_create(email="ngoc@example.vn", full_name="Ngọc")

    def test_a_refused_change_leaves_no_stored_file(self):
        version = self.w.pause_version
        with clock.frozen(T0):
            draft = services.draft_start(
                citizen=self.citizen, procedure_code=version.procedure.code
            )
            services.draft_save(
                draft=draft,
                citizen=self.citizen,
                data={
                    "applicant_name": "Ngọc",
                    "applicant_email": "ngoc@example.vn",
                    "receiving_unit": self.w.centre.pk,
                },
            )
            for doc in version.documents.all():
                services.draft_attach(
                    draft=draft, citizen=self.citizen, required_document_id=doc.pk, file=pdf()
                )
            services.draft_submit(draft=draft, citizen=self.citizen)
            folder = f"drafts/{draft.key}"
            before = sorted(default_storage.listdir(folder)[1])
            self.assertEqual(len(before), 2)
            with self.assertRaises(ApplicationError) as caught:
                services.draft_attach(
                    draft=draft,
                    citizen=self.citizen,
                    required_document_id=version.documents.first().pk,
                    file=png(),
                )
        self.assertEqual(caught.exception.code, "draft_sent")
        self.assertEqual(sorted(default_storage.listdir(folder)[1]), before)
        self.assertEqual(Attachment.objects.filter(draft=draft).count(), 2)


class SupplementPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = World()
        with clock.frozen(T0):
            cls.citizen = citizen_create(email="ngoc@example.vn", full_name="Ngọc")

    def test_citizen_answers_the_supplement_on_the_dossier_page_once(self):
        version = self.w.pause_version
        with clock.frozen(T0):
            draft = services.draft_start(
                citizen=self.citizen, procedure_code=version.procedure.code
            )
            services.draft_save(
                draft=draft,
                citizen=self.citizen,
                data={
                    "applicant_name": "Ngọc",
                    "applicant_email": "ngoc@example.vn",
                    "receiving_unit": self.w.centre.pk,
                },
            )
            for doc in version.documents.all():
                services.draft_attach(
                    draft=draft, citizen=self.citizen, required_document_id=doc.pk, file=pdf()
                )
            dossier = services.draft_submit(draft=draft, citizen=self.citizen)
            dossier_request_supplement(
                dossier=dossier, actor=self.w.intake, items=["Giấy chứng sinh"], reason="Ảnh mờ"
            )
        slot = version.documents.get(order=2)
        self.client.force_login(self.citizen.user)
        url = reverse("citizens:dossier", args=[dossier.code])
        page = self.client.get(url, HTTP_ACCEPT_LANGUAGE="vi")
        self.assertContains(page, "Nộp bổ sung theo yêu cầu: Ảnh mờ")
        self.assertContains(page, f'name="doc_{slot.pk}"')
        empty = self.client.post(url, {"note": "x"})
        self.assertContains(empty, "Đính kèm ít nhất một tệp để bổ sung.")
        response = self.client.post(url, {"note": "Ảnh rõ", f"doc_{slot.pk}": png()})
        self.assertRedirects(response, url, fetch_redirect_response=False)
        self.assertEqual(SupplementAnswer.objects.get().note, "Ảnh rõ")
        page = self.client.get(url)
        self.assertContains(page, "Đã gửi bổ sung; bộ phận một cửa đang kiểm tra.")
        self.assertNotContains(page, f'name="doc_{slot.pk}"')
