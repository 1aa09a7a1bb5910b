from __future__ import annotations

import pytest

from tests.accounts.helpers import count_statements, make_group, make_role, relative
from tests.support.factories import make_tenant, restricted_rights

USER_KEYS = {"id", "name", "email", "lang", "rights", "_links"}
RIGHTS_KEYS = {"leads", "contacts", "companies", "tasks", "status_rights", "catalog_rights", "mail_access",
               "catalog_access", "is_admin", "is_free", "is_active", "group_id", "role_id"}
ACTIONS = {"view", "edit", "add", "delete", "export"}


def errors_of(body: dict) -> dict[str, list[dict]]:
    return {item["request_id"]: item["errors"] for item in body["validation-errors"]}


async def total_users(client, tenant) -> int:
    response = await client.get("/api/v4/users", headers=tenant.headers)
    return response.json()["_total_items"]


# Reading ---------------------------------------------------------------------------------------

async def test_list_shape(client, tenant):
    member = await tenant.add_user(name="Ann", rights=restricted_rights(leads={"view": "M", "edit": "M",
                                                                              "delete": "M", "export": "M"}))
    response = await client.get("/api/v4/users", headers=tenant.headers)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/hal+json"
    body = response.json()
    assert "status" not in body
    assert (body["_total_items"], body["_page"], body["_page_count"]) == (2, 1, 1)
    assert body["_links"]["self"]["href"] == "http://127.0.0.1:8000/api/v4/users"
    assert "next" not in body["_links"]
    users = body["_embedded"]["users"]
    assert [u["id"] for u in users] == [tenant.admin.id, member.id]
    for user in users:
        assert set(user) == USER_KEYS
        assert set(user["rights"]) == RIGHTS_KEYS
        for entity in ("leads", "contacts", "companies", "tasks"):
            assert set(user["rights"][entity]) == ACTIONS
        assert user["_links"]["self"]["href"] == f"http://127.0.0.1:8000/api/v4/users/{user['id']}"
    ann = users[1]
    assert ann["name"] == "Ann" and ann["email"] == member.user.email and ann["lang"] == "en"
    assert ann["rights"]["leads"] == {"view": "M", "edit": "M", "add": "A", "delete": "M", "export": "M"}
    assert ann["rights"]["is_admin"] is False and ann["rights"]["is_active"] is True
    assert ann["rights"]["group_id"] is None and ann["rights"]["role_id"] is None
    assert users[0]["rights"]["is_admin"] is True


async def test_every_user_may_list_users(client, tenant):
    member = await tenant.add_user(rights=restricted_rights(leads={"view": "D", "edit": "D", "delete": "D",
                                                                  "export": "D"}))
    response = await client.get("/api/v4/users", headers=member.headers)
    assert response.status_code == 200
    assert response.json()["_total_items"] == 2


async def test_pagination_with_limit_one(client, tenant):
    second = await tenant.add_user(name="Second")
    third = await tenant.add_user(name="Third")
    page1 = (await client.get("/api/v4/users?limit=1&with=uuid", headers=tenant.headers)).json()
    assert (page1["_total_items"], page1["_page"], page1["_page_count"]) == (3, 1, 3)
    assert [u["id"] for u in page1["_embedded"]["users"]] == [tenant.admin.id]
    next_href = page1["_links"]["next"]["href"]
    assert "limit=1" in next_href and "with=uuid" in next_href and "page=2" in next_href
    page2 = (await client.get(relative(next_href), headers=tenant.headers)).json()
    assert [u["id"] for u in page2["_embedded"]["users"]] == [second.id]
    assert "uuid" in page2["_embedded"]["users"][0]
    page3 = (await client.get(relative(page2["_links"]["next"]["href"]), headers=tenant.headers)).json()
    assert [u["id"] for u in page3["_embedded"]["users"]] == [third.id]
    assert "next" not in page3["_links"]
    past = await client.get("/api/v4/users?limit=1&page=4", headers=tenant.headers)
    assert past.status_code == 204 and past.content == b""


async def test_limit_above_250_is_refused(client, tenant):
    response = await client.get("/api/v4/users?limit=251", headers=tenant.headers)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"


