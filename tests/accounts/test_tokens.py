"""Integrations and long-lived tokens for administrators (a Kanbo extension)."""

from __future__ import annotations

from kanbo.auth import service
from kanbo.core.db import bind_account


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
