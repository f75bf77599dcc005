"""JSON API of the dossier lifecycle for staff, mounted at /api/v1/dossiers/.

Also the printed forms of a dossier as PDF (``/{code}/forms/…``) and the
log book (:data:`logbook_router`, mounted at /api/v1/logbook).

Every operation parses its input, calls one service of
:mod:`motcua.dossiers.services` (or a selector of
:mod:`motcua.dossiers.selectors`) and answers; the rules live there. Callers
are staff with an API token or a signed-in session (:mod:`motcua.api.auth`).
A dossier outside the caller's units answers 404, never 403, so codes
cannot be probed. Every action on an existing dossier takes the
``expected_version`` the caller saw and answers 409 with the current
``version`` and ``status`` when someone else changed it first.

No ``from __future__ import annotations`` here: django-ninja reads the
annotations at import time.
"""

# Importing the endpoint modules registers their operations on the routers,
# in the order the paths must be matched.
# isort: off
from motcua.dossiers.api import intake, queries, forms, actions, logbook  # noqa: F401

# isort: on
from motcua.dossiers.api.common import logbook_router, router

queries.route_literal_siblings()

__all__ = ["logbook_router", "router"]
