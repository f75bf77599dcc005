"""The back-office pages: counter intake, queues, the dossier page, printing, the log book."""

from __future__ import annotations

import re
from io import BytesIO
from unittest import mock

from django.conf import settings
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from motcua.core import clock
from motcua.core.errors import ApplicationError
from motcua.core.models import AuditEvent
from motcua.dossiers import services as s
from motcua.dossiers.constants import DossierStatus as S
from motcua.dossiers.models import Dossier, DossierEvent, IntakeGuidance
from motcua.dossiers.screens import RECEIVING_UNIT_SESSION_KEY
from motcua.dossiers.tests.helpers import World, at
from motcua.org.models import Role
from motcua.org.services import role_assignment_create

NOW = at(2026, 3, 2, 9)
TICKED = re.compile(r'name="documents" value="(\d+)" checked')


def ticked(response):
    """Return the ids of the documents ticked on an intake form page."""
    return [int(pk) for pk in TICKED.findall(response.content.decode())]


class ViewTestCase(TestCase):
    """Logged-in pages at a frozen instant, in the default language: Vietnamese.

    The assertions use the Vietnamese UI, so a msgid left untranslated fails
    a test; :class:`EnglishTests` checks that the English UI still works.
    """

    @classmethod
    def setUpTestData(cls):
        cls.w = World()

    def setUp(self):
        self.freeze(NOW)

    def freeze(self, when):
        frozen = clock.frozen(when)
        frozen.__enter__()
        self.addCleanup(frozen.__exit__, None, None, None)

    def login(self, user):
        self.client.force_login(user)

    def receive(self, when=NOW, **kwargs):
        with clock.frozen(when):
            return self.w.receive(**kwargs)

    def act(self, when, func, **kwargs):
        with clock.frozen(when):
            return func(**kwargs)

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
        self.assertIn('value="accept"', re.search(r"<button[^>]*>", form).group(0))

    def test_accept_receives_and_shows_the_receipt_page(self):
        response = self.client.post(self.intake_url, self.intake_data())
        dossier = Dossier.objects.get()
        self.assertEqual(dossier.code, "H33.15-260302-0001")
        # Received and handed over at once: it waits in the ward's review queue.
        self.assertEqual(dossier.status, S.IN_PROGRESS)
        self.assertEqual(dossier.current_step.unit, self.w.ward)
        self.assertIsNone(dossier.current_handler)
        self.assertEqual(dossier.receiving_unit, self.w.centre)
        self.assertEqual(dossier.applicant_id_number, "092190001234")
        self.assertRedirects(response, reverse("dossiers:intake_done", args=[dossier.code]))
        page = self.client.get(response["Location"])
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
        key = re.search(r'name="idempotency_key" value="(\w+)"', page).group(1)
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