async def test_with_values(client, tenant):
    group_id = await make_group(tenant, "Sales")
    role_id = await make_role(tenant, "Seller")
    member = await tenant.add_user(group_id=group_id, role_id=role_id)
    response = await client.get(
        "/api/v4/users?with=role,group,uuid,amojo_id,user_rank,phone_number,no_such_thing", headers=tenant.headers
    )
    assert response.status_code == 200
    admin, user = response.json()["_embedded"]["users"]
    for entry in (admin, user):
        assert isinstance(entry["uuid"], str) and isinstance(entry["amojo_id"], str)
        assert entry["user_rank"] == "newbie"
        assert "phone_number" in entry
    assert user["id"] == member.id
    assert user["_embedded"]["roles"] == [
        {"id": role_id, "name": "Seller", "_links": {"self": {"href": f"http://127.0.0.1:8000/api/v4/roles/{role_id}"}}}
    ]
    assert user["_embedded"]["groups"] == [{"id": group_id, "name": "Sales"}]
    assert user["rights"]["group_id"] == group_id and user["rights"]["role_id"] == role_id
    assert admin["_embedded"]["roles"] == []
    assert admin["_embedded"]["groups"] == [{"id": 0, "name": "Main group"}]
    assert admin["rights"]["group_id"] is None

    plain = (await client.get("/api/v4/users", headers=tenant.headers)).json()["_embedded"]["users"][1]
    assert "uuid" not in plain and "_embedded" not in plain


async def test_main_group_name_follows_account_language(client, db):
    spanish = await make_tenant(db, language="es")
    body = (await client.get(f"/api/v4/users/{spanish.admin.id}?with=group", headers=spanish.headers)).json()
    assert body["_embedded"]["groups"] == [{"id": 0, "name": "Grupo principal"}]


async def test_get_by_id(client, tenant):
    member = await tenant.add_user(name="Bob")
    response = await client.get(f"/api/v4/users/{member.id}?with=uuid,amojo_id", headers=tenant.headers)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/hal+json"
    body = response.json()
    assert body["id"] == member.id and body["name"] == "Bob" and body["email"] == member.user.email
    assert body["uuid"] == member.user.uuid and body["amojo_id"] == member.user.amojo_id
    assert set(body["rights"]) == RIGHTS_KEYS
    assert body["_links"]["self"]["href"].endswith(f"/api/v4/users/{member.id}")


@pytest.mark.parametrize("which", ["other_account", "unknown", "huge"])
async def test_get_missing_or_foreign_user_is_204(client, tenant, db, which):
    other = await make_tenant(db)
    user_id = {"other_account": other.admin.id, "unknown": other.admin.id + 100000,
               "huge": 10**30}[which]
    response = await client.get(f"/api/v4/users/{user_id}", headers=tenant.headers)
    assert response.status_code == 204
    assert response.content == b""


async def test_users_have_no_update_or_delete(client, tenant):
    assert (await client.patch("/api/v4/users", json=[], headers=tenant.headers)).status_code == 405
    response = await client.delete(f"/api/v4/users/{tenant.admin.id}", headers=tenant.headers)
    assert response.status_code == 405
    assert response.headers["content-type"] == "application/problem+json"


async def test_list_runs_a_fixed_number_of_statements(client, tenant, db):
    group_id = await make_group(tenant)
    role_id = await make_role(tenant)
    for _ in range(6):
        await tenant.add_user(group_id=group_id, role_id=role_id)
    counts = []
    for limit in (2, 7):
        with count_statements(db) as statements:
            response = await client.get(f"/api/v4/users?limit={limit}&with=role,group", headers=tenant.headers)
        assert len(response.json()["_embedded"]["users"]) == limit
        counts.append(len(statements))
    assert counts[0] == counts[1]


# Adding ----------------------------------------------------------------------------------------

