"""The year's calendar reads as twelve month grids in the admin."""

from __future__ import annotations

import re
from datetime import date

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.test import TestCase

from motcua.workdays.calendar_grid import WEEKEND, WORKDAY, year_grid
from motcua.workdays.models import CalendarEntry, CalendarYear, DayKind


class YearGridTests(TestCase):
    year: CalendarYear

    @classmethod
    def setUpTestData(cls):
        cls.year = CalendarYear.objects.create(year=2031, legal_basis="Thử nghiệm")
        CalendarEntry.objects.create(
            calendar=cls.year, day=date(2031, 1, 1), kind=DayKind.HOLIDAY, name="Tết Dương lịch"
        )
        CalendarEntry.objects.create(
            calendar=cls.year,
            day=date(2031, 1, 2),
            kind=DayKind.SWAPPED_DAY_OFF,
            name="Nghỉ hoán đổi",
        )
        CalendarEntry.objects.create(
            calendar=cls.year,
            day=date(2031, 1, 11),
            kind=DayKind.MAKEUP_WORKING_DAY,
            name="Làm bù cho 02/01",
        )

    def test_every_day_of_the_year_once_in_weeks_from_monday(self):
        grid = year_grid(self.year)
        days = [cell.day for m in grid.months for w in m.weeks for cell in w if cell]
        self.assertEqual(len(days), 365)
        self.assertEqual(len(set(days)), 365)
        january = grid.months[0]
        self.assertTrue(all(len(week) == 7 for week in january.weeks))
        # 1/1/2031 is a Wednesday: two empty cells before it.
        self.assertEqual(january.weeks[0][:3], [None, None, january.weeks[0][2]])
        first = january.weeks[0][2]
        assert first is not None
        self.assertEqual(first.day, date(2031, 1, 1))

    def test_days_carry_their_kind_and_the_months_their_working_days(self):
        grid = year_grid(self.year)
        cells = {cell.day: cell for m in grid.months for w in m.weeks for cell in w if cell}
        self.assertEqual(cells[date(2031, 1, 1)].kind, DayKind.HOLIDAY)
        self.assertEqual(cells[date(2031, 1, 1)].name, "Tết Dương lịch")
        self.assertEqual(cells[date(2031, 1, 2)].kind, DayKind.SWAPPED_DAY_OFF)
        self.assertEqual(cells[date(2031, 1, 11)].kind, DayKind.MAKEUP_WORKING_DAY)
        self.assertEqual(cells[date(2031, 1, 4)].kind, WEEKEND)
        self.assertEqual(cells[date(2031, 1, 6)].kind, WORKDAY)
        # January 2031: 23 weekdays, minus 1/1 and 2/1, plus Saturday 11/1.
        self.assertEqual(grid.months[0].working_days, 22)


class YearGridAdminTests(TestCase):
    admin: User
    year: CalendarYear

    @classmethod
    def setUpTestData(cls):
        cls.admin = get_user_model().objects.create_superuser("quantri", password="x")
        cls.year = CalendarYear.objects.get(year=2026)

    def test_the_change_page_shows_twelve_months_in_vietnamese(self):
        self.client.force_login(self.admin)
        response = self.client.get(f"/admin/workdays/calendaryear/{self.year.pk}/change/")
        content = response.content.decode()
        self.assertEqual(len(re.findall(r'<table class="year-grid-month"', content)), 12)
        self.assertIn("Tháng 1 ·", content)
        self.assertIn('<th scope="col">T2</th>', content)
        self.assertIn('<th scope="col">CN</th>', content)
        self.assertIn("ngày làm việc", content)
        tet = self.year.entries.filter(kind=DayKind.HOLIDAY, unit__isnull=True).first()
        assert tet is not None
        self.assertIn(f'class="day-holiday" data-day="{tet.day:%Y-%m-%d}"', content)
        self.assertIn("Ngày nghỉ lễ, Tết", content)  # the legend

    def test_a_new_year_has_no_grid_yet(self):
        self.client.force_login(self.admin)
        response = self.client.get("/admin/workdays/calendaryear/add/")
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, 'id="year-grid"')
