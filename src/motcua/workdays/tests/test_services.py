"""The Django side of the working calendar: loading, administration, deadlines."""

from __future__ import annotations

import json
from datetime import date, datetime
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import TestCase, override_settings

from motcua.core.audit import audit_verify
from motcua.core.errors import ApplicationError
from motcua.core.models import AuditEvent
from motcua.org.models import Unit
from motcua.workdays.amendments import EntryChange
from motcua.workdays.loader import calendar_cache_clear, calendar_for_unit, national_calendar
from motcua.workdays.models import CalendarEntry, CalendarStatus, CalendarYear, DayKind
from motcua.workdays.services import (
    calendar_amendment_apply,
    calendar_amendment_preview,
    calendar_entry_delete,
    calendar_entry_save,
    calendar_year_check,
    calendar_year_confirm,
    calendar_year_seed,
    deadline_compute,
)

VN = ZoneInfo("Asia/Ho_Chi_Minh")


class CalendarTestCase(TestCase):
    def setUp(self):
        calendar_cache_clear()
        self.addCleanup(calendar_cache_clear)


class ShippedCalendarTests(CalendarTestCase):
    def test_2024_to_2026_ship_confirmed_with_legal_basis(self):
        years = dict(CalendarYear.objects.values_list("year", "status"))
        self.assertEqual(years, {2024: "confirmed", 2025: "confirmed", 2026: "confirmed"})
        self.assertFalse(CalendarEntry.objects.filter(legal_basis="").exists())
        loaded = national_calendar()
        self.assertEqual(loaded.source, "database")
        self.assertEqual(loaded.years, (2024, 2025, 2026))

    def test_contract_example(self):
        result = deadline_compute(received="2026-02-13T09:00", amount=3, unit="working_days")
        self.assertEqual(result.due.isoformat(), "2026-02-25T17:00:00+07:00")
        self.assertEqual(result.d0, date(2026, 2, 13))


class DeadlineComputeTests(CalendarTestCase):
    def test_missing_year_is_a_clear_error(self):
        with self.assertRaises(ApplicationError) as caught:
            deadline_compute(received="2026-12-28T09:00", amount=5, unit="working_days")
        self.assertEqual(caught.exception.code, "calendar_missing")
        self.assertIn("2027", caught.exception.message)

    def test_draft_year_is_not_used(self):
        calendar_year_seed(year=2027, actor=None)
        with self.assertRaises(ApplicationError) as caught:
            deadline_compute(received="2026-12-28T09:00", amount=5, unit="working_days")
        self.assertEqual(caught.exception.code, "calendar_missing")

    def test_confirmed_seed_year_extends_the_range(self):
        calendar = calendar_year_seed(year=2027, actor=None)
        calendar_year_confirm(calendar_year=calendar, actor=None)
        result = deadline_compute(received="2026-12-28T09:00", amount=5, unit="working_days")
        # Mon 28/12/2026 D0; 29, 30, 31/12, (1/1/2027 holiday), Mon 4/1, Tue 5/1.
        self.assertEqual(result.due, datetime(2027, 1, 5, 17, tzinfo=VN))

    def test_bad_inputs_have_specific_messages(self):
        cases: list[tuple[dict[str, Any], str]] = [
            ({"received": "13/02/2026", "amount": 1, "unit": "working_days"}, "invalid_datetime"),
            ({"received": "2026-02-13T09:00", "amount": 1, "unit": "weeks"}, "invalid_unit"),
            (
                {"received": "2026-02-13T09:00", "amount": -1, "unit": "working_days"},
                "invalid_amount",
            ),
            ({"received": "2026-02-13T09:00", "amount": 2, "unit": "same_day"}, "invalid_amount"),
        ]
        for kwargs, code in cases:
            with self.subTest(kwargs=kwargs), self.assertRaises(ApplicationError) as caught:
                deadline_compute(**kwargs)
            self.assertEqual(caught.exception.code, code)

    def test_offset_instants_are_converted(self):
        result = deadline_compute(received="2026-02-13T02:00:00+00:00", amount=0, unit="same_day")
        self.assertEqual(result.received, datetime(2026, 2, 13, 9, tzinfo=VN))
        self.assertEqual(result.due, datetime(2026, 2, 13, 17, tzinfo=VN))

    @override_settings(MOTCUA_WORK_SESSIONS="07:30-11:30,13:00-16:30", MOTCUA_CUTOFF="14:00")
    def test_deployment_defaults_come_from_settings(self):
        late = deadline_compute(received="2026-03-02T14:30", amount=0, unit="same_day")
        self.assertEqual(late.due, datetime(2026, 3, 3, 16, 30, tzinfo=VN))


