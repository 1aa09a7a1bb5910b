"""Where the database is: KANBO_HOME, the default ./var, relative SQLite paths made absolute once."""

from __future__ import annotations

from pathlib import Path

import pytest

from kanbo.config import absolute_sqlite_url, data_home, database_url
from kanbo.core.db import describe_database, sqlite_file


@pytest.fixture
def elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The current directory is a fresh folder; neither setting is in the environment."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KANBO_DATABASE_URL", raising=False)
    monkeypatch.delenv("KANBO_HOME", raising=False)
    return tmp_path.resolve()


def test_default_is_var_in_the_current_directory_as_an_absolute_path(elsewhere: Path):
    assert data_home() == elsewhere / "var"
    assert database_url() == f"sqlite+aiosqlite:///{elsewhere / 'var' / 'kanbo.db'}"
    assert sqlite_file(database_url()) == str(elsewhere / "var" / "kanbo.db")


@pytest.mark.parametrize("home", ["data", "./data/", "{tmp}/data"])
def test_kanbo_home_chooses_the_data_folder(elsewhere: Path, monkeypatch: pytest.MonkeyPatch, home: str):
    monkeypatch.setenv("KANBO_HOME", home.format(tmp=elsewhere))
    assert data_home() == elsewhere / "data"
    assert describe_database(database_url()) == str(elsewhere / "data" / "kanbo.db")


def test_kanbo_home_expands_the_home_folder(elsewhere: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("HOME", str(elsewhere))
    monkeypatch.setenv("KANBO_HOME", "~/.kanbo")
    assert data_home() == elsewhere / ".kanbo"


def test_empty_kanbo_home_means_the_default(elsewhere: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("KANBO_HOME", " ")
    assert data_home() == elsewhere / "var"


def test_database_url_wins_over_kanbo_home(elsewhere: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("KANBO_HOME", "data")
    monkeypatch.setenv("KANBO_DATABASE_URL", f"sqlite:///{elsewhere}/other.db")
    assert database_url() == f"sqlite+aiosqlite:///{elsewhere}/other.db"


@pytest.mark.parametrize("url", ["sqlite:///rel/kanbo.db", "sqlite+aiosqlite:///./rel/kanbo.db",
                                 "sqlite+aiosqlite:///rel/../rel/kanbo.db"])
def test_relative_sqlite_paths_become_absolute(elsewhere: Path, monkeypatch: pytest.MonkeyPatch, url: str):
    monkeypatch.setenv("KANBO_DATABASE_URL", url)
    assert database_url() == f"sqlite+aiosqlite:///{elsewhere / 'rel' / 'kanbo.db'}"


@pytest.mark.parametrize("url", [
    "sqlite+aiosqlite:////var/lib/kanbo/kanbo.db",
    "sqlite+aiosqlite:///:memory:",
    "sqlite+aiosqlite://",
    "postgresql+asyncpg://kanbo:secret@db.example:5432/kanbo",
    "not a url at all",
])
def test_other_urls_are_left_alone(url: str):
    assert absolute_sqlite_url(url) == url


def test_describe_database_hides_passwords():
    url = "postgresql+asyncpg://kanbo:secret@db.example:5432/kanbo"
    assert describe_database(url) == "postgresql+asyncpg://kanbo:***@db.example:5432/kanbo"
    assert "secret" not in describe_database("not a url: secret")
