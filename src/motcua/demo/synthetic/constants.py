"""Codes and names by which the synthetic province is found again."""

from __future__ import annotations

from datetime import date

ACTOR = "motcua seed synthetic"
PROVINCE_CODE = "Y99"
"""Agency code of the synthetic province; no real province uses the letter Y."""
FIELD_CODE = "synthetic"
VALID_FROM = date(2025, 1, 1)
USERNAME_PREFIX = "syn"
