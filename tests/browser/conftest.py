"""Browser tests: Debian's Chromium, driven by Playwright, against a real ``kanbo serve``.

Every test under ``tests/browser`` is marked ``browser`` (``pytest -m "not browser"`` leaves them out).
The server and the browser are package-scoped: one of each for all the browser tests of a run, started by
the first test that needs them and stopped after the last browser test — before the rest of the suite
goes on, because Playwright's sync API marks its own event loop as the thread's running loop while it
is started, and the suite's async tests need that thread's loop to themselves. So browser tests are
plain ``def`` tests and make their data through ``api``, never through the suite's async fixtures.

Without ``chromium`` on PATH the tests are skipped, or fail when ``CI`` is set (``make setup`` installs it).
See tests/browser/README.md for how to write one.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Generator, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, ViewportSize, expect, sync_playwright

from tests.browser.artifacts import save_failure
from tests.browser.server import KanboServer, ServerFailed, start_server
from tests.support import databases

HERE = Path(__file__).resolve().parent

# The arguments: what makes Debian's Chromium start headless in these containers and stay offline.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
VIEWPORT: ViewportSize = {"width": 1280, "height": 800}
TIMEOUT_MS = 10_000  # for actions and expect(); a loaded two-core machine is slower than Playwright's 5 s default

_reports = pytest.StashKey[dict[str, pytest.TestReport]]()
_log_start = pytest.StashKey[int]()
_server = pytest.StashKey[KanboServer]()

expect.set_options(timeout=TIMEOUT_MS)

ReportWrapper = Generator[None, pytest.TestReport, pytest.TestReport]


# Marking, and what a failure shows ------------------------------------------------------------------
@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, None, None]:
    server = item.config.stash.get(_server, None)
    item.stash[_log_start] = server.log_size() if server is not None else 0
    return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> ReportWrapper:
    report: pytest.TestReport = yield
    item.stash.setdefault(_reports, {})[report.when] = report
    server = item.config.stash.get(_server, None)
    if report.failed and server is not None and report.when in ("setup", "call"):
        report.sections.append(("kanbo serve output (this test)", server.output(item.stash.get(_log_start, 0))))
    return report


def _failed(request: pytest.FixtureRequest) -> bool:
    reports = request.node.stash.get(_reports, {})
    return any(reports[when].failed for when in ("setup", "call") if when in reports)


# The server and the API ----------------------------------------------------------------------------
@pytest.fixture(scope="package")
def kanbo_server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[KanboServer]:
    """A real ``kanbo serve --demo`` on a fresh database of this run's kind (``KANBO_TEST_DB``)."""
    home = tmp_path_factory.mktemp("kanbo-home")
    kind = databases.kind()
    # On SQLite, serve makes its database in KANBO_HOME; on PostgreSQL, a fresh database of the suite's server.
    with databases.fresh_pg_database() if kind == "postgresql" else contextlib.nullcontext() as url:
        try:
            server = start_server(home, kind, url)
        except ServerFailed as error:
            pytest.fail(str(error), pytrace=False)
        request.config.stash[_server] = server
        try:
            yield server
        finally:
            del request.config.stash[_server]
            server.stop()


@pytest.fixture
def api(kanbo_server: KanboServer) -> Iterator[httpx.Client]:
    """An httpx client of the same server, as the demo admin (bearer token): set data up, or change it
    "from elsewhere" while a page is open. Paths are relative: ``api.post("/api/v4/leads", json=[…])``."""
    with httpx.Client(base_url=kanbo_server.base_url, headers={"Authorization": f"Bearer {kanbo_server.token}"},
                      timeout=30) as client:
        yield client


# The browser ----------------------------------------------------------------------------------------
def chromium_path() -> str:
    """The system Chromium; skipped without one (failed under CI, where ``make setup`` must have installed it)."""
    found = shutil.which("chromium")
    if found is None:
        reason = ("`chromium` is not on PATH: the browser tests need Debian's chromium package "
                  "(`make setup` installs it as root: apt-get install --no-install-recommends chromium)")
        if os.environ.get("CI"):
            pytest.fail(f"CI is set and {reason}", pytrace=False)
        pytest.skip(reason)
    return found


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    """Headless system Chromium (never a downloaded one), shared by the browser tests of the run."""
    executable = chromium_path()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def locale() -> str:
    """The browser's language (``Accept-Language``, ``navigator.language``). Per test:
    ``@pytest.mark.parametrize("locale", ["es-ES"])``, or a ``locale`` fixture in the module."""
    return "en-US"


@pytest.fixture
def context(browser: Browser, kanbo_server: KanboServer, locale: str) -> Iterator[BrowserContext]:
    """A fresh context per test (no cookies, no storage), 1280x800, UTC, ``base_url`` set to the server."""
    created = browser.new_context(base_url=kanbo_server.base_url, viewport=VIEWPORT, locale=locale,
                                  timezone_id="UTC")
    created.set_default_timeout(TIMEOUT_MS)
    try:
        yield created
    finally:
        created.close()


@pytest.fixture
def page(request: pytest.FixtureRequest, context: BrowserContext, kanbo_server: KanboServer) -> Iterator[Page]:
    """A page of a fresh context, on ``about:blank``: ``page.goto("/login")``. When the test fails, its
    last state is kept in ``test-artifacts/failures/`` (PNG, HTML, console errors)."""
    opened = context.new_page()
    console: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type in ("error", "warning"):
            console.append(f"console.{message.type}: {message.text}")

    opened.on("console", on_console)
    opened.on("pageerror", lambda error: console.append(f"page error: {error}"))
    yield opened
    if _failed(request):
        saved = save_failure(opened, request.node.nodeid, kanbo_server.database, console)
        print("browser test artifacts:", *saved, sep="\n  ")


@pytest.fixture
def signed_in_page(page: Page, kanbo_server: KanboServer) -> Page:
    """``page`` signed in as the demo admin through the real ``/login`` form, on ``/``.

    The fields are found by id, not by their (translated) labels, so any ``locale`` works."""
    page.goto("/login?next=/")
    page.locator("#subdomain").fill(kanbo_server.subdomain)
    page.locator("#email").fill(kanbo_server.email)
    page.locator("#password").fill(kanbo_server.password)
    with page.expect_response(lambda r: r.request.method == "POST" and urlsplit(r.url).path == "/login") as sent:
        page.locator('form[action="/login"] [type="submit"]').click()
    assert sent.value.status in (302, 303), f"sign-in refused with {sent.value.status}: {sent.value.text()[:500]}"
    page.wait_for_url(lambda url: urlsplit(url).path != "/login", wait_until="domcontentloaded")
    return page
