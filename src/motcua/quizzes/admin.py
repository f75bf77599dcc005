"""Admin: the prizes of a round and a question's use are data; the rest is read here.

Quizzes, rounds, banks and attempts change through the services (the
organiser's pages), which check the role and audit; the admin may change a
round's prizes and take a question out of use (``active``).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from motcua.core.errors import ApplicationError
from motcua.quizzes.models import Attempt, Participant, Question, Quiz, QuizUnit, Round
from motcua.quizzes.services import check_prizes


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Quiz)
class QuizAdmin(ReadOnlyAdmin):
    list_display = ["title", "unit", "created_at"]


@admin.register(QuizUnit)
class QuizUnitAdmin(ReadOnlyAdmin):
    list_display = ["quiz", "unit", "population", "staff"]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin[Question]):
    list_display = ["text", "topic", "difficulty", "active"]
    list_filter = ["difficulty", "active"]
    fields = ["quiz", "topic", "difficulty", "text", "legal_source", "active"]
    readonly_fields = ["quiz", "topic", "difficulty", "text", "legal_source"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class RoundAdminForm(forms.ModelForm[Round]):
    class Meta:
        model = Round
        fields = ["prizes", "collective_prizes", "collective_basis"]

    def clean_prizes(self) -> Any:
        try:
            return check_prizes(self.cleaned_data["prizes"])
        except ApplicationError as exc:
            raise forms.ValidationError(exc.message) from None


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin[Round]):
    form = RoundAdminForm
    list_display = ["title", "quiz", "opens_at", "closes_at", "question_count"]
    fields = [
        "quiz",
        "title",
        "opens_at",
        "closes_at",
        "question_count",
        "time_limit_seconds",
        "attempts_per_person",
        "prediction_basis",
        "prizes",
        "collective_prizes",
        "collective_basis",
    ]
    readonly_fields = [
        "quiz",
        "title",
        "opens_at",
        "closes_at",
        "question_count",
        "time_limit_seconds",
        "attempts_per_person",
        "prediction_basis",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Participant)
class ParticipantAdmin(ReadOnlyAdmin):
    list_display = ["name", "phone", "unit", "created_at"]
    search_fields = ["phone", "id_number"]


@admin.register(Attempt)
class AttemptAdmin(ReadOnlyAdmin):
    list_display = ["round", "phone", "status", "correct", "duration_ms", "flagged"]
    list_filter = ["status", "flagged"]
