"""Concurrency on PostgreSQL: two ratings of one dossier at once, one wins; a link used twice
at once is used once."""

from __future__ import annotations

import re
import unittest

import pytest
from django.db import connection
from django.test import TransactionTestCase

from motcua.core import clock
from motcua.core.errors import ApplicationError
from motcua.core.models import AuditEvent, Notification
from motcua.dossiers.tests.test_concurrency import run_in_threads
from motcua.feedback.models import Evaluation, RatingInvite
from motcua.feedback.services import evaluation_submit, invite_rate
from motcua.feedback.tests.helpers import World, at, returned


@pytest.mark.postgres
@unittest.skipUnless(connection.vendor == "postgresql", "needs PostgreSQL (set DATABASE_URL)")
class RatingConcurrencyTests(TransactionTestCase):
    serialized_rollback = True

    def setUp(self):
        self.w = World()
        self.d = returned(self.w)

    def test_two_ratings_at_once_one_wins(self):
        levels = ["very_satisfied", "dissatisfied", "satisfied", "dissatisfied"]

        def rate(index: int):
            return evaluation_submit(dossier=self.d.pk, channel="kiosk", level=levels[index])

        with clock.frozen(at(2026, 3, 2, 15)):
            results = run_in_threads(4, rate)
        won = [r for r in results if isinstance(r, Evaluation)]
        lost = [r for r in results if isinstance(r, ApplicationError)]
        self.assertEqual((len(won), len(lost)), (1, 3), results)
        self.assertEqual({e.code for e in lost}, {"already_rated"})
        self.assertEqual(Evaluation.objects.count(), 1)
        self.assertEqual(AuditEvent.objects.filter(action="feedback.evaluation_submit").count(), 1)

    def test_a_link_used_twice_at_once_counts_once(self):
        body = Notification.objects.get(event="feedback.rating_invite", channel="email").body
        token = re.search(r"/danh-gia/([^/\s]+)/", body).group(1)

        def rate(index: int):
            return invite_rate(token=token, level="satisfied")

        with clock.frozen(at(2026, 3, 2, 15)):
            results = run_in_threads(3, rate)
        self.assertEqual(sum(isinstance(r, Evaluation) for r in results), 1, results)
        self.assertEqual(
            sorted(r.code for r in results if isinstance(r, ApplicationError)),
            ["link_used", "link_used"],
        )
        self.assertIsNotNone(RatingInvite.objects.get().used_at)
