from __future__ import annotations

import pytest

from kanbo.accounts.rights import full_rights
from tests.accounts.helpers import count_statements, make_role, relative
from tests.support.factories import make_tenant, restricted_rights

ROLE_RIGHTS_KEYS = {"leads", "contacts", "companies", "tasks", "status_rights", "catalog_rights", "mail_access",
                    "catalog_access"}
LIMITED_LEADS = {"view": "M", "edit": "M", "add": "D", "delete": "D", "export": "D"}


def errors_of(body: dict) -> dict[str, list[dict]]:
    return {item["request_id"]: item["errors"] for item in body["validation-errors"]}


async def add_role(client, tenant, name: str = "Sellers", rights: dict | None = None) -> dict:
    response = await client.post("/api/v4/roles", headers=tenant.headers,
                                 json=[{"name": name, "rights": rights or {}, "request_id": "0"}])
    assert response.status_code == 200, response.text
    return response.json()["_embedded"]["roles"][0]


async def test_add_roles_batch(client, tenant):
    response = await client.post("/api/v4/roles", headers=tenant.headers, json=[
        {"name": " Sellers ", "rights": {"leads": LIMITED_LEADS, "mail_access": False}, "request_id": "s"},
        {"name": "Managers"},
    ])
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/hal+json"
    body = response.json()
    assert "status" not in body
    sellers, managers = body["_embedded"]["roles"]
    assert (sellers["request_id"], managers["request_id"]) == ("s", "1")
    assert sellers["name"] == "Sellers" and managers["name"] == "Managers"
    assert isinstance(sellers["id"], int) and sellers["id"] != managers["id"]
    assert set(sellers["rights"]) == ROLE_RIGHTS_KEYS
    assert sellers["rights"]["leads"] == LIMITED_LEADS
    assert sellers["rights"]["mail_access"] is False
    assert managers["rights"]["leads"] == full_rights()["leads"]
    assert sellers["_links"]["self"]["href"] == f"http://127.0.0.1:8000/api/v4/roles/{sellers['id']}"
    fetched = (await client.get(f"/api/v4/roles/{sellers['id']}", headers=tenant.headers)).json()
    assert fetched["name"] == "Sellers" and fetched["rights"] == sellers["rights"]
    assert "_embedded" not in fetched


async def test_list_roles_shape_and_pagination(client, tenant):
    first = await add_role(client, tenant, "A")
    second = await add_role(client, tenant, "B")
    body = (await client.get("/api/v4/roles", headers=tenant.headers)).json()
    assert (body["_total_items"], body["_page"], body["_page_count"]) == (2, 1, 1)
    assert [r["id"] for r in body["_embedded"]["roles"]] == [first["id"], second["id"]]
    for role in body["_embedded"]["roles"]:
        assert set(role) == {"id", "name", "rights", "_links"}
    page1 = (await client.get("/api/v4/roles?limit=1", headers=tenant.headers)).json()
    assert page1["_page_count"] == 2 and [r["id"] for r in page1["_embedded"]["roles"]] == [first["id"]]
    page2 = (await client.get(relative(page1["_links"]["next"]["href"]), headers=tenant.headers)).json()
    assert [r["id"] for r in page2["_embedded"]["roles"]] == [second["id"]]
    assert "next" not in page2["_links"]


async def test_no_roles_is_204(client, tenant):
    response = await client.get("/api/v4/roles", headers=tenant.headers)
    assert response.status_code == 204 and response.content == b""


async def test_missing_or_foreign_role_is_204(client, tenant, db):
    other = await make_tenant(db)
    foreign = await make_role(other)
    for role_id in (foreign, foreign + 100000, 10**30):
        response = await client.get(f"/api/v4/roles/{role_id}", headers=tenant.headers)
        assert response.status_code == 204 and response.content == b""
    assert (await client.get("/api/v4/roles", headers=tenant.headers)).status_code == 204


async def test_with_users_embeds_full_user_objects(client, tenant):
    role = await add_role(client, tenant, "Sellers", {"leads": LIMITED_LEADS})
    empty = await add_role(client, tenant, "Nobody")
    holder = await tenant.add_user(name="Holder", role_id=role["id"])
    await tenant.add_user(name="Other")
    body = (await client.get("/api/v4/roles?with=users", headers=tenant.headers)).json()
    by_id = {r["id"]: r for r in body["_embedded"]["roles"]}
    users = by_id[role["id"]]["_embedded"]["users"]
    assert [u["id"] for u in users] == [holder.id]
    assert users[0]["email"] == holder.user.email and users[0]["name"] == "Holder"
    assert users[0]["rights"]["leads"] == LIMITED_LEADS and users[0]["rights"]["role_id"] == role["id"]
    assert users[0]["_links"]["self"]["href"].endswith(f"/api/v4/users/{holder.id}")
    assert by_id[empty["id"]]["_embedded"]["users"] == []
    one = (await client.get(f"/api/v4/roles/{role['id']}?with=users", headers=tenant.headers)).json()
    assert [u["id"] for u in one["_embedded"]["users"]] == [holder.id]