class DossierPageTests(ViewTestCase):
    def url(self, dossier, action=None):
        key = dossier.code or dossier.pk
        if action:
            return reverse("dossiers:action", args=[key, action])
        return reverse("dossiers:detail", args=[key])

    def post(self, dossier, action, **fields):
        data = {f"{action}-expected_version": Dossier.objects.get(pk=dossier.pk).version}
        data.update({f"{action}-{name}": value for name, value in fields.items()})
        return self.client.post(self.url(dossier, action), data)

    def actions(self, response):
        return [item.action for item in response.context["actions"]]

    def test_the_handler_sees_hand_over_with_the_next_steps_people(self):
        d = self.receive()
        self.login(self.w.handler)
        response = self.client.get(self.url(d))
        self.assertEqual(
            self.actions(response),
            ["claim", "hand_over", "request_supplement", "request_payment", "draft_apology"],
        )
        form = response.context["actions"][1].form
        choices = [value for value, _label in form.fields["to_user"].choices]
        self.assertEqual(choices, ["", self.w.leader.pk])
        self.assertContains(response, "Lanhdao")
        self.assertContains(response, "Trần Thị Bích Ngọc")
        self.assertContains(response, "092190001234")
        self.assertContains(response, "Phiếu kiểm soát quá trình giải quyết hồ sơ")

    def test_the_intake_officer_has_nothing_to_hand_over_after_intake(self):
        d = self.receive()
        self.login(self.w.intake)
        response = self.client.get(self.url(d))
        self.assertEqual(self.actions(response), ["request_supplement", "stop"])
        # The control slip shows the intake's hand-over: giver, instant, the ward.
        slip = response.context["steps"]
        self.assertEqual(
            (slip[1].giver, slip[1].step.started_at, slip[1].step.unit),
            ("Tiepnhan", NOW, self.w.ward),
        )
        self.assertContains(response, "Chuyển xử lý")

    def test_viewing_a_dossier_is_audited(self):
        d = self.receive()
        self.login(self.w.handler)
        self.client.get(self.url(d))
        views = AuditEvent.objects.filter(action="dossiers.view", stream=f"dossiers.dossier:{d.pk}")
        self.assertEqual(views.count(), 1)
        self.assertEqual(views.get().actor, self.w.handler)

    def test_who_lacks_the_steps_role_sees_no_hand_over_and_is_refused(self):
        d = self.receive()
        self.login(self.w.intake)
        response = self.client.get(self.url(d))
        self.assertNotIn("hand_over", self.actions(response))
        response = self.post(d, "hand_over", to_user=self.w.leader.pk)
        self.assertEqual(response.status_code, 403)
        # The service's refusal, in Vietnamese: what was refused and the role it needs.
        self.assertContains(response, "chuyển bước này", status_code=403)
        self.assertContains(response, "cần vai trò", status_code=403)
        self.assertEqual(Dossier.objects.get(pk=d.pk).status, S.IN_PROGRESS)

    def test_hand_over_to_a_person(self):
        d = self.receive()
        self.login(self.w.handler)
        response = self.post(d, "hand_over", to_user=self.w.leader.pk, note="Đủ hồ sơ")
        self.assertRedirects(response, self.url(d), fetch_redirect_response=False)
        d.refresh_from_db()
        self.assertEqual((d.status, d.current_handler), (S.AWAITING_SIGNATURE, self.w.leader))
        page = self.client.get(self.url(d))
        self.assertContains(page, "Đã thực hiện: Chuyển bước tiếp theo.")
        self.assertContains(page, "Chuyển xử lý")
        self.assertContains(page, "Đủ hồ sơ")

    def test_a_stale_version_is_a_conflict_and_changes_nothing(self):
        d = self.receive()
        stale = d.version
        self.act(
            at(2026, 3, 2, 9, 30),
            s.dossier_request_supplement,
            dossier=d,
            actor=self.w.intake,
            items=["Giấy chứng sinh bản chính"],
            reason="Bản sao không rõ",
        )
        current = Dossier.objects.get(pk=d.pk)
        events = DossierEvent.objects.filter(dossier=d).count()
        self.login(self.w.intake)
        response = self.client.post(
            self.url(d, "stop"),
            {"stop-expected_version": stale, "stop-reason": "Công dân xin rút"},
        )
        self.assertEqual(response.status_code, 409)
        self.assertContains(response, "vừa được người khác cập nhật", status_code=409)
        self.assertEqual(response.context["dossier"].status, S.AWAITING_SUPPLEMENT)
        self.assertContains(response, 'data-status="awaiting_supplement"', status_code=409)
        # What the officer typed is kept, with the version now on screen.
        self.assertContains(response, "Công dân xin rút", status_code=409)
        self.assertContains(
            response, f'name="stop-expected_version" value="{current.version}"', status_code=409
        )
        after = Dossier.objects.get(pk=d.pk)
        self.assertEqual((after.status, after.version), (current.status, current.version))
        self.assertEqual(DossierEvent.objects.filter(dossier=d).count(), events)

    def test_a_missing_version_is_refused(self):
        d = self.receive()
        self.login(self.w.intake)
        response = self.client.post(self.url(d, "hand_over"), {})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(Dossier.objects.get(pk=d.pk).version, d.version)

    def test_unit_queue_and_claim(self):
        d = self.receive()
        self.login(self.w.intake)
        self.post(d, "hand_over")
        d.refresh_from_db()
        self.assertIsNone(d.current_handler)
        self.login(self.w.handler2)
        queue = self.client.get(reverse("dossiers:queue"), {"tab": "unit"})
        self.assertContains(queue, d.code)
        page = self.client.get(self.url(d))
        self.assertEqual(self.actions(page)[0], "claim")
        self.assertContains(page, ">Nhận xử lý</button>")
        response = self.post(d, "claim")
        self.assertRedirects(response, self.url(d))
        d.refresh_from_db()
        self.assertEqual(d.current_handler, self.w.handler2)
        self.login(self.w.handler)
        response = self.client.post(self.url(d, "claim"), {"claim-expected_version": d.version - 1})
        self.assertEqual(response.status_code, 409)

    def _at_the_leader(self):
        d = self.receive()
        d = self.w.to_handler(d)
        return self.act(
            at(2026, 3, 3, 10),
            s.dossier_hand_over,
            dossier=d,
            actor=self.w.handler,
            to_user=self.w.leader,
        )

    def test_the_leader_decides_and_the_desk_returns(self):
        d = self._at_the_leader()
        self.freeze(at(2026, 3, 3, 11))
        self.login(self.w.leader)
        page = self.client.get(self.url(d))
        self.assertEqual(
            self.actions(page), ["decide", "request_supplement", "request_payment", "apologise"]
        )
        response = self.post(d, "decide", decision="not_granted")
        self.assertContains(response, "phải nêu rõ lý do bằng văn bản", status_code=400)
        self.assertIn("reasons", response.context["actions"][0].form.errors)
        self.assertEqual(Dossier.objects.get(pk=d.pk).status, S.AWAITING_SIGNATURE)
        self.post(d, "decide", decision="granted")
        d.refresh_from_db()
        self.assertEqual((d.status, d.timeliness), (S.RESULT_READY, "early"))

        self.login(self.w.intake)
        page = self.client.get(self.url(d))
        self.assertEqual(self.actions(page), ["claim", "return_result"])
        response = self.post(d, "return_result", method="counter")
        self.assertContains(response, "Nhập họ tên người nhận kết quả.", status_code=400)
        response = self.post(d, "return_result", method="counter", received_by="Trần Văn An")
        self.assertRedirects(response, self.url(d))
        d.refresh_from_db()
        self.assertEqual(
            (d.status, d.returned_to, d.return_method), (S.RETURNED, "Trần Văn An", "counter")
        )
        page = self.client.get(self.url(d))
        self.assertContains(page, 'data-status="returned"')
        self.assertContains(page, ">Đã trả kết quả<")
        self.assertEqual(self.actions(page), [])
        self.assertContains(page, "Hiện không có thao tác nào có thể thực hiện với hồ sơ này.")

    def test_supplement_request_pauses_and_prints_form_02(self):
        d = self.receive()
        d = self.w.to_handler(d)
        self.login(self.w.handler)
        page = self.client.get(self.url(d))
        self.assertNotIn("override_reason", page.context["actions"][1].form.fields)
        response = self.post(d, "request_supplement", items="", reason="")
        self.assertContains(
            response, "Liệt kê các nội dung người nộp cần bổ sung, hoàn thiện.", status_code=400
        )
        response = self.post(
            d, "request_supplement", items="Giấy chứng sinh bản chính\nẢnh 4x6", reason="Thiếu"
        )
        d.refresh_from_db()
        self.assertEqual(d.status, S.AWAITING_SUPPLEMENT)
        page = self.client.get(self.url(d))
        pause = d.pauses.get()
        url = reverse("dossiers:print_supplement", args=[d.code, pause.pk])
        self.assertContains(page, url)
        self.assertContains(page, "Ảnh 4x6")
        self.assertEqual(self.actions(page), ["supplement_received"])
        pdf = self.client.get(url)
        self.assertEqual(pdf["Content-Type"], "application/pdf")
        self.post(d, "supplement_received", note="Đã nhận đủ")
        d.refresh_from_db()
        self.assertEqual(d.status, S.IN_PROGRESS)
        # A second request needs a leader: only the leader sees the override field.
        page = self.client.get(self.url(d))
        form = next(i.form for i in page.context["actions"] if i.action == "request_supplement")
        self.assertNotIn("override_reason", form.fields)
        self.login(self.w.leader)
        page = self.client.get(self.url(d))
        form = next(i.form for i in page.context["actions"] if i.action == "request_supplement")
        self.assertIn("override_reason", form.fields)

    def test_apology_stop_and_their_forms(self):
        d = self.receive()
        self.login(self.w.leader)
        response = self.post(d, "apologise", reason="Chờ xác minh", new_date="2026-03-10")
        self.assertRedirects(response, self.url(d))
        page = self.client.get(self.url(d))
        self.assertNotIn("apologise", self.actions(page))
        self.assertContains(page, reverse("dossiers:print", args=[d.code, "apology"]))
        self.assertContains(page, "10/03/2026")
        self.login(self.w.intake)
        self.post(d, "stop", reason="Công dân xin dừng")
        d.refresh_from_db()
        self.assertEqual(d.status, S.STOPPED)
        for form in ("receipt", "control", "apology", "stop"):
            with self.subTest(form=form):
                pdf = self.client.get(reverse("dossiers:print", args=[d.code, form]))
                self.assertEqual(pdf.status_code, 200)
                self.assertEqual(pdf["Content-Type"], "application/pdf")
                self.assertTrue(pdf.content.startswith(b"%PDF"))
        response = self.client.get(reverse("dossiers:print", args=[d.code, "refusal"]))
        self.assertEqual(response.status_code, 404)

    def test_apology_with_a_bad_date_shows_the_rule(self):
        d = self.receive()
        self.login(self.w.leader)
        response = self.post(d, "apologise", reason="Chờ xác minh", new_date="2026-03-07")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "07/03/2026", status_code=400)
        self.assertFalse(hasattr(Dossier.objects.get(pk=d.pk), "apology_cache"))
        self.assertEqual(Dossier.objects.get(pk=d.pk).version, d.version)

    def test_payment_wait_and_receipt(self):
        d = self.receive()
        d = self.w.to_handler(d)
        self.login(self.w.handler)
        self.post(d, "request_payment", items="Lệ phí trước bạ")
        d.refresh_from_db()
        self.assertEqual(d.status, S.AWAITING_PAYMENT)
        self.login(self.w.intake)
        page = self.client.get(reverse("dossiers:queue"), {"tab": "waiting"})
        self.assertContains(page, d.code)
        self.post(d, "payment_received")
        d.refresh_from_db()
        self.assertEqual(d.status, S.IN_PROGRESS)

    def due_facts(self, response):
        """Return the text of the "appointment for the result" entry of the summary."""
        found = re.search(r'<dd id="due-facts">(.*?)</dd>', response.content.decode(), re.S)
        self.assertIsNotNone(found)
        return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", found.group(1))).strip()

    def test_a_supplement_pause_shows_the_stopped_clock_and_the_applicants_deadline(self):
        d = self.receive()
        d = self.w.to_handler(d)
        pause = self.act(
            at(2026, 3, 3, 9),
            s.dossier_request_supplement,
            dossier=d,
            actor=self.w.handler,
            items=["Ảnh 4x6"],
            reason="Thiếu ảnh",
        )
        self.freeze(at(2026, 3, 4, 9))
        self.login(self.w.handler)
        facts = self.due_facts(self.client.get(self.url(d)))
        respond_by = f"{timezone.localtime(pause.respond_by):%H:%M %d/%m/%Y}"
        self.assertIn("Tạm dừng tính thời gian", facts)
        self.assertIn("Đang chờ người nộp bổ sung hồ sơ từ 09:00 03/03/2026.", facts)
        self.assertIn(f"Hạn người nộp bổ sung hồ sơ: {respond_by}", facts)
        self.assertIn("Ngày hẹn trả kết quả được tính lại khi tiếp tục tính thời gian.", facts)
        self.assertIn("Hạn giải quyết theo quy định trước khi tạm dừng: 17:00 05/03/2026", facts)
        self.assertNotIn("còn", facts)
        self.assertNotIn("quá hạn", facts)

    def test_a_payment_pause_shows_the_stopped_clock(self):
        d = self.receive()
        d = self.w.to_handler(d)
        self.act(
            at(2026, 3, 2, 11),
            s.dossier_request_payment,
            dossier=d,
            actor=self.w.handler,
            items=["Lệ phí trước bạ"],
        )
        self.freeze(at(2026, 3, 6, 9))
        self.login(self.w.handler)
        facts = self.due_facts(self.client.get(self.url(d)))
        self.assertIn("Tạm dừng tính thời gian", facts)
        self.assertIn("Đang chờ người nộp thực hiện nghĩa vụ tài chính từ 11:00 02/03/2026.", facts)
        self.assertNotIn("Hạn người nộp bổ sung hồ sơ", facts)
        self.assertNotIn("quá hạn", facts)

    def test_after_an_apology_both_the_legal_due_and_the_new_date_are_shown(self):
        d = self.receive()
        self.login(self.w.leader)
        self.post(d, "apologise", reason="Chờ xác minh", new_date="2026-03-10")
        d.refresh_from_db()
        self.freeze(at(2026, 3, 6, 9))
        facts = self.due_facts(self.client.get(self.url(d)))
        promised = f"{timezone.localtime(d.extended_due_at):%H:%M %d/%m/%Y}"
        self.assertIn(promised[-10:], "10/03/2026")
        self.assertRegex(
            facts,
            rf"^Ngày hẹn trả mới \(theo phiếu xin lỗi\): {promised} còn \d+ ngày làm việc "
            r"Hạn giải quyết theo quy định: 17:00 05/03/2026 quá hạn 1 ngày$",
        )

    def test_each_printed_form_is_audited(self):
        d = self.receive()
        pause = self.act(
            at(2026, 3, 2, 9, 30),
            s.dossier_request_supplement,
            dossier=d,
            actor=self.w.intake,
            items=["Giấy chứng sinh bản chính"],
            reason="Bản sao không rõ",
        )
        self.login(self.w.intake)
        urls = {
            "print:receipt": reverse("dossiers:print", args=[d.code, "receipt"]),
            "print:control": reverse("dossiers:print", args=[d.code, "control"]),
            "print:supplement": reverse("dossiers:print_supplement", args=[d.code, pause.pk]),
        }
        for via, url in urls.items():
            with self.subTest(via=via):
                self.assertEqual(self.client.get(url).status_code, 200)
                record = AuditEvent.objects.filter(
                    action="dossiers.view", stream=f"dossiers.dossier:{d.pk}"
                ).latest("seq")
                self.assertEqual(record.data, {"code": d.code, "via": via})
                self.assertEqual(record.actor, self.w.intake)

    def test_receipt_pdf_carries_the_code(self):
        from pypdf import PdfReader

        d = self.receive()
        self.login(self.w.intake)
        pdf = self.client.get(reverse("dossiers:print", args=[d.code, "receipt"]))
        self.assertEqual(pdf["Content-Type"], "application/pdf")
        self.assertIn("inline", pdf["Content-Disposition"])
        text = "".join(page.extract_text() for page in PdfReader(BytesIO(pdf.content)).pages)
        self.assertIn(d.code, text)

    def test_unknown_action_and_form(self):
        d = self.receive()
        self.login(self.w.intake)
        self.assertEqual(self.client.post(self.url(d, "explode")).status_code, 404)
        self.assertEqual(
            self.client.get(reverse("dossiers:print", args=[d.code, "nope"])).status_code, 404
        )
        self.assertEqual(self.client.get(self.url(d, "hand_over")).status_code, 405)


