"""The library entity services call: parse_tag_ops, apply_tag_ops, tags_for, tag_filter_clause."""

from __future__ import annotations

from sqlalchemy import select

from kanbo.core.db import bind_account
from kanbo.core.errors import Errors, ValidationFailed
from kanbo.models.entities import Contact
from kanbo.models.tags import Tag
from kanbo.tags.service import (
    TagOps,
    apply_tag_ops,
    delete_entity_tags,
    parse_tag_ops,
    tag_filter_clause,
    tags_for,
)
from tests.support.factories import make_tenant
from tests.tags.helpers import count_statements, make_contacts, principal, tag_contacts


def paths(errors: Errors) -> dict[str, list[str]]:
    try:
        errors.raise_if_any()
    except ValidationFailed as failed:
        return {item.request_id: [e.path for e in item.errors] for item in failed.items}
    return {}


async def names_of(tenant, contact_ids: list[int]) -> dict[int, list[str]]:
    async with tenant.db.transaction() as session:
        bind_account(session, tenant.id)
        found = await tags_for(session, "contacts", contact_ids)
    return {cid: [t["name"] for t in tags] for cid, tags in found.items()}


async def all_tags(tenant, entity_type: str = "contacts") -> dict[str, Tag]:
    async with tenant.db.transaction() as session:
        bind_account(session, tenant.id)
        return {t.name: t for t in await session.scalars(select(Tag).where(Tag.entity_type == entity_type))}


# parse_tag_ops ---------------------------------------------------------------------------------

def test_parse_nothing_given():
    errors = Errors()
    assert parse_tag_ops({"name": "x"}, errors, "0") is None
    assert parse_tag_ops({"_embedded": {}}, errors, "0") is None
    assert parse_tag_ops({"_embedded": {"contacts": []}, "tags_to_add": None}, errors, "0") is None
    assert not errors


def test_parse_replace_add_remove():
    errors = Errors()
    ops = parse_tag_ops({
        "_embedded": {"tags": [{"id": 5.0}, {"name": " VIP "}, {"id": "7", "name": "echo", "color": "EBEBEB"}]},
        "tags_to_add": [{"name": "new"}],
        "tags_to_delete": [{"id": 9}],
    }, errors, "0")
    assert not errors
    assert ops == TagOps(replace=[{"id": 5}, {"name": "VIP"}, {"id": 7}], add=[{"name": "new"}], remove=[{"id": 9}])


def test_parse_liberal_forms():
    errors = Errors()
    ops = parse_tag_ops({"tags_to_add": ["VIP", 12], "tags_to_delete": {"name": "Old"}}, errors, "0")
    assert not errors
    assert ops == TagOps(add=[{"name": "VIP"}, {"id": 12}], remove=[{"name": "Old"}])
    form = parse_tag_ops({"_embedded": {"tags": [{"id": "3"}]}}, errors, "0")  # form bodies carry strings
    assert form == TagOps(replace=[{"id": 3}]) and not errors


def test_parse_null_tags_clears():
    errors = Errors()
    ops = parse_tag_ops({"_embedded": {"tags": None}}, errors, "0")
    assert ops == TagOps(replace=[]) and not errors
    assert parse_tag_ops({"_embedded": {"tags": []}}, errors, "0") == TagOps(replace=[])


def test_parse_errors_have_paths():
    errors = Errors()
    parse_tag_ops({"_embedded": {"tags": [{"id": "abc"}, {"id": 1.5}, {}]},
                   "tags_to_add": [{"name": "ok"}, {"name": ""}, {"name": "x" * 256}],
                   "tags_to_delete": "VIP"}, errors, "r7")
    assert paths(errors) == {"r7": ["_embedded.tags.0.id", "_embedded.tags.1.id", "_embedded.tags.2",
                                    "tags_to_add.1.name", "tags_to_add.2.name", "tags_to_delete"]}


# apply_tag_ops ---------------------------------------------------------------------------------

async def test_add_by_name_creates_tags_on_the_fly(tenant):
    (cid,) = await make_contacts(tenant, 1)
    changes = await tag_contacts(tenant, {cid: TagOps(add=[{"name": "Beta"}, {"name": "alpha"}])})
    assert (await names_of(tenant, [cid]))[cid] == ["alpha", "Beta"]
    created = await all_tags(tenant)
    assert set(created) == {"Beta", "alpha"} and all(t.color is None for t in created.values())
    assert [(c.type, c.entity_type, c.entity_id, c.before, c.after) for c in changes] == [
        ("entity_tag_added", "contact", cid, [], [{"tag": {"name": "alpha"}}, {"tag": {"name": "Beta"}}]),
    ]


