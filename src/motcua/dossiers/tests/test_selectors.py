"""The work queues: who sees which dossier, and what "waiting" means."""

from django.test import TestCase

from motcua.core import clock
from motcua.dossiers import services as s
from motcua.dossiers.selectors import dossier_list_for_user
from motcua.dossiers.tests.helpers import World, at


class WaitingQueueTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = World()
        with clock.frozen(at(2026, 3, 2, 9)):
            handler = cls.w.handler
            cls.coordination = cls.w.receive(cls.w.inter_version, to_user=handler)
            cls.supplement = cls.w.receive(to_user=handler)
            cls.working = cls.w.receive(to_user=handler)
        with clock.frozen(at(2026, 3, 2, 10)):
            s.dossier_hand_over(dossier=cls.coordination, actor=cls.w.handler)
            s.dossier_request_supplement(
                dossier=cls.supplement, actor=cls.w.handler, items=["A"], reason="r"
            )

    def test_waiting_holds_supplement_payment_intake_and_coordination(self):
        with clock.frozen(at(2026, 3, 2, 11)):
            waiting = set(
                dossier_list_for_user(self.w.intake, queue="waiting").values_list("code", flat=True)
            )
        self.assertEqual(waiting, {self.coordination.code, self.supplement.code})

    def test_a_handler_of_another_ward_sees_nothing(self):
        with clock.frozen(at(2026, 3, 2, 11)):
            self.assertEqual(list(dossier_list_for_user(self.w.outsider)), [])
