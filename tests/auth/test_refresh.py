"""Refresh-token rotation: a new pair each time, a grace retry, replay detection."""

from __future__ import annotations

from sqlalchemy import update

from kanbo.auth.tokens import digest
from kanbo.config import reset_settings
from kanbo.core.time import now
from kanbo.models.auth import RefreshToken
from tests.auth.conftest import bearer, make_integration, refresh, run_unscoped, tokens_for
from tests.auth.test_token_endpoint import assert_oauth_error, assert_token_answer


async def api_status(client, token: str) -> int:
    return (await client.get("/api/v4/account", headers=bearer(token))).status_code


async def test_refresh_returns_a_new_working_pair(client, db, oauth_client):
    first = await tokens_for(client, db, oauth_client)
    second = assert_token_answer(await refresh(client, oauth_client, first["refresh_token"]))
    assert second["refresh_token"] != first["refresh_token"]
    assert second["access_token"] != first["access_token"]
    assert await api_status(client, second["access_token"]) == 200
    third = assert_token_answer(await refresh(client, oauth_client, second["refresh_token"]))
    assert await api_status(client, third["access_token"]) == 200


async def test_refresh_with_a_form_body(client, db, oauth_client):
    first = await tokens_for(client, db, oauth_client)
    response = await client.post("/oauth2/access_token", data={
        **oauth_client.credentials(), "grant_type": "refresh_token", "refresh_token": first["refresh_token"],
    })
    assert_token_answer(response)


async def test_old_refresh_token_works_while_its_successor_is_unused(client, db, oauth_client):
    first = await tokens_for(client, db, oauth_client)
    lost = assert_token_answer(await refresh(client, oauth_client, first["refresh_token"]))
    # the answer was lost: the client retries with the same refresh token
    retried = assert_token_answer(await refresh(client, oauth_client, first["refresh_token"]))
    assert retried["refresh_token"] != lost["refresh_token"]
    # the lost successor was replaced; the retried one carries on
    assert_oauth_error(await refresh(client, oauth_client, lost["refresh_token"]), 400)
    assert_token_answer(await refresh(client, oauth_client, retried["refresh_token"]))
    assert await api_status(client, retried["access_token"]) == 200


async def test_replay_after_the_successor_was_used_revokes_the_grant(client, db, oauth_client):
    first = await tokens_for(client, db, oauth_client)
    second = assert_token_answer(await refresh(client, oauth_client, first["refresh_token"]))
    third = assert_token_answer(await refresh(client, oauth_client, second["refresh_token"]))
    assert await api_status(client, third["access_token"]) == 200

    replay = await refresh(client, oauth_client, first["refresh_token"])
    assert_oauth_error(replay, 400, "Refresh token has been revoked")
    for pair in (first, second, third):
        assert await api_status(client, pair["access_token"]) == 401
    assert_oauth_error(await refresh(client, oauth_client, third["refresh_token"]), 400)


async def test_refresh_token_of_another_integration_is_invalid(client, db, tenant, oauth_client):
    first = await tokens_for(client, db, oauth_client)
    other = await make_integration(db, tenant, name="Other")
    assert_oauth_error(await refresh(client, other, first["refresh_token"]), 400, "Invalid refresh token")
    assert_token_answer(await refresh(client, oauth_client, first["refresh_token"]))


async def test_unknown_and_expired_refresh_tokens(client, db, oauth_client):
    assert_oauth_error(await refresh(client, oauth_client, "nope"), 400, "Invalid refresh token")
    first = await tokens_for(client, db, oauth_client)
    await run_unscoped(db, update(RefreshToken).where(RefreshToken.token_hash == digest(first["refresh_token"]))
                       .values(expires_at=now() - 1))
    assert_oauth_error(await refresh(client, oauth_client, first["refresh_token"]), 400,
                       "Refresh token has expired")


async def test_refresh_with_a_wrong_redirect_uri(client, db, oauth_client):
    first = await tokens_for(client, db, oauth_client)
    response = await client.post("/oauth2/access_token", json={
        **oauth_client.credentials(), "grant_type": "refresh_token", "refresh_token": first["refresh_token"],
        "redirect_uri": "https://elsewhere.example/",
    })
    assert_oauth_error(response, 400, "Redirect URI mismatch")


async def _first_use_was(db, token: str, seconds_ago: int) -> None:
    await run_unscoped(db, update(RefreshToken).where(RefreshToken.token_hash == digest(token))
                       .values(used_at=now() - seconds_ago))


async def test_reuse_within_the_window_returns_a_fresh_pair(client, db, oauth_client):
    first = await tokens_for(client, db, oauth_client)
    lost = assert_token_answer(await refresh(client, oauth_client, first["refresh_token"]))
    await _first_use_was(db, first["refresh_token"], 59)
    retried = assert_token_answer(await refresh(client, oauth_client, first["refresh_token"]))
    assert retried["refresh_token"] not in (lost["refresh_token"], first["refresh_token"])
    assert await api_status(client, retried["access_token"]) == 200
    assert_token_answer(await refresh(client, oauth_client, retried["refresh_token"]))


async def test_reuse_after_the_window_revokes_the_grant(client, db, oauth_client):
    first = await tokens_for(client, db, oauth_client)
    second = assert_token_answer(await refresh(client, oauth_client, first["refresh_token"]))
    # the successor was never used, but the old token comes back long after its first use
    await _first_use_was(db, first["refresh_token"], 61)
    replay = await refresh(client, oauth_client, first["refresh_token"])
    assert_oauth_error(replay, 400, "Refresh token has been revoked")
    for pair in (first, second):
        assert await api_status(client, pair["access_token"]) == 401
    assert_oauth_error(await refresh(client, oauth_client, second["refresh_token"]), 400)


async def test_reuse_window_is_a_setting(client, db, oauth_client, monkeypatch):
    monkeypatch.setenv("KANBO_OAUTH_REFRESH_REUSE_SECONDS", "600")
    reset_settings()
    try:
        first = await tokens_for(client, db, oauth_client)
        assert_token_answer(await refresh(client, oauth_client, first["refresh_token"]))
        await _first_use_was(db, first["refresh_token"], 300)
        assert_token_answer(await refresh(client, oauth_client, first["refresh_token"]))
        await _first_use_was(db, first["refresh_token"], 601)
        assert_oauth_error(await refresh(client, oauth_client, first["refresh_token"]), 400,
                           "Refresh token has been revoked")
    finally:
        monkeypatch.delenv("KANBO_OAUTH_REFRESH_REUSE_SECONDS")
        reset_settings()
