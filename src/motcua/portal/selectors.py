"""Reads for the citizen pages: the home page's lists and a procedure's offices.

"Most used" counts the procedures of the latest ``RECENT_SAMPLE`` dossiers
(a bounded scan of the primary key, never a GROUP BY over the whole dossier
table: docs/performance.md), kept in the shared cache for
``HOME_CACHE_SECONDS``.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.core.cache import cache

from motcua.catalog.models import OnlineLevel
from motcua.catalog.selectors import procedure_search
from motcua.dossiers.models import Dossier
from motcua.org.selectors import office_list

RECENT_SAMPLE = 5000
MOST_USED = 6
ONLINE_SHOWN = 8
HOME_CACHE_SECONDS = 600

ONLINE_LEVELS = (OnlineLevel.FULL, OnlineLevel.PARTIAL)


def most_used_procedure_codes(limit: int = MOST_USED) -> list[str]:
    """Return the codes of the procedures most used by the latest dossiers (cached)."""

    def count() -> list[str]:
        recent = Dossier.objects.order_by("-id").values_list("procedure__code", flat=True)
        counts = Counter(recent[:RECENT_SAMPLE])
        return [code for code, _n in counts.most_common(limit)]

    codes = cache.get_or_set("portal:most-used", count, HOME_CACHE_SECONDS)
    return list(codes or [])


def home_page_data() -> dict[str, Any]:
    """Return the home page's lists: most used and online procedures, and the offices."""
    in_force = procedure_search()
    codes = most_used_procedure_codes()
    by_code = {v.procedure.code: v for v in in_force.filter(procedure__code__in=codes)}
    most_used = [by_code[code] for code in codes if code in by_code]
    if len(most_used) < MOST_USED:  # a new deployment: fill with the catalogue's first ones
        shown = set(by_code)
        most_used += [v for v in in_force[: MOST_USED * 2] if v.procedure.code not in shown]
        most_used = most_used[:MOST_USED]
    online = list(in_force.filter(online_level__in=ONLINE_LEVELS)[: ONLINE_SHOWN + 1])
    return {
        "most_used": most_used,
        "online": online[:ONLINE_SHOWN],
        "more_online": len(online) > ONLINE_SHOWN,
        "offices": office_list(),
    }
