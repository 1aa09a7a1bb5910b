"""Webhook benchmark (issue 5): event commit → first delivery attempt at a steady rate, and the drain rate
of a backlog of queued deliveries, against a local sink. Not a test; results go to docs/benchmarks.md.

    .venv/bin/python bench/webhooks.py [--url sqlite+aiosqlite:////tmp/bench.db] [--rate 200] [--seconds 10]
                                       [--per-request 10] [--backlog 10000]

The API (through an in-process ASGI client, at most 8 requests in flight) and one worker share one process
and one event loop, as with ``kanbo serve``; the sink is a process of its own, as a receiver would be.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import multiprocessing
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from multiprocessing.connection import Connection
from multiprocessing.synchronize import Event
from pathlib import Path
from urllib.parse import parse_qsl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("KANBO_WEBHOOKS_ALLOW_PRIVATE", "true")
os.environ.setdefault("KANBO_WORKER_IN_PROCESS", "false")
os.environ.setdefault("KANBO_RATE_LIMIT_RPS", "0")
os.environ.setdefault("KANBO_ARGON2_PROFILE", "test")

import httpx
from sqlalchemy import func, insert, select

from kanbo.core.db import bind_account
from kanbo.models.webhooks import Webhook, WebhookDelivery


def serve_sink(conn: Connection, ready: Event) -> None:
    """The receiving server, in a process of its own (an external server): answers 200 at once and
    reports ``(monotonic time, lead ids)`` of every request through ``conn``."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                if not await reader.readline():
                    return
                length = 0
                while True:
                    raw = await reader.readline()
                    if raw in (b"\r\n", b""):
                        break
                    name, _, value = raw.decode("latin-1").partition(":")
                    if name.strip().lower() == "content-length":
                        length = int(value)
                body = await reader.readexactly(length)
                at = time.monotonic()
                ids = [value for key, value in parse_qsl(body.decode())
                       if key.startswith("leads[add][") and key.endswith("][id]")]
                conn.send((at, ids))
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    async def main() -> None:
        server = await asyncio.start_server(handle, "127.0.0.1", 0, backlog=1024)
        conn.send(server.sockets[0].getsockname()[1])
        ready.set()
        await server.serve_forever()

    asyncio.run(main())


