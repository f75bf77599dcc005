"""Reading and exporting the log book: one path for the screen and the API.

The log book lists every applicant's address and phone, so each reading
writes one audit record in the unit's chain ``dossiers.logbook:<unit>``:
``dossiers.logbook.view`` for rows shown (screen, JSON), and
``dossiers.logbook.export`` for a file (Excel, PDF), with the same keys
whoever calls (``via`` says who: ``screen`` or ``api``).

An export of more than ``MOTCUA_LOGBOOK_EXPORT_INLINE_ROWS`` rows is not
built inside the request (the PDF costs about 7 ms a row): it becomes a
:class:`~motcua.dossiers.models.LogbookExport` that the background worker
builds into the default storage (:func:`logbook_export_build`); the user
who asked, or staff entitled to that desk, fetch it when it is ready
(:func:`logbook_export_get`, :func:`logbook_export_open`), and ``motcua
periodic`` deletes it after ``MOTCUA_LOGBOOK_EXPORT_KEEP_HOURS``
(:func:`logbook_exports_clean`).
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from io import BytesIO
from typing import IO, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from motcua.catalog.models import Field
from motcua.core import clock
from motcua.core.actors import Actor, active_user_of, user_of
from motcua.core.audit import audit_record
from motcua.core.errors import ConflictError, NotFoundError, PermissionDeniedError
from motcua.core.tasks import task
from motcua.dossiers.constants import LogbookExportStatus, LogbookFormat
from motcua.dossiers.logbook import (
    LogbookPage,
    logbook_count,
    logbook_page,
    logbook_period,
    logbook_xlsx,
)
from motcua.dossiers.models import LogbookExport
from motcua.dossiers.printing import pdf_filename, render_pdf
from motcua.dossiers.selectors import INTAKE_ROLES, dossier_scope
from motcua.org.models import Unit

logger = logging.getLogger(__name__)

CONTENT_TYPES: dict[str, str] = {
    LogbookFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    LogbookFormat.PDF: "application/pdf",
}
REUSE_PENDING = timedelta(minutes=15)
"""A second identical request within this time gets the export already being prepared."""


@dataclass(frozen=True)
class LogbookFile:
    """An export small enough to be built inside the request."""

    content: bytes
    content_type: str
    filename: str
    rows: int


def entitled(user: Actor, unit_id: int) -> bool:
    """Whether ``user`` keeps the log book of ``unit_id``: an intake officer or centre
    director role on it or above it, today."""
    return unit_id in dossier_scope(user).unit_ids(INTAKE_ROLES)


def _require_entitled(actor: Actor, unit: Unit) -> None:
    if not entitled(actor, unit.pk):
        raise PermissionDeniedError(
            _(
                "The log book of %(unit)s is kept at its one-stop desk: it needs the intake "
                "officer or centre director role there or above it."
            )
            % {"unit": unit.name}
        )


def _audit(
    actor: Actor,
    action: str,
    *,
    unit: Unit,
    field: Field | None,
    start: date,
    end: date,
    rows: int,
    output: str,
    via: str,
    export: LogbookExport | None = None,
) -> None:
    data: dict[str, Any] = {
        "unit": unit.pk,
        "field": field.code if field is not None else "",
        "start": start,
        "end": end,
        "rows": rows,
        "format": output,
        "via": via,
    }
    if export is not None:
        data["export"] = export.pk
    audit_record(actor=actor, action=action, stream=f"dossiers.logbook:{unit.pk}", data=data)


def logbook_read(
    *,
    actor: Actor,
    unit: Unit,
    start: date | None,
    end: date | None,
    field: Field | None,
    output: str,
    via: str,
) -> LogbookPage:
    """Return the rows of an extract to show (``output`` ``html`` or ``json``), audited."""
    _require_entitled(actor, unit)
    first, last = logbook_period(start, end)
    page = logbook_page(unit=unit, start=first, end=last, field=field)
    _audit(
        actor,
        "dossiers.logbook.view",
        unit=unit,
        field=field,
        start=first,
        end=last,
        rows=len(page.rows),
        output=output,
        via=via,
    )
    return page


def _render(page: LogbookPage, output: str) -> bytes:
    if output == LogbookFormat.PDF:
        return render_pdf("logbook", page)
    stream = BytesIO()
    logbook_xlsx(page.rows, stream, title=page.title)
    return stream.getvalue()


def _filename(page: LogbookPage, output: str) -> str:
    return pdf_filename("logbook", page).removesuffix(".pdf") + f".{output}"


def logbook_export(
    *,
    actor: Actor,
    unit: Unit,
    start: date | None,
    end: date | None,
    field: Field | None,
    output: str,
    via: str,
) -> LogbookFile | LogbookExport:
    """Export an extract as ``xlsx`` or ``pdf``: the file itself when it is small, else the
    :class:`LogbookExport` the worker is preparing.

    The audit record is written when the file is built: here, or by the worker.
    """
    if output not in CONTENT_TYPES:
        raise ValueError(f"unknown log book format {output!r}")
    _require_entitled(actor, unit)
    first, last = logbook_period(start, end)
    rows = logbook_count(unit=unit, start=first, end=last, field=field)
    if rows > settings.MOTCUA_LOGBOOK_EXPORT_INLINE_ROWS:
        return _export_queue(
            actor=actor, unit=unit, field=field, start=first, end=last, output=output, via=via
        )
    page = logbook_page(unit=unit, start=first, end=last, field=field)
    content = _render(page, output)
    _audit(
        actor,
        "dossiers.logbook.export",
        unit=unit,
        field=field,
        start=first,
        end=last,
        rows=len(page.rows),
        output=output,
        via=via,
    )
    return LogbookFile(content, CONTENT_TYPES[output], _filename(page, output), len(page.rows))


def _export_queue(
    *,
    actor: Actor,
    unit: Unit,
    field: Field | None,
    start: date,
    end: date,
    output: str,
    via: str,
) -> LogbookExport:
    now = clock.now()
    with transaction.atomic():
        same = LogbookExport.objects.filter(
            requested_by=user_of(actor),
            unit=unit,
            field=field,
            start=start,
            end=end,
            format=output,
            status=LogbookExportStatus.PENDING,
            requested_at__gte=now - REUSE_PENDING,
        ).first()
        if same is not None:
            return same  # asked twice (a double click, a retry): one file
        export = LogbookExport.objects.create(
            requested_by=user_of(actor),
            requested_at=now,
            via=via,
            unit=unit,
            field=field,
            start=start,
            end=end,
            format=output,
        )
        if settings.MOTCUA_TASKS_ENQUEUE_IN_TRANSACTION:
            logbook_export_build.enqueue(export.pk)  # commits with the row
        else:
            transaction.on_commit(lambda: logbook_export_build.enqueue(export.pk))
    return export


@task()
def logbook_export_build(export_id: int) -> str:
    """Build a queued export into the default storage; return its new status.

    Rendering runs with no transaction open; the file, the status and the
    audit record are saved together afterwards. A failure marks the export
    failed with the error, for the user to see and ask again.
    """
    export = (
        LogbookExport.objects.select_related("unit", "field", "requested_by")
        .filter(pk=export_id, status=LogbookExportStatus.PENDING)
        .first()
    )
    if export is None:
        return "gone"
    try:
        page = logbook_page(
            unit=export.unit, start=export.start, end=export.end, field=export.field
        )
        content = _render(page, export.format)
    except Exception as exc:
        logger.exception("log book export %s failed", export_id)
        LogbookExport.objects.filter(pk=export_id).update(
            status=LogbookExportStatus.FAILED,
            error=f"{type(exc).__name__}: {exc}"[:2000],
            finished_at=clock.now(),
        )
        return LogbookExportStatus.FAILED
    # An unguessable name: the storage may be shared, and is never served directly.
    stored_name = f"{export.pk}-{secrets.token_hex(16)}.{export.format}"
    with transaction.atomic():
        export.file.save(stored_name, ContentFile(content), save=False)
        export.filename = _filename(page, export.format)
        export.rows = len(page.rows)
        export.status = LogbookExportStatus.READY
        export.finished_at = clock.now()
        export.save(update_fields=["file", "filename", "rows", "status", "finished_at"])
        _audit(
            export.requested_by,
            "dossiers.logbook.export",
            unit=export.unit,
            field=export.field,
            start=export.start,
            end=export.end,
            rows=len(page.rows),
            output=export.format,
            via=export.via,
            export=export,
        )
    return LogbookExportStatus.READY


def logbook_export_get(*, actor: Actor, export_id: int) -> LogbookExport:
    """Return an export the actor may fetch: theirs, or of a desk whose log book they keep.

    Anything else answers "not found", so exports cannot be probed.
    """
    export = (
        LogbookExport.objects.select_related("unit", "field").filter(pk=export_id).first()
        if 0 < export_id < 2**63
        else None
    )
    user = active_user_of(actor)
    if export is None or user is None:
        raise NotFoundError(_("There is no such log book export."))
    if export.requested_by_id != user.pk and not entitled(user, export.unit_id):
        raise NotFoundError(_("There is no such log book export."))
    return export


def logbook_export_open(*, actor: Actor, export: LogbookExport) -> IO[bytes]:
    """Open a ready export's file for ``actor`` and record that they fetched it."""
    if export.status == LogbookExportStatus.FAILED:
        raise ConflictError(
            _("This log book export could not be built; ask for it again."),
            code="export_failed",
        )
    if export.status != LogbookExportStatus.READY or not export.file:
        raise ConflictError(
            _("This log book export is still being prepared; try again in a moment."),
            code="export_not_ready",
        )
    handle = export.file.open("rb")
    audit_record(
        actor=actor,
        action="dossiers.logbook.fetch",
        stream=f"dossiers.logbook:{export.unit_id}",
        data={"export": export.pk, "format": export.format, "rows": export.rows},
    )
    return handle


def logbook_exports_clean(*, now: datetime | None = None) -> int:
    """Delete the exports (and their files) older than ``MOTCUA_LOGBOOK_EXPORT_KEEP_HOURS``."""
    cutoff = (now or clock.now()) - timedelta(hours=settings.MOTCUA_LOGBOOK_EXPORT_KEEP_HOURS)
    removed = 0
    for export in LogbookExport.objects.filter(requested_at__lt=cutoff):
        if export.file:
            export.file.delete(save=False)
        export.delete()
        removed += 1
    return removed


__all__ = [
    "LogbookFile",
    "entitled",
    "logbook_export",
    "logbook_export_build",
    "logbook_export_get",
    "logbook_export_open",
    "logbook_exports_clean",
    "logbook_read",
]
