"""The main citizen pages stay light enough for a slow phone connection.

Each page is counted as a phone would fetch it: the HTML plus every stylesheet, script and
picture it links from ``/static/`` (read from the static files, as served), raw and
gzip-compressed. The figures are printed (``pytest -s``) for docs/portal.md, "Page weight";
the assertion is a byte budget, ``BUDGET``, not a time.
"""

import gzip
import re

from django.contrib.staticfiles import finders
from django.test import TestCase, override_settings
from django.urls import reverse

from motcua.citizens.models import Draft
from motcua.citizens.tests import test_views as citizen_pages
from motcua.citizens.tests.test_submission import pdf
from motcua.core import clock
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.helpers import World

BUDGET = 40_000  # bytes of HTML + CSS + JS + pictures, uncompressed, per page
ASSET = re.compile(r'(?:href|src)="/static/([^"?#]+\.(?:css|js|png|jpe?g|svg|webp|ico))"')


def weigh(html: bytes) -> tuple[int, int, int]:
    """Return (HTML bytes, asset bytes, gzip total) of a page and what it links."""
    assets = []
    for name in sorted(set(ASSET.findall(html.decode()))):
        found = finders.find(name)
        assert found, name
        with open(found, "rb") as handle:
            assets.append(handle.read())
    packed = len(gzip.compress(html)) + sum(len(gzip.compress(a)) for a in assets)
    return len(html), sum(map(len, assets)), packed


@override_settings(LANGUAGE_CODE="vi", MOTCUA_SMS_GATEWAY_URL="")
class PageWeightTests(TestCase):
    sign_in = citizen_pages.CitizenPagesTests.sign_in

    @classmethod
    def setUpTestData(cls):
        cls.w = World()
        cls.code = cls.w.pause_version.procedure.code

    def setUp(self):
        self.enterContext(clock.frozen(citizen_pages.T0))

    def measure(self, label: str, url: str) -> None:
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200, url)
        html, assets, packed = weigh(response.content)
        self.assertGreater(assets, 0, url)  # the stylesheet is counted
        print(f"| {label} | {html:,} | {assets:,} | {html + assets:,} | {packed:,} |")
        self.assertLess(html + assets, BUDGET, url)

    def test_the_main_citizen_pages_stay_under_the_budget(self):
        print("\n| trang | HTML | CSS + JS + ảnh | tổng | tổng gzip |\n|---|---:|---:|---:|---:|")
        self.measure("Trang chủ /", reverse("home"))
        self.measure("Trang thủ tục", reverse("catalog:procedure_detail", args=[self.code]))
        self.measure("Tra cứu (trống)", reverse("portal:lookup"))
        self.measure("Đăng nhập", reverse("citizens:sign_in"))
        self.sign_in()
        self.client.get(reverse("citizens:submit", args=[self.code]))
        draft = Draft.objects.get()
        self.measure("Biểu mẫu nộp (bản nháp)", reverse("citizens:draft", args=[draft.key]))
        docs = list(self.w.pause_version.documents.order_by("order"))
        self.client.post(
            reverse("citizens:draft", args=[draft.key]),
            {
                "applicant_name": "Trần Thị Bích Ngọc",
                "applicant_email": "ngoc@example.vn",
                "applicant_address": "Số 12 Lê Lợi",
                "receiving_unit": str(self.w.centre.pk),
                f"doc_{docs[0].pk}": pdf(),
                f"doc_{docs[1].pk}": pdf(),
            },
        )
        review = reverse("citizens:draft_review", args=[draft.key])
        self.measure("Xem lại trước khi gửi", review)
        self.client.post(review)
        code = Dossier.objects.get().code
        self.measure("Hồ sơ của tôi", reverse("citizens:dossiers"))
        self.measure("Một hồ sơ của tôi", reverse("citizens:dossier", args=[code]))
        self.measure("Tra cứu có kết quả", f"{reverse('portal:lookup')}?ma={code}")
