"""A new password (``kanbo user set-password``): it signs in, the old one does not, browser sessions end."""

from __future__ import annotations

import httpx
import pytest

from kanbo.accounts.users_service import set_password
from kanbo.core.db import bind_account
from kanbo.core.errors import BadRequest
from kanbo.models.users import User
from tests.auth.conftest import login


async def _set(db, tenant, user_id: int, password: str) -> int:
    async with db.transaction() as session:
        bind_account(session, tenant.id)
        user = await session.get(User, user_id)
        assert user is not None
        return await set_password(session, user, password)


async def test_new_password_signs_in_and_ends_the_users_browser_sessions(app, client, db, tenant):
    member = await tenant.add_user(name="Forgetful")
    other = await tenant.add_user(name="Bystander")
    assert (await login(client, member.user.email, member.password)).status_code == 303
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1:8000") as second:
        assert (await login(second, other.user.email, other.password)).status_code == 303

        assert await _set(db, tenant, member.id, "brand-new-secret") == 1

        assert (await client.get("/api/session")).status_code == 401  # signed out everywhere
        assert (await second.get("/api/session")).status_code == 200  # other users are not
    assert (await login(client, member.user.email, member.password)).status_code == 401
    assert (await login(client, member.user.email, "brand-new-secret")).status_code == 303
    assert (await client.get("/api/session")).json()["user_id"] == member.id
    # Access tokens are the integrations' and stay valid.
    headers = {"Authorization": f"Bearer {member.token}"}
    assert (await client.get("/api/v4/account", headers=headers)).status_code == 200


@pytest.mark.parametrize("password", ["", "short", "x" * 257])
async def test_password_length_rule(db, client, tenant, password):
    member = await tenant.add_user(name="Unchanged")
    with pytest.raises(BadRequest, match="6 to 256"):
        await _set(db, tenant, member.id, password)
    assert (await login(client, member.user.email, member.password)).status_code == 303
