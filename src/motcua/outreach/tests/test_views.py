"""The staff pages under /tuyen-truyen/ and the public reform section."""

from __future__ import annotations

import io
import zipfile
from datetime import date, timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from openpyxl import load_workbook

from motcua.core import clock
from motcua.core.landing import landing_for
from motcua.outreach import services as s
from motcua.outreach.models import Article, Evidence, ProgressReport
from motcua.outreach.tests.helpers import World, at, png

NOW = at(2026, 4, 15, 9)


class PlanPagesTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.w = World()

    def setUp(self) -> None:
        self.frozen = clock.frozen(NOW)
        self.frozen.__enter__()
        self.addCleanup(self.frozen.__exit__, None, None, None)

    def test_reform_officer_lands_on_the_outreach_home(self) -> None:
        request = self.client.get("/").wsgi_request
        request.user = self.w.ward_officer
        self.assertEqual(landing_for(request), "/tuyen-truyen/")
        request.user = self.w.leader
        request._motcua_user_roles = None  # type: ignore[attr-defined]
        self.assertIsNone(landing_for(request))

    def test_plan_to_report_file_through_the_pages(self) -> None:
        self.client.force_login(self.w.ward_officer)
        response = self.client.post(
            "/tuyen-truyen/ke-hoach/moi/",
            {
                "year": "2026",
                "title": "Kế hoạch tuyên truyền CCHC năm 2026",
                "objectives": "Mọi người dân biết dịch vụ công trực tuyến.",
                "legal_basis": "",
                "unit": str(self.w.ward.pk),
            },
        )
        self.assertEqual(response.status_code, 302)
        plan_url = response["Location"]
        response = self.client.post(
            f"{plan_url}hoat-dong/moi/",
            {
                "title": "Phát thanh về dịch vụ công trực tuyến",
                "channel": str(self.w.channels["radio"].pk),
                "topic": str(self.w.topics["one_stop"].pk),
                "owner_unit": str(self.w.ward.pk),
                "period_kind": "month",
                "period": "3",
                "target_quantity": "2",
                "quantity_unit": "buổi",
                "audience": "Người dân",
            },
        )
        self.assertEqual(response.status_code, 302)
        plan = self.w.ward.outreach_plans.get()
        activity = plan.activities.get()
        response = self.client.post(
            f"/tuyen-truyen/hoat-dong/{activity.pk}/",
            {
                "reported_on": "20/03/2026",
                "quantity": "2",
                "people": "350",
                "broadcasts": "2",
                "evidence": png("bien-ban.png"),
            },
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Evidence.objects.filter(report__activity=activity).count(), 1)
        page = self.client.get(plan_url)
        self.assertContains(page, '<dd id="completion">100,0</dd>', html=True)
        home = self.client.get("/tuyen-truyen/")
        self.assertContains(home, plan.title)

        xlsx = self.client.get(f"{plan_url}bao-cao.xlsx?ky=2026-Q1")
        self.assertEqual(xlsx.status_code, 200)
        sheet = load_workbook(io.BytesIO(xlsx.content)).active
        values = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
        self.assertIn("Phát thanh về dịch vụ công trực tuyến", values)
        self.assertIn(350, values)
        self.assertIn(100.0, values)
        pdf = self.client.get(f"{plan_url}bao-cao.pdf?ky=2026-03")
        self.assertEqual(pdf.content[:5], b"%PDF-")
        docx = self.client.get(f"{plan_url}bao-cao.docx?ky=2026-Q1")
        with zipfile.ZipFile(io.BytesIO(docx.content)) as archive:
            xml = archive.read("word/document.xml").decode()
        self.assertIn("Times New Roman", xml)
        self.assertIn("quý I/2026", xml)
        self.assertIn("Phát thanh về dịch vụ công trực tuyến", xml)
        bad = self.client.get(f"{plan_url}bao-cao.xlsx?ky=2025-13")
        self.assertEqual(bad.status_code, 400)

    def test_another_units_plan_is_refused(self) -> None:
        plan = self.w.plan()
        activity = self.w.activity(plan)
        self.client.force_login(self.w.other_officer)
        for url in (
            f"/tuyen-truyen/ke-hoach/{plan.pk}/",
            f"/tuyen-truyen/hoat-dong/{activity.pk}/",
            f"/tuyen-truyen/ke-hoach/{plan.pk}/bao-cao.xlsx?ky=2026-03",
        ):
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 404)
        response = self.client.post(
            f"/tuyen-truyen/hoat-dong/{activity.pk}/",
            {"reported_on": "10/03/2026", "quantity": "1"},
        )
        self.assertEqual(response.status_code, 404)
        self.assertFalse(ProgressReport.objects.exists())

    def test_a_leader_reads_but_cannot_report(self) -> None:
        plan = self.w.plan()
        activity = self.w.activity(plan)
        self.client.force_login(self.w.leader)
        self.assertEqual(self.client.get(f"/tuyen-truyen/ke-hoach/{plan.pk}/").status_code, 200)
        response = self.client.post(
            f"/tuyen-truyen/hoat-dong/{activity.pk}/",
            {"reported_on": "10/03/2026", "quantity": "1"},
        )
        self.assertEqual(response.status_code, 403)

    def test_a_bad_upload_is_named_and_nothing_is_written(self) -> None:
        plan = self.w.plan()
        activity = self.w.activity(plan)
        self.client.force_login(self.w.ward_officer)
        fake = SimpleUploadedFile("anh.jpg", b"<html><script>alert(1)</script></html>")
        response = self.client.post(
            f"/tuyen-truyen/hoat-dong/{activity.pk}/",
            {"reported_on": "10/03/2026", "quantity": "1", "evidence": fake},
        )
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "anh.jpg", status_code=400)
        self.assertContains(response, "Chỉ nhận tệp PDF, JPEG và PNG", status_code=400)
        self.assertFalse(ProgressReport.objects.exists())

    def test_rollup_shows_each_unit_below(self) -> None:
        plan = self.w.plan()
        activity = self.w.activity(plan, period=3, target=1)
        self.w.report(activity, 1, on=date(2026, 3, 5))
        self.client.force_login(self.w.officer)
        response = self.client.get(f"/tuyen-truyen/tong-hop/{self.w.city.pk}/?nam=2026")
        self.assertEqual(response.status_code, 200)
        rows = {row.unit.name: row for row in response.context["rows"]}
        self.assertEqual(str(rows["Phường Ngã Bảy"].completion), "100.0")
        self.assertEqual(rows["Phường Ngã Bảy"].variety, 1)
        self.assertIsNone(rows["Phường Đại Thành"].plan)
        self.client.force_login(self.w.other_officer)
        self.assertEqual(
            self.client.get(f"/tuyen-truyen/tong-hop/{self.w.city.pk}/").status_code, 404
        )

    def test_rollup_queries_do_not_grow_with_the_units(self) -> None:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        url = f"/tuyen-truyen/tong-hop/{self.w.city.pk}/?nam=2026"
        self.client.force_login(self.w.officer)

        def plan_with_reports(unit: Any) -> None:
            plan = self.w.plan(unit, actor=self.w.officer)
            for channel in ("radio", "portal"):
                activity = self.w.activity(
                    plan, channel=channel, period=3, target=2, actor=self.w.officer
                )
                self.w.report(activity, 1, on=date(2026, 3, 5), actor=self.w.officer)

        plan_with_reports(self.w.ward)
        self.client.get(url)  # the session and the menu's first reads
        with CaptureQueriesContext(connection) as one:
            self.assertEqual(self.client.get(url).status_code, 200)
        plan_with_reports(self.w.other_ward)
        plan_with_reports(self.w.city)
        with CaptureQueriesContext(connection) as three:
            response = self.client.get(url)
        rows = response.context["rows"]
        self.assertEqual(rows[0].unit, self.w.city)
        self.assertEqual(
            {(row.unit.name, row.variety, row.activities, row.done) for row in rows},
            {
                ("Thành phố Cần Thơ", 2, 2, 0),
                ("Phường Đại Thành", 2, 2, 0),
                ("Phường Ngã Bảy", 2, 2, 0),
            },
        )
        self.assertEqual(len(three), len(one))


class PublicSectionTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.w = World()
        plan = cls.w.plan()
        cls.activity = cls.w.activity(plan, channel="portal")
        with clock.frozen(NOW):
            cls.published = s.article_save(
                actor=cls.w.ward_officer,
                unit=cls.w.ward,
                data=s.ArticleInput(
                    title="Phường Ngã Bảy triển khai dịch vụ công trực tuyến",
                    body="<p>Người dân có thể <strong>nộp hồ sơ trực tuyến</strong>.</p>",
                    topic=cls.w.topics["one_stop"],
                    publish_at=NOW - timedelta(days=1),
                    activity=cls.activity,
                ),
                image=png(),
            )
            cls.scheduled = s.article_save(
                actor=cls.w.ward_officer,
                unit=cls.w.ward,
                data=s.ArticleInput(
                    title="Kết quả chỉ số hài lòng quý II",
                    body="Kết quả sẽ được công bố vào cuối quý, mời người dân theo dõi.",
                    topic=cls.w.topics["index_results"],
                    publish_at=NOW + timedelta(days=3),
                ),
            )

    def setUp(self) -> None:
        self.frozen = clock.frozen(NOW)
        self.frozen.__enter__()
        self.addCleanup(self.frozen.__exit__, None, None, None)

    def test_list_detail_and_views_as_reach(self) -> None:
        listing = self.client.get("/cai-cach-hanh-chinh/")
        self.assertContains(listing, self.published.title)
        self.assertNotContains(listing, self.scheduled.title)
        url = f"/cai-cach-hanh-chinh/{self.published.pk}/"
        phone = {"HTTP_USER_AGENT": "Mozilla/5.0 (Linux; Android 10) Mobile"}
        detail = self.client.get(url, **phone)
        self.assertContains(detail, "<strong>nộp hồ sơ trực tuyến</strong>", html=False)
        self.client.get(url, **phone)  # a reload is the same reader
        self.client.get(url, HTTP_USER_AGENT="Googlebot/2.1 (+http://www.google.com/bot.html)")
        self.client.get(url)  # no browser named: not counted
        self.client.get(url, REMOTE_ADDR="203.0.113.9", **phone)  # another reader
        self.assertEqual(Article.objects.get(pk=self.published.pk).views, 2)
        with clock.frozen(NOW + timedelta(days=1)):
            self.client.get(url, **phone)  # the first reader, the next day
        self.assertEqual(Article.objects.get(pk=self.published.pk).views, 3)
        self.assertEqual(
            self.client.get(f"/cai-cach-hanh-chinh/{self.scheduled.pk}/").status_code, 404
        )
        image = self.client.get(f"/cai-cach-hanh-chinh/{self.published.pk}/anh/")
        self.assertEqual(image["Content-Type"], "image/png")
        from motcua.outreach.selectors import activity_rows

        row = activity_rows(self.activity.plan.activities.filter(pk=self.activity.pk))[0]
        self.assertEqual(row.views, 3)

    def test_atom_feed(self) -> None:
        feed = self.client.get("/cai-cach-hanh-chinh/atom.xml")
        self.assertEqual(feed.status_code, 200)
        self.assertIn("application/atom+xml", feed["Content-Type"])
        self.assertContains(feed, self.published.title)
        self.assertNotContains(feed, self.scheduled.title)

    def test_markup_with_attributes_or_scripts_is_refused(self) -> None:
        for body in (
            '<p onclick="x()">Nội dung bài viết về CCHC</p>',
            "<script>alert(1)</script> Nội dung bài viết về CCHC",
            "Nội dung bài viết về CCHC <img src=x",
        ):
            with self.subTest(body=body), self.assertRaises(s.ApplicationError):
                s.article_save(
                    actor=self.w.ward_officer,
                    unit=self.w.ward,
                    data=s.ArticleInput(
                        title="Bài viết thử", body=body, topic=self.w.topics["policy"]
                    ),
                )

    def test_leaflet_pdf_with_qr(self) -> None:
        material = s.material_create(
            actor=self.w.ward_officer,
            unit=self.w.ward,
            data=s.MaterialInput(
                kind="leaflet",
                title="Nộp hồ sơ trực tuyến tại nhà",
                body="Quét mã QR để mở trang dịch vụ công của thủ tục.",
                link="https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc=1.001193",
                activity=self.activity,
            ),
        )
        self.client.force_login(self.w.ward_officer)
        response = self.client.get(f"/tuyen-truyen/tai-lieu/{material.pk}.pdf")
        self.assertEqual(response.content[:5], b"%PDF-")
        self.assertIn(b"/Image", response.content)
        self.client.force_login(self.w.other_officer)
        self.assertEqual(
            self.client.get(f"/tuyen-truyen/tai-lieu/{material.pk}.pdf").status_code, 404
        )

    def test_broadcast_airings_flow_into_reach(self) -> None:
        s.material_create(
            actor=self.w.ward_officer,
            unit=self.w.ward,
            data=s.MaterialInput(
                kind="broadcast",
                title="Tin phát thanh về CCHC",
                body="Kính thưa bà con, từ tháng 4 phường tiếp nhận hồ sơ trực tuyến.",
                starts_on=date(2026, 4, 13),
                ends_on=date(2026, 4, 30),
                airings_per_day=2,
                air_times="6:00, 17:30",
                activity=self.activity,
            ),
        )
        from motcua.outreach.selectors import activity_rows

        row = activity_rows(self.activity.plan.activities.filter(pk=self.activity.pk))[0]
        self.assertEqual(row.broadcasts, 6)  # 13, 14 and 15 April, twice a day


