"""Event streams across real ``kanbo serve`` processes: a change made through one API process reaches a
stream held by another (``NOTIFY`` on PostgreSQL, with the safety-net poll out of reach; the poll on
SQLite), and a server with a stream open stops promptly on SIGTERM and SIGINT."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from tests.support import databases
from tests.support.factories import Tenant
from tests.support.live import stream

pytestmark = pytest.mark.slow


@contextlib.asynccontextmanager
async def kanbo_serve(url: str, log: Path, **settings: str) -> AsyncIterator[tuple[asyncio.subprocess.Process, str]]:
    """``kanbo serve`` on a free port of the test database; the process and its base URL, once it answers."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KANBO_")}
    env.update({"KANBO_DATABASE_URL": url, "KANBO_WORKER_IN_PROCESS": "false", "KANBO_RATE_LIMIT_RPS": "0",
                "KANBO_ARGON2_PROFILE": "test", "PYTHONUNBUFFERED": "1", **settings})
    with log.open("ab") as errors:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "kanbo", "serve", "--port", "0", "--no-demo", env=env,
            stdout=asyncio.subprocess.PIPE, stderr=errors)
    try:
        assert process.stdout is not None
        line = await asyncio.wait_for(process.stdout.readline(), 60)
        assert line, f"kanbo serve did not start; see {log}"
        base = json.loads(line)["listening"]
        await _answering(base, log)
        yield process, base
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def _answering(base: str, log: Path) -> None:
    """Until uvicorn answers (the port is bound before it starts, and refuses connections until then)."""
    deadline = time.monotonic() + 60
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        while True:
            try:
                assert (await http.get("/api/v4/account")).status_code == 401
                return
            except httpx.ConnectError:
                assert time.monotonic() < deadline, f"kanbo serve does not answer; see {log}"
                await asyncio.sleep(0.1)


async def test_a_change_through_one_process_reaches_a_stream_on_another(
        test_database: databases.TestDatabase, tenant: Tenant, tmp_path: Path) -> None:
    # PostgreSQL: only NOTIFY can bring it within the wait (the poll would take 10 minutes). SQLite: the poll.
    poll = "600" if test_database.kind == "postgresql" else "0.3"
    async with contextlib.AsyncExitStack() as stack:
        (_, one), (_, two) = await asyncio.gather(
            stack.enter_async_context(kanbo_serve(test_database.url, tmp_path / "one.log",
                                                  KANBO_STREAM_POLL_SECONDS=poll)),
            stack.enter_async_context(kanbo_serve(test_database.url, tmp_path / "two.log",
                                                  KANBO_STREAM_POLL_SECONDS=poll)))
        async with stream(two, tenant.headers) as reader, httpx.AsyncClient(base_url=one) as http:
            response = await http.post("/api/v4/leads", headers=tenant.headers, json=[{"name": "Across"}])
            assert response.status_code == 200, response.text
            lead = response.json()["_embedded"]["leads"][0]["id"]
            seen = await reader.events(lambda m: m.body["entity_id"] == lead, seconds=5)
    assert [m.event for m in seen] == ["lead_added"]


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
async def test_serve_stops_promptly_with_a_stream_open(
        test_database: databases.TestDatabase, tenant: Tenant, tmp_path: Path, signum: int) -> None:
    async with kanbo_serve(test_database.url, tmp_path / "serve.log") as (process, base), \
            stream(base, tenant.headers) as reader:
        started = time.monotonic()
        process.send_signal(signum)
        assert await reader.next(10) is None  # the server ended the stream: no hanging read
        await asyncio.wait_for(process.wait(), 10)
        assert time.monotonic() - started < 10
    assert "timeout graceful shutdown exceeded" not in await asyncio.to_thread((tmp_path / "serve.log").read_text)
