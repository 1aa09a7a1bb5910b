"""Command palette benchmark: what finding anything costs the web UI, three list requests or one search.
Not a test; results go to docs/benchmarks.md.

    .venv/bin/python bench/palette.py [--url postgresql+asyncpg://postgres@127.0.0.1:5432/kanbo_bench_palette]
                                      [--leads 10000] [--repeat 100] [--limit 5]

The account is filled by ``kanbo demo``'s filler (10,000 leads, contacts with a phone and an email, 1,000
companies). For each text the palette may be given (a name, a phone in a national form, an email's
beginning) it times, through the in-process API, ``--repeat`` times after a warm-up:

- *three lists*: ``GET /api/v4/{leads,contacts,companies}?query=…&limit=…`` one after the other, and
  the same three sent at once (as a browser would, ``asyncio.gather``);
- *one search*: ``GET /api/v4/search?query=…&limit=…``;

and counts the SQL statements and response bytes of each. ``--url`` names a PostgreSQL database that is
dropped and created; the default is a temporary SQLite file.
"""

from __future__ import annotations

import argparse
import asyncio
from functools import partial
from typing import Any
from urllib.parse import quote

import httpx
from common import database_url, filled, timed
from sqlalchemy import event

KINDS = ("leads", "contacts", "companies")


async def fetch(api: httpx.AsyncClient, headers: Any, path: str) -> tuple[int, int]:
    """(status, bytes) of one GET."""
    response = await api.get(path, headers=headers)
    assert response.status_code in (200, 204), (path, response.status_code, response.text[:300])
    return response.status_code, len(response.content)


async def three_lists(api: httpx.AsyncClient, headers: Any, text: str, limit: int, *, at_once: bool) -> int:
    paths = [f"/api/v4/{kind}?query={quote(text)}&limit={limit}" for kind in KINDS]
    if at_once:
        answers = await asyncio.gather(*(fetch(api, headers, path) for path in paths))
    else:
        answers = [await fetch(api, headers, path) for path in paths]
    return sum(size for _, size in answers)


async def one_search(api: httpx.AsyncClient, headers: Any, text: str, limit: int) -> int:
    return (await fetch(api, headers, f"/api/v4/search?query={quote(text)}&limit={limit}"))[1]


async def main(url: str, leads: int, repeat: int, limit: int) -> None:
    async with filled(url, leads) as bench:
        headers = bench.tenant.headers
        texts = [("a name", "García"), ("a phone, national form", "(555) 000-1234"),
                 ("an email's beginning", "ana.12")]
        ways = [("three lists, one after the other", partial(three_lists, at_once=False)),
                ("three lists at once", partial(three_lists, at_once=True)),
                ("one search", one_search)]
        print("| text | way | p50 / p95 | statements | bytes |")
        print("|---|---|---|---|---|")
        for label, text in texts:
            for way, work in ways:
                statements: list[str] = []

                def count(*args: Any, into: list[str] = statements) -> None:
                    into.append(args[2])

                event.listen(bench.db.engine.sync_engine, "before_cursor_execute", count)
                size = await work(bench.api, headers, text, limit)
                event.remove(bench.db.engine.sync_engine, "before_cursor_execute", count)
                p50, p95, _ = await timed(partial(work, bench.api, headers, text, limit), repeat)
                print(f"| {label} `{text}` | {way} | {p50:.1f} / {p95:.1f} ms | {len(statements)} | {size:,} |")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default="")
    parser.add_argument("--leads", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=100)
    parser.add_argument("--limit", type=int, default=5)
    args = parser.parse_args()
    asyncio.run(main(database_url(args.url, "palette"), args.leads, args.repeat, args.limit))
