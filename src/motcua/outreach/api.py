"""JSON API of the outreach app, mounted at /api/v1/outreach/."""

from ninja import Router

router = Router(tags=["outreach"])
