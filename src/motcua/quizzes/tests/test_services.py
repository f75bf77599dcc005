"""Starting, answering and submitting attempts: limits, timing on the server, flags, disqualification."""

from __future__ import annotations

from datetime import timedelta

from django.test import TestCase, override_settings

from motcua.core import clock
from motcua.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from motcua.core.models import AuditEvent
from motcua.quizzes.models import Attempt, AttemptAnswer, AttemptStatus, Participant
from motcua.quizzes.selectors import attempt_state, duplicate_participants, hardest_questions
from motcua.quizzes.services import (
    Entrant,
    Saved,
    attempt_answers,
    attempt_disqualify,
    attempt_start,
    attempt_submit,
    attempts_finalise_expired,
)
from motcua.quizzes.tests.helpers import World, at

NOW = at(2026, 12, 7, 9)


class AttemptTests(TestCase):
    def setUp(self) -> None:
        self.frozen = clock.frozen(NOW)
        self.frozen.__enter__()
        self.addCleanup(self.frozen.__exit__, None, None, None)
        self.world = World()
        self.round = self.world.round()

    def start(
        self, name: str = "Nguyễn Văn An", phone: str = "0912345678", **kw: object
    ) -> Attempt:
        return attempt_start(
            round_id=self.round.pk,
            entrant=Entrant(name=name, phone=phone, unit_id=self.world.commune_a.pk, **kw),  # type: ignore[arg-type]
        )

    def test_an_attempt_draws_distinct_questions_with_every_option_once(self) -> None:
        attempt = self.start()
        ids = [question_id for question_id, _order in attempt.layout]
        self.assertEqual(len(ids), 5)
        self.assertEqual(len(set(ids)), 5)
        for _question_id, order in attempt.layout:
            self.assertEqual(sorted(order), [0, 1, 2, 3])
        self.assertEqual(attempt.deadline_at, NOW + timedelta(seconds=600))

    def test_the_page_state_never_carries_the_answer_key(self) -> None:
        attempt = self.start()
        state = attempt_state(attempt)
        self.assertEqual(len(state["questions"]), 5)
        self.assertNotIn("correct", repr(state))
        self.assertNotIn("correct_index", repr(state))

    def test_a_perfect_attempt_scores_every_question_and_keeps_server_time(self) -> None:
        attempt = self.start()
        for position in range(5):
            attempt_answers(
                token=attempt.token,
                answers={position: self.world.correct_choice(attempt, position)},
            )
        with clock.frozen(NOW + timedelta(seconds=95)):
            done = attempt_submit(token=attempt.token, prediction=120)
        done.refresh_from_db()
        self.assertEqual(done.correct, 5)
        self.assertEqual(done.duration_ms, 95_000)
        self.assertEqual(done.prediction, 120)
        self.assertFalse(done.flagged)
        self.assertEqual(AttemptAnswer.objects.filter(attempt=done, is_correct=True).count(), 5)

    def test_a_wrong_and_a_missing_answer_do_not_count(self) -> None:
        attempt = self.start()
        right = self.world.correct_choice(attempt, 0)
        attempt_answers(token=attempt.token, answers={0: (right + 1) % 4})
        attempt_answers(token=attempt.token, answers={1: self.world.correct_choice(attempt, 1)})
        with clock.frozen(NOW + timedelta(seconds=60)):
            done = attempt_submit(token=attempt.token, prediction=1)
        self.assertEqual(done.correct, 1)
        self.assertEqual(
            list(AttemptAnswer.objects.filter(attempt=done).values_list("chosen", flat=True)).count(
                -1
            ),
            3,
        )

    def test_the_hardest_questions_are_those_answered_right_least_often(self) -> None:
        attempt = self.start()
        right = self.world.correct_choice(attempt, 0)
        attempt_answers(token=attempt.token, answers={0: (right + 1) % 4})
        for position in range(1, 5):
            attempt_answers(
                token=attempt.token,
                answers={position: self.world.correct_choice(attempt, position)},
            )
        with clock.frozen(NOW + timedelta(seconds=60)):
            attempt_submit(token=attempt.token, prediction=1)
        rows = hardest_questions(self.round)
        self.assertEqual(rows[0].question_id, attempt.layout[0][0])
        self.assertEqual([r.correct_share for r in rows], [0.0, 100.0, 100.0, 100.0, 100.0])

    def test_a_changed_answer_replaces_the_first(self) -> None:
        attempt = self.start()
        right = self.world.correct_choice(attempt, 0)
        attempt_answers(token=attempt.token, answers={0: (right + 1) % 4})
        attempt_answers(token=attempt.token, answers={0: right})
        with clock.frozen(NOW + timedelta(seconds=60)):
            done = attempt_submit(token=attempt.token, prediction=1)
        self.assertEqual(done.correct, 1)

    def test_too_fast_attempts_are_flagged(self) -> None:
        attempt = self.start()
        with clock.frozen(NOW + timedelta(seconds=4)):
            done = attempt_submit(token=attempt.token, prediction=1)
        self.assertIs(done.flagged, True)
        self.assertIn("4,0", done.flag_reason)

    def test_answers_after_the_time_limit_are_refused(self) -> None:
        attempt = self.start()
        late = clock.frozen(NOW + timedelta(seconds=600 + 11))
        with late, self.assertRaisesMessage(ApplicationError, "thời gian"):
            attempt_answers(token=attempt.token, answers={0: 0})

    def test_a_late_submission_counts_the_answers_in_time_at_the_limit(self) -> None:
        attempt = self.start()
        attempt_answers(token=attempt.token, answers={0: self.world.correct_choice(attempt, 0)})
        with clock.frozen(NOW + timedelta(hours=1)):
            done = attempt_submit(token=attempt.token, prediction=10)
        self.assertEqual(done.duration_ms, 600_000)
        self.assertEqual(done.submitted_at, NOW + timedelta(seconds=600))
        self.assertEqual(done.correct, 1)
        self.assertIsNone(done.prediction)

    def test_a_prediction_is_needed_in_time_and_not_after(self) -> None:
        attempt = self.start()
        for prediction in (None, -1, 100_000_001):
            with (
                self.subTest(prediction=prediction),
                self.assertRaisesMessage(ApplicationError, "100.000.000"),
            ):
                attempt_submit(token=attempt.token, prediction=prediction)
        attempt.refresh_from_db()
        self.assertEqual(attempt.status, AttemptStatus.IN_PROGRESS)
        with clock.frozen(NOW + timedelta(hours=1)):
            done = attempt_submit(token=attempt.token, prediction=None)
        self.assertEqual(done.status, AttemptStatus.SUBMITTED)
        self.assertIsNone(done.prediction)

    def test_the_deadline_is_cut_at_the_round_close(self) -> None:
        self.round.closes_at = NOW + timedelta(seconds=100)
        self.round.save()
        attempt = self.start()
        self.assertEqual(attempt.deadline_at, NOW + timedelta(seconds=100))

    def test_expired_attempts_are_finalised(self) -> None:
        attempt = self.start()
        with clock.frozen(NOW + timedelta(seconds=700)):
            self.assertEqual(attempts_finalise_expired(), 1)
            self.assertEqual(attempts_finalise_expired(), 0)
        attempt.refresh_from_db()
        self.assertEqual(attempt.status, AttemptStatus.SUBMITTED)

    def test_a_submitted_attempt_cannot_be_submitted_again(self) -> None:
        attempt = self.start()
        with clock.frozen(NOW + timedelta(seconds=60)):
            attempt_submit(token=attempt.token, prediction=1)
            with self.assertRaisesMessage(ApplicationError, "đã được nộp"):
                attempt_submit(token=attempt.token, prediction=2)

    def test_the_attempt_limit_counts_the_phone_under_any_name(self) -> None:
        self.start()
        self.start(name="Nguyễn Văn Bình")
        with self.assertRaisesMessage(ApplicationError, "2"):
            self.start(name="Trần Thị Cúc")
        self.assertEqual(Attempt.objects.count(), 2)
        self.assertEqual(Participant.objects.count(), 2)

    def test_unlimited_attempts(self) -> None:
        self.round.attempts_per_person = 0
        self.round.save()
        for _i in range(4):
            self.start()
        self.assertEqual(Attempt.objects.count(), 4)

    def test_a_round_not_open_refuses_to_start(self) -> None:
        early = clock.frozen(NOW - timedelta(hours=2))
        with early, self.assertRaisesMessage(ApplicationError, "chưa mở"):
            self.start()
        late = clock.frozen(NOW + timedelta(days=4))
        with late, self.assertRaisesMessage(ApplicationError, "đã kết thúc"):
            self.start()
        self.assertEqual(Attempt.objects.count(), 0)

    def test_bad_entrant_data_is_refused_with_nothing_written(self) -> None:
        cases = [
            ({"name": "A"}, "họ và tên"),
            ({"phone": "12345"}, "10 chữ số"),
            ({"id_number": "123"}, "12 chữ số"),
        ]
        for kwargs, message in cases:
            with self.subTest(kwargs=kwargs), self.assertRaisesMessage(ApplicationError, message):
                self.start(**kwargs)  # type: ignore[arg-type]
        self.assertEqual(Participant.objects.count(), 0)

    def test_an_unknown_token_is_not_found(self) -> None:
        with self.assertRaises(NotFoundError):
            attempt_answers(token="nope", answers={0: 0})

    def test_duplicates_same_phone_or_id_under_several_names(self) -> None:
        self.start(name="Nguyễn Văn An", id_number="092096001234")
        self.start(name="Nguyen Van Binh", phone="0987654321", id_number="092096001234")
        self.start(name="Lê Thị Hoa")
        found = {(d.kind, d.value): d.names for d in duplicate_participants(self.world.quiz.pk)}
        self.assertEqual(found[("phone", "0912345678")], ["Lê Thị Hoa", "Nguyễn Văn An"])
        self.assertEqual(found[("id_number", "092096001234")], ["Nguyen Van Binh", "Nguyễn Văn An"])

    def test_disqualification_needs_a_reason_and_an_organiser_and_is_audited(self) -> None:
        attempt = self.start()
        second = self.start()
        with self.assertRaises(PermissionDeniedError):
            attempt_disqualify(actor=self.world.outsider, attempt_id=attempt.pk, reason="Gian lận")
        with self.assertRaisesMessage(ApplicationError, "lý do"):
            attempt_disqualify(actor=self.world.officer, attempt_id=attempt.pk, reason="")
        count = attempt_disqualify(
            actor=self.world.officer, attempt_id=attempt.pk, reason="Dùng nhiều tên cho một số máy"
        )
        self.assertEqual(count, 2)
        second.refresh_from_db()
        self.assertEqual(second.status, AttemptStatus.DISQUALIFIED)
        event = AuditEvent.objects.filter(action="quizzes.disqualify").get()
        self.assertEqual(event.data["reason"], "Dùng nhiều tên cho một số máy")


