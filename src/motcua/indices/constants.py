"""Choices of the indices app."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class IndicatorSource(models.TextChoices):
    COMPUTED = "computed", _("Computed from the data")
    ENTERED = "entered", _("Entered by an administrator")


class Scoring(models.TextChoices):
    """How a sub-indicator turns its ratio R into points (DOMAIN.md §5.1, [L]).

    ``proportional``: with a target, the maximum when R reaches it and
    R × max / target below it; without a target, R × max. ``tracked``: the
    figure is shown but earns no points (the sub-indicators worth 0).
    """

    PROPORTIONAL = "proportional", _("Proportional to the ratio (full at the target)")
    TRACKED = "tracked", _("Tracked only, no points")


class ExternalIndex(models.TextChoices):
    PAR_INDEX = "par_index", "PAR INDEX"
    SIPAS = "sipas", "SIPAS"
    PAPI = "papi", "PAPI"
    PCI = "pci", "PCI"
    DTI = "dti", "DTI"


INDEX_VIEWER_ROLES = frozenset(
    {
        "division_head",
        "agency_leader",
        "centre_director",
        "commune_leader",
        "reform_officer",
        "administrator",
    }
)
"""Roles that see a unit's indices, dashboards and drill-downs (on the unit and below)."""
