import dataclasses
from datetime import date
from decimal import Decimal
from typing import Any

from django.test import SimpleTestCase, TestCase, override_settings
from django.utils import translation

from motcua.catalog.content import StepSpec, content_problems
from motcua.catalog.models import Procedure, ProcedureVersion
from motcua.catalog.selectors import working_day_seconds
from motcua.catalog.tests.factories import content, make_field, make_procedure, make_roles
from motcua.core.errors import ApplicationError

DAY = 8 * 3600


def step(order, amount, unit="working_days", role="case_handler"):
    return StepSpec(
        order=order,
        name=f"Bước {order}",
        role_code=role,
        budget_amount=Decimal(amount),
        budget_unit=unit,
    )


def messages(value, **kwargs):
    return [p.message for p in content_problems(value, day_seconds=DAY, **kwargs)]


class ContentRuleTests(SimpleTestCase):
    """Every rule of content_problems, with its message (English msgids)."""

    def setUp(self):
        self.enterContext(translation.override("en"))

    def test_valid_content_has_no_problem(self):
        self.assertEqual(messages(content()), [])

    def test_the_supplement_window_is_empty_or_1_to_365_working_days(self):
        for window in (None, 1, 15, 365):
            with self.subTest(window=window):
                self.assertEqual(messages(content(supplement_window_days=window)), [])
        rule = (
            "The supplement window is a whole number of working days from 1 to 365; leave it "
            "empty when the procedure's law sets no time (no automatic closure)."
        )
        not_whole_days: tuple[Any, ...] = (0, 366, 1.5, True)  # ill-typed on purpose
        for window in not_whole_days:
            with self.subTest(window=window):
                self.assertEqual(messages(content(supplement_window_days=window)), [rule])

    def test_budgets_over_a_working_day_limit(self):
        value = content(steps=(step(1, "2"), step(2, "1"), step(3, "1", "working_hours")))
        self.assertEqual(
            messages(value),
            [
                "The workflow steps take 25 working hours in all, more than the time limit of 3 "
                "working days "
                "allows (24 working hours at 8 working hours a day)."
            ],
        )

    def test_the_decision_is_signed_at_the_end_only(self):
        rule = (
            "The decision is signed at one step only, the last one or the one just before the "
            "return of the result; a step of role “commune_leader” here would skip the steps "
            "after it. Give an earlier step (for example the leader's assignment) another role."
        )

        def steps(*roles):
            return content(
                steps=tuple(step(i, "0.5", role=r) for i, r in enumerate(roles, start=1))
            )

        self.assertEqual(
            messages(steps("intake_officer", "case_handler", "commune_leader", "intake_officer")),
            [],
        )
        self.assertEqual(messages(steps("intake_officer", "case_handler", "commune_leader")), [])
        early = steps("intake_officer", "commune_leader", "case_handler", "intake_officer")
        self.assertEqual(messages(early), [rule])
        self.assertEqual([p.index for p in content_problems(early, day_seconds=DAY)], [1])
        twice = steps("case_handler", "commune_leader", "commune_leader")
        self.assertEqual(messages(twice), [rule, rule])

    def test_budgets_may_fill_the_limit_exactly(self):
        self.assertEqual(
            messages(content(steps=(step(1, "2.5"), step(2, "4", "working_hours")))), []
        )

    def test_calendar_days_allow_as_many_working_days(self):
        ok = content(time_limit_amount=15, time_limit_unit="calendar_days", steps=(step(1, "15"),))
        over = content(
            time_limit_amount=15, time_limit_unit="calendar_days", steps=(step(1, "15.25"),)
        )
        self.assertEqual(messages(ok), [])
        self.assertEqual(len(messages(over)), 1)
        self.assertIn(
            "more than the time limit of 15 days allows (120 working hours", messages(over)[0]
        )

    def test_same_day_allows_one_working_day(self):
        ok = content(
            time_limit_amount=0, time_limit_unit="same_day", steps=(step(1, "8", "working_hours"),)
        )
        over = content(
            time_limit_amount=0,
            time_limit_unit="same_day",
            steps=(step(1, "8.5", "working_hours"),),
        )
        self.assertEqual(messages(ok), [])
        self.assertEqual(
            messages(over),
            [
                "The workflow steps take 8.5 working hours in all, more than the time limit of "
                "the same day "
                "allows (8 working hours at 8 working hours a day)."
            ],
        )

    def test_working_hour_limits(self):
        over = content(
            time_limit_amount=4,
            time_limit_unit="working_hours",
            steps=(step(1, "0.5"), step(2, "1", "working_hours")),
        )
        self.assertIn(
            "take 5 working hours in all, more than the time limit of 4 working hours",
            messages(over)[0],
        )

    def test_the_deployment_schedule_sets_the_hours_per_day(self):
        value = content(steps=(step(1, "3"),))
        with override_settings(MOTCUA_WORK_SESSIONS="07:30-11:30,13:30-17:00"):
            self.assertEqual(working_day_seconds(), int(7.5 * 3600))
        self.assertEqual(working_day_seconds(), DAY)
        self.assertEqual(messages(value), [])

    def test_same_day_has_no_amount(self):
        self.assertEqual(
            messages(content(time_limit_amount=1, time_limit_unit="same_day", steps=())),
            ["A same-day time limit has no amount: enter 0."],
        )

    def test_time_limit_must_be_positive(self):
        self.assertEqual(
            messages(content(time_limit_amount=0, steps=())),
            [
                "The time limit must be at least 1; use the unit “same day” for procedures "
                "settled the same day."
            ],
        )

    def test_step_orders_are_unique(self):
        value = content(steps=(step(1, "1"), step(1, "1")))
        self.assertEqual(
            messages(value), ["Order 1 is used twice; each line needs its own number."]
        )

    def test_document_and_fee_orders_are_unique(self):
        doc = content().documents[0]
        fee = content().fees[0]
        value = content(documents=(doc, doc), fees=(fee, dataclasses.replace(fee, order=0)))
        self.assertEqual(
            messages(value),
            [
                "Order 1 is used twice; each line needs its own number.",
                "The order must be a whole number from 1.",
            ],
        )

    def test_fees_are_whole_non_negative_dong(self):
        fee = content().fees[0]
        not_whole_dong: tuple[Any, ...] = (-1, Decimal("1000.5"), 1000.0, "1000")  # on purpose
        for amount in not_whole_dong:
            with self.subTest(amount=amount):
                self.assertEqual(
                    messages(content(fees=(dataclasses.replace(fee, amount=amount),))),
                    [f"A fee is a whole number of đồng, zero or more; “{amount}” is not."],
                )
        self.assertEqual(messages(content(fees=(dataclasses.replace(fee, amount=0),))), [])

    def test_budgets_are_positive_with_two_decimals(self):
        for amount in ("0", "-1", "0.125"):
            with self.subTest(amount=amount):
                self.assertEqual(
                    messages(content(steps=(step(1, amount),))),
                    [
                        f"A step's time budget must be more than 0, with at most two decimals; "
                        f"“{amount}” is not."
                    ],
                )

    def test_unknown_choices_and_empty_texts(self):
        value = content(
            name=" ",
            competent_agency="",
            online_level="level4",
            competent_level="district",
            result_type="pdf",
        )
        self.assertEqual(
            messages(value),
            [
                "The procedure name is empty.",
                "Unknown competent level “district”.",
                "The competent agency is empty.",
                "Unknown online service level “level4”.",
                "Unknown result type “pdf”.",
            ],
        )

    def test_unknown_field_role_and_agency(self):
        value = content(
            steps=(dataclasses.replace(step(1, "1", role="mayor"), agency_code="H99.1"),)
        )
        self.assertEqual(
            messages(
                value, known_fields={"land"}, known_roles={"case_handler"}, known_agencies=set()
            ),
            [
                "There is no field with code “civil-status”.",
                "There is no role with code “mayor”.",
                "No unit has the electronic identifier code “H99.1”.",
            ],
        )


