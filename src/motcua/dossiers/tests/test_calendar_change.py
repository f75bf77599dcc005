"""Amending a confirmed calendar year: the preview lists the dues that move, the apply moves them."""

from __future__ import annotations

from datetime import date, datetime
from io import StringIO

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.management import call_command

from motcua.core import clock
from motcua.core.audit import audit_verify
from motcua.core.errors import ApplicationError
from motcua.core.models import AuditEvent, Notification
from motcua.core.notifications import _render
from motcua.dossiers import services as s
from motcua.dossiers.constants import DossierStatus as S
from motcua.dossiers.models import DossierEvent, Pause
from motcua.dossiers.tests.helpers import DossierTestCase, at
from motcua.workdays.amendments import EntryChange
from motcua.workdays.loader import calendar_cache_clear
from motcua.workdays.models import CalendarEntry, CalendarYear
from motcua.workdays.services import calendar_amendment_apply, calendar_amendment_preview

CULTURE_DAY = EntryChange(date(2026, 11, 24), "holiday", "Ngày Văn hóa Việt Nam")
BASIS = "Văn bản thử nghiệm công nhận ngày 24/11 là ngày nghỉ"


class CalendarChangeTestCase(DossierTestCase):
    admin: User

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.admin = get_user_model().objects.create_superuser("quantri", password="x")

    def setUp(self):
        calendar_cache_clear()
        self.addCleanup(calendar_cache_clear)
        self.year = CalendarYear.objects.get(year=2026)

    def supplement(self, dossier, asked, received):
        dossier = self.w.to_handler(dossier, when=asked)
        self.act(
            asked.replace(minute=30),
            s.dossier_request_supplement,
            dossier=dossier,
            actor=self.w.handler,
            items=["Bản sao giấy chứng sinh"],
            reason="Thiếu giấy tờ",
        )
        if received is not None:
            self.act(received, s.dossier_supplement_received, dossier=dossier, actor=self.w.intake)
        return self.refresh(dossier)


