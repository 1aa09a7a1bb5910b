"""A first run from any folder: where the database is, a new one said plainly, a taken port, `make run`."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from tests.support import databases

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]



@dataclass
class Run:
    code: int
    out: dict[str, Any]
    stderr: str


def kanbo(*args: str, cwd: Path, **settings: str) -> Run:
    """``kanbo`` in ``cwd`` with only the given KANBO_ settings (``home="x"`` is KANBO_HOME)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KANBO_")}
    env.update({f"KANBO_{name.upper()}": value for name, value in settings.items()})
    done = subprocess.run([sys.executable, "-m", "kanbo", *args], env=env, cwd=cwd, capture_output=True, text=True,
                          timeout=60)
    lines = done.stdout.splitlines()
    assert len(lines) == 1, f"expected one line on stdout, got {done.stdout!r} (stderr: {done.stderr})"
    return Run(done.returncode, json.loads(lines[0]), done.stderr)


def test_another_folder_never_gets_a_silent_new_database(tmp_path: Path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    run = kanbo("token", "create", "--subdomain", "demo", "--user", "admin@demo.local", cwd=elsewhere)
    assert run.code != 0
    assert str(elsewhere / "var" / "kanbo.db") in run.out["error"] and "KANBO_HOME" in run.out["error"]
    assert not (elsewhere / "var").exists()


def test_kanbo_home_chooses_the_data_folder_and_a_new_database_is_announced(tmp_path: Path):
    home = tmp_path / "home"
    first_folder, second_folder = tmp_path / "a", tmp_path / "b"
    first_folder.mkdir()
    second_folder.mkdir()
    database = str(home / "kanbo.db")

    first = kanbo("migrate", cwd=first_folder, home=str(home))
    assert first.code == 0, first
    assert first.out == {"migrated": True, "database": database, "new_database": True}
    assert f"creating a new empty database at {database}" in first.stderr
    assert Path(database).is_file()

    again = kanbo("migrate", cwd=second_folder, home=str(home))
    assert again.out == {"migrated": True, "database": database, "new_database": False}
    assert "new empty database" not in again.stderr

    created = kanbo("account", "create", "--subdomain", "homed", "--name", "Homed", "--admin-email", "a@homed.test",
                    cwd=second_folder, home=str(home))
    assert created.code == 0 and created.out["subdomain"] == "homed"
    assert not (first_folder / "var").exists() and not (second_folder / "var").exists()


def test_relative_locations_are_shown_absolute(tmp_path: Path):
    relative_home = kanbo("migrate", cwd=tmp_path, home="data")
    assert relative_home.out["database"] == str(tmp_path.resolve() / "data" / "kanbo.db")
    relative_url = kanbo("migrate", cwd=tmp_path, database_url="sqlite:///db/here.db")
    assert relative_url.out["database"] == str(tmp_path.resolve() / "db" / "here.db")
    default = kanbo("migrate", cwd=tmp_path)
    assert default.out["database"] == str(tmp_path.resolve() / "var" / "kanbo.db")
    assert default.out["new_database"] is True


@pytest.fixture
def empty_postgres() -> Iterator[str]:
    with databases.fresh_pg_database() as url:
        yield url


def test_empty_postgresql_database(empty_postgres: str, tmp_path: Path):
    shown = make_url(empty_postgres).render_as_string(hide_password=True)
    refused = kanbo("account", "create", "--subdomain", "pg", "--name", "PG", "--admin-email", "a@pg.test",
                    cwd=tmp_path, database_url=empty_postgres)
    assert refused.code != 0 and "is empty" in refused.out["error"] and "kanbo migrate" in refused.out["error"]
    migrated = kanbo("migrate", cwd=tmp_path, database_url=empty_postgres)
    assert migrated.out == {"migrated": True, "database": shown, "new_database": True}
    assert "is empty" in migrated.stderr
    assert kanbo("migrate", cwd=tmp_path, database_url=empty_postgres).out["new_database"] is False


def test_serve_on_a_taken_port_is_one_clear_error(tmp_path: Path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        run = kanbo("serve", "--port", str(port), cwd=tmp_path, home=str(tmp_path / "home"))
    assert run.code != 0
    assert set(run.out) == {"error"}
    assert f"port {port} on 127.0.0.1 is already in use" in run.out["error"]
    assert "\n" not in run.out["error"]
    assert not (tmp_path / "home").exists()  # it stopped before touching the database


@pytest.mark.parametrize(("args", "expected"), [(["--port", "70000"], "70000 is not a port number"),
                                                (["--host", "no-such-host.invalid"], "cannot listen on")])
def test_serve_on_an_impossible_address_is_one_clear_error(tmp_path: Path, args: list[str], expected: str):
    run = kanbo("serve", *args, cwd=tmp_path, home=str(tmp_path / "home"))
    assert run.code != 0 and expected in run.out["error"]


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_run_takes_port_and_host():
    def command(*variables: str) -> str:
        env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS")}
        done = subprocess.run(["make", "--no-print-directory", "-n", "run", *variables], cwd=ROOT,
                              capture_output=True, text=True, timeout=30,
                              env={**env, "HOST": "from-the-environment", "PORT": "1"})
        assert done.returncode == 0, done.stderr
        serving = [line for line in done.stdout.splitlines() if "kanbo serve" in line]
        assert len(serving) == 1, done.stdout
        return serving[0].strip()

    assert command("PORT=8080", "HOST=0.0.0.0").endswith("kanbo serve --host 0.0.0.0 --port 8080")
    assert command().endswith("kanbo serve --host 127.0.0.1 --port 8000")
