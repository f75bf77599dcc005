"""A request that does not match the schema: 422 in the request's language, one shape."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Annotated, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client, SimpleTestCase, TestCase
from django.utils import translation
from pydantic import AnyUrl, Field, Json, TypeAdapter, ValidationError

from motcua.api.main import GENERIC_MESSAGE, VALIDATION_MESSAGES, validation_problem
from motcua.api.services import api_token_create

URL = "/api/v1/dossiers/"


def vi(msgid: str, **values: Any) -> str:
    with translation.override("vi"):
        text = translation.gettext(msgid)
    return text % values if values else text


def problem(field: str, msgid: str, kind: str, **values: Any) -> dict[str, str]:
    return {"field": field, "message": vi(msgid, **values), "type": kind}


def valid_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "procedure_code": "1.001193",
        "receiving_unit_id": 1,
        "applicant": {"name": "Trần Thị Bích Ngọc", "phone": "0912345678"},
    }
    body.update(overrides)
    return body


class ValidationResponseTests(TestCase):
    """Validation runs before the view, so a user without any role is enough."""

    @classmethod
    def setUpTestData(cls):
        user = get_user_model().objects.create_user("tiepnhan", password="x")
        cls.auth = {
            "HTTP_AUTHORIZATION": f"Bearer {api_token_create(actor='t', user=user, name='t')[1]}"
        }

    def post(self, body: Any, path: str = URL, **headers: str) -> Any:
        return self.client.post(
            path, data=json.dumps(body), content_type="application/json", **self.auth, **headers
        )

    def errors(self, response: Any) -> list[dict[str, str]]:
        self.assertEqual(response.status_code, 422, response.content)
        body = response.json()
        self.assertEqual(body["code"], "invalid_input")
        self.assertEqual(set(body), {"detail", "code", "extra"})
        return body["extra"]["errors"]

    def test_a_bad_body_lists_every_problem_in_vietnamese(self):
        body = valid_body(
            receiving_unit_id=0,
            applicant={"name": 12, "phone": "0" * 41, "email": "a" * 255},
            provided_document_ids=["x", 2],
            channel="online",
        )
        errors = self.errors(self.post(body))
        self.assertEqual(
            errors,
            [
                problem(
                    "body.receiving_unit_id",
                    "Enter a value of at least %(ge)s.",
                    "greater_than_equal",
                    ge=1,
                ),
                problem("body.applicant.name", "Enter text.", "string_type"),
                problem(
                    "body.applicant.phone",
                    "Use at most %(max_length)s characters.",
                    "string_too_long",
                    max_length=40,
                ),
                problem(
                    "body.applicant.email",
                    "Use at most %(max_length)s characters.",
                    "string_too_long",
                    max_length=254,
                ),
                problem("body.provided_document_ids.0", "Enter a whole number.", "int_parsing"),
                problem(
                    "body.channel",
                    "Use one of: %(expected)s.",
                    "literal_error",
                    expected="'counter', 'post'",
                ),
            ],
        )
        detail = self.post(body).json()["detail"]
        self.assertEqual(
            detail,
            vi(
                "The request is not valid in %(count)s places; the first: %(field)s — %(message)s",
                count=6,
                field="body.receiving_unit_id",
                message=errors[0]["message"],
            ),
        )
        self.assertNotIn("Input should", json.dumps(errors))

    def test_missing_fields_wrong_kinds_and_our_own_rules(self):
        cases = [
            (
                valid_body(applicant={}),
                [problem("body.applicant.name", "This field is required.", "missing")],
            ),
            (
                valid_body(provided_document_ids="1,2"),
                [problem("body.provided_document_ids", "Send a list ([…]).", "list_type")],
            ),
            (
                valid_body(provided_document_ids=list(range(1, 202))),
                [
                    problem(
                        "body.provided_document_ids",
                        "Send at most %(max_length)s items.",
                        "too_long",
                        max_length=200,
                    )
                ],
            ),
            (
                valid_body(receiving_unit_id=2**70),
                [
                    problem(
                        "body.receiving_unit_id",
                        "Enter a value of at most %(le)s.",
                        "less_than_equal",
                        le=2**63 - 1,
                    )
                ],
            ),
            (
                valid_body(receiving_unit_id=1.5),
                [problem("body.receiving_unit_id", "Enter a whole number.", "int_from_float")],
            ),
            (
                valid_body(procedure_version_id=3),
                [
                    {
                        "field": "body",
                        "message": vi(
                            "Give either procedure_code or procedure_version_id, not both."
                        ),
                        "type": "value_error",
                    }
                ],
            ),
            (
                valid_body(applicant={"name": "An\x00"}),
                [
                    {
                        "field": "body.applicant.name",
                        "message": vi("The text contains a NUL character."),
                        "type": "value_error",
                    }
                ],
            ),
        ]
        for body, expected in cases:
            with self.subTest(expected[0]["type"]):
                self.assertEqual(self.errors(self.post(body)), expected)
        response = self.post(valid_body(applicant={}))
        self.assertEqual(
            response.json()["detail"],
            vi(
                "The request is not valid: %(field)s — %(message)s",
                field="body.applicant.name",
                message=vi("This field is required."),
            ),
        )

    def test_dates_enums_and_numbers_of_an_action(self):
        body = {"expected_version": "v1", "reason": "Cần xác minh", "new_date": "09/03/2026"}
        self.assertEqual(
            self.errors(self.post(body, URL + "X/apologise")),
            [
                problem("body.expected_version", "Enter a whole number.", "int_parsing"),
                problem(
                    "body.new_date",
                    "Enter a valid date, as YYYY-MM-DD.",
                    "date_from_datetime_parsing",
                ),
            ],
        )
        errors = self.errors(
            self.post({"expected_version": 1, "decision": "maybe"}, URL + "X/decide")
        )
        self.assertEqual(
            errors,
            [
                problem(
                    "body.decision",
                    "Use one of: %(expected)s.",
                    "enum",
                    expected="'granted', 'not_granted'",
                )
            ],
        )

    def test_a_bad_header_and_bad_query_parameters(self):
        errors = self.errors(self.post(valid_body(), HTTP_IDEMPOTENCY_KEY="x" * 101))
        self.assertEqual(
            errors,
            [
                problem(
                    "header.Idempotency-Key",
                    "Use at most %(max_length)s characters.",
                    "string_too_long",
                    max_length=100,
                )
            ],
        )
        response = self.client.get(
            URL, {"page_size": 101, "received_from": "2026-02-30", "queue": "nope"}, **self.auth
        )
        fields = {e["field"]: e for e in self.errors(response)}
        self.assertEqual(set(fields), {"query.queue", "query.received_from", "query.page_size"})
        self.assertEqual(
            fields["query.page_size"]["message"], vi("Enter a value of at most %(le)s.", le=100)
        )
        self.assertEqual(
            fields["query.received_from"]["message"], vi("Enter a valid date, as YYYY-MM-DD.")
        )
        self.assertEqual(fields["query.queue"]["type"], "enum")
        # Every router answers the same way, the public ones too.
        response = self.client.get("/api/v1/catalog/procedures", {"page": 0})
        self.assertEqual(
            self.errors(response),
            [
                problem(
                    "query.page", "Enter a value of at least %(ge)s.", "greater_than_equal", ge=1
                )
            ],
        )

    def test_english_when_the_user_chose_english(self):
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        errors = self.errors(self.post(valid_body(applicant={"name": "A" * 201})))
        self.assertEqual(errors[0]["message"], "Use at most 200 characters.")

    def test_a_body_that_is_not_json(self):
        for text in ("{not json", '{"a": '):
            with self.subTest(text):
                response = self.client.post(
                    URL, data=text, content_type="application/json", **self.auth
                )
                self.assertEqual(response.status_code, 400)
                self.assertEqual(
                    response.json(),
                    {"detail": vi("The request body is not valid JSON."), "code": "invalid_json"},
                )
        response = self.client.post(
            URL, data="[1, 2]", content_type="application/json", **self.auth
        )
        self.assertEqual(response.status_code, 422)
        self.assertEqual(response.json()["code"], "invalid_input")


def pydantic_errors(kind: Any, value: Any) -> list[dict[str, Any]]:
    try:
        TypeAdapter(kind).validate_python(value)
    except ValidationError as exc:
        return [dict(e, loc=("body", "body", "x")) for e in exc.errors(include_url=False)]
    raise AssertionError("valid")


class ProblemTests(SimpleTestCase):
    """Types no schema of ours produces today, from pydantic's real errors."""

    def test_every_message_is_in_the_catalogue(self):
        for kind, message in {**VALIDATION_MESSAGES, "generic": GENERIC_MESSAGE}.items():
            with self.subTest(kind):
                with translation.override("en"):
                    english = str(message)
                with translation.override("vi"):
                    self.assertNotEqual(str(message), english)

    def test_common_types_are_translated(self):
        cases = [
            (float, "x", "float_parsing", "Enter a number.", {}),
            (bool, "maybe", "bool_parsing", "Enter true or false.", {}),
            (date, "x", "date_from_datetime_parsing", "Enter a valid date, as YYYY-MM-DD.", {}),
            (date, 3.5, "date_from_datetime_inexact", "Enter a valid date, as YYYY-MM-DD.", {}),
            (
                datetime,
                "x",
                "datetime_from_date_parsing",
                "Enter a valid date and time, as YYYY-MM-DDTHH:MM:SS+07:00.",
                {},
            ),
            (Json, "{x", "json_invalid", "The JSON is not valid.", {}),
            (dict, "x", "dict_type", "Send an object ({…}).", {}),
            (int, "x", "int_parsing", "Enter a whole number.", {}),
            (str, 5, "string_type", "Enter text.", {}),
            (
                Annotated[str, Field(min_length=2)],
                "a",
                "string_too_short",
                "Use at least %(min_length)s characters.",
                {"min_length": 2},
            ),
            (
                Annotated[int, Field(gt=0)],
                0,
                "greater_than",
                "Enter a value greater than %(gt)s.",
                {"gt": 0},
            ),
            (
                Annotated[int, Field(lt=5)],
                9,
                "less_than",
                "Enter a value less than %(lt)s.",
                {"lt": 5},
            ),
        ]
        for kind, value, error_type, msgid, values in cases:
            with self.subTest(error_type), translation.override("vi"):
                [error] = pydantic_errors(kind, value)
                self.assertEqual(error["type"], error_type)
                self.assertEqual(
                    validation_problem(error),
                    {"field": "body.x", "message": vi(msgid, **values), "type": error_type},
                )

    def test_other_types_keep_pydantics_text_apart(self):
        [error] = pydantic_errors(AnyUrl, "x")
        with translation.override("vi"):
            self.assertEqual(
                validation_problem(error),
                {
                    "field": "body.x",
                    "message": "Giá trị không hợp lệ.",
                    "type": "url_parsing",
                    "original": "Input should be a valid URL, relative URL without a base",
                },
            )
        with translation.override("vi"):
            odd = validation_problem(
                {"type": "string_too_long", "loc": ("query", "q"), "msg": "too long"}
            )
        self.assertEqual((odd["message"], odd["original"]), ("Giá trị không hợp lệ.", "too long"))