class UnitScheduleTests(CalendarTestCase):
    parent: Unit
    child: Unit

    @classmethod
    def setUpTestData(cls):
        from motcua.org.models import Unit, UnitKind

        kind, _ = UnitKind.objects.get_or_create(
            code="test-kind", defaults={"name": "Thử", "tier": "commune"}
        )
        cls.parent = Unit.objects.create(name="Thành phố Cần Thơ", kind=kind, admin_code="92")
        cls.parent.path = f"/{cls.parent.pk}/"
        cls.parent.save()
        cls.child = Unit.objects.create(
            name="Phường Ngã Bảy", kind=kind, parent=cls.parent, admin_code="31340"
        )
        cls.child.path = f"/{cls.parent.pk}/{cls.child.pk}/"
        cls.child.save()

    def test_unit_inherits_the_nearest_schedule_and_local_entries(self):
        from motcua.workdays.models import WorkSchedule

        WorkSchedule.objects.create(
            unit=self.parent, sessions="07:30-11:30,13:30-17:30", cutoff="16:00"
        )
        calendar_2026 = CalendarYear.objects.get(year=2026)
        CalendarEntry.objects.create(
            calendar=calendar_2026,
            day=date(2026, 3, 3),
            kind=DayKind.HOLIDAY,
            name="Ngày nghỉ địa phương",
            legal_basis="Quyết định thử",
            unit=self.parent,
        )
        result = deadline_compute(
            received="2026-03-02T15:30", amount=1, unit="working_days", unit_code="31340"
        )
        # D0 = Mon 2/3; Tue 3/3 is a local day off; due Wed 4/3 at 17:30.
        self.assertEqual(result.due, datetime(2026, 3, 4, 17, 30, tzinfo=VN))
        national = deadline_compute(received="2026-03-02T15:30", amount=1, unit="working_days")
        self.assertEqual(national.due, datetime(2026, 3, 3, 17, 0, tzinfo=VN))
        # The unit's cut-off is 16:00: a same-day result received at 15:30 is due that day;
        # nationally (15:00) it is due the next working day.
        same_day = deadline_compute(
            received="2026-03-02T15:30", amount=0, unit="same_day", unit_code="31340"
        )
        self.assertEqual(same_day.due, datetime(2026, 3, 2, 17, 30, tzinfo=VN))
        national = deadline_compute(received="2026-03-02T15:30", amount=0, unit="same_day")
        self.assertEqual(national.due, datetime(2026, 3, 3, 17, 0, tzinfo=VN))

    def test_unknown_unit_code(self):
        with self.assertRaises(ApplicationError) as caught:
            deadline_compute(
                received="2026-03-02T09:00", amount=1, unit="working_days", unit_code="99999"
            )
        self.assertEqual(caught.exception.code, "not_found")

    def test_calendar_is_cached_until_data_changes(self):
        first = calendar_for_unit(self.child)
        self.assertIs(calendar_for_unit(self.child), first)
        CalendarYear.objects.filter(year=2026).update(note="x")  # no signal: still cached
        self.assertIs(calendar_for_unit(self.child), first)
        calendar_year_seed(year=2027, actor=None)  # a save: the cache is dropped
        self.assertIsNot(calendar_for_unit(self.child), first)