class NewHolidayTests(CalendarChangeTestCase):
    """24/11/2026 becomes a holiday (DOMAIN.md §9): dues that span it move a day later."""

    def setUp(self):
        super().setUp()
        w = self.w
        # A: received Fri 20/11 16:00, 3 working days -> Wed 25/11 (the cut-off does not
        # lengthen a day limit); intake hands it to the review step at once, whose 1.5
        # days run to Tue 24/11 10:00; the handler takes it on Mon 23/11 10:00.
        self.a = w.to_handler(self.receive(at(2026, 11, 20, 16)), when=at(2026, 11, 23, 10))
        # B: paused the day of intake and resumed Mon 23/11 09:00 with 3 days left -> 26/11;
        # replaying that history on the amended calendar gives 27/11.
        self.b = self.supplement(
            self.receive(at(2026, 11, 20, 9)), at(2026, 11, 20, 10), at(2026, 11, 23, 9)
        )
        # R: the same with the "restart" policy: the full 3 days again from 23/11 -> 26/11.
        self.r = self.supplement(
            self.receive(at(2026, 11, 20, 9), self.w.restart_version),
            at(2026, 11, 20, 10),
            at(2026, 11, 23, 9),
        )
        # P: still waiting for a supplement when the calendar is amended.
        self.p = self.supplement(self.receive(at(2026, 11, 20, 9)), at(2026, 11, 23, 11), None)
        # Q: received after the new holiday -> not concerned.
        self.q = self.receive(at(2026, 11, 25, 9))
        self.now = at(2026, 11, 23, 15)

    def test_the_setup_is_what_the_old_calendar_says(self):
        self.assertEqual(self.a.due_at, at(2026, 11, 25, 17))
        assert self.a.current_step is not None
        self.assertEqual(self.a.current_step.due_at, at(2026, 11, 24, 10))
        self.assertEqual(self.refresh(self.b).due_at, at(2026, 11, 26, 17))
        self.assertEqual(self.refresh(self.r).due_at, at(2026, 11, 26, 17))
        self.assertEqual(self.refresh(self.p).status, S.AWAITING_SUPPLEMENT)

    def test_the_preview_lists_the_moves_and_saves_nothing(self):
        events = DossierEvent.objects.count()
        with clock.frozen(self.now):
            preview = calendar_amendment_preview(
                calendar_year=self.year, changes=[CULTURE_DAY], legal_basis=BASIS
            )
        moves = [(m.reference, m.what, m.before, m.after, m.working_days) for m in preview.moves]
        a, b, r = (self.refresh(d).code for d in (self.a, self.b, self.r))
        self.assertIn(
            (a, "Hạn giải quyết hồ sơ", at(2026, 11, 25, 17), at(2026, 11, 26, 17), 1), moves
        )
        self.assertIn(
            (a, "Hạn của bước “Thụ lý”", at(2026, 11, 24, 10), at(2026, 11, 25, 10), 1), moves
        )
        self.assertIn(
            (b, "Hạn giải quyết hồ sơ", at(2026, 11, 26, 17), at(2026, 11, 27, 17), 1), moves
        )
        self.assertIn(
            (r, "Hạn giải quyết hồ sơ", at(2026, 11, 26, 17), at(2026, 11, 27, 17), 1), moves
        )
        self.assertEqual({m.reference for m in preview.moves}, {a, b, r})
        self.assertEqual(preview.problems, [])
        # nothing saved
        self.assertFalse(CalendarEntry.objects.filter(day=date(2026, 11, 24)).exists())
        self.assertEqual(self.refresh(self.a).due_at, at(2026, 11, 25, 17))
        self.assertEqual(DossierEvent.objects.count(), events)
        self.assertFalse(AuditEvent.objects.filter(action="workdays.calendar.amend").exists())

    def test_the_apply_moves_the_dues_with_history_audit_and_notice(self):
        with clock.frozen(self.now):
            applied = calendar_amendment_apply(
                calendar_year=self.year, changes=[CULTURE_DAY], legal_basis=BASIS, actor=self.admin
            )
        # A, B and R: each the dossier's due and its “Thụ lý” step's due
        self.assertEqual(len(applied.moves), 6)
        entry = CalendarEntry.objects.get(day=date(2026, 11, 24), unit=None)
        self.assertEqual((entry.kind, entry.legal_basis), ("holiday", BASIS))
        a = self.refresh(self.a)
        assert a.current_step is not None
        self.assertEqual(a.due_at, at(2026, 11, 26, 17))
        self.assertEqual(a.current_step.due_at, at(2026, 11, 25, 10))
        self.assertEqual(self.refresh(self.b).due_at, at(2026, 11, 27, 17))
        self.assertEqual(self.refresh(self.r).due_at, at(2026, 11, 27, 17))
        self.assertEqual(self.refresh(self.q).due_at, at(2026, 11, 30, 17))  # 26, 27, 30
        event = DossierEvent.objects.get(dossier=a, action="calendar_amended")
        self.assertEqual(event.note, BASIS)
        self.assertEqual(event.actor, self.admin)
        self.assertEqual(
            [
                datetime.fromisoformat(event.data[key])
                for key in ("due_before", "due_after", "step_due_before", "step_due_after")
            ],
            [
                at(2026, 11, 25, 17),
                at(2026, 11, 26, 17),
                at(2026, 11, 24, 10),
                at(2026, 11, 25, 10),
            ],
        )
        self.assertTrue(
            AuditEvent.objects.filter(
                stream=f"dossiers.dossier:{a.pk}", action="dossiers.calendar_amended"
            ).exists()
        )
        amend = AuditEvent.objects.get(action="workdays.calendar.amend")
        self.assertEqual(amend.data["legal_basis"], BASIS)
        self.assertEqual(amend.data["changes"][0]["day"], "2026-11-24")
        self.assertIsNone(amend.data["changes"][0]["before"])
        self.assertEqual(len(amend.data["moved"]), 6)
        self.assertEqual(audit_verify(), [])
        notice = Notification.objects.get(event="dossier.due_changed", object_id=str(a.pk))
        self.assertEqual((notice.channel, notice.recipient), ("email", "ngoc.tran@example.vn"))
        self.assertIn("17:00 25/11/2026 sang 17:00 26/11/2026", notice.body)
        self.assertIn(BASIS, notice.body)
        _subject, _body, sms = _render(
            "dossier.due_changed", {"dossier": a, "previous": at(2026, 11, 25, 17)}, sms=True
        )
        self.assertIn("chuyen sang 17:00 26/11/2026", sms)  # MOTCUA_SMS_ASCII
        # Untouched: the paused dossier and the one received after the day.
        for untouched in (self.p, self.q):
            self.assertFalse(
                DossierEvent.objects.filter(dossier=untouched, action="calendar_amended").exists()
            )

    def test_a_paused_dossier_keeps_its_remaining_time_and_counts_it_on_the_new_calendar(self):
        pause = Pause.objects.get(dossier=self.p)
        clock_before, due_before = dict(pause.clock), self.refresh(self.p).due_at
        self.assertEqual(clock_before["working_days"], 2)  # 24 and 25/11 were left
        with clock.frozen(self.now):
            calendar_amendment_apply(
                calendar_year=self.year, changes=[CULTURE_DAY], legal_basis=BASIS, actor=self.admin
            )
        pause.refresh_from_db()
        self.assertEqual(pause.clock, clock_before)
        self.assertEqual(self.refresh(self.p).due_at, due_before)
        # Resumed Wed 25/11 09:00: the 2 days left are Thu 26 and Fri 27/11.
        p = self.act(
            at(2026, 11, 25, 9), s.dossier_supplement_received, dossier=self.p, actor=self.w.intake
        )
        self.assertEqual(p.due_at, at(2026, 11, 27, 17))

    def test_timeliness_is_judged_against_the_moved_due(self):
        with clock.frozen(self.now):
            calendar_amendment_apply(
                calendar_year=self.year, changes=[CULTURE_DAY], legal_basis=BASIS, actor=self.admin
            )
        # Decided on Thu 26/11 at 16:00: late against the old due (25/11), on time now.
        a = self.refresh(self.a)
        a = self.w.signed(a, handed_at=at(2026, 11, 25, 9), decided_at=at(2026, 11, 26, 16))
        self.assertEqual(a.timeliness, "on_time")


