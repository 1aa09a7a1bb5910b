"""The board in a browser (issue 11 "Performance"): first cards painted with 10,000 leads in the pipeline, frames
while dragging a card, a change made through the API reaching an open board, and the initial JavaScript.
Not a test; results go to docs/benchmarks.md.

    .venv/bin/python bench/ui_board.py [--postgresql] [--leads 10000] [--loads 5]

Starts a real ``kanbo serve --demo`` (as the browser tests do: tests/browser/server.py) on a temporary SQLite
file, or with ``--postgresql`` on a new database of the local server, fills the demo account with
``kanbo demo --leads N`` (every lead in the demo pipeline, spread over its stages), and drives Debian's
Chromium headless through Playwright, signed in as the demo admin:

- first paint: ``--loads`` cold loads of /board (a new browser context each: no cache, the session cookie
  only); the time from navigation start to the first lead card in the page (a MutationObserver stamps
  ``performance.now()``), and to every column's first page shown;
- drag: a card dragged across the board for about a second by small mouse moves; frames counted with
  requestAnimationFrame (frames per second and the longest frame);
- live: a lead moved by ``PATCH /api/v4/leads/{id}`` while the board is open, until its card is in the new
  column (median of 5);
- initial JavaScript: the gzip size of the scripts index.html loads and preloads (lazy screens excluded).
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import itertools
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from playwright.sync_api import Browser, Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser.conftest import CHROMIUM_ARGS  # noqa: E402
from tests.browser.server import KanboServer, server_env, start_server  # noqa: E402
from tests.support import databases  # noqa: E402

STAMP_FIRST_CARD = """
new MutationObserver((_, observer) => {
  if (document.querySelector("[data-lead-id]")) { window.__firstCard = performance.now(); observer.disconnect(); }
}).observe(document, { childList: true, subtree: true });
"""


def fill(server: KanboServer, home: Path, database_url: str | None, leads: int) -> None:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "kanbo", "demo", "--subdomain", server.subdomain, "--leads", str(leads)],
                   env=server_env(home, database_url), cwd=home, check=True, stdout=subprocess.DEVNULL)
    print(f"filled {leads:,} leads in {time.perf_counter() - started:.1f} s")


def sign_in(browser: Browser, server: KanboServer) -> dict:
    context = browser.new_context(base_url=server.base_url)
    page = context.new_page()
    page.goto("/login?next=/board")
    page.locator("#subdomain").fill(server.subdomain)
    page.locator("#email").fill(server.email)
    page.locator("#password").fill(server.password)
    page.locator('form[action="/login"] [type="submit"]').click()
    page.wait_for_url(re.compile("/board"))
    state = context.storage_state()
    context.close()
    return state


def open_board(browser: Browser, server: KanboServer, state: dict, path: str = "/board") -> tuple[Page, float, float]:
    """A cold load: the first card's time and the time every column's first page is shown (ms)."""
    context = browser.new_context(base_url=server.base_url, storage_state=state, bypass_csp=True,  # for the probes
                                  viewport={"width": 1600, "height": 900})
    context.add_init_script(STAMP_FIRST_CARD)
    page = context.new_page()
    page.goto(path)
    page.wait_for_function("window.__firstCard !== undefined", timeout=30_000)
    page.wait_for_function(
        "[...document.querySelectorAll('[data-stage-id]')].every((c) => c.querySelector('[data-lead-id]')"
        " || c.textContent.includes('No leads'))", timeout=30_000)
    first = page.evaluate("window.__firstCard")
    columns = page.evaluate("performance.now()")
    return page, first, columns


def drag_frames(page: Page) -> tuple[float, float]:
    card = page.locator("[data-lead-id]").first
    box = card.bounding_box()
    assert box
    page.evaluate("""() => { window.__frames = []; const tick = (t) => { window.__frames.push(t);
        if (window.__frames.length < 100000) window.__raf = requestAnimationFrame(tick); };
        window.__raf = requestAnimationFrame(tick); }""")
    x, y = box["x"] + box["width"] / 2, box["y"] + 20
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(60):  # about a second of small moves across two columns
        page.mouse.move(x + step * 10, y + (step % 10) * 3)
        page.wait_for_timeout(16)
    frames = page.evaluate("() => { cancelAnimationFrame(window.__raf); return window.__frames; }")
    page.keyboard.press("Escape")
    page.mouse.up()
    gaps = [b - a for a, b in itertools.pairwise(frames)]
    seconds = (frames[-1] - frames[0]) / 1000
    return (len(frames) - 1) / seconds, max(gaps)


def deep_scroll(page: Page, cards: int) -> tuple[float, int, float]:
    """Scroll one column until `cards` leads are loaded: seconds, cards in the DOM, frames per second."""
    column = page.locator("[data-stage-id] .board-column-body").nth(1)
    page.evaluate("""() => { window.__frames = []; const tick = (t) => { window.__frames.push(t);
        window.__raf = requestAnimationFrame(tick); }; window.__raf = requestAnimationFrame(tick); }""")
    started = time.perf_counter()
    last_index = "(el) => Math.max(-1, ...[...el.querySelectorAll('[data-index]')].map((s) => +s.dataset.index))"
    while column.evaluate(last_index) < cards - 1:
        column.evaluate("(el) => { el.scrollTop += 2000; }")
        page.wait_for_timeout(30)
        if time.perf_counter() - started > 120:
            break
    seconds = time.perf_counter() - started
    in_dom = column.locator("[data-lead-id]").count()
    frames = page.evaluate("() => { cancelAnimationFrame(window.__raf); return window.__frames; }")
    return seconds, in_dom, (len(frames) - 1) / ((frames[-1] - frames[0]) / 1000)


def live_latency(page: Page, server: KanboServer) -> float:
    api = httpx.Client(base_url=server.base_url, headers={"Authorization": f"Bearer {server.token}"})
    stages = [int(s) for s in page.eval_on_selector_all("[data-stage-id]", "cs => cs.map((c) => c.dataset.stageId)")]
    times = []
    for _ in range(5):
        lead = int(page.locator(f"[data-stage-id='{stages[1]}'] [data-lead-id]").first.get_attribute("data-lead-id"))
        started = time.perf_counter()
        assert api.patch(f"/api/v4/leads/{lead}", json={"status_id": stages[2]}).status_code == 200
        page.wait_for_selector(f"[data-stage-id='{stages[2]}'] [data-lead-id='{lead}']", timeout=10_000)
        times.append((time.perf_counter() - started) * 1000)
        page.wait_for_timeout(500)
    return statistics.median(times)


def initial_js(server: KanboServer) -> int:
    html = httpx.get(server.url("/board")).text
    paths = set(re.findall(r'<script[^>]+src="([^"]+\.js)"', html)) | set(
        re.findall(r'<link[^>]+rel="modulepreload"[^>]+href="([^"]+\.js)"', html))
    return sum(len(gzip.compress(httpx.get(server.url(path)).content, 9)) for path in paths)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgresql", action="store_true")
    parser.add_argument("--leads", type=int, default=10_000)
    parser.add_argument("--loads", type=int, default=5)
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="kanbo-bench-ui-"))
    with databases.fresh_pg_database() if args.postgresql else contextlib.nullcontext() as database_url:
        run(args, home, database_url)


def run(args: argparse.Namespace, home: Path, database_url: str | None) -> None:
    server = start_server(home, "postgresql" if database_url else "sqlite", database_url)
    try:
        fill(server, home, database_url, args.leads)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)
            state = sign_in(browser, server)
            firsts, columns = [], []
            for _ in range(args.loads):
                page, first, every = open_board(browser, server, state)
                firsts.append(first)
                columns.append(every)
                page.context.close()
            print(f"first card painted: median {statistics.median(firsts):.0f} ms "
                  f"(min {min(firsts):.0f}, max {max(firsts):.0f}); every column's first page: "
                  f"median {statistics.median(columns):.0f} ms")
            page, _, _ = open_board(browser, server, state)
            seconds, in_dom, scroll_fps = deep_scroll(page, 1000)
            print(f"one column scrolled to its 1,000th lead: {seconds:.1f} s, {in_dom} cards in the page, "
                  f"{scroll_fps:.0f} frames/s")
            page.context.close()
            page, _, _ = open_board(browser, server, state)
            fps, longest = drag_frames(page)
            print(f"drag: {fps:.0f} frames/s, longest frame {longest:.0f} ms")
            print(f"live change on an open board: median {live_latency(page, server):.0f} ms")
            browser.close()
        print(f"initial JavaScript: {initial_js(server) / 1024:.0f} kB gzip")
    finally:
        server.stop()
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
