"""The self-assessment: scoring bounds, evidence, submission, appraisal, permissions, totals."""

from __future__ import annotations

import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from PIL import Image

from motcua.core.audit import audit_verify
from motcua.core.errors import ApplicationError, ConflictError, PermissionDeniedError
from motcua.core.models import AuditEvent, Notification
from motcua.parindex.models import Assessment, AssessmentEvent, Evidence, Score
from motcua.parindex.sample import TREE
from motcua.parindex.selectors import assessment_sheet, ranking, unit_history
from motcua.parindex.services import (
    assessment_appraise,
    assessment_appraise_score,
    assessment_score,
    assessment_start,
    assessment_submit,
    assessment_survey,
)
from motcua.parindex.tests.helpers import ParWorld


def png() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(out, "PNG")
    return SimpleUploadedFile("ke-hoach.png", out.getvalue(), content_type="image/png")


SUBS = sum(1 for row in TREE if row[0].count(".") == 2)


class AssessmentTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.w = ParWorld()
        cls.definition = cls.w.sample()

    def start(self, unit=None, actor=None) -> Assessment:
        return assessment_start(
            unit=unit or self.w.ward, year=2026, actor=actor or self.w.ward_officer
        )

    def manual(self, assessment: Assessment) -> list[Score]:
        return list(
            Score.objects.filter(assessment=assessment, automatic=False)
            .select_related("sub_criterion")
            .order_by("sub_criterion__code")
        )

    def fill(self, assessment: Assessment, fraction: Decimal = Decimal("0.5")) -> None:
        for score in self.manual(assessment):
            assessment_score(
                assessment=assessment,
                sub_criterion_id=score.sub_criterion_id,
                points=score.sub_criterion.max_points * fraction,
                actor=self.w.ward_officer,
            )

    def test_start_needs_a_definition_of_the_unit_level(self) -> None:
        with self.assertRaises(ApplicationError) as caught:
            assessment_start(unit=self.w.city, year=2026, actor=self.w.city_officer)
        self.assertEqual(caught.exception.code, "no_definition")
        with self.assertRaises(ApplicationError):
            assessment_start(unit=self.w.ward, year=2025, actor=self.w.ward_officer)
        self.assertFalse(Assessment.objects.exists())

    def test_start_is_idempotent_and_creates_a_row_per_sub_criterion(self) -> None:
        first = self.start()
        second = self.start()
        self.assertEqual(first.pk, second.pk)
        self.assertEqual(Score.objects.filter(assessment=first).count(), SUBS)
        self.assertEqual(AssessmentEvent.objects.filter(assessment=first).count(), 1)

    def test_only_a_reform_officer_of_the_unit_or_above_assesses(self) -> None:
        for actor in (self.w.other_officer, self.w.leader, self.w.nobody):
            with self.assertRaises(PermissionDeniedError):
                self.start(actor=actor)
        assessment = self.start(actor=self.w.city_officer)
        with self.assertRaises(PermissionDeniedError):
            assessment_score(
                assessment=assessment,
                sub_criterion_id=self.manual(assessment)[0].sub_criterion_id,
                points="1",
                actor=self.w.other_officer,
            )

    def test_points_are_bounded_by_the_maximum(self) -> None:
        assessment = self.start()
        score = self.manual(assessment)[0]  # 1.1.1, at most 1 point
        self.assertEqual(score.sub_criterion.max_points, Decimal(1))
        for bad, code in (
            ("1.01", "points_out_of_range"),
            ("-0.5", "points_out_of_range"),
            ("0.125", "invalid_points"),
            ("một", "invalid_points"),
            ("NaN", "invalid_points"),
        ):
            with self.subTest(bad=bad), self.assertRaises(ApplicationError) as caught:
                assessment_score(
                    assessment=assessment,
                    sub_criterion_id=score.sub_criterion_id,
                    points=bad,
                    actor=self.w.ward_officer,
                )
            self.assertEqual(caught.exception.code, code)
        score.refresh_from_db()
        self.assertIsNone(score.self_points)
        saved = assessment_score(
            assessment=assessment,
            sub_criterion_id=score.sub_criterion_id,
            points="0,75",
            note="Ban hành ngày 20/12/2025",
            actor=self.w.ward_officer,
        )
        self.assertEqual(saved.self_points, Decimal("0.75"))

    def test_evidence_is_checked_and_stored(self) -> None:
        assessment = self.start()
        score = self.manual(assessment)[0]
        bad = SimpleUploadedFile("virus.pdf", b"MZ not a pdf", content_type="application/pdf")
        with self.assertRaises(ApplicationError) as caught:
            assessment_score(
                assessment=assessment,
                sub_criterion_id=score.sub_criterion_id,
                points="1",
                files=[bad],
                actor=self.w.ward_officer,
            )
        self.assertEqual(caught.exception.code, "file_type_not_allowed")
        score.refresh_from_db()
        self.assertIsNone(score.self_points)
        self.assertFalse(Evidence.objects.exists())
        assessment_score(
            assessment=assessment,
            sub_criterion_id=score.sub_criterion_id,
            points="1",
            files=[png()],
            actor=self.w.ward_officer,
        )
        evidence = Evidence.objects.get()
        self.assertEqual(evidence.content_type, "image/png")
        self.assertTrue(evidence.file.startswith("parindex/"))

    def test_unavailable_rules_leave_the_row_to_the_officer(self) -> None:
        assessment = self.start()
        row = Score.objects.get(assessment=assessment, sub_criterion__code="3.1.1")
        self.assertFalse(row.automatic)
        self.assertIn("2026", row.calculation)
        saved = assessment_score(
            assessment=assessment,
            sub_criterion_id=row.sub_criterion_id,
            points="2",
            actor=self.w.ward_officer,
        )
        self.assertEqual(saved.self_points, Decimal(2))

    def test_submit_needs_every_score_then_locks(self) -> None:
        assessment = self.start()
        with self.assertRaises(ApplicationError) as caught:
            assessment_submit(assessment=assessment, actor=self.w.ward_officer)
        self.assertEqual(caught.exception.code, "incomplete")
        self.assertIn("1.1.1", caught.exception.extra["missing"])
        self.fill(assessment)
        assessment_submit(assessment=assessment, actor=self.w.ward_officer)
        assessment.refresh_from_db()
        self.assertEqual(assessment.status, "submitted")
        self.assertEqual(assessment.submitted_by, self.w.ward_officer)
        # The reviewing body above the ward is told (the city's officers, with an e-mail).
        told = set(
            Notification.objects.filter(event="parindex.submitted").values_list(
                "recipient", flat=True
            )
        )
        self.assertIn(self.w.city_officer.email, told)
        self.assertNotIn(self.w.ward_officer.email, told)
        with self.assertRaises(ConflictError):
            assessment_score(
                assessment=assessment,
                sub_criterion_id=self.manual(assessment)[0].sub_criterion_id,
                points="0",
                actor=self.w.ward_officer,
            )
        with self.assertRaises(ConflictError):
            assessment_submit(assessment=assessment, actor=self.w.ward_officer)

    def test_appraisal_is_by_a_unit_strictly_above(self) -> None:
        assessment = self.start()
        self.fill(assessment)
        sub_id = self.manual(assessment)[0].sub_criterion_id
        with self.assertRaises(ConflictError):  # not submitted yet
            assessment_appraise_score(
                assessment=assessment,
                sub_criterion_id=sub_id,
                points="0",
                actor=self.w.city_officer,
            )
        assessment_submit(assessment=assessment, actor=self.w.ward_officer)
        # The ward's own officer and another ward's are not the reviewing body.
        for actor in (self.w.ward_officer, self.w.other_officer):
            with self.assertRaises(PermissionDeniedError):
                assessment_appraise_score(
                    assessment=assessment, sub_criterion_id=sub_id, points="0", actor=actor
                )
            with self.assertRaises(PermissionDeniedError):
                assessment_survey(assessment=assessment, points="10", actor=actor)
        assessment_appraise_score(
            assessment=assessment, sub_criterion_id=sub_id, points="0", actor=self.w.city_officer
        )
        self.assertEqual(
            Score.objects.get(assessment=assessment, sub_criterion_id=sub_id).appraisal_points, 0
        )

    def test_who_scored_or_submitted_does_not_appraise(self) -> None:
        # The city's officer helps the ward: scores one row, then the ward submits.
        helper = self.w._user("cchc.tinh2", "reform_officer", self.w.city)
        assessment = self.start()
        self.fill(assessment)
        sub_id = self.manual(assessment)[0].sub_criterion_id
        assessment_score(
            assessment=assessment, sub_criterion_id=sub_id, points="1", actor=self.w.city_officer
        )
        assessment_submit(assessment=assessment, actor=self.w.ward_officer)
        for call in (
            lambda: assessment_survey(
                assessment=assessment, points="10", actor=self.w.city_officer
            ),
            lambda: assessment_appraise_score(
                assessment=assessment,
                sub_criterion_id=sub_id,
                points="0",
                actor=self.w.city_officer,
            ),
        ):
            with self.assertRaises(PermissionDeniedError) as caught:
                call()
            self.assertIn("một thành viên khác của cơ quan thẩm định", caught.exception.message)
        assessment_survey(assessment=assessment, points="10", actor=helper)
        self.assertEqual(
            assessment_appraise(assessment=assessment, actor=helper).status, "appraised"
        )

    def test_survey_is_bounded_and_required_to_close(self) -> None:
        assessment = self.start()
        self.fill(assessment)
        assessment_submit(assessment=assessment, actor=self.w.ward_officer)
        with self.assertRaises(ApplicationError) as caught:
            assessment_appraise(assessment=assessment, actor=self.w.city_officer)
        self.assertEqual(caught.exception.code, "survey_missing")
        with self.assertRaises(ApplicationError) as caught:
            assessment_survey(assessment=assessment, points="20.5", actor=self.w.city_officer)
        self.assertEqual(caught.exception.code, "points_out_of_range")
        assessment_survey(assessment=assessment, points="15", actor=self.w.city_officer)
        closed = assessment_appraise(assessment=assessment, actor=self.w.city_officer)
        self.assertEqual(closed.status, "appraised")
        self.assertTrue(
            Notification.objects.filter(
                event="parindex.appraised", recipient=self.w.ward_officer.email
            ).exists()
        )
        with self.assertRaises(ConflictError):
            assessment_survey(assessment=assessment, points="1", actor=self.w.city_officer)

    def test_totals_per_area_ranking_and_history(self) -> None:
        ward = self.start()
        self.fill(ward, Decimal(1))
        other = self.start(unit=self.w.other_ward, actor=self.w.other_officer)
        self.fill_as(other, self.w.other_officer, Decimal("0.5"))
        manual_max = sum(s.sub_criterion.max_points for s in self.manual(ward))
        # The rules with data in this world score their rows: no communication form used
        # (1.2.3), no initiative recognised (1.3.1) nor model replicated (1.3.2) in 2026,
        # so 0 points each. The others (plan, dossiers, ratings) have no data: by hand.
        automatic = Score.objects.filter(assessment=ward, automatic=True)
        self.assertEqual(
            sorted(automatic.values_list("sub_criterion__code", "self_points")),
            [("1.2.3", Decimal(0)), ("1.3.1", Decimal(0)), ("1.3.2", Decimal(0))],
        )
        # 22 points at most − 0.5 − 1 − 1 on the automatic rows = 19.5 typed at full.
        self.assertEqual(manual_max, Decimal("19.5"))
        sheet = assessment_sheet(ward)
        self.assertEqual(sheet.self_total, manual_max)
        self.assertEqual(sum(a.self_points or 0 for a in sheet.areas), manual_max)
        self.assertEqual(sheet.max_points, Decimal(22) + Decimal(20))
        # Every row has points: the typed ones and the three the rules scored.
        self.assertEqual(sheet.missing, 0)
        self.assertEqual(len(self.manual(ward)), SUBS - 3)
        for assessment, officer, cut, survey in (
            (ward, self.w.ward_officer, Decimal(1), "10"),
            (other, self.w.other_officer, Decimal(0), "20"),
        ):
            self.fill_as(assessment, officer, Decimal(0), only_missing=True)
            assessment_submit(assessment=assessment, actor=officer)
            first = self.manual(assessment)[0]
            assessment_appraise_score(
                assessment=assessment,
                sub_criterion_id=first.sub_criterion_id,
                points=str(first.sub_criterion.max_points * cut * Decimal("0.5")),
                actor=self.w.city_officer,
            )
            assessment_survey(assessment=assessment, points=survey, actor=self.w.city_officer)
            assessment_appraise(assessment=assessment, actor=self.w.city_officer)
        ward_sheet = assessment_sheet(Assessment.objects.get(pk=ward.pk))
        # 1.1.1 cut from 1 to 0.5; the others keep their self-score.
        self.assertEqual(ward_sheet.final_total, manual_max - Decimal("0.5") + 10)
        other_sheet = assessment_sheet(Assessment.objects.get(pk=other.pk))
        self.assertEqual(other_sheet.final_total, manual_max / 2 - Decimal("0.5") + 20)
        rows = ranking(self.definition)
        order = [r.assessment.unit_id for r in rows]
        expected = sorted(
            [
                (ward_sheet.final_total, self.w.ward.pk),
                (other_sheet.final_total, self.w.other_ward.pk),
            ],
            reverse=True,
        )
        self.assertEqual(order, [pk for _t, pk in expected])
        self.assertEqual([r.rank for r in rows], [1, 2])
        self.assertEqual(
            rows[0].percent, (expected[0][0] * 100 / Decimal(42)).quantize(Decimal("0.01"))
        )
        history = unit_history(self.w.ward)
        self.assertEqual(
            [(h.assessment.definition.year, h.final_total) for h in history],
            [(2026, ward_sheet.final_total)],
        )
        self.assertEqual(audit_verify(), [])
        self.assertEqual(
            AuditEvent.objects.filter(action__startswith="parindex.assessment").count(),
            AssessmentEvent.objects.count(),
        )

    def fill_as(self, assessment, officer, fraction, only_missing=False) -> None:
        for score in self.manual(assessment):
            if only_missing and score.self_points is not None:
                continue
            assessment_score(
                assessment=assessment,
                sub_criterion_id=score.sub_criterion_id,
                points=score.sub_criterion.max_points * fraction,
                actor=officer,
            )