class RemovedDayOffTests(CalendarChangeTestCase):
    """The August 2026 swap is withdrawn: Monday 31/8 is worked again, Saturday 22/8 is not."""

    CHANGES = [
        EntryChange(date(2026, 8, 22), None),
        EntryChange(date(2026, 8, 31), None),
    ]

    def test_dues_move_earlier(self):
        # Thu 27/8 09:00, 3 working days: 28/8, (31/8 off, 1–2/9 Quốc khánh) 3/9, 4/9.
        dossier = self.receive(at(2026, 8, 27, 9))
        self.assertEqual(dossier.due_at, at(2026, 9, 4, 17))
        now = at(2026, 8, 27, 11)
        with clock.frozen(now):
            preview = calendar_amendment_preview(
                calendar_year=self.year, changes=self.CHANGES, legal_basis=BASIS
            )
        move = next(m for m in preview.moves if m.what == "Hạn giải quyết hồ sơ")
        self.assertEqual((move.before, move.after), (at(2026, 9, 4, 17), at(2026, 9, 3, 17)))
        self.assertEqual((move.working_days, move.signed_working_days), (-1, "-1"))
        with clock.frozen(now):
            calendar_amendment_apply(
                calendar_year=self.year, changes=self.CHANGES, legal_basis=BASIS, actor=self.admin
            )
        self.assertEqual(self.refresh(dossier).due_at, at(2026, 9, 3, 17))
        self.assertFalse(
            CalendarEntry.objects.filter(day__in=[date(2026, 8, 22), date(2026, 8, 31)]).exists()
        )
        amend = AuditEvent.objects.get(action="workdays.calendar.amend")
        self.assertEqual(
            [c["before"]["kind"] for c in amend.data["changes"]],
            ["makeup_working_day", "swapped_day_off"],
        )
        self.assertEqual([c["after"] for c in amend.data["changes"]], [None, None])


class RefusedAmendmentTests(CalendarChangeTestCase):
    def test_a_due_reaching_an_unconfirmed_year_refuses_the_whole_amendment(self):
        # Mon 28/12/2026, 3 working days -> Thu 31/12; with 30/12 off it would need 2027.
        dossier = self.receive(at(2026, 12, 28, 9))
        other = self.receive(at(2026, 11, 20, 9))
        self.assertEqual(dossier.due_at, at(2026, 12, 31, 17))
        changes = [EntryChange(date(2026, 12, 30), "holiday", "Ngày nghỉ thử"), CULTURE_DAY]
        with clock.frozen(at(2026, 11, 20, 10)):
            preview = calendar_amendment_preview(
                calendar_year=self.year, changes=changes, legal_basis=BASIS
            )
            self.assertEqual([m.reference for m in preview.problems], [dossier.code])
            self.assertIn("2027", preview.problems[0].problem)
            with self.assertRaises(ApplicationError) as caught:
                calendar_amendment_apply(
                    calendar_year=self.year, changes=changes, legal_basis=BASIS, actor=self.admin
                )
        self.assertEqual(caught.exception.code, "dues_not_computable")
        self.assertIn(dossier.code, caught.exception.message)
        # all or nothing: no entry, no moved due, no history row
        self.assertFalse(CalendarEntry.objects.filter(day=date(2026, 12, 30)).exists())
        self.assertEqual(self.refresh(other).due_at, at(2026, 11, 25, 17))
        self.assertFalse(DossierEvent.objects.filter(action="calendar_amended").exists())


