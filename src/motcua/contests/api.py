"""JSON API of the contests app, mounted at /api/v1/contests/judged/."""

from ninja import Router

router = Router(tags=["contests"])
