"""Failed sign-in throttling (issue 10): per account and email, per client address, with back-off."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest

from kanbo.auth import sessions
from kanbo.auth.throttle import LoginThrottle
from tests.auth.conftest import login


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(app) -> Iterator[FakeClock]:
    clock = FakeClock()
    original = getattr(app.state, "login_throttle", None)
    app.state.login_throttle = LoginThrottle(clock=clock, after=5, base=1, maximum=900)
    yield clock
    app.state.login_throttle = original if original is not None else LoginThrottle()


def client_from(app, address: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(address, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000")


async def test_five_failures_then_429_with_retry_after_doubling(client, tenant, clock):
    email = tenant.admin.user.email
    for _ in range(5):
        assert (await login(client, email, "wrong")).status_code == 401
    refused = await login(client, email, tenant.admin.password)  # even the right password waits
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "1"
    assert "Too many failed sign-ins" in refused.text
    clock.now += 1
    assert (await login(client, email, "wrong")).status_code == 401  # 6th failure: 2 s
    assert (await login(client, email, "wrong")).headers["Retry-After"] == "2"
    clock.now += 2
    assert (await login(client, email, "wrong")).status_code == 401  # 7th: 4 s
    assert (await login(client, email, "wrong")).headers["Retry-After"] == "4"


async def test_success_resets_the_email_counter_not_the_address_one(app, tenant, clock):
    email = tenant.admin.user.email
    async with client_from(app, "10.2.0.1") as http:
        for _ in range(4):
            assert (await login(http, email, "wrong")).status_code == 401
        assert (await login(http, email, tenant.admin.password)).status_code == 303
        http.cookies.clear()
        assert (await login(http, email, "wrong")).status_code == 401  # the address's 5th failure
        assert (await login(http, email, "wrong")).status_code == 429
    for i in range(3):  # the email counted from zero after the success: 1 + 3 failures, not blocked yet
        async with client_from(app, f"10.2.1.{i}") as http:
            assert (await login(http, email, "wrong")).status_code == 401
    async with client_from(app, "10.2.2.1") as http:
        assert (await login(http, email, tenant.admin.password)).status_code == 303


async def test_the_email_is_throttled_from_any_address(app, tenant, clock):
    email = tenant.admin.user.email
    for i in range(5):
        async with client_from(app, f"10.0.0.{i + 1}") as http:
            assert (await login(http, email, "wrong")).status_code == 401
    async with client_from(app, "10.0.0.99") as http:
        assert (await login(http, email, tenant.admin.password)).status_code == 429


async def test_an_address_is_throttled_across_emails(app, tenant, clock):
    async with client_from(app, "10.1.1.1") as http:
        for i in range(5):
            assert (await login(http, f"nobody{i}@nowhere.test", "wrong")).status_code == 401
        assert (await login(http, tenant.admin.user.email, tenant.admin.password)).status_code == 429
    async with client_from(app, "10.1.1.2") as http:
        assert (await login(http, tenant.admin.user.email, tenant.admin.password)).status_code == 303


async def test_a_failure_long_ago_is_forgotten(client, tenant, clock):
    email = tenant.admin.user.email
    for _ in range(4):
        assert (await login(client, email, "wrong")).status_code == 401
    clock.now += 901
    assert (await login(client, email, "wrong")).status_code == 401
    assert (await login(client, email, "wrong")).status_code == 401  # counted from 1 again


def test_throttle_unit() -> None:
    clock = FakeClock()
    throttle = LoginThrottle(clock=clock, after=5, base=1, maximum=900)
    keys = ["a", "b"]
    for _ in range(4):
        throttle.failed(keys)
    assert throttle.retry_after(keys) is None
    throttle.failed(keys)
    assert throttle.retry_after(keys) == 1
    assert throttle.retry_after(["c"]) is None
    throttle.succeeded("a")
    assert throttle.retry_after(["a"]) is None
    assert throttle.retry_after(["b"]) == 1
    for _ in range(40):
        throttle.failed(["b"])
    assert throttle.retry_after(["b"]) == 900
    disabled = LoginThrottle(clock=clock, after=0, base=1, maximum=900)
    for _ in range(50):
        disabled.failed(["x"])
    assert disabled.retry_after(["x"]) is None


async def test_password_check_runs_off_the_event_loop(client, tenant, clock, monkeypatch):
    calls: list[str] = []
    real = asyncio.to_thread

    async def spy(func, *args, **kwargs):
        calls.append(getattr(func, "__name__", repr(func)))
        return await real(func, *args, **kwargs)

    monkeypatch.setattr(sessions.asyncio, "to_thread", spy)
    assert (await login(client, tenant.admin.user.email, tenant.admin.password)).status_code == 303
    client.cookies.clear()
    assert (await login(client, "nobody@nowhere.test", "wrong")).status_code == 401
    assert calls == ["verify_password", "_verify_dummy"]
