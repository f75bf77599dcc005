"""The apology (Mẫu 04): late when it must be, drafted by the handler, signed by the leader."""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

from django.urls import reverse

from motcua.api.services import api_token_create
from motcua.core import clock
from motcua.core.errors import ApplicationError, ConflictError, PermissionDeniedError
from motcua.core.models import AuditEvent, Notification
from motcua.dossiers import printing
from motcua.dossiers import services as s
from motcua.dossiers.models import Apology, ApologyDraft, Dossier, DossierEvent
from motcua.dossiers.tests.helpers import DossierTestCase, at
from motcua.dossiers.tests.test_printing import flat

REASON = "Cần xác minh thêm với cơ quan khác"


class ApologyTestCase(DossierTestCase):
    """``receive()``: a dossier received 02/3/2026 09:00, due 05/3/2026 17:00."""

    def apologise(self, d, when, new_date=date(2026, 3, 10), actor=None):
        return self.act(
            when,
            s.dossier_apologise,
            dossier=d,
            actor=actor or self.w.leader,
            reason=REASON,
            new_date=new_date,
        )

    def draft(self, d, when, new_date=date(2026, 3, 10), actor=None, reason=REASON):
        return self.act(
            when,
            s.dossier_apology_draft,
            dossier=d,
            actor=actor or self.w.handler,
            reason=reason,
            new_date=new_date,
        )

    def notices(self, event):
        return list(Notification.objects.filter(event=event).order_by("id"))


class LateApologyTests(ApologyTestCase):
    def test_one_working_day_ahead_it_is_on_time(self):
        apology = self.apologise(self.receive(), at(2026, 3, 4, 16))
        self.assertIs(apology.late, False)
        event = DossierEvent.objects.get(action="apologise")
        self.assertIs(event.data["late"], False)

    def test_on_the_due_day_it_is_still_issued_and_marked_late(self):
        """The one-working-day notice can no longer be kept: issued anyway, marked late."""
        d = self.receive()
        apology = self.apologise(d, at(2026, 3, 5, 9))
        self.assertIs(apology.late, True)
        d.refresh_from_db()
        self.assertEqual(d.extended_due_at, at(2026, 3, 10, 17))
        event = DossierEvent.objects.get(action="apologise")
        self.assertIs(event.data["late"], True)
        audit = AuditEvent.objects.get(action="dossiers.apologise")
        self.assertIs(audit.data["late"], True)
        self.assertEqual(len(self.notices("dossier.apology")), 1)

    def test_an_overdue_dossier_gets_its_apology_and_form_04(self):
        d = self.receive()
        self.apologise(d, at(2026, 3, 9, 10), new_date=date(2026, 3, 12))
        d.refresh_from_db()
        self.assertEqual((d.due_at, d.extended_due_at), (at(2026, 3, 5, 17), at(2026, 3, 12, 17)))
        self.assertIs(Apology.objects.get(dossier=d).late, True)
        text = flat(printing.render_pdf("apology", d))
        self.assertIn("Đến nay đã quá thời gian hẹn nêu trên", text)
        self.assertIn(
            "đề nghị gia hạn thời gian giải quyết hồ sơ đến 17 giờ 00 phút, ngày 12/3/2026", text
        )

    def test_the_new_date_must_be_still_ahead(self):
        d = self.receive()
        with self.assertRaises(ApplicationError) as caught:
            self.apologise(d, at(2026, 3, 9, 10), new_date=date(2026, 3, 6))
        self.assertEqual(caught.exception.code, "invalid_new_date")
        with self.assertRaises(ApplicationError) as caught:
            self.apologise(d, at(2026, 3, 9, 17, 30), new_date=date(2026, 3, 9))
        self.assertEqual(caught.exception.code, "invalid_new_date")
        self.assertIn("09/03/2026", caught.exception.message)
        self.assertFalse(Apology.objects.exists())
        self.assertFalse(DossierEvent.objects.filter(action="apologise").exists())

    def test_still_only_once(self):
        d = self.receive()
        self.apologise(d, at(2026, 3, 6, 9))
        with self.assertRaises(ApplicationError) as caught:
            self.apologise(d, at(2026, 3, 9, 9), new_date=date(2026, 3, 13))
        self.assertEqual(caught.exception.code, "apology_once")

    def test_the_history_line_says_late(self):
        from motcua.dossiers.screens import event_rows

        d = self.receive()
        self.apologise(d, at(2026, 3, 6, 9))
        (row,) = [r for r in event_rows(d.events.all()) if "ban hành muộn" in r.detail]
        self.assertEqual(row.label, "Gửi phiếu xin lỗi và hẹn lại ngày trả")
        self.assertIn("ngày hẹn mới 10/03/2026", row.detail)


