"""The process caches are dropped when reference data changes, and only then."""

from django.apps import apps
from django.db.models.deletion import Collector
from django.test import TestCase

from motcua.core.cache import REFERENCE_APPS, ProcessCache


class ReferenceChangeTests(TestCase):
    def test_a_reference_save_clears_the_process_caches(self):
        cache: ProcessCache[int] = ProcessCache("test.reference")
        computed = []

        def compute() -> int:
            computed.append(1)
            return len(computed)

        self.assertEqual((cache.get_or_set("k", compute), cache.get_or_set("k", compute)), (1, 1))
        apps.get_model("quizzes", "RankingEntry").objects.all().delete()  # not reference data
        self.assertEqual(cache.get_or_set("k", compute), 1)
        apps.get_model("org", "UnitKind").objects.first().save()
        self.assertEqual(cache.get_or_set("k", compute), 2)

    def test_other_models_keep_fast_deletes(self):
        # A receiver connected without a sender would force Django to delete
        # every model's rows one by one to send it post_delete.
        collector = Collector(using="default", origin=None)
        for label in ("quizzes.RankingEntry", "core.AuditEvent"):
            model = apps.get_model(label)
            self.assertNotIn(model._meta.app_label, REFERENCE_APPS)
            with self.subTest(model=label):
                self.assertTrue(collector.can_fast_delete(model.objects.all()))
