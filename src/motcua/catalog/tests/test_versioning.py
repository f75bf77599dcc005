import dataclasses
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.test import TestCase
from django.utils import translation

from motcua.catalog import services
from motcua.catalog.models import FeeLine, Procedure, ProcedureVersion, WorkflowStep
from motcua.catalog.selectors import procedure_version_get, procedure_version_on
from motcua.catalog.tests.factories import ACTOR, content, make_procedure
from motcua.core import clock
from motcua.core.audit import audit_verify
from motcua.core.errors import ApplicationError, NotFoundError
from motcua.core.models import AuditEvent

VN = ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = date(2026, 3, 2)


class VersioningTests(TestCase):
    def setUp(self):
        self.enterContext(clock.frozen(datetime(2026, 3, 2, 9, 0, tzinfo=VN)))
        self.enterContext(translation.override("en"))
        self.procedure = make_procedure("1.001193", effective_from=date(2025, 7, 1))
        self.v1 = self.procedure.versions.get()

    def add_version(self, day, **overrides):
        return services.procedure_version_create(
            actor=ACTOR, procedure=self.procedure, effective_from=day, content=content(**overrides)
        )

    def test_create_writes_the_first_version_with_its_lines_and_one_audit_record(self):
        self.assertEqual(self.v1.number, 1)
        self.assertIsNone(self.v1.effective_to)
        self.assertEqual(self.v1.documents.count(), 2)
        self.assertEqual(self.v1.fees.get().amount, 50000)
        self.assertEqual(self.v1.steps.count(), 4)
        self.assertEqual(self.v1.search_text, "dang ky khai sinh 1.001193 ho tich")
        events = AuditEvent.objects.filter(action="catalog.procedure.create")
        self.assertEqual(events.count(), 1)
        self.assertEqual(events.get().data["effective_from"], "2025-07-01")
        self.assertEqual(audit_verify(), [])

    def test_a_new_version_ends_the_previous_one_on_its_effective_date(self):
        v2 = self.add_version(date(2026, 4, 1), time_limit_amount=5)
        self.v1.refresh_from_db()
        self.assertEqual(v2.number, 2)
        self.assertEqual(self.v1.effective_to, date(2026, 4, 1))
        self.assertIsNone(v2.effective_to)
        self.assertEqual(AuditEvent.objects.filter(action="catalog.version.create").count(), 1)

    def test_the_version_in_force_depends_on_the_day(self):
        v2 = self.add_version(date(2026, 4, 1), time_limit_amount=5)
        self.assertIsNone(procedure_version_on(self.procedure, date(2025, 6, 30)))
        self.assertEqual(procedure_version_on(self.procedure, date(2025, 7, 1)), self.v1)
        self.assertEqual(procedure_version_on(self.procedure, date(2026, 3, 31)), self.v1)
        self.assertEqual(procedure_version_on(self.procedure, date(2026, 4, 1)), v2)
        self.assertEqual(procedure_version_on("1.001193", date(2030, 1, 1)), v2)
        self.assertIsNone(procedure_version_on("9.999999", TODAY))
        self.assertEqual(procedure_version_get("1.001193").pk, self.v1.pk)
        self.assertEqual(procedure_version_get("1.001193", on=date(2026, 4, 1)).pk, v2.pk)

    def test_a_dossier_keeps_its_version_when_a_new_one_comes(self):
        """The version FK taken at intake still says what applied then."""
        received_under = procedure_version_on(self.procedure, TODAY)
        assert received_under is not None
        self.add_version(date(2026, 4, 1), time_limit_amount=5)
        received_under.refresh_from_db()
        self.assertEqual(received_under.time_limit_amount, 3)

    def test_a_new_version_must_come_after_the_latest(self):
        self.add_version(date(2026, 4, 1))
        with self.assertRaisesMessage(
            ApplicationError,
            "A new version must take effect after 01/04/2026, the date of version 2",
        ):
            self.add_version(date(2026, 3, 20))
        self.assertEqual(ProcedureVersion.objects.count(), 2)

    def test_a_new_version_cannot_take_effect_in_the_past(self):
        with self.assertRaisesMessage(
            ApplicationError, "A new version cannot take effect in the past (01/03/2026)"
        ):
            self.add_version(date(2026, 3, 1))
        self.v1.refresh_from_db()
        self.assertIsNone(self.v1.effective_to)

    def test_a_new_version_may_take_effect_today(self):
        v2 = self.add_version(TODAY)
        self.assertEqual(procedure_version_on(self.procedure, TODAY), v2)

    def test_a_version_in_force_is_immutable(self):
        with self.assertRaisesMessage(
            ApplicationError,
            "Version 1 of procedure 1.001193 has been in force since 01/07/2025 and can no longer "
            "be changed; "
            "create a new version with a later effective date instead.",
        ):
            services.procedure_version_update(
                actor=ACTOR, version=self.v1, content=content(name="Khác")
            )
        self.v1.refresh_from_db()
        self.assertEqual(self.v1.name, "Đăng ký khai sinh")

    def test_the_immutability_message_is_vietnamese_by_default(self):
        with (
            translation.override("vi"),
            self.assertRaisesMessage(
                ApplicationError,
                "Phiên bản 1 của thủ tục 1.001193 đã có hiệu lực từ 01/07/2025 nên không thể sửa "
                "nữa; "
                "hãy tạo phiên bản mới với ngày hiệu lực muộn hơn.",
            ),
        ):
            services.procedure_version_update(
                actor=ACTOR, version=self.v1, content=content(name="Khác")
            )

    def test_a_past_version_is_immutable_and_cannot_be_deleted(self):
        self.add_version(TODAY)
        with self.assertRaisesMessage(ApplicationError, "can no longer be changed"):
            services.procedure_version_update(
                actor=ACTOR, version=self.v1, content=content(name="Khác")
            )
        with self.assertRaisesMessage(ApplicationError, "can no longer be changed"):
            services.procedure_version_delete(actor=ACTOR, version=self.v1)

    def test_a_future_version_can_be_edited(self):
        v2 = self.add_version(date(2026, 4, 1))
        new = dataclasses.replace(content(name="Đăng ký khai sinh (sửa đổi)"), fees=())
        services.procedure_version_update(
            actor=ACTOR, version=v2, content=new, effective_from=date(2026, 5, 1)
        )
        v2.refresh_from_db()
        self.v1.refresh_from_db()
        self.assertEqual(v2.name, "Đăng ký khai sinh (sửa đổi)")
        self.assertEqual(v2.effective_from, date(2026, 5, 1))
        self.assertEqual(self.v1.effective_to, date(2026, 5, 1))
        self.assertFalse(FeeLine.objects.filter(version=v2).exists())
        self.assertEqual(WorkflowStep.objects.filter(version=v2).count(), 4)
        self.assertIn("sua doi", v2.search_text)
        self.assertEqual(AuditEvent.objects.filter(action="catalog.version.update").count(), 1)

    def test_editing_with_the_same_content_changes_nothing(self):
        v2 = self.add_version(date(2026, 4, 1))
        services.procedure_version_update(actor=ACTOR, version=v2, content=content())
        self.assertFalse(AuditEvent.objects.filter(action="catalog.version.update").exists())

    def test_a_future_version_cannot_move_before_the_previous_one_or_into_the_past(self):
        v2 = self.add_version(date(2026, 4, 1))
        with self.assertRaisesMessage(
            ApplicationError, "A version cannot take effect in the past (01/01/2026)"
        ):
            services.procedure_version_update(
                actor=ACTOR, version=v2, content=content(), effective_from=date(2026, 1, 1)
            )
        v3 = self.add_version(date(2026, 6, 1))
        with self.assertRaisesMessage(
            ApplicationError, "The version must take effect before 01/06/2026"
        ):
            services.procedure_version_update(
                actor=ACTOR, version=v2, content=content(), effective_from=date(2026, 7, 1)
            )
        with self.assertRaisesMessage(
            ApplicationError, "The version must take effect after 01/04/2026"
        ):
            services.procedure_version_update(
                actor=ACTOR, version=v3, content=content(), effective_from=date(2026, 3, 15)
            )

    def test_deleting_a_future_version_lets_the_previous_one_run_on(self):
        v2 = self.add_version(date(2026, 4, 1))
        v3 = self.add_version(date(2026, 6, 1))
        services.procedure_version_delete(actor=ACTOR, version=v2)
        self.v1.refresh_from_db()
        self.assertEqual(self.v1.effective_to, date(2026, 6, 1))
        services.procedure_version_delete(actor=ACTOR, version=v3)
        self.v1.refresh_from_db()
        self.assertIsNone(self.v1.effective_to)
        self.assertEqual(AuditEvent.objects.filter(action="catalog.version.delete").count(), 2)

    def test_a_code_can_be_created_once(self):
        with self.assertRaisesMessage(
            ApplicationError, "A procedure with code 1.001193 already exists"
        ):
            make_procedure("1.001193")
        self.assertEqual(Procedure.objects.count(), 1)

    def test_unknown_or_not_yet_valid_code_is_not_found(self):
        with self.assertRaisesMessage(
            NotFoundError, "No procedure with code “2.000635” is in force on 02/03/2026."
        ):
            procedure_version_get("2.000635")
        make_procedure("2.000635", effective_from=date(2026, 5, 1))
        with self.assertRaises(NotFoundError):
            procedure_version_get("2.000635")

    def test_inactive_procedures_are_not_shown(self):
        services.procedure_update(actor=ACTOR, procedure=self.procedure, is_active=False)
        with self.assertRaises(NotFoundError):
            procedure_version_get("1.001193")
        self.assertEqual(AuditEvent.objects.filter(action="catalog.procedure.update").count(), 1)

    def test_renaming_a_field_updates_the_search_text(self):
        services.field_update(actor=ACTOR, field=self.v1.field, name="Hộ tịch, quốc tịch")
        self.v1.refresh_from_db()
        self.assertEqual(self.v1.search_text, "dang ky khai sinh 1.001193 ho tich, quoc tich")


