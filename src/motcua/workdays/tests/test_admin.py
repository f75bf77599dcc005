"""The calendar admin: entries are added, changed and deleted through the services."""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model
from django.test import TestCase

from motcua.core.models import AuditEvent
from motcua.workdays.loader import calendar_cache_clear
from motcua.workdays.models import CalendarEntry, CalendarYear


class CalendarAdminTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = get_user_model().objects.create_superuser("quantri", password="x")
        cls.year = CalendarYear.objects.get(year=2026)

    def setUp(self):
        calendar_cache_clear()
        self.client.force_login(self.admin)
        self.url = f"/admin/workdays/calendaryear/{self.year.pk}/change/"

    def _post(self, extra_rows=(), delete=(), change=None):
        entries = list(self.year.entries.order_by("day"))
        data = {
            "year": "2026",
            "legal_basis": self.year.legal_basis,
            "note": self.year.note,
            "entries-TOTAL_FORMS": str(len(entries) + len(extra_rows)),
            "entries-INITIAL_FORMS": str(len(entries)),
            "entries-MIN_NUM_FORMS": "0",
            "entries-MAX_NUM_FORMS": "1000",
        }
        for i, entry in enumerate(entries):
            row = {
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
                    "day": "24/11/2026",
                    "kind": "holiday",
                    "name": "Ngày Văn hóa Việt Nam",
                    "legal_basis": "Thử",
                }
            ],
            delete=[date(2026, 1, 1)],
            change=(date(2026, 9, 2), {"name": "Quốc khánh 2/9"}),
        )
        self.assertEqual(
            response.status_code,
            302,
            getattr(response, "context", None) and response.context["errors"],
        )
        days = set(self.year.entries.values_list("day", flat=True))
        self.assertIn(date(2026, 11, 24), days)
        self.assertNotIn(date(2026, 1, 1), days)
        self.assertEqual(CalendarEntry.objects.get(day=date(2026, 9, 2)).name, "Quốc khánh 2/9")
        actions = list(
            AuditEvent.objects.filter(stream=f"workdays.calendaryear:{self.year.pk}").values_list(
                "action", flat=True
            )
        )
        self.assertEqual(
            sorted(actions),
            ["workdays.entry.change", "workdays.entry.create", "workdays.entry.delete"],
        )

    def test_an_entry_outside_the_year_is_shown_as_an_error_and_nothing_changes(self):
        before = self.year.entries.count()
        response = self._post(
            extra_rows=[
                {"day": "02/01/2027", "kind": "holiday", "name": "Sai năm", "legal_basis": ""}
            ]
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "không thuộc năm 2026")
        self.assertEqual(self.year.entries.count(), before)
        duplicate = self._post(
            extra_rows=[
                {"day": "02/09/2026", "kind": "holiday", "name": "Trùng", "legal_basis": ""}
            ]
        )
        self.assertContains(duplicate, "đã có trong lịch")
