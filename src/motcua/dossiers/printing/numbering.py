"""Form numbers and titles under each set of forms (DOMAIN.md §2.1).

TT 01/2018/TT-VPCP numbered six forms (01–06); TT 03/2025/TT-VPCP,
Phụ lục I, has seven: it added the notice of stopping as Mẫu 05 and moved
the control slip to 06 and the log book to 07, and renamed Mẫu 04. The
deployment picks the set with ``MOTCUA_FORM_NUMBERING``.

The written answer to a dossier decided "not granted" (``answer``) is in
neither set: it is an ordinary administrative letter (NĐ 30/2020/NĐ-CP)
with the reasons, and carries no form number.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

TT03_2025 = "tt03_2025"
TT01_2018 = "tt01_2018"

FORMS = ("receipt", "supplement", "refusal", "apology", "stop", "control", "logbook", "answer")

NUMBERS: dict[str, dict[str, str | None]] = {
    TT03_2025: {
        "receipt": "01",
        "supplement": "02",
        "refusal": "03",
        "apology": "04",
        "stop": "05",
        "control": "06",
        "logbook": "07",
        "answer": None,
    },
    TT01_2018: {
        "receipt": "01",
        "supplement": "02",
        "refusal": "03",
        "apology": "04",
        "stop": None,
        "control": "05",
        "logbook": "06",
        "answer": None,
    },
}

BASIS = {
    TT03_2025: "(Kèm theo Thông tư số 03/2025/TT-VPCP)",
    TT01_2018: "(Kèm theo Thông tư số 01/2018/TT-VPCP)",
}

NO_FORM_NOTE = "(Bộ biểu mẫu theo Thông tư số 01/2018/TT-VPCP không có mẫu thông báo này)"
NOT_IN_SET_NOTES = {
    "answer": "(Văn bản hành chính theo Nghị định số 30/2020/NĐ-CP; bộ biểu mẫu không có mẫu riêng)"
}
"""The corner note of a form that no set numbers, instead of "Mẫu số …"."""

TITLES = {
    "receipt": "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
    "supplement": "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
    "refusal": "Phiếu từ chối tiếp nhận giải quyết hồ sơ",
    "apology": "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết",
    "stop": "Thông báo dừng giải quyết hồ sơ",
    "control": "Phiếu kiểm soát quá trình giải quyết hồ sơ",
    "logbook": "Sổ theo dõi hồ sơ",
    "answer": "Thông báo không chấp thuận giải quyết hồ sơ",
}
OLD_TITLES = {"apology": "Phiếu xin lỗi và hẹn lại ngày trả kết quả"}


def resolve_numbering(numbering: str | None) -> str:
    """Return ``numbering``, or the deployment's, checked."""
    value = numbering or settings.MOTCUA_FORM_NUMBERING
    if value not in NUMBERS:
        raise ValueError(
            _("Unknown form numbering “%(numbering)s”; use %(choices)s.")
            % {"numbering": value, "choices": ", ".join(NUMBERS)}
        )
    return value


def check_form(form: str) -> str:
    """Return ``form`` if it is a printable form, else raise ValueError."""
    if form not in FORMS:
        raise ValueError(
            _("Unknown form “%(form)s”; use %(choices)s.")
            % {"form": form, "choices": ", ".join(FORMS)}
        )
    return form


def form_number(form: str, numbering: str | None = None) -> str | None:
    """Return the form's number ("01".."07"), or None when the set has no such form."""
    return NUMBERS[resolve_numbering(numbering)][check_form(form)]


def form_title(form: str, numbering: str | None = None) -> str:
    """Return the form's title in Vietnamese, as the chosen set words it."""
    check_form(form)
    if resolve_numbering(numbering) == TT01_2018 and form in OLD_TITLES:
        return OLD_TITLES[form]
    return TITLES[form]
