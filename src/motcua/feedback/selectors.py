"""Reads of the feedback app: lists, the summary of a unit and period, exports.

A unit's figures cover it and every unit below it. Periods are written
``2026``, ``2026-Q3`` or ``2026-07`` and read as local days.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Avg, Count, F, Prefetch, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core import clock
from motcua.core.errors import ApplicationError
from motcua.feedback.constants import AnswerRating, PaknKind, PaknStatus, SatisfactionLevel
from motcua.feedback.excel import workbook
from motcua.feedback.models import (
    Evaluation,
    EvaluationScheme,
    IndicatorScore,
    Pakn,
    SurveyCampaign,
    SurveyResponse,
)
from motcua.feedback.services.surveys import campaign_results, campaign_roles
from motcua.org.models import RoleAssignment, Unit
from motcua.org.selectors import user_scope_q, valid_on_q

_PERIOD = re.compile(r"^(\d{4})(?:-(?:Q([1-4])|(\d{2})))?$")


def period_range(period: str) -> tuple[date, date]:
    """Return the first and last day of ``2026``, ``2026-Q3`` or ``2026-07``."""
    match = _PERIOD.match((period or "").strip())
    if not match:
        raise ApplicationError(
            _("Write the period as 2026, 2026-Q3 or 2026-07."),
            code="invalid_period",
            extra={
                "errors": [
                    {
                        "field": "query.period",
                        "message": _("Write the period as 2026, 2026-Q3 or 2026-07."),
                    }
                ]
            },
        )
    year = int(match.group(1))
    if match.group(2):
        first_month = (int(match.group(2)) - 1) * 3 + 1
        months = 3
    elif match.group(3):
        first_month = int(match.group(3))
        if not 1 <= first_month <= 12:
            raise ApplicationError(
                _("There is no month %(m)s.") % {"m": first_month}, code="invalid_period"
            )
        months = 1
    else:
        first_month, months = 1, 12
    start = date(year, first_month, 1)
    end_month = first_month + months
    end = (date(year + (end_month - 1) // 12, (end_month - 1) % 12 + 1, 1)) - timedelta(days=1)
    return start, end


def _instants(start: date, end: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return (
        datetime.combine(start, time.min, tzinfo=tz),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz),
    )


def under(unit: Unit, field: str) -> Q:
    """Filter on ``field`` being ``unit`` or a unit below it (the scope of a unit's figures)."""
    return Q(**{f"{field}__path__startswith": unit.path})


def units_in_scope(user: Any, roles: Iterable[str]) -> QuerySet[Unit]:
    """Return the units ``user`` acts for with any of ``roles``: those held and those below."""
    scope = Unit.objects.none()
    for role in roles:
        scope = scope | Unit.objects.filter(user_scope_q(user, role, field=""))
    return scope


def units_held(user: Any, roles: Iterable[str], *, on: date | None = None) -> list[Unit]:
    """Return the units on which ``user`` holds any of ``roles`` on ``on``, by name (one query).

    The units named by the assignments (as ``org.selectors.user_units_for_role``
    for one role); their roles also cover the units below them.
    """
    if not (getattr(user, "is_authenticated", False) and getattr(user, "is_active", False)):
        return []
    day = on or clock.localdate()
    held = (
        RoleAssignment.objects.filter(user=user, role__code__in=list(roles))
        .filter(valid_on_q(day))
        .values("unit_id")
    )
    return list(Unit.objects.filter(pk__in=held).filter(valid_on_q(day)).order_by("name"))


def evaluations_in(unit: Unit, start: date, end: date) -> QuerySet[Evaluation]:
    lo, hi = _instants(start, end)
    return Evaluation.objects.filter(
        under(unit, "receiving_unit") | under(unit, "agency"),
        submitted_at__gte=lo,
        submitted_at__lt=hi,
    )


def pakn_in(unit: Unit, start: date, end: date) -> QuerySet[Pakn]:
    lo, hi = _instants(start, end)
    return Pakn.objects.filter(under(unit, "unit"), received_at__gte=lo, received_at__lt=hi)


def campaigns_in(unit: Unit, start: date, end: date) -> QuerySet[SurveyCampaign]:
    return (
        SurveyCampaign.objects.filter(under(unit, "unit"), starts_on__lte=end, ends_on__gte=start)
        .select_related("unit", "questionnaire")
        .prefetch_related(
            Prefetch("responses", SurveyResponse.objects.only("campaign_id", "answers"))
        )
    )


def feedback_summary(unit: Unit, period: str) -> dict[str, Any]:
    """Return the figures of ``unit`` (and below) in ``period``.

    Ratings: the count per level and the mean of each indicator. PAKN: the
    count per state and the share answered on time among those due or
    answered (QĐ 766 5.2: "handled on time or still within time" counts).
    Surveys: each campaign's indices with sample size and 95% interval.
    """
    start, end = period_range(period)
    evaluations = evaluations_in(unit, start, end)
    levels = dict(evaluations.values_list("level").annotate(n=Count("id")).order_by())
    scheme = EvaluationScheme.objects.filter(effective_from__lte=end).first()
    means = dict(
        IndicatorScore.objects.filter(evaluation__in=evaluations)
        .values_list("number")
        .annotate(mean=Avg("score"))
        .order_by()
    )
    indicators = [
        {"number": n, "name": name, "mean": round(float(means[n]), 4) if n in means else None}
        for n, name in enumerate(scheme.indicators if scheme else [], start=1)
    ]
    pakn = pakn_in(unit, start, end)
    states = dict(pakn.values_list("status").annotate(n=Count("id")).order_by())
    now = clock.now()
    answered = pakn.filter(answered_at__isnull=False)
    on_time = answered.filter(answered_at__lte=F("due_at")).count()
    still_within = pakn.filter(answered_at__isnull=True, due_at__gte=now).count()
    late_open = pakn.filter(answered_at__isnull=True, due_at__lt=now).count()
    counted = answered.count() + still_within + late_open
    surveys = [campaign_figures(c) for c in campaigns_in(unit, start, end)]
    return {
        "unit_id": unit.pk,
        "unit_name": unit.name,
        "period": period,
        "start": start,
        "end": end,
        "ratings": {
            "total": sum(levels.values()),
            "levels": {level: levels.get(level, 0) for level in SatisfactionLevel.values},
            "indicators": indicators,
        },
        "pakn": {
            "total": sum(states.values()),
            "states": {state: states.get(state, 0) for state in PaknStatus.values},
            "on_time_share": round((on_time + still_within) / counted, 4) if counted else None,
            "on_time": on_time,
            "within_time": still_within,
            "late": counted - on_time - still_within,
        },
        "surveys": surveys,
    }


@dataclass(frozen=True)
class PaknGroup5:
    """The PAKN figures of QĐ 766 group 5 for a unit's subtree and a period ([L] formulas).

    - 5.2 on time: ``on_time_or_within / received`` — answered by the due instant, or
      not answered and not yet due (unassigned ones have no due yet and count as within);
    - 5.3 satisfaction: ``(received − dissatisfied − overdue) / received`` — the answer
      rated dissatisfied, or overdue (answered late or past due unanswered), counts against.
      Re-raised PAKN are not tracked yet.

    ``about_dossiers`` counts those about a dossier (QĐ 766 5.4 counts them against);
    ``about_regulations`` and ``about_handling`` those classified each way (5.1, tracked).
    """

    received: int
    on_time_or_within: int
    overdue: int
    dissatisfied: int
    about_dossiers: int = 0
    about_regulations: int = 0
    about_handling: int = 0

    @property
    def satisfied_numerator(self) -> int:
        return self.received - self.dissatisfied - self.overdue


def _group5_counts(moment: datetime) -> dict[str, Any]:
    late = Q(answered_at__isnull=False, answered_at__gt=F("due_at")) | Q(
        answered_at__isnull=True, due_at__lt=moment
    )
    return {
        "received": Count("id"),
        "overdue": Count("id", filter=late),
        "dissatisfied": Count("id", filter=Q(answer_rating=AnswerRating.DISSATISFIED) & ~late),
        "about_dossiers": Count("id", filter=Q(dossier__isnull=False)),
        "about_regulations": Count("id", filter=Q(kind=PaknKind.REGULATION)),
        "about_handling": Count("id", filter=Q(kind=PaknKind.HANDLING)),
    }


def _group5(figures: dict[str, Any]) -> PaknGroup5:
    return PaknGroup5(
        received=figures["received"],
        on_time_or_within=figures["received"] - figures["overdue"],
        overdue=figures["overdue"],
        dissatisfied=figures["dissatisfied"],
        about_dossiers=figures["about_dossiers"],
        about_regulations=figures["about_regulations"],
        about_handling=figures["about_handling"],
    )


def pakn_group5(unit: Unit, start: date, end: date, *, now: datetime | None = None) -> PaknGroup5:
    """Return the group-5 PAKN figures; one query."""
    return _group5(pakn_in(unit, start, end).aggregate(**_group5_counts(now or clock.now())))


def pakn_group5_by_year(
    unit: Unit, years: list[int], *, now: datetime | None = None
) -> dict[int, PaknGroup5]:
    """Return the group-5 PAKN figures of each of ``years`` (local years); one query."""
    rows: Any = (
        pakn_in(unit, date(min(years), 1, 1), date(max(years), 12, 31))
        .annotate(year=ExtractYear("received_at"))
        .order_by()
        .values("year")
        .annotate(**_group5_counts(now or clock.now()))
    )
    by_year = {r["year"]: _group5(r) for r in rows}
    empty = dict.fromkeys(
        (
            "received",
            "overdue",
            "dissatisfied",
            "about_dossiers",
            "about_regulations",
            "about_handling",
        ),
        0,
    )
    return {year: by_year.get(year) or _group5(empty) for year in years}


def campaign_figures(campaign: SurveyCampaign) -> dict[str, Any]:
    """Return a campaign's indices with their sample sizes and intervals, as plain data."""
    aspects, overall, count = campaign_results(campaign)
    return {
        "campaign_id": campaign.pk,
        "name": campaign.name,
        "unit_id": campaign.unit_id,
        "unit_name": campaign.unit.name,
        "starts_on": campaign.starts_on,
        "ends_on": campaign.ends_on,
        "sample_target": campaign.sample_target,
        "answers": count,
        "overall": overall.as_dict(),
        "aspects": [a.as_dict() for a in aspects],
    }


def campaigns_for(user: Any) -> list[dict[str, Any]]:
    """Return the campaigns of the user's units, newest first, with their indices."""
    rows = []
    campaigns = (
        SurveyCampaign.objects.filter(unit__in=units_in_scope(user, campaign_roles()))
        .select_related("unit", "questionnaire")
        .prefetch_related(
            Prefetch("responses", SurveyResponse.objects.only("campaign_id", "answers"))
        )
    )
    for campaign in campaigns[:100]:
        _aspects, overall, count = campaign_results(campaign)
        rows.append({"campaign": campaign, "overall": overall, "count": count})
    return rows


def campaign_export(campaign: SurveyCampaign) -> bytes:
    """Return the campaign's indices and answers as .xlsx."""
    aspects, overall, count = campaign_results(campaign)
    definition = campaign.questionnaire.definition
    keys = [a["key"] for a in campaign.questionnaire.aspects]
    options = definition.get("expectations", {}).get("options", [])
    index_rows = [
        [e.name if e.key != "overall" else _("Overall index"), e.value, e.n, e.low, e.high]
        for e in [*aspects, overall]
    ]
    answers = [
        [
            r.pk,
            r.get_channel_display(),
            r.paper_number,
            r.submitted_at,
            *[r.answers.get("aspects", {}).get(k) for k in keys],
            r.answers.get("overall"),
            "; ".join(options[i] for i in r.answers.get("expectations", []) if i < len(options)),
        ]
        for r in campaign.responses.order_by("id")
    ]
    return workbook(
        [
            (
                _("Indices"),
                [_("Aspect"), _("Index"), _("Sample size"), _("95% CI low"), _("95% CI high")],
                [*index_rows, [_("Answers"), count, campaign.sample_target, None, None]],
            ),
            (
                _("Answers"),
                [
                    "#",
                    _("Channel"),
                    _("Paper form number"),
                    _("Submitted at"),
                    *[a["name"] for a in campaign.questionnaire.aspects],
                    _("Overall satisfaction"),
                    _("Expectations"),
                ],
                answers,
            ),
        ]
    )


def evaluations_export(rows: QuerySet[Evaluation]) -> bytes:
    data = [
        [
            e.dossier.code,
            e.procedure.code,
            e.receiving_unit.name,
            e.agency.name,
            e.get_level_display(),
            e.total,
            e.band,
            e.get_channel_display(),
            e.submitted_at,
            e.intake_officer.get_username() if e.intake_officer else "",
            e.comment,
        ]
        for e in rows.select_related(
            "dossier", "procedure", "receiving_unit", "agency", "intake_officer"
        )
    ]
    header = [
        _("Dossier"),
        _("Procedure"),
        _("Receiving unit"),
        _("Handling agency"),
        _("Satisfaction"),
        _("Points"),
        _("Band"),
        _("Channel"),
        _("Rated at"),
        _("Intake officer"),
        _("Comment"),
    ]
    return workbook([(_("Ratings"), header, data)])


def pakn_export(rows: QuerySet[Pakn]) -> bytes:
    data = [
        [
            p.code,
            p.get_channel_display(),
            p.get_kind_display(),
            p.get_status_display(),
            p.title,
            p.unit.name if p.unit else "",
            p.received_at,
            p.due_at,
            p.answered_at,
            p.on_time,
            p.get_answer_rating_display(),
        ]
        for p in rows.select_related("unit")
    ]
    header = [
        _("Code"),
        _("Received through"),
        _("Classification"),
        _("Status"),
        _("Subject"),
        _("Assigned to"),
        _("Received at"),
        _("Answer due"),
        _("Answered at"),
        _("On time"),
        _("Rating of the answer"),
    ]
    return workbook([(_("PAKN"), header, data)])
