"""Template tags that show an office's contact details to citizens."""

from __future__ import annotations

from django import template

from motcua.org.models import Unit
from motcua.org.selectors import office_for_unit

register = template.Library()


@register.simple_tag
def office_of(unit_id: int | None) -> Unit | None:
    """Return the office that serves ``unit_id`` (see ``office_for_unit``), or None."""
    return office_for_unit(unit_id) if unit_id else None


@register.inclusion_tag("org/office_card.html")
def office_card(office: Unit | None, heading_level: int = 3) -> dict[str, object]:
    """Render an office's address, opening hours, telephones, e-mail and map link."""
    return {"office": office, "heading_level": heading_level}
