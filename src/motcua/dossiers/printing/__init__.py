"""Printed one-stop forms (biểu mẫu) as PDF: Mẫu 01–07 of TT 03/2025/TT-VPCP.

``render_pdf(form, obj)`` draws one form for one object:

========== ====================================== =========================
form       what                                   object
========== ====================================== =========================
receipt    Mẫu 01 receipt and appointment         received ``Dossier``
supplement Mẫu 02 supplement request              ``Pause`` (supplement) or
                                                  ``IntakeGuidance``
refusal    Mẫu 03 refusal to receive              refused ``Dossier``
apology    Mẫu 04 apology and new date            ``Dossier`` with apology
stop       Mẫu 05 notice of stopping (TT 03/2025) stopped ``Dossier``
control    Mẫu 06 control slip (05 in TT 01/2018) received ``Dossier``
logbook    Mẫu 07 log book (06 in TT 01/2018)     ``logbook.LogbookPage``
answer     written answer, not granted (no form)  ``Dossier`` decided not
                                                  granted
========== ====================================== =========================

The texts are statutory Vietnamese and are printed in Vietnamese whatever
the interface language; only error messages go through gettext. The
numbering set is ``MOTCUA_FORM_NUMBERING`` unless ``numbering`` is given.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.text import strip_accents
from motcua.dossiers import logbook
from motcua.dossiers.constants import Decision, DossierStatus, PauseKind
from motcua.dossiers.models import Apology, Dossier, IntakeGuidance, Pause
from motcua.dossiers.printing import forms
from motcua.dossiers.printing.layout import FormPDF
from motcua.dossiers.printing.numbering import (
    FORMS,
    NUMBERS,
    check_form,
    form_number,
    form_title,
    resolve_numbering,
)

__all__ = [
    "FORMS",
    "NUMBERS",
    "answer_applies",
    "form_number",
    "form_title",
    "pdf_filename",
    "render_pdf",
]


def answer_applies(dossier: Dossier) -> bool:
    """Return whether ``dossier`` was decided "not granted", so its written answer is printed."""
    return dossier.decision == Decision.NOT_GRANTED and dossier.status in {
        DossierStatus.RESULT_READY,
        DossierStatus.RETURNED,
    }


def _received(obj: Any) -> Dossier:
    if not isinstance(obj, Dossier) or obj.received_at is None or not obj.code:
        raise ValueError(_("This form is printed only for a received dossier."))
    return obj


def _check_receipt(obj: Any) -> Dossier:
    return _received(obj)


def _check_supplement(obj: Any) -> Pause | IntakeGuidance:
    if isinstance(obj, IntakeGuidance):
        return obj
    if isinstance(obj, Pause) and obj.kind == PauseKind.SUPPLEMENT:
        return obj
    raise ValueError(
        _("The supplement request is printed from a supplement request or counter guidance.")
    )


def _check_refusal(obj: Any) -> Dossier:
    if not isinstance(obj, Dossier) or obj.status != DossierStatus.REFUSED:
        raise ValueError(_("The refusal slip is printed only for a refused dossier."))
    return obj


def _check_apology(obj: Any) -> Dossier:
    if not isinstance(obj, Dossier) or not Apology.objects.filter(dossier=obj).exists():
        raise ValueError(_("The apology is printed only for a dossier with an apology."))
    return obj


def _check_stop(obj: Any) -> Dossier:
    if not isinstance(obj, Dossier) or obj.status != DossierStatus.STOPPED:
        raise ValueError(_("The notice of stopping is printed only for a stopped dossier."))
    return obj


def _check_answer(obj: Any) -> Dossier:
    if not isinstance(obj, Dossier) or not answer_applies(obj):
        raise ValueError(
            _("The written answer is printed only for a dossier decided “not granted”.")
        )
    return obj


def _check_logbook(obj: Any) -> logbook.LogbookPage:
    if not isinstance(obj, logbook.LogbookPage):
        raise ValueError(_("The log book is printed from a log book page."))
    return obj


_DRAW: dict[str, tuple[Callable[[Any], Any], Callable[[Any, str], FormPDF]]] = {
    "receipt": (_check_receipt, forms.draw_receipt),
    "supplement": (_check_supplement, forms.draw_supplement),
    "refusal": (_check_refusal, forms.draw_refusal),
    "apology": (_check_apology, forms.draw_apology),
    "stop": (_check_stop, forms.draw_stop),
    "control": (_received, forms.draw_control),
    "logbook": (_check_logbook, forms.draw_logbook),
    "answer": (_check_answer, forms.draw_answer),
}


def render_pdf(form: str, obj: Any, *, numbering: str | None = None) -> bytes:
    """Return the PDF of ``form`` for ``obj``; raise ValueError for a wrong pair."""
    check_form(form)
    chosen = resolve_numbering(numbering)
    check, draw = _DRAW[form]
    return bytes(draw(check(obj), chosen).output())


_UNSAFE = re.compile(r"[^A-Za-z0-9.-]+")
_SLUGS = {"stop": "thong-bao-dung", "answer": "thong-bao-khong-chap-thuan"}


def _reference(obj: Any) -> str:
    if isinstance(obj, Dossier):
        if not obj.code and obj.slip_number and obj.closed_at:
            return f"tu-choi-{timezone.localtime(obj.closed_at).year}-{obj.slip_number}"
        return obj.code or f"ho-so-{obj.pk}"
    if isinstance(obj, Pause):
        dossier = obj.dossier
        suffix = "" if obj.number <= 1 else f"-{obj.number}"
        return f"{dossier.code or f'ho-so-{dossier.pk}'}{suffix}"
    if isinstance(obj, IntakeGuidance):
        if obj.slip_number:
            return f"huong-dan-{timezone.localtime(obj.at).year}-{obj.slip_number}"
        return f"huong-dan-{obj.pk}"
    if isinstance(obj, logbook.LogbookPage):
        return f"so-theo-doi-{obj.start:%Y%m%d}-{obj.end:%Y%m%d}"
    return "bieu-mau"


def pdf_filename(form: str, obj: Any, *, numbering: str | None = None) -> str:
    """Return an ASCII file name such as "mau-01-H33.15-260302-0001.pdf"."""
    number = form_number(form, numbering)
    prefix = f"mau-{number}" if number else _SLUGS.get(form, form)
    name = _UNSAFE.sub("-", strip_accents(f"{prefix}-{_reference(obj)}")).strip("-.")
    return f"{name}.pdf"
