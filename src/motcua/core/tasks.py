"""Background-task glue: ``django.tasks`` when Django has it, else the backport.

Moving to Django 6 changes only this import (and the backend below, which
django-tasks-db keeps providing there).
"""

from __future__ import annotations

from typing import Any

from django_tasks import task
from django_tasks_db.backend import DatabaseBackend as _DatabaseBackend

__all__ = ["DatabaseBackend", "discard_ready", "task"]


class DatabaseBackend(_DatabaseBackend):
    """django-tasks-db's backend, writing its row through :mod:`motcua.core.fastsql`.

    The row is the one ``DBTaskResult.objects.create`` writes (the test
    compares them), for half the Python: every intake enqueues one delivery
    task (docs/performance.md). ``run_after`` gets the upstream pre-save
    signal's far-future default by hand, since fastsql sends no signals.
    """

    def __init__(self, alias: str, params: dict[str, Any]) -> None:
        super().__init__(alias, params)
        self._valid: set[Any] = set()

    def validate_task(self, task: Any) -> None:
        """Validate each task once: upstream inspects the function's signature on every
        enqueue and again for the result it returns. The outcome depends only on the
        task (a frozen dataclass) and this backend's settings, which do not change."""
        if task in self._valid:
            return
        super().validate_task(task)
        self._valid.add(task)

    def _task_to_db_task(self, task: Any, args: Any, kwargs: Any) -> Any:
        from django_tasks_db.compat import normalize_json
        from django_tasks_db.models import DBTaskResult, get_date_max

        from motcua.core import fastsql

        row: Any = DBTaskResult(
            id=self._get_id(),
            args_kwargs=normalize_json({"args": args, "kwargs": kwargs}),
            priority=task.priority,
            task_path=task.module_path,
            queue_name=task.queue_name,
            run_after=task.run_after or get_date_max(),
            backend_name=self.alias,
        )
        fastsql.insert([row])
        return row


def discard_ready(task_id: str | None) -> None:
    """Delete a task that no worker has started yet (a follow-up no longer needed).

    Only the database backend keeps such rows; a task already running or
    finished is left as it is. Call it inside the transaction that makes
    the task pointless, so both commit together.
    """
    if not task_id:
        return
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(pk=task_id, status=TaskResultStatus.READY).delete()
