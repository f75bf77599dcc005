"""The catalogue with its declaration forms: one zip to export and import.

A bundle holds the catalogue workbook exactly as :mod:`motcua.catalog.excel`
writes and reads it (``thu-tuc.xlsx``), the list of forms
(``mau-don/danh-sach.csv``: procedure code, effective date dd/mm/yyyy,
order, name, reference, file) and each form file under ``mau-don/`` named
by its SHA-256. Importing a bundle imports the workbook, then attaches each
listed form to its version, all in one transaction: any error, and nothing
is written. A form already attached with the same content and names is
left alone. A plain workbook (.xlsx) still imports as before, without forms.
"""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import IO, Any

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from motcua.catalog.declaration_forms import check_file, declaration_form_attach
from motcua.catalog.excel import ImportResult, procedure_export, procedure_import
from motcua.catalog.models import DeclarationForm, ProcedureVersion
from motcua.catalog.selectors import procedure_versions_for_export
from motcua.core.actors import Actor
from motcua.core.errors import ApplicationError
from motcua.core.text import nfc

WORKBOOK = "thu-tuc.xlsx"
FORMS_LIST = "mau-don/danh-sach.csv"
HEADER = ["Mã thủ tục", "Ngày hiệu lực", "Thứ tự", "Tên mẫu đơn, tờ khai", "Ký hiệu", "Tệp"]


def is_bundle(data: bytes) -> bool:
    """Return whether ``data`` is a catalogue bundle (a zip holding the workbook)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return WORKBOOK in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def bundle_export(*, stream: IO[bytes], codes: Iterable[str] | None = None) -> int:
    """Write the bundle of the versions in force today and later; return the forms written."""
    workbook = io.BytesIO()
    procedure_export(stream=workbook, codes=codes)
    listing = io.StringIO()
    writer = csv.writer(listing)
    writer.writerow(HEADER)
    files: dict[str, DeclarationForm] = {}
    versions = procedure_versions_for_export(codes=codes)
    for version in versions:
        for form in version.declaration_forms.all():
            name = f"{form.sha256}.{form.filename.rsplit('.', 1)[-1].lower()}"
            files[name] = form
            writer.writerow(
                [
                    version.procedure.code,
                    version.effective_from.strftime("%d/%m/%Y"),
                    form.order,
                    form.name,
                    form.reference,
                    name,
                ]
            )
    with zipfile.ZipFile(stream, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(WORKBOOK, workbook.getvalue())
        archive.writestr(FORMS_LIST, listing.getvalue().encode("utf-8-sig"))
        for name, form in files.items():
            with form.file.open("rb") as handle:
                archive.writestr(f"mau-don/{name}", handle.read())
    return len(files)


@dataclass
class BundleResult:
    catalogue: ImportResult
    forms_attached: int = 0
    forms_unchanged: int = 0


def _problem(row: int, message: str) -> dict[str, Any]:
    return {"sheet": FORMS_LIST, "row": row, "column": "", "header": "", "message": message}


def _read_rows(archive: zipfile.ZipFile) -> list[dict[str, Any]]:
    if FORMS_LIST not in archive.namelist():
        return []
    text = archive.read(FORMS_LIST).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    return [dict(zip(HEADER, row, strict=False)) | {"_row": n} for n, row in enumerate(rows, 1)][1:]


def bundle_import(*, actor: Actor, data: bytes, dry_run: bool = False) -> BundleResult:
    """Import the workbook and the forms of a bundle: all of it, or nothing and every error."""
    with translation.override("vi"):
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise ApplicationError(
                _("The file is not a catalogue bundle (.zip) that can be read."),
                code="invalid_bundle",
            ) from exc
        with archive:
            rows = _read_rows(archive)
            names = set(archive.namelist())
            contents = {name: archive.read(name) for name in names if name.startswith("mau-don/")}
            workbook = io.BytesIO(archive.read(WORKBOOK))
        result: BundleResult | None = None
        try:
            with transaction.atomic():
                catalogue = procedure_import(actor=actor, file=workbook)
                result = BundleResult(catalogue=catalogue)
                _attach_forms(actor, rows, contents, result)
                if dry_run:
                    raise _DryRun
        except _DryRun:
            pass
        assert result is not None
        result.catalogue.dry_run = dry_run
        return result


class _DryRun(Exception):
    pass


def _attach_forms(
    actor: Actor, rows: list[dict[str, Any]], contents: dict[str, bytes], result: BundleResult
) -> None:
    errors: list[dict[str, Any]] = []
    for row in rows:
        n = row["_row"]
        try:
            day_text, month_text, year_text = row.get("Ngày hiệu lực", "").strip().split("/")
            day = date(int(year_text), int(month_text), int(day_text))
            order = int(row.get("Thứ tự", "").strip())
        except ValueError:
            errors.append(
                _problem(n, _("Give the effective date as dd/mm/yyyy and the order as a number."))
            )
            continue
        code = nfc(row.get("Mã thủ tục", "")).strip()
        version = _version(code, day)
        if version is None:
            errors.append(
                _problem(
                    n,
                    _("Procedure %(code)s has no version taking effect on %(day)s.")
                    % {"code": code, "day": day.strftime("%d/%m/%Y")},
                )
            )
            continue
        file_name = row.get("Tệp", "").strip()
        data = contents.get(f"mau-don/{file_name}")
        if data is None:
            errors.append(
                _problem(n, _("The file “%(name)s” is not in the bundle.") % {"name": file_name})
            )
            continue
        try:
            check_file(data, file_name)
        except ApplicationError as exc:
            errors.append(_problem(n, exc.message))
            continue
        name, reference = (
            nfc(row.get("Tên mẫu đơn, tờ khai", "")).strip(),
            nfc(row.get("Ký hiệu", "")).strip(),
        )
        digest = hashlib.sha256(data).hexdigest()
        same = DeclarationForm.objects.filter(
            version=version, order=order, sha256=digest, name=name, reference=reference
        ).exists()
        if same:
            result.forms_unchanged += 1
            continue
        try:
            declaration_form_attach(
                actor=actor,
                version=version,
                name=name,
                reference=reference,
                order=order,
                data=data,
                filename=file_name,
            )
        except ApplicationError as exc:
            errors.append(_problem(n, exc.message))
            continue
        result.forms_attached += 1
    if errors:
        raise ApplicationError(
            _("The forms of the bundle have errors; nothing was imported."),
            code="invalid_bundle",
            extra={"errors": errors},
        )


def _version(code: str, day: date) -> ProcedureVersion | None:
    return ProcedureVersion.objects.filter(procedure__code=code, effective_from=day).first()
