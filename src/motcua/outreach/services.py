"""Writes of the outreach app: plans, activities, progress reports, articles, materials.

Each function checks the actor's role over the unit concerned, locks the
row it changes, writes one audit record in the same transaction and queues
its notifications there (core.notifications delivers after the commit).
Bad input raises :class:`~motcua.core.errors.ApplicationError` with a
Vietnamese message naming the field, before anything is written.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from motcua.core import clock
from motcua.core.audit import audit_record
from motcua.core.errors import ApplicationError, ConflictError, NotFoundError, PermissionDeniedError
from motcua.core.notifications import notify
from motcua.core.text import nfc
from motcua.core.uploads import (
    JPEG,
    PNG,
    CheckedUpload,
    atomic_with_files,
    check_upload,
    store_upload,
)
from motcua.org.models import Unit
from motcua.org.selectors import user_has_role
from motcua.outreach import conf
from motcua.outreach.constants import MaterialKind, PeriodKind, PlanStatus
from motcua.outreach.models import (
    Activity,
    Article,
    Channel,
    Evidence,
    Material,
    Plan,
    ProgressReport,
    Topic,
)
from motcua.outreach.periods import period_end
from motcua.outreach.selectors import officers_of

ONE_DAY_SECONDS = 24 * 3600
MAX_EVIDENCE_FILES = 5


def _field(field: str, message: str, code: str) -> ApplicationError:
    return ApplicationError(
        message, code=code, extra={"errors": [{"field": field, "message": message}]}
    )


def can_keep(actor: Any, unit: Unit) -> bool:
    """Return whether ``actor`` keeps the outreach work of ``unit`` (an officer role over it)."""
    return any(user_has_role(actor, role, unit) for role in conf.officer_roles())


def can_read(actor: Any, unit: Unit) -> bool:
    return any(user_has_role(actor, role, unit) for role in conf.reader_roles())


def holds_a_role_over(actor: Any, unit: Unit) -> bool:
    """Return whether ``actor`` holds any role today over ``unit`` (or a unit above it)."""
    from motcua.org.models import RoleAssignment
    from motcua.org.selectors import valid_on_q

    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return False
    return (
        RoleAssignment.objects.filter(user_id=actor.pk, unit_id__in=unit.ancestor_ids())
        .filter(valid_on_q(clock.localdate()))
        .exists()
    )


def require_keeper(actor: Any, unit: Unit, *, what: str) -> None:
    if not can_keep(actor, unit):
        raise PermissionDeniedError(
            _("You cannot %(what)s for %(unit)s.") % {"what": what, "unit": unit.name}
        )


def can_report(actor: Any, activity: Activity) -> bool:
    """The plan's unit, the owner unit and the co-owner units report on an activity."""
    units = [activity.plan.unit, activity.owner_unit, *activity.co_owner_units.all()]
    return any(can_keep(actor, unit) for unit in units)


# --- plans -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanInput:
    title: str
    objectives: str = ""
    legal_basis: str = ""


def _clean_plan(data: PlanInput) -> PlanInput:
    title = nfc(data.title or "").strip()
    if len(title) < 5:
        raise _field("title", _("Enter the plan's title (at least 5 characters)."), "title")
    return PlanInput(
        title=title,
        objectives=nfc(data.objectives or "").strip(),
        legal_basis=nfc(data.legal_basis or "").strip(),
    )


