"""``{% feedback_return_panel dossier %}``: the rating's place on the officer's return screen."""

from __future__ import annotations

from typing import Any

from django import template

from motcua.dossiers.constants import DossierStatus
from motcua.feedback.models import Evaluation

register = template.Library()


@register.inclusion_tag("feedback/_return_panel.html")
def feedback_return_panel(dossier: Any) -> dict[str, Any]:
    """Show the rating of a returned dossier, or the button that sends it to the kiosk."""
    if dossier.status != DossierStatus.RETURNED:
        return {"show": False}
    evaluation = Evaluation.objects.filter(dossier_id=dossier.pk).first()
    return {"show": True, "dossier": dossier, "evaluation": evaluation}


@register.inclusion_tag("feedback/_citizen_rate_link.html")
def feedback_citizen_link(dossier: Any) -> dict[str, Any]:
    """On the citizen's dossier page: the link to rate a returned, unrated dossier."""
    show = (
        dossier.status == DossierStatus.RETURNED
        and not Evaluation.objects.filter(dossier_id=dossier.pk).exists()
    )
    return {"show": show, "dossier": dossier}