class Sink:
    """The parent's view of the sink process: when each lead id was first received, how many requests."""

    def __init__(self) -> None:
        self.first_seen: dict[str, float] = {}
        self.count = 0
        self.port = 0
        self._conn, child = multiprocessing.Pipe(duplex=False)
        ready = multiprocessing.Event()
        self._process = multiprocessing.Process(target=serve_sink, args=(child, ready), daemon=True)
        self._process.start()
        ready.wait(10)
        self.port = self._conn.recv()
        # A thread empties the pipe at once, so that the sink never waits for the benchmark's event loop.
        threading.Thread(target=self._collect, daemon=True).start()

    def _collect(self) -> None:
        with contextlib.suppress(EOFError, OSError):
            while True:
                at, ids = self._conn.recv()
                for lead_id in ids:
                    self.first_seen.setdefault(lead_id, at)
                self.count += 1


    def close(self) -> None:
        self._process.kill()


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def main(url: str, rate: int, seconds: int, per_request: int, backlog: int) -> None:
    from tests.support.factories import make_tenant

    from kanbo.app import create_app
    from kanbo.core import migrate
    from kanbo.webhooks.worker import run_worker

    await asyncio.to_thread(migrate.upgrade, url)
    sink = Sink()
    app = create_app(url)
    async with app.router.lifespan_context(app):
        db = app.state.db
        tenant = await make_tenant(db)
        stamp = int(time.time())
        async with db.transaction() as session:
            bind_account(session, tenant.id)
            hook = Webhook(destination=f"http://127.0.0.1:{sink.port}/hook", settings=["add_lead"], sort=0,
                           disabled=False, format="kommo", created_by=0, created_at=stamp, updated_at=stamp)
            session.add(hook)
            await session.flush()
            hook_id = hook.id

        # 1. Latency at a steady rate: ``per_request`` leads per API request, ``rate`` leads a second.
        stop = asyncio.Event()
        worker = asyncio.create_task(run_worker(db, stop=stop))
        committed: dict[str, float] = {}
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as api:
            gate = asyncio.Semaphore(8)  # like a server's bounded concurrency: at most 8 requests in flight

            async def one(n: int) -> None:
                leads = [{"name": f"Bench {n}-{i}"} for i in range(per_request)]
                async with gate:
                    response = await api.post("/api/v4/leads", json=leads, headers=tenant.headers)
                done = time.monotonic()
                for lead in response.json()["_embedded"]["leads"]:
                    committed[str(lead["id"])] = done

            # Warm up (first requests compile statements and fill caches), then measure the steady state.
            for n in range(5):
                await one(-1 - n)
            for _ in range(200):
                if all(key in sink.first_seen for key in committed):
                    break
                await asyncio.sleep(0.05)
            committed.clear()

            requests = rate * seconds // per_request
            started = time.monotonic()
            tasks = []
            for n in range(requests):
                delay = started + n * per_request / rate - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
                tasks.append(asyncio.create_task(one(n)))
            await asyncio.gather(*tasks)
            offered = len(committed) / (time.monotonic() - started)
            for _ in range(1200):  # up to a minute for the last deliveries
                if all(key in sink.first_seen for key in committed):
                    break
                await asyncio.sleep(0.05)
        stop.set()
        await worker
        latencies = [max(0.0, sink.first_seen[k] - v) for k, v in committed.items() if k in sink.first_seen]
        print(f"latency: {len(latencies)}/{len(committed)} events committed at {offered:.0f} events/s "
              f"({per_request} per request); p50 {statistics.median(latencies) * 1000:.0f} ms, "
              f"p90 {pct(latencies, 0.90) * 1000:.0f} ms, p99 {pct(latencies, 0.99) * 1000:.0f} ms, "
              f"max {max(latencies) * 1000:.0f} ms; "
              f"{sink.count} requests")

        # 2. Drain a backlog of queued deliveries.
        body = f"leads[add][0][id]=1&account[id]={tenant.id}"
        async with db.transaction() as session:
            bind_account(session, tenant.id)
            for start in range(0, backlog, 1000):
                await session.execute(insert(WebhookDelivery), [
                    {"uid": uuid.uuid4().hex, "webhook_id": hook_id, "event_seqs": [], "codes": ["add_lead"],
                     "content_type": "application/x-www-form-urlencoded", "body": body, "state": "pending",
                     "attempts": 0, "next_attempt_at": stamp, "created_at": stamp, "updated_at": stamp}
                    for _ in range(start, min(backlog, start + 1000))
                ])
        before = sink.count
        stop = asyncio.Event()
        started = time.monotonic()
        worker = asyncio.create_task(run_worker(db, stop=stop))
        while True:
            async with db.transaction(write=False) as session:
                bind_account(session, tenant.id)
                pending = await session.scalar(select(func.count()).select_from(WebhookDelivery)
                                               .where(WebhookDelivery.state == "pending"))
            if not pending:
                break
            await asyncio.sleep(0.1)
        elapsed = time.monotonic() - started
        stop.set()
        await worker
        await asyncio.sleep(0.2)  # the sink's last reports reach the collecting thread
        print(f"drain: {backlog} deliveries in {elapsed:.1f} s = {backlog / elapsed:.0f}/s "
              f"({sink.count - before} requests)")
    sink.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default="")
    parser.add_argument("--rate", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--per-request", type=int, default=10, help="leads per API request")
    parser.add_argument("--backlog", type=int, default=10000)
    args = parser.parse_args()
    url = args.url or f"sqlite+aiosqlite:///{tempfile.mkdtemp()}/bench.db"
    asyncio.run(main(url, args.rate, args.seconds, args.per_request, args.backlog))
