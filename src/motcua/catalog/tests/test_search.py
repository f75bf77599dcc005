from datetime import date, datetime
from unittest import skipUnless
from zoneinfo import ZoneInfo

from django.db import connection
from django.test import TestCase

from motcua.catalog import services
from motcua.catalog.selectors import procedure_search
from motcua.catalog.tests.factories import ACTOR, content, make_field, make_procedure
from motcua.core import clock

VN = ZoneInfo("Asia/Ho_Chi_Minh")


class SearchTests(TestCase):
    """Accent-insensitive AND search; the same answers on SQLite and PostgreSQL."""

    @classmethod
    def setUpTestData(cls):
        make_procedure("1.001193", name="Đăng ký khai sinh")
        make_procedure("1.000894", name="Đăng ký kết hôn")
        make_procedure("2.000635", name="Cấp bản sao trích lục hộ tịch")
        make_field("certification", "Chứng thực")
        make_procedure(
            "2.000815",
            name="Chứng thực bản sao từ bản chính",
            field_code="certification",
            competent_level="province",
        )
        make_procedure(
            "9.000001", name="Đăng ký khai sinh lưu động", effective_from=date(2027, 1, 1)
        )

    def setUp(self):
        self.enterContext(clock.frozen(datetime(2026, 3, 2, 9, 0, tzinfo=VN)))

    def codes(self, query, **kwargs):
        return [v.procedure.code for v in procedure_search(query, **kwargs)]

    def test_the_three_phrasings_find_birth_registration(self):
        for query in ("dang ky khai sinh", "KHAI SINH đăng ký", "Đăng ký khai sinh"):
            with self.subTest(query=query):
                self.assertEqual(self.codes(query), ["1.001193"])

    def test_every_word_must_occur(self):
        self.assertEqual(self.codes("đăng ký"), ["1.000894", "1.001193"])
        self.assertEqual(self.codes("dang ky ket"), ["1.000894"])
        self.assertEqual(self.codes("khai sinh kết hôn"), [])

    def test_d_stroke_folds_to_d_both_ways(self):
        self.assertEqual(self.codes("ĐĂNG KÝ KẾT HÔN"), ["1.000894"])
        self.assertEqual(self.codes("Dang Ky Ket Hon"), ["1.000894"])
        self.assertEqual(self.codes("đang ky ket hon"), ["1.000894"])

    def test_case_and_accents_of_any_kind(self):
        self.assertEqual(self.codes("TRÍCH LỤC"), ["2.000635"])
        self.assertEqual(self.codes("trich luc"), ["2.000635"])
        self.assertEqual(self.codes("Trích   Lục,  hộ-tịch"), ["2.000635"])

    def test_code_and_field_name_are_searched(self):
        self.assertEqual(self.codes("2.000635"), ["2.000635"])
        self.assertEqual(self.codes("chung thuc"), ["2.000815"])
        self.assertEqual(self.codes("ho tich ban sao"), ["2.000635"])

    def test_like_wildcards_are_literal(self):
        self.assertEqual(self.codes("%"), self.codes(""))
        self.assertEqual(self.codes("_"), [])
        self.assertEqual(self.codes("2_000635"), [])

    def test_filters(self):
        self.assertEqual(self.codes("", field="certification"), ["2.000815"])
        self.assertEqual(self.codes("ban sao", level="commune"), ["2.000635"])
        self.assertEqual(self.codes("", level="ministry"), [])

    def test_empty_query_lists_every_procedure_in_force_by_folded_name(self):
        self.assertEqual(self.codes(""), ["2.000635", "2.000815", "1.000894", "1.001193"])

    def test_only_versions_in_force_are_found(self):
        self.assertNotIn("9.000001", self.codes("luu dong"))
        self.assertEqual(self.codes("luu dong", on=date(2027, 1, 1)), ["9.000001"])

    def test_a_new_version_replaces_the_old_name_from_its_date(self):
        procedure = services.procedure_create(
            actor=ACTOR,
            code="9.000002",
            effective_from=date(2025, 1, 1),
            content=content(name="Tên cũ"),
        )
        services.procedure_version_create(
            actor=ACTOR,
            procedure=procedure,
            effective_from=date(2026, 6, 1),
            content=content(name="Tên mới"),
        )
        self.assertEqual(self.codes("ten cu"), ["9.000002"])
        self.assertEqual(self.codes("ten moi"), [])
        self.assertEqual(self.codes("ten moi", on=date(2026, 6, 1)), ["9.000002"])
        self.assertEqual(self.codes("ten cu", on=date(2026, 6, 1)), [])


@skipUnless(connection.vendor == "postgresql", "PostgreSQL only")
class TrigramIndexTests(TestCase):
    def test_search_text_has_a_trigram_index(self):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE tablename = 'catalog_procedureversion' "
                "AND indexname = 'catalog_version_search_trgm'"
            )
            row = cursor.fetchone()
        self.assertEqual(len(row or ()), 1)
        self.assertIn("USING gin (search_text gin_trgm_ops)", row[0])
