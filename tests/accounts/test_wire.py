"""The typed wire of the accounts domain: lax where Kommo clients need it, exact errors, a truthful document."""

from __future__ import annotations

import pytest

from tests.accounts.helpers import make_role

REF = "#/components/schemas/"


def errors_of(body: dict) -> dict[str, list[tuple[str, str]]]:
    return {item["request_id"]: [(e["path"], e["code"]) for e in item["errors"]] for item in body["validation-errors"]}


# Lax where clients need it ---------------------------------------------------------------------

async def test_ids_as_digit_strings_and_floats(client, tenant):
    first, second = await tenant.add_user(), await tenant.add_user()
    response = await client.post("/api/v4/users/deactivate", headers=tenant.headers,
                                 json=[{"id": str(first.id)}, {"id": float(second.id)}])
    assert response.status_code == 204, response.text
    for member in (first, second):
        body = (await client.get(f"/api/v4/users/{member.id}", headers=tenant.headers)).json()
        assert body["rights"]["is_active"] is False

    role_id = await make_role(tenant, "Sellers")
    response = await client.post("/api/v4/users", headers=tenant.headers, json=[
        {"email": "lax@example.com", "rights": {"role_id": str(role_id), "group_id": 0.0,
                                                "status_rights": [{"pipeline_id": "7", "status_id": 8.0}]}}])
    assert response.status_code == 200, response.text
    [user] = response.json()["_embedded"]["users"]
    assert user["rights"]["role_id"] == role_id and user["rights"]["group_id"] is None
    assert user["name"] == "lax"

    response = await client.patch("/api/v4/roles", headers=tenant.headers,
                                  json=[{"id": f"{role_id}", "name": "Closers"}])
    assert response.status_code == 200, response.text
    assert response.json()["_embedded"]["roles"][0]["name"] == "Closers"


async def test_a_single_object_is_a_batch_of_one(client, tenant):
    response = await client.post("/api/v4/roles", headers=tenant.headers,
                                 json={"name": "Alone", "rights": {"leads": {"export": "D"}}})
    assert response.status_code == 200, response.text
    [role] = response.json()["_embedded"]["roles"]
    assert role["request_id"] == "0" and role["name"] == "Alone" and role["rights"]["leads"]["export"] == "D"

    member = await tenant.add_user()
    response = await client.post("/api/v4/users/deactivate", headers=tenant.headers, json={"id": member.id})
    assert response.status_code == 204


async def test_unknown_keys_are_ignored(client, tenant):
    """Clients echo whole objects: read-only keys, ``_links``, the user flags inside a role's rights."""
    response = await client.post("/api/v4/users", headers=tenant.headers, json=[{
        "email": "echo@example.com", "name": "Echo", "id": None, "uuid": "x", "_links": {}, "lang": " ES ",
        "rights": {"is_active": False, "request_id": "r", "leads": None, "mail_access": None,
                   "contacts": {"view": None, "edit": "M", "delete": "M"}},
    }])
    assert response.status_code == 200, response.text
    [user] = response.json()["_embedded"]["users"]
    assert user["lang"] == "es" and user["rights"]["is_active"] is True
    assert user["rights"]["contacts"] == {"view": "A", "edit": "M", "add": "A", "delete": "M", "export": "A"}
    assert user["rights"]["mail_access"] is True

    response = await client.post("/api/v4/roles", headers=tenant.headers, json=[{
        "name": "Echoed", "rights": {"is_admin": "no", "group_id": "x", "role_id": None, "is_free": 3}}])
    assert response.status_code == 200, response.text
    assert set(response.json()["_embedded"]["roles"][0]["rights"]) == {
        "leads", "contacts", "companies", "tasks", "status_rights", "catalog_rights", "mail_access",
        "catalog_access"}


async def test_stage_and_catalog_rights_are_stored_typed(client, tenant):
    rights = {"status_rights": [{"entity_type": "leads", "pipeline_id": "3", "status_id": 4,
                                 "rights": {"view": "M", "edit": "D"}}],
              "catalog_rights": [{"catalog_id": 9, "rights": {"view": "L", "add": "D"}}]}
    response = await client.post("/api/v4/roles", headers=tenant.headers, json=[{"name": "Staged", "rights": rights}])
    assert response.status_code == 200, response.text
    stored = response.json()["_embedded"]["roles"][0]["rights"]
    assert stored["status_rights"] == [{"entity_type": "leads", "pipeline_id": 3, "status_id": 4,
                                        "rights": {"view": "M", "edit": "D"}}]
    assert stored["catalog_rights"] == [{"catalog_id": 9, "rights": {"view": "L", "add": "D"}}]


