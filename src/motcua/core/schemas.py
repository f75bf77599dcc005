"""The error bodies every JSON endpoint answers, as published in the OpenAPI document.

Each app's API lists the statuses an operation can answer with these
schemas (:func:`error_responses`), so a client reads the 4xx answers from the
document as well as the 200 ones. The bodies are written by the handlers
in ``motcua.api.main``. No ``from __future__ import annotations`` here:
django-ninja reads the annotations at import time.
"""

from typing import Any, Literal

from ninja import Schema
from pydantic import Field


class ErrorOut(Schema):
    detail: str = Field(description="What went wrong, in the request's language.")
    code: str = Field(description="A stable slug, e.g. `incomplete`, `conflict`, `not_found`.")
    extra: dict[str, Any] | None = Field(
        None,
        description=(
            "Details: `errors` lists every field problem ({field, message}); "
            "a 409 carries the dossier's current `version` and `status`."
        ),
    )


class ProblemOut(Schema):
    field: str = Field(
        description=(
            "Where: the source, then the path, e.g. `body.applicant.phone`, "
            "`body.provided_document_ids.0`, `query.page_size`, `header.Idempotency-Key`, "
            "`path.number`; `body` alone for a rule on the whole body."
        )
    )
    message: str = Field(description="What is wrong, in the request's language.")
    type: str = Field(description="Pydantic's error type, e.g. `string_too_long`, `missing`.")
    original: str | None = Field(
        None,
        description=(
            "Pydantic's own (English) text, given only when `message` is the generic "
            "“invalid value” because the type has no translation."
        ),
    )


class ProblemsOut(Schema):
    errors: list[ProblemOut]


class ValidationErrorOut(Schema):
    detail: str = Field(
        description="A summary naming the first problem, in the request's language."
    )
    code: Literal["invalid_input"]
    extra: ProblemsOut


def error_responses(*statuses: int) -> dict[int, Any]:
    """Return ``{status: schema}`` for the error statuses an operation answers.

    422 (the request does not match the schema) has its own body; every
    other status answers :class:`ErrorOut`.
    """
    return {status: ValidationErrorOut if status == 422 else ErrorOut for status in statuses}
