"""The friendlier lookup: loose codes, a paused date that will move, the history by phone digits,
the office to contact, and the JSON twin under the same rules."""

from __future__ import annotations

from django.test import TestCase, override_settings
from django.utils.cache import get_max_age

from motcua.core import clock
from motcua.dossiers import services as s
from motcua.dossiers.tests.helpers import ACTOR, World, at
from motcua.org.services import unit_update

API = "/api/v1/public/lookup"
CODE = "H33.15-260302-0001"


def directives(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part}


class LookupTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = World()
        unit_update(
            actor=ACTOR,
            unit=cls.w.centre,
            data={
                "serves_public": True,
                "address": "Số 1 Hùng Vương, phường Ngã Bảy",
                "opening_hours": "Thứ Hai đến thứ Sáu: 7 giờ 00 – 17 giờ 00",
                "hotline": "1900 0000",
            },
        )
        with clock.frozen(at(2026, 3, 2, 9)):
            cls.dossier = cls.w.receive()  # applicant's phone: 0912 345 678
        cls.w.to_handler(cls.dossier)

    def setUp(self):
        self.enterContext(clock.frozen(at(2026, 3, 3, 9)))

    def page(self, code: str = CODE, phone: str | None = None, **meta: str):
        params = {"ma": code}
        if phone is not None:
            params["so"] = phone
        return self.client.get("/tra-cuu/", params, **meta)

    def api(self, code: str = CODE, phone: str | None = None, **meta: str):
        params = {"code": code}
        if phone is not None:
            params["phone_last4"] = phone
        return self.client.get(API, params, **meta)

    def pause(self, **kwargs):
        with clock.frozen(at(2026, 3, 2, 11)):
            return s.dossier_request_supplement(
                dossier=self.dossier,
                actor=self.w.handler,
                items=["Bản sao giấy chứng sinh"],
                reason="Giấy chứng sinh mờ, không đọc được tên người mẹ Trần Thị Bích Ngọc",
                **kwargs,
            )


class LooseCodeTests(LookupTestCase):
    def test_the_code_is_found_however_it_is_typed(self):
        for typed in (
            CODE,
            "h33.15-260302-0001",
            " H33 .15 - 260302 - 0001 ",
            "H3315-260302-0001",
            "h3315 260302 0001",
            "H33.15–260302–0001",  # en dashes from a word processor
            "H33152603020001",
        ):
            with self.subTest(typed=typed):
                page = self.page(typed)
                self.assertContains(page, f'<h2 id="result-title" class="code">{CODE}</h2>')
                self.assertEqual(self.api(typed).json()["code"], CODE)

    def test_a_code_without_dots_is_found_through_its_index(self):
        from django.db import connection

        from motcua.dossiers.public import _select

        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny test table
                cursor.execute("EXPLAIN " + _select(True), ["H3315260302001"])
            else:
                cursor.execute("EXPLAIN QUERY PLAN " + _select(True), ["H3315260302001"])
            plan = " ".join(str(row) for row in cursor.fetchall())
        self.assertIn("dossiers_code_folded_idx", plan)

    def test_a_near_miss_is_not_found_with_a_linked_error(self):
        page = self.page("H33.15-260302-0002")
        self.assertContains(page, "<title>Lỗi: Tra cứu hồ sơ · Motcua</title>", html=True)
        self.assertContains(page, '<a href="#id_ma">Không có hồ sơ nào mang mã H33.15-260302-0002.')
        self.assertContains(page, 'id="error-summary"')
        self.assertEqual(self.api("H33.15-260302-0002").status_code, 404)
        self.assertEqual(self.api("H33.15-260302-0002").json()["code"], "not_found")

    def test_an_empty_code_is_asked_for_by_the_summary(self):
        page = self.page("")
        self.assertContains(
            page, '<a href="#id_ma">Nhập mã hồ sơ in trên giấy hẹn trả kết quả.</a>'
        )
        self.assertEqual(self.api("").status_code, 422)

    def test_the_lookup_names_the_office_to_contact(self):
        page = self.page()
        self.assertContains(page, "Liên hệ nơi tiếp nhận")
        self.assertContains(page, "Số 1 Hùng Vương, phường Ngã Bảy")
        self.assertContains(page, '<a href="tel:19000000">1900 0000</a>', html=True)
        office = self.api().json()["office"]
        self.assertEqual(
            (office["name"], office["hotline"]),
            ("Trung tâm Phục vụ hành chính công phường Ngã Bảy", "1900 0000"),
        )


