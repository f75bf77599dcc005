"""The citizen's pages, the organiser's pages and the API, through the test client."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext

from motcua.core import clock
from motcua.core.models import AuditEvent
from motcua.quizzes.models import Attempt, AttemptStatus, Question, Round
from motcua.quizzes.tests.helpers import World, at, bank_file, question_row

NOW = at(2026, 12, 7, 9)
LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@override_settings(CACHES=LOCMEM)
class CitizenPageTests(TestCase):
    def setUp(self) -> None:
        self.frozen = clock.frozen(NOW)
        self.frozen.__enter__()
        self.addCleanup(self.frozen.__exit__, None, None, None)
        self.world = World()
        self.round = self.world.round(question_count=3)
        from django.core.cache import cache

        cache.clear()

    def start(self, phone: str = "0912345678") -> Attempt:
        response = self.client.post(
            f"/thi-truc-tuyen/tuan/{self.round.pk}/",
            {"name": "Nguyễn Thị Mai", "phone": phone, "unit": self.world.commune_b.pk},
        )
        self.assertEqual(response.status_code, 302)
        return Attempt.objects.get(phone=phone)

    def test_start_answer_resume_submit_and_result(self) -> None:
        attempt = self.start()
        url = f"/thi-truc-tuyen/bai/{attempt.token}/"
        page = self.client.get(url)
        # Every question on one page, with the prediction and the script that saves as you go.
        self.assertContains(page, 'id="quiz-attempt"')
        for position in range(3):
            self.assertContains(page, f'name="c{position}"', count=4)
        self.assertContains(page, 'name="prediction"')
        self.assertContains(page, "quizzes/attempt.js")
        self.assertNotContains(page, "correct")
        right = {p: self.world.correct_choice(attempt, p) for p in range(3)}
        saved = self.client.post(f"{url}luu/", {"c0": right[0]})
        self.assertEqual(saved.json(), {"questions": 3, "answered": 1})
        # A new page (after a dropped connection) shows the answer saved, and the round's
        # page offers to continue.
        resumed = self.client.get(url)
        self.assertContains(resumed, f'name="c0" value="{right[0]}" checked')
        round_page = self.client.get(f"/thi-truc-tuyen/tuan/{self.round.pk}/")
        self.assertContains(round_page, 'id="quiz-resume"')
        with clock.frozen(NOW + timedelta(minutes=2)):
            done = self.client.post(
                url, {"action": "submit", "c1": right[1], "c2": right[2], "prediction": 7}
            )
        self.assertRedirects(done, f"{url}ket-qua/", fetch_redirect_response=False)
        result = self.client.get(f"{url}ket-qua/")
        self.assertContains(result, "Đúng 3 trên 3 câu, trong 120,0 giây.")
        self.assertContains(result, 'id="quiz-wait"')
        # Once submitted, the attempt's page and a late background save say so.
        self.assertRedirects(self.client.get(url), f"{url}ket-qua/", fetch_redirect_response=False)
        late = self.client.post(f"{url}luu/", {"c0": 0})
        self.assertEqual((late.status_code, late.json()["code"]), (409, "submitted"))
        with clock.frozen(self.round.closes_at + timedelta(minutes=1)):
            closed = self.client.get(f"{url}ket-qua/")
            self.assertContains(closed, "Thứ hạng của bạn trong tuần thi: 1.")
            results = self.client.get(f"/thi-truc-tuyen/tuan/{self.round.pk}/")
            self.assertContains(results, "Nguyễn Thị Mai (091****678)")

    def test_a_submission_without_prediction_keeps_the_answers_and_says_what_is_missing(
        self,
    ) -> None:
        attempt = self.start()
        url = f"/thi-truc-tuyen/bai/{attempt.token}/"
        response = self.client.post(url, {"action": "submit", "c0": 2, "c1": 1})
        self.assertContains(response, 'id="error-summary"', status_code=400)
        self.assertContains(response, "<title>Lỗi: ", status_code=400)
        self.assertContains(response, 'href="#id_prediction"', status_code=400)
        self.assertContains(response, "Các câu trả lời đã được lưu", status_code=400)
        self.assertContains(response, 'name="c0" value="2" checked', status_code=400)
        attempt.refresh_from_db()
        self.assertEqual(attempt.status, AttemptStatus.IN_PROGRESS)
        self.assertEqual(attempt.answers, {"0": 2, "1": 1})

    def test_after_the_time_limit_submitting_without_a_prediction_ends_the_attempt(self) -> None:
        attempt = self.start()
        url = f"/thi-truc-tuyen/bai/{attempt.token}/"
        self.client.post(f"{url}luu/", {"c0": 1})
        with clock.frozen(NOW + timedelta(hours=1)):
            page = self.client.get(url)
            self.assertContains(page, 'id="quiz-time-up"')
            response = self.client.post(url, {"action": "submit", "c1": 2})
        self.assertRedirects(response, f"{url}ket-qua/", fetch_redirect_response=False)
        attempt.refresh_from_db()
        self.assertEqual(attempt.status, AttemptStatus.SUBMITTED)
        # Only the answer saved in time counts; the late one is not kept.
        self.assertEqual(attempt.answers, {"0": 1})

    def test_the_save_button_works_without_javascript(self) -> None:
        attempt = self.start()
        url = f"/thi-truc-tuyen/bai/{attempt.token}/"
        response = self.client.post(url, {"action": "save", "c2": 3})
        self.assertRedirects(response, f"{url}?da-luu=1", fetch_redirect_response=False)
        self.assertContains(self.client.get(f"{url}?da-luu=1"), 'id="quiz-saved"')
        attempt.refresh_from_db()
        self.assertEqual(attempt.answers, {"2": 3})

    def test_background_saves_answer_in_json_with_the_reason_of_a_refusal(self) -> None:
        attempt = self.start()
        url = f"/thi-truc-tuyen/bai/{attempt.token}/luu/"
        cases = [
            ({"c7": 0}, 400, "invalid", "không thuộc lượt thi"),
            ({"c0": "x"}, 400, "choice_required", "Hãy chọn"),
            ({}, 400, "choice_required", "Hãy chọn"),
        ]
        for data, status, code, message in cases:
            with self.subTest(data=data):
                response = self.client.post(url, data)
                self.assertEqual(response.status_code, status)
                self.assertEqual(response.json()["code"], code)
                self.assertIn(message, response.json()["message"])
        self.assertEqual(
            self.client.post("/thi-truc-tuyen/bai/nope/luu/", {"c0": 0}).status_code, 404
        )
        self.assertEqual(self.client.get(url).status_code, 405)
        with clock.frozen(NOW + timedelta(hours=1)):
            late = self.client.post(url, {"c0": 0})
        self.assertEqual((late.status_code, late.json()["code"]), (410, "time_up"))
        attempt.refresh_from_db()
        self.assertEqual(attempt.answers, {})

    @override_settings(MOTCUA_QUIZ_POSTS_PER_ADDRESS_PER_MINUTE=2)
    def test_background_saves_are_limited_per_address(self) -> None:
        attempt = self.start()
        url = f"/thi-truc-tuyen/bai/{attempt.token}/luu/"
        statuses = [self.client.post(url, {"c0": 1}).status_code for _ in range(3)]
        self.assertEqual(statuses, [200, 200, 429])

    def test_the_answer_key_is_not_in_any_page_before_submission(self) -> None:
        attempt = self.start()
        html = self.client.get(f"/thi-truc-tuyen/bai/{attempt.token}/").content.decode()
        for position in range(3):
            question_id, order = attempt.layout[position]
            question = Question.objects.get(pk=question_id)
            # Options appear in the shuffled order, with values that are positions only.
            fieldset = html.split('class="quiz-question"')[position + 1]
            shown = [fieldset.index(f"> {question.options[i]}</label>") for i in order]
            self.assertEqual(shown, sorted(shown))
        self.assertNotIn("correct_index", html)
        self.assertNotIn("data-correct", html)

    def test_the_round_page_follows_a_changed_round_and_the_visitors_language(self) -> None:
        url = f"/thi-truc-tuyen/tuan/{self.round.pk}/"
        self.assertContains(self.client.get(url), "Họ và tên")
        self.round.title = "Tuần thi thứ hai"
        self.round.save()
        page = self.client.get(url)
        self.assertContains(page, "Tuần thi thứ hai")
        from django.conf import settings

        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        english = self.client.get(url)
        self.assertContains(english, "Full name")
        self.assertNotContains(english, "Họ và tên")
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
        self.assertContains(self.client.get(url), "Họ và tên")

    def test_question_texts_are_escaped(self) -> None:
        Question.objects.filter(quiz=self.world.quiz).update(
            text="<script>alert(1)</script> & câu hỏi", options=["<b>A</b>", "B", "C", "D"]
        )
        from motcua.quizzes.hotpath import forget

        forget()  # a bulk update sends no signal
        attempt = self.start()
        page = self.client.get(f"/thi-truc-tuyen/bai/{attempt.token}/")
        self.assertNotContains(page, "<script>alert(1)")
        self.assertContains(page, "&lt;script&gt;alert(1)&lt;/script&gt; &amp; câu hỏi", count=3)
        self.assertContains(page, "&lt;b&gt;A&lt;/b&gt;</label>", count=3)

    def test_a_bad_start_shows_the_error_summary_and_writes_nothing(self) -> None:
        response = self.client.post(
            f"/thi-truc-tuyen/tuan/{self.round.pk}/", {"name": "Mai", "phone": "123"}
        )
        self.assertContains(response, "error-summary", status_code=400)
        self.assertContains(response, "10 chữ số", status_code=400)
        self.assertEqual(Attempt.objects.count(), 0)

    @override_settings(MOTCUA_QUIZ_STARTS_PER_PHONE_PER_HOUR=1)
    def test_starts_are_limited_per_phone(self) -> None:
        self.start()
        response = self.client.post(
            f"/thi-truc-tuyen/tuan/{self.round.pk}/",
            {"name": "Nguyễn Thị Mai", "phone": "0912345678"},
        )
        self.assertEqual(response.status_code, 429)
        self.assertEqual(Attempt.objects.count(), 1)

    @override_settings(MOTCUA_QUIZ_STARTS_PER_ADDRESS_PER_HOUR=2)
    def test_starts_are_limited_per_address(self) -> None:
        self.start("0911000001")
        self.start("0911000002")
        response = self.client.post(
            f"/thi-truc-tuyen/tuan/{self.round.pk}/", {"name": "Lê Văn", "phone": "0911000003"}
        )
        self.assertEqual(response.status_code, 429)

    def test_the_hot_path_query_counts(self) -> None:
        """Start, answer and submit each take a small fixed number of queries."""
        url = f"/thi-truc-tuyen/tuan/{self.round.pk}/"
        data = {"name": "Nguyễn Thị Mai", "phone": "0912345678"}
        with CaptureQueriesContext(connection) as start:
            self.client.post(url, data)
        attempt = Attempt.objects.get()
        with CaptureQueriesContext(connection) as answer:
            self.client.post(f"/thi-truc-tuyen/bai/{attempt.token}/luu/", {"c0": 1, "c1": 2})
        with CaptureQueriesContext(connection) as submit:
            self.client.post(
                f"/thi-truc-tuyen/bai/{attempt.token}/",
                {"action": "submit", "c2": 0, "prediction": 3},
            )
        self.assertEqual(Attempt.objects.get().status, AttemptStatus.SUBMITTED)
        # start: round, participant (select, savepoint, insert, release), questions,
        # count, savepoint, insert, release (+ the test's own transaction savepoints).
        self.assertLessEqual(len(start), 12, [q["sql"] for q in start.captured_queries])
        self.assertLessEqual(len(answer), 6, [q["sql"] for q in answer.captured_queries])
        self.assertLessEqual(len(submit), 8, [q["sql"] for q in submit.captured_queries])

    def test_the_ranking_api_is_403_until_the_round_closes(self) -> None:
        self.start()
        self.assertEqual(self.client.get("/api/v1/contests/rounds/999999/ranking").status_code, 404)
        early = self.client.get(f"/api/v1/contests/rounds/{self.round.pk}/ranking")
        self.assertEqual(early.status_code, 403)
        listed = self.client.get("/api/v1/contests/rounds").json()
        self.assertEqual([(r["id"], r["status"]) for r in listed], [(self.round.pk, "open")])
        with clock.frozen(self.round.closes_at + timedelta(hours=1)):
            body = self.client.get(f"/api/v1/contests/rounds/{self.round.pk}/ranking").json()
        # The attempt never submitted is finalised at its deadline, without a prediction.
        self.assertEqual(body["participants"], 1)
        row = body["rows"][0]
        self.assertEqual(row["display_name"], "Nguyễn Thị Mai (091****678)")
        self.assertEqual((row["rank"], row["correct"], row["prediction"]), (1, 0, None))
        self.assertEqual(row["duration_seconds"], 600.0)


@override_settings(CACHES=LOCMEM)
class OrganiserPageTests(TestCase):
    def setUp(self) -> None:
        self.frozen = clock.frozen(NOW)
        self.frozen.__enter__()
        self.addCleanup(self.frozen.__exit__, None, None, None)
        self.world = World()
        self.round = self.world.round(question_count=3)

    def test_an_outsider_is_refused(self) -> None:
        self.client.force_login(self.world.outsider)
        self.assertEqual(self.client.get("/to-chuc-thi/").status_code, 403)
        self.assertEqual(self.client.get(f"/to-chuc-thi/tuan/{self.round.pk}/").status_code, 403)

    def test_import_errors_are_listed_in_a_table(self) -> None:
        self.client.force_login(self.world.officer)
        bad = question_row(50, "F")
        response = self.client.post(
            f"/to-chuc-thi/cuoc-thi/{self.world.quiz.pk}/",
            {"action": "import", "file": _upload(bank_file([bad, question_row(51)]))},
        )
        self.assertContains(response, 'id="import-errors"', status_code=400)
        self.assertContains(
            response, "Đáp án đúng F trỏ tới một phương án để trống.", status_code=400
        )
        self.assertEqual(Question.objects.count(), 12)

    def test_round_page_statistics_and_disqualification(self) -> None:
        from motcua.quizzes.services import Entrant, attempt_start, attempt_submit

        attempt = attempt_start(
            round_id=self.round.pk, entrant=Entrant(name="Bot", phone="0999999999")
        )
        with clock.frozen(NOW + timedelta(seconds=1)):
            attempt_submit(token=attempt.token, prediction=1)
        self.client.force_login(self.world.officer)
        page = self.client.get(f"/to-chuc-thi/tuan/{self.round.pk}/")
        self.assertContains(page, 'id="chart-scores-chart"')
        self.assertContains(page, 'id="chart-scores-table"')
        self.assertContains(page, '<th scope="row">—</th><td>1</td>')  # no unit, one attempt
        self.assertContains(page, "Trả lời 3 câu trong 1,0 giây.")
        response = self.client.post(
            f"/to-chuc-thi/luot-thi/{attempt.pk}/loai/", {"reason": "Làm bài quá nhanh"}
        )
        self.assertEqual(response.status_code, 302)
        attempt.refresh_from_db()
        self.assertEqual(attempt.status, AttemptStatus.DISQUALIFIED)
        self.assertEqual(AuditEvent.objects.filter(action="quizzes.disqualify").count(), 1)


def _upload(data: bytes) -> object:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("bank.xlsx", data)


@override_settings(CACHES=LOCMEM)
class CachedLayoutTests(TestCase):
    """An anonymous visitor's pages, joined with the layout cached once, are the full render."""

    def setUp(self) -> None:
        self.frozen = clock.frozen(NOW)
        self.frozen.__enter__()
        self.addCleanup(self.frozen.__exit__, None, None, None)
        self.world = World()
        self.round = self.world.round(question_count=3)

    def both(self, method: str, url: str, data: dict[str, object] | None = None) -> list[str]:
        from motcua.portal.tests.test_layout import same_bytes

        pages = []
        for debug in (False, True):  # DEBUG: the ordinary render
            with override_settings(DEBUG=debug):
                response = getattr(self.client, method)(url, data or {})
            pages.append((response.status_code, same_bytes(response.content)))
        self.assertEqual(pages[0], pages[1], url)
        return [html for _status, html in pages]

    def test_the_round_attempt_and_result_pages_are_the_same(self) -> None:
        from django.conf import settings

        round_url = f"/thi-truc-tuyen/tuan/{self.round.pk}/"
        self.both("get", round_url)
        self.both("post", round_url, {"name": "", "phone": "12"})  # the error summary
        response = self.client.post(
            round_url, {"name": "Nguyễn Thị Mai", "phone": "0912345678", "unit": ""}
        )
        attempt = Attempt.objects.get()
        url = f"/thi-truc-tuyen/bai/{attempt.token}/"
        self.assertRedirects(response, url, fetch_redirect_response=False)
        self.both("get", round_url)  # with the attempt to continue
        self.client.post(f"{url}luu/", {"c0": 1})
        html = self.both("get", url)[0]
        self.assertIn('name="c0" value="1" checked', html)
        self.both("get", f"{url}?da-luu=1")
        self.both("post", url, {"action": "submit", "c1": 2})  # no prediction
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        self.both("get", url)
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
        self.client.post(url, {"action": "submit", "prediction": 4})
        self.both("get", f"{url}ket-qua/")

    def test_the_forms_of_a_cached_page_carry_a_valid_token(self) -> None:
        import re

        client = self.client_class(enforce_csrf_checks=True)
        round_url = f"/thi-truc-tuyen/tuan/{self.round.pk}/"
        page = client.get(round_url)
        token = re.search(
            r'id="quiz-start"><input type="hidden" name="csrfmiddlewaretoken" '
            r'value="([^"]+)"',
            page.content.decode(),
        )
        self.assertIsNotNone(token)
        started = client.post(
            round_url,
            {"csrfmiddlewaretoken": token.group(1), "name": "Lê Văn Hùng", "phone": "0912000222"},
        )
        self.assertEqual(started.status_code, 302)
        attempt = client.get(started["Location"]).content.decode()
        form = attempt[attempt.index('id="quiz-attempt"') :]
        form_token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form[:2000])
        self.assertIsNotNone(form_token)
        saved = client.post(
            f"{started['Location']}luu/", {"csrfmiddlewaretoken": form_token.group(1), "c0": 0}
        )
        self.assertEqual(saved.status_code, 200)


