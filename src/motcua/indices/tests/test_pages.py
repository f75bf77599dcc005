"""The leader's morning page, the service index page, its drill-down and the public statistics."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

from django.test import TestCase
from openpyxl import load_workbook

from motcua.catalog.models import ProcedureVersion
from motcua.core import clock
from motcua.dossiers.models import Dossier
from motcua.indices.rollups import rollups_refresh
from motcua.indices.tests.helpers import World, at, dossier
from motcua.indices.tests.test_service_index import NOW, march_data


class PagesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = World()
        ProcedureVersion.objects.filter(pk=cls.w.restart_version.pk).update(online_level="partial")
        cls.rows = march_data(cls.w)
        # Today (10/4/2026): one received, one finished on time and returned; C is held by the handler.
        dossier(
            cls.w.ward, cls.w.pause_version, received=at(2026, 4, 10, 8), due=at(2026, 4, 15, 17),
            finished=at(2026, 4, 10, 8, 30), timeliness="early", returned=at(2026, 4, 10, 8, 45),
        )  # fmt: skip
        Dossier.objects.filter(pk=cls.rows["C"].pk).update(current_handler=cls.w.handler)
        Dossier.objects.filter(pk=cls.rows["D"].pk).update(
            current_handler=cls.w.handler, due_at=at(2026, 4, 11, 17)
        )
        rollups_refresh()
        from motcua.indices.rollups import rollups_rebuild

        rollups_rebuild()  # the two updates above wrote no event

    def get(self, url, user=None):
        if user is not None:
            self.client.force_login(user)
        with clock.frozen(NOW):
            return self.client.get(url)

    def test_morning_page_figures(self):
        response = self.get(f"/chi-so/{self.w.ward.pk}/", self.w.leader)
        self.assertEqual(response.status_code, 200)
        dash = response.context["dash"]
        self.assertEqual(
            (dash.received_today, dash.finished_today, dash.returned_today),
            (1, 1, 1),
        )
        # Being handled: C (overdue), D (due 11/4 17:00, within 2 days), F (paused).
        self.assertEqual((dash.pending, dash.overdue, dash.due_soon), (3, 1, 1))
        march = next(m for m in dash.months if m.key == "2026-03")
        self.assertEqual((march.received, march.finished, march.finished_on_time), (5, 3, 2))
        self.assertEqual(str(march.on_time_pct), "66.7")
        self.assertEqual([(w.name, w.pending, w.overdue) for w in dash.workload], [("Thuly", 2, 1)])
        rated = next(r for r in dash.ratings if r.key == "2026-03")
        self.assertEqual((rated.very_satisfied, rated.satisfied, rated.dissatisfied), (1, 0, 1))
        self.assertEqual(str(rated.satisfied_pct), "50.0")
        self.assertContains(response, "<svg", count=7)
        self.assertContains(response, "Bảng số liệu")

    def test_the_rolled_up_page_and_its_query_count_are_fixed(self):
        self.get(f"/chi-so/{self.w.ward.pk}/", self.w.leader)  # the session's first write
        with self.assertNumQueries(15):
            response = self.get(f"/chi-so/{self.w.ward.pk}/")
        self.assertEqual(response.status_code, 200)
        # More data does not add queries.
        for day in range(1, 20):
            dossier(self.w.other_ward, self.w.inter_version, received=at(2026, 4, day % 9 + 1),
                    due=at(2026, 4, 20, 17), status="in_progress")  # fmt: skip
        rollups_refresh()
        with self.assertNumQueries(15):
            self.get(f"/chi-so/{self.w.ward.pk}/")

    def test_service_page_and_its_query_count(self):
        self.get(f"/chi-so/{self.w.ward.pk}/chi-so-phuc-vu/?period=2026-02", self.w.leader)
        with self.assertNumQueries(15):  # 13 + the PAKN figures + the ratings of group 5
            response = self.get(f"/chi-so/{self.w.ward.pk}/chi-so-phuc-vu/?period=2026-03")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, '<strong id="index-total">27,55</strong>', html=False)
        self.assertContains(
            response, f"/chi-so/{self.w.ward.pk}/chi-so-phuc-vu/2.1/?period=2026-03"
        )
        self.assertContains(response, "Chưa có dữ liệu")

    def test_bad_period_is_explained(self):
        response = self.get(
            f"/chi-so/{self.w.ward.pk}/chi-so-phuc-vu/?period=2026-13", self.w.leader
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "error-summary")
        self.assertContains(response, "Kỳ “2026-13” không hợp lệ")

    def test_drilldown_page_and_export(self):
        url = f"/chi-so/{self.w.ward.pk}/chi-so-phuc-vu/2.1/?period=2026-03"
        response = self.get(url, self.w.leader)
        self.assertEqual(
            [r.code for r in response.context["rows"]], [self.rows["B"].code, self.rows["C"].code]
        )
        self.assertContains(response, "Hoàn thành trễ hạn")
        response = self.get(url + "&format=xlsx")
        sheet = load_workbook(BytesIO(response.content)).active
        self.assertEqual([row[0] for row in sheet.iter_rows(min_row=2, values_only=True)],
                         [self.rows["B"].code, self.rows["C"].code])  # fmt: skip

    def test_dashboard_excel_has_every_table(self):
        response = self.get(f"/chi-so/{self.w.ward.pk}/?format=xlsx", self.w.leader)
        book = load_workbook(BytesIO(response.content))
        self.assertEqual(len(book.sheetnames), 6)
        months = list(book.worksheets[0].iter_rows(values_only=True))
        self.assertEqual(months[0][0], "Tháng")
        self.assertEqual(months[-2][:3], ("03/2026", 5, 2))  # March: 5 received, 2 online
        ratings = list(book.worksheets[4].iter_rows(values_only=True))
        # The ward's March ratings: E very satisfied, A dissatisfied → 1 of 2 = 50 %.
        self.assertEqual(ratings[-2], ("03/2026", 1, 0, 1, 2, 50))

    def test_access(self):
        self.assertEqual(self.get(f"/chi-so/{self.w.ward.pk}/", self.w.handler).status_code, 403)
        self.assertEqual(self.get(f"/chi-so/{self.w.city.pk}/", self.w.leader).status_code, 403)
        self.assertEqual(self.get(f"/chi-so/{self.w.ward.pk}/", self.w.director).status_code, 403)
        self.client.logout()
        self.assertEqual(self.get(f"/chi-so/{self.w.ward.pk}/").status_code, 302)
        response = self.get("/chi-so/", self.w.leader)
        self.assertRedirects(response, f"/chi-so/{self.w.ward.pk}/", fetch_redirect_response=False)

    def test_public_statistics(self):
        self.client.logout()
        response = self.get(f"/thong-ke/{self.w.city.pk}/")
        self.assertEqual(response.status_code, 200)
        march = next(m for m in response.context["months"] if m.key == "2026-03")
        self.assertEqual((march.received, march.received_online), (10, 3))
        self.assertEqual(len(response.context["months"]), 12)
        self.assertNotContains(response, "Nguyễn Văn An")
        # Ratings in March: A dissatisfied, E very satisfied, H satisfied → 2 of 3 = 66.7 %.
        _title, headers, rows = response.context["table"]
        self.assertEqual(headers[-1], "Hài lòng (%)")
        self.assertEqual(next(r for r in rows if r[0] == "03/2026")[-1], Decimal("66.7"))
        self.assertContains(response, "Chưa có dữ liệu")  # the months nobody rated


class ReportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = World()
        ProcedureVersion.objects.filter(pk=cls.w.restart_version.pk).update(online_level="partial")
        cls.rows = march_data(cls.w)
        rollups_refresh()

    def get(self, url):
        self.client.force_login(self.w.leader)
        with clock.frozen(NOW):
            return self.client.get(url)

    def test_quarterly_report_in_excel(self):
        response = self.get(f"/chi-so/{self.w.ward.pk}/bao-cao/?period=2026-Q1&format=xlsx")
        self.assertEqual(response.status_code, 200)
        book = load_workbook(BytesIO(response.content))
        self.assertEqual(len(book.sheetnames), 4)
        index = list(book.worksheets[0].iter_rows(values_only=True))
        row21 = next(r for r in index if r[0] == "2.1")
        self.assertEqual(row21[2:6], (20, 13.33, 4, 6))
        months = list(book.worksheets[1].iter_rows(values_only=True))
        self.assertEqual([m[0] for m in months[1:]], ["01/2026", "02/2026", "03/2026"])
        self.assertEqual(months[2][1], 1)  # E was received in February

    def test_report_in_pdf_with_its_charts(self):
        from pypdf import PdfReader

        response = self.get(f"/chi-so/{self.w.city.pk}/bao-cao/?period=2026-03&format=pdf")
        self.assertEqual(response.status_code, 403)  # the ward leader does not see the city
        response = self.get(f"/chi-so/{self.w.ward.pk}/bao-cao/?period=2026-03&format=pdf")
        self.assertEqual(response["Content-Type"], "application/pdf")
        text = "".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
        self.assertIn("Phường Ngã Bảy", text)
        self.assertIn("Điểm theo nhóm", text)  # the chart's title
        self.assertIn("Tháng 03/2026", text)
        self.assertIn("27.55", text)

    def test_bad_period(self):
        response = self.get(f"/chi-so/{self.w.ward.pk}/bao-cao/?period=Q3&format=pdf")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "error-summary", status_code=400)


class LandingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = World()

    def test_leaders_land_on_the_dashboard_and_handlers_on_their_queue(self):
        self.client.force_login(self.w.leader)
        response = self.client.get("/chi-so/bat-dau/")
        self.assertRedirects(response, "/chi-so/", fetch_redirect_response=False)
        self.client.force_login(self.w.handler)
        response = self.client.get("/chi-so/bat-dau/")
        self.assertRedirects(response, "/mot-cua/bat-dau/", fetch_redirect_response=False)

    def test_a_reform_officer_lands_on_the_outreach_home_and_still_opens_the_dashboard(self):
        reform = self.w._user("caicach", "reform_officer", self.w.ward)
        self.client.force_login(reform)
        response = self.client.get("/chi-so/bat-dau/")
        self.assertRedirects(response, "/tuyen-truyen/", fetch_redirect_response=False)
        self.assertRedirects(
            self.client.get("/chi-so/"), f"/chi-so/{self.w.ward.pk}/", fetch_redirect_response=False
        )

    def test_the_menu_shows_the_dashboard_only_to_viewer_roles(self):
        self.client.force_login(self.w.leader)
        self.assertContains(self.client.get("/tai-khoan/"), 'href="/chi-so/"')
        self.client.force_login(self.w.handler)
        self.assertNotContains(self.client.get("/tai-khoan/"), 'href="/chi-so/"')