class PausedTests(LookupTestCase):
    def test_a_paused_dossier_says_its_date_will_move_and_why(self):
        self.pause()
        page = self.page()
        self.assertContains(page, "Ngày hẹn trả kết quả bên dưới sẽ thay đổi.")
        self.assertContains(
            page,
            "Thời hạn giải quyết đang tạm dừng vì cơ quan đang chờ người nộp hồ sơ bổ sung giấy "
            "tờ còn thiếu; ngày hẹn được lùi lại đúng bằng thời gian làm việc hồ sơ phải chờ, "
            "tính khi cơ quan tiếp tục giải quyết.",
        )
        self.assertContains(page, "Nếu đến 17:00 23/03/2026 không nhận được bổ sung")
        self.assertContains(page, "(sẽ thay đổi)")
        # The officer's reason names the applicant: it is never shown.
        self.assertNotContains(page, "Giấy chứng sinh mờ")
        self.assertNotContains(page, "Trần Thị")
        body = self.api().json()
        self.assertIs(body["date_will_move"], True)
        self.assertEqual(
            {k: body["pause"][k] for k in ("kind", "policy", "respond_by")},
            {"kind": "supplement", "policy": "pause", "respond_by": "2026-03-23T17:00:00+07:00"},
        )
        self.assertNotIn("Giấy chứng sinh mờ", str(body))

    def test_a_restarting_procedure_says_the_time_limit_starts_again(self):
        with clock.frozen(at(2026, 3, 2, 9)):
            dossier = self.w.receive(self.w.restart_version)
        self.w.to_handler(dossier)
        with clock.frozen(at(2026, 3, 2, 11)):
            s.dossier_request_supplement(
                dossier=dossier, actor=self.w.handler, items=["A"], reason="r"
            )
        page = self.page(dossier.code)
        self.assertContains(page, "thời hạn giải quyết được tính lại từ đầu và có ngày hẹn mới")

    def test_a_running_dossier_says_nothing_about_moving(self):
        self.assertNotContains(self.page(), "sẽ thay đổi")
        self.assertIs(self.api().json()["date_will_move"], False)
        self.assertIsNone(self.api().json()["pause"])