@override_settings(CACHES=LOCMEM)
class BadAndLargeInputTests(TestCase):
    """Posts a phone or an attacker may send: a hundred answers at once, odd fields."""

    def setUp(self) -> None:
        self.frozen = clock.frozen(NOW)
        self.frozen.__enter__()
        self.addCleanup(self.frozen.__exit__, None, None, None)
        self.world = World(questions=100)
        self.round = self.world.round(question_count=100)
        response = self.client.post(
            f"/thi-truc-tuyen/tuan/{self.round.pk}/",
            {"name": "Nguyễn Thị Mai", "phone": "0912345678"},
        )
        self.assertEqual(response.status_code, 302)
        self.attempt = Attempt.objects.get()
        self.url = f"/thi-truc-tuyen/bai/{self.attempt.token}/"

    def test_a_hundred_answers_are_saved_in_one_request(self) -> None:
        answers = {f"c{p}": p % 4 for p in range(100)}
        saved = self.client.post(f"{self.url}luu/", answers)
        self.assertEqual(saved.json(), {"questions": 100, "answered": 100})
        answers["c99"] = 3
        self.client.post(self.url, {"action": "save", **answers})
        with clock.frozen(NOW + timedelta(minutes=5)):
            done = self.client.post(self.url, {"action": "submit", **answers, "prediction": 9})
        self.assertEqual(done.status_code, 302)
        self.attempt.refresh_from_db()
        self.assertEqual(len(self.attempt.answers), 100)
        self.assertEqual(self.attempt.answers["99"], 3)

    def test_odd_fields_get_a_reason_and_save_nothing(self) -> None:
        cases = [
            {"c0": "3000000000"},
            {"c0": "1" + "0" * 20},
            {"c0": "-1"},
            {"c0": "١"},
            {"c²": "1"},
            {"c١": "1"},
            {"c1000": "1"},
            {"c0": "1", "c5": "x"},
        ]
        for data in cases:
            with self.subTest(data=data):
                response = self.client.post(f"{self.url}luu/", data)
                self.assertEqual(response.status_code, 400)
                self.assertIn(response.json()["code"], ("invalid", "choice_required"))
                page = self.client.post(self.url, {"action": "submit", **data})
                self.assertEqual(page.status_code, 400)
        self.attempt.refresh_from_db()
        self.assertEqual(self.attempt.answers, {})

    @override_settings(MOTCUA_QUIZ_GRACE_SECONDS=10)
    def test_in_the_grace_after_the_limit_no_prediction_is_asked(self) -> None:
        self.client.post(f"{self.url}luu/", {"c0": 2})
        with clock.frozen(NOW + timedelta(seconds=605)):
            done = self.client.post(self.url, {"action": "submit", "c1": 1})
        self.assertRedirects(done, f"{self.url}ket-qua/", fetch_redirect_response=False)
        self.attempt.refresh_from_db()
        self.assertEqual(self.attempt.answers, {"0": 2, "1": 1})
        self.assertIsNone(self.attempt.prediction)

    def test_saving_nothing_says_nothing_was_saved(self) -> None:
        response = self.client.post(self.url, {"action": "save"})
        self.assertRedirects(response, self.url, fetch_redirect_response=False)

    def test_a_round_closed_early_in_another_process_takes_no_new_attempt(self) -> None:
        round_url = f"/thi-truc-tuyen/tuan/{self.round.pk}/"
        self.client.get(round_url)  # this process keeps the round
        # Closed by an organiser elsewhere: no signal reaches this process's copy.
        Round.objects.filter(pk=self.round.pk).update(closes_at=NOW - timedelta(minutes=1))
        response = self.client.post(round_url, {"name": "Lê Văn Hùng", "phone": "0912000333"})
        self.assertContains(response, "đã kết thúc", status_code=400)
        self.assertEqual(Attempt.objects.count(), 1)

    def test_an_unknown_round_is_not_remembered_as_missing(self) -> None:
        from motcua.quizzes import hotpath

        missing = Round.objects.order_by("-pk").first().pk + 1000
        self.assertIsNone(hotpath.round_of(missing))
        self.assertNotIn(missing, hotpath.rounds._data)
        self.assertIsNotNone(hotpath.round_of(self.round.pk))
        self.assertIn(self.round.pk, hotpath.rounds._data)
