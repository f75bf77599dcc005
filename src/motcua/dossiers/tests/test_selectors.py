"""The work queues: who sees which dossier, and what "waiting" means."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.test import TestCase

from motcua.core import clock
from motcua.dossiers import services as s
from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import dossier_list_for_user
from motcua.dossiers.tests.helpers import World, at
from motcua.org.services import role_assignment_create


class WaitingQueueTests(TestCase):
    w: World
    coordination: Dossier
    supplement: Dossier
    working: Dossier

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


class SearchTests(TestCase):
    """A citizen back with a receipt is found by code, name, ID number or phone, in scope."""

    w: World
    binh: Dossier
    phuoc: Dossier
    other_desk: User
    elsewhere: Dossier

    @classmethod
    def setUpTestData(cls):
        cls.w = World()
        with clock.frozen(at(2026, 3, 2, 9)):
            cls.binh = cls.w.receive(
                applicant=cls.w.applicant(
                    name="Nguyễn Văn Bình", id_number="092085001234", phone="0912 345 678"
                )
            )
            cls.phuoc = cls.w.receive(
                applicant=cls.w.applicant(
                    name="Đặng Hữu Phước",
                    id_number="092199000123",  # holds "0001", as Bình's code does
                    phone="0939123456",
                    representative_name="Lê Thị Hồng",
                    authorisation_document="Giấy ủy quyền số 12/UQ",
                )
            )
            # A namesake with the same phone, received and handled in another ward.
            cls.other_desk = get_user_model().objects.create_user("tiepnhan2", password="x")
            role_assignment_create(
                actor="test",
                user=cls.other_desk,
                role=cls.w.roles["intake_officer"],
                unit=cls.w.other_ward,
            )
            cls.elsewhere = cls.w.receive(
                actor=cls.other_desk,
                receiving_unit=cls.w.other_ward,
                applicant=cls.w.applicant(
                    name="Nguyễn Văn Bình", id_number="092085009999", phone="0912 345 678"
                ),
            )

    def found(self, query, user=None):
        with clock.frozen(at(2026, 3, 3, 9)):
            listed = dossier_list_for_user(user or self.w.handler, search=query)
            return set(listed.values_list("code", flat=True))

    def test_the_code_however_it_is_typed(self):
        for query in [
            "H33.15-260302-0001",
            "h33.15-260302-0001",
            "  H33.15 260302 0001 ",
            "H3315-260302-0001",
            "h33152603020001",
            "260302-0001",
        ]:
            with self.subTest(query=query):
                self.assertEqual(self.found(query), {self.binh.code})

    def test_the_name_without_accents_or_case(self):
        for query in ["Nguyễn Văn Bình", "nguyen van binh", "NGUYEN BINH", "bình nguyễn", "binh"]:
            with self.subTest(query=query):
                self.assertEqual(self.found(query), {self.binh.code})
        self.assertEqual(self.found("dang huu phuoc"), {self.phuoc.code})
        self.assertEqual(self.found("Đặng"), {self.phuoc.code})
        self.assertEqual(self.found("le thi hong"), {self.phuoc.code})  # the representative

    def test_the_id_number_and_the_phone(self):
        for query in [
            "092085001234",
            "0912345678",
            "0912 345 678",
            "0912.345.678",
            "+84 912 345 678",
        ]:
            with self.subTest(query=query):
                self.assertEqual(self.found(query), {self.binh.code})

    def test_only_within_the_users_units(self):
        # Another ward's handler finds the namesake their ward handles, never this one.
        self.assertEqual(self.found("nguyen van binh", self.w.outsider), {self.elsewhere.code})
        self.assertEqual(self.found(self.binh.code, self.w.outsider), set())
        self.assertEqual(self.found("092085001234", self.w.outsider), set())
        self.assertEqual(self.found("0912345678", self.w.outsider), {self.elsewhere.code})
        # Each desk finds what it received.
        self.assertEqual(self.found("nguyen van binh", self.w.intake), {self.binh.code})
        self.assertEqual(self.found("nguyen van binh", self.other_desk), {self.elsewhere.code})
        self.assertEqual(self.found("binh", self.w.nobody), set())

    def test_nothing_for_a_query_too_short_or_that_matches_nothing(self):
        self.assertEqual(self.found("H"), set())
        self.assertEqual(self.found("  .-  "), set())
        self.assertEqual(self.found("Trần Văn Hùng"), set())
        self.assertEqual(self.found("H33.15-260302-0009"), set())