class BodyLimitTests(TestCase):
    """A body over the upload limit gets the API's JSON error, not Django's HTML page."""

    @classmethod
    def setUpTestData(cls):
        cls.user = get_user_model().objects.create_user("tiepnhan", password="x")
        cls.auth = {
            "HTTP_AUTHORIZATION": f"Bearer {api_token_create(actor='t', user=cls.user, name='t')[1]}"
        }

    def assert_too_large(self, response: Any, limit: int) -> None:
        self.assertEqual(response.status_code, 413, response.content[:300])
        self.assertEqual(response["Content-Type"], "application/json; charset=utf-8")
        body = response.json()
        self.assertEqual((body["code"], body["extra"]), ("too_large", {"limit": limit}))
        self.assertTrue(body["detail"])

    def test_an_oversize_json_body(self):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        big = json.dumps(valid_body(note="x" * (limit + 1)))
        for path in (URL, "/api/v1/dossiers/H33.15-260302-0001/accept"):
            with self.subTest(path):
                response = self.client.post(
                    path, data=big, content_type="application/json", **self.auth
                )
                self.assert_too_large(response, limit)
        self.assertEqual(
            self.client.post(URL, data=big, content_type="application/json", **self.auth).json()[
                "detail"
            ],
            vi(
                "The request body is larger than the limit of %(limit)s bytes (%(size)s MB); "
                "send less data in one request.",
                limit=limit,
                size="2,5",
            ),
        )

    def test_an_oversize_form_from_a_signed_in_session(self):
        """The session's CSRF check reads the form before the operation does."""
        browser = Client(enforce_csrf_checks=True)
        browser.force_login(self.user)
        token = "t" * 32
        browser.cookies[settings.CSRF_COOKIE_NAME] = token
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        response = browser.post(URL, data={"note": "x" * (limit + 1)}, HTTP_X_CSRFTOKEN=token)
        self.assert_too_large(response, limit)
        limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        fields = {f"f{number}": "1" for number in range(limit + 1)}
        self.assert_too_large(browser.post(URL, data=fields, HTTP_X_CSRFTOKEN=token), limit)
