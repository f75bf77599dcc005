"""Declaration forms (tờ khai): accept a file by its content, attach it, remove it.

A form is a PDF, a Word document (.doc, .docx), an OpenDocument text
(.odt) or a spreadsheet (.xlsx, .xls, .ods): the type is read from the
file's first bytes and, for the zip-based formats, from the parts inside;
the name's extension must agree. The size is limited by
``MOTCUA_DECLARATION_FORM_MAX_BYTES``. Every change writes an audit record.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from motcua.catalog.models import DeclarationForm, ProcedureVersion
from motcua.core.actors import Actor
from motcua.core.audit import audit_record
from motcua.core.errors import ApplicationError
from motcua.core.text import fold, nfc
from motcua.core.uploads import check_pdf

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP = b"PK\x03\x04"

# extension → content type
TYPES = {
    "pdf": "application/pdf",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}


@dataclass(frozen=True)
class CheckedFile:
    data: bytes
    filename: str
    extension: str
    content_type: str
    sha256: str


def _zip_kind(data: bytes) -> str | None:
    """Return the extension a zip-based office file really is, or None."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
                for extension in ("odt", "ods"):
                    if mimetype == TYPES[extension]:
                        return extension
                return None
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    return None


def sniff(data: bytes) -> str | None:
    """Return the extension the content of ``data`` shows, or None for anything else."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(ZIP):
        return _zip_kind(data)
    if data.startswith(OLE):
        return "doc|xls"
    return None


def safe_filename(name: str) -> str:
    """Return a download name: the base name without folders, quotes or control characters."""
    base = nfc(name).replace("\\", "/").rsplit("/", 1)[-1]
    base = re.sub(r"[\x00-\x1f\x7f\"';<>|:*?]", "", base).strip(" .")
    return base[:200] or "mau-don"


def check_file(data: bytes, filename: str) -> CheckedFile:
    """Return ``data`` checked as a declaration form, or raise ApplicationError."""
    name = safe_filename(filename)
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    limit = settings.MOTCUA_DECLARATION_FORM_MAX_BYTES
    if not data:
        raise ApplicationError(_("The file “%(name)s” is empty.") % {"name": name}, code="empty")
    if len(data) > limit:
        raise ApplicationError(
            _("The file “%(name)s” is larger than %(limit)s MB.")
            % {"name": name, "limit": f"{limit / 1_000_000:g}"},
            code="too_large",
        )
    found = sniff(data)
    allowed = found.split("|") if found else []
    if extension not in TYPES or extension not in allowed:
        raise ApplicationError(
            _(
                "“%(name)s” is not a PDF, Word, OpenDocument or Excel file, or its name does "
                "not match its content. Attach the form as a .pdf, .doc, .docx, .odt, .xls, "
                ".xlsx or .ods file."
            )
            % {"name": name},
            code="bad_type",
        )
    if extension == "pdf":
        check_pdf(data)  # citizens download it: no password, scripts or attached files
    return CheckedFile(
        data=data,
        filename=name,
        extension=extension,
        content_type=TYPES[extension],
        sha256=hashlib.sha256(data).hexdigest(),
    )


def declaration_form_attach(
    *,
    actor: Actor,
    version: ProcedureVersion,
    name: str,
    data: bytes,
    filename: str,
    reference: str = "",
    order: int | None = None,
) -> DeclarationForm:
    """Attach a form to ``version`` (``order`` taken: the file and names are replaced)."""
    checked = check_file(data, filename)
    name = nfc(name).strip()
    if not name:
        raise ApplicationError(_("Give the form a name, e.g. “Tờ khai đăng ký khai sinh”."))
    with transaction.atomic():
        locked = ProcedureVersion.objects.select_for_update().get(pk=version.pk)
        forms = DeclarationForm.objects.filter(version=locked)
        if order is None:
            order = max((f.order for f in forms), default=0) + 1
        form = forms.filter(order=order).first()
        old = None
        if form is None:
            form = DeclarationForm(version=locked, order=order)
        else:
            old = {"name": form.name, "sha256": form.sha256}
        form.name = name
        form.reference = nfc(reference).strip()
        form.filename = checked.filename
        form.content_type = checked.content_type
        form.size = len(checked.data)
        form.sha256 = checked.sha256
        form.file.save(checked.filename, ContentFile(checked.data), save=False)
        form.save()
        audit_record(
            actor=actor,
            action="catalog.declaration_form.attach",
            obj=locked,
            data={
                "order": order,
                "name": name,
                "file": checked.filename,
                "sha256": checked.sha256,
                "size": len(checked.data),
                "replaced": old,
            },
        )
    return form


def declaration_form_remove(*, actor: Actor, form: DeclarationForm) -> None:
    """Remove a form from its version (the stored file stays: other versions may share it)."""
    with transaction.atomic():
        locked = ProcedureVersion.objects.select_for_update().get(pk=form.version_id)
        deleted, _rows = DeclarationForm.objects.filter(pk=form.pk).delete()
        if deleted:
            audit_record(
                actor=actor,
                action="catalog.declaration_form.remove",
                obj=locked,
                data={"order": form.order, "name": form.name, "sha256": form.sha256},
            )


def name_to_filename(name: str, extension: str) -> str:
    """Return ``name`` folded to a plain file name: "Tờ khai đăng ký" → "to-khai-dang-ky.pdf"."""
    stem = re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-")[:80] or "mau-don"
    return f"{stem}.{extension}"


def download_name(form: DeclarationForm) -> str:
    """Return the file name offered to the citizen: the form's name, folded, with its extension."""
    extension = form.filename.rsplit(".", 1)[-1].lower() if "." in form.filename else "pdf"
    return name_to_filename(form.name, extension)
