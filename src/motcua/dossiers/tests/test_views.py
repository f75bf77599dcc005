"""The back-office pages: counter intake, queues, the dossier page, printing, the log book."""

from __future__ import annotations

import re

from django.urls import reverse

from motcua.core import clock
from motcua.core.models import AuditEvent
from motcua.dossiers.constants import DossierStatus as S
from motcua.dossiers.models import Dossier, IntakeGuidance
from motcua.dossiers.screens import RECEIVING_UNIT_SESSION_KEY
from motcua.dossiers.tests.helpers import DossierTestCase, at
from motcua.org.models import Role
from motcua.org.services import role_assignment_create

NOW = at(2026, 3, 2, 9)
TICKED = re.compile(r'name="documents" value="(\d+)" checked')


def ticked(response):
    """Return the ids of the documents ticked on an intake form page."""
    return [int(pk) for pk in TICKED.findall(response.content.decode())]


class ViewTestCase(DossierTestCase):
    """Logged-in pages at a frozen instant, in the default language: Vietnamese.

    The assertions use the Vietnamese UI, so a msgid left untranslated fails
    a test; :class:`EnglishTests` checks that the English UI still works.
    """

    def setUp(self):
        self.freeze(NOW)

    def freeze(self, when):
        frozen = clock.frozen(when)
        frozen.__enter__()
        self.addCleanup(frozen.__exit__, None, None, None)

    def login(self, user):
        self.client.force_login(user)

    def intake_data(self, **overrides):
        version = self.w.pause_version
        data = {
            "idempotency_key": "key-1",
            "documents": [str(pk) for pk in self.w.documents(version)],
            "applicant_kind": "person",
            "applicant_name": "Trần Thị Bích Ngọc",
            "applicant_id_number": "092190001234",
            "applicant_phone": "0912 345 678",
            "applicant_email": "ngoc.tran@example.vn",
            "applicant_address": "Số 12 đường Lê Lợi, phường Ngã Bảy",
            "channel": "counter",
            "action": "accept",
        }
        data.update(overrides)
        return {key: value for key, value in data.items() if value is not None}

    @property
    def intake_url(self):
        return reverse("dossiers:intake_form", args=[self.w.pause_version.procedure.code])


class AccessTests(ViewTestCase):
    def test_anonymous_users_go_to_the_login(self):
        for name, args in [
            ("dossiers:queue", []),
            ("dossiers:intake", []),
            ("dossiers:logbook", []),
            ("dossiers:detail", ["H33.15-260302-0001"]),
        ]:
            with self.subTest(name=name):
                response = self.client.get(reverse(name, args=args))
                self.assertEqual(response.status_code, 302)
                self.assertIn(reverse("login"), response["Location"])

    def test_a_user_without_a_role_is_told_why(self):
        self.login(self.w.nobody)
        for name in ("dossiers:queue", "dossiers:intake", "dossiers:logbook"):
            with self.subTest(name=name):
                response = self.client.get(reverse(name))
                self.assertEqual(response.status_code, 403)
                self.assertContains(
                    response,
                    "Tài khoản này chưa được phân vai trò trong hệ thống một cửa",
                    status_code=403,
                )

    def test_counter_intake_needs_the_intake_role(self):
        self.login(self.w.handler)
        response = self.client.get(reverse("dossiers:intake"))
        self.assertContains(
            response,
            "Chức năng tiếp nhận hồ sơ cần vai trò cán bộ tiếp nhận tại Bộ phận Một cửa.",
            status_code=403,
        )
        response = self.client.post(self.intake_url, self.intake_data())
        self.assertEqual(response.status_code, 403)
        self.assertEqual(Dossier.objects.count(), 0)

    def test_log_book_needs_the_desk(self):
        self.login(self.w.leader)
        response = self.client.get(reverse("dossiers:logbook"))
        self.assertEqual(response.status_code, 403)

    def test_each_screen_renders_for_its_role(self):
        d = self.receive()
        cases = [
            (self.w.intake, reverse("dossiers:intake")),
            (self.w.intake, self.intake_url),
            (self.w.intake, reverse("dossiers:queue")),
            (self.w.intake, reverse("dossiers:detail", args=[d.code])),
            (self.w.intake, reverse("dossiers:logbook")),
            (self.w.director, reverse("dossiers:logbook")),
            (self.w.handler, reverse("dossiers:queue")),
            (self.w.handler, reverse("dossiers:detail", args=[d.code])),
            (self.w.leader, reverse("dossiers:detail", args=[d.code])),
        ]
        for user, url in cases:
            with self.subTest(user=user.username, url=url):
                self.login(user)
                self.assertEqual(self.client.get(url).status_code, 200)

    def test_a_dossier_outside_the_users_units_is_not_found(self):
        d = self.receive()
        self.login(self.w.outsider)
        response = self.client.get(reverse("dossiers:detail", args=[d.code]))
        self.assertEqual(response.status_code, 404)
        response = self.client.get(reverse("dossiers:print", args=[d.code, "receipt"]))
        self.assertEqual(response.status_code, 404)
        response = self.client.post(
            reverse("dossiers:action", args=[d.code, "hand_over"]),
            {"hand_over-expected_version": d.version},
        )
        self.assertEqual(response.status_code, 404)
        self.assertEqual(Dossier.objects.get(pk=d.pk).version, d.version)


