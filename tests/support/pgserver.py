"""A private PostgreSQL server for one test run, started from the installed binaries.

Used when ``KANBO_TEST_PG_URL`` names no reachable server: ``initdb`` in a temporary directory, a
server on a free loopback port with its socket in that directory, stopped when the run ends. As root
(CI runs as root) the server runs as the ``postgres`` system user, since PostgreSQL refuses root.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path


class NoPostgres(RuntimeError):
    """No PostgreSQL binaries are installed, or the private server would not start."""


def find_bin_dir() -> Path:
    """The newest installed PostgreSQL ``bin`` directory (Debian's layout, then ``PATH``)."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                        key=lambda p: int(Path(p).parent.parent.name) if Path(p).parent.parent.name.isdigit() else 0)
    if candidates:
        return Path(candidates[-1]).parent
    on_path = shutil.which("initdb")
    if on_path:
        return Path(on_path).parent
    raise NoPostgres("no PostgreSQL server is reachable and none is installed (initdb not found); install "
                     "PostgreSQL (Debian: apt-get install postgresql) or set KANBO_TEST_PG_URL")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class PrivateServer:
    directory: Path
    bin_dir: Path
    port: int
    run_as: str | None

    @property
    def admin_url(self) -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        command = [str(self.bin_dir / args[0]), *args[1:]]
        if self.run_as:
            command = ["runuser", "-u", self.run_as, "--", *command]
        return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)

    def start(self) -> None:
        data = self.directory / "data"
        made = self._run("initdb", "-D", str(data), "-U", "postgres", "--auth=trust", "--no-sync",
                         "--encoding=UTF8", "--locale=C")
        if made.returncode != 0:
            raise NoPostgres(f"initdb failed: {made.stderr.strip() or made.stdout.strip()}")
        options = (f"-c listen_addresses=127.0.0.1 -p {self.port} -c unix_socket_directories={self.directory} "
                   "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
        started = self._run("pg_ctl", "-D", str(data), "-o", options, "-l", str(self.directory / "server.log"),
                            "-w", "-t", "60", "start")
        if started.returncode != 0:
            log = (self.directory / "server.log")
            raise NoPostgres(f"the private PostgreSQL server did not start: {started.stderr.strip()} "
                             f"{log.read_text()[-2000:] if log.exists() else ''}")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.directory / "data"), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.directory, ignore_errors=True)


def start_private_server() -> PrivateServer:
    bin_dir = find_bin_dir()
    directory = Path(tempfile.mkdtemp(prefix="kanbo-pg-"))
    run_as = None
    if os.geteuid() == 0:
        run_as = "postgres"
        account = pwd.getpwnam(run_as)
        os.chown(directory, account.pw_uid, account.pw_gid)
    server = PrivateServer(directory=directory, bin_dir=bin_dir, port=_free_port(), run_as=run_as)
    try:
        server.start()
    except Exception:
        shutil.rmtree(directory, ignore_errors=True)
        raise
    return server
