"""The quizzes app's settings, read in one place (documented in docs/quizzes.md)."""

from __future__ import annotations

from django.conf import settings


def organiser_roles() -> list[str]:
    """Roles that run quizzes over their unit (``MOTCUA_QUIZ_ORGANISER_ROLES``)."""
    return list(getattr(settings, "MOTCUA_QUIZ_ORGANISER_ROLES", ["reform_officer"]))


def grace_seconds() -> int:
    """Seconds an answer or a submission may arrive after the time limit (network delay)."""
    return int(getattr(settings, "MOTCUA_QUIZ_GRACE_SECONDS", 10))


def min_seconds_per_question() -> float:
    """Below this many seconds per question an attempt is flagged as too fast for a human."""
    return float(getattr(settings, "MOTCUA_QUIZ_MIN_SECONDS_PER_QUESTION", 2.0))


def starts_per_address_per_hour() -> int:
    return int(getattr(settings, "MOTCUA_QUIZ_STARTS_PER_ADDRESS_PER_HOUR", 60))


def starts_per_phone_per_hour() -> int:
    return int(getattr(settings, "MOTCUA_QUIZ_STARTS_PER_PHONE_PER_HOUR", 10))


def posts_per_address_per_minute() -> int:
    """Answers and submissions accepted per client address and minute."""
    return int(getattr(settings, "MOTCUA_QUIZ_POSTS_PER_ADDRESS_PER_MINUTE", 300))