class DraftTests(ApologyTestCase):
    def test_the_handler_drafts_and_the_leaders_are_told(self):
        d = self.w.to_handler(self.receive())
        version = d.version
        draft = self.draft(d, at(2026, 3, 4, 9))
        self.assertEqual((draft.drafted_by, draft.reason), (self.w.handler, REASON))
        self.assertEqual(draft.new_date, date(2026, 3, 10))
        d.refresh_from_db()
        self.assertIsNone(d.extended_due_at)
        self.assertEqual(d.version, version + 1)
        self.assertFalse(Apology.objects.exists())
        event = DossierEvent.objects.get(action="draft_apology")
        self.assertEqual((event.actor, event.note), (self.w.handler, REASON))
        self.assertEqual(event.data, {"new_date": "2026-03-10", "late": False})
        self.assertTrue(AuditEvent.objects.filter(action="dossiers.draft_apology").exists())
        # Nothing reaches the applicant; the ward's leader is asked to sign.
        self.assertEqual(self.notices("dossier.apology"), [])
        (notice,) = self.notices("apology.drafted")
        self.assertEqual(notice.user, self.w.leader)
        self.assertIn(d.code, notice.subject)
        self.assertIn(REASON, notice.body)
        self.assertIn("10/03/2026", notice.body)

    def test_the_leader_signs_the_draft(self):
        d = self.receive()
        self.draft(d, at(2026, 3, 4, 9))
        apology = self.apologise(d, at(2026, 3, 4, 10))
        self.assertEqual(apology.drafted_by, self.w.handler)
        self.assertFalse(ApologyDraft.objects.exists())
        event = DossierEvent.objects.get(action="apologise")
        self.assertEqual(event.data["drafted_by"], self.w.handler.pk)
        d.refresh_from_db()
        self.assertEqual(d.extended_due_at, at(2026, 3, 10, 17))
        self.assertEqual(len(self.notices("dossier.apology")), 1)

    def test_a_new_draft_replaces_the_previous_one(self):
        d = self.receive()
        self.draft(d, at(2026, 3, 4, 9))
        self.draft(d, at(2026, 3, 4, 10), new_date=date(2026, 3, 11), reason="Chờ ý kiến Sở")
        draft = ApologyDraft.objects.get(dossier=d)
        self.assertEqual((draft.reason, draft.new_date), ("Chờ ý kiến Sở", date(2026, 3, 11)))
        self.assertEqual(DossierEvent.objects.filter(action="draft_apology").count(), 2)

    def test_a_late_draft_says_so(self):
        d = self.receive()
        self.draft(d, at(2026, 3, 6, 9))
        self.assertIs(DossierEvent.objects.get(action="draft_apology").data["late"], True)

    def test_who_may_draft(self):
        d = self.receive()
        for actor in (self.w.leader, self.w.intake, self.w.outsider, self.w.tax_officer):
            with self.subTest(actor=actor.username), self.assertRaises(PermissionDeniedError):
                self.draft(d, at(2026, 3, 4, 9), actor=actor)
        with self.assertRaises(PermissionDeniedError):
            self.apologise(d, at(2026, 3, 4, 9), actor=self.w.handler)
        self.assertFalse(ApologyDraft.objects.exists())

    def test_bad_drafts_write_nothing(self):
        d = self.receive()
        cases: list[tuple[dict[str, Any], str]] = [
            ({"reason": ""}, "reason_required"),
            ({"new_date": date(2026, 3, 7)}, "invalid_new_date"),  # a Saturday
            ({"new_date": date(2026, 3, 5)}, "invalid_new_date"),  # not after the due date
        ]
        for kwargs, code in cases:
            with self.subTest(code=code, **kwargs), self.assertRaises(ApplicationError) as caught:
                self.draft(d, at(2026, 3, 4, 9), **kwargs)
            self.assertEqual(caught.exception.code, code)
        self.assertFalse(ApologyDraft.objects.exists())
        self.assertFalse(DossierEvent.objects.filter(action="draft_apology").exists())

    def test_no_draft_after_the_apology_or_while_paused(self):
        d = self.receive()
        self.apologise(d, at(2026, 3, 4, 9))
        with self.assertRaises(ApplicationError) as caught:
            self.draft(d, at(2026, 3, 4, 10))
        self.assertEqual(caught.exception.code, "apology_once")
        paused = self.w.to_handler(self.receive())
        self.act(
            at(2026, 3, 3, 9),
            s.dossier_request_supplement,
            dossier=paused,
            actor=self.w.handler,
            items=["A"],
            reason="r",
        )
        with self.assertRaises(ConflictError):
            self.draft(paused, at(2026, 3, 3, 10))

    def test_a_stale_version_is_a_conflict(self):
        d = self.receive()
        with self.assertRaises(ConflictError):
            self.act(
                at(2026, 3, 4, 9),
                s.dossier_apology_draft,
                dossier=d,
                actor=self.w.handler,
                reason=REASON,
                new_date=date(2026, 3, 10),
                expected_version=d.version - 1,
            )


