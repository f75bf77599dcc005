"""Concurrency on PostgreSQL: one administrative code, one unit at a time."""

from __future__ import annotations

import threading
import unittest
from datetime import date

import pytest
from django.db import connection, connections
from django.test import TransactionTestCase

from motcua.core.errors import ApplicationError
from motcua.org.models import Unit
from motcua.org.tests.helpers import make_unit


@pytest.mark.postgres
@unittest.skipUnless(connection.vendor == "postgresql", "needs PostgreSQL (set DATABASE_URL)")
class AdminCodeRaceTests(TransactionTestCase):
    serialized_rollback = True

    def test_the_same_code_created_at_once_under_two_parents_is_taken_once(self):
        parents = [
            make_unit(f"Tỉnh thử {i}", "province", admin_code=f"9{i}", valid_from=date(2025, 7, 1))
            for i in range(4)
        ]
        barrier = threading.Barrier(len(parents))
        results: list = [None] * len(parents)

        def create(index: int) -> None:
            try:
                barrier.wait()
                results[index] = make_unit(
                    f"Phường thử {index}",
                    parent=parents[index],
                    admin_code="99999",
                    valid_from=date(2025, 7, 1),
                )
            except Exception as exc:
                results[index] = exc
            finally:
                connections.close_all()

        threads = [threading.Thread(target=create, args=(i,)) for i in range(len(parents))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        created = [r for r in results if isinstance(r, Unit)]
        refused = [r for r in results if isinstance(r, ApplicationError)]
        self.assertEqual(len(created), 1, results)
        self.assertEqual(len(refused), len(parents) - 1, results)
        self.assertEqual({r.code for r in refused}, {"admin_code_in_use"})
        self.assertEqual(Unit.objects.filter(admin_code="99999").count(), 1)