class CalendarAdministrationTests(CalendarTestCase):
    admin: User

    @classmethod
    def setUpTestData(cls):
        cls.admin = get_user_model().objects.create_user("quantri", password="x", is_staff=True)

    def test_seed_proposes_statutory_days_as_a_draft(self):
        calendar = calendar_year_seed(year=2027, actor=self.admin)
        self.assertEqual(calendar.status, CalendarStatus.DRAFT)
        days = set(calendar.entries.values_list("day", flat=True))
        self.assertIn(date(2027, 1, 1), days)
        self.assertIn(date(2027, 2, 6), days)  # mùng 1 Tết Đinh Mùi
        self.assertIn(date(2027, 9, 2), days)
        self.assertTrue(AuditEvent.objects.filter(action="workdays.calendar.seed").exists())

    def test_seed_refuses_an_existing_year(self):
        with self.assertRaises(ApplicationError):
            calendar_year_seed(year=2026, actor=self.admin)

    def test_confirm_is_audited_and_only_once(self):
        calendar = calendar_year_seed(year=2027, actor=self.admin)
        confirmed = calendar_year_confirm(calendar_year=calendar, actor=self.admin)
        self.assertEqual(confirmed.status, CalendarStatus.CONFIRMED)
        self.assertEqual(confirmed.confirmed_by, self.admin)
        with self.assertRaises(ApplicationError):
            calendar_year_confirm(calendar_year=calendar, actor=self.admin)
        self.assertEqual(audit_verify(), [])

    def test_entry_outside_its_year_or_duplicated_is_refused(self):
        calendar = calendar_year_seed(year=2027, actor=self.admin)
        with self.assertRaises(ApplicationError) as caught:
            calendar_entry_save(
                calendar_year=calendar,
                actor=self.admin,
                day=date(2028, 1, 2),
                kind=DayKind.HOLIDAY,
                name="x",
                legal_basis="",
                unit=None,
            )
        self.assertEqual(caught.exception.code, "wrong_year")
        with self.assertRaises(ApplicationError) as caught:
            calendar_entry_save(
                calendar_year=calendar,
                actor=self.admin,
                day=date(2027, 9, 2),
                kind=DayKind.HOLIDAY,
                name="x",
                legal_basis="",
                unit=None,
            )
        self.assertEqual(caught.exception.code, "duplicate")

    def test_a_confirmed_year_is_not_edited_entry_by_entry(self):
        calendar = CalendarYear.objects.get(year=2026)
        with self.assertRaises(ApplicationError) as caught:
            calendar_entry_save(
                calendar_year=calendar,
                actor=self.admin,
                day=date(2026, 11, 24),
                kind=DayKind.HOLIDAY,
                name="Ngày Văn hóa Việt Nam",
                legal_basis="",
                unit=None,
            )
        self.assertEqual(caught.exception.code, "confirmed")
        self.assertIn("sửa đổi lịch", caught.exception.message)
        with self.assertRaises(ApplicationError) as caught:
            calendar_entry_delete(
                entry=calendar.entries.get(day=date(2026, 9, 2)), actor=self.admin
            )
        self.assertEqual(caught.exception.code, "confirmed")
        self.assertTrue(calendar.entries.filter(day=date(2026, 9, 2)).exists())

    def test_adding_a_day_off_moves_deadlines(self):
        before = deadline_compute(received="2026-11-23T09:00", amount=1, unit="working_days")
        self.assertEqual(before.due.date(), date(2026, 11, 24))
        calendar_amendment_apply(
            calendar_year=CalendarYear.objects.get(year=2026),
            changes=[EntryChange(date(2026, 11, 24), "holiday", "Ngày Văn hóa Việt Nam")],
            legal_basis="(thử)",
            actor=self.admin,
        )
        after = deadline_compute(received="2026-11-23T09:00", amount=1, unit="working_days")
        self.assertEqual(after.due.date(), date(2026, 11, 25))

    def test_check_lists_only_days_that_change_the_week(self):
        differences = calendar_year_check(year=2026)
        # The New Year swap (approved 25/12/2025) is not in the holidays package; 24/11 is
        # only there.
        self.assertEqual(
            [d.day for d in differences],
            [date(2026, 1, 2), date(2026, 1, 10), date(2026, 11, 24)],
        )
        self.assertEqual(calendar_year_check(year=2025), [])


