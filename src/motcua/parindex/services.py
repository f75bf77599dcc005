"""Writes of the parindex app: definition import, self-assessment, submission, appraisal.

Every change of an assessment locks its row, writes one
:class:`~motcua.parindex.models.AssessmentEvent` and one audit record that
vouches for it, and queues its notifications in the same transaction
(they are delivered after the commit). An assessment goes
draft → submitted → appraised; self-scores change only in a draft, the
appraisal scores and the survey component only once submitted.

Who may act (roles are settings, :mod:`.conf`): a scorer role held on the
unit (or above it) self-scores and submits; an appraiser role held on a
unit strictly above the assessed unit appraises — the reviewing body.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Q
from django.utils import translation
from django.utils.translation import gettext as _

from motcua.core import clock
from motcua.core.audit import audit_record
from motcua.core.errors import ApplicationError, ConflictError, NotFoundError, PermissionDeniedError
from motcua.core.notifications import notify
from motcua.core.spreadsheets import Problems, write_all_or_nothing
from motcua.core.text import nfc
from motcua.core.uploads import UploadError, atomic_with_files, check_upload, store_upload
from motcua.org.models import RoleAssignment, Unit, UnitTier
from motcua.org.selectors import user_has_role, valid_on_q
from motcua.parindex.conf import appraiser_roles, definition_roles, scorer_roles
from motcua.parindex.excel import ParsedDefinition, parse_definition
from motcua.parindex.models import (
    Area,
    Assessment,
    AssessmentEvent,
    AssessmentStatus,
    Criterion,
    Definition,
    Evidence,
    Level,
    Score,
    SubCriterion,
)
from motcua.parindex.rules import rule_run

MAX_FILES = 5


def _field(field: str, message: str, code: str) -> ApplicationError:
    return ApplicationError(
        message, code=code, extra={"errors": [{"field": field, "message": message}]}
    )


# --- who may act ---------------------------------------------------------------------------


def level_of(unit: Unit) -> str:
    """Return the index level that assesses ``unit``: communes, or the province's bodies."""
    return Level.COMMUNE if unit.kind.tier == UnitTier.COMMUNE else Level.PROVINCE


def definition_for(unit: Unit, year: int) -> Definition | None:
    """Return the index that assesses ``unit`` in ``year``.

    The one issued by the nearest unit above it (its province) wins over one
    issued higher up, and both over one without an issuer.
    """
    ancestors = unit.ancestor_ids()
    found = list(
        Definition.objects.filter(year=year, level=level_of(unit))
        .filter(Q(issuer__isnull=True) | Q(issuer_id__in=ancestors))
        .select_related("issuer")
    )
    if not found:
        return None

    def nearness(d: Definition) -> int:
        return ancestors.index(d.issuer_id) if d.issuer_id is not None else -1

    return max(found, key=nearness)


def may_define(actor: Any) -> bool:
    """Return whether ``actor`` may import index definitions."""
    if getattr(actor, "is_superuser", False):
        return True
    if not getattr(actor, "is_authenticated", False):
        return False
    today = clock.localdate()
    return (
        RoleAssignment.objects.filter(user_id=actor.pk, role__code__in=definition_roles())
        .filter(valid_on_q(today))
        .exists()
    )


def may_score(actor: Any, unit: Unit) -> bool:
    """Return whether ``actor`` self-scores ``unit`` (a scorer role on it or above it)."""
    return any(user_has_role(actor, role, unit) for role in scorer_roles())


def may_appraise(actor: Any, unit: Unit) -> bool:
    """Return whether ``actor`` belongs to the reviewing body: a role strictly above ``unit``."""
    if unit.parent_id is None:
        return False
    parent = Unit.objects.get(pk=unit.parent_id)
    return any(user_has_role(actor, role, parent) for role in appraiser_roles())


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDeniedError(message)


# --- definitions -------------------------------------------------------------------------