async def test_add_users_echoes_request_ids(client, tenant):
    group_id = await make_group(tenant)
    role_id = await make_role(tenant, "Support", rights=restricted_rights(contacts={"export": "D"}))
    response = await client.post("/api/v4/users", headers=tenant.headers, json=[
        {"name": "Carla", "email": "Carla@Example.com", "password": "secret-123", "lang": "es",
         "rights": {"leads": {"view": "A", "edit": "G", "add": "D", "delete": "M", "export": "D"},
                    "group_id": group_id, "request_id": "ignored"},
         "request_id": "first"},
        {"name": "Dan", "email": "dan@example.com", "rights": {"role_id": role_id, "group_id": group_id}},
        {"name": "Eve", "email": "eve@example.com", "rights": {"is_free": True}, "request_id": 7},
    ])
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/hal+json"
    body = response.json()
    assert "status" not in body
    carla, dan, eve = body["_embedded"]["users"]
    assert [carla["request_id"], dan["request_id"], eve["request_id"]] == ["first", "1", "7"]
    assert carla["email"] == "carla@example.com" and carla["lang"] == "es"
    assert carla["rights"]["leads"] == {"view": "A", "edit": "G", "add": "D", "delete": "M", "export": "D"}
    assert carla["rights"]["group_id"] == group_id and carla["rights"]["role_id"] is None
    assert dan["lang"] == "en"
    assert dan["rights"]["role_id"] == role_id and dan["rights"]["contacts"]["export"] == "D"
    assert eve["rights"]["is_free"] is True and eve["rights"]["is_admin"] is False
    for user in (carla, dan, eve):
        assert set(user) >= USER_KEYS
        fetched = (await client.get(f"/api/v4/users/{user['id']}", headers=tenant.headers)).json()
        assert fetched["email"] == user["email"] and fetched["rights"] == user["rights"]
    assert await total_users(client, tenant) == 4


async def test_a_bad_item_fails_the_whole_batch(client, tenant):
    before = await total_users(client, tenant)
    response = await client.post("/api/v4/users", headers=tenant.headers, json=[
        {"name": "Ok", "email": "ok1@example.com", "request_id": "a"},
        {"name": "Bad", "email": "not-an-email", "request_id": "b"},
        {"name": "Ok too", "email": "ok2@example.com", "request_id": "c"},
    ])
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    errors = errors_of(response.json())
    assert list(errors) == ["b"]
    assert [e["path"] for e in errors["b"]] == ["email"]
    assert await total_users(client, tenant) == before


async def test_duplicate_email_is_a_validation_error(client, tenant):
    await tenant.add_user(email="taken@example.com")
    response = await client.post("/api/v4/users", headers=tenant.headers, json=[
        {"name": "Again", "email": "TAKEN@example.com"},
        {"name": "New", "email": "new@example.com"},
        {"name": "New twice", "email": "new@example.com"},
    ])
    assert response.status_code == 400
    errors = errors_of(response.json())
    assert set(errors) == {"0", "2"}
    assert errors["0"][0]["path"] == "email" and errors["0"][0]["code"] == "NotUnique"
    assert errors["2"][0]["path"] == "email"
    assert await total_users(client, tenant) == 2


async def test_same_email_in_another_account_is_allowed(client, tenant, db):
    other = await make_tenant(db)
    response = await client.post("/api/v4/users", headers=tenant.headers,
                                 json=[{"name": "Twin", "email": other.admin.user.email}])
    assert response.status_code == 200


@pytest.mark.parametrize(("rights", "path"), [
    ({"leads": {"view": "X"}}, "rights.leads.view"),
    ({"contacts": {"add": "M"}}, "rights.contacts.add"),
    ({"companies": {"view": "M", "edit": "A", "delete": "M", "export": "M"}}, "rights.companies.edit"),
    ({"tasks": {"fly": "A"}}, "rights.tasks.fly"),
    ({"mail_access": "yes"}, "rights.mail_access"),
    ({"role_id": "abc"}, "rights.role_id"),
    ({"group_id": 999999999}, "rights.group_id"),
    ({"role_id": 999999999}, "rights.role_id"),
    ({"is_admin": "no"}, "rights.is_admin"),
    ("all", "rights"),
])
async def test_invalid_rights_name_the_path(client, tenant, rights, path):
    response = await client.post("/api/v4/users", headers=tenant.headers,
                                 json=[{"name": "X", "email": "x@example.com", "rights": rights, "request_id": "r"}])
    assert response.status_code == 400, response.text
    assert path in [e["path"] for e in errors_of(response.json())["r"]]
    assert await total_users(client, tenant) == 1


@pytest.mark.parametrize(("item", "path"), [
    ({"name": "No email"}, "email"),
    ({"name": "X", "email": 5}, "email"),
    ({"name": "", "email": "x@example.com"}, "name"),
    ({"name": "x" * 256, "email": "x@example.com"}, "name"),
    ({"name": "X", "email": "x@example.com", "password": "123"}, "password"),
    ({"name": "X", "email": "x@example.com", "lang": "klingon"}, "lang"),
])
async def test_invalid_fields_name_the_path(client, tenant, item, path):
    response = await client.post("/api/v4/users", headers=tenant.headers, json=[item])
    assert response.status_code == 400
    assert [e["path"] for e in errors_of(response.json())["0"]] == [path]


