"""The queues and the log book pages."""

from __future__ import annotations

from io import BytesIO
from typing import Any
from unittest import mock

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from motcua.core import clock
from motcua.core.models import AuditEvent
from motcua.dossiers import services as s
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.helpers import at
from motcua.dossiers.tests.test_views import ViewTestCase


class QueueTests(ViewTestCase):
    # Session, user, roles, scope, the tab counts, the page's rows.
    queued: Dossier
    handled: Dossier
    late: Dossier
    paused: Dossier
    online: Dossier

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


class LogbookTests(ViewTestCase):
    first: Dossier
    second: Dossier

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
        assert self.first.code is not None and self.second.code is not None
        self.assertContains(response, self.first.code)
        self.assertContains(response, self.second.code)
        self.assertContains(response, "<h1>Sổ theo dõi hồ sơ</h1>", html=False)

    def test_filters_by_period_and_field(self):
        url = reverse("dossiers:logbook")
        params: dict[str, Any] = {
            "unit": self.w.centre.pk,
            "start": "2026-03-03",
            "end": "2026-03-31",
        }
        response = self.client.get(url, params)
        assert self.first.code is not None and self.second.code is not None
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
        params: dict[str, Any] = {
            "unit": self.w.centre.pk,
            "start": "2026-03-01",
            "end": "2026-03-31",
        }
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
        params: dict[str, Any] = {
            "unit": self.w.centre.pk,
            "start": "2026-03-03",
            "end": "2026-03-31",
        }
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
        params: dict[str, Any] = {
            "unit": self.w.centre.pk,
            "start": "2026-03-03",
            "end": "2026-03-01",
        }
        response = self.client.get(url, {**params, "format": "xlsx"})
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self.logbook_records().exists())

    def test_a_unit_outside_the_users_desks_is_refused(self):
        response = self.client.get(
            reverse("dossiers:logbook"), {"unit": str(self.w.other_ward.pk), "format": "xlsx"}
        )
        self.assertEqual(response.status_code, 400)
        self.assertNotEqual(response["Content-Type"], "application/pdf")
