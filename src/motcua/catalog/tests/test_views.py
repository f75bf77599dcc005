from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.test import TestCase

from motcua.catalog import services
from motcua.catalog.content import DocumentSpec, StepSpec
from motcua.catalog.tests.factories import ACTOR, content, make_field, make_procedure
from motcua.core import clock

VN = ZoneInfo("Asia/Ho_Chi_Minh")


class ProcedureListTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        make_procedure("1.001193", name="Đăng ký khai sinh", is_illustrative=True)
        make_procedure("1.000894", name="Đăng ký kết hôn")
        make_field("certification", "Chứng thực")
        make_procedure(
            "2.000815",
            name="Chứng thực bản sao từ bản chính",
            field_code="certification",
            competent_level="province",
        )

    def setUp(self):
        self.enterContext(clock.frozen(datetime(2026, 3, 2, 9, 0, tzinfo=VN)))

    def test_lists_every_procedure_in_force_with_the_search_box(self):
        with self.assertNumQueries(3):
            response = self.client.get("/thu-tuc/")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, '<html lang="vi">')
        self.assertContains(response, 'name="q"')
        self.assertContains(response, "Tìm thấy 3 thủ tục")
        self.assertContains(response, 'href="/thu-tuc/1.001193/"')
        self.assertContains(response, "3 ngày làm việc")
        self.assertContains(response, "Minh họa")
        self.assertContains(response, "/static/catalog/catalog.css")

    def test_search_without_accents(self):
        for query in ("dang ky khai sinh", "KHAI SINH đăng ký", "Đăng ký khai sinh"):
            with self.subTest(query=query):
                response = self.client.get("/thu-tuc/", {"q": query})
                self.assertContains(response, "Tìm thấy 1 thủ tục")
                self.assertContains(response, "Đăng ký khai sinh")
                self.assertNotContains(response, "Đăng ký kết hôn")

    def test_no_result_suggests_fewer_words_or_no_accents(self):
        response = self.client.get("/thu-tuc/", {"q": "khai sinh kết hôn"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Không tìm thấy thủ tục nào phù hợp với “khai sinh kết hôn”.")
        self.assertContains(
            response, "Hãy thử gõ không dấu (ví dụ “khai sinh”), bớt từ, hoặc chọn lĩnh vực khác."
        )
        self.assertContains(response, "Xem tất cả thủ tục")

    def test_the_query_is_escaped(self):
        response = self.client.get("/thu-tuc/", {"q": "<script>x</script>"})
        self.assertNotContains(response, "<script>x</script>")
        self.assertContains(response, "&lt;script&gt;x&lt;/script&gt;")

    def test_filters_by_field_and_level(self):
        response = self.client.get("/thu-tuc/", {"field": "certification"})
        self.assertContains(response, "Tìm thấy 1 thủ tục")
        self.assertContains(response, "Chứng thực bản sao từ bản chính")
        response = self.client.get("/thu-tuc/", {"level": "commune"})
        self.assertContains(response, "Tìm thấy 2 thủ tục")
        self.assertContains(response, '<option value="commune" selected>Cấp xã</option>', html=True)

    def test_an_unknown_filter_value_is_ignored(self):
        response = self.client.get("/thu-tuc/", {"level": "district", "field": "nope"})
        self.assertContains(response, "Tìm thấy 3 thủ tục")

    def test_pagination_keeps_the_query_and_pins_the_query_count(self):
        for i in range(25):
            make_procedure(f"9.0001{i:02d}", name=f"Thủ tục mẫu {i:02d}")
        with self.assertNumQueries(3):
            response = self.client.get("/thu-tuc/", {"q": "thu tuc mau"})
        self.assertContains(response, "Tìm thấy 25 thủ tục")
        self.assertContains(response, "trang 1/2")
        self.assertContains(response, 'href="?q=thu+tuc+mau&amp;page=2"')
        with self.assertNumQueries(3):
            response = self.client.get("/thu-tuc/", {"q": "thu tuc mau", "page": "2"})
        self.assertContains(response, "Thủ tục mẫu 24")
        self.assertNotContains(response, "Thủ tục mẫu 00")
        self.assertContains(response, "trang 2/2")
        response = self.client.get("/thu-tuc/", {"q": "thu tuc mau", "page": "abc"})
        self.assertContains(response, "Thủ tục mẫu 00")


class ProcedureDetailTests(TestCase):
    def setUp(self):
        self.enterContext(clock.frozen(datetime(2026, 3, 2, 9, 0, tzinfo=VN)))
        self.procedure = make_procedure("1.001193", name="Đăng ký khai sinh", is_illustrative=True)

    def test_shows_the_version_in_force_today(self):
        with self.assertNumQueries(7):  # + the forms, the listed desks and the offices
            response = self.client.get("/thu-tuc/1.001193/")
        self.assertEqual(response.status_code, 200)
        for text in (
            "<h1>Đăng ký khai sinh</h1>",
            "1.001193",
            "Hộ tịch",
            "Cấp xã",
            "Ủy ban nhân dân cấp xã",
            "3 ngày làm việc",
            "Toàn trình (trước đây mức độ 4)",
            "Bản giấy và bản điện tử",
            "Tạm dừng tính thời gian trong khi chờ bổ sung hồ sơ",
            "01/07/2025",
            "Tờ khai đăng ký khai sinh",
            "Bản chính",
            "50.000 đồng",
            "Tiếp nhận",
            "0,5 ngày làm việc",
            "4 giờ làm việc",
            "Chuyên viên thụ lý",
            "Luật Hộ tịch 2014",
            "Nội dung minh họa",
        ):
            with self.subTest(text=text):
                self.assertContains(response, text)

    def test_free_procedure_and_same_day(self):
        services.procedure_version_create(
            actor=ACTOR,
            procedure=self.procedure,
            effective_from=date(2026, 3, 2),
            content=content(
                time_limit_amount=0,
                time_limit_unit="same_day",
                fees=(),
                online_level="partial",
                steps=(
                    StepSpec(
                        order=1,
                        name="Làm ngay",
                        role_code="case_handler",
                        budget_amount=Decimal("8"),
                        budget_unit="working_hours",
                    ),
                ),
            ),
        )
        response = self.client.get("/thu-tuc/1.001193/")
        self.assertContains(response, "Trong ngày")
        self.assertContains(response, "<strong>Miễn phí</strong>", html=True)
        self.assertContains(response, "Một phần (trước đây mức độ 3)")
        self.assertNotContains(response, "50.000 đồng")

    def test_announces_the_next_version(self):
        services.procedure_version_create(
            actor=ACTOR,
            procedure=self.procedure,
            effective_from=date(2026, 4, 1),
            content=content(time_limit_amount=5),
        )
        with self.assertNumQueries(8):  # + the forms, the listed desks and the offices
            response = self.client.get("/thu-tuc/1.001193/")
        self.assertContains(response, "3 ngày làm việc")
        self.assertContains(response, "Thủ tục này có phiên bản mới, áp dụng từ ngày 01/04/2026.")

    def test_query_count_does_not_grow_with_the_lines(self):
        documents = tuple(
            DocumentSpec(order=i, name=f"Giấy tờ {i}", form="copy") for i in range(1, 21)
        )
        services.procedure_version_create(
            actor=ACTOR,
            procedure=self.procedure,
            effective_from=date(2026, 3, 2),
            content=content(documents=documents),
        )
        with self.assertNumQueries(7):  # + the forms, the listed desks and the offices
            response = self.client.get("/thu-tuc/1.001193/")
        self.assertContains(response, "Giấy tờ 20")

    def test_unknown_code_is_a_404_page(self):
        response = self.client.get("/thu-tuc/9.999999/")
        self.assertEqual(response.status_code, 404)
        self.assertContains(response, "Không tìm thấy thủ tục", status_code=404)
        self.assertContains(
            response, "Không có thủ tục mã “9.999999” đang có hiệu lực.", status_code=404
        )
        self.assertContains(response, 'href="/thu-tuc/"', status_code=404)

    def test_a_procedure_not_in_force_yet_is_a_404(self):
        make_procedure("2.000635", effective_from=date(2026, 5, 1))
        self.assertEqual(self.client.get("/thu-tuc/2.000635/").status_code, 404)

    def test_english_is_available(self):
        self.client.cookies["django_language"] = "en"
        response = self.client.get("/thu-tuc/1.001193/")
        self.assertContains(response, "3 working days")
        self.assertContains(response, "50,000 VND")
        self.assertContains(response, "Fully online (formerly level 4)")


class FormattingTests(TestCase):
    def test_amounts_are_grouped_the_vietnamese_way(self):
        from motcua.catalog.formatting import format_vnd

        self.assertEqual(format_vnd(50000), "50.000 đồng")
        self.assertEqual(format_vnd(1250000), "1.250.000 đồng")
        self.assertEqual(format_vnd(500), "500 đồng")
        self.assertEqual(format_vnd(0), "Miễn phí")

    def test_illustrative_flag_is_not_shown_for_real_procedures(self):
        make_procedure("2.000635", name="Cấp bản sao trích lục hộ tịch")
        response = self.client.get("/thu-tuc/2.000635/")
        self.assertNotContains(response, "Nội dung minh họa")
