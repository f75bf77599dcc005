"""The log book's volumes and entry numbers: given at intake, printed alike on Form 01 and in the book."""

from __future__ import annotations

import io
import unittest
from datetime import date
from unittest import mock

import pytest
from django.apps import apps
from django.db import connection
from django.test import TransactionTestCase
from pypdf import PdfReader

from motcua.catalog.models import ProcedureVersion
from motcua.catalog.tests.factories import make_field, make_procedure
from motcua.core import clock
from motcua.core.errors import ApplicationError
from motcua.dossiers import printing
from motcua.dossiers import services as s
from motcua.dossiers.logbook import logbook_entry_take, logbook_rows
from motcua.dossiers.models import Dossier, Logbook
from motcua.dossiers.services import common
from motcua.dossiers.tests.helpers import DossierTestCase, World, at
from motcua.dossiers.tests.test_concurrency import run_in_threads


def receipt_line(dossier: Dossier) -> str:
    reader = PdfReader(io.BytesIO(printing.render_pdf("receipt", dossier)))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    start = text.index("Vào Sổ theo dõi hồ sơ")
    return text[start : text.index(".", start) + 1]


class NumberingTests(DossierTestCase):
    business: ProcedureVersion

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        make_field("household-business", "Thành lập và hoạt động của hộ kinh doanh")
        cls.business = make_procedure(
            "2.000046", name="Đăng ký thành lập hộ kinh doanh", field_code="household-business"
        ).versions.get()

    def place(self, dossier: Dossier) -> tuple[int, str, int, int | None]:
        dossier.refresh_from_db()
        assert dossier.logbook_id is not None
        book = Logbook.objects.select_related("field").get(pk=dossier.logbook_id)
        return book.unit_id, book.field.code, book.year, dossier.logbook_number

    def test_a_volume_per_desk_field_and_year(self):
        first = self.receive(at(2026, 3, 2, 9))
        second = self.receive(at(2026, 3, 2, 10), version=self.w.restart_version)
        business = self.receive(at(2026, 3, 2, 11), version=self.business)
        third = self.receive(at(2026, 3, 3, 9), version=self.w.hours_version)
        centre = self.w.centre.pk
        self.assertEqual(
            [self.place(d) for d in (first, second, business, third)],
            [
                (centre, "civil-status", 2026, 1),
                (centre, "civil-status", 2026, 2),
                (centre, "household-business", 2026, 1),
                (centre, "civil-status", 2026, 3),
            ],
        )
        other_desk = self.w._user("tiepnhan2", "intake_officer", self.w.other_ward)
        elsewhere = self.receive(
            at(2026, 3, 3, 10), actor=other_desk, receiving_unit=self.w.other_ward
        )
        self.assertEqual(self.place(elsewhere), (self.w.other_ward.pk, "civil-status", 2026, 1))

    def test_the_year_is_the_local_year_of_intake(self):
        """00:30 on 1 January 2026 is still 2025 in UTC: the dossier opens 2026's volume."""
        late = self.receive(at(2025, 12, 31, 16))
        new_year = self.receive(at(2026, 1, 1, 0, 30))
        self.assertEqual(self.place(late)[2:], (2025, 1))
        self.assertEqual(self.place(new_year)[2:], (2026, 1))
        assert late.logbook is not None
        self.assertEqual(
            logbook_entry_take(unit_id=self.w.centre.pk, field_id=late.logbook.field_id, year=2027),
            (Logbook.objects.get(year=2027).pk, 1),
        )

    def test_the_receipt_and_the_log_book_print_the_same_number(self):
        self.receive(at(2026, 3, 2, 9))
        self.receive(at(2026, 3, 2, 10), version=self.business)
        dossier = self.receive(at(2026, 3, 3, 9))
        self.assertEqual(
            receipt_line(dossier),
            "Vào Sổ theo dõi hồ sơ, Quyển số: 2026 (lĩnh vực Hộ tịch), Số thứ tự: 2.",
        )
        (row,) = [
            r
            for r in logbook_rows(unit=self.w.centre, start=date(2026, 3, 1), end=date(2026, 3, 31))
            if r.dossier_id == dossier.pk
        ]
        self.assertEqual((row.volume, row.number), ("2026 (lĩnh vực Hộ tịch)", 2))

    def test_an_online_submission_is_entered_when_it_is_accepted(self):
        with clock.frozen(at(2026, 3, 2, 8)):
            online = s.dossier_submit_online(
                applicant=self.w.applicant(),
                procedure_code="1.001193",
                receiving_unit=self.w.centre,
                provided_documents=self.w.documents(self.w.pause_version),
            ).dossier
        self.assertIsNone(online.logbook_number)
        counter = self.receive(at(2026, 3, 2, 9))
        with clock.frozen(at(2026, 3, 2, 10)):
            accepted = s.dossier_accept(dossier=online, actor=self.w.intake)
        self.assertEqual(self.place(counter)[3], 1)
        self.assertEqual(self.place(accepted)[3], 2)

    def test_a_failed_intake_gives_its_number_back(self):
        self.receive(at(2026, 3, 2, 9))
        with (
            mock.patch.object(common, "_applicant_notice", side_effect=ApplicationError("later")),
            self.assertRaises(ApplicationError),
        ):
            self.receive(at(2026, 3, 2, 10))
        after = self.receive(at(2026, 3, 2, 11))
        self.assertEqual(self.place(after)[3], 2)
        self.assertEqual(Logbook.objects.get().last_number, 2)

    def test_a_refusal_at_the_counter_takes_no_number(self):
        with clock.frozen(at(2026, 3, 2, 9)):
            refused = s.dossier_refuse_at_intake(
                actor=self.w.intake,
                receiving_unit=self.w.centre,
                applicant=self.w.applicant(),
                reasons="Không thuộc thẩm quyền",
                procedure_version=self.w.pause_version,
            )
        self.assertEqual((refused.logbook_id, refused.logbook_number), (None, None))
        self.assertEqual(self.place(self.receive(at(2026, 3, 2, 10)))[3], 1)

    def test_the_migration_numbers_dossiers_received_before_it_in_order_of_intake(self):
        import importlib

        migration = importlib.import_module(
            "motcua.dossiers.migrations.0006_number_received_dossiers"
        )
        received = [
            self.receive(at(2025, 12, 30, 9)),
            self.receive(at(2026, 3, 2, 9)),
            self.receive(at(2026, 3, 2, 11), version=self.business),
            self.receive(at(2026, 3, 3, 9)),
        ]
        before = {d.pk: self.place(d) for d in received}
        Dossier.objects.update(logbook=None, logbook_number=None)
        Logbook.objects.all().delete()
        migration.number_received_dossiers(apps, None)
        self.assertEqual({d.pk: self.place(d) for d in received}, before)
        self.assertEqual(
            sorted(Logbook.objects.values_list("year", "last_number")),
            [(2025, 1), (2026, 1), (2026, 2)],
        )


