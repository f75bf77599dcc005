"""Admin: the configurable rules (evaluation schemes, questionnaires) and read-only records.

Ratings, PAKN, kiosks and answers change only through the services (the
staff pages), which lock, audit and notify; here they are read.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from motcua.feedback.models import (
    Evaluation,
    EvaluationScheme,
    FollowUp,
    Kiosk,
    Pakn,
    Questionnaire,
    SurveyCampaign,
)


@admin.register(EvaluationScheme)
class EvaluationSchemeAdmin(admin.ModelAdmin[EvaluationScheme]):
    list_display = ["name", "effective_from", "follow_up_days", "low_score"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        """A scheme that rated something is history: add a new one with a later date."""
        if obj is not None and Evaluation.objects.filter(scheme=obj).exists():
            return ["name", "effective_from", "legal_basis", "indicators", "bands", "low_score"]
        return []


@admin.register(Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin[Questionnaire]):
    list_display = ["name", "code", "version", "effective_from", "overall_method"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        """A version a campaign uses is never changed: make a new version."""
        if obj is not None and obj.campaigns.exists():
            return ["code", "version", "definition", "overall_method", "effective_from"]
        return []


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Evaluation)
class EvaluationAdmin(ReadOnlyAdmin):
    list_display = ["dossier", "level", "total", "band", "channel", "submitted_at"]
    list_filter = ["level", "channel"]


@admin.register(FollowUp)
class FollowUpAdmin(ReadOnlyAdmin):
    list_display = ["evaluation", "unit", "status", "due_at"]
    list_filter = ["status"]


@admin.register(Pakn)
class PaknAdmin(ReadOnlyAdmin):
    list_display = ["code", "title", "channel", "kind", "status", "due_at"]
    list_filter = ["status", "kind", "channel"]


@admin.register(Kiosk)
class KioskAdmin(ReadOnlyAdmin):
    list_display = ["name", "unit", "paired_at", "is_active"]


@admin.register(SurveyCampaign)
class SurveyCampaignAdmin(ReadOnlyAdmin):
    list_display = ["name", "unit", "starts_on", "ends_on", "sample_target"]
