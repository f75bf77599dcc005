"""The apps form layers: a module imports only from its own app and the layers below.

The project's ``motcua.urls`` sits above them all and wires the API routers.
"""

import ast
from pathlib import Path

from django.test import SimpleTestCase

ROOT = Path(__file__).resolve().parents[2]

LAYERS = (
    {"core", "formats", "settings"},
    {"api", "org"},
    {"workdays"},
    {"catalog"},
    {"dossiers"},
    {"citizens"},
    {"feedback"},
    {"indices"},
    {"outreach"},
    {"initiatives"},
    {"parindex"},
    {"contests", "quizzes"},
    {"portal", "demo"},
)


def _level(app: str) -> int:
    return next(i for i, layer in enumerate(LAYERS) if app in layer)


def _imported_apps(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "motcua" and len(parts) > 1 and (ROOT / parts[1]).is_dir():
                found.add(parts[1])
    return found


class LayerTests(SimpleTestCase):
    def test_every_app_is_placed_in_a_layer(self):
        apps = {p.name for p in ROOT.iterdir() if (p / "__init__.py").exists()}
        self.assertEqual(apps, set().union(*LAYERS))

    def test_no_module_reaches_up_or_sideways(self):
        problems = []
        for layer in LAYERS:
            for app in layer:
                for path in (ROOT / app).rglob("*.py"):
                    if {"tests", "migrations"} & set(path.relative_to(ROOT).parts):
                        continue
                    for other in _imported_apps(path) - {app}:
                        if _level(other) >= _level(app):
                            problems.append(f"{path.relative_to(ROOT)} imports motcua.{other}")
        self.assertEqual(problems, [])

    def test_the_check_sees_a_reach_up(self):
        import tempfile

        with tempfile.TemporaryDirectory() as folder:
            module = Path(folder) / "example.py"
            module.write_text(
                "from motcua.dossiers.models import Dossier\nimport motcua.portal.views\n"
                "from motcua import nothing_here\nimport os\n",
                encoding="utf-8",
            )
            self.assertEqual(_imported_apps(module), {"dossiers", "portal"})
        self.assertGreater(_level("dossiers"), _level("core"))
