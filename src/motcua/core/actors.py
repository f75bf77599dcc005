"""Who does something: the one type every service takes as ``actor``.

A service is called by a signed-in user (a view, the API, the admin), by a
script or job that names itself ("import_units", "system"), or by nobody
(an anonymous online submission). History and audit records keep the user
when there is one and the label otherwise; foreign keys such as
``created_by`` take :func:`user_of`, never the label.
"""

from __future__ import annotations

from typing import TypeAlias, cast

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser, User

Actor: TypeAlias = User | AnonymousUser | str | None
"""A user, an anonymous visitor, a script's label such as ``"system"``, or None."""


def user_of(actor: object) -> User | None:
    """Return the signed-in user behind ``actor``, or None for a label, an anonymous visitor or None."""
    if isinstance(actor, AbstractBaseUser) and actor.is_authenticated:
        return cast(User, actor)  # the project's user model (AUTH_USER_MODEL is auth.User)
    return None


def active_user_of(actor: object) -> User | None:
    """Return the user behind ``actor`` when the account is active (roles count only then)."""
    user = user_of(actor)
    if user is not None and getattr(user, "is_active", False):
        return user
    return None


def actor_label(actor: object) -> str:
    """Return what an audit record shows for ``actor``: the username, or the script's label."""
    user = user_of(actor)
    if user is not None:
        return user.get_username()
    return "" if actor is None or isinstance(actor, AnonymousUser) else str(actor)