async def test_role_of_another_account_cannot_be_given(client, tenant, db):
    other = await make_tenant(db)
    foreign_role = await make_role(other)
    response = await client.post("/api/v4/users", headers=tenant.headers,
                                 json=[{"name": "X", "email": "x@example.com", "rights": {"role_id": foreign_role}}])
    assert response.status_code == 400
    assert errors_of(response.json())["0"][0]["path"] == "rights.role_id"


@pytest.mark.parametrize(("body", "status"), [
    (b"not json", 400), (b"[]", 400), (b"[1]", 400), (b"", 400),
])
async def test_bad_bodies_are_4xx(client, tenant, body, status):
    response = await client.post("/api/v4/users", headers=tenant.headers, content=body)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"


async def test_more_than_250_users_is_422(client, tenant):
    items = [{"name": f"U{i}", "email": f"u{i}@example.com"} for i in range(251)]
    response = await client.post("/api/v4/users", headers=tenant.headers, json=items)
    assert response.status_code == 422


async def test_only_admins_add_users(client, tenant):
    member = await tenant.add_user()
    response = await client.post("/api/v4/users", headers=member.headers,
                                 json=[{"name": "X", "email": "x@example.com"}])
    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == 403
    assert await total_users(client, tenant) == 2


# Activation ------------------------------------------------------------------------------------

async def test_deactivate_and_activate(client, tenant):
    member = await tenant.add_user()
    response = await client.post("/api/v4/users/deactivate", headers=tenant.headers, json=[{"id": member.id}])
    assert response.status_code == 204 and response.content == b""
    body = (await client.get(f"/api/v4/users/{member.id}", headers=tenant.headers)).json()
    assert body["rights"]["is_active"] is False
    assert (await client.get("/api/v4/users", headers=member.headers)).status_code == 401

    response = await client.post("/api/v4/users/activate", headers=tenant.headers, json=[{"id": member.id}])
    assert response.status_code == 204
    body = (await client.get(f"/api/v4/users/{member.id}", headers=tenant.headers)).json()
    assert body["rights"]["is_active"] is True
    assert (await client.get("/api/v4/users", headers=member.headers)).status_code == 200


async def test_admins_cannot_be_deactivated(client, tenant):
    member = await tenant.add_user()
    response = await client.post("/api/v4/users/deactivate", headers=tenant.headers,
                                 json=[{"id": member.id, "request_id": "m"},
                                       {"id": tenant.admin.id, "request_id": "a"}])
    assert response.status_code == 400
    errors = errors_of(response.json())
    assert list(errors) == ["a"] and errors["a"][0]["path"] == "id"
    body = (await client.get(f"/api/v4/users/{member.id}", headers=tenant.headers)).json()
    assert body["rights"]["is_active"] is True  # nothing applied


async def test_activation_of_unknown_or_foreign_users_is_refused(client, tenant, db):
    other = await make_tenant(db)
    foreign = await other.add_user()
    for user_id in (foreign.id, 10**30, "abc"):
        response = await client.post("/api/v4/users/deactivate", headers=tenant.headers, json=[{"id": user_id}])
        assert response.status_code == 400, user_id
    body = (await client.get(f"/api/v4/users/{foreign.id}", headers=other.headers)).json()
    assert body["rights"]["is_active"] is True


async def test_activation_takes_at_most_ten_ids(client, tenant):
    members = [await tenant.add_user() for _ in range(11)]
    response = await client.post("/api/v4/users/deactivate", headers=tenant.headers,
                                 json=[{"id": m.id} for m in members])
    assert response.status_code == 422
    response = await client.post("/api/v4/users/deactivate", headers=tenant.headers,
                                 json=[{"id": m.id} for m in members[:10]])
    assert response.status_code == 204


@pytest.mark.parametrize("action", ["activate", "deactivate"])
async def test_only_admins_change_activation(client, tenant, action):
    member = await tenant.add_user()
    other = await tenant.add_user()
    response = await client.post(f"/api/v4/users/{action}", headers=member.headers, json=[{"id": other.id}])
    assert response.status_code == 403
