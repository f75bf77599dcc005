"""SIPAS-style survey campaigns: created per unit and period, answered online or on paper.

Online answers are anonymous: the respondent's browser holds a random
device token, and only a hash of it with the campaign is kept, so one
device answers a campaign once (a database constraint) without anyone
learning who answered. The pages add a rate limit and a honeypot.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from motcua.core import clock
from motcua.core.audit import audit_record
from motcua.core.errors import ApplicationError, ConflictError, NotFoundError
from motcua.core.text import nfc
from motcua.feedback.constants import SurveyChannel
from motcua.feedback.models import Questionnaire, SurveyCampaign, SurveyResponse
from motcua.feedback.services.common import director_roles, reader_roles, require_any
from motcua.feedback.stats import Estimate, survey_indices
from motcua.org.models import Unit


def _field(field: str, message: str, code: str) -> ApplicationError:
    return ApplicationError(
        message, code=code, extra={"errors": [{"field": field, "message": message}]}
    )


def campaign_roles() -> list[str]:
    return sorted({*director_roles(), *reader_roles()})


def campaign_create(
    *,
    unit: Unit,
    questionnaire: Questionnaire,
    name: str,
    starts_on: date,
    ends_on: date,
    sample_target: int,
    actor: Any,
) -> SurveyCampaign:
    """Open a survey of ``unit`` from ``starts_on`` to ``ends_on`` aiming at ``sample_target`` answers."""
    name = nfc(name or "")
    if not name:
        raise _field("name", _("Name the campaign."), "name_required")
    if ends_on < starts_on:
        raise _field("ends_on", _("The campaign cannot end before it starts."), "invalid_period")
    if sample_target < 1:
        raise _field("sample_target", _("The sample target is at least 1."), "invalid_target")
    if questionnaire.effective_from > starts_on:
        raise _field(
            "questionnaire",
            _("This questionnaire version takes effect only on %(day)s.")
            % {"day": questionnaire.effective_from.strftime("%d/%m/%Y")},
            "questionnaire_not_in_force",
        )
    require_any(actor, campaign_roles(), unit, what=_("run surveys"))
    with transaction.atomic():
        campaign = SurveyCampaign.objects.create(
            unit=unit,
            questionnaire=questionnaire,
            name=name[:200],
            starts_on=starts_on,
            ends_on=ends_on,
            sample_target=sample_target,
            slug=secrets.token_urlsafe(9),
            created_by=actor,
        )
        audit_record(
            actor=actor,
            action="feedback.campaign_create",
            obj=campaign,
            new_stream=True,
            data={
                "unit": unit.pk,
                "questionnaire": f"{questionnaire.code} v{questionnaire.version}",
                "from": starts_on.isoformat(),
                "until": ends_on.isoformat(),
                "target": sample_target,
            },
        )
    return campaign


def clean_answers(questionnaire: Questionnaire, raw: Mapping[str, Any]) -> dict[str, Any]:
    """Return the answers kept: each aspect's level 1–5 or None, the overall level, expectations."""
    definition = questionnaire.definition
    aspects: dict[str, int | None] = {}
    for aspect in questionnaire.aspects:
        aspects[aspect["key"]] = _level(raw.get(f"aspect_{aspect['key']}"), aspect["name"])
    overall = _level(raw.get("overall"), _("Overall satisfaction"))
    options = list(definition.get("expectations", {}).get("options", []))
    chosen = raw.get("expectations") or []
    if isinstance(chosen, str):
        chosen = [chosen]
    picks = sorted({int(c) for c in chosen if str(c).isdigit() and int(c) < len(options)})
    most = int(definition.get("expectations", {}).get("max", 3))
    if len(picks) > most:
        raise _field(
            "expectations",
            _("Choose at most %(count)s improvements.") % {"count": most},
            "too_many_choices",
        )
    if all(v is None for v in aspects.values()) and overall is None:
        raise _field(
            "aspect_" + questionnaire.aspects[0]["key"],
            _("Answer at least one question."),
            "empty_answer",
        )
    return {"aspects": aspects, "overall": overall, "expectations": picks}


