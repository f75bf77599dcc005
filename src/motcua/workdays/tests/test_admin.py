"""The calendar admin: entries are added, changed and deleted through the services."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.test import TestCase

from motcua.core.models import AuditEvent
from motcua.workdays.loader import calendar_cache_clear
from motcua.workdays.models import CalendarEntry, CalendarYear
from motcua.workdays.services import calendar_year_seed


class CalendarAdminTests(TestCase):
    """A draft year's entries are edited in the admin (a confirmed year is amended)."""

    admin: User
    year: CalendarYear

    @classmethod
    def setUpTestData(cls):
        cls.admin = get_user_model().objects.create_superuser("quantri", password="x")
        cls.year = calendar_year_seed(year=2027, actor=cls.admin)

    def setUp(self):
        calendar_cache_clear()
        self.client.force_login(self.admin)
        self.url = f"/admin/workdays/calendaryear/{self.year.pk}/change/"

    def _post(self, extra_rows=(), delete=(), change=None):
        entries = list(self.year.entries.order_by("day"))
        data = {
            "year": str(self.year.year),
            "legal_basis": self.year.legal_basis,
            "note": self.year.note,
            "entries-TOTAL_FORMS": str(len(entries) + len(extra_rows)),
            "entries-INITIAL_FORMS": str(len(entries)),
            "entries-MIN_NUM_FORMS": "0",
            "entries-MAX_NUM_FORMS": "1000",
        }
        for i, entry in enumerate(entries):
            row: dict[str, Any] = {
                "id": entry.pk,
                "calendar": self.year.pk,
                "day": entry.day.strftime("%d/%m/%Y"),
                "kind": entry.kind,
                "name": entry.name,
                "legal_basis": entry.legal_basis,
                "unit": "",
            }
            if change and entry.day == change[0]:
                row.update(change[1])
            if entry.day in delete:
                row["DELETE"] = "on"
            data.update({f"entries-{i}-{k}": v for k, v in row.items()})
        for j, row in enumerate(extra_rows, start=len(entries)):
            data.update(
                {
                    f"entries-{j}-{k}": v
                    for k, v in {"calendar": self.year.pk, "unit": "", **row}.items()
                }
            )
        return self.client.post(self.url, data)

    def test_change_page_renders(self):
        self.assertEqual(self.client.get(self.url).status_code, 200)

    def test_add_change_and_delete_entries_are_audited(self):
        response = self._post(
            extra_rows=[
                {
                    "day": "15/06/2027",
                    "kind": "holiday",
                    "name": "Ngày nghỉ thử",
                    "legal_basis": "Thử",
                }
            ],
            delete=[date(2027, 1, 1)],
            change=(date(2027, 9, 2), {"name": "Quốc khánh 2/9"}),
        )
        self.assertEqual(
            response.status_code,
            302,
            getattr(response, "context", None) and response.context["errors"],
        )
        days = set(self.year.entries.values_list("day", flat=True))
        self.assertIn(date(2027, 6, 15), days)
        self.assertNotIn(date(2027, 1, 1), days)
        self.assertEqual(CalendarEntry.objects.get(day=date(2027, 9, 2)).name, "Quốc khánh 2/9")
        actions = list(
            AuditEvent.objects.filter(stream=f"workdays.calendaryear:{self.year.pk}").values_list(
                "action", flat=True
            )
        )
        self.assertEqual(
            sorted(actions),
            [
                "workdays.calendar.seed",
                "workdays.entry.change",
                "workdays.entry.create",
                "workdays.entry.delete",
            ],
        )

    def test_an_entry_outside_the_year_is_shown_as_an_error_and_nothing_changes(self):
        before = self.year.entries.count()
        response = self._post(
            extra_rows=[
                {"day": "02/01/2028", "kind": "holiday", "name": "Sai năm", "legal_basis": ""}
            ]
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "không thuộc năm 2027")
        self.assertEqual(self.year.entries.count(), before)
        duplicate = self._post(
            extra_rows=[
                {"day": "02/09/2027", "kind": "holiday", "name": "Trùng", "legal_basis": ""}
            ]
        )
        self.assertContains(duplicate, "đã có trong lịch")

    def test_a_refused_entry_rolls_the_whole_form_back(self):
        from unittest import mock

        from motcua.core.errors import ApplicationError
        from motcua.workdays import admin as workdays_admin
        from motcua.workdays.services import calendar_entry_save

        real = calendar_entry_save  # the name the admin calls
        calls = []

        def second_refused(**kwargs):
            calls.append(kwargs)
            if len(calls) == 2:
                raise ApplicationError("02/09/2027 đã có trong lịch.", code="duplicate")
            return real(**kwargs)

        before = sorted(self.year.entries.values_list("day", "name"))
        with mock.patch.object(workdays_admin, "calendar_entry_save", second_refused):
            response = self._post(
                extra_rows=[
                    {"day": "15/06/2027", "kind": "holiday", "name": "Mới", "legal_basis": ""}
                ],
                change=(date(2027, 9, 2), {"name": "Đổi tên"}),
                delete=[date(2027, 1, 1)],
            )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(len(calls), 2)
        self.assertEqual(sorted(self.year.entries.values_list("day", "name")), before)
        shown = [str(m) for m in response.wsgi_request._messages]
        self.assertEqual(len(shown), 1, shown)
        self.assertIn("Không có gì được lưu", shown[0])
        self.assertEqual(
            list(
                AuditEvent.objects.filter(
                    stream=f"workdays.calendaryear:{self.year.pk}"
                ).values_list("action", flat=True)
            ),
            ["workdays.calendar.seed"],
        )


