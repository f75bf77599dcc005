from typing import Any

from django import template

from motcua.core.people import full_name

register = template.Library()


@register.filter(name="full_name")
def full_name_filter(user: Any) -> str:
    """Render a user's name in Vietnamese order: ``{{ user|full_name }}``."""
    return full_name(user)