class AmendmentAdminTests(CalendarChangeTestCase):
    def setUp(self):
        super().setUp()
        self.client.force_login(self.admin)
        self.url = f"/admin/workdays/calendaryear/{self.year.pk}/amend/"
        self.dossier = self.receive(at(2026, 11, 20, 9))

    def form(self, **extra):
        data = {
            "legal_basis": BASIS,
            "days-TOTAL_FORMS": "2",
            "days-INITIAL_FORMS": "0",
            "days-MIN_NUM_FORMS": "0",
            "days-MAX_NUM_FORMS": "50",
            "days-0-day": "24/11/2026",
            "days-0-change": "holiday",
            "days-0-name": "Ngày Văn hóa Việt Nam",
            "days-0-unit_code": "",
            "days-1-day": "",
            "days-1-change": "",
            "days-1-name": "",
            "days-1-unit_code": "",
        }
        return data | extra

    def test_preview_page_then_save(self):
        with clock.frozen(at(2026, 11, 20, 10)):
            self.assertEqual(self.client.get(self.url).status_code, 200)
            page = self.client.post(self.url, self.form(preview="1"))
        self.assertEqual(page.status_code, 200)
        assert self.dossier.code is not None
        self.assertContains(page, self.dossier.code)
        self.assertContains(page, "17:00 25/11/2026")
        self.assertContains(page, "17:00 26/11/2026")
        self.assertContains(page, "+1 ngày làm việc")
        self.assertContains(page, 'name="apply"')
        self.assertFalse(CalendarEntry.objects.filter(day=date(2026, 11, 24)).exists())
        previewed = page.context["previewed"]
        with clock.frozen(at(2026, 11, 20, 10)):
            saved = self.client.post(self.url, self.form(apply="1", previewed=previewed))
        self.assertRedirects(saved, f"/admin/workdays/calendaryear/{self.year.pk}/change/")
        self.assertEqual(self.refresh(self.dossier).due_at, at(2026, 11, 26, 17))
        self.assertTrue(CalendarEntry.objects.filter(day=date(2026, 11, 24)).exists())

    def test_save_without_the_matching_preview_only_previews(self):
        with clock.frozen(at(2026, 11, 20, 10)):
            page = self.client.post(self.url, self.form(apply="1", previewed="stale"))
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "amend-preview")
        self.assertFalse(CalendarEntry.objects.filter(day=date(2026, 11, 24)).exists())
        self.assertEqual(self.refresh(self.dossier).due_at, at(2026, 11, 25, 17))

    def test_bad_input_is_shown_in_vietnamese_and_nothing_is_saved(self):
        cases = [
            ({"legal_basis": ""}, "Hãy ghi căn cứ pháp lý của việc sửa đổi."),
            ({"days-0-day": "2026-13-40"}, "Nhập ngày theo dạng dd/mm/yyyy"),
            ({"days-0-day": "24/11/2027"}, "24/11/2027 không thuộc năm 2026."),
            ({"days-0-unit_code": "99999"}, "99999"),
            (
                {"days-0-day": "25/11/2026", "days-0-change": "remove"},
                "25/11/2026 không có ngày đặc biệt nào để bỏ.",
            ),
            ({"days-0-name": ""}, "Hãy đặt tên cho ngày 24/11/2026"),
        ]
        for extra, message in cases:
            with self.subTest(extra=extra), clock.frozen(at(2026, 11, 20, 10)):
                page = self.client.post(self.url, self.form(preview="1", **extra))
                self.assertEqual(page.status_code, 200)
                self.assertContains(page, message)
                self.assertNotContains(page, 'name="apply"')
        self.assertFalse(CalendarEntry.objects.filter(day=date(2026, 11, 24)).exists())


