"""Overdue activities are alerted once to the officers of their owner unit."""

from __future__ import annotations

from datetime import date

from django.test import TestCase

from motcua.core import clock
from motcua.core.models import Notification
from motcua.core.periodic import periodic_run_registered
from motcua.outreach.jobs import outreach_alert
from motcua.outreach.tests.helpers import World, at


class OverdueAlertTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.w = World()

    def test_overdue_activity_is_alerted_once_to_its_owner(self) -> None:
        plan = self.w.plan()
        late = self.w.activity(plan, period=2, target=3)
        done = self.w.activity(plan, period=2, target=1, channel="portal")
        self.w.activity(plan, period=5, target=1, channel="dialogue")  # not due yet
        with clock.frozen(at(2026, 3, 2)):
            self.w.report(done, 1, on=date(2026, 2, 20))
            self.w.report(late, 1, on=date(2026, 2, 20))
            first = outreach_alert()
            second = outreach_alert()
        self.assertEqual((first.activities, first.messages), (1, 1))
        self.assertEqual((second.activities, second.messages), (0, 0))
        message = Notification.objects.get(event="outreach.overdue")
        self.assertEqual(message.recipient, self.w.ward_officer.email)
        self.assertIn(late.title, message.body)
        self.assertIn("1/3", message.body)
        late.refresh_from_db()
        self.assertIs(late.overdue_alerted, True)

    def test_not_alerted_on_its_due_day(self) -> None:
        plan = self.w.plan()
        self.w.activity(plan, period=2, target=3)
        with clock.frozen(at(2026, 2, 28, 16)):
            self.assertEqual(outreach_alert().activities, 0)

    def test_the_job_is_registered_with_periodic(self) -> None:
        with clock.frozen(at(2026, 1, 5)):
            lines = periodic_run_registered()
        self.assertTrue(any(line.startswith("outreach: outreach overdue") for line in lines))


class AssignmentNoticeTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.w = World()

    def test_the_owner_units_officer_is_told_of_a_new_activity(self) -> None:
        plan = self.w.plan(unit=self.w.city)
        activity = self.w.activity(plan, owner=self.w.ward, actor=self.w.officer)
        message = Notification.objects.get(event="outreach.activity_assigned")
        self.assertEqual(message.recipient, self.w.ward_officer.email)
        self.assertIn(activity.title, message.body)

    def test_no_notice_for_the_plans_own_unit(self) -> None:
        plan = self.w.plan()
        self.w.activity(plan)
        self.assertFalse(Notification.objects.filter(event="outreach.activity_assigned").exists())
