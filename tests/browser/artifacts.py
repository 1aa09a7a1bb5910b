"""Screenshots and page dumps of the browser tests, under ``test-artifacts/`` at the repository root
(git-ignored; CI keeps the folder). ``snap`` is for the screens a test wants to keep; a failing test's
last page is saved by the hook in ``conftest.py`` through ``save_failure``.
"""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
FAILURES = ARTIFACTS / "failures"

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def file_name(text: str) -> str:
    """``tests/browser/test_x.py::test_y[es]`` → ``test_x.py-test_y-es``: safe on every file system."""
    return _UNSAFE.sub("-", text.removeprefix("tests/browser/")).strip("-") or "page"


def snap(page: Page, name: str, *, full_page: bool = False) -> Path:
    """Save a PNG of what the page shows now as ``test-artifacts/screenshots/<name>.png``; return its path.

    Name screens after what they show (``board``, ``lead-card-es``); the same name overwrites. Animations
    are stopped and the caret hidden, so two runs give the same picture for the same page.
    """
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{file_name(name)}.png"
    page.screenshot(path=path, full_page=full_page, animations="disabled")
    return path


def save_failure(page: Page, test_id: str, database: str, console: list[str]) -> list[Path]:
    """The failing test's page: a full-page PNG, its HTML and the browser's console errors."""
    FAILURES.mkdir(parents=True, exist_ok=True)
    stem = FAILURES / f"{file_name(test_id)}-{database}"
    saved = []
    try:
        page.screenshot(path=f"{stem}.png", full_page=True, animations="disabled")
        saved.append(Path(f"{stem}.png"))
        Path(f"{stem}.html").write_text(page.content(), "utf-8")
        saved.append(Path(f"{stem}.html"))
    except Exception as error:  # a crashed or closed page: keep what the console said all the same
        console = [*console, f"(no screenshot: {error})"]
    Path(f"{stem}.console.txt").write_text(f"url: {page.url}\n" + "\n".join(console) + "\n", "utf-8")
    saved.append(Path(f"{stem}.console.txt"))
    return saved
