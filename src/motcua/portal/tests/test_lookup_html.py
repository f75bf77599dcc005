"""The lookup's title and content written out in Python are what the templates render.

``portal.lookup_html`` answers anonymous visitors; ``portal/_lookup_title.html``
and ``portal/_lookup_main.html`` (with the error summary and the office card)
remain the page's definition. Every branch of those templates is rendered
both ways, in both languages, with values that need escaping.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

from django.template.loader import get_template
from django.test import SimpleTestCase
from django.utils import translation

from motcua.dossiers.public import PublicEvent, PublicPause, PublicStatus
from motcua.org.models import Unit
from motcua.portal.forms import LookupForm
from motcua.portal.lookup_html import lookup_content, lookup_title

NASTY = "<b>&\"'</b>"


def status(**changes: object) -> PublicStatus:
    values: dict[str, object] = {
        "code": "H33.15-260302-0001",
        "procedure_code": "1.001",
        "procedure_name": f"Đăng ký khai sinh {NASTY}",
        "agency_name": f"UBND phường Ngã Bảy {NASTY}",
        "receiving_unit_id": 1,
        "receiving_unit_name": f"Bộ phận một cửa {NASTY}",
        "status": "in_progress",
        "status_label": "Đang giải quyết",
        "received_at": datetime(2026, 3, 2, 2, 5, tzinfo=UTC),
        "appointment": datetime(2026, 3, 5, 10, 0, tzinfo=UTC),
        "finished_at": None,
        "returned_at": None,
        "waiting_for_applicant": False,
        "pause": None,
        "dossier_id": 1,
        "phone_digits": "0912345678",
    }
    values.update(changes)
    return PublicStatus(**values)  # type: ignore[arg-type]


def office(**changes: object) -> Unit:
    values: dict[str, object] = {
        "name": f"Trung tâm {NASTY}",
        "address": f"Số 1 Hùng Vương {NASTY}",
        "map_url": "https://maps.example.vn/?q=1&z=2",
        "opening_hours": "Thứ Hai đến thứ Sáu: 7 giờ – 17 giờ\nThứ Bảy: <sáng>",
        "phone": "0293 3 867 123",
        "hotline": "1900 0000",
        "email": "mot.cua@example.vn",
    }
    values.update(changes)
    return Unit(**values)


PAUSE = PublicPause(
    kind="supplement",
    policy="restart",
    since=datetime(2026, 3, 2, 4, 0, tzinfo=UTC),
    respond_by=datetime(2026, 3, 16, 10, 0, tzinfo=UTC),
)
TIMELINE = [
    PublicEvent(datetime(2026, 3, 2, 2, 5, tzinfo=UTC), "receive", "Tiếp nhận", "new", "Mới"),
    PublicEvent(
        datetime(2026, 3, 2, 23, 59, tzinfo=UTC), "x", f"Chuyển {NASTY}", "s", f"Chuyển {NASTY}"
    ),
]


def form(data: dict[str, str] | None, *errors: tuple[str | None, str]) -> LookupForm:
    bound = LookupForm(data)
    if data is not None and bound.is_valid():
        for field, message in errors:
            bound.add_error(field, message)
    return bound


def forms() -> list[LookupForm]:
    return [
        form(None),
        form({"ma": ""}),
        form({"ma": "H33.15-260302-0001"}),
        form({"ma": NASTY, "so": "12"}, ("so", "Nhập đúng 4 chữ số <a>")),
        form({"ma": "X", "so": ""}, ("ma", f"Không có hồ sơ {NASTY}")),
        form({"ma": "X"}, (None, "Quá nhiều lần tra cứu & thử lại")),
        form({"ma": "X", "so": "123456789"}),  # too long: Django's own message
    ]


def results() -> list[dict[str, object]]:
    paused = status(waiting_for_applicant=True, pause=PAUSE)
    return [
        {"result": None, "office": None, "timeline": None, "pause_text": ""},
        {"result": status(), "office": office(), "timeline": None, "pause_text": ""},
        {"result": status(), "office": None, "timeline": [], "pause_text": ""},
        {
            "result": status(received_at=None, appointment=None, returned_at=None),
            "office": office(address="", opening_hours="", phone="", hotline="", email=""),
            "timeline": None,
            "pause_text": "",
        },
        {
            "result": status(returned_at=datetime(2026, 3, 5, 17, 30, tzinfo=UTC)),
            "office": office(map_url=""),
            "timeline": TIMELINE,
            "pause_text": "",
        },
        {"result": paused, "office": office(), "timeline": TIMELINE, "pause_text": f"Vì {NASTY}."},
        {
            "result": status(pause=PublicPause("payment", "extend", PAUSE.since, None)),
            "office": None,
            "timeline": None,
            "pause_text": "Chờ nộp phí.",
        },
    ]


class LookupHtmlTests(SimpleTestCase):
    def test_the_written_out_page_is_the_templates_page(self):
        title = get_template("portal/_lookup_title.html")
        content = get_template("portal/_lookup_main.html")
        cases = itertools.product(("vi", "en"), enumerate(forms()), enumerate(results()))
        for language, (f, bound), (r, found) in cases:
            context = {"form": bound, **found}
            with self.subTest(language=language, form=f, result=r), translation.override(language):
                self.assertEqual(lookup_title(context), title.render(context))
                self.assertEqual(lookup_content(context), content.render(context))

    def test_the_cases_reach_every_branch(self):
        with translation.override("vi"):
            pages = "".join(
                lookup_content({"form": bound, **found}) for bound in forms() for found in results()
            )
        for shown in (
            "Có lỗi",  # the error summary
            "aria-invalid",
            "bên dưới sẽ thay đổi",  # the date will move
            "hồ sơ sẽ bị kết thúc",  # the respond-by date
            "Đã trả kết quả lúc",  # returned
            "Quá trình giải quyết hồ sơ",
            "<br>",
            "tel:02933867123",
            "&lt;b&gt;&amp;&quot;&#x27;&lt;/b&gt;",
        ):
            self.assertIn(shown, pages)
