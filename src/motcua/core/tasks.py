"""Background-task glue: ``django.tasks`` when Django has it, else the backport.

Moving to Django 6 changes only this import.
"""

from __future__ import annotations

from django_tasks import task

__all__ = ["task"]