@pytest.mark.postgres
@unittest.skipUnless(connection.vendor == "postgresql", "needs PostgreSQL (set DATABASE_URL)")
class ParallelNumberingTests(TransactionTestCase):
    """Parallel intakes on PostgreSQL: every number of a volume once, none skipped."""

    serialized_rollback = True

    def setUp(self):
        self.w = World()
        make_field("household-business", "Thành lập và hoạt động của hộ kinh doanh")
        self.business = make_procedure(
            "2.000046", name="Đăng ký thành lập hộ kinh doanh", field_code="household-business"
        ).versions.get()

    def test_parallel_intakes_never_share_a_number(self):
        def intake(index: int) -> list[int]:
            version = self.business if index % 4 == 0 else self.w.pause_version
            return [self.w.receive(version=version).pk for _ in range(5)]

        with clock.frozen(at(2026, 3, 2, 9)):
            results = run_in_threads(8, intake)
        self.assertEqual([r for r in results if isinstance(r, Exception)], [])
        numbers: dict[str, list[int]] = {}
        for field, number in Dossier.objects.values_list("logbook__field__code", "logbook_number"):
            assert number is not None
            numbers.setdefault(field, []).append(number)
        self.assertEqual(sorted(numbers["civil-status"]), list(range(1, 31)))
        self.assertEqual(sorted(numbers["household-business"]), list(range(1, 11)))
        self.assertEqual(
            sorted(Logbook.objects.values_list("field__code", "last_number")),
            [("civil-status", 30), ("household-business", 10)],
        )