class OneRuleEachTests(SimpleTestCase):
    """One broken rule gives exactly its own problem, at its own part, line and attribute."""

    def setUp(self):
        self.enterContext(translation.override("en"))

    def test_each_rule_alone(self):
        base = content()
        doc, fee, first = base.documents[0], base.fees[0], base.steps[0]

        def documents(**changes):
            return {"documents": (dataclasses.replace(doc, **changes), base.documents[1])}

        def steps(**changes):
            return {"steps": (dataclasses.replace(first, **changes), *base.steps[1:])}

        cases = [
            ({"field_code": ""}, ("version", None, "field_code", "The field is missing.")),
            (
                {"supplement_policy": "wait"},
                ("version", None, "supplement_policy", "Unknown supplement policy “wait”."),
            ),
            (
                {"time_limit_unit": "weeks"},
                ("version", None, "time_limit_unit", "Unknown time limit unit “weeks”."),
            ),
            (
                {"time_limit_amount": 2.5},
                ("version", None, "time_limit_amount", "The time limit must be a whole number."),
            ),
            (
                {"time_limit_amount": 10000},
                ("version", None, "time_limit_amount", "The time limit must be at most 9999."),
            ),
            (
                {"name": "x" * 501},
                ("version", None, "name", "The text is too long: at most 500 characters."),
            ),
            (documents(name=""), ("documents", 0, "name", "The document name is empty.")),
            (
                documents(form="scan"),
                ("documents", 0, "form", "Unknown document form “scan”."),
            ),
            (
                documents(count=0),
                ("documents", 0, "count", "The number of copies must be a whole number from 1."),
            ),
            (
                documents(count=32768),
                ("documents", 0, "count", "The number of copies must be a whole number from 1."),
            ),
            (
                documents(note="x" * 501),
                ("documents", 0, "note", "The text is too long: at most 500 characters."),
            ),
            (
                {"fees": (dataclasses.replace(fee, name=""),)},
                ("fees", 0, "name", "The fee name is empty."),
            ),
            (
                {"fees": (dataclasses.replace(fee, kind="tax"),)},
                ("fees", 0, "kind", "Unknown fee kind “tax”."),
            ),
            (steps(name=""), ("steps", 0, "name", "The step name is empty.")),
            (steps(role_code=""), ("steps", 0, "role_code", "The step has no role.")),
            (
                steps(budget_unit="weeks"),
                ("steps", 0, "budget_unit", "Unknown budget unit “weeks”."),
            ),
        ]
        for changes, expected in cases:
            with self.subTest(changes=str(changes)[:60]):
                problems = content_problems(content(**changes), day_seconds=DAY)
                self.assertEqual(
                    [(p.part, p.index, p.attr, p.message) for p in problems], [expected]
                )

    def test_every_rule_is_listed_once(self):
        from motcua.catalog import content as module

        rules = [name for name in dir(module) if name.endswith("_rule") and name.startswith("_")]
        line_rules = [name for name in rules if name.split("_")[1] in ("document", "fee", "step")]
        self.assertEqual(len(module.RULES), len(set(module.RULES)))
        self.assertEqual(
            sorted([rule.__name__ for rule in module.RULES] + line_rules), sorted(rules)
        )


