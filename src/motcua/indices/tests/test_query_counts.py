"""Query counts of the leader's pages, pinned: they fail when a query is added.

Each page reads each rollup table once, so the counts do not grow with the
number of units, months, dossiers, steps or ratings; the service index of
several years is computed in the same number of queries as one year.
"""

from __future__ import annotations

from datetime import date

from django.test import TestCase

from motcua.catalog.models import ProcedureVersion
from motcua.core import clock
from motcua.dossiers.models import Dossier, DossierStep
from motcua.feedback.models import Pakn
from motcua.feedback.services.evaluations import evaluation_submit
from motcua.indices.models import ExternalResult
from motcua.indices.periods import period_parse
from motcua.indices.rollups import rollups_refresh
from motcua.indices.selectors import service_index, service_index_years
from motcua.indices.tests.helpers import World, at, dossier
from motcua.indices.tests.test_service_index import NOW, march_data
from motcua.org.models import UnitKind
from motcua.org.services import unit_create

SINCE = date(2025, 7, 1)
DASHBOARD = 15
"""Session, user, unit, access (4); today, the dossiers being handled per officer (the
tiles and the workload), months, slowest procedures and their names, slowest units,
slowest steps, ratings (8); the units below, the fill time and the menu's roles (3)."""
SERVICE_PAGE = 11
"""Session, user, unit, access (4); entered figures (1); the counts, the dossiers being
handled, the PAKN and the ratings (4); the fill time and the menu (2). The version in
force (4 queries: it, its groups, indicators and bands) is read once per process."""
VERSION = 4
"""The version in force with its groups, indicators and bands, when not cached yet."""
REPORT = 13
"""Session, user, unit, access (4); the service index (5, the version being cached); the
months and the slowest units (2); the units below and their figures (2)."""
INDEX_YEARS = 9
"""Every version of the index with its groups, indicators and bands (4), the entered
figures (1), and the counts, the dossiers being handled, the ratings and the PAKN grouped
by year (4), for any number of years."""


class QueryCountTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = World()
        ProcedureVersion.objects.filter(pk=cls.w.restart_version.pk).update(online_level="partial")
        cls.rows = march_data(cls.w)
        # C is in the handler's hands: the workload names its officer (one query).
        Dossier.objects.filter(pk=cls.rows["C"].pk).update(current_handler=cls.w.handler)
        rollups_refresh()

    def grow(self):
        """Three more wards with dossiers over six months, steps, ratings and PAKN."""
        w = self.w
        kind = UnitKind.objects.get(code="ward")
        handler = w.roles["case_handler"]
        for n in range(3):
            ward = unit_create(
                actor="test", name=f"Phường {n}", kind=kind, parent=w.ward, valid_from=SINCE
            )
            for month in range(10, 13):
                d = dossier(ward, w.pause_version, received=at(2025, month, 3),
                            due=at(2025, month, 8, 17), finished=at(2025, month, 6),
                            timeliness="early", returned=at(2025, month, 7))  # fmt: skip
                with clock.frozen(at(2025, month, 9)):
                    evaluation_submit(dossier=d, channel="kiosk", level="satisfied")
            for month in range(1, 4):
                d = dossier(ward, w.restart_version, received=at(2026, month, 3),
                            due=at(2026, month, 20, 17), status="in_progress")  # fmt: skip
                DossierStep.objects.create(
                    dossier=d, order=1, name="Thụ lý", role=handler, unit=ward,
                    budget_seconds=8 * 3600, started_at=at(2026, month, 3),
                    due_at=at(2026, month, 4, 17), finished_at=at(2026, month, 6),
                    timeliness="late",
                )  # fmt: skip
            Pakn.objects.create(
                channel="letter", status="assigned", kind="handling", title=f"p{n}",
                content="Nội dung", sender_name="Người gửi", unit=ward,
                received_at=at(2025, 11, 3), access_nonce=f"p{n}",
            )  # fmt: skip
        rollups_refresh()

    def get(self, url):
        with clock.frozen(NOW):
            return self.client.get(url)

    def pinned(self, url, count):
        self.client.force_login(self.w.leader)
        self.get(url)  # the session's first write
        with self.assertNumQueries(count):
            response = self.get(url)
        self.assertEqual(response.status_code, 200)
        return response

    def test_the_morning_page(self):
        url = f"/chi-so/{self.w.ward.pk}/"
        self.pinned(url, DASHBOARD)
        self.grow()
        response = self.pinned(url, DASHBOARD)
        self.assertEqual(len(response.context["dash"].slow_steps), 3)  # the grown wards' steps

    def test_the_service_index_page(self):
        url = f"/chi-so/{self.w.ward.pk}/chi-so-phuc-vu/?period=2025"
        self.pinned(url, SERVICE_PAGE)
        self.grow()
        response = self.pinned(url, SERVICE_PAGE)
        self.assertIsNotNone(response.context["result"])

    def test_the_version_is_read_once_per_process_until_it_changes(self):
        from motcua.core.cache import process_caches_clear
        from motcua.indices.models import Indicator

        url = f"/chi-so/{self.w.ward.pk}/chi-so-phuc-vu/?period=2025"
        self.pinned(url, SERVICE_PAGE)
        process_caches_clear()  # a new process
        self.pinned_cold(url, SERVICE_PAGE + VERSION)
        self.pinned(url, SERVICE_PAGE)
        indicator = Indicator.objects.get(code="2.1", group__version__code="qd766")
        indicator.name = "Tỷ lệ hồ sơ giải quyết đúng hạn (đã sửa tên)"
        indicator.save()  # the admin changes the index: the next page reads it again
        response = self.pinned_cold(url, SERVICE_PAGE + VERSION)
        self.assertContains(response, "(đã sửa tên)")

    def pinned_cold(self, url, count):
        self.client.force_login(self.w.leader)
        with self.assertNumQueries(count):
            response = self.get(url)
        self.assertEqual(response.status_code, 200)
        return response

    def test_the_monthly_and_annual_reports(self):
        for period in ("2026-03", "2025"):
            with self.subTest(period=period):
                url = f"/chi-so/{self.w.ward.pk}/bao-cao/?period={period}&format=xlsx"
                self.pinned(url, REPORT)
                self.pinned(url.replace("xlsx", "pdf"), REPORT)
        self.grow()
        self.pinned(f"/chi-so/{self.w.ward.pk}/bao-cao/?period=2025-12&format=xlsx", REPORT)

    def test_several_years_of_the_index_in_a_fixed_number_of_queries(self):
        self.grow()
        with self.assertNumQueries(INDEX_YEARS):
            one = service_index_years(self.w.ward, [2026], now=NOW)
        with self.assertNumQueries(INDEX_YEARS):
            years = service_index_years(self.w.ward, [2023, 2024, 2025, 2026], now=NOW)
        self.assertEqual(one[2026], years[2026])
        # The same figures as one index per year.
        for year, result in years.items():
            alone = service_index(self.w.ward, period_parse(str(year)), now=NOW)
            self.assertEqual(result, alone, year)
        # 2025 has data of each kind: the grown wards' dossiers, ratings and PAKN.
        figures = {i.code: i for g in years[2025].groups for i in g.indicators}
        self.assertEqual(figures["2.1"].denominator, 9)
        self.assertEqual(figures["5.4"].numerator, 9)
        self.assertEqual(figures["5.2"].denominator, 3)

    def test_the_external_page_with_several_years(self):
        for year in (2023, 2024, 2025):
            ExternalResult.objects.create(
                index="par_index", unit=self.w.ward, year=year, score=80 + year % 10,
                imported_at=NOW,
            )  # fmt: skip
        url = f"/chi-so/{self.w.ward.pk}/chi-so-ngoai/"
        self.client.force_login(self.w.leader)
        self.get(url)
        with self.assertNumQueries(15) as few:  # 6 + the index of every year (9)
            self.get(url)
        ExternalResult.objects.create(
            index="par_index", unit=self.w.ward, year=2022, score=70, imported_at=NOW
        )
        with self.assertNumQueries(len(few.captured_queries)):
            self.get(url)
