"""What the feedback app does when a dossier's result is returned: invite the rating."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.dispatch import receiver
from django.urls import reverse

from motcua.core.notifications import notify
from motcua.dossiers.models import Dossier
from motcua.dossiers.signals import dossier_returned
from motcua.feedback.services.invites import invite_create


@receiver(dossier_returned, dispatch_uid="feedback.invite_on_return")
def invite_on_return(sender: Any, dossier: Dossier, **kwargs: Any) -> None:
    """Send the applicant the signed rating link (in the return's transaction)."""
    if not (dossier.applicant_email or dossier.applicant_phone):
        return
    token = invite_create(dossier=dossier)
    url = settings.MOTCUA_PUBLIC_URL.rstrip("/") + reverse("feedback:rate", args=[token])
    notify(
        event="feedback.rating_invite",
        context={"dossier": dossier, "rating_url": url},
        email=dossier.applicant_email,
        phone=dossier.applicant_phone,
        obj=dossier,
    )
