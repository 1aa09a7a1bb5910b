"""A real ``kanbo serve`` for the browser tests: a subprocess on a free port, a temporary KANBO_HOME.

On the SQLite run it serves a fresh SQLite file in that home; on the PostgreSQL run a fresh database made
(and dropped) with the suite's own helpers (``tests/support/databases.py``). ``--demo`` makes the demo
account on both; its login, password and token are read from the JSON line ``serve`` prints on start.
The server's stdout and stderr go to one log file, shown when a test fails.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

START_SECONDS = 60  # migrations on a busy two-core machine, PostgreSQL included

# The suite's settings for speed and isolation (tests/conftest.py), plus: many failed sign-ins from one
# address in a run must not throttle the next test (the suite resets its in-process throttle instead).
SERVER_ENV = {
    "KANBO_ARGON2_PROFILE": "test",
    "KANBO_RATE_LIMIT_RPS": "0",
    "KANBO_SESSION_RATE_LIMIT_RPS": "0",
    "KANBO_WORKER_IN_PROCESS": "false",
    "KANBO_LOGIN_THROTTLE_AFTER": "1000000",
}


class ServerFailed(Exception):
    """``kanbo serve`` did not start; the message holds its output."""


@dataclass
class KanboServer:
    """A running ``kanbo serve`` and its demo account (an admin)."""

    base_url: str  # http://127.0.0.1:<port>, no trailing slash
    email: str  # the demo admin's login
    password: str
    token: str  # a long-lived bearer token of the demo admin
    subdomain: str
    account_id: int
    user_id: int  # the demo admin's id
    database: str  # "sqlite" or "postgresql"
    log: Path  # the server's stdout and stderr
    process: subprocess.Popen[bytes] = field(repr=False)

    def url(self, path: str) -> str:
        return self.base_url + path

    def log_size(self) -> int:
        return self.log.stat().st_size if self.log.exists() else 0

    def output(self, since: int = 0) -> str:
        with self.log.open("rb") as handle:
            handle.seek(since)
            return handle.read().decode("utf-8", "replace")

    def stop(self) -> None:
        stop_process(self.process)


def server_env(home: Path, database_url: str | None, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The test run's environment without its KANBO_* settings, plus the server's own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KANBO_")}
    env.update(SERVER_ENV, KANBO_HOME=str(home), PYTHONUNBUFFERED="1")
    env.update(extra or {})
    if database_url is not None:
        env["KANBO_DATABASE_URL"] = database_url
    return env


def start_server(home: Path, database: str, database_url: str | None = None, *,
                 extra_env: dict[str, str] | None = None) -> KanboServer:
    """Start ``kanbo serve --demo`` on a free loopback port and wait until it answers with the demo token.

    ``database_url=None`` serves ``home``'s SQLite file; ``extra_env`` adds or overrides KANBO_* settings."""
    home.mkdir(parents=True, exist_ok=True)
    log = home / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "kanbo", "serve", "--host", "127.0.0.1", "--port", "0", "--demo"],
            env=server_env(home, database_url, extra_env), cwd=home, stdout=out, stderr=subprocess.STDOUT,
        )
    try:
        started = _first_json_line(process, log)
        demo = started.get("demo")
        if "listening" not in started or not demo:
            raise ServerFailed(f"kanbo serve printed {started!r}, not a listening address and a new demo account")
        account = _wait_ready(process, started["listening"], demo["access_token"])
        return KanboServer(
            base_url=started["listening"], email=demo["login"], password=demo["password"],
            token=demo["access_token"], subdomain=demo["subdomain"], account_id=account["id"],
            user_id=account["current_user_id"], database=database, log=log, process=process,
        )
    except BaseException as error:
        stop_process(process)
        output = log.read_text("utf-8", "replace")
        raise ServerFailed(f"{error}\n--- kanbo serve output ---\n{output}") from None


def _first_json_line(process: subprocess.Popen[bytes], log: Path) -> dict[str, Any]:
    """``serve`` prints one JSON object on stdout once the database is ready (stderr may come first)."""
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        for line in log.read_text("utf-8", "replace").splitlines(keepends=True):
            if line.startswith("{") and line.endswith("\n"):
                started = json.loads(line)
                if "error" in started:
                    raise ServerFailed(f"kanbo serve failed: {started['error']}")
                return dict(started)
        if process.poll() is not None:
            raise ServerFailed(f"kanbo serve exited with {process.returncode} before it started")
        time.sleep(0.05)
    raise ServerFailed(f"kanbo serve printed nothing in {START_SECONDS} s")


def _wait_ready(process: subprocess.Popen[bytes], base_url: str, token: str) -> dict[str, Any]:
    """Poll ``/api/v4/account`` with the demo token until uvicorn answers; return the account."""
    deadline = time.monotonic() + START_SECONDS
    headers = {"Authorization": f"Bearer {token}"}
    while True:
        try:
            response = httpx.get(f"{base_url}/api/v4/account", headers=headers, timeout=5)
        except httpx.TransportError:
            if process.poll() is not None:
                raise ServerFailed(f"kanbo serve exited with {process.returncode}") from None
            if time.monotonic() > deadline:
                raise ServerFailed(f"kanbo serve did not answer on {base_url} in {START_SECONDS} s") from None
            time.sleep(0.05)
            continue
        if response.status_code != 200:
            raise ServerFailed(f"GET /api/v4/account with the demo token answered {response.status_code}: "
                               f"{response.text}")
        return dict(response.json())


def stop_process(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