# Exact errors ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("item", "expected"), [
    ({"email": "a@example.com", "rights": {"status_rights": [{"pipeline_id": "x", "status_id": 1}]}},
     [("rights.status_rights.0.pipeline_id", "InvalidType")]),
    ({"email": "a@example.com", "rights": {"tasks": {"fly": "A"}}}, [("rights.tasks.fly", "NotSupportedChoice")]),
    ({"email": "a@example.com", "rights": {"leads": {"view": "a"}}}, [("rights.leads.view", "NotSupportedChoice")]),
    ({"email": "a@example.com", "rights": {"mail_access": "yes"}}, [("rights.mail_access", "InvalidType")]),
    ({"email": "a@example.com", "rights": {"role_id": -1}}, [("rights.role_id", "OutOfRange")]),
    ({"email": "a@example.com", "rights": {"group_id": 2**63}}, [("rights.group_id", "OutOfRange")]),
    ({"email": "a@example.com", "rights": {"catalog_rights": [{"rights": {}}]}},
     [("rights.catalog_rights.0.catalog_id", "NotBlank")]),
    ({"email": ["a@example.com"]}, [("email", "InvalidType")]),
    ({"name": "No email"}, [("email", "NotBlank")]),
    ({"email": "   "}, [("email", "NotBlank")]),
    ({"email": "a@example.com", "name": "x" * 256}, [("name", "TooLong")]),
    ({"email": "a@example.com", "lang": "pt"}, [("lang", "NotSupportedChoice")]),
    ({"email": "a@example.com", "password": 123456}, [("password", "InvalidType")]),
    ({"email": "not-an-email"}, [("email", "InvalidEmail")]),
    ({"email": "a@example.com", "password": "short"}, [("password", "InvalidLength")]),
    ({"email": "a@example.com", "rights": {"leads": {"view": "M"}}}, [("rights.leads.edit", "InvalidValue"),
                                                                      ("rights.leads.delete", "InvalidValue"),
                                                                      ("rights.leads.export", "InvalidValue")]),
])
async def test_a_wrong_user_item_names_its_path_and_code(client, tenant, item, expected):
    response = await client.post("/api/v4/users", headers=tenant.headers,
                                 json=[{"email": "fine@example.com"}, {**item, "request_id": "bad"}])
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert errors_of(response.json()) == {"bad": expected}


async def test_a_wrong_single_patch_names_its_paths(client, tenant):
    role_id = await make_role(tenant, "Sellers")
    response = await client.patch(f"/api/v4/roles/{role_id}", headers=tenant.headers,
                                  json={"name": 5, "rights": {"status_rights": {"pipeline_id": 1}}})
    assert response.status_code == 400
    assert errors_of(response.json()) == {"0": [("name", "InvalidType"), ("rights.status_rights", "InvalidType")]}


@pytest.mark.parametrize("path", ["/api/v4/users?limit=251", "/api/v4/roles?limit=251"])
async def test_limit_above_the_maximum_is_422(client, tenant, path):
    response = await client.get(path, headers=tenant.headers)
    assert response.status_code == 422


@pytest.mark.parametrize("path", ["/api/v4/users", "/api/v4/roles"])
async def test_an_empty_limit_is_the_default(client, tenant, path):
    await make_role(tenant)
    response = await client.get(f"{path}?limit=&page=", headers=tenant.headers)
    assert response.status_code == 200, response.text
    assert response.json()["_page"] == 1


@pytest.mark.parametrize("query", ["with[a][b]=1", "limit=0", "limit=abc"])
async def test_unreadable_queries_are_400(client, tenant, query):
    for path in ("/api/v4/users", "/api/v4/roles", "/api/v4/account"):
        response = await client.get(f"{path}?{query}", headers=tenant.headers)
        assert response.status_code == (200 if path == "/api/v4/account" and "limit" in query else 400), path


@pytest.mark.parametrize(("method", "path", "body"), [
    ("POST", "/api/v4/users", [{"email": 5}]),
    ("POST", "/api/v4/users/activate", [{"id": "x"}]),
    ("POST", "/api/v4/roles", [{"name": ""}]),
    ("PATCH", "/api/v4/roles", [{}]),
    ("PATCH", "/api/v4/roles/{role_id}", {"name": ""}),
])
async def test_non_admins_get_403_whatever_the_body(client, tenant, method, path, body):
    member = await tenant.add_user()
    role_id = await make_role(tenant)
    url = path.format(role_id=role_id)
    response = await client.request(method, url, headers=member.headers, json=body)
    assert response.status_code == 403, response.text
    assert (await client.request(method, url, headers=tenant.headers, json=body)).status_code == 400


