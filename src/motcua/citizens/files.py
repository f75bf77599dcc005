"""How a permitted attachment leaves the server, for the portal page and the API alike."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.http import FileResponse

from motcua.citizens.models import Attachment


def attachment_response(found: Attachment, *, inline: bool = False) -> FileResponse:
    """The stored file under its display name: never sniffed, never cached, never scripted."""
    response = FileResponse(
        default_storage.open(str(found.file.name), "rb"),
        content_type=found.content_type,
        as_attachment=not inline,
        filename=found.name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
