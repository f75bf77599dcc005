"""The pages under /chi-so-cchc/: access, import, scoring, appraisal, ranking, history."""

from __future__ import annotations

import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from openpyxl import load_workbook

from motcua.parindex.models import Assessment, Definition, Evidence, Score
from motcua.parindex.sample import sample_bytes
from motcua.parindex.services import assessment_score, assessment_start, assessment_submit
from motcua.parindex.tests.helpers import ParWorld, workbook
from motcua.parindex.tests.test_assessment import png


class PageTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.w = ParWorld()

    def login(self, user) -> None:
        self.client.force_login(user)

    def test_home_is_for_reform_officers(self) -> None:
        self.login(self.w.nobody)
        self.assertEqual(self.client.get("/chi-so-cchc/").status_code, 403)
        self.login(self.w.ward_officer)
        response = self.client.get("/chi-so-cchc/")
        self.assertContains(response, "Chỉ số")
        self.assertNotContains(response, 'enctype="multipart/form-data"')

    def test_administrator_imports_through_the_page(self) -> None:
        self.login(self.w.admin)
        bad = workbook(tree=[["1", "Lĩnh vực", 5, None, None, None]])
        response = self.client.post("/chi-so-cchc/", {"file": SimpleUploadedFile("x.xlsx", bad)})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, 'id="import-errors"', status_code=400)
        self.assertFalse(Definition.objects.exists())
        response = self.client.post(
            "/chi-so-cchc/", {"file": SimpleUploadedFile("x.xlsx", sample_bytes())}
        )
        definition = Definition.objects.get()
        self.assertRedirects(response, f"/chi-so-cchc/bo-chi-so/{definition.pk}/")
        page = self.client.get(f"/chi-so-cchc/bo-chi-so/{definition.pk}/")
        self.assertContains(page, "Tỉ lệ hồ sơ giải quyết đúng hạn")
        export = self.client.get(f"/chi-so-cchc/bo-chi-so/{definition.pk}/excel/")
        sheets = load_workbook(io.BytesIO(export.content)).sheetnames
        self.assertEqual(sheets, ["Bộ chỉ số", "Tiêu chí"])

    def test_an_officer_cannot_import(self) -> None:
        self.login(self.w.ward_officer)
        response = self.client.post(
            "/chi-so-cchc/", {"file": SimpleUploadedFile("x.xlsx", sample_bytes())}
        )
        self.assertEqual(response.status_code, 403)
        self.assertFalse(Definition.objects.exists())


class AssessmentPageTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.w = ParWorld()
        cls.definition = cls.w.sample()

    def open(self) -> Assessment:
        self.client.force_login(self.w.ward_officer)
        response = self.client.post("/chi-so-cchc/bat-dau/", {"unit": self.w.ward.pk, "year": 2026})
        assessment = Assessment.objects.get()
        self.assertRedirects(response, f"/chi-so-cchc/danh-gia/{assessment.pk}/")
        return assessment

    def test_scoring_through_the_page(self) -> None:
        assessment = self.open()
        url = f"/chi-so-cchc/danh-gia/{assessment.pk}/"
        page = self.client.get(url)
        self.assertContains(page, "Ban hành kế hoạch CCHC năm đúng thời hạn")
        score = Score.objects.get(assessment=assessment, sub_criterion__code="1.1.1")
        sub = score.sub_criterion_id
        response = self.client.post(
            url, {"action": "score", "sub": sub, f"s{sub}-points": "5", f"s{sub}-note": ""}
        )
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, 'class="error-summary"', status_code=400)
        self.assertContains(response, f'href="#id_s{sub}-points"', status_code=400)
        score.refresh_from_db()
        self.assertIsNone(score.self_points)
        response = self.client.post(
            url,
            {
                "action": "score",
                "sub": sub,
                f"s{sub}-points": "1",
                f"s{sub}-note": "Kế hoạch số 12/KH-UBND",
                f"s{sub}-file": png(),
            },
        )
        self.assertRedirects(response, url + f"#r{sub}", fetch_redirect_response=False)
        score.refresh_from_db()
        self.assertEqual(score.self_points, Decimal(1))
        evidence = Evidence.objects.get()
        download = self.client.get(f"{url}tep/{evidence.pk}/")
        self.assertEqual(download["Content-Type"], "image/png")
        self.client.force_login(self.w.other_officer)
        self.assertEqual(self.client.get(f"{url}tep/{evidence.pk}/").status_code, 404)
        self.assertEqual(self.client.get(url).status_code, 404)
        self.client.force_login(self.w.ward_officer)
        response = self.client.post(url, {"action": "remove_evidence", "evidence": evidence.pk})
        self.assertRedirects(response, url, fetch_redirect_response=False)
        self.assertFalse(Evidence.objects.exists())

    def test_an_appraiser_who_submitted_sees_why_there_is_nothing_to_appraise(self) -> None:
        assessment = self.open()
        url = f"/chi-so-cchc/danh-gia/{assessment.pk}/"
        for score in Score.objects.filter(assessment=assessment, automatic=False).select_related(
            "sub_criterion"
        ):
            assessment_score(
                assessment=assessment,
                sub_criterion_id=score.sub_criterion_id,
                points=score.sub_criterion.max_points,
                actor=self.w.city_officer,
            )
        assessment_submit(assessment=assessment, actor=self.w.city_officer)
        self.client.force_login(self.w.city_officer)
        page = self.client.get(url)
        self.assertContains(page, 'id="own-work"', html=False)
        self.assertNotContains(page, 'value="appraise"')
        self.assertEqual(self.client.post(url, {"action": "appraise"}).status_code, 403)

    def test_submit_refused_while_incomplete_then_appraised_by_the_city(self) -> None:
        assessment = self.open()
        url = f"/chi-so-cchc/danh-gia/{assessment.pk}/"
        response = self.client.post(url, {"action": "submit"})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "1.1.1", status_code=400)
        # Rows a rule scores (communication forms, initiatives …) cannot be typed.
        for score in Score.objects.filter(assessment=assessment, automatic=False).select_related(
            "sub_criterion"
        ):
            assessment_score(
                assessment=assessment,
                sub_criterion_id=score.sub_criterion_id,
                points=score.self_points or score.sub_criterion.max_points,
                actor=self.w.ward_officer,
            )
        self.assertRedirects(
            self.client.post(url, {"action": "submit"}), url, fetch_redirect_response=False
        )
        # The ward's officer cannot appraise; the city's can.
        response = self.client.post(url, {"action": "survey", "points": "10"})
        self.assertEqual(response.status_code, 403)
        self.assertNotContains(self.client.get(url), 'value="appraise"')
        self.client.force_login(self.w.city_officer)
        self.assertContains(self.client.get(url), 'value="appraise"')
        response = self.client.post(url, {"action": "survey", "points": "99"})
        self.assertEqual(response.status_code, 400)
        response = self.client.post(url, {"action": "return", "reason": ""})
        self.assertContains(response, "id_reason", status_code=400)
        self.client.post(url, {"action": "survey", "points": "12"})
        self.assertRedirects(
            self.client.post(url, {"action": "appraise"}), url, fetch_redirect_response=False
        )
        assessment.refresh_from_db()
        self.assertEqual((assessment.status, assessment.survey_points), ("appraised", 12))
        self.assertNotContains(self.client.get(url), 'id="own-work"', html=False)
        ranking = self.client.get(f"/chi-so-cchc/bo-chi-so/{self.definition.pk}/xep-hang/")
        self.assertContains(ranking, self.w.ward.name)
        sheet = self.client.get(
            f"/chi-so-cchc/bo-chi-so/{self.definition.pk}/xep-hang/", {"format": "xlsx"}
        )
        rows = list(load_workbook(io.BytesIO(sheet.content)).active.values)
        self.assertEqual(rows[1][0:2], (1, self.w.ward.name))
        history = self.client.get(f"/chi-so-cchc/don-vi/{self.w.ward.pk}/")
        self.assertContains(history, "2026")
        export = self.client.get(f"{url}excel/")
        self.assertEqual(export.status_code, 200)

    def test_unknown_action_and_submitted_form_rows(self) -> None:
        assessment = assessment_start(unit=self.w.ward, year=2026, actor=self.w.ward_officer)
        for score in Score.objects.filter(assessment=assessment).select_related("sub_criterion"):
            assessment_score(
                assessment=assessment,
                sub_criterion_id=score.sub_criterion_id,
                points="0",
                actor=self.w.ward_officer,
            )
        assessment_submit(assessment=assessment, actor=self.w.ward_officer)
        self.client.force_login(self.w.ward_officer)
        url = f"/chi-so-cchc/danh-gia/{assessment.pk}/"
        self.assertEqual(self.client.post(url, {"action": "xoa"}).status_code, 400)
        sub = Score.objects.filter(assessment=assessment).first().sub_criterion_id
        response = self.client.post(url, {"action": "score", "sub": sub, f"s{sub}-points": "0"})
        self.assertEqual(response.status_code, 409)
