"""Files a reader can hold in mind: no source file of the dossier core over 600 lines.

Issue 9 split ``services.py`` and ``api.py`` into packages by stem and the
synthetic province into ``demo/synthetic/``; this keeps them that way.
"""

from __future__ import annotations

from pathlib import Path

from django.test import SimpleTestCase

import motcua

LIMIT = 600
SOURCES = (".py", ".html", ".js", ".css")
ROOTS = ("dossiers", "demo/synthetic")


def long_files(root: Path, limit: int = LIMIT) -> dict[str, int]:
    """Return the source files below ``root`` longer than ``limit`` lines, with their length."""
    found: dict[str, int] = {}
    for path in sorted(root.rglob("*")):
        if path.suffix in SOURCES and path.is_file():
            lines = len(path.read_text(encoding="utf-8").splitlines())
            if lines > limit:
                found[str(path.relative_to(root))] = lines
    return found


class FileSizeTests(SimpleTestCase):
    def test_no_file_is_over_the_limit(self) -> None:
        package = Path(motcua.__file__).parent
        for name in ROOTS:
            with self.subTest(root=name):
                root = package / name
                self.assertTrue(root.is_dir(), root)
                self.assertEqual(long_files(root), {})

    def test_a_long_file_is_named_with_its_length(self) -> None:
        package = Path(motcua.__file__).parent
        # With a lower limit the same walk names models.py and its length.
        found = long_files(package / "dossiers", limit=100)
        self.assertIn("models.py", found)
        lines = (package / "dossiers" / "models.py").read_text(encoding="utf-8").splitlines()
        self.assertEqual(found["models.py"], len(lines))
