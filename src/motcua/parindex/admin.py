"""Admin: PAR INDEX definitions and self-assessments, read only.

Definitions are imported from a workbook on /chi-so-cchc/ (every row checked,
all or nothing); assessments change only through the services, which lock,
audit and notify. Here both are read.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from motcua.parindex.models import Assessment, Definition, SubCriterion


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Definition)
class DefinitionAdmin(ReadOnlyAdmin):
    list_display = ["name", "year", "level", "survey_max_points"]
    list_filter = ["level", "year"]


@admin.register(SubCriterion)
class SubCriterionAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "max_points", "rule_code", "criterion"]
    list_filter = ["criterion__area__definition"]
    list_select_related = ["criterion"]


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyAdmin):
    list_display = ["unit", "definition", "status", "survey_points", "submitted_at"]
    list_filter = ["status", "definition"]
    list_select_related = ["unit", "definition"]