async def test_roles_list_with_users_runs_a_fixed_number_of_statements(client, tenant, db):
    for i in range(5):
        role_id = await make_role(tenant, f"R{i}")
        await tenant.add_user(role_id=role_id)
    counts = []
    for limit in (1, 5):
        with count_statements(db) as statements:
            response = await client.get(f"/api/v4/roles?limit={limit}&with=users", headers=tenant.headers)
        assert len(response.json()["_embedded"]["roles"]) == limit
        counts.append(len(statements))
    assert counts[0] == counts[1]


async def test_role_rights_apply_to_its_users(client, tenant):
    role = await add_role(client, tenant, "Sellers", {"leads": LIMITED_LEADS})
    own = restricted_rights(leads={"view": "A", "edit": "A", "add": "A", "delete": "A", "export": "A"})
    member = await tenant.add_user(rights=own, role_id=role["id"])
    body = (await client.get(f"/api/v4/users/{member.id}", headers=tenant.headers)).json()
    assert body["rights"]["leads"] == LIMITED_LEADS
    assert body["rights"]["role_id"] == role["id"]

    changed = {"view": "G", "edit": "G", "add": "A", "delete": "M", "export": "D"}
    response = await client.patch(f"/api/v4/roles/{role['id']}", headers=tenant.headers,
                                  json={"rights": {"leads": changed}})
    assert response.status_code == 200
    body = (await client.get(f"/api/v4/users/{member.id}", headers=tenant.headers)).json()
    assert body["rights"]["leads"] == changed


async def test_patch_role(client, tenant):
    role = await add_role(client, tenant, "Sellers", {"leads": LIMITED_LEADS, "contacts": {"export": "D"}})
    response = await client.patch(f"/api/v4/roles/{role['id']}", headers=tenant.headers, json={
        "id": role["id"], "name": "Closers", "rights": {"leads": {"export": "M"}}, "_links": {}, "_embedded": {},
    })
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/hal+json"
    body = response.json()
    assert body["id"] == role["id"] and body["name"] == "Closers"
    assert isinstance(body["updated_at"], int)
    assert body["rights"]["leads"] == {**LIMITED_LEADS, "export": "M"}
    assert body["rights"]["contacts"]["export"] == "D"  # untouched parts are kept
    fetched = (await client.get(f"/api/v4/roles/{role['id']}", headers=tenant.headers)).json()
    assert fetched["name"] == "Closers" and fetched["rights"] == body["rights"]

    renamed = await client.patch(f"/api/v4/roles/{role['id']}", headers=tenant.headers, json={"name": "Hunters"})
    assert renamed.json()["rights"] == body["rights"]


async def test_patch_roles_batch(client, tenant):
    first = await add_role(client, tenant, "A")
    second = await add_role(client, tenant, "B")
    response = await client.patch("/api/v4/roles", headers=tenant.headers, json=[
        {"id": first["id"], "name": "A2", "request_id": "x"},
        {"id": second["id"], "rights": {"tasks": {"delete": "D"}}},
    ])
    assert response.status_code == 200, response.text
    one, two = response.json()["_embedded"]["roles"]
    assert (one["id"], one["name"], one["request_id"]) == (first["id"], "A2", "x")
    assert (two["id"], two["request_id"], two["rights"]["tasks"]["delete"]) == (second["id"], "1", "D")
    assert isinstance(one["updated_at"], int)

    # The body's shape is checked before the database: a batch with an item without id is refused
    # naming only that item; a batch whose ids are well formed names the unknown role.
    for items, wrong in (([{"id": first["id"], "name": "A3"}, {"id": 999999999, "name": "Z"}, {"name": "no id"}],
                          {"2": ("id", "NotBlank")}),
                         ([{"id": first["id"], "name": "A3"}, {"id": 999999999, "name": "Z"}],
                          {"1": ("id", "NotFound")})):
        bad = await client.patch("/api/v4/roles", headers=tenant.headers, json=items)
        assert bad.status_code == 400
        errors = errors_of(bad.json())
        assert {rid: (e[0]["path"], e[0]["code"]) for rid, e in errors.items()} == wrong
        fetched = (await client.get(f"/api/v4/roles/{first['id']}", headers=tenant.headers)).json()
        assert fetched["name"] == "A2"  # the valid item was not applied either


async def test_patch_missing_or_foreign_role_is_404(client, tenant, db):
    other = await make_tenant(db)
    foreign = await make_role(other, "Theirs")
    for role_id in (foreign, 10**30):
        response = await client.patch(f"/api/v4/roles/{role_id}", headers=tenant.headers, json={"name": "Mine"})
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"
    fetched = (await client.get(f"/api/v4/roles/{foreign}", headers=other.headers)).json()
    assert fetched["name"] == "Theirs"


async def test_delete_role(client, tenant):
    role = await add_role(client, tenant)
    response = await client.delete(f"/api/v4/roles/{role['id']}", headers=tenant.headers)
    assert response.status_code == 204 and response.content == b""
    assert (await client.get(f"/api/v4/roles/{role['id']}", headers=tenant.headers)).status_code == 204
    again = await client.delete(f"/api/v4/roles/{role['id']}", headers=tenant.headers)
    assert again.status_code == 404