class PhoneDigitsTests(LookupTestCase):
    def test_the_right_digits_show_the_history_and_nothing_personal(self):
        self.pause()
        page = self.page(phone="5678")
        self.assertContains(page, "Quá trình giải quyết hồ sơ")
        self.assertContains(page, "09:00 02/03/2026</time>Tiếp nhận tại quầy")
        self.assertContains(page, "11:00 02/03/2026</time>Yêu cầu bổ sung hồ sơ")
        for secret in (
            "Trần",
            "Ngọc",
            "092190001234",
            "0912",
            "Tiepnhan",
            "Thuly",
            "Giấy chứng sinh",
        ):
            self.assertNotContains(page, secret)
        self.assertLessEqual({"private", "no-store"}, directives(page))
        body = self.api(phone="5678").json()
        self.assertEqual(
            [e["action"] for e in body["timeline"]],
            ["receive", "hand_over", "request_supplement"],
        )
        self.assertEqual(body["timeline"][0]["at"], "2026-03-02T09:00:00+07:00")

    def test_wrong_or_malformed_digits_show_only_the_status(self):
        for digits, message in (
            ("1234", "4 số này không khớp với số điện thoại đã khai trong hồ sơ."),
            ("12a4", "Nhập đúng 4 chữ số"),
            ("123", "Nhập đúng 4 chữ số"),
        ):
            with self.subTest(digits=digits):
                page = self.page(phone=digits)
                self.assertContains(page, f'<a href="#id_so">{message}')
                self.assertContains(page, "<title>Lỗi: Tra cứu hồ sơ · Motcua</title>", html=True)
                self.assertContains(page, "Đang giải quyết")  # the status is still shown
                self.assertNotContains(page, "Quá trình giải quyết hồ sơ")
        self.assertEqual(self.api(phone="1234").status_code, 403)
        self.assertEqual(self.api(phone="1234").json()["code"], "phone_mismatch")
        self.assertEqual(self.api(phone="12a4").status_code, 422)

    @override_settings(MOTCUA_LOOKUP_PHONE_FAILURES_PER_DOSSIER=3)
    def test_wrong_tries_from_many_addresses_lock_the_dossier(self):
        for n in range(3):
            self.page(phone=f"000{n}", REMOTE_ADDR=f"198.51.100.{n}")
        locked = self.page(phone="5678", REMOTE_ADDR="203.0.113.50")
        self.assertContains(locked, "Đã nhập sai quá nhiều lần cho hồ sơ này")
        self.assertNotContains(locked, "Quá trình giải quyết hồ sơ")
        api = self.api(phone="5678", REMOTE_ADDR="203.0.113.51")
        self.assertEqual((api.status_code, api.json()["code"]), (403, "phone_locked"))
        # Without digits the status is still there for everyone.
        self.assertEqual(self.api(REMOTE_ADDR="203.0.113.52").status_code, 200)

    @override_settings(MOTCUA_LOOKUP_PHONE_TRIES_PER_HOUR=2)
    def test_tries_are_limited_per_client(self):
        statuses = [self.page(phone="5678").status_code for _ in range(3)]
        self.assertEqual(statuses, [200, 200, 429])
        self.assertContains(
            self.page(phone="5678"), "Đã thử số điện thoại quá nhiều lần", status_code=429
        )
        self.assertEqual(self.page(phone="5678", REMOTE_ADDR="198.51.100.9").status_code, 200)


class JsonTwinTests(LookupTestCase):
    def test_the_answer_without_history_is_cacheable(self):
        response = self.api()
        self.assertEqual(response.status_code, 200)
        self.assertEqual(get_max_age(response), 60)
        self.assertIn("public", directives(response))
        self.assertIn("Accept-Language", response["Vary"])
        body = response.json()
        self.assertEqual(
            {k: body[k] for k in ("code", "procedure_code", "status", "due_at", "timeline")},
            {
                "code": CODE,
                "procedure_code": "1.001193",
                "status": "in_progress",
                "due_at": "2026-03-05T17:00:00+07:00",
                "timeline": None,
            },
        )
        for secret in ("Trần", "092190001234", "0912", "ngoc.tran"):
            self.assertNotIn(secret, response.content.decode())

    def test_the_answer_with_history_is_private(self):
        response = self.api(phone="5678")
        self.assertLessEqual({"private", "no-store"}, directives(response))
        self.assertIsNone(get_max_age(response))

    @override_settings(MOTCUA_LOOKUP_PER_MINUTE=2)
    def test_the_same_limit_as_the_page(self):
        """The page and the API share one allowance per client."""
        self.page()
        self.api()
        response = self.api()
        self.assertEqual(
            (response.status_code, response.json()["code"]), (429, "too_many_requests")
        )

    @override_settings(MOTCUA_LOOKUP_PER_MINUTE=0)
    def test_zero_switches_the_limit_and_its_counting_off(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            statuses = {self.api().status_code for _ in range(40)}
        self.assertEqual(statuses, {200})
        self.assertFalse([q for q in queries if "motcua_cache" in q["sql"]])

    def test_the_operation_is_documented_with_its_errors(self):
        document = self.client.get("/api/v1/openapi.json").json()
        operation = document["paths"]["/api/v1/public/lookup"]["get"]
        self.assertEqual(sorted(operation["responses"]), ["200", "403", "404", "422", "429"])
        self.assertNotIn("security", operation)
        names = [p["name"] for p in operation["parameters"]]
        self.assertEqual(names, ["code", "phone_last4"])