class AmendmentCommandTests(CalendarChangeTestCase):
    def test_the_command_previews_then_applies(self):
        dossier = self.receive(at(2026, 11, 20, 9))
        args = [
            "calendar",
            "amend",
            "2026",
            "--basis",
            BASIS,
            "--add",
            "24/11/2026",
            "holiday",
            "Ngày Văn hóa Việt Nam",
        ]
        out = StringIO()
        with clock.frozen(at(2026, 11, 20, 10)):
            call_command(*args, stdout=out)
        text = out.getvalue()
        self.assertIn(
            f"{dossier.code}\tHạn giải quyết hồ sơ\t17:00 25/11/2026 -> 17:00 26/11/2026\t+1", text
        )
        self.assertIn("preview only, nothing saved; 1 due dates would move", text)
        self.assertEqual(self.refresh(dossier).due_at, at(2026, 11, 25, 17))
        out = StringIO()
        with clock.frozen(at(2026, 11, 20, 10)):
            call_command(*args, "--apply", stdout=out)
        self.assertIn("2026: amended; 1 due dates moved", out.getvalue())
        self.assertEqual(self.refresh(dossier).due_at, at(2026, 11, 26, 17))
        self.assertEqual(
            AuditEvent.objects.get(action="workdays.calendar.amend").actor_repr, "motcua calendar"
        )


class ShippedCorrectionTests(CalendarChangeTestCase):
    """A deployment that loaded 2026 before the New Year swap was shipped gets it by command."""

    def setUp(self):
        super().setUp()
        # The year as an older release loaded it: no swap on 2/1, no make-up day on 10/1.
        CalendarEntry.objects.filter(day__in=[date(2026, 1, 2), date(2026, 1, 10)]).delete()
        calendar_cache_clear()

    def test_migrate_warns_and_the_command_amends_the_year(self):
        from django.core.checks import run_checks

        warnings = [m for m in run_checks(databases=["default"]) if m.id == "workdays.W001"]
        self.assertEqual(len(warnings), 1)
        self.assertIn(
            "02/01/2026 (swapped_day_off), 10/01/2026 (makeup_working_day)", warnings[0].msg
        )
        self.assertIn("motcua calendar amend 2026 --shipped", warnings[0].hint or "")
        # only when the databases are checked (migrate, check --database): not every command
        self.assertEqual([m for m in run_checks() if m.id == "workdays.W001"], [])
        # 31/12/2025 10:00, 3 working days: without the swap 2/1, 5/1, 6/1.
        dossier = self.receive(at(2025, 12, 31, 10))
        self.assertEqual(dossier.due_at, at(2026, 1, 6, 17))
        out = StringIO()
        with clock.frozen(at(2025, 12, 31, 11)):
            call_command("calendar", "amend", "2026", "--shipped", stdout=out)
        self.assertIn("02/01/2026\tswapped_day_off", out.getvalue())
        self.assertIn("10/01/2026\tmakeup_working_day", out.getvalue())
        self.assertIn(
            f"{dossier.code}\tHạn giải quyết hồ sơ\t17:00 06/01/2026 -> 17:00 07/01/2026\t+1",
            out.getvalue(),
        )
        self.assertFalse(CalendarEntry.objects.filter(day=date(2026, 1, 2)).exists())
        with clock.frozen(at(2025, 12, 31, 11)):
            call_command("calendar", "amend", "2026", "--shipped", "--apply", stdout=StringIO())
        entry = CalendarEntry.objects.get(day=date(2026, 1, 2), unit=None)
        self.assertEqual(entry.kind, "swapped_day_off")
        self.assertIn("Bộ Nội vụ ngày 25/12/2025", entry.legal_basis)
        self.assertEqual(self.refresh(dossier).due_at, at(2026, 1, 7, 17))
        amend = AuditEvent.objects.get(action="workdays.calendar.amend")
        self.assertIn("Bộ Nội vụ ngày 25/12/2025", amend.data["legal_basis"])
        self.assertEqual(
            [m for m in run_checks(databases=["default"]) if m.id == "workdays.W001"], []
        )
        # the command and the deadline computation now agree with DOMAIN.md §9
        out = StringIO()
        call_command(
            "deadline",
            "--received",
            "2025-12-31T10:00",
            "--amount",
            "1",
            "--unit",
            "working_days",
            stdout=out,
        )
        self.assertIn('"due": "2026-01-05T17:00:00+07:00"', out.getvalue())
        out = StringIO()
        call_command(
            "deadline",
            "--received",
            "2026-01-09T10:00",
            "--amount",
            "1",
            "--unit",
            "working_days",
            stdout=out,
        )
        self.assertIn('"due": "2026-01-10T17:00:00+07:00"', out.getvalue())
        out = StringIO()
        call_command("calendar", "amend", "2026", "--shipped", stdout=out)
        self.assertIn("2026: the stored year has every shipped day", out.getvalue())
