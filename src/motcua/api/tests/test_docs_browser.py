"""The interactive API documentation renders under the site's Content-Security-Policy.

Playwright drives Debian's Chromium (never ``playwright install``); where it
is missing the test is skipped with the install command. The page must
draw every operation of the published document from the project's own
static files: no script or style from elsewhere, no inline script, no
request leaving the server.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [
    pytest.mark.browser,
    # live_server runs with transactional_db: restore the migrated rows afterwards,
    # as the other browser tests do, or later tests miss them.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        shutil.which(CHROMIUM) is None, reason="Cài Chromium: apt-get install chromium"
    ),
]

# Collects every violation the page reports, before any of its own scripts run.
WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


@pytest.fixture
def browser() -> Iterator[Any]:
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def test_the_api_docs_draw_every_operation_from_local_files_under_the_csp(
    live_server: Any, browser: Any, client: Any
) -> None:
    document = client.get("/api/v1/openapi.json").json()
    operations = {
        (method.upper(), path) for path, item in document["paths"].items() for method in item
    }

    page = browser.new_context().new_page()
    page.set_default_timeout(20_000)
    page.add_init_script(WATCH_CSP)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))

    response = page.goto(f"{live_server.url}/api/v1/docs")
    assert response.status == 200
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy

    page.wait_for_selector(".opblock")
    page.wait_for_function(
        f"() => document.querySelectorAll('.opblock').length >= {len(operations)}"
    )
    drawn = set(
        zip(
            page.locator(".opblock .opblock-summary-method").all_inner_texts(),
            page.locator(".opblock").evaluate_all(
                "blocks => blocks.map(b => b.querySelector('[data-path]').dataset.path)"
            ),
            strict=True,
        )
    )
    assert drawn == operations
    assert page.title() == document["info"]["title"]
    # No online validator badge: it would fetch an image from validator.swagger.io.
    settings = json.loads(page.locator("#swagger-settings").text_content())
    assert settings["validatorUrl"] is None

    assert page.evaluate("window.__cspViolations") == []
    assert [line for line in console if "Content Security Policy" in line] == []
    # Every request goes to the test server itself, on the loopback address.
    server = urlsplit(live_server.url)
    assert server.hostname in ("127.0.0.1", "localhost")
    web = [url for url in requested if not url.startswith(("data:", "blob:"))]
    assert {urlsplit(url).netloc for url in web} == {server.netloc}, web
    assert any(url.endswith("swagger-ui-bundle.js") for url in web)
    page.context.close()
