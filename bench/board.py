"""Board summary benchmark: ``GET /api/v4/leads/pipelines/{id}/summary`` over 10,000 leads in one pipeline.
Not a test; results go to docs/benchmarks.md.

    .venv/bin/python bench/board.py [--url postgresql+asyncpg://postgres@127.0.0.1:5432/kanbo_bench_board]
                                    [--leads 10000] [--repeat 100] [--plans]

The account is filled by ``kanbo demo``'s filler (:func:`kanbo.seed.fill`): every lead in the one pipeline,
spread over its six stages and five users. Each case is timed ``--repeat`` times after a warm-up through
the in-process API (authentication, the pipeline, the field catalog, the one ``GROUP BY``), and the
``GROUP BY`` statement alone at the driver. For comparison: the first page (50) of one board column,
``GET /api/v4/leads?filter[statuses][0][…]``. ``--url`` names a PostgreSQL database that is dropped and
created; the default is a temporary SQLite file. PostgreSQL gets an ``ANALYZE`` after the fill.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from functools import partial

from common import StatementClock, database_url, explain, filled, get_json, timed


async def main(url: str, leads: int, repeat: int, show_plans: bool) -> None:
    async with filled(url, leads) as bench:
        admin = bench.tenant.headers
        pipelines = await get_json(bench.api, admin, "/api/v4/leads/pipelines")
        pipeline = pipelines["_embedded"]["pipelines"][0]
        stage = pipeline["_embedded"]["statuses"][1]["id"]
        board = f"/api/v4/leads/pipelines/{pipeline['id']}/summary"
        month_ago = int(time.time()) - 30 * 86400
        seller, own = bench.users[1], bench.users[0]
        cases = [
            ("whole board", admin, board),
            ("one responsible user", admin, f"{board}?filter[responsible_user_id]={seller.id}"),
            ("created in the last 30 days", admin, f"{board}?filter[created_at][from]={month_ago}"),
            ("price range", admin, f"{board}?filter[price][from]=20000&filter[price][to]=30000"),
            ("query=Consulting (names: a scan)", admin, f"{board}?query=Consulting"),
            ("user who sees only own leads", own.headers, board),
        ]
        print("| case | `GROUP BY` statement p50 | request p50 / p95 | leads counted |")
        print("|---|---|---|---|")
        for label, headers, path in cases:
            with StatementClock(bench.db, "GROUP BY") as clock:
                p50, p95, body = await timed(partial(get_json, bench.api, headers, path), repeat)
            print(f"| {label} | {clock.median():.2f} ms | {p50:.1f} / {p95:.1f} ms | {body['count']:,} |")
            if show_plans:
                print("\n" + await explain(bench.db, *clock.statements[-1]) + "\n")
        column = (f"/api/v4/leads?filter[statuses][0][pipeline_id]={pipeline['id']}"
                  f"&filter[statuses][0][status_id]={stage}&limit=50")
        p50, p95, _ = await timed(partial(get_json, bench.api, admin, column), repeat)
        print(f"For comparison, one column's first page (50 leads): {p50:.1f} / {p95:.1f} ms")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default="")
    parser.add_argument("--leads", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=100)
    parser.add_argument("--plans", action="store_true", help="print the plan of each GROUP BY")
    args = parser.parse_args()
    asyncio.run(main(database_url(args.url, "board"), args.leads, args.repeat, args.plans))
