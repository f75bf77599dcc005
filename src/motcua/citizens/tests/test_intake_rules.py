"""Online-intake working-hour limits and receiving desks (DOMAIN.md §1.3, issue 10)."""

from datetime import timedelta
from decimal import Decimal

from django.core import mail
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import translation

from motcua.catalog.intake_rules import (
    IntakeState,
    online_intake_clock,
    online_intake_limit,
    online_intake_limit_save,
    procedure_desks_set,
)
from motcua.citizens import services
from motcua.citizens.codes import citizen_create
from motcua.citizens.jobs import online_intake_alert
from motcua.citizens.models import OnlineIntakeAlert
from motcua.citizens.tests.test_submission import pdf
from motcua.core import clock
from motcua.core.errors import ApplicationError
from motcua.core.periodic import periodic_run_registered
from motcua.dossiers import services as s
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.helpers import ACTOR, World, at
from motcua.dossiers.tests.test_views import ViewTestCase
from motcua.org.models import UnitKind
from motcua.org.services import unit_create
from motcua.workdays.loader import calendar_for_unit


class LimitTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = World()

    def test_the_most_specific_limit_wins_and_the_setting_is_the_default(self):
        w = self.w
        procedure = w.pause_version.procedure
        with override_settings(
            MOTCUA_ONLINE_INTAKE_DECIDE_HOURS=6, MOTCUA_ONLINE_INTAKE_WARN_HOURS=1
        ):
            default = online_intake_limit(procedure.pk, w.centre.pk)
        self.assertEqual(default.decide_within, timedelta(hours=6))
        self.assertEqual(default.warn_before, timedelta(hours=1))
        self.assertEqual(
            online_intake_limit(procedure.pk, w.centre.pk).decide_within.seconds, 8 * 3600
        )
        online_intake_limit_save(
            actor=ACTOR, desk=w.centre, decide_within_hours=Decimal(12), warn_before_hours=3
        )
        self.assertEqual(
            online_intake_limit(procedure.pk, w.centre.pk).decide_within, timedelta(hours=12)
        )
        online_intake_limit_save(
            actor=ACTOR, procedure=procedure, decide_within_hours=Decimal(4), warn_before_hours=1
        )
        self.assertEqual(
            online_intake_limit(procedure.pk, w.centre.pk).decide_within, timedelta(hours=4)
        )
        online_intake_limit_save(
            actor=ACTOR,
            procedure=procedure,
            desk=w.centre,
            decide_within_hours=Decimal("2.5"),
            warn_before_hours=Decimal("0.5"),
        )
        both = online_intake_limit(procedure.pk, w.centre.pk)
        self.assertEqual(both.decide_within, timedelta(hours=2, minutes=30))
        self.assertEqual(both.warn_before, timedelta(minutes=30))
        other = w.restart_version.procedure
        self.assertEqual(
            online_intake_limit(other.pk, w.centre.pk).decide_within, timedelta(hours=12)
        )

    def test_a_limit_without_scope_or_with_a_long_warning_is_refused(self):
        with self.assertRaises(ApplicationError) as caught:
            online_intake_limit_save(actor=ACTOR, decide_within_hours=8, warn_before_hours=2)
        self.assertEqual(caught.exception.code, "limit_scope")
        with self.assertRaises(ApplicationError) as caught:
            online_intake_limit_save(
                actor=ACTOR, desk=self.w.centre, decide_within_hours=2, warn_before_hours=2
            )
        self.assertEqual(caught.exception.code, "limit_hours")

    def test_working_time_runs_in_sessions_of_working_days_only(self):
        """8 working hours from Friday 16:00 end on Monday 16:00, not Saturday midnight."""
        calendar = calendar_for_unit(self.w.centre)
        limit = online_intake_limit(None, self.w.centre.pk)
        friday = at(2026, 3, 6, 16)
        state = online_intake_clock(
            calendar=calendar, limit=limit, submitted_at=friday, now=at(2026, 3, 7, 10)
        )
        # 1 h on Friday, then Monday 07:00–11:30 and 13:30–16:00; the warning 2 h before.
        self.assertEqual(state.deadline, at(2026, 3, 9, 16))
        self.assertEqual(state.warn_at, at(2026, 3, 9, 14))
        self.assertEqual(state.left, timedelta(hours=7))
        self.assertEqual(state.state, IntakeState.OK)
        near = online_intake_clock(
            calendar=calendar, limit=limit, submitted_at=friday, now=at(2026, 3, 9, 14)
        )
        self.assertEqual((near.state, near.left), (IntakeState.NEAR, timedelta(hours=2)))
        late = online_intake_clock(
            calendar=calendar, limit=limit, submitted_at=friday, now=at(2026, 3, 10, 8)
        )
        self.assertEqual(late.state, IntakeState.PASSED)
        self.assertEqual(late.left, -timedelta(hours=2))  # 16–17 Monday, 07–08 Tuesday
        with translation.override("vi"):
            self.assertEqual(late.text, "quá hạn quyết định 2 giờ 00 phút làm việc")
            self.assertEqual(near.text, "còn 2 giờ 00 phút làm việc để quyết định")


