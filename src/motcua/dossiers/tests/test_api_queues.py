"""The dossier lists and queues of the API, and the printed forms it serves."""

from __future__ import annotations

from datetime import date
from io import BytesIO

from django.db import connection
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from motcua.core import clock
from motcua.core.models import AuditEvent
from motcua.dossiers import services as s
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.helpers import at
from motcua.dossiers.tests.test_api import BASE, ApiTestCase, vietnamese


class QueueTests(ApiTestCase):
    def codes(self, response):
        self.assertEqual(response.status_code, 200, response.content)
        return [item["code"] for item in response.json()["items"]]

    def test_queues(self):
        fresh = self.receive(when=at(2026, 3, 2, 9))
        mine = self.in_progress()  # handed to thuly
        unclaimed = self.receive(when=at(2026, 3, 2, 11))  # intake leaves it in the ward's queue
        waiting = self.in_progress()
        self.act(
            at(2026, 3, 3, 9),
            s.dossier_request_payment,
            dossier=waiting,
            actor=self.w.handler,
            items=["Thuế"],
        )
        now = at(2026, 3, 5, 10)
        # A paused dossier stays in its handler's queue.
        self.assertEqual(
            self.codes(self.call("get", BASE, {"queue": "mine"}, who="handler", when=now)),
            [mine.code, waiting.code],
        )
        self.assertEqual(
            self.codes(self.call("get", BASE, {"queue": "unit"}, who="handler2", when=now)),
            [fresh.code, unclaimed.code],
        )
        self.assertEqual(
            self.codes(self.call("get", BASE, {"queue": "waiting"}, who="handler", when=now)),
            [waiting.code],
        )
        due_soon = self.codes(self.call("get", BASE, {"queue": "due_soon"}, who="leader", when=now))
        self.assertEqual(sorted(due_soon), sorted([fresh.code, mine.code, unclaimed.code]))
        later = at(2026, 3, 6, 9)
        overdue = self.codes(self.call("get", BASE, {"queue": "overdue"}, who="leader", when=later))
        self.assertEqual(sorted(overdue), sorted([fresh.code, mine.code, unclaimed.code]))
        everything = self.call("get", BASE, who="leader", when=now).json()
        self.assertEqual(everything["count"], 4)
        r = self.call(
            "get", BASE, {"status": ["awaiting_payment", "result_ready"]}, who="leader", when=now
        )
        self.assertEqual(self.codes(r), [waiting.code])
        r = self.call("get", BASE, {"queue": "nope"})
        self.assertError(r, 422, "invalid_input")
        self.assertEqual(r.json()["extra"]["errors"][0]["field"], "query.queue")

    def test_online_submissions_have_their_own_queue(self):
        with clock.frozen(at(2026, 3, 2, 20)):
            online = s.dossier_submit_online(
                applicant=self.w.applicant(),
                procedure_code=self.w.pause_version.procedure.code,
                receiving_unit=self.w.centre,
                provided_documents=[],
            ).dossier
        paused = self.in_progress()
        self.act(
            at(2026, 3, 3, 9),
            s.dossier_request_supplement,
            dossier=paused,
            actor=self.w.handler,
            items=["A"],
            reason="r",
        )
        now = at(2026, 3, 3, 10)
        self.assertEqual(
            self.codes(self.call("get", BASE, {"queue": "intake"}, when=now)), [online.code]
        )
        self.assertEqual(
            self.codes(self.call("get", BASE, {"queue": "waiting"}, when=now)), [paused.code]
        )

    def test_filters_and_pages(self):
        first = self.receive(when=at(2026, 3, 2, 9))
        second = self.receive(when=at(2026, 3, 3, 9), version=self.w.restart_version)
        third = self.receive(when=at(2026, 3, 4, 9))
        when = at(2026, 3, 4, 10)
        r = self.call("get", BASE, {"procedure": "1.000656"}, when=when)
        self.assertEqual(self.codes(r), [second.code])
        r = self.call(
            "get", BASE, {"received_from": "2026-03-03", "received_to": "2026-03-03"}, when=when
        )
        self.assertEqual(self.codes(r), [second.code])
        r = self.call("get", BASE, {"page_size": 2}, when=when).json()
        self.assertEqual((r["count"], r["pages"]), (3, 2))
        self.assertEqual([i["code"] for i in r["items"]], [third.code, second.code])
        r = self.call("get", BASE, {"page_size": 2, "page": 2}, when=when).json()
        self.assertEqual([i["code"] for i in r["items"]], [first.code])
        r = self.call("get", BASE, {"page": 9}, when=when).json()
        self.assertEqual(r["items"], [])
        r = self.call("get", BASE, {"page_size": 101})
        self.assertError(r, 422, "invalid_input")
        self.assertEqual(
            r.json()["extra"]["errors"],
            [
                {
                    "field": "query.page_size",
                    "message": "Hãy nhập giá trị không quá 100.",
                    "type": "less_than_equal",
                }
            ],
        )

    def test_list_query_count_does_not_grow(self):
        """Token, scope, count, page ids, page rows: five queries for any number of dossiers."""
        self.receive()
        self.call("get", BASE)  # sets last_used_at
        self.call("get", BASE, who="handler")
        counts = []
        for extra in (0, 4):
            for minute in range(extra):
                self.receive(when=at(2026, 3, 2, 9, minute + 1))
            with CaptureQueriesContext(connection) as queries:
                r = self.call("get", BASE, {"queue": "unit"}, who="handler")
                r2 = self.call("get", BASE)
            self.assertEqual(r.status_code, 200)
            self.assertEqual(r2.json()["count"], 1 + extra)
            counts.append(len(queries))
        self.assertEqual(counts, [10, 10])