class IntakeTests(ViewTestCase):
    def setUp(self):
        super().setUp()
        self.login(self.w.intake)

    def test_search_is_accent_insensitive_and_links_to_the_form(self):
        response = self.client.get(reverse("dossiers:intake"), {"q": "dang ky khai sinh"})
        self.assertContains(response, self.intake_url)
        self.assertContains(response, "autofocus")
        partial = self.client.get(reverse("dossiers:intake"), {"q": "DANG KY", "partial": "1"})
        self.assertContains(partial, self.intake_url)
        self.assertNotContains(partial, "<html")
        nothing = self.client.get(reverse("dossiers:intake"), {"q": "xyzzy"})
        self.assertContains(nothing, "Không có thủ tục đang có hiệu lực nào khớp với")

    def test_the_form_lists_the_checklist_unticked_with_mandatory_marks(self):
        response = self.client.get(self.intake_url)
        content = response.content.decode()
        self.assertIn("Tờ khai đăng ký khai sinh", content)
        self.assertIn("Giấy chứng sinh", content)
        self.assertEqual(content.count('name="documents"'), 2)
        self.assertEqual(ticked(response), [])
        self.assertEqual(content.count("bắt buộc</span>"), 2)
        self.assertIn('accesskey="n"', content)
        # Accept is the first submit button, so Enter in a text field accepts.
        form = content[content.index('id="intake-form"') :]
        buttons = re.findall(r'<button type="submit" name="action" value="(\w+)"', form)
        self.assertEqual(buttons, ["accept", "incomplete", "refuse"])
        first_button = re.search(r"<button[^>]*>", form)
        assert first_button is not None
        self.assertIn('value="accept"', first_button.group(0))

    def test_accept_receives_and_shows_the_receipt_page(self):
        response = self.client.post(self.intake_url, self.intake_data())
        dossier = Dossier.objects.get()
        self.assertEqual(dossier.code, "H33.15-260302-0001")
        # Received and handed over at once: it waits in the ward's review queue.
        self.assertEqual(dossier.status, S.IN_PROGRESS)
        assert dossier.current_step is not None
        self.assertEqual(dossier.current_step.unit, self.w.ward)
        self.assertIsNone(dossier.current_handler)
        self.assertEqual(dossier.receiving_unit, self.w.centre)
        self.assertEqual(dossier.applicant_id_number, "092190001234")
        self.assertRedirects(response, reverse("dossiers:intake_done", args=[dossier.code]))
        page = self.client.get(response["Location"])
        assert dossier.code is not None
        self.assertContains(page, dossier.code)
        self.assertContains(page, "17:00 05/03/2026")
        self.assertContains(page, "còn 3 ngày làm việc")
        self.assertContains(page, reverse("dossiers:print", args=[dossier.code, "receipt"]))
        self.assertContains(page, "autofocus")
        self.assertContains(page, "Người tiếp theo")

    def test_a_resubmitted_form_creates_one_dossier(self):
        first = self.client.post(self.intake_url, self.intake_data())
        again = self.client.post(self.intake_url, self.intake_data())
        self.assertEqual(Dossier.objects.count(), 1)
        self.assertEqual(first["Location"], again["Location"])

    def test_a_reused_form_never_shows_the_earlier_citizens_receipt(self):
        first = self.client.post(self.intake_url, self.intake_data())
        earlier = Dossier.objects.get()
        # The Back button brings the same form, and its key, for the next citizen.
        data = self.intake_data(
            applicant_name="Nguyễn Văn An",
            applicant_id_number="092085001234",
            applicant_phone="0987654321",
            applicant_email="",
            applicant_address="Số 1 đường Hùng Vương",
        )
        response = self.client.post(self.intake_url, data)
        self.assertEqual(response.status_code, 409)
        page = response.content.decode()
        self.assertIn("Biểu mẫu này đã được dùng để tiếp nhận một hồ sơ khác", page)
        self.assertNotIn(earlier.code, page)
        self.assertNotIn("Bích Ngọc", page)
        self.assertNotIn(first["Location"], page)
        self.assertIn('value="Nguyễn Văn An"', page)  # nothing typed is lost
        self.assertEqual(ticked(response), self.w.documents(self.w.pause_version))
        found = re.search(r'name="idempotency_key" value="(\w+)"', page)
        assert found is not None
        key = found.group(1)
        self.assertNotEqual(key, "key-1")
        self.assertEqual(Dossier.objects.count(), 1)

        # Accept again: the form's new key receives the second citizen's dossier.
        response = self.client.post(self.intake_url, {**data, "idempotency_key": key})
        second = Dossier.objects.exclude(pk=earlier.pk).get()
        self.assertEqual(second.applicant_name, "Nguyễn Văn An")
        self.assertRedirects(response, reverse("dossiers:intake_done", args=[second.code]))
        earlier.refresh_from_db()
        self.assertEqual(earlier.applicant_name, "Trần Thị Bích Ngọc")

    def test_missing_mandatory_document_on_accept_keeps_everything_typed(self):
        data = self.intake_data(documents=[str(self.w.documents(self.w.pause_version)[0])])
        response = self.client.post(self.intake_url, data)
        self.assertEqual(response.status_code, 400)
        self.assertContains(
            response, "Hồ sơ chưa đầy đủ; hãy hướng dẫn người nộp bổ sung (Mẫu 02)", status_code=400
        )
        self.assertContains(response, "Giấy chứng sinh", status_code=400)
        self.assertContains(response, 'value="Trần Thị Bích Ngọc"', status_code=400)
        self.assertContains(response, 'value="092190001234"', status_code=400)
        self.assertEqual(ticked(response), [self.w.documents(self.w.pause_version)[0]])
        self.assertEqual(Dossier.objects.count(), 0)

    def test_bad_id_number_is_shown_next_to_the_field_and_nothing_is_written(self):
        response = self.client.post(
            self.intake_url, self.intake_data(applicant_id_number="12345", applicant_email="x@")
        )
        self.assertEqual(response.status_code, 400)
        form = response.context["form"]
        self.assertIn("applicant_id_number", form.errors)
        self.assertIn("applicant_email", form.errors)
        self.assertContains(response, 'value="12345"', status_code=400)
        self.assertContains(response, 'value="Trần Thị Bích Ngọc"', status_code=400)
        self.assertContains(response, 'aria-invalid="true"', status_code=400)
        self.assertEqual(Dossier.objects.count(), 0)
        self.assertEqual(AuditEvent.objects.filter(action__startswith="dossiers.").count(), 0)

    def test_incomplete_gives_guidance_with_every_missing_item(self):
        data = self.intake_data(
            documents=[], action="incomplete", extra_items="Ảnh 4x6\n\nBản sao sổ hộ khẩu"
        )
        response = self.client.post(self.intake_url, data)
        guidance = IntakeGuidance.objects.get()
        self.assertRedirects(response, reverse("dossiers:intake_guidance", args=[guidance.pk]))
        self.assertEqual(
            guidance.items,
            ["Tờ khai đăng ký khai sinh", "Giấy chứng sinh", "Ảnh 4x6", "Bản sao sổ hộ khẩu"],
        )
        self.assertEqual(Dossier.objects.count(), 0)
        page = self.client.get(response["Location"])
        self.assertContains(page, "Bản sao sổ hộ khẩu")
        self.assertContains(page, reverse("dossiers:print_guidance", args=[guidance.pk]))
        pdf = self.client.get(reverse("dossiers:print_guidance", args=[guidance.pk]))
        self.assertEqual(pdf["Content-Type"], "application/pdf")
        self.assertTrue(pdf.content.startswith(b"%PDF"))

    def test_printing_the_guidance_is_audited(self):
        data = self.intake_data(documents=[], action="incomplete")
        self.client.post(self.intake_url, data)
        guidance = IntakeGuidance.objects.get()
        stream = f"dossiers.intakeguidance:{guidance.pk}"
        self.client.get(reverse("dossiers:intake_guidance", args=[guidance.pk]))
        self.assertFalse(AuditEvent.objects.filter(stream=stream, action="dossiers.view").exists())
        pdf = self.client.get(reverse("dossiers:print_guidance", args=[guidance.pk]))
        self.assertEqual(pdf.status_code, 200)
        record = AuditEvent.objects.get(stream=stream, action="dossiers.view")
        self.assertEqual(record.actor, self.w.intake)
        self.assertEqual(record.data, {"via": "print:guidance"})
        self.assertEqual(record.object_id, str(guidance.pk))

    def test_incomplete_with_nothing_missing_says_accept_instead(self):
        response = self.client.post(self.intake_url, self.intake_data(action="incomplete"))
        self.assertContains(response, "Hãy tiếp nhận hồ sơ.", status_code=400)
        self.assertEqual(IntakeGuidance.objects.count(), 0)

    def test_refusal_needs_reasons(self):
        response = self.client.post(self.intake_url, self.intake_data(action="refuse"))
        self.assertEqual(response.status_code, 400)
        self.assertIn("refusal_reasons", response.context["form"].errors)
        self.assertContains(
            response, "Nhập lý do từ chối; lý do sẽ được in trên Mẫu 03.", status_code=400
        )
        self.assertEqual(Dossier.objects.count(), 0)

    def test_refusal_with_reasons_prints_form_03(self):
        response = self.client.post(
            self.intake_url,
            self.intake_data(action="refuse", refusal_reasons="Không thuộc thẩm quyền"),
        )
        dossier = Dossier.objects.get()
        self.assertEqual((dossier.status, dossier.code), (S.REFUSED, None))
        self.assertRedirects(response, reverse("dossiers:intake_refusal", args=[dossier.pk]))
        page = self.client.get(response["Location"])
        self.assertContains(page, "Không thuộc thẩm quyền")
        url = reverse("dossiers:print", args=[dossier.pk, "refusal"])
        self.assertContains(page, url)
        pdf = self.client.get(url)
        self.assertEqual(pdf["Content-Type"], "application/pdf")

    def test_post_needs_a_postal_address(self):
        response = self.client.post(
            self.intake_url, self.intake_data(channel="post", applicant_address="")
        )
        self.assertIn("postal_address", response.context["form"].errors)
        self.assertEqual(Dossier.objects.count(), 0)

    def test_an_officer_of_two_desks_chooses_and_the_session_remembers(self):
        other_desk = self.w.other_ward
        role_assignment_create(
            actor="test",
            user=self.w.intake,
            role=Role.objects.get(code="intake_officer"),
            unit=other_desk,
        )
        page = self.client.get(reverse("dossiers:intake"))
        self.assertContains(page, 'name="unit"')
        self.client.post(reverse("dossiers:intake_unit"), {"unit": other_desk.pk})
        self.assertEqual(self.client.session[RECEIVING_UNIT_SESSION_KEY], other_desk.pk)
        self.client.post(self.intake_url, self.intake_data())
        self.assertEqual(Dossier.objects.get().receiving_unit, other_desk)

    def test_too_long_input_is_a_message_not_an_error(self):
        response = self.client.post(self.intake_url, self.intake_data(applicant_name="A" * 250))
        self.assertEqual(response.status_code, 400)
        self.assertIn("applicant_name", response.context["form"].errors)
        self.assertEqual(Dossier.objects.count(), 0)

    def test_the_form_offers_the_next_steps_people_and_hands_over_to_one(self):
        form = self.client.get(self.intake_url)
        choices = [value for value, _label in form.context["form"].fields["to_user"].choices]
        self.assertEqual(choices, ["", self.w.handler.pk, self.w.handler2.pk])
        self.assertContains(form, "Để trong hàng chờ của đơn vị")
        self.assertContains(form, "Thụ lý — Chuyên viên thụ lý, Phường Ngã Bảy")
        response = self.client.post(self.intake_url, self.intake_data(to_user=self.w.handler2.pk))
        dossier = Dossier.objects.get()
        self.assertRedirects(response, reverse("dossiers:intake_done", args=[dossier.code]))
        self.assertEqual(dossier.current_handler, self.w.handler2)

    def test_a_handler_outside_the_list_is_refused_with_the_rest_kept(self):
        response = self.client.post(
            self.intake_url, self.intake_data(to_user=self.w.leader.pk, applicant_phone="12")
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("to_user", response.context["form"].errors)
        self.assertEqual(Dossier.objects.count(), 0)

    def test_an_unknown_procedure_is_not_found(self):
        response = self.client.get(reverse("dossiers:intake_form", args=["9.999999"]))
        self.assertEqual(response.status_code, 404)
