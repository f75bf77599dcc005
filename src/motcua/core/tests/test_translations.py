"""Every app's Vietnamese catalogue is complete and compiled."""

from __future__ import annotations

import ast
import gettext
from pathlib import Path

from django.test import SimpleTestCase

PACKAGE = Path(__file__).resolve().parents[2]


def _po_entries(path: Path) -> dict[str, tuple[str, bool]]:
    """Return msgid → (msgstr, fuzzy) for a .po written with --no-wrap."""
    entries: dict[str, tuple[str, bool]] = {}
    fuzzy = False
    msgid: str | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#,"):
            fuzzy = "fuzzy" in line
        elif line.startswith("msgid "):
            msgid = ast.literal_eval(line[6:])
        elif line.startswith("msgstr ") and msgid is not None:
            if msgid:
                entries[msgid] = (ast.literal_eval(line[7:]), fuzzy)
            msgid, fuzzy = None, False
    return entries


class TranslationCatalogueTests(SimpleTestCase):
    def catalogues(self) -> list[Path]:
        found = sorted(PACKAGE.glob("*/locale/vi/LC_MESSAGES/django.po"))
        self.assertGreater(len(found), 0)
        return found

    def test_every_message_has_a_vietnamese_translation(self):
        for po in self.catalogues():
            with self.subTest(po=str(po.relative_to(PACKAGE))):
                entries = _po_entries(po)
                untranslated = [m for m, (s, fuzzy) in entries.items() if not s or fuzzy]
                self.assertEqual(untranslated, [])

    def test_compiled_catalogue_matches_the_source(self):
        for po in self.catalogues():
            with self.subTest(po=str(po.relative_to(PACKAGE))):
                with po.with_suffix(".mo").open("rb") as handle:
                    compiled = gettext.GNUTranslations(handle)
                for msgid, (msgstr, _fuzzy) in _po_entries(po).items():
                    self.assertEqual(compiled.gettext(msgid), msgstr, msgid)
