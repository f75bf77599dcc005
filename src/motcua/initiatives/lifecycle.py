"""The lifecycle of a reform model as data: which action moves which status where.

pilot → evaluated → recognised → replicated (each further replication keeps
it replicated); a pilot or an evaluated model may be rejected. :func:`may`
is the one question every screen, the API and the services ask.
"""

from __future__ import annotations

from typing import Any

from motcua.initiatives import conf
from motcua.initiatives.constants import ModelAction, ModelStatus
from motcua.initiatives.models import ReformModel
from motcua.org.models import Unit
from motcua.org.selectors import user_has_role

TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    ModelAction.EVALUATE: (frozenset({ModelStatus.PILOT}), ModelStatus.EVALUATED),
    ModelAction.RECOGNISE: (frozenset({ModelStatus.EVALUATED}), ModelStatus.RECOGNISED),
    ModelAction.REPLICATE: (
        frozenset({ModelStatus.RECOGNISED, ModelStatus.REPLICATED}),
        ModelStatus.REPLICATED,
    ),
    ModelAction.REJECT: (
        frozenset({ModelStatus.PILOT, ModelStatus.EVALUATED}),
        ModelStatus.REJECTED,
    ),
}


def is_officer(actor: Any, unit: Unit) -> bool:
    """Return whether ``actor`` may act for ``unit`` on initiatives and models."""
    if not getattr(actor, "is_authenticated", False):
        return False
    if getattr(actor, "is_superuser", False):
        return True
    return any(user_has_role(actor, role, unit) for role in conf.officer_roles())


def allowed_from(action: str) -> frozenset[str]:
    return TRANSITIONS[action][0]


def target(action: str) -> str:
    return TRANSITIONS[action][1]


def may(action: str, model: ReformModel, actor: Any) -> bool:
    """Return whether ``actor`` may take ``action`` on ``model`` in its present status."""
    if action not in TRANSITIONS:
        return False
    return model.status in allowed_from(action) and is_officer(actor, model.unit)


def actions_for(model: ReformModel, actor: Any) -> list[str]:
    """Return the actions ``actor`` may take on ``model`` now, in table order."""
    return [action for action in TRANSITIONS if may(action, model, actor)]