class PageTests(ApologyTestCase):
    def setUp(self):
        frozen = clock.frozen(at(2026, 3, 4, 9))
        frozen.__enter__()
        self.addCleanup(frozen.__exit__, None, None, None)

    def url(self, d, action=None):
        if action:
            return reverse("dossiers:action", args=[d.code, action])
        return reverse("dossiers:detail", args=[d.code])

    def post(self, d, action, **fields):
        data = {f"{action}-expected_version": Dossier.objects.get(pk=d.pk).version}
        data.update({f"{action}-{name}": value for name, value in fields.items()})
        return self.client.post(self.url(d, action), data)

    def actions(self, response):
        return [item.action for item in response.context["actions"]]

    def test_the_handler_drafts_from_the_dossier_page(self):
        d = self.w.to_handler(self.receive())
        self.client.force_login(self.w.handler)
        page = self.client.get(self.url(d))
        self.assertIn("draft_apology", self.actions(page))
        self.assertNotIn("apologise", self.actions(page))
        self.assertContains(page, "Dự thảo văn bản xin lỗi để lãnh đạo ký")
        response = self.post(d, "draft_apology", reason="", new_date="2026-03-10")
        self.assertContains(response, "Nhập lý do chậm trả kết quả", status_code=400)
        response = self.post(d, "draft_apology", reason=REASON, new_date="2026-03-10")
        self.assertRedirects(response, self.url(d))
        page = self.client.get(self.url(d))
        self.assertContains(page, 'id="apology-draft"')
        self.assertContains(page, "Đã dự thảo văn bản xin lỗi, chờ lãnh đạo ký")

    def test_the_leader_sees_the_draft_and_signs_it(self):
        d = self.receive()
        self.draft(d, at(2026, 3, 4, 8))
        self.client.force_login(self.w.leader)
        page = self.client.get(self.url(d))
        self.assertEqual(self.actions(page)[-1], "apologise")
        self.assertNotIn("draft_apology", self.actions(page))
        self.assertContains(page, 'id="apology-draft"')
        self.assertContains(page, REASON)
        self.assertContains(page, "10/03/2026")
        self.assertContains(
            page, "Chưa gửi cho người nộp và chưa đổi ngày hẹn cho đến khi lãnh đạo ký."
        )
        form = next(item.form for item in page.context["actions"] if item.action == "apologise")
        self.assertEqual(form.initial["reason"], REASON)
        self.assertEqual(form.initial["new_date"], date(2026, 3, 10))
        self.assertContains(page, 'value="10/03/2026"')
        response = self.post(d, "apologise", reason=REASON, new_date="2026-03-10")
        self.assertRedirects(response, self.url(d))
        page = self.client.get(self.url(d))
        self.assertNotContains(page, 'id="apology-draft"')
        self.assertContains(page, reverse("dossiers:print", args=[d.code, "apology"]))
        self.assertEqual(Apology.objects.get(dossier=d).drafted_by, self.w.handler)

    def test_the_apology_form_lists_every_problem_at_once(self):
        d = self.receive()
        self.client.force_login(self.w.leader)
        response = self.post(d, "apologise", reason="", new_date="03/03/2026")
        content = response.content.decode()
        self.assertEqual(response.status_code, 400)
        self.assertIn("<title>Lỗi: ", content)
        self.assertEqual(
            re.findall(r'<li><a href="#([^"]+)">', content),
            ["id_apologise-reason", "id_apologise-new_date"],
        )
        self.assertFalse(Apology.objects.filter(dossier=d).exists())

    def test_a_late_apology_is_marked_on_the_page(self):
        d = self.receive()
        self.apologise(d, at(2026, 3, 6, 9))
        self.client.force_login(self.w.leader)
        page = self.client.get(self.url(d))
        self.assertContains(page, 'id="apology-late"')
        self.assertContains(page, "ban hành muộn")
        self.assertContains(page, '<h2 id="h-apology">Văn bản xin lỗi</h2>')


