"""Phone look-up benchmark (issue 9): every form of the phone rule against an account of 100,000 contacts.
Not a test; results go to docs/benchmarks.md.

    .venv/bin/python bench/phones.py [--url sqlite+aiosqlite:////tmp/phones.db] [--contacts 100000]
                                     [--repeat 100] [--plans]

The account (country US) gets ``--contacts`` contacts, each with one phone and one email, in bulk inserts
of 5,000 rows; the phones are written in mixed formats and countries and indexed by the service layer's
own ``index_rows`` (the same normalisation and keys as an API write). Two known contacts are added last:
``+7 912 345-67-89`` and ``(555) 123-4567``. Each form is then timed, ``--repeat`` times after a warm-up:
the rule's look-up alone (``find_by_identity``: what calls and duplicate control run; its one statement
and the whole call with its read transaction), ``GET /api/v4/contacts?query=`` and
``GET /api/v4/contacts?filter[custom_fields_values][PHONE_ID][]=`` through the in-process API.
PostgreSQL gets an ``ANALYZE`` after the fill (autovacuum would run it soon after such an insert); SQLite
gets none: the look-ups do not depend on statistics. ``--plans`` prints the plans of the look-ups.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import tempfile
import time
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("KANBO_WORKER_IN_PROCESS", "false")
os.environ.setdefault("KANBO_RATE_LIMIT_RPS", "0")
os.environ.setdefault("KANBO_ARGON2_PROFILE", "test")

import httpx
from common import StatementClock, timed
from sqlalchemy import event, func, insert, select, text

from kanbo.core.db import Database, bind_account
from kanbo.custom_fields.index import find_by_identity, index_rows
from kanbo.custom_fields.values import load_catalog
from kanbo.models.accounts import Account
from kanbo.models.custom_fields import FieldValue
from kanbo.models.entities import Contact
from kanbo.models.users import User

BATCH = 5000
TARGETS = {"ru": "+7 912 345-67-89", "us": "(555) 123-4567"}
FORMS = [  # (label, written form, the target it must find)
    ("exact E.164", "+79123456789", "ru"),
    ("digits without +", "79123456789", "ru"),
    ("00 prefix", "0079123456789", "ru"),
    ("810 prefix", "81079123456789", "ru"),
    ("national (US account)", "(555) 123-4567", "us"),
    ("suffix, 7 digits", "345-67-89", "ru"),
    ("suffix, 10 digits", "912 345 67 89", "ru"),
]


def random_phone(rng: random.Random) -> str:
    """A phone as people write them: several countries, with and without the country code."""
    kind = rng.randrange(6)
    if kind == 0:
        return f"+1 ({rng.randrange(201, 990)}) {rng.randrange(200, 999)}-{rng.randrange(10000):04d}"
    if kind == 1:
        return f"{rng.randrange(201, 990)}.{rng.randrange(200, 999)}.{rng.randrange(10000):04d}"
    if kind == 2:
        return f"+7 9{rng.randrange(100):02d} {rng.randrange(1000):03d}-{rng.randrange(100):02d}-" \
               f"{rng.randrange(100):02d}"
    if kind == 3:
        return f"8 (9{rng.randrange(100):02d}) {rng.randrange(1000):03d} {rng.randrange(10000):04d}"  # RU national
    if kind == 4:
        return f"+44 20 {rng.randrange(7000, 8999)} {rng.randrange(10000):04d}"
    return f"+49 30 {rng.randrange(10**7, 10**8)}"


async def fill(db: Database, account_id: int, count: int, seed: int = 11) -> dict[str, int]:
    """``count`` contacts with a phone and an email each, then the two targets; their ids by target."""
    rng = random.Random(seed)
    stamp = int(time.time())
    async with db.transaction() as session:
        bind_account(session, account_id)
        catalog = await load_catalog(session, "contacts")
        phone, email = catalog.by_code["PHONE"], catalog.by_code["EMAIL"]
        work, work_email = catalog.enums[phone.id][0].id, catalog.enums[email.id][0].id
        user = await session.scalar(select(User.id))
        start = int(await session.scalar(select(func.coalesce(func.max(Contact.id), 0))) or 0) + 1
        numbers = [random_phone(rng) for _ in range(count)] + list(TARGETS.values())
        for offset in range(0, len(numbers), BATCH):
            contacts: list[dict[str, Any]] = []
            values: list[dict[str, Any]] = []
            for i in range(offset, min(len(numbers), offset + BATCH)):
                stored = [{"field_id": phone.id, "values": [{"value": numbers[i], "enum_id": work}]},
                          {"field_id": email.id, "values": [{"value": f"c{i}@example.com", "enum_id": work_email}]}]
                contacts.append({"id": start + i, "account_id": account_id, "name": f"Contact {i}",
                                 "first_name": "Contact", "last_name": str(i), "responsible_user_id": user,
                                 "created_by": 0, "updated_by": 0, "created_at": stamp, "updated_at": stamp,
                                 "is_deleted": False, "is_unsorted": False, "custom_fields": stored})
                values += index_rows(catalog, account_id, start + i, stored)
            await session.execute(insert(Contact), contacts)
            await session.execute(insert(FieldValue), values)
        if db.dialect == "postgresql":
            for table in ("contacts", "field_values"):
                await session.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"))
    if db.dialect == "postgresql":
        async with db.engine.connect() as connection:
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            await connection.exec_driver_sql("ANALYZE")
    return {name: start + count + k for k, name in enumerate(TARGETS)}


async def plans(db: Database, account_id: int, phone_field: int, api: httpx.AsyncClient, headers: Any) -> None:
    """Print the plans of the statements that touch ``phone_rev`` for one look-up of each kind."""
    captured: list[tuple[str, Any]] = []

    def record(conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any) -> None:
        if "phone_rev" in statement:
            captured.append((statement, parameters))

    event.listen(db.engine.sync_engine, "before_cursor_execute", record)
    try:
        async with db.transaction(write=False) as session:
            bind_account(session, account_id)
            await find_by_identity(session, phones=["912 345 67 89"], emails=[], country="US")
        await api.get(f"/api/v4/contacts?filter[custom_fields_values][{phone_field}][]=79123456789", headers=headers)
        await api.get("/api/v4/contacts?query=345-67-89", headers=headers)
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", record)
    async with db.engine.connect() as connection:
        for statement, parameters in captured:
            prefix = "EXPLAIN QUERY PLAN " if db.dialect == "sqlite" else "EXPLAIN ANALYZE "
            rows = (await connection.exec_driver_sql(prefix + statement, parameters)).all()
            print("\n".join(str(row[-1]) for row in rows), end="\n\n")


async def main(url: str, count: int, repeat: int, show_plans: bool) -> None:
    from tests.support.factories import make_tenant

    from kanbo.app import create_app
    from kanbo.core import migrate

    await asyncio.to_thread(migrate.upgrade, url)
    app = create_app(url)
    async with app.router.lifespan_context(app):
        db: Database = app.state.db  # type: ignore[attr-defined]
        tenant = await make_tenant(db)
        async with db.transaction() as session:
            account = await session.get(Account, tenant.id)
            assert account is not None
            account.country = "US"
        started = time.monotonic()
        targets = await fill(db, tenant.id, count)
        print(f"{db.dialect}: {count:,} contacts (+2 targets) with a phone and an email in "
              f"{time.monotonic() - started:.1f} s")
        async with db.transaction(write=False) as session:
            bind_account(session, tenant.id)
            phone_field = (await load_catalog(session, "contacts")).by_code["PHONE"].id

        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as api:
            if show_plans:
                await plans(db, tenant.id, phone_field, api, tenant.headers)
            print("| form | written | statement p50 | look-up p50 / p95 | GET ?query= p50 / p95 "
                  "| GET ?filter p50 / p95 | matches |")
            print("|---|---|---|---|---|---|---|")
            for label, written, target in FORMS:
                by_filter = f"filter[custom_fields_values][{phone_field}][]={quote(written)}"
                with StatementClock(db, "phone_rev") as clock:
                    l50, l95, found = await timed(partial(lookup, db, tenant.id, written), repeat)
                q50, q95, by_query = await timed(partial(listing, api, tenant.headers, f"query={quote(written)}"),
                                                 repeat)
                f50, f95, filtered = await timed(partial(listing, api, tenant.headers, by_filter), repeat)
                wanted = targets[target]
                assert ("contacts", wanted) in found and wanted in by_query and wanted in filtered, label
                print(f"| {label} | `{written}` | {clock.median():.2f} ms | {l50:.2f} / {l95:.2f} ms "
                      f"| {q50:.1f} / {q95:.1f} ms "
                      f"| {f50:.1f} / {f95:.1f} ms | {len(found)} |")
            n50, n95, named = await timed(partial(listing, api, tenant.headers, "query=Contact%2099999"), repeat)
            print(f"For comparison, a name search (`query=Contact 99999`, a substring of every name): "
                  f"{n50:.1f} / {n95:.1f} ms, {len(named)} found")


async def lookup(db: Database, account_id: int, written: str) -> list[tuple[str, int]]:
    """The rule's look-up alone, in its own read transaction (as calls and duplicate control run it)."""
    async with db.transaction(write=False) as session:
        bind_account(session, account_id)
        return await find_by_identity(session, phones=[written], emails=[], country="US")


async def listing(api: httpx.AsyncClient, headers: Any, query: str) -> list[int]:
    response = await api.get(f"/api/v4/contacts?{query}&limit=250", headers=headers)
    assert response.status_code in (200, 204), response.text
    return [c["id"] for c in response.json()["_embedded"]["contacts"]] if response.status_code == 200 else []

if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default="")
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=100)
    parser.add_argument("--plans", action="store_true", help="print the query plans of the look-ups")
    args = parser.parse_args()
    url = args.url or f"sqlite+aiosqlite:///{tempfile.mkdtemp()}/phones.db"
    asyncio.run(main(url, args.contacts, args.repeat, args.plans))