class CommandTests(CalendarTestCase):
    def test_deadline_command_prints_the_contract_json(self):
        out = StringIO()
        call_command(
            "deadline",
            "--received",
            "2026-02-13T09:00",
            "--amount",
            "3",
            "--unit",
            "working_days",
            stdout=out,
        )
        payload = json.loads(out.getvalue())
        self.assertEqual(payload["due"], "2026-02-25T17:00:00+07:00")
        self.assertEqual(payload["d0"], "2026-02-13")

    def _deadline(self, received, amount, unit="working_days"):
        out = StringIO()
        call_command(
            "deadline",
            "--received",
            received,
            "--amount",
            str(amount),
            "--unit",
            unit,
            stdout=out,
        )
        return json.loads(out.getvalue())

    def test_deadline_command_follows_the_cutoff_convention(self):
        # Mon 2/3/2026 at 15:00 exactly: 1 working day is not lengthened by the cut-off ...
        payload = self._deadline("2026-03-02T15:00", 1)
        self.assertEqual(
            (payload["d0"], payload["due"]), ("2026-03-02", "2026-03-03T17:00:00+07:00")
        )
        # ... a same-day result moves to the next working day ...
        payload = self._deadline("2026-03-02T15:00", 0, "same_day")
        self.assertEqual(payload["due"], "2026-03-03T17:00:00+07:00")
        payload = self._deadline("2026-03-02T14:59", 0, "same_day")
        self.assertEqual(payload["due"], "2026-03-02T17:00:00+07:00")
        # ... and on Saturday evening D0 is Monday whatever the time.
        payload = self._deadline("2026-02-28T16:00", 0, "same_day")
        self.assertEqual(payload["due"], "2026-03-02T17:00:00+07:00")

    def test_deadline_command_knows_the_new_year_2026_swap(self):
        # Fri 2/1/2026 off, made up on Sat 10/1/2026 (approved 25/12/2025).
        payload = self._deadline("2025-12-31T10:00", 1)
        self.assertEqual(payload["due"], "2026-01-05T17:00:00+07:00")
        payload = self._deadline("2026-01-09T10:00", 1)
        self.assertEqual(payload["due"], "2026-01-10T17:00:00+07:00")
        entry = CalendarEntry.objects.get(day=date(2026, 1, 2), unit=None)
        self.assertEqual(entry.kind, "swapped_day_off")
        self.assertIn("Bộ Nội vụ ngày 25/12/2025", entry.legal_basis)

    @override_settings(MOTCUA_CUTOFF_DAY_LIMITS=True)
    def test_deadline_command_with_the_cutoff_on_day_limits(self):
        payload = self._deadline("2026-03-02T15:00", 1)
        self.assertEqual(
            (payload["d0"], payload["due"]), ("2026-03-03", "2026-03-04T17:00:00+07:00")
        )
        payload = self._deadline("2026-03-02T14:59:59", 1)
        self.assertEqual(payload["due"], "2026-03-03T17:00:00+07:00")
        payload = self._deadline("2026-03-02T15:00", 0, "same_day")
        self.assertEqual(payload["due"], "2026-03-03T17:00:00+07:00")
        payload = self._deadline("2026-02-28T16:00", 1)
        self.assertEqual(payload["due"], "2026-03-03T17:00:00+07:00")

    def test_deadline_command_fails_clearly_without_a_calendar(self):
        with self.assertRaises(CommandError) as caught:
            call_command(
                "deadline",
                "--received",
                "2027-03-01T09:00",
                "--amount",
                "1",
                "--unit",
                "working_days",
            )
        self.assertIn("2027", str(caught.exception))
        self.assertEqual(caught.exception.returncode, 2)

    def test_calendar_command_seed_confirm_check(self):
        out = StringIO()
        call_command("calendar", "seed", "2027", stdout=out)
        call_command("calendar", "confirm", "2027", stdout=out)
        call_command("calendar", "check", "2026", stdout=out)
        text = out.getvalue()
        self.assertIn("2027: confirmed", text)
        self.assertIn("24/11/2026", text)