# The document ----------------------------------------------------------------------------------

OPERATIONS = {
    ("get", "/api/v4/account"): ("get_account", "AccountOut", False, None),
    ("get", "/api/v4/users"): ("list_users", "UsersPage", True, None),
    ("get", "/api/v4/users/{user_id}"): ("get_user", "UserOut", True, None),
    ("post", "/api/v4/users"): ("add_users", "UsersWritten", False, ("UserIn", True)),
    ("post", "/api/v4/users/activate"): ("activate_users", None, True, ("UserStatusIn", True)),
    ("post", "/api/v4/users/deactivate"): ("deactivate_users", None, True, ("UserStatusIn", True)),
    ("get", "/api/v4/roles"): ("list_roles", "RolesPage", True, None),
    ("get", "/api/v4/roles/{role_id}"): ("get_role", "RoleOut", True, None),
    ("post", "/api/v4/roles"): ("add_roles", "RolesWritten", False, ("RoleIn", True)),
    ("patch", "/api/v4/roles"): ("update_roles", "RolesUpdated", False, ("RoleUpdate", True)),
    ("patch", "/api/v4/roles/{role_id}"): ("update_role", "RolePatched", False, ("RolePatch", False)),
    ("delete", "/api/v4/roles/{role_id}"): ("delete_role", None, True, None),
    # Kanbo's extensions: change a user, user groups, integrations and long-lived tokens.
    ("patch", "/api/v4/users/{user_id}"): ("update_user", "UserOut", False, ("UserPatch", False)),
    ("post", "/api/v4/users/groups"): ("add_groups", "UserGroupsWritten", False, ("GroupIn", True)),
    ("patch", "/api/v4/users/groups/{group_id}"): ("rename_group", "UserGroupOut", False, ("GroupPatch", False)),
    ("delete", "/api/v4/users/groups/{group_id}"): ("delete_group", None, True, None),
    ("get", "/api/v4/integrations"): ("list_integrations", "IntegrationsList", True, None),
    ("post", "/api/v4/integrations"): ("add_integration", "IntegrationOut", False, ("IntegrationIn", False)),
    ("patch", "/api/v4/integrations/{integration_id}"): ("update_integration", "IntegrationOut", False,
                                                         ("IntegrationPatch", False)),
    ("get", "/api/v4/long_lived_tokens"): ("list_tokens", "TokensPage", True, None),
    ("post", "/api/v4/long_lived_tokens"): ("create_token", "TokenOut", False, ("TokenIn", False)),
    ("delete", "/api/v4/long_lived_tokens/{token_id}"): ("revoke_token", None, True, None),
}


def test_the_document_names_every_operation(app):
    document = app.openapi()
    found = {(method, path) for path, operations in document["paths"].items() for method, operation in
             operations.items() if operation["operationId"].startswith("accounts.")}
    assert found == set(OPERATIONS)
    for (method, path), (name, ok, empty, body) in OPERATIONS.items():
        operation = document["paths"][path][method]
        assert operation["operationId"] == f"accounts.{name}"
        answers = operation["responses"]
        if ok is None:
            assert "200" not in answers
        else:
            documented = {"schema": {"$ref": REF + ok}}
            assert answers["200"]["content"] == {"application/hal+json": documented,
                                                 "application/json": documented}
        assert ("204" in answers) == empty
        if body is None:
            assert "requestBody" not in operation
        else:
            model, is_batch = body
            schema = operation["requestBody"]["content"]["application/json"]["schema"]
            ref = {"$ref": REF + model}
            assert schema == ({"anyOf": [{"type": "array", "items": ref}, ref]} if is_batch else ref)


def test_the_rights_object_is_documented_with_its_letters(app):
    schemas = app.openapi()["components"]["schemas"]
    leads = schemas["EntityRightsIn"]["properties"]
    assert leads["view"]["anyOf"][0]["enum"] == ["A", "G", "M", "D"]
    assert leads["add"]["anyOf"][0]["enum"] == ["A", "D"]
    assert schemas["EntityRightsIn"]["additionalProperties"] is False
    assert schemas["UserIn"]["required"] == ["email"]
    assert set(schemas["UserRightsOut"]["required"]) >= {"leads", "status_rights", "is_admin", "group_id"}
    users = {p["name"]: p for p in app.openapi()["paths"]["/api/v4/users"]["get"]["parameters"]}
    assert users["with"]["schema"]["items"]["enum"] == ["role", "group", "uuid", "amojo_id", "user_rank",
                                                        "phone_number"]
