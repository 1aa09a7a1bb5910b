"""Phone look-ups are index look-ups on both databases, in a fixed number of statements.

Every statement that reads ``phone_rev`` during ``query=``, the PHONE filter, a call, an incoming lead and
a complex add is explained with its own parameters. SQLite (no statistics: a new database) must search
``field_values`` through ``ix_field_values_phone`` (ranges by both bounds) and by primary key only, and
contacts by key only.
PostgreSQL, after ``ANALYZE`` of an account with a few thousand phones and with sequential scans
disabled, must use ``ix_field_values_phone`` with ``phone_rev`` in its index condition, and read
``field_values`` only through an index condition on a key column (its plans for the contacts at 100,000
rows are in docs/benchmarks.md).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from sqlalchemy import event, insert

from kanbo.custom_fields.phones import phone_key
from kanbo.custom_fields.values import find_by_identity
from kanbo.models.custom_fields import FieldValue
from tests.custom_fields.helpers import account_session, set_country
from tests.entities.helpers import create, email, phone
from tests.support.factories import make_tenant
from tests.support.sql import count_statements
from tests.unsorted.helpers import form

FILLER = 3000
_NODE = re.compile(r"(Seq Scan|Index Scan|Index Only Scan|Bitmap Heap Scan|Bitmap Index Scan)"
                   r"(?: Backward)?(?: using (\S+))? on (\S+)")


async def _fill(tenant: Any, field_id: int) -> None:
    """Phones of other contacts, so that PostgreSQL's statistics see a selective ``phone_rev``."""
    rows = []
    for i in range(FILLER):
        text = f"+3069{i:07d}"
        rows.append({"account_id": tenant.id, "entity_type": "contacts", "entity_id": 10_000_000 + i,
                     "field_id": field_id, "enum_id": None, "text": text, "number": None, "kind": "phone",
                     "phone_rev": phone_key(text)})
    async with account_session(tenant) as session:
        await session.execute(insert(FieldValue), rows)


async def _explain(db: Any, statement: str, parameters: Any) -> list[str]:
    async with db.engine.connect() as connection:
        if db.dialect == "sqlite":
            rows = await connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
            return [str(row[-1]) for row in rows]
        await connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
        return [str(row[0]) for row in await connection.exec_driver_sql("EXPLAIN " + statement, parameters)]


def _sqlite_problems(plan: list[str]) -> list[str]:
    problems = [line for line in plan if line.startswith("SCAN ") and line != "SCAN CONSTANT ROW"]  # read whole
    for line in plan:
        if line.startswith("SEARCH field_values") and "ix_field_values_phone" not in line \
                and "PRIMARY KEY" not in line and "ix_field_values_kind" not in line \
                and "ix_field_values_search (account_id=? AND entity_type=? AND text>? AND text<?)" not in line:
            problems.append(line)  # the phone index, the primary key, the email and text-prefix indexes
        if line.startswith(("SEARCH contacts", "SEARCH companies")) and "rowid=?" not in line:
            problems.append(line)
        for column in ("phone_rev", "text"):  # a prefix range is searched by both of its bounds
            if f"{column}>?" in line and f"{column}<?" not in line:
                problems.append(line)
    if not any("ix_field_values_phone (account_id=? AND phone_rev" in line for line in plan):
        problems.append("ix_field_values_phone is not searched by phone_rev")
    return problems


def _postgresql_problems(plan: list[str]) -> list[str]:
    problems = []
    for position, line in enumerate(plan):
        node = _NODE.search(line)
        if node is None:
            continue
        kind, index, table = node.groups()
        if table != "field_values":  # a test account's few contacts may well be read whole: bench/phones.py
            continue
        if kind == "Seq Scan":
            problems.append(line.strip())
            continue
        if kind == "Bitmap Heap Scan":
            continue  # its Bitmap Index Scans are checked
        depth = len(line) - len(line.lstrip())
        details = []
        for following in plan[position + 1:]:
            if len(following) - len(following.lstrip()) <= depth or "->" in following:
                break
            details.append(following.strip())
        condition = next((d for d in details if d.startswith("Index Cond:")), "")
        keyed = "phone_rev" in condition if index == "ix_field_values_phone" else \
            re.search(r"\b(id|entity_id|kind|text)\b", condition.replace("account_id", "")) is not None
        if not keyed:
            problems.append(f"{line.strip()} [{condition or 'no Index Cond'}]")
    if not any("ix_field_values_phone" in line for line in plan):
        problems.append("ix_field_values_phone is not used")
    return problems


