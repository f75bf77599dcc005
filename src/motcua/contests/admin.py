"""Admin: the set-up of contests (kinds, contests, teams, rounds and their parts), and
read-only sheets and results.

Sheets, reopenings, the opening of a round and its publication change only
through the services (the judge's and the organiser's pages), which lock,
audit and notify. A round's set-up is editable here while it is being
prepared; every save writes an audit record.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from motcua.contests.models import (
    Contest,
    Criterion,
    JudgeAssignment,
    Performance,
    PerformanceKind,
    PrizeCategory,
    Result,
    Round,
    RoundStatus,
    ScoreSheet,
    Team,
    TeamMember,
)
from motcua.core import clock
from motcua.core.audit import audit_record


def _audit(request: HttpRequest, obj: Any, change: bool) -> None:
    audit_record(
        actor=request.user,
        action="contests.admin_change" if change else "contests.admin_add",
        obj=obj,
        data={"model": obj._meta.model_name},
    )


class AuditedAdmin(admin.ModelAdmin[Any]):
    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if isinstance(obj, Contest) and obj.created_at is None:
            obj.created_at = clock.now()
        super().save_model(request, obj, form, change)
        _audit(request, obj, change)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        super().save_formset(request, form, formset, change)
        _audit(request, form.instance, True)


@admin.register(PerformanceKind)
class PerformanceKindAdmin(admin.ModelAdmin[PerformanceKind]):
    list_display = ["name", "code", "order"]


class TeamMemberInline(admin.TabularInline[TeamMember, Team]):
    model = TeamMember
    extra = 3


@admin.register(Team)
class TeamAdmin(AuditedAdmin):
    list_display = ["name", "unit", "contest"]
    list_filter = ["contest"]
    autocomplete_fields = ["unit"]
    inlines = [TeamMemberInline]


class RoundInline(admin.TabularInline[Round, Contest]):
    model = Round
    fields = ["name", "order", "held_on", "drop_extremes"]
    extra = 0
    show_change_link = True


@admin.register(Contest)
class ContestAdmin(AuditedAdmin):
    list_display = ["name", "organiser", "year"]
    autocomplete_fields = ["organiser"]
    exclude = ["created_at"]
    inlines = [RoundInline]


class CriterionInline(admin.TabularInline[Criterion, Round]):
    model = Criterion
    extra = 1


class PerformanceInline(admin.TabularInline[Performance, Round]):
    model = Performance
    extra = 1


class PrizeInline(admin.TabularInline[PrizeCategory, Round]):
    model = PrizeCategory
    extra = 1


class JudgeInline(admin.TabularInline[JudgeAssignment, Round]):
    model = JudgeAssignment
    fields = ["judge", "assigned_at"]
    readonly_fields = ["judge", "assigned_at"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Round)
class RoundAdmin(AuditedAdmin):
    list_display = ["name", "contest", "status", "published_at"]
    list_filter = ["status"]
    readonly_fields = ["status", "published_at"]
    inlines = [CriterionInline, PerformanceInline, PrizeInline, JudgeInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        """Once scoring started, the set-up stays as the judges saw it."""
        if obj is not None and obj.status != RoundStatus.PREPARING:
            return [
                "contest",
                "name",
                "order",
                "drop_extremes",
                "tie_break",
                "status",
                "published_at",
            ]
        return ["status", "published_at"]

    def get_inlines(self, request: HttpRequest, obj: Any) -> Any:
        if obj is not None and obj.status != RoundStatus.PREPARING:
            return [JudgeInline]
        return self.inlines


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ScoreSheet)
class ScoreSheetAdmin(ReadOnlyAdmin):
    list_display = ["performance", "judge", "status", "total", "submitted_at"]
    list_filter = ["status"]


@admin.register(Result)
class ResultAdmin(ReadOnlyAdmin):
    list_display = ["round", "rank", "team", "score", "prize", "certificate_number"]
    list_filter = ["round"]
