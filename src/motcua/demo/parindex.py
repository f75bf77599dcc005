"""Demo data of the parindex app: the sample indices, one assessment in progress, one appraised.

The commune index is the shipped sample workbook; the city (a province-level
unit) gets the provincial variant. Thành phố Cần Thơ's self-assessment is a
draft with a few rows scored; phường Ngã Bảy's is scored and submitted by the
ward's reform officer and appraised by the city's (whoever scored or submitted
a self-assessment may not appraise it). Everything goes through the
services as the demo users; running it again creates nothing.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model

from motcua.parindex.models import Assessment, AssessmentStatus, Definition, Score
from motcua.parindex.sample import sample_bytes, sample_workbook
from motcua.parindex.services import (
    assessment_appraise,
    assessment_appraise_score,
    assessment_score,
    assessment_start,
    assessment_submit,
    assessment_survey,
    definition_import,
)

YEAR = 2026  # the sample's year
OFFICER = "cchc.cantho"
WARD_OFFICER = "cchc.ngabay"
ADMINISTRATOR = "quantri"
# Share of the maximum each manual row is self-scored with (the ward's, then the city's).
WARD_SHARE = Decimal("0.9")
CITY_ROWS = 3


def _user(username: str) -> Any:
    return get_user_model().objects.filter(username=username, is_active=True).first()


def load_demo_parindex(*, actor: str, units: Any) -> dict[str, Any]:
    officer, administrator = _user(OFFICER), _user(ADMINISTRATOR)
    ward_officer = _user(WARD_OFFICER)
    city, ward = units.get("can-tho"), units.get("nga-bay")
    if None in (officer, ward_officer, administrator, city, ward):
        return {"lines": ["Chỉ số CCHC: bỏ qua (thiếu tài khoản hoặc đơn vị mẫu)."]}
    year = YEAR
    made = []
    for level, data in (("commune", sample_bytes), ("province", None)):
        if not Definition.objects.filter(year=year, level=level).exists():
            content = data() if data else sample_workbook("province")
            made.append(definition_import(data=content, actor=administrator).name)
    ward_assessment = assessment_start(unit=ward, year=year, actor=ward_officer)
    if ward_assessment.status == AssessmentStatus.DRAFT:
        _score(ward_assessment, ward_officer, rows=None)
        assessment_submit(assessment=ward_assessment, actor=ward_officer)
        ward_assessment.refresh_from_db()
    if ward_assessment.status == AssessmentStatus.SUBMITTED:
        first = (
            Score.objects.filter(assessment=ward_assessment, automatic=False)
            .select_related("sub_criterion")
            .order_by("sub_criterion__code")
            .first()
        )
        if first is not None and first.appraisal_points is None:
            assessment_appraise_score(
                assessment=ward_assessment,
                sub_criterion_id=first.sub_criterion_id,
                points=first.sub_criterion.max_points / 2,
                note="Kế hoạch ban hành chậm so với yêu cầu.",
                actor=officer,
            )
        assessment_survey(assessment=ward_assessment, points="15.5", actor=officer)
        assessment_appraise(assessment=ward_assessment, actor=officer)
    city_assessment = assessment_start(unit=city, year=year, actor=officer)
    if city_assessment.status == AssessmentStatus.DRAFT:
        _score(city_assessment, officer, rows=CITY_ROWS)
    lines = [f"Chỉ số CCHC: đã nhập “{name}”." for name in made]
    lines.append(
        f"Chỉ số CCHC {year}: {ward.name} đã thẩm định; {city.name} đang tự đánh giá "
        f"({Assessment.objects.filter(status=AssessmentStatus.APPRAISED).count()} bản đã thẩm định)."
    )
    return {"lines": lines}


def _score(assessment: Assessment, officer: Any, *, rows: int | None) -> None:
    """Self-score the manual rows still empty (all, or the first ``rows``)."""
    empty = list(
        Score.objects.filter(assessment=assessment, automatic=False, self_points__isnull=True)
        .select_related("sub_criterion")
        .order_by("sub_criterion__code")
    )
    done = Score.objects.filter(
        assessment=assessment, automatic=False, self_points__isnull=False
    ).count()
    if rows is not None:
        empty = empty[: max(rows - done, 0)]
    for score in empty:
        points = (score.sub_criterion.max_points * WARD_SHARE).quantize(Decimal("0.01"))
        assessment_score(
            assessment=assessment,
            sub_criterion_id=score.sub_criterion_id,
            points=points,
            note="Số liệu theo báo cáo CCHC năm của đơn vị.",
            actor=officer,
        )
