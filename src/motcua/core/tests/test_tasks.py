"""The lean task backend writes the row django-tasks-db's own backend writes."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.forms.models import model_to_dict
from django.test import TestCase, override_settings
from django_tasks_db.models import DBTaskResult

from motcua.core.notifications import deliver_notifications

VN = ZoneInfo("Asia/Ho_Chi_Minh")
UPSTREAM = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
OURS = {"default": {"BACKEND": "motcua.core.tasks.DatabaseBackend"}}


class LeanBackendTests(TestCase):
    def _enqueue(self, tasks, **using):
        with override_settings(TASKS=tasks):
            result = deliver_notifications.using(**using).enqueue([3, 4])
        row = DBTaskResult.objects.get(pk=result.id)
        return result, model_to_dict(row, exclude=["id", "enqueued_at"]), row

    def test_rows_are_the_same_as_upstream(self):
        for using in ({}, {"priority": 7, "run_after": datetime(2026, 3, 2, 9, tzinfo=VN)}):
            with self.subTest(using=using):
                _, upstream, _ = self._enqueue(UPSTREAM, **using)
                result, ours, row = self._enqueue(OURS, **using)
                self.assertEqual(ours, upstream)
                self.assertIsNotNone(row.enqueued_at)  # auto_now_add ran
                self.assertEqual(result.status, "READY")
                self.assertEqual(result.args, [[3, 4]])

    def test_the_queue_hands_out_the_lean_row(self):
        result, _, _ = self._enqueue(OURS)
        claimed = DBTaskResult.objects.ready().get_locked()
        self.assertEqual(str(claimed.pk), str(result.id))
        self.assertEqual(claimed.task.func, deliver_notifications.func)

    def test_an_invalid_task_is_refused_every_time(self):
        from django_tasks.exceptions import InvalidTaskError

        with override_settings(TASKS=OURS):
            for _attempt in range(2):
                with self.assertRaises(InvalidTaskError):
                    deliver_notifications.using(priority=1000).enqueue([1])
            valid = deliver_notifications.using(priority=5)
            self.assertEqual(valid.enqueue([1]).task.priority, 5)
            self.assertEqual(valid.enqueue([2]).args, [[2]])
        self.assertEqual(DBTaskResult.objects.count(), 2)
