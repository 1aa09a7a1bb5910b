"""The private PostgreSQL server the suite starts when none is reachable (issue 10 §5)."""

from __future__ import annotations

import asyncio

import pytest

from tests.support import pgserver
from tests.support.databases import _pg_execute


def test_no_installed_postgresql_is_a_clear_failure(monkeypatch):
    monkeypatch.setattr(pgserver.glob, "glob", lambda pattern: [])
    monkeypatch.setattr(pgserver.shutil, "which", lambda name: None)
    with pytest.raises(pgserver.NoPostgres, match="none is installed"):
        pgserver.find_bin_dir()


@pytest.mark.slow
def test_a_private_server_starts_answers_and_goes_away():
    server = pgserver.start_private_server()
    try:
        asyncio.run(_pg_execute(server.admin_url, "CREATE DATABASE private_check"))
    finally:
        server.stop()
    assert not server.directory.exists()
    with pytest.raises(OSError):
        asyncio.run(_pg_execute(server.admin_url, "SELECT 1"))
