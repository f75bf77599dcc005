"""Checks for files people upload: PDF, JPEG and PNG only, judged by content.

:func:`check_upload` reads the bytes, never the name or the browser's type:
a file is a PDF when it starts with the PDF header and pypdf can read its
pages, a JPEG or a PNG when its signature says so and Pillow decodes the
whole picture. Images are then re-encoded from their pixels, so EXIF (the
phone's GPS position), comments, text chunks and anything appended after
the picture do not travel on. A PDF is kept as it is, but one that is
encrypted or carries scripts, launch actions or embedded files is refused.

Empty, over-limit (``MOTCUA_UPLOAD_MAX_BYTES``), disguised and corrupt
files raise :class:`UploadError` with a message for the person who sent
it; nothing is stored. :func:`store_upload` saves an accepted file through
Django's storage API under a random name, so a deployment can put files in
object storage. Serving them is the caller's business: only through views
that check who may see the file.
"""

from __future__ import annotations

import hashlib
import io
import os
import uuid
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from motcua.core.errors import ApplicationError
from motcua.core.text import nfc

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
EXTENSIONS = {PDF: "pdf", JPEG: "jpg", PNG: "png"}

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_JPEG_SIGNATURE = b"\xff\xd8\xff"
# The PDF header may follow a little junk (ISO 32000-1, 7.5.2 tolerates it in readers).
_PDF_HEADER_WINDOW = 1024
# Catalogue entries that run something or carry other files inside the PDF.
_PDF_ACTIVE_KEYS = ("/AA",)
_PDF_ACTIVE_NAMES = ("/JavaScript", "/EmbeddedFiles")


class UploadError(ApplicationError):
    """The file is refused; ``message`` says why, in words for the sender."""


@dataclass(frozen=True)
class CheckedUpload:
    """An accepted file: its cleaned bytes, true type and a safe display name."""

    content: bytes
    content_type: str
    name: str
    sha256: str

    @property
    def size(self) -> int:
        return len(self.content)

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.content_type]


def max_upload_bytes() -> int:
    """The largest file accepted, in bytes (``MOTCUA_UPLOAD_MAX_BYTES``)."""
    return int(settings.MOTCUA_UPLOAD_MAX_BYTES)


def _human_size(size: int) -> str:
    """``10 MB``, ``2,5 MB`` or ``900 KB``: the limit as people read it."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    megabytes = f"{size / (1024 * 1024):.1f}".removesuffix(".0")
    return f"{megabytes.replace('.', ',')} MB"


def sniff(head: bytes) -> str | None:
    """Return the type the first bytes announce (PDF, JPEG, PNG), or None."""
    if head.startswith(_PNG_SIGNATURE):
        return PNG
    if head.startswith(_JPEG_SIGNATURE):
        return JPEG
    if b"%PDF-" in head[:_PDF_HEADER_WINDOW]:
        return PDF
    return None


def _display_name(name: str, content_type: str) -> str:
    """The sender's file name without folders, with the extension of its true type."""
    base = os.path.basename(nfc(name or "").replace("\\", "/")).strip()
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '<>:"|?*')
    stem = os.path.splitext(base)[0].strip(" .")[:120] or _("unnamed-file")
    return f"{stem}.{EXTENSIONS[content_type]}"


def _read(source: Any, limit: int) -> bytes:
    """Read at most ``limit + 1`` bytes: enough to know that a file is too large."""
    if isinstance(source, bytes | bytearray):
        return bytes(source[: limit + 1])
    size = getattr(source, "size", None)
    if size is not None and size > limit:
        raise _too_large(limit)
    if hasattr(source, "seek"):
        source.seek(0)
    data = source.read(limit + 1)
    return bytes(data)


def _too_large(limit: int) -> UploadError:
    return UploadError(
        _("The file is larger than %(size)s; scan it at a lower resolution or split it.")
        % {"size": _human_size(limit)},
        code="file_too_large",
        extra={"max_bytes": limit},
    )


def _corrupt(kind: str) -> UploadError:
    return UploadError(
        _("The file looks like a %(kind)s but cannot be opened: it is damaged or incomplete.")
        % {"kind": kind},
        code="file_corrupt",
    )


def _opens_with_an_action(root: Any) -> bool:
    """Whether the document runs an action when opened. An /OpenAction that is only a
    destination (an array: "open at page 1, fit width", as fpdf2 and word processors
    write) is harmless; an action dictionary (JavaScript, Launch, URI …) is not."""
    opening = root.get("/OpenAction")
    if opening is None:
        return False
    return not isinstance(opening.get_object(), list)


