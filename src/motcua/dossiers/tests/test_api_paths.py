"""A path parameter spelled like a sibling path still gets a documented answer.

``GET /api/v1/dossiers/{code}`` and ``POST /api/v1/dossiers/online`` share
the URL ``/api/v1/dossiers/online``; Django matches the literal path first,
which used to answer an undocumented 405 to the GET. Every such collision in
the published document is tried here with a staff token.
"""

from __future__ import annotations

import re

from django.test import TestCase

from motcua.api.main import api
from motcua.api.services import api_token_create
from motcua.core import clock
from motcua.dossiers.tests.helpers import World, at

PARAMETER = re.compile(r"\{[^}]+\}")


def collisions(document: dict) -> list[tuple[str, str]]:
    """Return (templated GET path, concrete URL) for each literal sibling of a parameter."""
    paths = document["paths"]
    found = []
    for template, operations in paths.items():
        if "get" not in operations:
            continue
        parts = template.rstrip("/").split("/")
        if not PARAMETER.fullmatch(parts[-1]):
            continue
        parent = "/".join(parts[:-1]) + "/"
        for other in paths:
            rest = other[len(parent) :].strip("/") if other.startswith(parent) else ""
            if not rest or "/" in rest or PARAMETER.search(rest) or "get" in paths[other]:
                continue
            found.append((template, PARAMETER.sub("x", other)))
    return found


class SiblingPathTests(TestCase):
    w: World
    token: str

    @classmethod
    def setUpTestData(cls):
        cls.w = World()
        cls.token = api_token_create(actor="test", user=cls.w.intake, name="paths")[1]

    def test_the_dossier_paths_collide_as_the_issue_says(self):
        urls = {url for _template, url in collisions(api.get_openapi_schema())}
        for name in ("online", "guidance", "refusals"):
            self.assertIn(f"/api/v1/dossiers/{name}", urls)

    def test_every_collision_answers_a_documented_status(self):
        document = api.get_openapi_schema()
        headers = {"Authorization": f"Bearer {self.token}"}
        with clock.frozen(at(2026, 3, 2, 9)):
            for template, url in collisions(document):
                with self.subTest(url=url):
                    response = self.client.get(url, headers=headers)
                    responses = document["paths"][template]["get"]["responses"]
                    documented = {int(status) for status in responses}
                    self.assertIn(response.status_code, documented, response.content)
                    self.assertNotEqual(response.status_code, 405)

    def test_a_dossier_code_spelled_like_a_sibling_path_is_not_found(self):
        response = self.client.get(
            "/api/v1/dossiers/online", headers={"Authorization": f"Bearer {self.token}"}
        )
        self.assertEqual(response.status_code, 404)
        self.assertEqual(response.json()["code"], "not_found")
