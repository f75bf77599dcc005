"""Initiatives, councils, models and their measured effect (issue 13)."""
