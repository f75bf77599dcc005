"""The per-dossier rating: attribution, bands, and each refusal the issue lists."""

from __future__ import annotations

from django.test import TestCase

from motcua.core import clock
from motcua.core.audit import audit_verify
from motcua.core.errors import ApplicationError, ConflictError, PermissionDeniedError
from motcua.core.models import AuditEvent, Notification
from motcua.feedback.models import Evaluation, EvaluationScheme, FollowUp, IndicatorScore
from motcua.feedback.services import evaluation_submit, follow_up_record_contact
from motcua.feedback.tests.helpers import World, at, handled, returned

NOW = at(2026, 3, 2, 15)


class EvaluationTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = World()

    def submit(self, dossier, level="satisfied", scores=None, actor=None, when=NOW):
        with clock.frozen(when):
            return evaluation_submit(
                dossier=dossier, channel="kiosk", level=level, scores=scores, actor=actor
            )

    def test_rating_is_attributed_every_way_and_audited(self):
        """The rating names the agency, desk, procedure, intake officer, returner and handlers."""
        d = returned(self.w)
        e = self.submit(d, "very_satisfied", [2, 2, 2, 2, 2, 2, 2, 1, 2], comment_free := None)
        self.assertIsNone(comment_free)
        e.refresh_from_db()
        self.assertEqual(
            (e.agency, e.receiving_unit, e.procedure_id),
            (self.w.ward, self.w.centre, d.procedure_id),
        )
        self.assertEqual((e.intake_officer, e.returned_by), (self.w.intake, self.w.intake))
        self.assertEqual(set(e.handlers.all()), {self.w.intake, self.w.handler, self.w.leader})
        self.assertEqual((e.total, e.band), (17, "Xuất sắc"))
        self.assertEqual(
            list(IndicatorScore.objects.filter(evaluation=e).values_list("score", flat=True)),
            [2, 2, 2, 2, 2, 2, 2, 1, 2],
        )
        record = AuditEvent.objects.get(stream=f"feedback.evaluation:{e.pk}")
        self.assertEqual(record.action, "feedback.evaluation_submit")
        self.assertEqual(record.actor_repr, "citizen:kiosk")
        self.assertEqual(record.data["level"], "very_satisfied")
        self.assertEqual(audit_verify(), [])
        self.assertFalse(FollowUp.objects.exists())

    def test_bands_are_data(self):
        """The band comes from the scheme's rows: 15 is Tốt, 16 Xuất sắc, 5 Yếu; a new row wins."""
        scheme = EvaluationScheme.objects.get()
        self.assertEqual(
            [scheme.band_for(t) for t in (18, 16, 15, 12, 11, 9, 8, 6, 5, 0)],
            [
                "Xuất sắc",
                "Xuất sắc",
                "Tốt",
                "Tốt",
                "Khá",
                "Khá",
                "Trung bình",
                "Trung bình",
                "Yếu",
                "Yếu",
            ],
        )
        EvaluationScheme.objects.create(
            name="Bộ tiêu chí mới",
            effective_from=at(2026, 1, 1).date(),
            indicators=scheme.indicators,
            bands=[{"min": 15, "label": "Xuất sắc"}, {"min": 0, "label": "Chưa đạt"}],
        )
        e = self.submit(returned(self.w), "satisfied", [2, 2, 2, 2, 2, 2, 1, 1, 1])
        self.assertEqual((e.total, e.band, e.scheme.name), (15, "Xuất sắc", "Bộ tiêu chí mới"))

    def test_a_dossier_not_returned_is_refused(self):
        d = handled(self.w)
        with self.assertRaises(ConflictError) as caught:
            self.submit(d)
        self.assertEqual(caught.exception.code, "not_returned")
        self.assertFalse(Evaluation.objects.exists())

    def test_a_second_rating_is_refused(self):
        d = returned(self.w)
        self.submit(d, "satisfied")
        with self.assertRaises(ConflictError) as caught:
            self.submit(d, "dissatisfied")
        self.assertEqual(caught.exception.code, "already_rated")
        self.assertEqual(Evaluation.objects.get().level, "satisfied")
        self.assertFalse(FollowUp.objects.exists())

    def test_staff_cannot_rate_for_the_citizen(self):
        d = returned(self.w)
        for staff in (self.w.intake, self.w.director, self.w.outsider):
            with self.assertRaises(PermissionDeniedError) as caught:
                self.submit(d, actor=staff)
            self.assertEqual(caught.exception.code, "staff_cannot_rate")
        self.assertFalse(Evaluation.objects.exists())
        self.assertFalse(AuditEvent.objects.filter(action="feedback.evaluation_submit").exists())

    def test_bad_scores_are_refused_and_nothing_is_written(self):
        d = returned(self.w)
        for scores in ([2, 2, 2], [3, 2, 2, 2, 2, 2, 2, 2, 2], [-1, 2, 2, 2, 2, 2, 2, 2, 2]):
            with self.assertRaises(ApplicationError) as caught:
                self.submit(d, scores=scores)
            self.assertEqual(caught.exception.code, "invalid_scores")
        with self.assertRaises(ApplicationError) as caught:
            self.submit(d, level="happy")
        self.assertEqual(caught.exception.code, "invalid_level")
        self.assertFalse(Evaluation.objects.exists())


class FollowUpTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = World()

    def test_dissatisfied_opens_a_follow_up_due_in_working_days(self):
        """Friday 6/3 15:00 + 3 working days = Wednesday 11/3 17:00; the director is told."""
        d = returned(self.w, day=6)
        with clock.frozen(at(2026, 3, 6, 15)):
            e = evaluation_submit(dossier=d, channel="link", level="dissatisfied")
        f = FollowUp.objects.get(evaluation=e)
        self.assertEqual((f.unit, f.status), (self.w.centre, "open"))
        self.assertEqual(f.due_at, at(2026, 3, 11, 17))
        self.assertEqual(f.reason, "người nộp hồ sơ không hài lòng")
        self.assertEqual(
            list(
                Notification.objects.filter(event="feedback.follow_up_opened").values_list(
                    "recipient", flat=True
                )
            ),
            [self.w.director.email],
        )

    def test_a_low_indicator_opens_a_follow_up_even_when_satisfied(self):
        d = returned(self.w)
        with clock.frozen(NOW):
            e = evaluation_submit(
                dossier=d, channel="kiosk", level="satisfied", scores=[2, 2, 2, 2, 2, 2, 0, 2, 2]
            )
        f = FollowUp.objects.get(evaluation=e)
        self.assertEqual(f.reason, "chỉ tiêu thấp: 7")

    def test_the_director_records_contact_then_outcome(self):
        d = returned(self.w)
        with clock.frozen(NOW):
            e = evaluation_submit(dossier=d, channel="kiosk", level="dissatisfied")
        f = e.follow_up
        with self.assertRaises(PermissionDeniedError):
            follow_up_record_contact(follow_up=f, actor=self.w.outsider, note="Đã gọi")
        with self.assertRaises(ApplicationError) as caught:
            follow_up_record_contact(follow_up=f, actor=self.w.director, note="")
        self.assertEqual(caught.exception.code, "contact_required")
        with clock.frozen(at(2026, 3, 3, 9)):
            f = follow_up_record_contact(
                follow_up=f, actor=self.w.director, note="Đã gọi điện cho bà Ngọc lúc 9 giờ"
            )
        self.assertEqual((f.status, f.contacted_at), ("contacted", at(2026, 3, 3, 9)))
        with clock.frozen(at(2026, 3, 3, 10)):
            f = follow_up_record_contact(
                follow_up=f,
                actor=self.w.director,
                note="Đã gọi điện cho bà Ngọc lúc 9 giờ",
                outcome="Đã xin lỗi; bà Ngọc đồng ý",
                close=True,
            )
        self.assertEqual(
            (f.status, f.closed_at, f.handled_by), ("closed", at(2026, 3, 3, 10), self.w.director)
        )
        with self.assertRaises(ConflictError):
            follow_up_record_contact(follow_up=f, actor=self.w.director, note="x")
        self.assertEqual(
            list(
                AuditEvent.objects.filter(stream=f"feedback.followup:{f.pk}")
                .order_by("seq")
                .values_list("action", flat=True)
            ),
            ["feedback.follow_up_open", "feedback.follow_up_contact", "feedback.follow_up_close"],
        )