async def test_names_match_case_insensitively(tenant):
    first, second = await make_contacts(tenant, 2)
    await tag_contacts(tenant, {first: TagOps(add=[{"name": "VIP"}, {"name": "ÑANDÚ"}])})
    await tag_contacts(tenant, {second: TagOps(add=[{"name": "vip"}, {"name": "ñandú"}])})
    assert set(await all_tags(tenant)) == {"VIP", "ÑANDÚ"}
    assert (await names_of(tenant, [second]))[second] == ["VIP", "ÑANDÚ"]
    await tag_contacts(tenant, {second: TagOps(remove=[{"name": "Ñandú"}])})
    assert (await names_of(tenant, [second]))[second] == ["VIP"]


async def test_replace_add_remove_semantics(tenant):
    (cid,) = await make_contacts(tenant, 1)
    await tag_contacts(tenant, {cid: TagOps(replace=[{"name": "a"}, {"name": "b"}, {"name": "c"}])})
    tags = await all_tags(tenant)
    changes = await tag_contacts(tenant, {cid: TagOps(replace=[{"id": tags["a"].id}, {"name": "d"}])})
    assert (await names_of(tenant, [cid]))[cid] == ["a", "d"]
    assert [(c.type, c.before, c.after) for c in changes] == [
        ("entity_tag_added", [], [{"tag": {"name": "d"}}]),
        ("entity_tag_deleted", [{"tag": {"name": "b"}}, {"tag": {"name": "c"}}], []),
    ]
    await tag_contacts(tenant, {cid: TagOps(add=[{"name": "e"}, {"id": tags["a"].id}], remove=[{"name": "d"}])})
    assert (await names_of(tenant, [cid]))[cid] == ["a", "e"]
    # removing what is not there, or a tag that does not exist, is already done
    assert await tag_contacts(tenant, {cid: TagOps(remove=[{"name": "zzz"}, {"id": 987654321}])}) == []
    assert "zzz" not in await all_tags(tenant)
    # adding what is there changes nothing
    assert await tag_contacts(tenant, {cid: TagOps(add=[{"name": "A"}])}) == []
    changes = await tag_contacts(tenant, {cid: TagOps(replace=[])})
    assert (await names_of(tenant, [cid]))[cid] == []
    assert [(c.type, c.before) for c in changes] == [("entity_tag_deleted", [{"tag": {"name": "a"}},
                                                                             {"tag": {"name": "e"}}])]


async def test_parsed_ops_apply_end_to_end(tenant):
    (cid,) = await make_contacts(tenant, 1)
    await tag_contacts(tenant, {cid: TagOps(add=[{"name": "old"}])})
    errors = Errors()
    ops = parse_tag_ops({"_embedded": {"tags": None}, "tags_to_add": [{"name": "new"}]}, errors, "0")
    assert ops is not None
    await tag_contacts(tenant, {cid: ops})
    assert (await names_of(tenant, [cid]))[cid] == ["new"]


async def test_unknown_id_is_an_error_and_nothing_is_written(tenant):
    first, second = await make_contacts(tenant, 2)
    await tag_contacts(tenant, {first: TagOps(add=[{"name": "kept"}])})
    errors = Errors()
    async with tenant.db.transaction() as session:
        bind_account(session, tenant.id)
        ops = {first: parse_tag_ops({"_embedded": {"tags": [{"name": "fresh"}]}}, errors, "a"),
               second: parse_tag_ops({"tags_to_add": [{"name": "fresh"}, {"id": 987654321}]}, errors, "b")}
        changes = await apply_tag_ops(session, principal(tenant), "contacts",
                                      {k: v for k, v in ops.items() if v is not None}, errors,
                                      {first: "a", second: "b"})
    assert changes == []
    assert paths(errors) == {"b": ["tags_to_add.1.id"]}
    assert set(await all_tags(tenant)) == {"kept"}
    assert await names_of(tenant, [first, second]) == {first: ["kept"], second: []}


async def test_errors_already_collected_block_writes(tenant):
    (cid,) = await make_contacts(tenant, 1)
    errors = Errors()
    errors.add("0", "name", "bad")
    async with tenant.db.transaction() as session:
        bind_account(session, tenant.id)
        assert await apply_tag_ops(session, principal(tenant), "contacts", {cid: TagOps(add=[{"name": "n"}])},
                                   errors, {cid: "0"}) == []
    assert await all_tags(tenant) == {}


