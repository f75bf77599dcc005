"""Staff forms: the sign-in's own messages, dates as dd/mm/yyyy, error summaries."""

from __future__ import annotations

import re
from datetime import date

from django import forms
from django.contrib.auth import get_user_model
from django.template import Context, Template
from django.test import SimpleTestCase, TestCase
from django.utils import translation

from motcua.core.forms import DayField
from motcua.core.templatetags.form_errors import form_problems


class DayFieldTests(SimpleTestCase):
    def test_reads_day_month_year_whatever_the_browser(self):
        field = DayField()
        for typed, expected in [
            ("05/03/2026", date(2026, 3, 5)),
            ("5/3/2026", date(2026, 3, 5)),
            (" 31/12/2025 ", date(2025, 12, 31)),
            ("2026-03-05", date(2026, 3, 5)),  # a bookmarked link in the ISO form
        ]:
            with self.subTest(typed=typed):
                self.assertEqual(field.clean(typed), expected)

    def test_a_wrong_form_or_an_impossible_day_is_explained_in_vietnamese(self):
        field = DayField()
        with translation.override("vi"):
            for typed, message in [
                ("03/05", "Nhập ngày theo dạng ngày/tháng/năm, ví dụ 05/03/2026."),
                ("March 5, 2026", "Nhập ngày theo dạng ngày/tháng/năm, ví dụ 05/03/2026."),
                ("31/02/2026", "Không có ngày 31/02/2026 trên lịch."),
                ("05/13/2026", "Không có ngày 05/13/2026 trên lịch."),
            ]:
                with self.subTest(typed=typed), self.assertRaises(forms.ValidationError) as caught:
                    field.clean(typed)
                self.assertEqual(caught.exception.messages, [message])

    def test_shown_as_dd_mm_yyyy_in_a_text_box_not_a_date_input(self):
        class Form(forms.Form):
            day = DayField()

        html = str(Form(initial={"day": date(2026, 3, 5)})["day"])
        self.assertIn('value="05/03/2026"', html)
        self.assertIn('type="text"', html)
        self.assertNotIn('type="date"', html)
        self.assertIn('placeholder="dd/mm/yyyy"', html)


class ErrorSummaryTests(SimpleTestCase):
    class Form(forms.Form):
        name = forms.CharField()
        kind = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)
        day = DayField()

        def clean(self):
            raise forms.ValidationError("The whole form is wrong.")

    def test_lists_every_problem_with_a_link_to_its_field(self):
        form = self.Form({"name": "", "day": "x"})
        problems = form_problems(form, None)
        self.assertEqual(
            (problems[0].anchor, problems[0].message), ("", "The whole form is wrong.")
        )
        self.assertEqual([p.anchor for p in problems[1:]], ["id_name", "id_kind_0", "id_day"])
        with translation.override("en"):
            html = Template(
                "{% load form_errors %}<title>{% error_title form %}Page</title>"
                "{% error_summary form %}"
            ).render(Context({"form": form}))
        with translation.override("vi"):
            html_vi = Template(
                "{% load form_errors %}<title>{% error_title form %}Trang</title>"
            ).render(Context({"form": form}))
        self.assertIn("<title>Error: Page</title>", html)
        self.assertIn("<title>Lỗi: Trang</title>", html_vi)
        self.assertIn('role="alert" tabindex="-1"', html)
        self.assertEqual(re.findall(r'href="#([^"]+)"', html), ["id_name", "id_kind_0", "id_day"])

    def test_nothing_without_errors(self):
        html = Template("{% load form_errors %}[{% error_title form %}]{% error_summary form %}")
        self.assertEqual(html.render(Context({"form": self.Form()})).strip(), "[]")


class SignInTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        get_user_model().objects.create_user("tiepnhan", password="dung-mat-khau")

    def test_a_wrong_password_is_explained_plainly_with_a_summary(self):
        response = self.client.post(
            "/dang-nhap/", {"username": "tiepnhan", "password": "sai-mat-khau"}
        )
        self.assertEqual(response.status_code, 200)
        content = response.content.decode()
        self.assertIn("<title>Lỗi: Cán bộ đăng nhập", content)
        self.assertIn(
            "Tên đăng nhập hoặc mật khẩu không đúng. Mật khẩu phân biệt chữ hoa và chữ thường",
            content,
        )
        self.assertNotIn("khung thông tin", content)  # Django's own wording
        self.assertIn('id="error-summary"', content)

    def test_empty_fields_are_each_named_and_linked(self):
        response = self.client.post("/dang-nhap/", {"username": "", "password": ""})
        content = response.content.decode()
        self.assertIn('<a href="#id_username">Nhập tên đăng nhập.</a>', content)
        self.assertIn('<a href="#id_password">Nhập mật khẩu.</a>', content)
