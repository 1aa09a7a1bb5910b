"""``/api/session``: the web UI's typed view of its browser session (documented in the OpenAPI document)."""

from __future__ import annotations

from tests.auth.conftest import login, sign_in


async def test_the_session_answers_the_documented_model(client, tenant, app):
    info = await sign_in(client, tenant)
    user, account = tenant.admin.user, tenant.account
    assert info == {
        "user_id": user.id, "account_id": account.id,
        "user": {"id": user.id, "name": user.name, "email": user.email, "lang": user.lang, "is_admin": True},
        "account": {"id": account.id, "name": account.name, "subdomain": account.subdomain,
                    "language": account.language, "currency": account.currency, "timezone": account.timezone},
        "csrf_token": info["csrf_token"],
    }
    assert len(info["csrf_token"]) >= 32
    document = app.openapi()
    schema = document["components"]["schemas"]["SessionInfo"]
    assert set(schema["required"]) == set(info)
    assert set(document["components"]["schemas"]["SessionUser"]["properties"]) == set(info["user"])
    assert set(document["components"]["schemas"]["SessionAccount"]["properties"]) == set(info["account"])
    answer = document["paths"]["/api/session"]["get"]["responses"]["200"]["content"]["application/json"]
    assert answer["schema"] == {"$ref": "#/components/schemas/SessionInfo"}


async def test_a_member_is_not_an_admin(client, tenant):
    member = await tenant.add_user(name="Member")
    assert (await login(client, member.user.email, member.password)).status_code == 303
    info = (await client.get("/api/session")).json()
    assert info["user"]["is_admin"] is False and info["user"]["name"] == "Member"


async def test_without_a_session_it_is_a_401_problem(client, tenant):
    response = await client.get("/api/session")
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    token_only = await client.get("/api/session", headers=tenant.headers)  # an API token is not a browser session
    assert token_only.status_code == 401


async def test_both_operations_are_named_for_the_generated_client(app):
    paths = app.openapi()["paths"]["/api/session"]
    assert paths["get"]["operationId"] == "web.get_session"
    assert paths["delete"]["operationId"] == "web.end_session"
    assert "content" not in paths["delete"]["responses"]["204"]