def check_pdf(data: bytes) -> bytes:
    """Return ``data`` when it is a readable, unprotected PDF without scripts, automatic
    actions or attached files; raise :class:`UploadError` otherwise."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise UploadError(
                _("The PDF is protected by a password; send it without the protection."),
                code="file_encrypted",
            )
        if len(reader.pages) < 1:
            raise _corrupt("PDF")
        root: Any = reader.trailer["/Root"].get_object()
        names: Any = root.get("/Names")
        active = (
            any(key in root for key in _PDF_ACTIVE_KEYS)
            or _opens_with_an_action(root)
            or (names is not None and any(key in names for key in _PDF_ACTIVE_NAMES))
        )
        for page in reader.pages:
            active = active or "/AA" in page
    except UploadError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        raise _corrupt("PDF") from exc
    if active:
        raise UploadError(
            _(
                "The PDF contains scripts, automatic actions or attached files; "
                "save it again as a plain PDF (print to PDF) and send that."
            ),
            code="file_active_content",
        )
    return data


def _reencode_image(data: bytes, content_type: str) -> bytes:
    """Decode the whole picture and write it again from its pixels alone."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    expected = "PNG" if content_type == PNG else "JPEG"
    kind = "PNG" if content_type == PNG else "JPEG"
    previous = Image.MAX_IMAGE_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            Image.MAX_IMAGE_PIXELS = int(settings.MOTCUA_UPLOAD_MAX_PIXELS)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format != expected:
                    raise _corrupt(kind)
                probe.verify()
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                upright = ImageOps.exif_transpose(image) or image
                clean = upright.copy()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise UploadError(
            _("The picture has too many pixels; scan it at a lower resolution."),
            code="image_too_large",
        ) from exc
    except UploadError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise _corrupt(kind) from exc
    finally:
        Image.MAX_IMAGE_PIXELS = previous
    keep: dict[Any, Any] = {k: v for k, v in clean.info.items() if k == "transparency"}
    clean.info = keep  # no EXIF, ICC, comments or text chunks
    out = io.BytesIO()
    if content_type == JPEG:
        if clean.mode not in ("L", "RGB", "CMYK"):
            clean = clean.convert("RGB")
        clean.save(out, "JPEG", quality=int(settings.MOTCUA_UPLOAD_JPEG_QUALITY), optimize=True)
    else:
        clean.save(out, "PNG", optimize=True)
    return out.getvalue()


def check_upload(source: Any, *, name: str = "", max_bytes: int | None = None) -> CheckedUpload:
    """Return the accepted file (images re-encoded), or raise :class:`UploadError`.

    ``source`` is an uploaded file (anything with ``read``) or bytes;
    ``name`` the sender's file name, used only for display (an uploaded
    file's own name when not given).
    """
    limit = max_upload_bytes() if max_bytes is None else max_bytes
    name = name or str(getattr(source, "name", "") or "")
    data = _read(source, limit)
    if not data:
        raise UploadError(
            _("The file is empty (0 bytes); choose the file again."), code="file_empty"
        )
    if len(data) > limit:
        raise _too_large(limit)
    content_type = sniff(data[:_PDF_HEADER_WINDOW])
    if content_type is None:
        raise UploadError(
            _(
                "Only PDF, JPEG and PNG files are accepted, and this file is none of them "
                "(whatever its name says)."
            ),
            code="file_type_not_allowed",
        )
    clean = check_pdf(data) if content_type == PDF else _reencode_image(data, content_type)
    return CheckedUpload(
        content=clean,
        content_type=content_type,
        name=_display_name(name, content_type),
        sha256=hashlib.sha256(clean).hexdigest(),
    )


# The files stored inside the innermost ``atomic_with_files`` block, if any.
_STORED: ContextVar[list[str] | None] = ContextVar("motcua_stored_uploads", default=None)


def store_upload(upload: CheckedUpload, *, folder: str) -> str:
    """Save an accepted file through the default storage; return its storage name.

    The stored name is random: nothing the sender chose reaches the storage.
    Inside ``atomic_with_files`` the file is deleted again if the block fails.
    """
    path = f"{folder.strip('/')}/{uuid.uuid4().hex}.{upload.extension}"
    name = str(default_storage.save(path, ContentFile(upload.content)))
    stored = _STORED.get()
    if stored is not None:
        stored.append(name)
    return name


@contextmanager
def atomic_with_files() -> Iterator[None]:
    """A ``transaction.atomic`` block that deletes the files it stored if it rolls back.

    The storage is not transactional: without this, a report refused after its
    evidence was saved (a lost lock, a failed audit write) leaves files that no
    row points to. Nothing is deleted when the block commits.
    """
    stored: list[str] = []
    token = _STORED.set(stored)
    try:
        with transaction.atomic():
            yield
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise
    finally:
        _STORED.reset(token)