async def test_every_phone_look_up_is_an_index_look_up(client, db):
    # Numbers no other test writes: the statistics see them as rare, as one account's numbers are.
    tenant = await make_tenant(db)
    await set_country(tenant, "US")
    (contact,) = await create(client, tenant, "contacts", [{"name": "Ivan", "custom_fields_values": [
        phone("+7 913 864-20-75")]}])
    fields = (await client.get("/api/v4/contacts/custom_fields", headers=tenant.headers)).json()
    field_id = next(f["id"] for f in fields["_embedded"]["custom_fields"] if f["code"] == "PHONE")
    await _fill(tenant, field_id)
    if db.dialect == "postgresql":
        async with db.engine.connect() as connection:
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            await connection.exec_driver_sql("ANALYZE field_values")
            await connection.exec_driver_sql("ANALYZE contacts")

    captured: list[tuple[str, Any]] = []

    def record(conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any) -> None:
        if "phone_rev" in statement and not statement.lstrip().upper().startswith("INSERT"):
            captured.append((statement, parameters))

    event.listen(db.engine.sync_engine, "before_cursor_execute", record)
    try:
        by_filter = f"filter[custom_fields_values][{field_id}][]=0079138642075"
        for query in ("query=79138642075", "query=864-20-75", by_filter):
            response = await client.get(f"/api/v4/contacts?{query}", headers=tenant.headers)
            assert [c["id"] for c in response.json()["_embedded"]["contacts"]] == [contact], query
        call = {"direction": "inbound", "phone": "913 864 20 75", "duration": 1, "source": "pbx"}
        assert (await client.post("/api/v4/calls", headers=tenant.headers, json=[call])).status_code == 200
        incoming = form(_embedded={"leads": [{"name": "Web"}], "contacts": [{"name": "V", "custom_fields_values": [
            phone("81079138642075"), email("ivan.plans@example.com")]}]})
        assert (await client.post("/api/v4/leads/unsorted/forms", headers=tenant.headers,
                                  json=[incoming])).status_code == 200
        deal = {"name": "Deal", "_embedded": {"contacts": [{"name": "C", "custom_fields_values": [phone(
            "(913) 864-20-75")]}]}}
        added = await client.post("/api/v4/leads/complex?duplicate_control=true", headers=tenant.headers, json=[deal])
        assert added.json()[0]["contact_id"] == contact
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", record)

    assert len(captured) >= 6
    judge = _sqlite_problems if db.dialect == "sqlite" else _postgresql_problems
    problems = {}
    for statement, parameters in captured:
        plan = await _explain(db, statement, parameters)
        if found := judge(plan):
            problems[statement] = (found, plan)
    assert problems == {}, "\n\n".join(f"{statement}\n{found}\n" + "\n".join(plan)
                                        for statement, (found, plan) in problems.items())


async def _statements(client: Any, db: Any, tenant: Any, path: str, expected: int) -> int:
    with count_statements(db) as statements:
        response = await client.get(path, headers=tenant.headers)
    assert response.status_code == 200, response.text
    assert len(response.json()["_embedded"]["contacts"]) == expected
    return len(statements)


async def test_phone_search_runs_as_many_statements_for_one_match_as_for_many(client, db):
    counts: dict[str, list[int]] = {"query": [], "filter": []}
    for matches in (1, 6):
        tenant = await make_tenant(db)
        await set_country(tenant, "US")
        # Six countries, one end: every number ends with 345-67-89.
        numbers = ["+7 912 345-67-89", "+1 212 345 6789", "+44 20 7345 6789", "+49 30 2345 6789",
                   "+33 1 23 45 67 89", "+91 98 7345 6789"][:matches]
        await create(client, tenant, "contacts", [{"name": f"C{i}", "custom_fields_values": [phone(number)]}
                                                  for i, number in enumerate(numbers)])
        fields = (await client.get("/api/v4/contacts/custom_fields", headers=tenant.headers)).json()
        field_id = next(f["id"] for f in fields["_embedded"]["custom_fields"] if f["code"] == "PHONE")
        counts["query"].append(await _statements(client, db, tenant, "/api/v4/contacts?query=345-67-89", matches))
        counts["filter"].append(await _statements(
            client, db, tenant, f"/api/v4/contacts?filter[custom_fields_values][{field_id}][]={quote('345 67 89')}",
            matches))
    assert counts["query"][0] == counts["query"][1] and counts["filter"][0] == counts["filter"][1], counts


async def test_find_by_identity_is_one_statement(db, tenant):
    async with account_session(tenant) as session:
        with count_statements(db) as statements:
            await find_by_identity(session, phones=["+7 912 345-67-89", "345-67-89", "0079"], emails=["a@b.io"],
                                   country="US")
    assert len(statements) == 1
