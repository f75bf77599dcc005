"""Listing and reading dossiers."""

from typing import Any

from django.http import HttpRequest
from ninja import Query

from motcua.dossiers.api.common import _caller, router
from motcua.dossiers.api.output import _detail, _dossier
from motcua.dossiers.api.schemas import ERRORS, DossierDetailOut, DossierFilter, DossierPageOut
from motcua.dossiers.screens import UserRoles
from motcua.dossiers.selectors import (
    dossier_get_for_user,
    dossier_list_for_user,
    dossier_log_view,
    dossier_page,
)


@router.get(
    "/",
    response={200: DossierPageOut, **ERRORS},
    summary="The caller's work queue",
    description=(
        "**Danh sách hồ sơ** of the units the caller handles, in one queue: `mine` "
        "(hồ sơ tôi đang xử lý), `unit` (chờ nhận xử lý), `due_soon` (sắp đến hạn), "
        "`overdue` (quá hạn), `waiting` (chờ tiếp nhận, bổ sung hoặc thực hiện nghĩa vụ "
        "tài chính). Queues sort by due instant, the full list newest first. "
        "Personal data is not listed."
    ),
)
def dossier_list(request: HttpRequest, filters: Query[DossierFilter]) -> dict[str, Any]:
    dossiers = dossier_list_for_user(
        _caller(request),
        queue=filters.queue,
        statuses=filters.status,
        procedure=filters.procedure,
        received_from=filters.received_from,
        received_to=filters.received_to,
    )
    count = dossiers.count()
    start = (filters.page - 1) * filters.page_size
    items = dossier_page(dossiers, offset=start, limit=filters.page_size) if start < count else []
    return {
        "count": count,
        "page": filters.page,
        "pages": -(-count // filters.page_size),
        "page_size": filters.page_size,
        "items": [_dossier(d) for d in items],
    }


@router.get(
    "/{code}",
    response={200: DossierDetailOut, **ERRORS},
    summary="One dossier with its history",
    description=(
        "**Chi tiết hồ sơ**: applicant (with personal data), checklist documents, the "
        "control slip (phiếu kiểm soát quá trình giải quyết hồ sơ) step by step, pauses "
        "(tạm dừng), the apology (Mẫu 04, phiếu xin lỗi và hẹn lại ngày trả kết quả) and "
        "the events timeline. `code` is the dossier code, or the numeric id of a dossier "
        "refused at the counter. Each read is written to the audit log (`dossiers.view`). "
        "A dossier outside the caller's units answers 404."
    ),
)
def dossier_detail(request: HttpRequest, code: str) -> dict[str, Any]:
    dossier = dossier_get_for_user(_caller(request), code, with_history=True)
    dossier_log_view(actor=_caller(request), dossier=dossier, via="api")
    return _detail(dossier, UserRoles.load(_caller(request)))


def _detail_of(code: str) -> Any:
    def view(request: HttpRequest) -> dict[str, Any]:
        return dossier_detail(request, code)

    view.__name__ = f"dossier_detail_{code}"
    return view


def route_literal_siblings() -> list[str]:
    """Answer ``GET /{code}`` for codes spelled like a sibling path (``/online``…).

    Django matches the literal path first, and it has no GET: without this
    such a code got an undocumented 405 instead of the detail's own answer
    (a 404: no dossier has that code). The aliases stay out of the document;
    the ``/{code}`` operation documents them. Call once every path is registered.
    """
    added = []
    for path, view in list(router.path_operations.items()):
        segment = path.strip("/")
        if not segment or "/" in segment or "{" in segment:
            continue
        if any("GET" in operation.methods for operation in view.operations):
            continue
        router.get(
            path,
            response={200: DossierDetailOut, **ERRORS},
            include_in_schema=False,
        )(_detail_of(segment))
        added.append(segment)
    return added