def plan_create(*, actor: Any, unit: Unit, year: int, data: PlanInput) -> Plan:
    """Create ``unit``'s draft plan of ``year`` (one plan a unit a year)."""
    if not 2000 <= int(year) <= 2100:
        raise _field("year", _("Enter a year between 2000 and 2100."), "year")
    clean = _clean_plan(data)
    require_keeper(actor, unit, what=_("make a communication plan"))
    with transaction.atomic():
        Unit.objects.select_for_update().filter(pk=unit.pk).first()
        if Plan.objects.filter(unit=unit, year=year).exists():
            raise ConflictError(
                _("%(unit)s already has a communication plan for %(year)s.")
                % {"unit": unit.name, "year": year},
                code="plan_exists",
            )
        plan = Plan.objects.create(
            unit=unit,
            year=year,
            title=clean.title,
            objectives=clean.objectives,
            legal_basis=clean.legal_basis,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit_record(
            actor=actor,
            action="outreach.plan_create",
            obj=plan,
            new_stream=True,
            data={"unit": unit.pk, "year": year, "title": clean.title},
        )
    return plan


def _lock_plan(plan: Plan | int) -> Plan:
    pk = plan.pk if isinstance(plan, Plan) else plan
    locked = (
        Plan.objects.select_for_update(of=("self",)).select_related("unit").filter(pk=pk).first()
    )
    if locked is None:
        raise NotFoundError(_("This communication plan does not exist."))
    return locked


def plan_update(*, actor: Any, plan: Plan | int, data: PlanInput) -> Plan:
    """Change a plan's title, objectives and legal basis."""
    clean = _clean_plan(data)
    with transaction.atomic():
        locked = _lock_plan(plan)
        require_keeper(actor, locked.unit, what=_("change a communication plan"))
        locked.title, locked.objectives, locked.legal_basis = (
            clean.title,
            clean.objectives,
            clean.legal_basis,
        )
        locked.save()
        audit_record(
            actor=actor, action="outreach.plan_update", obj=locked, data={"title": clean.title}
        )
    return locked


def plan_issue(*, actor: Any, plan: Plan | int, number: str, issued_on: date) -> Plan:
    """Record that the plan was issued (document number and date); once only."""
    number = nfc(number or "").strip()
    if not number:
        raise _field("number", _("Enter the plan's document number."), "number")
    if issued_on is None:
        raise _field("issued_on", _("Enter the issue date."), "issued_on")
    if issued_on > clock.localdate():
        raise _field("issued_on", _("The issue date cannot be in the future."), "issued_on")
    with transaction.atomic():
        locked = _lock_plan(plan)
        require_keeper(actor, locked.unit, what=_("issue a communication plan"))
        if locked.status == PlanStatus.ISSUED:
            raise ConflictError(_("This plan has already been issued."), code="plan_issued")
        if issued_on.year not in (locked.year, locked.year - 1):
            raise _field(
                "issued_on",
                _("A plan for %(year)s is issued in %(year)s or at the end of the year before.")
                % {"year": locked.year},
                "issued_on",
            )
        if not locked.activities.exists():
            raise ApplicationError(
                _("Add the plan's activities before issuing it."), code="plan_empty"
            )
        locked.status = PlanStatus.ISSUED
        locked.number = number
        locked.issued_on = issued_on
        locked.save()
        audit_record(
            actor=actor,
            action="outreach.plan_issue",
            obj=locked,
            data={"number": number, "issued_on": issued_on.isoformat()},
        )
    return locked


# --- activities ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActivityInput:
    title: str
    channel: Channel
    topic: Topic
    owner_unit: Unit
    period_kind: str
    period: int
    target_quantity: int
    quantity_unit: str = ""
    audience: str = ""
    co_owner_units: Sequence[Unit] = ()


def _due(plan: Plan, data: ActivityInput) -> date:
    if data.period_kind not in PeriodKind.values:
        raise _field("period_kind", _("Choose a month, a quarter or the whole year."), "period")
    try:
        return period_end(plan.year, data.period_kind, int(data.period or 0))
    except ValueError:
        if data.period_kind == PeriodKind.QUARTER:
            raise _field("period", _("Choose a quarter from 1 to 4."), "period") from None
        raise _field("period", _("Choose a month from 1 to 12."), "period") from None


def _check_activity(actor: Any, plan: Plan, data: ActivityInput) -> tuple[str, date]:
    title = nfc(data.title or "").strip()
    if len(title) < 3:
        raise _field("title", _("Describe the activity (at least 3 characters)."), "title")
    if not data.channel.active:
        raise _field("channel", _("This form of communication is no longer in use."), "channel")
    if not data.topic.active:
        raise _field("topic", _("This topic is no longer in use."), "topic")
    if not isinstance(data.target_quantity, int) or data.target_quantity < 1:
        raise _field("target_quantity", _("The target quantity must be at least 1."), "target")
    due = _due(plan, data)
    inside = f"{plan.unit.path}"
    for unit in [data.owner_unit, *data.co_owner_units]:
        if not unit.path.startswith(inside):
            raise _field(
                "owner_unit",
                _("%(unit)s is not %(plan_unit)s or a unit under it.")
                % {"unit": unit.name, "plan_unit": plan.unit.name},
                "owner_unit",
            )
    return title, due


def activity_create(*, actor: Any, plan: Plan | int, data: ActivityInput) -> Activity:
    """Add an activity to a plan (its due date is the end of its month, quarter or year)."""
    with transaction.atomic():
        locked = _lock_plan(plan)
        require_keeper(actor, locked.unit, what=_("change a communication plan"))
        title, due = _check_activity(actor, locked, data)
        activity = Activity.objects.create(
            plan=locked,
            title=title,
            channel=data.channel,
            topic=data.topic,
            owner_unit=data.owner_unit,
            period_kind=data.period_kind,
            period=0 if data.period_kind == PeriodKind.YEAR else int(data.period),
            due_on=due,
            target_quantity=data.target_quantity,
            quantity_unit=nfc(data.quantity_unit or "").strip(),
            audience=nfc(data.audience or "").strip(),
        )
        activity.co_owner_units.set([u for u in data.co_owner_units if u != data.owner_unit])
        _notify_owners(actor, activity)
        audit_record(
            actor=actor,
            action="outreach.activity_create",
            obj=locked,
            data={
                "activity": activity.pk,
                "title": title,
                "channel": data.channel.code,
                "topic": data.topic.code,
                "due_on": due.isoformat(),
                "target": data.target_quantity,
            },
        )
    return activity


def _notify_owners(actor: Any, activity: Activity) -> None:
    """Tell the officers of the owner and co-owner units (other than the plan's unit) that
    an activity is theirs; queued in the transaction, delivered after the commit."""
    for unit in [activity.owner_unit, *activity.co_owner_units.all()]:
        if unit == activity.plan.unit:
            continue
        for user in officers_of(unit):
            if user != actor:
                notify(
                    event="outreach.activity_assigned",
                    context={"activity": activity, "unit": unit},
                    user=user,
                )


def activity_update(*, actor: Any, activity: Activity | int, data: ActivityInput) -> Activity:
    """Change an activity; a new later due date allows a new overdue alert."""
    pk = activity.pk if isinstance(activity, Activity) else activity
    with transaction.atomic():
        locked = (
            Activity.objects.select_for_update(of=("self",))
            .select_related("plan__unit")
            .filter(pk=pk)
            .first()
        )
        if locked is None:
            raise NotFoundError(_("This activity does not exist."))
        require_keeper(actor, locked.plan.unit, what=_("change a communication plan"))
        title, due = _check_activity(actor, locked.plan, data)
        if due > locked.due_on:
            locked.overdue_alerted = False
        locked.title, locked.channel, locked.topic = title, data.channel, data.topic
        locked.owner_unit, locked.period_kind = data.owner_unit, data.period_kind
        locked.period = 0 if data.period_kind == PeriodKind.YEAR else int(data.period)
        locked.due_on, locked.target_quantity = due, data.target_quantity
        locked.quantity_unit = nfc(data.quantity_unit or "").strip()
        locked.audience = nfc(data.audience or "").strip()
        locked.save()
        locked.co_owner_units.set([u for u in data.co_owner_units if u != data.owner_unit])
        audit_record(
            actor=actor,
            action="outreach.activity_update",
            obj=locked.plan,
            data={"activity": locked.pk, "title": title, "due_on": due.isoformat()},
        )
    return locked


# --- progress reports ------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportInput:
    reported_on: date
    quantity: int
    people: int = 0
    views: int = 0
    broadcasts: int = 0
    note: str = ""


def report_add(
    *, actor: Any, activity: Activity | int, data: ReportInput, files: Sequence[Any] = ()
) -> ProgressReport:
    """Record what was done for an activity, with its reach and evidence files.

    Every file is checked (core.uploads: PDF, JPEG or PNG, size, no scripts)
    before anything is written; a refused file refuses the whole report.
    """
    today = clock.localdate()
    if data.reported_on is None or data.reported_on > today:
        raise _field("reported_on", _("The report's date cannot be in the future."), "date")
    for name, value in (
        ("quantity", data.quantity),
        ("people", data.people),
        ("views", data.views),
        ("broadcasts", data.broadcasts),
    ):
        if not isinstance(value, int) or value < 0:
            raise _field(name, _("Enter a whole number, 0 or more."), "number")
    if data.quantity + data.people + data.views + data.broadcasts == 0 and not files:
        raise _field("quantity", _("Enter what was done: a quantity or a reach."), "empty_report")
    present = [f for f in files if f]
    if len(present) > MAX_EVIDENCE_FILES:
        raise _field(
            "evidence",
            _("Attach at most %(count)s files to one report.") % {"count": MAX_EVIDENCE_FILES},
            "too_many_files",
        )
    checked: list[CheckedUpload] = []
    for upload in present:
        try:
            checked.append(check_upload(upload))
        except ApplicationError as exc:
            name = getattr(upload, "name", "") or _("the file")
            raise _field("evidence", f"{name}: {exc.message}", exc.code) from exc
    pk = activity.pk if isinstance(activity, Activity) else activity
    with atomic_with_files():
        locked = (
            Activity.objects.select_for_update(of=("self",))
            .select_related("plan__unit", "owner_unit")
            .filter(pk=pk)
            .first()
        )
        if locked is None:
            raise NotFoundError(_("This activity does not exist."))
        if not can_report(actor, locked):
            raise PermissionDeniedError(
                _("You cannot report on activities of %(unit)s.") % {"unit": locked.plan.unit.name}
            )
        if data.reported_on.year < locked.plan.year:
            raise _field(
                "reported_on",
                _("The report's date is before the plan's year (%(year)s).")
                % {"year": locked.plan.year},
                "date",
            )
        report = ProgressReport.objects.create(
            activity=locked,
            reported_on=data.reported_on,
            quantity=data.quantity,
            people=data.people,
            views=data.views,
            broadcasts=data.broadcasts,
            note=nfc(data.note or "").strip(),
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        for upload in checked:
            Evidence.objects.create(
                report=report,
                file=store_upload(upload, folder="outreach/evidence"),
                name=upload.name,
                content_type=upload.content_type,
                size=upload.size,
                sha256=upload.sha256,
            )
        audit_record(
            actor=actor,
            action="outreach.report_add",
            obj=locked.plan,
            data={
                "activity": locked.pk,
                "report": report.pk,
                "date": data.reported_on.isoformat(),
                "quantity": data.quantity,
                "people": data.people,
                "views": data.views,
                "broadcasts": data.broadcasts,
                "files": [u.sha256 for u in checked],
            },
        )
    return report


# --- articles --------------------------------------------------------------------------------

ALLOWED_TAGS = ("b", "i", "em", "strong", "p", "br", "ul", "ol", "li", "h2", "h3", "blockquote")
_TAG = re.compile(r"</?([a-zA-Z0-9]+)\s*/?>")


def check_markup(body: str) -> str:
    """Accept plain text or the minimal markup of ``ALLOWED_TAGS`` without attributes."""
    for match in re.finditer(r"<[^>]*>", body):
        tag = _TAG.fullmatch(match.group(0))
        if tag is None or tag.group(1).lower() not in ALLOWED_TAGS:
            raise _field(
                "body",
                _(
                    "The text may use only these tags, without attributes: %(tags)s. "
                    "Remove %(found)s."
                )
                % {"tags": ", ".join(ALLOWED_TAGS), "found": match.group(0)[:40]},
                "markup",
            )
    if "<" in _TAG.sub("", body):
        raise _field(
            "body", _("Write “<” only as part of an allowed tag (or leave it out)."), "markup"
        )
    return body


@dataclass(frozen=True)
class ArticleInput:
    title: str
    body: str
    topic: Topic
    summary: str = ""
    publish_at: datetime | None = None
    activity: Activity | None = None


def _clean_article(actor: Any, unit: Unit, data: ArticleInput) -> dict[str, Any]:
    title = nfc(data.title or "").strip()
    if len(title) < 5:
        raise _field("title", _("Enter the article's title (at least 5 characters)."), "title")
    body = check_markup(nfc(data.body or "").strip())
    if len(body) < 20:
        raise _field("body", _("Write the article's text (at least 20 characters)."), "body")
    if data.activity is not None and not can_report(actor, data.activity):
        raise _field("activity", _("Choose an activity of your units' plans."), "activity")
    return {
        "title": title,
        "body": body,
        "summary": nfc(data.summary or "").strip()[:500],
        "topic": data.topic,
        "publish_at": data.publish_at,
        "activity": data.activity,
    }


def article_save(
    *,
    actor: Any,
    unit: Unit,
    data: ArticleInput,
    article: Article | int | None = None,
    image: Any = None,
) -> Article:
    """Create or change an article; ``publish_at`` in the future schedules it, None keeps
    it a draft. The image is checked and re-encoded (core.uploads; JPEG or PNG)."""
    require_keeper(actor, unit, what=_("publish reform articles"))
    fields = _clean_article(actor, unit, data)
    picture = None
    if image:
        picture = check_upload(image)
        if picture.content_type not in (JPEG, PNG):
            raise _field("image", _("The picture must be a JPEG or PNG image."), "image_type")
    with atomic_with_files():
        if article is None:
            row = Article(unit=unit, created_by=actor if actor.is_authenticated else None)
            new = True
        else:
            pk = article.pk if isinstance(article, Article) else article
            found = Article.objects.select_for_update().filter(pk=pk, unit=unit).first()
            if found is None:
                raise NotFoundError(_("This article does not exist."))
            row, new = found, False
        for key, value in fields.items():
            setattr(row, key, value)
        if picture is not None:
            row.image = store_upload(picture, folder="outreach/images")
        row.save()
        audit_record(
            actor=actor,
            action="outreach.article_create" if new else "outreach.article_update",
            obj=row,
            new_stream=new,
            data={
                "title": row.title,
                "publish_at": row.publish_at.isoformat() if row.publish_at else None,
                "activity": row.activity_id,
            },
        )
    return row


# Programs that announce themselves (search engines, link previews, monitors) are not readers.
ROBOT_MARKERS = ("bot", "crawl", "spider", "slurp", "preview", "facebookexternalhit", "monitor")


def article_count_view(article: Article, *, address: str, user_agent: str) -> bool:
    """Count a reader of a published article once a day; return whether this read counted.

    A reader is the client's address and browser (hashed, never stored as such) on one
    day in Vietnam: reloading the page, or a program that names itself a robot, adds
    nothing to the reach. The mark lives in the shared cache until the next day.
    """
    agent = user_agent.lower()
    if not agent or any(marker in agent for marker in ROBOT_MARKERS):
        return False
    today = clock.localdate()
    digest = hashlib.sha256(f"{address}|{user_agent}".encode()).hexdigest()[:32]
    key = f"outreach:read:{article.pk}:{today.isoformat()}:{digest}"
    if not cache.add(key, 1, timeout=ONE_DAY_SECONDS):
        return False
    Article.objects.filter(pk=article.pk).update(views=F("views") + 1)
    return True


# --- materials -------------------------------------------------------------------------------


@dataclass(frozen=True)
class MaterialInput:
    kind: str
    title: str
    body: str
    link: str = ""
    copies: int = 0
    starts_on: date | None = None
    ends_on: date | None = None
    airings_per_day: int = 0
    air_times: str = ""
    activity: Activity | None = None
    procedure_code: str = ""


def _procedure_link(code: str) -> str:
    """Return the public address of the procedure ``code`` in force today."""
    from django.conf import settings
    from django.urls import reverse

    from motcua.catalog.selectors import procedure_version_in_force

    code = nfc(code or "").strip()
    if procedure_version_in_force(code, clock.localdate()) is None:
        raise _field(
            "procedure_code",
            _("No procedure with the code %(code)s is in force.") % {"code": code},
            "procedure",
        )
    path = reverse("catalog:procedure_detail", args=[code])
    return f"{str(settings.MOTCUA_PUBLIC_URL).rstrip('/')}{path}"


def material_create(*, actor: Any, unit: Unit, data: MaterialInput) -> Material:
    """Create a leaflet or poster (a QR to ``link``) or a broadcast script with its schedule."""
    require_keeper(actor, unit, what=_("make communication materials"))
    if data.kind not in MaterialKind.values:
        raise _field("kind", _("Choose a leaflet, a poster or a broadcast script."), "kind")
    title = nfc(data.title or "").strip()
    body = nfc(data.body or "").strip()
    if len(title) < 3:
        raise _field("title", _("Enter the title (at least 3 characters)."), "title")
    if len(body) < 10:
        raise _field("body", _("Write the text (at least 10 characters)."), "body")
    link = data.link or ""
    if data.kind in (MaterialKind.LEAFLET, MaterialKind.POSTER):
        if not link and data.procedure_code:
            link = _procedure_link(data.procedure_code)
        if not link.startswith(("https://", "http://")):
            raise _field(
                "link",
                _(
                    "Enter the procedure's code or the address of the online-service page "
                    "for the QR code."
                ),
                "link",
            )
    else:
        if data.starts_on is None or data.ends_on is None:
            raise _field("starts_on", _("Enter the first and last days it airs."), "schedule")
        if data.ends_on < data.starts_on:
            raise _field("ends_on", _("The last day is before the first day."), "schedule")
        if data.airings_per_day < 1:
            raise _field("airings_per_day", _("It airs at least once a day."), "schedule")
    if data.activity is not None and not can_report(actor, data.activity):
        raise _field("activity", _("Choose an activity of your units' plans."), "activity")
    with transaction.atomic():
        material = Material.objects.create(
            kind=data.kind,
            unit=unit,
            title=title,
            body=body,
            link=link if data.kind != MaterialKind.BROADCAST else "",
            copies=max(0, int(data.copies or 0)),
            starts_on=data.starts_on if data.kind == MaterialKind.BROADCAST else None,
            ends_on=data.ends_on if data.kind == MaterialKind.BROADCAST else None,
            airings_per_day=data.airings_per_day if data.kind == MaterialKind.BROADCAST else 0,
            air_times=nfc(data.air_times or "").strip(),
            activity=data.activity,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit_record(
            actor=actor,
            action="outreach.material_create",
            obj=material,
            new_stream=True,
            data={"kind": data.kind, "title": title, "activity": material.activity_id},
        )
    return material
