"""The dossier page: what it shows, the actions it offers and what they do."""

from __future__ import annotations

import re
from io import BytesIO

from django.urls import reverse
from django.utils import timezone

from motcua.core.models import AuditEvent
from motcua.dossiers import services as s
from motcua.dossiers.constants import DossierStatus as S
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.tests.helpers import at
from motcua.dossiers.tests.test_views import NOW, ViewTestCase


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
        assert d.code is not None
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
        assert d.code is not None
        self.assertContains(page, d.code)
        self.post(d, "payment_received")
        d.refresh_from_db()
        self.assertEqual(d.status, S.IN_PROGRESS)

    def due_facts(self, response):
        """Return the text of the "appointment for the result" entry of the summary."""
        found = re.search(r'<dd id="due-facts">(.*?)</dd>', response.content.decode(), re.S)
        self.assertIsNotNone(found)
        assert found is not None
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
