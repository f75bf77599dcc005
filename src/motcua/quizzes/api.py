"""JSON API of the quizzes app, mounted at /api/v1/contests/."""

from ninja import Router

router = Router(tags=["quizzes"])
