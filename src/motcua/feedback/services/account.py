"""The rating from the citizen's own account: their returned dossier, rated once."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from motcua.citizens.selectors import citizen_of, my_dossiers_q
from motcua.core.errors import NotFoundError, PermissionDeniedError
from motcua.dossiers.models import Dossier
from motcua.feedback.constants import EvaluationChannel
from motcua.feedback.models import Evaluation
from motcua.feedback.services.evaluations import evaluation_submit


def account_dossier(*, user: Any, code: str) -> Dossier:
    """Return the signed-in citizen's dossier ``code``; anybody else's answers 404."""
    citizen = citizen_of(user)
    if citizen is None:
        raise PermissionDeniedError(
            _("Sign in with your citizen account to rate your dossier."), code="not_a_citizen"
        )
    dossier = (
        Dossier.objects.filter(my_dossiers_q(citizen), code=code)
        .select_related("procedure_version")
        .first()
    )
    if dossier is None:
        raise NotFoundError(_("The dossier does not exist."))
    return dossier


def account_rate(
    *, user: Any, code: str, level: str, scores: list[int] | None = None, comment: str = ""
) -> Evaluation:
    """Rate the citizen's own returned dossier from their account."""
    dossier = account_dossier(user=user, code=code)
    return evaluation_submit(
        dossier=dossier,
        channel=EvaluationChannel.ACCOUNT,
        level=level,
        scores=scores,
        comment=comment,
        actor=user,
        via=f"citizen:{user.pk}",
    )