class SupplementWindowMigrationTests(TestCase):
    """Versions that existed before the field keep the window the old setting gave them."""

    def test_existing_versions_get_the_old_global_window(self):
        import importlib
        import os
        from unittest import mock

        from django.apps import apps

        from motcua.catalog.models import ProcedureVersion
        from motcua.catalog.tests.factories import make_procedure

        migration = importlib.import_module("motcua.catalog.migrations.0003_supplement_window")
        make_procedure("1.001193")
        make_procedure("1.000656", supplement_window_days=30)
        with mock.patch.dict(os.environ, {}, clear=False):
            os.environ.pop("MOTCUA_SUPPLEMENT_RESPONSE_DAYS", None)
            migration.keep_the_old_window(apps, None)
        windows = dict(
            ProcedureVersion.objects.values_list("procedure__code", "supplement_window_days")
        )
        self.assertEqual(windows, {"1.001193": 15, "1.000656": 30})
        ProcedureVersion.objects.filter(procedure__code="1.001193").update(
            supplement_window_days=None
        )
        with mock.patch.dict(os.environ, {"MOTCUA_SUPPLEMENT_RESPONSE_DAYS": "7"}):
            migration.keep_the_old_window(apps, None)
        self.assertEqual(
            ProcedureVersion.objects.get(procedure__code="1.001193").supplement_window_days, 7
        )