async def test_tag_of_another_account_or_type_is_unknown(tenant, db):
    other = await make_tenant(db)
    (theirs,) = await make_contacts(other, 1)
    await tag_contacts(other, {theirs: TagOps(add=[{"name": "Shared"}])})
    their_tag = (await all_tags(other))["Shared"]
    (cid,) = await make_contacts(tenant, 1)
    errors = Errors()
    async with tenant.db.transaction() as session:
        bind_account(session, tenant.id)
        await apply_tag_ops(session, principal(tenant), "leads", {cid: TagOps(add=[{"id": their_tag.id}])}, errors,
                            {cid: "x"})
        await apply_tag_ops(session, principal(tenant), "contacts", {cid: TagOps(replace=[{"id": their_tag.id}])},
                            errors, {cid: "x"})
    assert paths(errors) == {"x": ["tags_to_add.0.id", "_embedded.tags.0.id"]}
    await tag_contacts(tenant, {cid: TagOps(add=[{"name": "Shared"}])})
    mine = (await all_tags(tenant))["Shared"]
    assert mine.id != their_tag.id and mine.account_id == tenant.id


async def test_statement_count_does_not_grow_with_the_batch(tenant, db):
    async def run(n: int) -> list[str]:
        ids = await make_contacts(tenant, n)
        await tag_contacts(tenant, {cid: TagOps(add=[{"name": "old"}, {"name": "stays"}]) for cid in ids})
        async with tenant.db.transaction() as session:
            bind_account(session, tenant.id)
            errors = Errors()
            with count_statements(db) as statements:
                changes = await apply_tag_ops(
                    session, principal(tenant), "contacts",
                    {cid: TagOps(replace=[{"name": "stays"}, {"name": "alpha"}], add=[{"name": f"new{n}"}])
                     for cid in ids}, errors, {cid: str(i) for i, cid in enumerate(ids)})
            assert not errors
        assert len(changes) == 2 * n
        assert await names_of(tenant, ids) == {cid: ["alpha", f"new{n}", "stays"] for cid in ids}
        return statements

    one, fifty = await run(1), await run(50)
    # tags by id/name, current assignments, insert new tags, delete, insert assignments
    assert len(one) == len(fifty) == 5, (one, fifty)


async def test_tags_for(tenant):
    first, second, untagged = await make_contacts(tenant, 3)
    await tag_contacts(tenant, {first: TagOps(add=[{"name": "b"}, {"name": "C"}, {"name": "a"}]),
                                second: TagOps(add=[{"name": "a"}])})
    tags = await all_tags(tenant)
    async with tenant.db.transaction() as session:
        bind_account(session, tenant.id)
        with count_statements(tenant.db) as statements:
            found = await tags_for(session, "contact", [first, second, untagged, 987654321])
        assert await tags_for(session, "leads", [first]) == {first: []}
        assert await tags_for(session, "contacts", []) == {}
    assert len(statements) == 1
    assert found == {
        first: [{"id": tags[n].id, "name": n, "color": None} for n in ("a", "b", "C")],
        second: [{"id": tags["a"].id, "name": "a", "color": None}],
        untagged: [],
        987654321: [],
    }


async def test_tag_filter_clause(tenant, db):
    red, blue, both, none = await make_contacts(tenant, 4)
    await tag_contacts(tenant, {red: TagOps(add=[{"name": "Red"}]), blue: TagOps(add=[{"name": "Blue"}]),
                                both: TagOps(add=[{"name": "Red"}, {"name": "Blue"}]),
                                none: TagOps(add=[{"name": "2024"}])})
    other = await make_tenant(db)
    (theirs,) = await make_contacts(other, 1)
    await tag_contacts(other, {theirs: TagOps(add=[{"name": "Red"}])})
    tags = await all_tags(tenant)

    async def matching(raw) -> list[int]:
        async with tenant.db.transaction() as session:
            bind_account(session, tenant.id)
            return list(await session.scalars(
                select(Contact.id).where(tag_filter_clause("contacts", Contact.id, raw)).order_by(Contact.id)))

    assert await matching("red") == [red, both]
    assert await matching(str(tags["Blue"].id)) == [blue, both]
    assert await matching(["Blue", str(tags["Red"].id)]) == [red, blue, both]
    assert await matching({"0": "Red"}) == [red, both]
    assert await matching("2024") == [none]  # a number matches a tag id or a tag of that name
    assert await matching(f"{tags['Red'].id},{tags['Blue'].id}") == [red, blue, both]
    assert await matching("Green") == []


async def test_delete_entity_tags(tenant):
    first, second = await make_contacts(tenant, 2)
    await tag_contacts(tenant, {first: TagOps(add=[{"name": "x"}]), second: TagOps(add=[{"name": "x"}])})
    async with tenant.db.transaction() as session:
        bind_account(session, tenant.id)
        await delete_entity_tags(session, "contacts", [first])
        await delete_entity_tags(session, "contacts", [])
    assert await names_of(tenant, [first, second]) == {first: [], second: ["x"]}
    assert set(await all_tags(tenant)) == {"x"}  # the tag itself stays