class QueryCountTests(TestCase):
    """The plan page and the public list cost the same with one activity or five."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.w = World()

    def _count(self, url: str) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            self.assertEqual(self.client.get(url).status_code, 200)
        # The session's periodic refresh is not the page's cost.
        return sum(
            "django_session" not in q["sql"] and "SAVEPOINT" not in q["sql"]
            for q in queries.captured_queries
        )

    def test_plan_page_and_article_list(self) -> None:
        plan = self.w.plan()
        self.w.activity(plan, period=1)
        self.client.force_login(self.w.ward_officer)
        with clock.frozen(NOW):
            s.article_save(
                actor=self.w.ward_officer,
                unit=self.w.ward,
                data=s.ArticleInput(
                    title="Tin bài số một về CCHC",
                    body="Nội dung tin bài về cải cách hành chính.",
                    topic=self.w.topics["policy"],
                    publish_at=NOW - timedelta(days=1),
                ),
            )
            one = (
                self._count(f"/tuyen-truyen/ke-hoach/{plan.pk}/"),
                self._count("/cai-cach-hanh-chinh/"),
            )
            for month in range(2, 6):
                activity = self.w.activity(plan, period=month, channel="portal")
                self.w.report(activity, 1, on=date(2026, 4, 1))
                s.article_save(
                    actor=self.w.ward_officer,
                    unit=self.w.ward,
                    data=s.ArticleInput(
                        title=f"Tin bài số {month} về CCHC",
                        body="Nội dung tin bài về cải cách hành chính.",
                        topic=self.w.topics["policy"],
                        publish_at=NOW - timedelta(days=1),
                    ),
                )
            five = (
                self._count(f"/tuyen-truyen/ke-hoach/{plan.pk}/"),
                self._count("/cai-cach-hanh-chinh/"),
            )
        self.assertEqual(one, five)


class EditPagesTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.w = World()

    def test_a_draft_article_is_published_by_editing_it(self) -> None:
        with clock.frozen(NOW):
            draft = s.article_save(
                actor=self.w.ward_officer,
                unit=self.w.ward,
                data=s.ArticleInput(
                    title="Bản nháp tin bài về CCHC",
                    body="Nội dung tin bài về cải cách hành chính.",
                    topic=self.w.topics["policy"],
                ),
            )
            self.assertEqual(self.client.get(f"/cai-cach-hanh-chinh/{draft.pk}/").status_code, 404)
            self.client.force_login(self.w.other_officer)
            self.assertEqual(
                self.client.get(f"/tuyen-truyen/bai-viet/{draft.pk}/").status_code, 404
            )
            self.client.force_login(self.w.ward_officer)
            response = self.client.post(
                f"/tuyen-truyen/bai-viet/{draft.pk}/",
                {
                    "title": "Tin bài về CCHC",
                    "body": "Nội dung tin bài về cải cách hành chính.",
                    "topic": str(self.w.topics["policy"].pk),
                    "publish_on": "15/04/2026",
                    "unit": str(self.w.ward.pk),
                },
            )
            self.assertEqual(response.status_code, 302)
            self.client.logout()
            with clock.frozen(at(2026, 4, 15, 8)):
                self.assertContains(
                    self.client.get(f"/cai-cach-hanh-chinh/{draft.pk}/"), "Tin bài về CCHC"
                )
        self.assertEqual(Article.objects.count(), 1)

    def test_plan_edit(self) -> None:
        plan = self.w.plan()
        self.client.force_login(self.w.ward_officer)
        response = self.client.post(
            f"/tuyen-truyen/ke-hoach/{plan.pk}/sua/",
            {
                "title": "Kế hoạch tuyên truyền CCHC năm 2026 (sửa đổi)",
                "objectives": "",
                "legal_basis": "",
            },
        )
        self.assertEqual(response.status_code, 302)
        plan.refresh_from_db()
        self.assertEqual(plan.title, "Kế hoạch tuyên truyền CCHC năm 2026 (sửa đổi)")
        self.client.force_login(self.w.leader)
        self.assertEqual(self.client.get(f"/tuyen-truyen/ke-hoach/{plan.pk}/sua/").status_code, 403)

    def test_activity_edit(self) -> None:
        plan = self.w.plan()
        activity = self.w.activity(plan, kind="month", period=3, target=2)
        url = f"/tuyen-truyen/hoat-dong/{activity.pk}/sua/"
        self.client.force_login(self.w.ward_officer)
        page = self.client.get(url)
        self.assertContains(page, "Sửa hoạt động")
        self.assertContains(page, f'value="{activity.title}"', html=False)
        form = {
            "title": "Phát thanh về dịch vụ công trực tuyến",
            "channel": activity.channel_id,
            "topic": activity.topic_id,
            "owner_unit": str(activity.owner_unit_id),
            "period_kind": "quarter",
            "period": "5",
            "target_quantity": "4",
        }
        refused = self.client.post(url, form)
        self.assertEqual(refused.status_code, 400)
        self.assertContains(refused, "Lỗi:", status_code=400)
        activity.refresh_from_db()
        self.assertEqual((activity.period_kind, activity.period), ("month", 3))
        response = self.client.post(url, {**form, "period": "4"})
        self.assertRedirects(response, f"/tuyen-truyen/hoat-dong/{activity.pk}/")
        activity.refresh_from_db()
        self.assertEqual(activity.title, "Phát thanh về dịch vụ công trực tuyến")
        self.assertEqual((activity.due_on, activity.target_quantity), (date(2026, 12, 31), 4))
        self.assertContains(self.client.get(response.url), 'id="edit-activity"', html=False)
        self.client.force_login(self.w.leader)
        self.assertEqual(self.client.get(url).status_code, 403)
        self.assertNotContains(self.client.get(response.url), 'id="edit-activity"', html=False)
        self.client.force_login(self.w.other_officer)
        self.assertEqual(self.client.get(url).status_code, 404)


class ProcedureQrTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.w = World()

    def test_a_leaflet_points_at_a_procedure_in_force_or_is_refused(self) -> None:
        from motcua.catalog.tests.factories import make_procedure

        make_procedure("1.001193")
        material = s.material_create(
            actor=self.w.ward_officer,
            unit=self.w.ward,
            data=s.MaterialInput(
                kind="poster",
                title="Đăng ký khai sinh trực tuyến",
                body="Quét mã để mở trang thủ tục đăng ký khai sinh.",
                procedure_code="1.001193",
            ),
        )
        self.assertTrue(material.link.endswith("/thu-tuc/1.001193/"))
        with self.assertRaises(s.ApplicationError) as caught:
            s.material_create(
                actor=self.w.ward_officer,
                unit=self.w.ward,
                data=s.MaterialInput(
                    kind="leaflet",
                    title="Thủ tục không có",
                    body="Quét mã để mở trang thủ tục.",
                    procedure_code="9.999999",
                ),
            )
        self.assertEqual(caught.exception.extra["errors"][0]["field"], "procedure_code")