class QueueTests(ViewTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        w = cls.w
        with clock.frozen(at(2026, 3, 3, 20)):  # after hours: counts from Wednesday 07:00
            cls.online = s.dossier_submit_online(
                applicant=w.applicant(),
                procedure_code=w.pause_version.procedure.code,
                receiving_unit=w.centre,
                provided_documents=w.documents(w.pause_version),
            ).dossier

    def test_the_desk_queue_shows_the_working_time_left_to_decide(self):
        self.login(self.w.intake)
        self.freeze(at(2026, 3, 4, 9))
        page = self.client.get(reverse("dossiers:queue"), {"tab": "intake"})
        self.assertContains(page, "còn 6 giờ 00 phút làm việc để quyết định")
        self.assertContains(page, "17:00 04/03/2026")
        self.freeze(at(2026, 3, 4, 16))
        page = self.client.get(reverse("dossiers:queue"), {"tab": "intake"})
        self.assertContains(page, "còn 1 giờ 00 phút làm việc để quyết định")
        self.assertContains(page, 'class="due due-due_soon"')
        self.freeze(at(2026, 3, 5, 7, 30))
        page = self.client.get(reverse("dossiers:queue"), {"tab": "intake"})
        self.assertContains(page, "quá hạn quyết định 30 phút làm việc")
        self.assertContains(page, 'class="due due-overdue"')


class AlertTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = World()
        with clock.frozen(at(2026, 3, 2, 9)):
            cls.dossier = s.dossier_submit_online(
                applicant=cls.w.applicant(),
                procedure_code=cls.w.pause_version.procedure.code,
                receiving_unit=cls.w.centre,
                provided_documents=cls.w.documents(cls.w.pause_version),
            ).dossier

    def run_at(self, when):
        mail.outbox.clear()
        with clock.frozen(when), self.captureOnCommitCallbacks(execute=True):
            return online_intake_alert()

    def officer_mail(self):
        return [m for m in mail.outbox if self.w.intake.email in m.to]

    def test_the_desk_is_alerted_once_near_the_limit_and_once_past_it(self):
        # 09:00 Monday + 8 working hours = 09:00 Tuesday; the warning at 17:00 Monday.
        quiet = self.run_at(at(2026, 3, 2, 16, 59))
        self.assertEqual((quiet.near, quiet.passed), (0, 0))
        self.assertFalse(self.officer_mail())
        near = self.run_at(at(2026, 3, 2, 17))
        self.assertEqual((near.near, near.passed, near.messages), (1, 0, 1))
        sent = self.officer_mail()
        self.assertEqual(len(sent), 1)
        self.assertIn("sắp hết thời hạn tiếp nhận", sent[0].subject)
        self.assertIn("09:00 03/03/2026", sent[0].body)
        again = self.run_at(at(2026, 3, 3, 8))
        self.assertEqual((again.near, again.passed), (0, 0))
        self.assertFalse(self.officer_mail())
        passed = self.run_at(at(2026, 3, 3, 9, 1))
        self.assertEqual(passed.passed, 1)
        self.assertIn("đã quá thời hạn tiếp nhận", self.officer_mail()[0].subject)
        self.assertEqual(self.run_at(at(2026, 3, 4, 9)).messages, 0)
        self.assertEqual(
            sorted(OnlineIntakeAlert.objects.values_list("kind", flat=True)), ["near", "passed"]
        )

    def test_an_accepted_submission_is_not_alerted(self):
        with clock.frozen(at(2026, 3, 2, 10)):
            s.dossier_accept(dossier=self.dossier, actor=self.w.intake)
        self.assertEqual(self.run_at(at(2026, 3, 4, 9)).checked, 0)
        self.assertFalse(OnlineIntakeAlert.objects.exists())

    def test_the_job_runs_with_the_periodic_pass(self):
        with clock.frozen(at(2026, 3, 3, 10)):
            lines = periodic_run_registered()
        self.assertTrue(any(line.startswith("citizens: online intake") for line in lines))
        self.assertTrue(OnlineIntakeAlert.objects.filter(kind="passed").exists())


class DeskTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = World()
        kinds = {kind.code: kind for kind in UnitKind.objects.all()}
        cls.point = unit_create(
            actor=ACTOR,
            name="Điểm tiếp nhận khu vực 2",
            kind=kinds["service_centre"],
            parent=cls.w.ward,
            valid_from=cls.w.centre.valid_from,
        )
        cls.point_officer = cls.w._user("tiepnhan2", "intake_officer", cls.point)
        cls.procedure = cls.w.pause_version.procedure
        procedure_desks_set(actor=ACTOR, procedure=cls.procedure, desks=[cls.point])
        with clock.frozen(at(2026, 3, 2, 9)):
            cls.citizen = citizen_create(email="ngoc@example.vn", full_name="Trần Thị Bích Ngọc")

    def setUp(self):
        translation.activate("vi")
        self.addCleanup(translation.deactivate)
        self.enterContext(clock.frozen(at(2026, 3, 2, 9)))

    def test_counter_intake_at_a_desk_not_listed_is_refused(self):
        with self.assertRaises(ApplicationError) as caught:
            self.w.receive()
        self.assertEqual(caught.exception.code, "desk_not_listed")
        self.assertIn("Điểm tiếp nhận khu vực 2", caught.exception.message)
        self.assertFalse(Dossier.objects.exists())
        dossier = self.w.receive(actor=self.point_officer, receiving_unit=self.point)
        self.assertEqual(dossier.receiving_unit, self.point)

    def test_online_submission_at_a_desk_not_listed_is_refused(self):
        with self.assertRaises(ApplicationError) as caught:
            s.dossier_submit_online(
                applicant=self.w.applicant(),
                procedure_code=self.procedure.code,
                receiving_unit=self.w.centre,
                provided_documents=self.w.documents(self.w.pause_version),
            )
        self.assertEqual(caught.exception.code, "desk_not_listed")
        self.assertFalse(Dossier.objects.exists())

    def test_other_procedures_and_an_emptied_list_take_any_desk(self):
        self.w.receive(self.w.restart_version)
        procedure_desks_set(actor=ACTOR, procedure=self.procedure, desks=[])
        self.w.receive()
        self.assertEqual(Dossier.objects.count(), 2)

    def test_the_draft_offers_only_the_listed_desks_and_refuses_others(self):
        draft = services.draft_start(citizen=self.citizen, procedure_code=self.procedure.code)
        self.assertEqual(services.online_desks(self.procedure.pk), [self.point])
        with self.assertRaises(ApplicationError) as caught:
            services.draft_save(
                draft=draft,
                citizen=self.citizen,
                data={"applicant_name": "Ngọc", "receiving_unit": self.w.centre.pk},
            )
        self.assertEqual(caught.exception.extra["errors"][0]["field"], "receiving_unit")
        self.client.force_login(self.citizen.user)
        page = self.client.post(
            reverse("citizens:draft", args=[draft.key]),
            {
                "applicant_name": "Trần Thị Bích Ngọc",
                "applicant_email": "ngoc@example.vn",
                "receiving_unit": str(self.w.centre.pk),
            },
        )
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "Lỗi:")
        self.assertNotContains(page, f'value="{self.w.centre.pk}"')
        self.assertContains(page, f'value="{self.point.pk}"')
        draft.refresh_from_db()
        self.assertIsNone(draft.receiving_unit_id)

    def test_a_draft_sent_to_a_desk_delisted_meanwhile_is_refused_clearly(self):
        draft = services.draft_start(citizen=self.citizen, procedure_code=self.procedure.code)
        services.draft_save(
            draft=draft,
            citizen=self.citizen,
            data={
                "applicant_name": "Trần Thị Bích Ngọc",
                "applicant_email": "ngoc@example.vn",
                "receiving_unit": self.point.pk,
            },
        )
        for doc in self.w.pause_version.documents.all():
            services.draft_attach(
                draft=draft, citizen=self.citizen, required_document_id=doc.pk, file=pdf()
            )
        procedure_desks_set(actor=ACTOR, procedure=self.procedure, desks=[self.w.centre])
        with self.assertRaises(ApplicationError) as caught:
            services.draft_submit(draft=draft, citizen=self.citizen)
        self.assertEqual(caught.exception.code, "desk_not_listed")
        self.assertIn("không tiếp nhận", caught.exception.message)
        self.assertFalse(Dossier.objects.exists())


class AdminTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = World()
        from django.contrib.auth import get_user_model

        cls.admin = get_user_model().objects.create_superuser("quantri", "q@example.vn", "x")

    def setUp(self):
        self.client.force_login(self.admin)

    def test_limits_and_desks_are_set_in_the_admin_through_the_services(self):
        from motcua.catalog.models import OnlineIntakeLimit, ProcedureDesk
        from motcua.core.models import AuditEvent

        procedure = self.w.pause_version.procedure
        response = self.client.post(
            reverse("admin:catalog_onlineintakelimit_add"),
            {
                "procedure": procedure.pk,
                "desk": "",
                "decide_within_hours": "4",
                "warn_before_hours": "1",
                "basis": "Quy chế tỉnh",
            },
        )
        self.assertEqual(response.status_code, 302)
        row = OnlineIntakeLimit.objects.get()
        self.assertEqual(row.decide_within_hours, Decimal(4))
        refused = self.client.post(
            reverse("admin:catalog_onlineintakelimit_change", args=[row.pk]),
            {"decide_within_hours": "4", "warn_before_hours": "5", "basis": ""},
        )
        self.assertEqual(refused.status_code, 200)
        row.refresh_from_db()
        self.assertEqual(row.warn_before_hours, Decimal(1))
        response = self.client.post(
            reverse("admin:catalog_proceduredesk_add"),
            {"procedure": procedure.pk, "desk": self.w.centre.pk},
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(
            list(ProcedureDesk.objects.values_list("desk_id", flat=True)), [self.w.centre.pk]
        )
        self.assertTrue(
            AuditEvent.objects.filter(action="catalog.procedure_desks").exists()
            and AuditEvent.objects.filter(action="catalog.online_intake_limit").exists()
        )
        desk_row = ProcedureDesk.objects.get()
        self.client.post(
            reverse("admin:catalog_proceduredesk_delete", args=[desk_row.pk]), {"post": "yes"}
        )
        self.assertFalse(ProcedureDesk.objects.exists())


class ProcedurePageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = World()

    def test_the_procedure_page_lists_only_the_offices_of_its_listed_desks(self):
        from motcua.catalog.selectors import offices_for_version
        from motcua.core.cache import process_caches_clear
        from motcua.org.models import Unit

        Unit.objects.filter(pk__in=[self.w.centre.pk, self.w.ward.pk]).update(serves_public=True)
        process_caches_clear()
        self.addCleanup(process_caches_clear)
        version = self.w.pause_version
        procedure_desks_set(actor=ACTOR, procedure=version.procedure, desks=[self.w.centre])
        self.assertEqual(offices_for_version(version), [self.w.centre])
        page = self.client.get(reverse("catalog:procedure_detail", args=[version.procedure.code]))
        self.assertContains(page, self.w.centre.name)


class CounterViewTests(ViewTestCase):
    def test_the_counter_form_refuses_a_desk_not_listed_with_the_message(self):
        kinds = {kind.code: kind for kind in UnitKind.objects.all()}
        point = unit_create(
            actor=ACTOR,
            name="Điểm tiếp nhận khu vực 3",
            kind=kinds["service_centre"],
            parent=self.w.ward,
            valid_from=self.w.centre.valid_from,
        )
        procedure_desks_set(actor=ACTOR, procedure=self.w.pause_version.procedure, desks=[point])
        self.login(self.w.intake)
        self.freeze(at(2026, 3, 2, 9))
        response = self.client.post(self.intake_url, self.intake_data())
        self.assertEqual(response.status_code, 400)  # the form again, with the error summary
        self.assertContains(response, "không tiếp nhận thủ tục", status_code=400)
        self.assertContains(response, "Điểm tiếp nhận khu vực 3", status_code=400)
        self.assertFalse(Dossier.objects.exists())
