"""JSON API of the initiatives app, mounted at /api/v1/outreach/models."""

from ninja import Router

router = Router(tags=["initiatives"])