class QueueTests(ViewTestCase):
    # Session, user, roles, scope, the tab counts, the page's rows.
    QUERIES = {"mine": 6, "unit": 6, "due_soon": 6, "overdue": 6, "waiting": 6}

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        w = cls.w
        with clock.frozen(at(2026, 3, 2, 9)):
            cls.queued = w.receive()  # handed to the ward's queue at intake
        with clock.frozen(at(2026, 3, 2, 10)):
            cls.handled = w.receive(to_user=w.handler)
        with clock.frozen(at(2026, 2, 20, 9)):
            cls.late = w.receive(to_user=w.handler)
        with clock.frozen(at(2026, 3, 2, 11)):
            cls.paused = w.receive(to_user=w.handler)
            s.dossier_request_supplement(
                dossier=cls.paused, actor=w.handler, items=["Ảnh 4x6"], reason="Thiếu ảnh"
            )
        with clock.frozen(at(2026, 3, 3, 20)):
            cls.online = s.dossier_submit_online(
                applicant=w.applicant(name="Lê Thị Mỹ Duyên", phone="0907654321"),
                procedure_code=w.pause_version.procedure.code,
                receiving_unit=w.centre,
                provided_documents=w.documents(w.pause_version),
            ).dossier

    def setUp(self):
        super().setUp()
        self.freeze(at(2026, 3, 4, 9))

    def codes(self, response):
        return [row.dossier.code for row in response.context["rows"]]

    def test_each_tab_lists_its_dossiers_with_due_wording(self):
        self.login(self.w.handler)
        mine = self.client.get(reverse("dossiers:queue"))
        self.assertEqual(self.codes(mine), [self.late.code, self.handled.code, self.paused.code])
        self.assertContains(mine, "quá hạn 4 ngày")
        self.assertContains(mine, "còn 1 ngày làm việc")
        self.assertContains(mine, "tạm dừng tính thời gian")
        self.assertContains(mine, "Thuly")
        unit = self.client.get(reverse("dossiers:queue"), {"tab": "unit"})
        self.assertEqual(self.codes(unit), [self.queued.code])
        overdue = self.client.get(reverse("dossiers:queue"), {"tab": "overdue"})
        self.assertEqual(self.codes(overdue), [self.late.code])
        waiting = self.client.get(reverse("dossiers:queue"), {"tab": "waiting"})
        self.assertEqual(self.codes(waiting), [self.paused.code])
        self.login(self.w.intake)
        intake = self.client.get(reverse("dossiers:queue"), {"tab": "intake"})
        self.assertEqual(self.codes(intake), [self.online.code])
        self.assertContains(intake, "Tiếp nhận hồ sơ mới")

    def test_online_submissions_have_their_own_tab_at_the_desk(self):
        self.login(self.w.intake)
        waiting = self.client.get(reverse("dossiers:queue"), {"tab": "waiting"})
        self.assertNotIn(self.online.code, self.codes(waiting))
        intake = self.client.get(reverse("dossiers:queue"), {"tab": "intake"})
        self.assertEqual(self.codes(intake), [self.online.code])
        self.assertContains(intake, "Hồ sơ trực tuyến chờ tiếp nhận")
        # The ward's handlers do not receive dossiers: no such tab for them.
        self.login(self.w.handler)
        page = self.client.get(reverse("dossiers:queue"))
        self.assertNotIn("intake", [t.value for t in page.context["tabs"]])

    def test_every_tab_shows_its_count(self):
        self.login(self.w.handler)
        page = self.client.get(reverse("dossiers:queue"))
        counts = {t.value: t.count for t in page.context["tabs"]}
        self.assertEqual(counts, {"mine": 3, "unit": 1, "due_soon": 0, "overdue": 1, "waiting": 1})
        self.assertContains(page, '<span class="count" data-count="3">3</span>', html=False)
        for tab, count in counts.items():
            with self.subTest(tab=tab):
                listed = self.client.get(reverse("dossiers:queue"), {"tab": tab})
                self.assertEqual(len(listed.context["rows"]), count)

    def test_without_a_tab_the_first_one_with_work_opens(self):
        self.login(self.w.intake)
        self.assertEqual(self.client.get(reverse("dossiers:queue")).context["tab"], "intake")
        self.login(self.w.handler2)
        self.assertEqual(self.client.get(reverse("dossiers:queue")).context["tab"], "unit")

    def test_due_soon_and_hours(self):
        self.freeze(at(2026, 3, 5, 9))
        self.login(self.w.handler)
        soon = self.client.get(reverse("dossiers:queue"), {"tab": "due_soon"})
        self.assertIn(self.handled.code, self.codes(soon))
        self.assertContains(soon, "còn 6 giờ làm việc")

    def test_an_unknown_tab_falls_back_to_mine(self):
        self.login(self.w.handler)
        response = self.client.get(reverse("dossiers:queue"), {"tab": "nope", "page": "x"})
        self.assertEqual(response.context["tab"], "mine")

    def test_any_page_number_gives_a_page(self):
        self.login(self.w.handler)
        codes = [self.late.code, self.handled.code, self.paused.code]
        cases = {
            "99999999999999999999": (2, codes[2:]),
            "10001": (2, codes[2:]),
            "3": (2, codes[2:]),
            "2": (2, codes[2:]),
            "1": (1, codes[:2]),
            "0": (1, codes[:2]),
            "-5": (1, codes[:2]),
            "-99999999999999999999": (1, codes[:2]),
            "abc": (1, codes[:2]),
            "1e9": (1, codes[:2]),
            "": (1, codes[:2]),
        }
        with mock.patch("motcua.dossiers.views.queues.PAGE_SIZE", 2):
            for raw, (page, expected) in cases.items():
                with self.subTest(page=raw):
                    response = self.client.get(reverse("dossiers:queue"), {"page": raw})
                    self.assertEqual(response.status_code, 200)
                    self.assertEqual(response.context["page"], page)
                    self.assertEqual(self.codes(response), expected)
            last = self.client.get(reverse("dossiers:queue"), {"page": "99999999999999999999"})
            self.assertContains(last, 'rel="prev"')
            self.assertNotContains(last, 'rel="next"')
            self.assertContains(last, "Trang trước")

    def test_a_page_past_the_end_of_an_empty_queue_is_the_empty_first_page(self):
        self.login(self.w.handler)
        response = self.client.get(reverse("dossiers:queue"), {"tab": "due_soon", "page": "7"})
        self.assertEqual(response.context["page"], 1)
        self.assertContains(response, "Không có hồ sơ nào trong danh sách này.")

    def test_query_count_is_pinned_per_tab(self):
        self.login(self.w.handler)
        self.client.get(reverse("dossiers:queue"))  # loads the working calendars once
        for tab, expected in self.QUERIES.items():
            with self.subTest(tab=tab):
                with self.assertNumQueries(expected):
                    response = self.client.get(reverse("dossiers:queue"), {"tab": tab})
                self.assertEqual(response.status_code, 200)

    def test_query_count_does_not_grow_with_rows(self):
        self.login(self.w.handler)
        self.client.get(reverse("dossiers:queue"))
        with CaptureQueriesContext(connection) as before:
            self.client.get(reverse("dossiers:queue"))
        with clock.frozen(at(2026, 3, 3, 9)):
            for _ in range(3):
                self.w.receive(to_user=self.w.handler)
        with CaptureQueriesContext(connection) as after:
            response = self.client.get(reverse("dossiers:queue"))
        self.assertEqual(len(response.context["rows"]), 6)
        self.assertEqual(len(after), len(before))