class ApiTests(ApologyTestCase):
    tokens: dict[str, str]

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.tokens = {
            name: api_token_create(actor="test", user=getattr(cls.w, name), name="t")[1]
            for name in ("handler", "leader")
        }

    def call(self, method, path, body=None, *, who, when=None):
        auth: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {self.tokens[who]}"}
        with clock.frozen(when or at(2026, 3, 4, 9)):
            if method == "get":
                return self.client.get(path, **auth)
            return self.client.post(
                path, data=json.dumps(body), content_type="application/json", **auth
            )

    def test_draft_then_sign_through_the_api(self):
        d = self.receive()
        base = f"/api/v1/dossiers/{d.code}"
        detail = self.call("get", base, who="handler").json()
        self.assertIn("apology-draft", detail["available_actions"])
        self.assertIsNone(detail["apology_draft"])
        body = {"expected_version": d.version, "reason": REASON, "new_date": "2026-03-10"}
        r = self.call("post", f"{base}/apology-draft", body, who="handler")
        self.assertEqual(r.status_code, 200, r.content)
        self.assertEqual(r.json()["apology_draft"]["new_date"], "2026-03-10")
        self.assertEqual(r.json()["apology_draft"]["drafted_by"]["username"], "thuly")
        self.assertIsNone(r.json()["dossier"]["extended_due_at"])
        detail = self.call("get", base, who="leader").json()
        self.assertEqual(detail["apology_draft"]["reason"], REASON)
        body["expected_version"] = detail["version"]
        r = self.call("post", f"{base}/apologise", body, who="leader", when=at(2026, 3, 5, 9))
        self.assertEqual(r.status_code, 200, r.content)
        apology = r.json()["apology"]
        self.assertEqual(apology["drafted_by"]["username"], "thuly")
        self.assertIs(apology["late"], True)
        self.assertEqual(apology["signer_position"], "Lãnh đạo UBND cấp xã")
        detail = self.call("get", base, who="leader").json()
        self.assertIsNone(detail["apology_draft"])
        self.assertNotIn("apologise", detail["available_actions"])
        self.assertNotIn("apology-draft", detail["available_actions"])
        self.assertIn("apology", [form["form"] for form in detail["forms"]])

    def test_a_draft_without_the_role_is_refused(self):
        d = self.receive()
        body = {"expected_version": d.version, "reason": REASON, "new_date": "2026-03-10"}
        r = self.call("post", f"/api/v1/dossiers/{d.code}/apology-draft", body, who="leader")
        self.assertEqual(r.status_code, 403, r.content)
        self.assertFalse(ApologyDraft.objects.exists())