@override_settings(MOTCUA_QUIZ_GRACE_SECONDS=0)
class GraceTests(TestCase):
    def test_without_grace_an_answer_one_second_late_is_refused(self) -> None:
        with clock.frozen(NOW):
            world = World()
            round_ = world.round(time_limit_seconds=60)
            attempt = attempt_start(
                round_id=round_.pk, entrant=Entrant(name="Phạm Minh", phone="0911111111")
            )
            attempt_answers(token=attempt.token, answers={0: 0})
        with clock.frozen(NOW + timedelta(seconds=61)), self.assertRaises(ApplicationError):
            attempt_answers(token=attempt.token, answers={1: 0})


class HotPathTests(TestCase):
    """The one-statement answer and start refuse exactly what the rules refuse, writing nothing."""

    def setUp(self) -> None:
        self.frozen = clock.frozen(NOW)
        self.frozen.__enter__()
        self.addCleanup(self.frozen.__exit__, None, None, None)
        self.world = World()
        self.round = self.world.round(attempts_per_person=1)

    def test_an_answer_outside_the_attempt_is_refused_with_its_reason(self) -> None:
        attempt = attempt_start(
            round_id=self.round.pk, entrant=Entrant(name="Trần Văn Nam", phone="0912000111")
        )
        cases: list[tuple[dict[int, int], str]] = [
            ({5: 0}, "không thuộc lượt thi"),
            ({-1: 0}, "không thuộc lượt thi"),
            ({0: 4}, "Hãy chọn"),
            ({0: -1}, "Hãy chọn"),
            ({}, "Hãy chọn"),
            # One bad answer among good ones refuses them all: nothing half-saved.
            ({0: 1, 1: 2, 7: 0}, "không thuộc lượt thi"),
            ({0: 1, 1: 9}, "Hãy chọn"),
        ]
        for answers, message in cases:
            with self.subTest(answers=answers), self.assertRaisesMessage(ApplicationError, message):
                attempt_answers(token=attempt.token, answers=answers)
        attempt.refresh_from_db()
        self.assertEqual(attempt.answers, {})
        self.assertEqual(attempt_answers(token=attempt.token, answers={4: 3}), Saved(5, 1))
        attempt.refresh_from_db()
        self.assertEqual(attempt.answers, {"4": 3})

    def test_several_answers_are_saved_at_once_and_a_later_one_replaces_an_earlier(self) -> None:
        attempt = attempt_start(
            round_id=self.round.pk, entrant=Entrant(name="Trần Văn Nam", phone="0912000111")
        )
        self.assertEqual(
            attempt_answers(token=attempt.token, answers={0: 1, 2: 3, 4: 0}), Saved(5, 3)
        )
        self.assertEqual(attempt_answers(token=attempt.token, answers={2: 0, 3: 2}), Saved(5, 4))
        attempt.refresh_from_db()
        self.assertEqual(attempt.answers, {"0": 1, "2": 0, "3": 2, "4": 0})

    def test_answers_sent_with_the_submission_count_and_a_bad_one_refuses_it(self) -> None:
        attempt = attempt_start(
            round_id=self.round.pk, entrant=Entrant(name="Trần Văn Nam", phone="0912000111")
        )
        right = {p: self.world.correct_choice(attempt, p) for p in range(5)}
        attempt_answers(token=attempt.token, answers={0: (right[0] + 1) % 4, 1: right[1]})
        with clock.frozen(NOW + timedelta(seconds=90)):
            with self.assertRaisesMessage(ApplicationError, "không thuộc lượt thi"):
                attempt_submit(token=attempt.token, prediction=3, answers={0: right[0], 9: 0})
            attempt.refresh_from_db()
            self.assertEqual(attempt.status, AttemptStatus.IN_PROGRESS)
            # The submission's answers replace the saved ones; those it omits stay.
            done = attempt_submit(
                token=attempt.token, prediction=3, answers={0: right[0], 2: right[2]}
            )
        self.assertEqual(done.correct, 3)
        done.refresh_from_db()
        self.assertEqual(done.answers, {"0": right[0], "1": right[1], "2": right[2]})
        self.assertEqual(AttemptAnswer.objects.filter(attempt=done, is_correct=True).count(), 3)

    def test_answers_sent_with_a_late_submission_do_not_count(self) -> None:
        attempt = attempt_start(
            round_id=self.round.pk, entrant=Entrant(name="Trần Văn Nam", phone="0912000111")
        )
        right = self.world.correct_choice(attempt, 0)
        with clock.frozen(NOW + timedelta(hours=1)):
            done = attempt_submit(token=attempt.token, prediction=3, answers={0: right})
        self.assertEqual(done.correct, 0)
        done.refresh_from_db()
        self.assertEqual(done.answers, {})

    def test_a_start_refused_by_the_limit_writes_nothing_not_even_the_new_unit(self) -> None:
        first = attempt_start(
            round_id=self.round.pk,
            entrant=Entrant(
                name="Trần Văn Nam", phone="0912000111", unit_id=self.world.commune_a.pk
            ),
        )
        with self.assertRaisesMessage(ApplicationError, "1"):
            attempt_start(
                round_id=self.round.pk,
                entrant=Entrant(
                    name="Trần  Văn Nam", phone="0912 000 111", unit_id=self.world.commune_b.pk
                ),
            )
        participant = Participant.objects.get()
        self.assertEqual(participant.pk, first.participant_id)
        # The refused start wrote nothing: not even the new unit.
        self.assertEqual(participant.unit_id, self.world.commune_a.pk)
        self.assertEqual(Attempt.objects.count(), 1)
        self.assertEqual(first.number, 1)
