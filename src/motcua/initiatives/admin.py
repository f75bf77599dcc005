"""Admin of the initiatives app: read-only views of records the services write.

Initiatives, councils, recognitions, models and replications change only
through :mod:`motcua.initiatives.services` (lock, audit, notify), so the
admin shows them without add, change or delete. Historical figures are
imported data and are edited here.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from motcua.initiatives.models import (
    Council,
    CouncilMember,
    HistoricalFigure,
    Initiative,
    Recognition,
    ReformModel,
    Replication,
)


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class MemberInline(admin.TabularInline):  # type: ignore[type-arg]
    model = CouncilMember
    fields = ["name", "position", "score", "opinion", "scored_at"]
    readonly_fields = ["name", "position", "score", "opinion", "scored_at"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Initiative)
class InitiativeAdmin(ReadOnlyAdmin):
    list_display = ["title", "authors", "unit", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["title", "authors"]


@admin.register(Council)
class CouncilAdmin(ReadOnlyAdmin):
    list_display = ["name", "initiative", "pass_mark", "mean_score", "result"]
    exclude = ["passed"]
    readonly_fields = ["result"]
    inlines = [MemberInline]

    @admin.display(description=_("result"))
    def result(self, council: Council) -> str:
        if council.passed is None:
            return str(_("not concluded"))
        return str(_("passed") if council.passed else _("not passed"))


@admin.register(Recognition)
class RecognitionAdmin(ReadOnlyAdmin):
    list_display = ["decision_number", "decided_on", "scope", "initiative", "model"]


@admin.register(ReformModel)
class ReformModelAdmin(ReadOnlyAdmin):
    list_display = ["title", "unit", "status", "pilot_started_on"]
    list_filter = ["status"]


@admin.register(Replication)
class ReplicationAdmin(ReadOnlyAdmin):
    list_display = ["model", "unit", "adopted_on"]


@admin.register(HistoricalFigure)
class HistoricalFigureAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["agency", "procedure", "year", "month", "finished", "finished_on_time"]
    list_filter = ["year"]
