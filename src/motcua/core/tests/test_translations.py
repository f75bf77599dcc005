"""The Vietnamese catalogues: complete, compiled, in step with the code, and shown.

Each app's ``locale/vi/LC_MESSAGES/django.po`` is the source of its Vietnamese
(edited by hand, Poedit or Weblate; ``make messages`` adds new strings and
keeps translations). These tests fail on an untranslated or fuzzy entry, a
stale ``.mo``, a string in the code missing from the catalogue or an entry the
code no longer uses, and on a text whose Vietnamese shown on screen is not the
one its app's catalogue gives (two apps, or a third-party app, translating one
English text differently: give it a ``pgettext`` context instead).
"""

from __future__ import annotations

import ast
import gettext
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.test import SimpleTestCase
from django.utils import translation

PACKAGE = Path(__file__).resolve().parents[2]
REPO = PACKAGE.parents[1]


@dataclass(frozen=True)
class Entry:
    context: str | None
    msgid: str
    plural: str | None
    msgstrs: tuple[str, ...]
    fuzzy: bool

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.context, self.msgid)


def po_entries(path: Path) -> list[Entry]:
    """Parse a .po file (header and obsolete entries left out)."""
    entries: list[Entry] = []
    fields: dict[str, str] = {}
    fuzzy = False
    last: str | None = None

    def flush() -> None:
        nonlocal fields, fuzzy, last
        if fields.get("msgid"):
            strs = tuple(v for k, v in sorted(fields.items()) if k.startswith("msgstr"))
            entries.append(
                Entry(
                    fields.get("msgctxt"),
                    fields["msgid"],
                    fields.get("msgid_plural"),
                    strs,
                    fuzzy,
                )
            )
        fields, fuzzy, last = {}, False, None

    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            flush()
        elif line.startswith("#,"):
            fuzzy = fuzzy or "fuzzy" in line
        elif line.startswith("#"):
            continue
        elif line.startswith('"') and last is not None:
            fields[last] += ast.literal_eval(line)
        else:
            keyword, _, value = line.partition(" ")
            last = keyword
            fields[keyword] = ast.literal_eval(value)
    flush()
    return entries


PROJECT_CATALOGUE = PACKAGE / "locale/vi/LC_MESSAGES/django.po"
"""Vietnamese for Django's and third-party apps' texts they ship untranslated (LOCALE_PATHS)."""


def catalogues() -> list[Path]:
    """The apps' catalogues (extracted from their code by ``make messages``)."""
    return sorted(PACKAGE.glob("*/locale/vi/LC_MESSAGES/django.po"))


def all_catalogues() -> list[Path]:
    return [*catalogues(), PROJECT_CATALOGUE]


def shown(entry: Entry) -> str:
    """The Vietnamese Django shows for ``entry`` (the singular form for a plural)."""
    if entry.plural is not None:
        if entry.context is not None:
            return translation.npgettext(entry.context, entry.msgid, entry.plural, 1)
        return translation.ngettext(entry.msgid, entry.plural, 1)
    if entry.context is not None:
        return translation.pgettext(entry.context, entry.msgid)
    return translation.gettext(entry.msgid)


class TranslationCatalogueTests(SimpleTestCase):
    def test_the_parser_reads_contexts_plurals_and_fuzzy_flags(self):
        with tempfile.TemporaryDirectory() as tmp:
            po = Path(tmp, "django.po")
            po.write_text(
                'msgid ""\nmsgstr ""\n"Language: vi\\n"\n\n'
                'msgctxt "submission"\nmsgid "channel"\nmsgstr "hình thức nộp"\n\n'
                '#, fuzzy, python-format\nmsgid "%(n)s day"\nmsgid_plural "%(n)s days"\n'
                'msgstr[0] "%(n)s ngày"\n\n'
                '#~ msgid "gone"\n#~ msgstr "đã bỏ"\n',
                encoding="utf-8",
            )
            self.assertEqual(
                po_entries(po),
                [
                    Entry("submission", "channel", None, ("hình thức nộp",), False),
                    Entry(None, "%(n)s day", "%(n)s days", ("%(n)s ngày",), True),
                ],
            )

    def test_there_are_catalogues(self):
        apps = {po.parents[3].name for po in catalogues()}
        self.assertLessEqual({"core", "org", "workdays", "catalog", "dossiers", "portal"}, apps)

    def test_every_message_has_a_vietnamese_translation(self):
        for po in all_catalogues():
            with self.subTest(po=str(po.relative_to(PACKAGE))):
                untranslated = [e.key for e in po_entries(po) if e.fuzzy or not all(e.msgstrs)]
                self.assertEqual(untranslated, [])

    def test_compiled_catalogue_matches_the_source(self):
        for po in all_catalogues():
            with self.subTest(po=str(po.relative_to(PACKAGE))):
                with po.with_suffix(".mo").open("rb") as handle:
                    compiled = gettext.GNUTranslations(handle)
                for e in po_entries(po):
                    if e.plural is None and e.context is None:
                        got = compiled.gettext(e.msgid)
                    elif e.plural is None:
                        got = compiled.pgettext(e.context, e.msgid)
                    elif e.context is None:
                        got = compiled.ngettext(e.msgid, e.plural, 1)
                    else:
                        got = compiled.npgettext(e.context, e.msgid, e.plural, 1)
                    self.assertEqual(got, e.msgstrs[0], e.key)

    def test_the_vietnamese_shown_is_the_one_its_catalogue_gives(self):
        wrong = []
        with translation.override("vi"):
            for po in all_catalogues():
                app = po.parents[3].name
                for e in po_entries(po):
                    if shown(e) != e.msgstrs[0]:
                        wrong.append((app, e.key, e.msgstrs[0], shown(e)))
        self.assertEqual(wrong, [])

    def test_each_catalogue_lists_exactly_the_texts_of_its_code(self):
        if shutil.which("xgettext") is None:
            self.skipTest("GNU gettext (xgettext) is not installed")
        with tempfile.TemporaryDirectory() as tmp:
            for po in catalogues():
                app_dir = po.parents[3]
                copy = Path(tmp, app_dir.name)
                shutil.copytree(app_dir, copy, ignore=shutil.ignore_patterns("__pycache__"))
                subprocess.run(
                    [
                        sys.executable,
                        "-P",  # the app's own modules (http.py …) must not shadow the stdlib
                        "-m",
                        "django",
                        "makemessages",
                        "-l",
                        "vi",
                        "--no-obsolete",
                        "--no-location",
                        "--no-wrap",
                        "-v0",
                    ],
                    cwd=copy,
                    env={**os.environ, "DJANGO_SETTINGS_MODULE": "motcua.settings.test"},
                    check=True,
                )
                fresh = {e.key for e in po_entries(copy / "locale/vi/LC_MESSAGES/django.po")}
                kept = {e.key for e in po_entries(po)}
                with self.subTest(app=app_dir.name):
                    self.assertEqual(
                        {
                            "missing": sorted(fresh - kept, key=str),
                            "stale": sorted(kept - fresh, key=str),
                        },
                        {"missing": [], "stale": []},
                    )