class CorrectionTests(TestCase):
    """Evidence files can be removed from a draft; the reviewing body can send it back."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.w = ParWorld()
        cls.w.sample()

    def test_remove_evidence_from_a_draft_only(self) -> None:
        from django.core.files.storage import default_storage

        from motcua.parindex.services import assessment_evidence_remove

        assessment = assessment_start(unit=self.w.ward, year=2026, actor=self.w.ward_officer)
        score = Score.objects.filter(assessment=assessment).first()
        assessment_score(
            assessment=assessment,
            sub_criterion_id=score.sub_criterion_id,
            points="0",
            files=[png()],
            actor=self.w.ward_officer,
        )
        evidence = Evidence.objects.get()
        self.assertTrue(default_storage.exists(evidence.file))
        with self.assertRaises(PermissionDeniedError):
            assessment_evidence_remove(
                assessment=assessment, evidence_id=evidence.pk, actor=self.w.other_officer
            )
        with self.captureOnCommitCallbacks(execute=True):
            assessment_evidence_remove(
                assessment=assessment, evidence_id=evidence.pk, actor=self.w.ward_officer
            )
        self.assertFalse(Evidence.objects.exists())
        self.assertFalse(default_storage.exists(evidence.file))
        self.assertTrue(
            AssessmentEvent.objects.filter(action="assessment_evidence_remove").exists()
        )

    def test_return_for_correction_then_resubmit(self) -> None:
        from motcua.parindex.services import assessment_return

        assessment = assessment_start(unit=self.w.ward, year=2026, actor=self.w.ward_officer)
        for score in Score.objects.filter(assessment=assessment):
            assessment_score(
                assessment=assessment,
                sub_criterion_id=score.sub_criterion_id,
                points="0",
                actor=self.w.ward_officer,
            )
        with self.assertRaises(ConflictError):
            assessment_return(
                assessment=assessment, actor=self.w.city_officer, reason="Thiếu tài liệu kiểm chứng"
            )
        assessment_submit(assessment=assessment, actor=self.w.ward_officer)
        with self.assertRaises(ApplicationError) as caught:
            assessment_return(assessment=assessment, actor=self.w.city_officer, reason="Thiếu")
        self.assertEqual(caught.exception.code, "reason_required")
        with self.assertRaises(PermissionDeniedError):
            assessment_return(
                assessment=assessment, actor=self.w.ward_officer, reason="Thiếu tài liệu kiểm chứng"
            )
        returned = assessment_return(
            assessment=assessment, actor=self.w.city_officer, reason="Thiếu tài liệu kiểm chứng"
        )
        self.assertEqual(returned.status, "draft")
        self.assertTrue(
            Notification.objects.filter(
                event="parindex.returned", recipient=self.w.ward_officer.email
            ).exists()
        )
        assessment_submit(assessment=assessment, actor=self.w.ward_officer)
        assessment.refresh_from_db()
        self.assertEqual(assessment.status, "submitted")
        self.assertEqual(audit_verify(), [])
