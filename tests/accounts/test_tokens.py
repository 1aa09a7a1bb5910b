"""Integrations and long-lived tokens for administrators (a Kanbo extension)."""

from __future__ import annotations

from kanbo.auth import service
from kanbo.core.db import bind_account
from tests.support.factories import make_tenant


async def test_create_use_list_and_revoke(client, tenant):
    response = await client.post("/api/v4/long_lived_tokens", headers=tenant.headers, json={"days": 7})
    assert response.status_code == 200, response.text
    made = response.json()
    token = made.pop("access_token")
    assert made["user_id"] == tenant.admin.id and made["integration_id"] is None and made["state"] == "active"
    assert made["expires_at"] - made["created_at"] == 7 * 86400 and made["revoked_at"] is None
    bearer = {"Authorization": f"Bearer {token}"}
    assert (await client.get("/api/v4/account", headers=bearer)).status_code == 200

    listed = (await client.get("/api/v4/long_lived_tokens", headers=tenant.headers)).json()
    tokens = listed["_embedded"]["long_lived_tokens"]
    assert tokens[0] == made  # newest first, never the token itself
    assert listed["_total_items"] == len(tokens) >= 2  # the fixture's own token too

    assert (await client.delete(f"/api/v4/long_lived_tokens/{made['id']}", headers=tenant.headers)).status_code \
        == 204
    assert (await client.get("/api/v4/account", headers=bearer)).status_code == 401
    again = (await client.get("/api/v4/long_lived_tokens", headers=tenant.headers)).json()
    revoked = next(t for t in again["_embedded"]["long_lived_tokens"] if t["id"] == made["id"])
    assert revoked["state"] == "revoked" and revoked["revoked_at"] is not None
    # Revoking again changes nothing; an unknown id is a 404.
    assert (await client.delete(f"/api/v4/long_lived_tokens/{made['id']}", headers=tenant.headers)).status_code \
        == 204
    assert (await client.delete("/api/v4/long_lived_tokens/999999", headers=tenant.headers)).status_code == 404


async def test_days_and_integration(client, tenant, db):
    for days in (0, 1831, "x"):
        bad = await client.post("/api/v4/long_lived_tokens", headers=tenant.headers, json={"days": days})
        assert bad.status_code == 400, days
    missing = await client.post("/api/v4/long_lived_tokens", headers=tenant.headers,
                                json={"days": 1, "integration_id": 999999})
    assert missing.status_code == 400
    assert missing.json()["validation-errors"][0]["errors"][0]["path"] == "integration_id"
    async with db.transaction() as session:
        bind_account(session, tenant.id)
        integration = await service.create_integration(session, account_id=tenant.id, name="Sync",
                                                       redirect_uri="https://sync.example/cb")
    listed = (await client.get("/api/v4/integrations", headers=tenant.headers)).json()
    [entry] = listed["_embedded"]["integrations"]
    assert entry["client_id"] == integration.client_id and entry["name"] == "Sync"
    assert "client_secret" not in entry and entry["is_active"] is True and entry["scopes"] == ["crm", "notifications"]
    made = await client.post("/api/v4/long_lived_tokens", headers=tenant.headers,
                             json={"days": 1830, "integration_id": integration.id})
    assert made.status_code == 200 and made.json()["integration_id"] == integration.id


async def test_empty_lists_and_admins_only(client, tenant):
    assert (await client.get("/api/v4/integrations", headers=tenant.headers)).status_code == 204
    member = await tenant.add_user()
    for method, path, body in (("GET", "/api/v4/integrations", None), ("GET", "/api/v4/long_lived_tokens", None),
                               ("POST", "/api/v4/long_lived_tokens", {"days": 1}),
                               ("DELETE", "/api/v4/long_lived_tokens/1", None)):
        response = await client.request(method, path, headers=member.headers,
                                        **({"json": body} if body is not None else {}))
        assert response.status_code == 403, path


async def test_integrations_are_added_changed_and_disabled(client, tenant):
    added = await client.post("/api/v4/integrations", headers=tenant.headers,
                              json={"name": " Shop sync ", "redirect_uri": "https://shop.example/oauth"})
    assert added.status_code == 200, added.text
    made = added.json()
    assert made["name"] == "Shop sync" and made["redirect_uri"] == "https://shop.example/oauth"
    assert made["is_active"] is True and made["created_by"] == tenant.admin.id and len(made["client_secret"]) > 40
    listed = (await client.get("/api/v4/integrations", headers=tenant.headers)).json()["_embedded"]["integrations"]
    assert [entry["client_id"] for entry in listed] == [made["client_id"]]
    assert "client_secret" not in listed[0]  # shown once

    token = (await client.post("/api/v4/long_lived_tokens", headers=tenant.headers,
                               json={"days": 1, "integration_id": made["id"]})).json()["access_token"]
    bearer = {"Authorization": f"Bearer {token}"}
    assert (await client.get("/api/v4/account", headers=bearer)).status_code == 200
    off = await client.patch(f"/api/v4/integrations/{made['id']}", headers=tenant.headers,
                             json={"is_active": False, "name": "Old shop"})
    assert off.status_code == 200 and off.json()["is_active"] is False and off.json()["name"] == "Old shop"
    assert "client_secret" not in off.json()
    assert (await client.get("/api/v4/account", headers=bearer)).status_code == 401  # its tokens stop working
    on = await client.patch(f"/api/v4/integrations/{made['id']}", headers=tenant.headers, json={"is_active": True})
    assert on.status_code == 200
    assert (await client.get("/api/v4/account", headers=bearer)).status_code == 200


async def test_integrations_refuse_bad_input_and_other_accounts(client, tenant, db):
    other_tenant = await make_tenant(db)
    for body, path in (({"name": "", "redirect_uri": "https://a.example/"}, "name"),
                       ({"name": "X", "redirect_uri": "ftp://a.example/"}, "redirect_uri"),
                       ({"name": "X", "redirect_uri": "javascript:alert(1)"}, "redirect_uri"),
                       ({"name": "X"}, "redirect_uri")):
        bad = await client.post("/api/v4/integrations", headers=tenant.headers, json=body)
        assert bad.status_code == 400, body
        assert bad.json()["validation-errors"][0]["errors"][0]["path"] == path
    theirs = (await client.post("/api/v4/integrations", headers=other_tenant.headers,
                                json={"name": "Theirs", "redirect_uri": "https://b.example/"})).json()
    hidden = await client.patch(f"/api/v4/integrations/{theirs['id']}", headers=tenant.headers,
                                json={"is_active": False})
    assert hidden.status_code == 404
    assert (await client.patch("/api/v4/integrations/999999999", headers=tenant.headers, json={})).status_code == 404
    member = await tenant.add_user()
    assert (await client.post("/api/v4/integrations", headers=member.headers,
                              json={"name": "X", "redirect_uri": "https://a.example/"})).status_code == 403
