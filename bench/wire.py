"""The typed wire's cost (issue 10 §1): list, get and batch create, before and after, in the same run.
Not a test; results go to docs/benchmarks.md.

    .venv/bin/python bench/wire.py --before 320c4e3 [--url postgresql+asyncpg://postgres@127.0.0.1:5432/kanbo_bench_wire]
                                   [--rounds 3] [--repeat 40]

``--before REV`` checks the revision out into a temporary git worktree; each round then runs the
measurement once with that revision's ``src`` and once with this checkout's (alternating, so that
both see the same machine load), each time on a freshly migrated database (a temporary SQLite file by
default; with ``--url`` a PostgreSQL database of that name, dropped and created). A measurement (the
``--child`` mode) creates an account with an admin token, adds two custom fields, and times through
the in-process API, ``--repeat`` times after a warm-up:

- *batch create*: ``POST /api/v4/leads`` with 50 leads (name, price, a tag, two custom field values);
- *list*: ``GET /api/v4/leads?limit=250&with=contacts`` over the leads created so far (250 on a page);
- *get*: ``GET /api/v4/leads/{id}``.

It prints p50 / p95 in milliseconds per operation and revision.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from fresh_db import recreate_postgres

ROOT = Path(__file__).resolve().parents[1]


# The measurement (runs with the revision's src first on sys.path) -----------------------------------

async def measure(url: str, repeat: int) -> dict[str, list[float]]:
    import httpx

    from kanbo.accounts.service import create_account
    from kanbo.app import create_app
    from kanbo.auth.service import create_long_lived_token
    from kanbo.core import migrate

    await migrate.upgrade_async(url)
    app = create_app(url)
    timings: dict[str, list[float]] = {"batch create": [], "list": [], "get": []}
    async with app.router.lifespan_context(app):
        db = app.state.db
        subdomain = "b" + uuid.uuid4().hex[:10]
        async with db.transaction() as session:
            created = await create_account(session, subdomain=subdomain, name="Bench",
                                           admin_email=f"admin@{subdomain}.test", admin_password="bench-pass-1",
                                           admin_name="Admin", language="en")
            token, _ = await create_long_lived_token(session, user=created.admin, integration=None, days=1,
                                                     api_domain="127.0.0.1:8000")
        headers = {"Authorization": f"Bearer {token}"}
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as http:
            fields = await http.post("/api/v4/leads/custom_fields", headers=headers, json=[
                {"name": "Budget", "type": "numeric"},
                {"name": "Source", "type": "select", "enums": [{"value": "Web"}, {"value": "Phone"}]}])
            fields.raise_for_status()
            numeric, select = fields.json()["_embedded"]["custom_fields"]
            enum_id = select["enums"][0]["id"] if select.get("enums") else None
            if enum_id is None:
                enum_id = (await http.get(f"/api/v4/leads/custom_fields/{select['id']}",
                                          headers=headers)).json()["enums"][0]["id"]

            def batch(round_: int) -> list[dict[str, Any]]:
                return [{"name": f"Lead {round_}-{i}", "price": 1000 + i, "request_id": str(i),
                         "_embedded": {"tags": [{"name": "bench"}]},
                         "custom_fields_values": [
                             {"field_id": numeric["id"], "values": [{"value": str(i)}]},
                             {"field_id": select["id"], "values": [{"enum_id": enum_id}]}]}
                        for i in range(50)]

            async def timed(name: str, method: str, path: str, **kwargs: Any) -> httpx.Response:
                started = time.perf_counter()
                response = await http.request(method, path, headers=headers, **kwargs)
                timings[name].append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, (path, response.status_code, response.text[:300])
                return response

            for round_ in range(6):  # warm-up and 300 leads to list
                await timed("batch create", "POST", "/api/v4/leads", json=batch(round_))
            lead_id = (await http.get("/api/v4/leads?limit=1", headers=headers)).json()["_embedded"]["leads"][0]["id"]
            for name, method, path in (("list", "GET", "/api/v4/leads?limit=250&with=contacts"),
                                       ("get", "GET", f"/api/v4/leads/{lead_id}")):
                await timed(name, method, path)
            for values in timings.values():
                values.clear()
            for round_ in range(repeat):
                await timed("batch create", "POST", "/api/v4/leads", json=batch(100 + round_))
                await timed("list", "GET", "/api/v4/leads?limit=250&with=contacts")
                await timed("get", "GET", f"/api/v4/leads/{lead_id}")
    return timings


# The comparison ------------------------------------------------------------------------------------

def fresh_database(url: str | None, workdir: Path, label: str) -> str:
    if url is None:
        return f"sqlite+aiosqlite:///{workdir / (label + '.db')}"
    from sqlalchemy.engine import make_url

    target = make_url(url)
    fresh = target.set(database=f"{target.database}_{label}").render_as_string(hide_password=False)
    recreate_postgres(fresh)
    return fresh


def run_child(src: Path, url: str, repeat: int) -> dict[str, list[float]]:
    env = {**os.environ, "PYTHONPATH": str(src), "KANBO_DATABASE_URL": url, "KANBO_WORKER_IN_PROCESS": "false",
           "KANBO_RATE_LIMIT_RPS": "0", "KANBO_SESSION_RATE_LIMIT_RPS": "0", "KANBO_ARGON2_PROFILE": "test"}
    out = subprocess.run([sys.executable, __file__, "--child", "--url", url, "--repeat", str(repeat)],
                         env=env, check=True, capture_output=True, text=True, cwd=str(src.parent))
    result: dict[str, list[float]] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def summary(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return f"{statistics.median(ordered):.1f} / {p95:.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--before", help="the revision to compare with (a git commit)")
    parser.add_argument("--url", help="a PostgreSQL URL (its database name is the prefix of the bench databases)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(asyncio.run(measure(args.url, args.repeat))))
        return
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        trees = {"after": ROOT / "src"}
        if args.before:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(workdir / "before"),
                            args.before], check=True, capture_output=True)
            trees = {"before": workdir / "before" / "src", **trees}
        results: dict[str, dict[str, list[float]]] = {label: {} for label in trees}
        try:
            for round_ in range(args.rounds):
                for label, src in trees.items():
                    url = fresh_database(args.url, workdir, f"{label}{round_}")
                    for name, values in run_child(src, url, args.repeat).items():
                        results[label].setdefault(name, []).extend(values)
        finally:
            if args.before:
                subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(workdir / "before")],
                               check=False, capture_output=True)
        names = list(next(iter(results.values())))
        print("| operation | " + " | ".join(f"{label} p50 / p95 ms" for label in results) + " |")
        print("|---|" + "---|" * len(results))
        for name in names:
            print(f"| {name} | " + " | ".join(summary(results[label][name]) for label in results) + " |")


if __name__ == "__main__":
    main()
