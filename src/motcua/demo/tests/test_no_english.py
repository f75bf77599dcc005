"""No English left on the Vietnamese screens: the admin, the staff pages, the portal.

The demo is loaded and every page reachable in two clicks from the admin index,
the staff menu and the portal home is read in Vietnamese; a text that contains
an English interface word (third-party apps' labels such as "Access attempts",
"Task results", "Skip to main content" included) fails the test.
"""

from __future__ import annotations

import re
import tempfile
from html.parser import HTMLParser
from io import StringIO
from urllib.parse import urlsplit

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import TestCase, override_settings

# Words that are English and never Vietnamese, common on an interface.
ENGLISH = frozenset(
    [
        "access",
        "action",
        "actions",
        "add",
        "added",
        "address",
        "attempt",
        "attempts",
        "all",
        "and",
        "are",
        "by",
        "cancel",
        "change",
        "changed",
        "changes",
        "choose",
        "clear",
        "confirmed",
        "content",
        "created",
        "date",
        "delete",
        "deleted",
        "device",
        "devices",
        "disabled",
        "enabled",
        "entries",
        "entry",
        "failed",
        "failure",
        "filter",
        "first",
        "for",
        "from",
        "go",
        "group",
        "groups",
        "hide",
        "history",
        "home",
        "key",
        "last",
        "log",
        "login",
        "logout",
        "main",
        "modified",
        "name",
        "next",
        "none",
        "not",
        "of",
        "out",
        "page",
        "password",
        "permission",
        "permissions",
        "please",
        "previous",
        "queue",
        "recent",
        "remove",
        "result",
        "results",
        "run",
        "save",
        "search",
        "select",
        "session",
        "sessions",
        "show",
        "site",
        "skip",
        "staff",
        "status",
        "success",
        "superuser",
        "task",
        "tasks",
        "the",
        "this",
        "time",
        "to",
        "today",
        "token",
        "unknown",
        "user",
        "username",
        "users",
        "view",
        "with",
        "yes",
        "your",
    ]
)
# Names and codes that stay as they are in Vietnamese too.
KEPT = re.compile(
    r"\b(Motcua|OpenAPI|Swagger|TOTP|VietQR|VNeID|Excel|PDF|QR|ID|API|JSON|CSV|URL)\b"
)
WORD = re.compile(r"[^\W\d_]+")  # whole words, Vietnamese letters included
SKIPPED_TAGS = {"script", "style", "code", "pre", "textarea", "option"}
SHOWN_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt"}


class _Texts(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.links: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in SKIPPED_TAGS:
            self._skip += 1
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.links.append(values["href"] or "")
        for name in SHOWN_ATTRIBUTES & values.keys():
            self.texts.append(values[name] or "")
        if tag == "input" and values.get("type") in {"submit", "button"}:
            self.texts.append(values.get("value") or "")

    def handle_endtag(self, tag):
        if tag in SKIPPED_TAGS and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.texts.append(data.strip())


def english_in(text: str) -> list[str]:
    """The English interface words in ``text`` (names and codes aside)."""
    return [w for w in WORD.findall(KEPT.sub(" ", text)) if w.lower() in ENGLISH]


def is_data(text: str) -> bool:
    """Values typed by people or codes (usernames, e-mail addresses, paths) are not interface."""
    if " " in text.strip():
        return "@" in text or "/" in text
    return any(mark in text.strip(".:") for mark in "@/_.-")


class EnglishDetectorTests(TestCase):
    def test_the_detector_finds_english_and_lets_vietnamese_through(self):
        self.assertEqual(english_in("Access attempts"), ["Access", "attempts"])
        self.assertEqual(english_in("Skip to main content"), ["Skip", "to", "main", "content"])
        self.assertEqual(english_in("Tải xuống Excel (PDF) theo mã QR"), [])
        self.assertEqual(english_in("Hồ sơ đã tiếp nhận"), [])
        self.assertEqual(english_in("Mật khẩu không được hoàn toàn bằng số"), [])
        self.assertTrue(is_data("civil-status"))
        self.assertTrue(is_data("tiepnhan.ngabay"))
        self.assertFalse(is_data("Search"))


class NoEnglishOnVietnameseScreensTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.data_dir = tempfile.mkdtemp()
        with override_settings(DATA_DIR=cls.data_dir):
            call_command("seed", "demo", stdout=StringIO())
        cls.admin = get_user_model().objects.create_superuser("kiemtra.quantri", password="x")

    maxDiff = None

    def crawl(self, starts: list[str], prefixes: tuple[str, ...], depth: int = 2) -> dict:
        """Read the pages reachable from ``starts``; return page → English found there."""
        found: dict[str, list[str]] = {}
        seen: set[str] = set()
        frontier = list(starts)
        for _ in range(depth):
            following: list[str] = []
            for url in frontier:
                if url in seen:
                    continue
                seen.add(url)
                response = self.client.get(url, HTTP_ACCEPT_LANGUAGE="vi")
                if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                    continue
                parser = _Texts()
                parser.feed(response.content.decode())
                words = [
                    f"{text!r}" for text in parser.texts if not is_data(text) and english_in(text)
                ]
                if words:
                    found[url] = words
                for href in parser.links:
                    parts = urlsplit(href)
                    if (
                        not parts.netloc
                        and parts.path.startswith(prefixes)
                        and "logout" not in parts.path
                    ):
                        following.append(parts.path + (f"?{parts.query}" if parts.query else ""))
            frontier = following
        self.assertGreater(len(seen), 3)
        return found

    def test_the_admin_speaks_vietnamese(self):
        self.client.force_login(self.admin)
        self.assertEqual(self.crawl(["/admin/"], ("/admin/",)), {})

    def test_the_staff_pages_speak_vietnamese(self):
        self.client.force_login(self.admin)
        self.assertEqual(self.crawl(["/"], ("/",)), {})

    def test_the_public_pages_speak_vietnamese(self):
        self.assertEqual(self.crawl(["/"], ("/",)), {})