class DossierPageQueryTests(ViewTestCase):
    def test_query_count_of_the_dossier_page_is_pinned(self):
        d = self.receive()
        d = self.w.to_handler(d)
        self.login(self.w.handler)
        url = reverse("dossiers:detail", args=[d.code])
        self.client.get(url)  # loads the working calendars once
        # Session, user, roles, scope, dossier, steps, documents, pauses, events,
        # the audit record of the read (4), and the people of the next step.
        with self.assertNumQueries(14):
            self.client.get(url)
        self.login(self.w.intake)
        self.client.get(url)
        # The same without the next step's people: the desk cannot hand over now.
        with self.assertNumQueries(13):
            self.client.get(url)


class LogbookTests(ViewTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        with clock.frozen(at(2026, 3, 2, 9)):
            cls.first = cls.w.receive()
        with clock.frozen(at(2026, 3, 3, 9)):
            cls.second = cls.w.receive(version=cls.w.inter_version)

    def setUp(self):
        super().setUp()
        self.freeze(at(2026, 3, 10, 9))
        self.login(self.w.intake)

    def test_the_table_defaults_to_this_month(self):
        response = self.client.get(reverse("dossiers:logbook"))
        self.assertContains(response, self.first.code)
        self.assertContains(response, self.second.code)
        self.assertContains(response, "<h1>Sổ theo dõi hồ sơ</h1>", html=False)

    def test_filters_by_period_and_field(self):
        url = reverse("dossiers:logbook")
        params = {"unit": self.w.centre.pk, "start": "2026-03-03", "end": "2026-03-31"}
        response = self.client.get(url, params)
        self.assertNotContains(response, self.first.code)
        self.assertContains(response, self.second.code)
        response = self.client.get(url, {**params, "end": "2026-03-01"})
        self.assertEqual(response.status_code, 400)
        self.assertContains(
            response,
            "Ngày kết thúc (01/03/2026) trước ngày bắt đầu (03/03/2026).",
            status_code=400,
        )

    def test_excel_and_pdf_exports(self):
        params = {"unit": self.w.centre.pk, "start": "2026-03-01", "end": "2026-03-31"}
        xlsx = self.client.get(reverse("dossiers:logbook"), {**params, "format": "xlsx"})
        self.assertEqual(
            xlsx["Content-Type"],
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        sheet = load_workbook(BytesIO(xlsx.content)).active
        codes = [row[2] for row in sheet.iter_rows(min_row=5, values_only=True)]
        self.assertEqual(codes, [self.first.code, self.second.code])
        pdf = self.client.get(reverse("dossiers:logbook"), {**params, "format": "pdf"})
        self.assertEqual(pdf["Content-Type"], "application/pdf")
        self.assertTrue(pdf.content.startswith(b"%PDF"))

    def logbook_records(self):
        return AuditEvent.objects.filter(stream=f"dossiers.logbook:{self.w.centre.pk}").order_by(
            "seq"
        )

    def test_each_view_and_export_is_audited(self):
        url = reverse("dossiers:logbook")
        self.client.get(url)
        params = {"unit": self.w.centre.pk, "start": "2026-03-03", "end": "2026-03-31"}
        self.client.get(url, {**params, "format": "xlsx"})
        self.client.get(url, {**params, "format": "pdf"})
        records = list(self.logbook_records())
        self.assertEqual(
            [(r.action, r.data["format"], r.data["rows"]) for r in records],
            [
                ("dossiers.logbook.view", "html", 2),
                ("dossiers.logbook.export", "xlsx", 1),
                ("dossiers.logbook.export", "pdf", 1),
            ],
        )
        self.assertEqual(
            records[0].data,
            {
                "unit": self.w.centre.pk,
                "field": "",
                "start": "2026-03-01",
                "end": "2026-03-10",
                "rows": 2,
                "format": "html",
                "via": "screen",
            },
        )
        self.assertEqual({r.actor for r in records}, {self.w.intake})

    def test_a_refused_filter_shows_no_rows_and_writes_no_record(self):
        url = reverse("dossiers:logbook")
        params = {"unit": self.w.centre.pk, "start": "2026-03-03", "end": "2026-03-01"}
        response = self.client.get(url, {**params, "format": "xlsx"})
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self.logbook_records().exists())

    def test_a_unit_outside_the_users_desks_is_refused(self):
        response = self.client.get(
            reverse("dossiers:logbook"), {"unit": self.w.other_ward.pk, "format": "xlsx"}
        )
        self.assertEqual(response.status_code, 400)
        self.assertNotEqual(response["Content-Type"], "application/pdf")


class VietnameseTests(ViewTestCase):
    """The UI itself (templates, forms, choices, phrases) reaches the page in Vietnamese."""

    OFFICER_PRONOUN = re.compile(r"\b(bạn|đồng chí)\b", re.IGNORECASE)

    def test_the_dossier_page_speaks_vietnamese(self):
        d = self.receive()
        self.login(self.w.handler)
        response = self.client.get(reverse("dossiers:detail", args=[d.code]))
        self.assertEqual(response["Content-Language"], "vi")
        self.assertContains(response, '<html lang="vi">')
        for text in [
            "Tóm tắt",
            "Người nộp",
            "Hẹn trả kết quả",
            "còn 3 ngày làm việc",
            ">Đang giải quyết<",
            "Thao tác có thể thực hiện",
            "Chuyển bước tiếp theo",
            "Biểu mẫu để in",
            "Giấy tiếp nhận hồ sơ và hẹn trả kết quả (Mẫu 01)",
            "Phiếu kiểm soát quá trình giải quyết hồ sơ",
            "Quá trình xử lý",
            "Tiếp nhận tại quầy",
        ]:
            with self.subTest(text=text):
                self.assertContains(response, text)

    def test_the_intake_form_and_its_errors_speak_vietnamese(self):
        self.login(self.w.intake)
        form = self.client.get(self.intake_url)
        for text in [
            "Kiểm tra hồ sơ",
            "Thành phần hồ sơ đã nộp",
            "Họ và tên / tên tổ chức",
            "Số định danh cá nhân / mã số tổ chức",
            "Tiếp nhận và in giấy hẹn",
            "Từ chối (Mẫu 03)",
        ]:
            with self.subTest(text=text):
                self.assertContains(form, text)
        response = self.client.post(self.intake_url, self.intake_data(applicant_email="x@"))
        self.assertContains(
            response, "Chưa lưu gì. Hãy sửa từng mục dưới đây rồi gửi lại.", status_code=400
        )

    def test_a_bad_id_number_is_explained_in_vietnamese(self):
        self.login(self.w.intake)
        with translation.override("vi"):
            expected = s.Applicant(name="A", id_number="12345").cleaned
        with self.assertRaises(ApplicationError) as caught, translation.override("vi"):
            expected(NOW.date())
        response = self.client.post(self.intake_url, self.intake_data(applicant_id_number="12345"))
        self.assertContains(response, caught.exception.message, status_code=400)
        self.assertRegex(
            caught.exception.message, "[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]"
        )

    def test_the_queue_and_the_log_book_speak_vietnamese(self):
        self.receive()
        self.login(self.w.handler)  # the dossier waits in the ward's queue
        queue = self.client.get(reverse("dossiers:queue"))
        for text in ["Hồ sơ cần xử lý", "Mã hồ sơ", "Hạn xử lý", "Tìm hồ sơ"]:
            with self.subTest(text=text):
                self.assertContains(queue, text)
        self.login(self.w.intake)
        self.assertContains(self.client.get(reverse("dossiers:queue")), "Tiếp nhận hồ sơ mới")
        logbook = self.client.get(reverse("dossiers:logbook"))
        for text in [
            "Sổ theo dõi hồ sơ",
            "Tất cả lĩnh vực",
            "Xuất ra Excel",
            "Địa chỉ, số điện thoại",
        ]:
            with self.subTest(text=text):
                self.assertContains(logbook, text)

    def test_officers_are_addressed_neutrally(self):
        d = self.receive()
        pages = []
        self.login(self.w.nobody)
        pages.append(self.client.get(reverse("dossiers:queue")))
        self.login(self.w.handler)
        pages.append(self.client.get(reverse("dossiers:intake")))
        pages.append(self.client.get(reverse("dossiers:detail", args=[d.code])))
        self.login(self.w.intake)
        pages.append(self.client.get(reverse("dossiers:detail", args=[d.code])))
        pages.append(self.client.get(self.intake_url))
        for response in pages:
            with self.subTest(url=response.request["PATH_INFO"]):
                self.assertIsNone(self.OFFICER_PRONOUN.search(response.content.decode()))


class EnglishTests(ViewTestCase):
    """With the English cookie the same pages are in English."""

    def setUp(self):
        super().setUp()
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        self.login(self.w.intake)

    def test_pages_and_messages_are_in_english(self):
        d = self.receive()
        page = self.client.get(reverse("dossiers:detail", args=[d.code]))
        self.assertEqual(page["Content-Language"], "en")
        for text in ["Available actions", "3 working day(s) left", "Control slip", ">In progress<"]:
            with self.subTest(text=text):
                self.assertContains(page, text)
        queue = self.client.get(reverse("dossiers:queue"))
        self.assertContains(queue, "New dossier at the counter")
        data = self.intake_data(documents=[], idempotency_key="key-en")
        response = self.client.post(self.intake_url, data)
        self.assertContains(response, "The dossier is not complete", status_code=400)