class ConfirmedYearAdminTests(TestCase):
    """A confirmed year's days are not edited in place: the page links to the amendment."""

    admin: User
    year: CalendarYear

    @classmethod
    def setUpTestData(cls):
        cls.admin = get_user_model().objects.create_superuser("quantri", password="x")
        cls.year = CalendarYear.objects.get(year=2026)

    def setUp(self):
        calendar_cache_clear()
        self.client.force_login(self.admin)
        self.url = f"/admin/workdays/calendaryear/{self.year.pk}/change/"

    def test_the_entries_are_read_only_and_the_page_links_to_the_amendment(self):
        page = self.client.get(self.url)
        self.assertContains(page, f"/admin/workdays/calendaryear/{self.year.pk}/amend/")
        self.assertContains(page, "Sửa đổi lịch này")
        self.assertNotContains(page, 'name="entries-0-day"')
        # A forged row for the inline is ignored: the inline takes no input for this year.
        before = sorted(self.year.entries.values_list("day", flat=True))
        self.client.post(
            self.url,
            {
                "year": "2026",
                "legal_basis": self.year.legal_basis,
                "note": self.year.note,
                "entries-TOTAL_FORMS": "1",
                "entries-INITIAL_FORMS": "0",
                "entries-MIN_NUM_FORMS": "0",
                "entries-MAX_NUM_FORMS": "1000",
                "entries-0-calendar": self.year.pk,
                "entries-0-day": "24/11/2026",
                "entries-0-kind": "holiday",
                "entries-0-name": "Ngày Văn hóa Việt Nam",
                "entries-0-legal_basis": "Thử",
                "entries-0-unit": "",
            },
        )
        self.assertEqual(sorted(self.year.entries.values_list("day", flat=True)), before)

    def test_a_draft_year_has_no_amendment_link(self):
        draft = calendar_year_seed(year=2027, actor=self.admin)
        page = self.client.get(f"/admin/workdays/calendaryear/{draft.pk}/change/")
        self.assertNotContains(page, "/amend/")
        self.assertContains(page, 'name="entries-0-day"')


class CalendarYearAndScheduleAdminTests(TestCase):
    admin: User

    @classmethod
    def setUpTestData(cls):
        cls.admin = get_user_model().objects.create_superuser("quantri", password="x")

    def setUp(self):
        self.client.force_login(self.admin)

    def test_a_year_is_created_as_an_audited_draft_and_only_drafts_are_deleted(self):
        response = self.client.post(
            "/admin/workdays/calendaryear/add/",
            {
                "year": "2031",
                "legal_basis": "Thông báo của Bộ Nội vụ",
                "note": "",
                "entries-TOTAL_FORMS": "0",
                "entries-INITIAL_FORMS": "0",
                "entries-MIN_NUM_FORMS": "0",
                "entries-MAX_NUM_FORMS": "1000",
            },
        )
        self.assertEqual(response.status_code, 302)
        year = CalendarYear.objects.get(year=2031)
        self.assertEqual(year.status, "draft")
        stream = f"workdays.calendaryear:{year.pk}"
        self.assertEqual(
            list(AuditEvent.objects.filter(stream=stream).values_list("action", flat=True)),
            ["workdays.calendar.create"],
        )
        confirmed = CalendarYear.objects.get(year=2026)
        delete = f"/admin/workdays/calendaryear/{confirmed.pk}/delete/"
        self.assertEqual(self.client.post(delete, {"post": "yes"}).status_code, 403)
        self.assertTrue(CalendarYear.objects.filter(year=2026).exists())
        response = self.client.post(
            f"/admin/workdays/calendaryear/{year.pk}/delete/", {"post": "yes"}
        )
        self.assertEqual(response.status_code, 302)
        self.assertFalse(CalendarYear.objects.filter(year=2031).exists())
        last = AuditEvent.objects.filter(stream=stream).order_by("seq").last()
        assert last is not None
        self.assertEqual(
            last.action,
            "workdays.calendar.delete",
        )

    def test_schedules_are_saved_and_deleted_with_an_audit_record(self):
        from motcua.org.models import UnitKind
        from motcua.org.services import unit_create
        from motcua.workdays.models import WorkSchedule

        unit = unit_create(actor="tests", name="Phường Thử", kind=UnitKind.objects.get(code="ward"))
        response = self.client.post(
            "/admin/workdays/workschedule/add/",
            {"unit": unit.pk, "sessions": "07:30-11:30,13:00-17:00", "cutoff": "16:00"},
        )
        self.assertEqual(response.status_code, 302)
        schedule = WorkSchedule.objects.get(unit=unit)
        stream = f"workdays.workschedule:{schedule.pk}"
        response = self.client.post(
            f"/admin/workdays/workschedule/{schedule.pk}/change/",
            {"unit": unit.pk, "sessions": "07:30-11:30,13:00-17:00", "cutoff": "15:30"},
        )
        self.assertEqual(response.status_code, 302)
        bad = self.client.post(
            f"/admin/workdays/workschedule/{schedule.pk}/change/",
            {"unit": unit.pk, "sessions": "13:00-17:00,07:30-11:30", "cutoff": "15:30"},
        )
        self.assertEqual(bad.status_code, 200)  # shown on the form, nothing saved
        self.client.post(f"/admin/workdays/workschedule/{schedule.pk}/delete/", {"post": "yes"})
        self.assertFalse(WorkSchedule.objects.exists())
        self.assertEqual(
            list(
                AuditEvent.objects.filter(stream=stream)
                .order_by("seq")
                .values_list("action", flat=True)
            ),
            ["workdays.schedule.create", "workdays.schedule.change", "workdays.schedule.delete"],
        )