@override_settings(ALLOWED_HOSTS=["testserver"])
class ApiTests(CalendarTestCase):
    def test_deadline_endpoint(self):
        response = self.client.get(
            "/api/v1/workdays/deadline",
            {"received": "2026-02-13T09:00", "amount": "3", "unit": "working_days"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["due"], "2026-02-25T17:00:00+07:00")

    def test_deadline_endpoint_errors(self):
        response = self.client.get(
            "/api/v1/workdays/deadline",
            {"received": "2027-02-13T09:00", "amount": "3", "unit": "working_days"},
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()["code"], "calendar_missing")
        response = self.client.get(
            "/api/v1/workdays/deadline", {"received": "x", "amount": "3", "unit": "days"}
        )
        self.assertEqual(response.status_code, 422)

    def test_calendar_endpoint(self):
        response = self.client.get("/api/v1/workdays/calendars/2026")
        self.assertEqual(response.status_code, 200)
        entries = {e["day"]: e["kind"] for e in response.json()["entries"]}
        self.assertEqual(entries["2026-08-22"], "makeup_working_day")
        missing = self.client.get("/api/v1/workdays/calendars/1999")
        self.assertEqual(missing.status_code, 404)
        self.assertEqual(
            missing.json(),
            {"detail": "Chưa có lịch làm việc của năm 1999.", "code": "no_calendar"},
        )


class AmendmentServiceTests(CalendarTestCase):
    """The checks of an amendment, and a unit's own day (the dossier side is in dossiers)."""

    admin: User
    unit: Unit

    @classmethod
    def setUpTestData(cls):
        from motcua.org.models import Unit, UnitKind

        cls.admin = get_user_model().objects.create_user("quantri", password="x", is_staff=True)
        kind, _ = UnitKind.objects.get_or_create(
            code="test-kind", defaults={"name": "Thử", "tier": "commune"}
        )
        cls.unit = Unit.objects.create(name="Phường Ngã Bảy", kind=kind, admin_code="31340")
        cls.unit.path = f"/{cls.unit.pk}/"
        cls.unit.save()

    def setUp(self):
        super().setUp()
        self.year = CalendarYear.objects.get(year=2026)

    def refused(self, changes, basis="Văn bản thử", calendar=None):
        with self.assertRaises(ApplicationError) as caught:
            calendar_amendment_preview(
                calendar_year=calendar or self.year, changes=changes, legal_basis=basis
            )
        return caught.exception.code

    def test_bad_amendments_are_refused_with_their_reason(self):
        day = date(2026, 11, 24)
        self.assertEqual(
            self.refused([EntryChange(day, "holiday", "x")], basis=" "), "legal_basis_required"
        )
        self.assertEqual(self.refused([]), "no_change")
        self.assertEqual(
            self.refused([EntryChange(date(2027, 1, 4), "holiday", "x")]), "wrong_year"
        )
        self.assertEqual(
            self.refused([EntryChange(day, "holiday", "x"), EntryChange(day, None)]), "duplicate"
        )
        self.assertEqual(self.refused([EntryChange(day, None)]), "nothing_to_remove")
        self.assertEqual(self.refused([EntryChange(day, "holiday", "  ")]), "name_required")
        self.assertEqual(self.refused([EntryChange(day, "weekend", "x")]), "invalid_kind")
        self.assertEqual(self.refused([EntryChange(day, "holiday", "x" * 201)]), "too_long")
        draft = calendar_year_seed(year=2027, actor=self.admin)
        self.assertEqual(
            self.refused([EntryChange(date(2027, 3, 1), "holiday", "x")], calendar=draft), "draft"
        )
        self.assertFalse(AuditEvent.objects.filter(action="workdays.calendar.amend").exists())

    def test_a_unit_day_is_previewed_and_applied_for_that_unit_only(self):
        day = EntryChange(date(2026, 3, 3), "holiday", "Ngày nghỉ địa phương", unit=self.unit)
        preview = calendar_amendment_preview(
            calendar_year=self.year, changes=[day], legal_basis="Quyết định thử"
        )
        self.assertEqual(preview.changes[0].legal_basis, "Quyết định thử")
        self.assertFalse(CalendarEntry.objects.filter(day=date(2026, 3, 3)).exists())
        calendar_amendment_apply(
            calendar_year=self.year, changes=[day], legal_basis="Quyết định thử", actor=self.admin
        )
        local = deadline_compute(
            received="2026-03-02T09:00", amount=1, unit="working_days", unit_code="31340"
        )
        national = deadline_compute(received="2026-03-02T09:00", amount=1, unit="working_days")
        self.assertEqual(
            (local.due.date(), national.due.date()), (date(2026, 3, 4), date(2026, 3, 3))
        )
        entry = CalendarEntry.objects.get(day=date(2026, 3, 3))
        self.assertEqual((entry.unit, entry.legal_basis), (self.unit, "Quyết định thử"))
        # and removed again by an amendment of that unit's entries
        calendar_amendment_apply(
            calendar_year=self.year,
            changes=[EntryChange(date(2026, 3, 3), None, unit=self.unit)],
            legal_basis="Quyết định bãi bỏ thử",
            actor=self.admin,
        )
        local = deadline_compute(
            received="2026-03-02T09:00", amount=1, unit="working_days", unit_code="31340"
        )
        self.assertEqual(local.due.date(), date(2026, 3, 3))
        self.assertEqual(AuditEvent.objects.filter(action="workdays.calendar.amend").count(), 2)
        self.assertEqual(audit_verify(), [])

    def test_the_builder_previews_without_touching_the_cache(self):
        from motcua.workdays.loader import calendar_builder

        cached = calendar_for_unit(None)
        builder = calendar_builder([EntryChange(date(2026, 11, 24), "holiday", "x")])
        self.assertFalse(builder(None).is_working_day(date(2026, 11, 24)))
        self.assertIs(builder(None), builder(None))
        self.assertIs(calendar_for_unit(None), cached)
        self.assertTrue(cached.is_working_day(date(2026, 11, 24)))
        removal = calendar_builder([EntryChange(date(2026, 1, 2), None)])
        self.assertTrue(removal(None).is_working_day(date(2026, 1, 2)))