def definition_import(*, data: bytes, actor: Any, dry_run: bool = False) -> Definition:
    """Import a definition workbook (:mod:`.excel`): all of it, or nothing with every error.

    A definition of the same year and level is replaced while no unit has
    assessed itself against it; afterwards it can no longer change.
    """
    _require(may_define(actor), _("You cannot import PAR INDEX definitions."))
    problems = Problems(("Bộ chỉ số", "Tiêu chí"))
    parsed = parse_definition(data, problems)
    if parsed is not None:
        existing = Definition.objects.filter(
            year=parsed.year, level=parsed.level, issuer=parsed.issuer
        ).first()
        if existing is not None and existing.assessments.exists():
            problems.add(
                _(
                    "The %(level)s index of %(year)s already has self-assessments; "
                    "it can no longer be replaced."
                )
                % {"level": existing.get_level_display(), "year": parsed.year},
                sheet="Bộ chỉ số",
            )

    def write() -> Definition:
        assert parsed is not None
        return _definition_write(parsed, actor)

    return write_all_or_nothing(
        write,
        problems=problems,
        dry_run=dry_run,
        message=_("The definition was not imported: %(count)s problems."),
        code="invalid_definition",
    )


def _definition_write(parsed: ParsedDefinition, actor: Any) -> Definition:
    Definition.objects.filter(year=parsed.year, level=parsed.level, issuer=parsed.issuer).delete()
    definition = Definition.objects.create(
        issuer=parsed.issuer,
        year=parsed.year,
        level=parsed.level,
        name=parsed.name,
        legal_basis=parsed.legal_basis,
        survey_max_points=parsed.survey_max_points,
        created_at=clock.now(),
    )
    subs: list[SubCriterion] = []
    for i, node in enumerate(parsed.areas):
        area = Area.objects.create(definition=definition, code=node.code, name=node.name, order=i)
        for j, c_node in enumerate(node.children):
            criterion = Criterion.objects.create(
                area=area, code=c_node.code, name=c_node.name, order=j
            )
            subs.extend(
                SubCriterion(
                    criterion=criterion,
                    code=s.code,
                    name=s.name,
                    max_points=s.max_points or Decimal(0),
                    scoring_guide=s.guide,
                    evidence_required=s.evidence,
                    rule_code=s.rule,
                    order=k,
                )
                for k, s in enumerate(c_node.children)
            )
    SubCriterion.objects.bulk_create(subs)
    audit_record(
        actor=actor,
        action="parindex.definition_import",
        obj=definition,
        new_stream=True,
        data={
            "year": parsed.year,
            "level": parsed.level,
            "issuer": parsed.issuer.pk if parsed.issuer else None,
            "sub_criteria": len(subs),
            "total": str(parsed.total),
            "survey": str(parsed.survey_max_points),
        },
    )
    return definition


# --- assessments -------------------------------------------------------------------------


def _lock(assessment: Assessment | int) -> Assessment:
    pk = assessment.pk if isinstance(assessment, Assessment) else assessment
    locked = (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("unit__kind", "definition")
        .filter(pk=pk)
        .first()
    )
    if locked is None:
        raise NotFoundError(_("This self-assessment does not exist."))
    return locked


def _wrong_state(assessment: Assessment) -> ConflictError:
    return ConflictError(
        _("The self-assessment is “%(status)s”; this step is not possible now.")
        % {"status": assessment.get_status_display()},
        code="not_allowed_now",
    )


def _event(
    assessment: Assessment,
    *,
    actor: Any,
    action: str,
    before: str,
    data: dict[str, Any],
    new_stream: bool = False,
) -> AssessmentEvent:
    user = actor if getattr(actor, "is_authenticated", False) else None
    row = AssessmentEvent.objects.create(
        assessment=assessment,
        action=action,
        from_status=before,
        to_status=assessment.status,
        actor_repr=(user.get_username() if user else str(actor or ""))[:150],
        at=clock.now(),
        data=data,
    )
    audit_record(
        actor=actor,
        action=f"parindex.{action}",
        obj=assessment,
        data=data,
        history=row,
        new_stream=new_stream,
    )
    return row


