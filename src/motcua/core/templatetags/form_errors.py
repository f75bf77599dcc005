"""Form errors the GOV.UK way, built once for every staff form.

``{% error_summary form other_form … %}`` renders, when any of the forms
has errors, a summary at the top of the page: a heading, then every
problem at once, each a link to its field (non-field problems unlinked).
``{% error_title form … %}`` gives the page title its "Error: " prefix.
``motcua/forms.js`` moves the focus to the summary when the page loads and,
on a link, opens the folded section holding the field and focuses it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms, template
from django.utils.translation import gettext as _

register = template.Library()

_MULTIPLE = (forms.RadioSelect, forms.CheckboxSelectMultiple)


@dataclass(frozen=True)
class Problem:
    message: str
    anchor: str  # the field's element id; empty for a problem of the whole form


def field_anchor(field: forms.BoundField) -> str:
    """Return the id of the element a summary link for ``field`` should focus."""
    widget = field.field.widget
    if isinstance(widget, forms.HiddenInput):
        return ""
    if isinstance(widget, _MULTIPLE):
        return f"{field.auto_id}_0" if field.auto_id else ""
    return field.id_for_label or (field.auto_id or "")


def form_problems(*candidates: Any) -> list[Problem]:
    """Return the problems of the given forms (None and non-forms are skipped), in field order."""
    problems: list[Problem] = []
    for form in candidates:
        if not isinstance(form, forms.BaseForm) or not form.is_bound or not form.errors:
            continue
        for message in form.non_field_errors():
            problems.append(Problem(str(message), ""))
        for field in form:
            for message in field.errors:
                problems.append(Problem(str(message), field_anchor(field)))
    return problems


@register.inclusion_tag("core/_error_summary.html")
def error_summary(*forms_: Any, intro: str = "") -> dict[str, Any]:
    """Render the summary of every problem of ``forms_`` (nothing when there is none).

    ``intro`` replaces the sentence under the heading (a search saves nothing).
    """
    return {"problems": form_problems(*forms_), "intro": intro}


@register.simple_tag
def error_title(*forms_: Any) -> str:
    """Return the page title's prefix when a form has errors: "Lỗi: " (GOV.UK pattern)."""
    return _("Error: ") if form_problems(*forms_) else ""