def _level(value: Any, name: str) -> int | None:
    if value in (None, ""):
        return None
    text = str(value)
    if not text.isdigit() or not 1 <= int(text) <= 5:
        raise _field(
            "answers", _("%(name)s: choose a level from 1 to 5.") % {"name": name}, "invalid_level"
        )
    return int(text)


def device_hash(campaign: SurveyCampaign, device: str) -> str:
    return hashlib.sha256(f"{campaign.slug}:{device}".encode()).hexdigest()


def campaign_open(slug: str) -> SurveyCampaign:
    campaign = (
        SurveyCampaign.objects.select_related("questionnaire", "unit").filter(slug=slug).first()
    )
    if campaign is None:
        raise NotFoundError(_("This survey does not exist."), code="no_campaign")
    return campaign


def survey_answer_online(
    *, campaign: SurveyCampaign, device: str, raw: Mapping[str, Any]
) -> SurveyResponse:
    """Record an anonymous online answer; one per device and campaign, within its period."""
    today = clock.localdate()
    if not campaign.starts_on <= today <= campaign.ends_on:
        raise ConflictError(
            _("This survey runs from %(start)s to %(end)s.")
            % {
                "start": campaign.starts_on.strftime("%d/%m/%Y"),
                "end": campaign.ends_on.strftime("%d/%m/%Y"),
            },
            code="campaign_closed",
        )
    if not device or len(device) < 16:
        raise ApplicationError(
            _("Allow cookies for this site to answer the survey (one answer per device)."),
            code="no_device",
        )
    answers = clean_answers(campaign.questionnaire, raw)
    digest = device_hash(campaign, device)
    try:
        with transaction.atomic():
            response = SurveyResponse.objects.create(
                campaign=campaign,
                channel=SurveyChannel.ONLINE,
                device_hash=digest,
                answers=answers,
                submitted_at=clock.now(),
            )
            audit_record(
                actor="respondent",
                action="feedback.survey_answer",
                obj=campaign,
                data={"response": response.pk, "channel": "online"},
            )
    except IntegrityError:
        raise ConflictError(
            _("This device has already answered this survey. Thank you!"), code="already_answered"
        ) from None
    return response


def survey_answer_paper(
    *, campaign: SurveyCampaign, actor: Any, raw: Mapping[str, Any], paper_number: str
) -> SurveyResponse:
    """Enter a paper questionnaire (numbered, so the same sheet is not entered twice)."""
    require_any(actor, campaign_roles(), campaign.unit, what=_("enter survey answers"))
    number = nfc(paper_number or "")
    if not number:
        raise _field(
            "paper_number", _("Write the number printed on the paper form."), "number_required"
        )
    answers = clean_answers(campaign.questionnaire, raw)
    try:
        with transaction.atomic():
            response = SurveyResponse.objects.create(
                campaign=campaign,
                channel=SurveyChannel.PAPER,
                answers=answers,
                submitted_at=clock.now(),
                entered_by=actor,
                paper_number=number[:30],
            )
            audit_record(
                actor=actor,
                action="feedback.survey_answer",
                obj=campaign,
                data={"response": response.pk, "channel": "paper", "number": number},
            )
    except IntegrityError:
        raise ConflictError(
            _("Paper form %(number)s has already been entered.") % {"number": number},
            code="duplicate_paper",
        ) from None
    return response


def campaign_results(campaign: SurveyCampaign) -> tuple[list[Estimate], Estimate, int]:
    """Return the aspect estimates, the overall one and the number of answers."""
    # .all(): a list page prefetches the responses of all its campaigns in one query.
    answers = [response.answers for response in campaign.responses.all()]
    aspects, overall = survey_indices(
        campaign.questionnaire.definition,
        answers,
        overall_method=campaign.questionnaire.overall_method,
    )
    return aspects, overall, len(answers)
