from typing import Any

from django import template

from motcua.workdays.calendar_grid import year_grid
from motcua.workdays.models import CalendarYear

register = template.Library()


@register.inclusion_tag("admin/workdays/calendaryear/_year_grid.html")
def year_calendar(calendar_year: Any) -> dict[str, Any]:
    """Render the twelve month grids of a saved calendar year (nothing for a new one)."""
    if not isinstance(calendar_year, CalendarYear) or calendar_year.pk is None:
        return {"grid": None}
    return {"grid": year_grid(calendar_year)}
