"""JSON API of the parindex app, mounted at /api/v1/parindex/."""

from ninja import Router

router = Router(tags=["parindex"])