async def test_delete_role_with_users_is_refused(client, tenant):
    role = await add_role(client, tenant)
    await tenant.add_user(role_id=role["id"])
    response = await client.delete(f"/api/v4/roles/{role['id']}", headers=tenant.headers)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert "assigned" in response.json()["detail"]
    assert (await client.get(f"/api/v4/roles/{role['id']}", headers=tenant.headers)).status_code == 200


async def test_delete_foreign_role_is_404(client, tenant, db):
    other = await make_tenant(db)
    foreign = await make_role(other)
    response = await client.delete(f"/api/v4/roles/{foreign}", headers=tenant.headers)
    assert response.status_code == 404
    assert (await client.get(f"/api/v4/roles/{foreign}", headers=other.headers)).status_code == 200


async def test_members_read_roles_but_only_admins_write(client, tenant):
    role = await add_role(client, tenant)
    member = await tenant.add_user()
    assert (await client.get("/api/v4/roles", headers=member.headers)).status_code == 200
    assert (await client.get(f"/api/v4/roles/{role['id']}", headers=member.headers)).status_code == 200
    attempts = [
        client.post("/api/v4/roles", headers=member.headers, json=[{"name": "Mine"}]),
        client.patch(f"/api/v4/roles/{role['id']}", headers=member.headers, json={"name": "Mine"}),
        client.patch("/api/v4/roles", headers=member.headers, json=[{"id": role["id"], "name": "Mine"}]),
        client.delete(f"/api/v4/roles/{role['id']}", headers=member.headers),
    ]
    for attempt in attempts:
        response = await attempt
        assert response.status_code == 403
        assert response.headers["content-type"] == "application/problem+json"
    body = (await client.get("/api/v4/roles", headers=tenant.headers)).json()
    assert [r["name"] for r in body["_embedded"]["roles"]] == [role["name"]]


@pytest.mark.parametrize(("item", "path"), [
    ({"name": ""}, "name"),
    ({"name": "   "}, "name"),
    ({"rights": {}}, "name"),
    ({"name": 5}, "name"),
    ({"name": "x" * 256}, "name"),
    ({"name": "Taken"}, "name"),
    ({"name": "TAKEN"}, "name"),
    ({"name": "R", "rights": {"leads": {"view": "Z"}}}, "rights.leads.view"),
    ({"name": "R", "rights": {"leads": {"add": "G"}}}, "rights.leads.add"),
    ({"name": "R", "rights": {"leads": {"view": "D"}}}, "rights.leads.edit"),
    ({"name": "R", "rights": {"catalog_rights": [{"catalog_id": 1, "rights": ["A"]}]}},
     "rights.catalog_rights.0.rights"),
    ({"name": "R", "rights": {"status_rights": [{"pipeline_id": "x", "status_id": 1}]}},
     "rights.status_rights.0.pipeline_id"),
    ({"name": "R", "rights": {"status_rights": [{"pipeline_id": 1, "status_id": 2, "rights": {"view": "L"}}]}},
     "rights.status_rights.0.rights.view"),
    ({"name": "R", "rights": {"catalog_rights": [{"catalog_id": 1, "rights": {"view": "G"}}]}},
     "rights.catalog_rights.0.rights.view"),
])
async def test_invalid_roles_are_400(client, tenant, item, path):
    await add_role(client, tenant, "Taken")
    response = await client.post("/api/v4/roles", headers=tenant.headers,
                                 json=[{"name": "Fine", "request_id": "ok"}, {**item, "request_id": "bad"}])
    assert response.status_code == 400, response.text
    errors = errors_of(response.json())
    assert list(errors) == ["bad"]
    assert path in [e["path"] for e in errors["bad"]]
    body = (await client.get("/api/v4/roles", headers=tenant.headers)).json()
    assert body["_total_items"] == 1


async def test_same_name_twice_in_a_batch_is_refused(client, tenant):
    response = await client.post("/api/v4/roles", headers=tenant.headers,
                                 json=[{"name": "Twin"}, {"name": "twin"}])
    assert response.status_code == 400
    assert list(errors_of(response.json())) == ["1"]


async def test_patch_with_invalid_rights_is_400(client, tenant):
    role = await add_role(client, tenant, "Sellers", {"leads": LIMITED_LEADS})
    response = await client.patch(f"/api/v4/roles/{role['id']}", headers=tenant.headers,
                                  json={"name": "", "rights": {"leads": {"view": "Q"}}})
    assert response.status_code == 400
    paths = {e["path"] for e in errors_of(response.json())["0"]}
    assert paths == {"name", "rights.leads.view"}
    fetched = (await client.get(f"/api/v4/roles/{role['id']}", headers=tenant.headers)).json()
    assert fetched["name"] == "Sellers" and fetched["rights"]["leads"] == LIMITED_LEADS


async def test_unknown_role_paths_and_methods(client, tenant):
    assert (await client.get("/api/v4/roles/abc", headers=tenant.headers)).status_code == 404
    assert (await client.put("/api/v4/roles", headers=tenant.headers, json=[])).status_code == 405