def _points(raw: Any, maximum: Decimal, field: str) -> Decimal:
    """Return ``raw`` as points between 0 and ``maximum`` with at most two decimals."""
    try:
        value = Decimal(str(raw).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        value = Decimal("NaN")
    if not value.is_finite():
        raise _field(field, _("Write the points as a number, e.g. 1,5."), "invalid_points")
    if value != value.quantize(Decimal("0.01")):
        raise _field(field, _("Points have at most two decimals."), "invalid_points")
    if not Decimal(0) <= value <= maximum:
        raise _field(
            field,
            _("The points must be between 0 and %(max)s.") % {"max": f"{maximum:n}"},
            "points_out_of_range",
        )
    return value


def assessment_start(*, unit: Unit, year: int, actor: Any) -> Assessment:
    """Open the unit's self-assessment for ``year`` (idempotent), automatic rows scored."""
    _require(
        may_score(actor, unit),
        _("You cannot assess %(unit)s.") % {"unit": unit.name},
    )
    level = level_of(unit)
    definition = definition_for(unit, year)
    if definition is None:
        raise ApplicationError(
            _("No %(level)s PAR INDEX has been defined for %(year)s; an administrator imports it.")
            % {"level": Level(level).label, "year": year},
            code="no_definition",
        )
    with transaction.atomic():
        existing = Assessment.objects.filter(unit=unit, definition=definition).first()
        if existing is not None:
            return existing
        assessment = Assessment.objects.create(
            unit=unit, definition=definition, created_at=clock.now()
        )
        subs = SubCriterion.objects.filter(criterion__area__definition=definition)
        Score.objects.bulk_create(Score(assessment=assessment, sub_criterion=s) for s in subs)
        _event(
            assessment,
            actor=actor,
            action="assessment_start",
            before="",
            data={"unit": unit.pk, "year": year, "definition": definition.pk},
            new_stream=True,
        )
        _auto(assessment)
    return assessment


def _auto(assessment: Assessment) -> list[str]:
    """Score the automatic rows of a draft; return the codes that changed.

    The calculation is stored as text in the site's language (management
    commands run without one, and the text must read the same to everyone).
    """
    with translation.override(settings.LANGUAGE_CODE):
        return _auto_scores(assessment)


def _auto_scores(assessment: Assessment) -> list[str]:
    changed = []
    scores = Score.objects.filter(
        assessment=assessment, sub_criterion__rule_code__gt=""
    ).select_related("sub_criterion")
    for score in scores:
        sub = score.sub_criterion
        result = rule_run(
            sub.rule_code, assessment.unit, assessment.definition.year, sub.max_points
        )
        if result.available:
            new = (True, result.points, result.calculation, result.evidence)
        else:
            # Not available: the row is scored by hand; a hand score is kept.
            keep = None if score.automatic else score.self_points
            new = (False, keep, result.calculation, [])
        old = (score.automatic, score.self_points, score.calculation, score.evidence_links)
        if new != old:
            score.automatic, score.self_points, score.calculation, score.evidence_links = new
            score.save(update_fields=["automatic", "self_points", "calculation", "evidence_links"])
            changed.append(sub.code)
    return changed


def assessment_refresh(*, assessment: Assessment | int, actor: Any) -> Assessment:
    """Score the automatic rows of a draft again from today's data."""
    with transaction.atomic():
        locked = _lock(assessment)
        _require(
            may_score(actor, locked.unit),
            _("You cannot assess %(unit)s.") % {"unit": locked.unit.name},
        )
        if locked.status != AssessmentStatus.DRAFT:
            raise _wrong_state(locked)
        changed = _auto(locked)
        _event(
            locked,
            actor=actor,
            action="assessment_refresh",
            before=locked.status,
            data={"changed": changed},
        )
    return locked


def _score(locked: Assessment, sub_criterion_id: int) -> Score:
    score = (
        Score.objects.select_related("sub_criterion")
        .filter(assessment=locked, sub_criterion_id=sub_criterion_id)
        .first()
    )
    if score is None:
        raise NotFoundError(_("This sub-criterion is not part of the self-assessment."))
    return score


def assessment_score(
    *,
    assessment: Assessment | int,
    sub_criterion_id: int,
    points: Any,
    actor: Any,
    note: str = "",
    files: Sequence[Any] = (),
) -> Score:
    """Record the self-score of one sub-criterion of a draft, with evidence files."""
    given = [f for f in files if f]
    if len(given) > MAX_FILES:
        raise _field(
            "files", _("Attach at most %(count)s files.") % {"count": MAX_FILES}, "too_many_files"
        )
    checked = []
    for item in given:
        try:
            checked.append(check_upload(item))
        except UploadError as exc:
            raise _field("files", exc.message, exc.code) from None
    with atomic_with_files():
        locked = _lock(assessment)
        _require(
            may_score(actor, locked.unit),
            _("You cannot assess %(unit)s.") % {"unit": locked.unit.name},
        )
        if locked.status != AssessmentStatus.DRAFT:
            raise _wrong_state(locked)
        score = _score(locked, sub_criterion_id)
        sub = score.sub_criterion
        if score.automatic:
            if (
                points not in (None, "")
                and _points(points, sub.max_points, "points") != score.self_points
            ):
                raise _field(
                    "points",
                    _("This sub-criterion is scored automatically; its points cannot be typed."),
                    "automatic_row",
                )
            value = score.self_points
        elif points in (None, ""):
            value = None
        else:
            value = _points(points, sub.max_points, "points")
        score.self_points = value
        score.self_note = nfc(note or "")[:5000]
        score.save(update_fields=["self_points", "self_note"])
        now = clock.now()
        Evidence.objects.bulk_create(
            Evidence(
                score=score,
                name=upload.name[:200],
                content_type=upload.content_type,
                size=upload.size,
                sha256=upload.sha256,
                file=store_upload(upload, folder="parindex"),
                created_at=now,
            )
            for upload in checked
        )
        _event(
            locked,
            actor=actor,
            action="assessment_score",
            before=locked.status,
            data={
                "sub_criterion": sub.code,
                "points": None if value is None else str(value),
                "files": [upload.sha256 for upload in checked],
            },
        )
    return score


def assessment_evidence_remove(
    *, assessment: Assessment | int, evidence_id: int, actor: Any
) -> None:
    """Remove an evidence file of a draft (the stored file goes after the commit)."""
    with transaction.atomic():
        locked = _lock(assessment)
        _require(
            may_score(actor, locked.unit),
            _("You cannot assess %(unit)s.") % {"unit": locked.unit.name},
        )
        if locked.status != AssessmentStatus.DRAFT:
            raise _wrong_state(locked)
        evidence = (
            Evidence.objects.select_related("score__sub_criterion")
            .filter(pk=evidence_id, score__assessment=locked)
            .first()
        )
        if evidence is None:
            raise NotFoundError(_("This file does not exist."))
        stored = evidence.file
        data = {"sub_criterion": evidence.score.sub_criterion.code, "file": evidence.sha256}
        evidence.delete()
        _event(
            locked,
            actor=actor,
            action="assessment_evidence_remove",
            before=locked.status,
            data=data,
        )
        transaction.on_commit(lambda: default_storage.delete(stored))


def assessment_return(*, assessment: Assessment | int, actor: Any, reason: str) -> Assessment:
    """Send a submitted self-assessment back to its unit for correction (it becomes a draft)."""
    reason = nfc(reason or "").strip()
    if len(reason) < 10:
        raise _field(
            "reason",
            _("Write what the unit must correct (at least 10 characters)."),
            "reason_required",
        )
    with transaction.atomic():
        locked = _appraisable(assessment, actor)
        locked.status = AssessmentStatus.DRAFT
        locked.save(update_fields=["status"])
        _event(
            locked,
            actor=actor,
            action="assessment_return",
            before=AssessmentStatus.SUBMITTED,
            data={"reason": reason[:2000]},
        )
        if locked.submitted_by is not None:
            notify(
                event="parindex.returned",
                context={"assessment": locked, "unit": locked.unit, "reason": reason},
                user=locked.submitted_by,
                obj=locked,
            )
    return locked


def assessment_submit(*, assessment: Assessment | int, actor: Any) -> Assessment:
    """Submit a draft to the reviewing body: every sub-criterion must be self-scored."""
    with transaction.atomic():
        locked = _lock(assessment)
        _require(
            may_score(actor, locked.unit),
            _("You cannot assess %(unit)s.") % {"unit": locked.unit.name},
        )
        if locked.status != AssessmentStatus.DRAFT:
            raise _wrong_state(locked)
        missing = list(
            Score.objects.filter(assessment=locked, self_points__isnull=True)
            .order_by(
                "sub_criterion__criterion__area__order",
                "sub_criterion__criterion__order",
                "sub_criterion__order",
            )
            .values_list("sub_criterion__code", flat=True)
        )
        if missing:
            raise ApplicationError(
                _("Score every sub-criterion before submitting; still missing: %(codes)s.")
                % {"codes": ", ".join(missing)},
                code="incomplete",
                extra={"missing": missing},
            )
        locked.status = AssessmentStatus.SUBMITTED
        locked.submitted_at = clock.now()
        locked.submitted_by = actor if getattr(actor, "is_authenticated", False) else None
        locked.save(update_fields=["status", "submitted_at", "submitted_by"])
        _event(
            locked, actor=actor, action="assessment_submit", before=AssessmentStatus.DRAFT, data={}
        )
        for user in _appraisers(locked.unit):
            notify(
                event="parindex.submitted",
                context={"assessment": locked, "unit": locked.unit},
                user=user,
                obj=locked,
            )
    return locked


def _appraisers(unit: Unit) -> list[Any]:
    above = unit.ancestor_ids()[:-1]
    if not above:
        return []
    today = clock.localdate()
    ids = (
        RoleAssignment.objects.filter(unit_id__in=above, role__code__in=appraiser_roles())
        .filter(valid_on_q(today))
        .values("user_id")
    )
    return list(get_user_model().objects.filter(pk__in=ids, is_active=True))


def took_part_in_self_assessment(actor: Any, assessment: Assessment) -> bool:
    """Return whether ``actor`` scored or submitted ``assessment`` (then they may not appraise it)."""
    if not getattr(actor, "is_authenticated", False):
        return False
    if assessment.submitted_by_id == actor.pk:
        return True
    return AssessmentEvent.objects.filter(
        assessment=assessment,
        action__in=["assessment_score", "assessment_submit"],
        actor_repr=actor.get_username()[:150],
    ).exists()


def _appraisable(assessment: Assessment | int, actor: Any) -> Assessment:
    locked = _lock(assessment)
    _require(
        may_appraise(actor, locked.unit),
        _("Only the reviewing body above %(unit)s appraises its self-assessment.")
        % {"unit": locked.unit.name},
    )
    # Separation of duties: whoever scored or submitted the self-assessment is not its reviewer.
    _require(
        not took_part_in_self_assessment(actor, locked),
        _(
            "You scored or submitted this self-assessment yourself; another member of the "
            "reviewing body must appraise it."
        ),
    )
    if locked.status != AssessmentStatus.SUBMITTED:
        raise _wrong_state(locked)
    return locked


def assessment_appraise_score(
    *,
    assessment: Assessment | int,
    sub_criterion_id: int,
    points: Any,
    actor: Any,
    note: str = "",
) -> Score:
    """Record the reviewing body's score of one sub-criterion (empty: the self-score stands)."""
    with transaction.atomic():
        locked = _appraisable(assessment, actor)
        score = _score(locked, sub_criterion_id)
        sub = score.sub_criterion
        value = None if points in (None, "") else _points(points, sub.max_points, "points")
        score.appraisal_points = value
        score.appraisal_note = nfc(note or "")[:5000]
        score.save(update_fields=["appraisal_points", "appraisal_note"])
        _event(
            locked,
            actor=actor,
            action="assessment_appraise_score",
            before=locked.status,
            data={"sub_criterion": sub.code, "points": None if value is None else str(value)},
        )
    return score


def assessment_survey(*, assessment: Assessment | int, points: Any, actor: Any) -> Assessment:
    """Enter the survey component (điều tra xã hội học) of a submitted self-assessment."""
    with transaction.atomic():
        locked = _appraisable(assessment, actor)
        value = _points(points, locked.definition.survey_max_points, "survey_points")
        locked.survey_points = value
        locked.save(update_fields=["survey_points"])
        _event(
            locked,
            actor=actor,
            action="assessment_survey",
            before=locked.status,
            data={"points": str(value)},
        )
    return locked


def assessment_appraise(*, assessment: Assessment | int, actor: Any) -> Assessment:
    """Close the appraisal: sub-criteria left unappraised keep their self-score."""
    with transaction.atomic():
        locked = _appraisable(assessment, actor)
        if locked.definition.survey_max_points > 0 and locked.survey_points is None:
            raise _field(
                "survey_points",
                _("Enter the survey component before closing the appraisal."),
                "survey_missing",
            )
        Score.objects.filter(assessment=locked, appraisal_points__isnull=True).update(
            appraisal_points=F("self_points")
        )
        locked.status = AssessmentStatus.APPRAISED
        locked.appraised_at = clock.now()
        locked.appraised_by = actor if getattr(actor, "is_authenticated", False) else None
        locked.save(update_fields=["status", "appraised_at", "appraised_by"])
        _event(
            locked,
            actor=actor,
            action="assessment_appraise",
            before=AssessmentStatus.SUBMITTED,
            data={},
        )
        if locked.submitted_by is not None:
            notify(
                event="parindex.appraised",
                context={"assessment": locked, "unit": locked.unit},
                user=locked.submitted_by,
                obj=locked,
            )
    return locked
