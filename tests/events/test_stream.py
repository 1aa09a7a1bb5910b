"""``GET /api/v4/events/stream``: live updates as server-sent events, on a real server in this process.

Where a test shows that a commit wakes the streams at once, the safety-net poll is switched off
(``no_poll``), so the generous "within 5 s" waits cannot be met by polling instead. Where a test shows
that something is *not* sent, it makes a later change the user does see and reads up to it: positions
are in commit order, so everything before it was either sent or skipped.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from kanbo.events import commits, live
from kanbo.events.live import LiveStreams
from tests.auth.conftest import sign_in
from tests.entities.helpers import create, main_stages
from tests.support.factories import Tenant, make_tenant, restricted_rights
from tests.support.live import STREAM, Message, stream


@pytest.fixture
def streams(app: Any) -> LiveStreams:
    return app.state.live  # type: ignore[no-any-return]


@pytest.fixture
def no_poll(streams: LiveStreams, monkeypatch: pytest.MonkeyPatch) -> None:
    async def nothing() -> None:
        return None

    monkeypatch.setattr(streams, "poll", nothing)


def entity(entity_id: int) -> Any:
    return lambda message: message.body["entity_id"] == entity_id


def of(messages: list[Message], entity_id: int) -> list[Message]:
    return [m for m in messages if m.body["entity_id"] == entity_id]


async def listed(base_url: str, headers: dict[str, str], uid: str) -> dict[str, Any]:
    """The event as GET /api/v4/events renders it (on the same server: same links)."""
    async with httpx.AsyncClient(base_url=base_url) as http:
        response = await http.get(f"/api/v4/events?filter[id]={uid}", headers=headers)
    assert response.status_code == 200, response.text
    (event,) = response.json()["_embedded"]["events"]
    return event  # type: ignore[no-any-return]


@pytest.mark.usefixtures("no_poll")
async def test_a_change_by_one_user_reaches_another_users_stream_at_once(client, tenant: Tenant, live_url: str):
    member = await tenant.add_user(name="Watcher")
    pipeline_id, stages = await main_stages(client, tenant)
    async with stream(live_url, member.headers) as reader:
        (lead,) = await create(client, tenant, "leads", [{"name": "Deal"}])
        (added,) = await reader.events(entity(lead))
        moved = await client.patch(f"/api/v4/leads/{lead}", headers=tenant.headers,
                                   json={"pipeline_id": pipeline_id, "status_id": stages[2]})
        assert moved.status_code == 200, moved.text
        (changed,) = await reader.events(lambda m: m.event == "lead_status_changed")
    assert added.event == "lead_added" and added.body["type"] == "lead_added"
    assert added.body == await listed(live_url, member.headers, added.body["id"])  # rendered as the list does
    assert changed.body == await listed(live_url, member.headers, changed.body["id"])
    assert changed.body["value_after"] == [{"lead_status": {"id": stages[2], "pipeline_id": pipeline_id}}]
    assert int(added.id or 0) < int(changed.id or 0)


async def test_a_browser_session_opens_a_stream_too(tenant: Tenant, live_url: str, client):
    async with httpx.AsyncClient(base_url=live_url, timeout=httpx.Timeout(10, read=None)) as browser:
        await sign_in(browser, tenant)
        async with stream(browser) as reader:
            (lead,) = await create(client, tenant, "leads", [{"name": "Seen in the browser"}])
            assert [m.event for m in await reader.events(entity(lead))] == ["lead_added"]


async def test_own_view_rights_do_not_receive_another_users_lead_events(client, tenant: Tenant, live_url: str):
    me = await tenant.add_user(name="Me", rights=restricted_rights(
        leads={"view": "M", "edit": "M", "delete": "D", "export": "D"}))
    other = await tenant.add_user(name="Other")
    async with stream(live_url, me.headers) as reader:
        theirs, mine = await create(client, tenant, "leads", [{"name": "Theirs", "responsible_user_id": other.id},
                                                              {"name": "Mine", "responsible_user_id": me.id}])
        patched = await client.patch(f"/api/v4/leads/{theirs}", headers=tenant.headers, json={"name": "Theirs 2"})
        assert patched.status_code == 200
        patched = await client.patch(f"/api/v4/leads/{mine}", headers=tenant.headers, json={"name": "Mine 2"})
        assert patched.status_code == 200
        seen = await reader.events(lambda m: m.body["entity_id"] == mine and m.event == "name_field_changed")
    assert of(seen, theirs) == []
    assert [m.event for m in of(seen, mine)] == ["lead_added", "name_field_changed"]


async def test_a_lead_in_a_denied_stage_is_not_streamed(client, tenant: Tenant, live_url: str):
    pipeline_id, stages = await main_stages(client, tenant)
    hidden = stages[2]
    granted = restricted_rights()
    granted["status_rights"] = [{"entity_type": "leads", "pipeline_id": pipeline_id, "status_id": hidden,
                                 "rights": {"view": "D", "edit": "D", "delete": "D", "export": "D"}}]
    me = await tenant.add_user(name="Staged", rights=granted)
    async with stream(live_url, me.headers) as reader:
        (secret,) = await create(client, tenant, "leads", [{"name": "Secret", "status_id": hidden}])
        (shown,) = await create(client, tenant, "leads", [{"name": "Shown"}])
        seen = await reader.events(entity(shown))
    assert of(seen, secret) == []
    assert [m.event for m in seen] == ["lead_added"]


async def test_another_accounts_events_never_arrive(client, db, tenant: Tenant, live_url: str):
    other = await make_tenant(db)
    async with stream(live_url, tenant.headers) as reader:
        (theirs,) = await create(client, other, "leads", [{"name": "Theirs"}])
        (mine,) = await create(client, tenant, "leads", [{"name": "Mine"}])
        seen = await reader.events(entity(mine))
    assert {m.body["account_id"] for m in seen} == {tenant.id}
    assert of(seen, theirs) == []


async def test_resuming_delivers_what_was_missed_and_nothing_twice(client, tenant: Tenant, live_url: str):
    async with stream(live_url, tenant.headers) as reader:
        (first,) = await create(client, tenant, "leads", [{"name": "First"}])
        (got,) = await reader.events(entity(first))
    missed = await create(client, tenant, "leads", [{"name": "Missed 1"}, {"name": "Missed 2"}])
    for query in ("", "?since=1"):  # the header wins over ?since=
        async with stream(live_url, {**tenant.headers, "Last-Event-ID": str(got.id)}, query=query) as reader:
            (later,) = await create(client, tenant, "leads", [{"name": "Later"}])
            seen = await reader.events(entity(later))
        assert [m.body["entity_id"] for m in seen] == [*missed, later]
        missed.append(later)
        assert len({m.id for m in seen}) == len(seen)
        assert [int(m.id or 0) for m in seen] == sorted(int(m.id or 0) for m in seen)
    async with stream(live_url, tenant.headers, query=f"?since={got.id}") as reader:
        seen = await reader.events(entity(missed[-1]))
    assert [m.body["entity_id"] for m in seen] == missed


async def test_a_stream_without_a_cursor_starts_with_the_next_event(client, tenant: Tenant, live_url: str):
    (old,) = await create(client, tenant, "leads", [{"name": "Before"}])
    async with stream(live_url, tenant.headers) as reader:
        (new,) = await create(client, tenant, "leads", [{"name": "After"}])
        seen = await reader.events(entity(new))
    assert of(seen, old) == [] and len(seen) == 1


async def test_filters_narrow_the_stream(client, tenant: Tenant, live_url: str):
    watched, other = await create(client, tenant, "leads", [{"name": "Watched"}, {"name": "Other"}])
    async with stream(live_url, tenant.headers, query=f"?filter[entity]=leads&filter[entity_id]={watched}") as reader:
        await create(client, tenant, "contacts", [{"name": "Ann"}])
        for lead in (other, watched):
            patched = await client.patch(f"/api/v4/leads/{lead}", headers=tenant.headers, json={"price": 10})
            assert patched.status_code == 200
        seen = await reader.events(entity(watched))
    assert [(m.event, m.body["entity_id"]) for m in seen] == [("sale_field_changed", watched)]


async def test_the_safety_net_delivers_when_no_commit_is_announced(client, tenant: Tenant, live_url: str,
                                                                  streams: LiveStreams,
                                                                  monkeypatch: pytest.MonkeyPatch):
    commits.unsubscribe(streams.wake)  # no wake-up from commits or NOTIFY: only the poll finds the event
    try:
        monkeypatch.setattr(streams, "poll_seconds", 0.2)
        async with stream(live_url, tenant.headers) as reader:
            (lead,) = await create(client, tenant, "leads", [{"name": "Found by the poll"}])
            assert len(await reader.events(entity(lead), seconds=10)) == 1
    finally:
        commits.subscribe(streams.wake)


async def test_an_idle_stream_sends_heartbeat_comments(tenant: Tenant, live_url: str, streams: LiveStreams,
                                                      monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(streams, "heartbeat_seconds", 0.2)
    async with stream(live_url, tenant.headers) as reader:
        message = await reader.next()
    assert message is not None and message.comments == ["ping"] and message.event is None


async def test_a_deactivated_user_s_stream_ends(client, tenant: Tenant, live_url: str,
                                                monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(live, "REAUTH_SECONDS", 0.2)
    member = await tenant.add_user(name="Leaving")
    async with stream(live_url, member.headers) as reader:
        response = await client.post("/api/v4/users/deactivate", headers=tenant.headers, json=[{"id": member.id}])
        assert response.status_code < 300, response.text
        ended = False
        for _ in range(50):  # pings may come first; the stream must end within them
            message = await reader.next()
            if message is None:
                ended = True
                break
    assert ended


async def test_a_user_may_hold_a_few_streams_and_gets_429_beyond(tenant: Tenant, live_url: str,
                                                                streams: LiveStreams,
                                                                monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(streams, "per_user", 2)
    other = await tenant.add_user(name="Other")
    async with httpx.AsyncClient(base_url=live_url) as http:
        async with stream(live_url, tenant.headers), stream(live_url, tenant.headers):
            refused = await http.get(STREAM, headers=tenant.headers)
            assert refused.status_code == 429
            assert refused.headers["content-type"] == "application/problem+json"
            assert refused.headers["retry-after"]
            assert refused.json()["status"] == 429
            async with stream(live_url, other.headers):  # the cap is per user
                pass
        for _ in range(100):  # the places come back once the server has seen the clients go
            if streams.open_streams() == 0:
                break
            await asyncio.sleep(0.05)
        async with stream(live_url, tenant.headers), stream(live_url, tenant.headers):
            pass


async def test_unauthenticated_or_malformed_requests_get_a_problem_before_any_stream(tenant: Tenant, live_url: str):
    async with httpx.AsyncClient(base_url=live_url) as http:
        for headers, query, status in [
            ({}, "", 401),
            ({"Authorization": "Bearer not-a-token"}, "", 401),
            ({**tenant.headers, "Last-Event-ID": "abc"}, "", 400),
            ({**tenant.headers, "Last-Event-ID": "1" * 30}, "", 400),
            (tenant.headers, "?since=-1", 400),
            (tenant.headers, "?filter[entity_id]=3", 400),
            (tenant.headers, "?filter[entity]=nothing", 400),
        ]:
            response = await http.get(STREAM + query, headers=headers)
            assert response.status_code == status, (headers, query, response.text)
            assert response.headers["content-type"] == "application/problem+json"