class ServiceValidationTests(TestCase):
    """Services refuse bad input with every message and write nothing."""

    def setUp(self):
        self.enterContext(translation.override("en"))
        make_roles()
        make_field()

    def test_national_code_format(self):
        for code in ("2.00063", "A.000635", "2000635", "2.0006351", "2.000635.000.00.00.H38"):
            with (
                self.subTest(code=code),
                self.assertRaisesMessage(
                    ApplicationError,
                    f"“{code}” is not a national procedure code: it looks like 2.000635",
                ),
            ):
                make_procedure(code)
        self.assertFalse(Procedure.objects.exists())

    def test_every_problem_is_reported_and_nothing_is_written(self):
        with self.assertRaises(ApplicationError) as caught:
            make_procedure("2.000635", time_limit_amount=1, steps=(step(1, "2"), step(1, "1")))
        errors = caught.exception.extra["errors"]
        self.assertEqual(
            [e["message"] for e in errors],
            [
                "Order 1 is used twice; each line needs its own number.",
                "The workflow steps take 24 working hours in all, more than the time limit of 1 "
                "working days "
                "allows (8 working hours at 8 working hours a day).",
            ],
        )
        self.assertEqual(errors[1]["part"], "steps")
        self.assertFalse(Procedure.objects.exists())
        self.assertFalse(ProcedureVersion.objects.exists())

    def test_unknown_role_is_refused(self):
        with self.assertRaisesMessage(ApplicationError, "There is no role with code “mayor”."):
            make_procedure(steps=(step(1, "1", role="mayor"),))
        self.assertFalse(Procedure.objects.exists())

    def test_text_is_stored_in_nfc(self):
        decomposed = "Đăng ky\u0301 khai sinh"  # "ký" with a combining acute accent
        procedure = make_procedure(name=decomposed, effective_from=date(2025, 7, 1))
        self.assertEqual(procedure.versions.get().name, "Đăng ký khai sinh")


class VietnameseMessageTests(TestCase):
    """Messages reach users in Vietnamese, the default language."""

    def test_budget_message_in_vietnamese(self):
        make_roles()
        make_field()
        with self.assertRaisesMessage(
            ApplicationError,
            "Các bước của quy trình cần tổng cộng 32 giờ làm việc, vượt thời hạn 3 ngày làm việc "
            "(24 giờ làm việc, mỗi ngày 8 giờ làm việc).",
        ):
            make_procedure(steps=(step(1, "4"),))
