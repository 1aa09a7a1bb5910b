"""The HAL list contract, run against every resource in ``RESOURCES`` (spec §1.3, §1.4, §21)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import pytest_asyncio

from tests.contract.helpers import assert_no_content, assert_problem, relative
from tests.contract.resources import BASE, RESOURCES, Resource
from tests.support.factories import make_tenant, restricted_rights

pytestmark = pytest.mark.parametrize("resource", RESOURCES, ids=str)

# An unknown parameter with percent-encoded brackets: endpoints ignore it, links must keep it.
PROBE = "probe%5Bk%5D%5B0%5D=x%2Cy"


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def tenant(db):
    """One account for the whole module (password hashing makes accounts slow to create);
    every test computes what it expects from the account's current items."""
    return await make_tenant(db)


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def other(db):
    return await make_tenant(db)


def _query_pairs(href: str) -> list[str]:
    return [pair for pair in urlsplit(href).query.split("&") if pair]


async def _all_ids(client, tenant, resource: Resource) -> list[int]:
    response = await client.get(f"{resource.list_path}?limit=250", headers=tenant.headers)
    if response.status_code == 204:
        return []
    assert response.status_code == 200, response.text
    assert "next" not in response.json()["_links"]
    return [entry["id"] for entry in response.json()["_embedded"][resource.key]]


async def _at_least(client, tenant, resource: Resource, n: int) -> list[int]:
    """Create items until the account holds ``n``; return every id, in list order."""
    have = await _all_ids(client, tenant, resource)
    if len(have) < n:
        await resource.create(tenant, client, n - len(have))
        have = await _all_ids(client, tenant, resource)
    assert len(have) >= n
    return have


async def test_hal_shape(client, tenant, resource: Resource):
    ids = await resource.create(tenant, client, 1)
    response = await client.get(resource.list_path, headers=tenant.headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/hal+json"
    body = response.json()
    assert "status" not in body
    assert isinstance(body["_page"], int) and body["_page"] == 1
    assert body["_links"]["self"]["href"] == BASE + resource.list_path
    items = body["_embedded"][resource.key]
    assert isinstance(items, list)
    assert set(ids) <= {entry["id"] for entry in items}
    for entry in items:
        assert isinstance(entry["id"], int)
        assert entry["_links"]["self"]["href"] == BASE + resource.item_path(entry["id"])


async def test_item_by_id(client, tenant, resource: Resource):
    [item_id] = await resource.create(tenant, client, 1)
    response = await client.get(resource.item_path(item_id), headers=tenant.headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/hal+json"
    body = response.json()
    assert body["id"] == item_id
    assert body["_links"]["self"]["href"] == BASE + resource.item_path(item_id)


async def test_page_past_the_end_is_204_with_empty_body(client, tenant, resource: Resource):
    await resource.create(tenant, client, 1)
    assert_no_content(await client.get(f"{resource.list_path}?page=1000&limit=250", headers=tenant.headers))


async def test_next_link_repeats_every_parameter_and_walks_all_items(client, tenant, resource: Resource):
    expected = await _at_least(client, tenant, resource, 3)
    original = [p for p in ("limit=1", resource.extra_query, PROBE) if p]
    path = f"{resource.list_path}?{'&'.join(original)}"
    seen: list[int] = []
    page = 1
    while True:
        response = await client.get(path, headers=tenant.headers)
        assert response.status_code == 200, (path, response.text)
        body = response.json()
        assert body["_page"] == page
        [entry] = body["_embedded"][resource.key]
        seen.append(entry["id"])
        next_link = body["_links"].get("next")
        if next_link is None:
            break
        href = next_link["href"]
        pairs = _query_pairs(href)
        for pair in original:
            assert pair in pairs, (pair, href)
        assert f"page={page + 1}" in pairs
        assert sum(p.startswith("page=") for p in pairs) == 1
        path = relative(href, BASE)
        assert path.startswith(resource.list_path + "?")
        page += 1
        assert page <= len(expected) + 1, "next links never end"
    assert seen == expected
    # The last page has no next link; the page after it is empty.
    after = f"{resource.list_path}?{'&'.join([*original, f'page={page + 1}'])}"
    assert_no_content(await client.get(after, headers=tenant.headers))


async def test_first_page_of_several_has_next_and_last_has_none(client, tenant, resource: Resource):
    total = len(await _at_least(client, tenant, resource, 2))
    first = (await client.get(f"{resource.list_path}?limit=1&page=1", headers=tenant.headers)).json()
    assert first["_links"]["next"]["href"].endswith("page=2")
    last = (await client.get(f"{resource.list_path}?limit=1&page={total}", headers=tenant.headers)).json()
    assert "next" not in last["_links"]


async def test_limit_over_250_is_422(client, tenant, resource: Resource):
    body = assert_problem(await client.get(f"{resource.list_path}?limit=251", headers=tenant.headers), 422)
    assert body["detail"] == "Limit 250 per page"


@pytest.mark.parametrize("query", ["page=0", "page=abc", "limit=0"])
async def test_bad_page_or_limit_is_400(client, tenant, resource: Resource, query: str):
    assert_problem(await client.get(f"{resource.list_path}?{query}", headers=tenant.headers), 400)


async def test_unknown_with_values_are_ignored(client, tenant, resource: Resource):
    await resource.create(tenant, client, 1)
    response = await client.get(f"{resource.list_path}?with=no_such_thing%2Cnor_this", headers=tenant.headers)
    assert response.status_code == 200, response.text


async def test_other_accounts_item_is_204_like_a_missing_one(client, tenant, other, resource: Resource):
    [foreign] = await resource.create(other, client, 1)
    assert (await client.get(resource.item_path(foreign), headers=other.headers)).status_code == 200
    assert_no_content(await client.get(resource.item_path(foreign), headers=tenant.headers))
    assert_no_content(await client.get(resource.item_path(2_000_000_000), headers=tenant.headers))
    mine = await _all_ids(client, tenant, resource)
    assert foreign not in mine


async def test_without_token_is_401(client, resource: Resource):
    assert_problem(await client.get(resource.list_path), 401)
    assert_problem(await client.get(resource.list_path, headers={"Authorization": "Bearer not-a-jwt"}), 401)


async def test_user_without_rights_is_refused(client, tenant, resource: Resource):
    if resource.refused is None:
        pytest.skip(f"{resource.name} has no rights rule")  # not a missing feature: nothing to refuse
    denied = dict.fromkeys(("view", "edit", "add", "delete", "export"), "D")
    member = await tenant.add_user(name="Restricted", rights=restricted_rights(
        leads=denied, contacts=denied, companies=denied))
    assert_problem(await resource.refused(tenant, client, member), 403)
