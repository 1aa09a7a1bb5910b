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
    assert paths["patch"]["operationId"] == "web.update_session"
    assert "content" not in paths["delete"]["responses"]["204"]


async def test_a_user_changes_their_own_language(client, tenant):
    member = await tenant.add_user(name="Member")
    assert (await login(client, member.user.email, member.password)).status_code == 303
    info = (await client.get("/api/session")).json()
    before = info["user"]["lang"]
    wanted = "es" if before == "en" else "en"
    no_token = await client.patch("/api/session", json={"lang": wanted})
    assert no_token.status_code == 403, no_token.text  # an unsafe call needs the session's X-CSRF-Token
    csrf = {"X-CSRF-Token": info["csrf_token"]}
    changed = await client.patch("/api/session", json={"lang": wanted.upper()}, headers=csrf)
    assert changed.status_code == 200, changed.text
    assert changed.json()["user"]["lang"] == wanted and changed.json()["user"]["is_admin"] is False
    assert (await client.get("/api/session")).json()["user"]["lang"] == wanted  # kept on the user
    fetched = await client.get(f"/api/v4/users/{member.user.id}", headers=tenant.headers)
    assert fetched.json()["lang"] == wanted
    bad = await client.patch("/api/session", json={"lang": "fr"}, headers=csrf)
    assert bad.status_code == 400 and bad.headers["content-type"] == "application/problem+json"
    assert bad.json()["validation-errors"][0]["errors"][0]["path"] == "lang"
    token = await client.patch("/api/session", json={"lang": "en"}, headers=tenant.headers)
    assert token.status_code == 400, token.text  # a bearer token is not a browser session