class FormTests(ApiTestCase):
    def form(self, d, form, *, who="intake", when=None):
        key = d.code or d.pk
        return self.call("get", f"{BASE}{key}/forms/{form}", who=who, when=when)

    def assertPdf(self, response, filename):
        self.assertEqual(response.status_code, 200, response.content[:300])
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertEqual(response["Content-Disposition"], f'attachment; filename="{filename}"')
        self.assertEqual(response["Cache-Control"], "private, no-store")
        self.assertTrue(response.content.startswith(b"%PDF"))

    def views(self):
        return list(
            AuditEvent.objects.filter(action="dossiers.view")
            .order_by("id")
            .values_list("actor__username", "data")
        )

    def test_receipt_and_control_slip_of_a_received_dossier(self):
        d = self.receive()
        self.assertPdf(self.form(d, "receipt"), "mau-01-H33.15-260302-0001.pdf")
        self.assertPdf(self.form(d, "control", who="handler"), "mau-06-H33.15-260302-0001.pdf")
        self.assertEqual(
            self.views(),
            [
                ("tiepnhan", {"code": d.code, "via": "api:print:receipt"}),
                ("thuly", {"code": d.code, "via": "api:print:control"}),
            ],
        )
        text = "".join(
            p.extract_text() for p in PdfReader(BytesIO(self.form(d, "receipt").content)).pages
        )
        self.assertIn(d.code, text)

    def test_a_form_that_does_not_apply_is_not_found_with_the_reason(self):
        d = self.receive()
        cases = {
            "refusal": "The refusal slip is printed only for a refused dossier.",
            "apology": "The apology is printed only for a dossier with an apology.",
            "stop": "The notice of stopping is printed only for a stopped dossier.",
        }
        for form, msgid in cases.items():
            with self.subTest(form):
                response = self.form(d, form)
                self.assertError(response, 404, "form_not_applicable")
                self.assertEqual(response.json()["detail"], vietnamese(msgid))
        response = self.form(d, "supplement/1")
        self.assertError(response, 404, "form_not_applicable")
        self.assertIn(d.code, response.json()["detail"])
        for form in ("nope", "supplement", "logbook", "x" * 300):
            with self.subTest(form=form[:10]):
                self.assertError(self.form(d, form), 404, "unknown_form")
        self.assertEqual(self.views(), [])

    def test_apology_and_stop_once_they_exist(self):
        d = self.in_progress()
        self.act(
            at(2026, 3, 3, 9),
            s.dossier_apologise,
            dossier=d,
            actor=self.w.leader,
            reason="Cần xác minh",
            new_date=date(2026, 3, 9),
        )
        self.assertPdf(self.form(d, "apology"), "mau-04-H33.15-260302-0001.pdf")
        self.act(
            at(2026, 3, 3, 10),
            s.dossier_stop,
            dossier=Dossier.objects.get(pk=d.pk),
            actor=self.w.intake,
            reason="Đơn xin dừng",
        )
        self.assertPdf(self.form(d, "stop"), "mau-05-H33.15-260302-0001.pdf")

    def test_supplement_requests_by_number(self):
        d = self.in_progress()
        self.act(
            at(2026, 3, 3, 10),
            s.dossier_request_supplement,
            dossier=d,
            actor=self.w.handler,
            items=["Bản sao giấy chứng sinh"],
            reason="Không rõ",
        )
        self.assertPdf(self.form(d, "supplement/1"), "mau-02-H33.15-260302-0001.pdf")
        self.assertEqual(self.views()[-1][1], {"code": d.code, "via": "api:print:supplement"})
        self.assertError(self.form(d, "supplement/2"), 404, "form_not_applicable")
        response = self.form(d, "supplement/0")
        self.assertError(response, 422, "invalid_input")
        self.assertEqual(response.json()["extra"]["errors"][0]["field"], "path.number")

    def test_a_refusal_at_the_counter_prints_by_its_number(self):
        body = self.intake_body(reasons="Không thuộc thẩm quyền của phường")
        refused = Dossier.objects.get(pk=self.call("post", BASE + "refusals", body).json()["id"])
        # Its number in the desk's register of refusals for the year.
        self.assertPdf(self.form(refused, "refusal"), "mau-03-tu-choi-2026-1.pdf")
        response = self.form(refused, "receipt")
        self.assertError(response, 404, "form_not_applicable")
        self.assertEqual(
            response.json()["detail"],
            vietnamese("This form is printed only for a received dossier."),
        )

    def test_only_callers_who_see_the_dossier(self):
        d = self.receive()
        for who in ("outsider", "nobody", "tax_officer"):
            with self.subTest(who):
                self.assertError(self.form(d, "receipt", who=who), 404, "not_found")
                self.assertError(self.form(d, "supplement/1", who=who), 404, "not_found")
        self.assertEqual(self.form(d, "receipt", who=None).status_code, 401)
        self.assertEqual(self.views(), [])

    def test_the_detail_lists_the_forms_that_apply(self):
        d = self.in_progress()
        detail = self.call("get", BASE + d.code).json()
        self.assertEqual([f["form"] for f in detail["forms"]], ["receipt", "control"])
        self.act(
            at(2026, 3, 3, 9),
            s.dossier_apologise,
            dossier=d,
            actor=self.w.leader,
            reason="Cần xác minh",
            new_date=date(2026, 3, 9),
        )
        self.act(
            at(2026, 3, 3, 10),
            s.dossier_request_supplement,
            dossier=Dossier.objects.get(pk=d.pk),
            actor=self.w.handler,
            items=["A"],
            reason="r",
        )
        forms = self.call("get", BASE + d.code).json()["forms"]
        self.assertEqual(
            [(f["form"], f["number"], f["pause_number"]) for f in forms],
            [
                ("receipt", "01", None),
                ("supplement", "02", 1),
                ("apology", "04", None),
                ("control", "06", None),
            ],
        )
        self.assertEqual(forms[0]["title"], "Giấy tiếp nhận hồ sơ và hẹn trả kết quả")
        for link in forms:
            with self.subTest(link["url"]):
                self.assertEqual(self.call("get", link["url"]).status_code, 200)
