"""The README's configuration table lists exactly the KANBO_* settings the code reads."""

from __future__ import annotations

import ast
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "src" / "kanbo"
PREFIX = "KANBO_"
_NAME = re.compile(r"^KANBO_[A-Z0-9_]+$")
_ROW = re.compile(r"^\|\s*`(KANBO_[A-Z0-9_]+)`\s*\|")


def _constant(node: ast.AST | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _is_environ(node: ast.AST) -> bool:
    """``os.environ`` or a bare ``environ``."""
    return (isinstance(node, ast.Attribute) and node.attr == "environ") or (
        isinstance(node, ast.Name) and node.id == "environ")


def _is_lookup(func: ast.AST) -> bool:
    """``os.environ.get``, ``environ.get``, ``os.getenv``, ``getenv``."""
    if isinstance(func, ast.Attribute):
        return (func.attr == "get" and _is_environ(func.value)) or func.attr == "getenv"
    return isinstance(func, ast.Name) and func.id == "getenv"


def _first_parameter(function: ast.FunctionDef) -> str | None:
    return function.args.args[0].arg if function.args.args else None


def _prefixing_helpers(tree: ast.Module) -> set[str]:
    """Functions of a module that read ``KANBO_<first argument>`` (``_env("HOME", …)`` reads
    KANBO_HOME), directly through ``f"KANBO_{name}"`` or by passing their first argument on to one."""
    functions = [node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)]
    helpers = set()
    for function in functions:
        parameter = _first_parameter(function)
        for node in ast.walk(function):
            if (isinstance(node, ast.JoinedStr) and len(node.values) == 2 and _constant(node.values[0]) == PREFIX
                    and isinstance(node.values[1], ast.FormattedValue)
                    and isinstance(node.values[1].value, ast.Name) and node.values[1].value.id == parameter):
                helpers.add(function.name)
    while True:
        grown = {
            function.name
            for function in functions
            for node in ast.walk(function)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in helpers
            and node.args and isinstance(node.args[0], ast.Name) and node.args[0].id == _first_parameter(function)
        } | helpers
        if grown == helpers:
            return helpers
        helpers = grown


def _names_in(tree: ast.Module) -> Iterator[str]:
    helpers = _prefixing_helpers(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args:
            first = _constant(node.args[0])
            if first is None:
                continue
            if _is_lookup(node.func) and _NAME.match(first):
                yield first
            elif isinstance(node.func, ast.Name) and node.func.id in helpers and re.match(r"^[A-Z0-9_]+$", first):
                yield PREFIX + first
        elif isinstance(node, ast.Subscript) and _is_environ(node.value):
            name = _constant(node.slice)
            if name is not None and _NAME.match(name):
                yield name


def names_in_the_source() -> set[str]:
    names: set[str] = set()
    for path in sorted(SOURCE.rglob("*.py")):
        names.update(_names_in(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))))
    return names


class _RecordingEnviron(dict[str, str]):
    """An environment that remembers every name looked up in it."""

    def __init__(self, base: dict[str, str]) -> None:
        super().__init__(base)
        self.looked_up: set[str] = set()

    def get(self, key: str, default: Any = None) -> Any:
        self.looked_up.add(key)
        return super().get(key, default)

    def __getitem__(self, key: str) -> str:
        self.looked_up.add(key)
        return super().__getitem__(key)

    def __contains__(self, key: object) -> bool:
        if isinstance(key, str):
            self.looked_up.add(key)
        return super().__contains__(key)


def names_the_settings_read(monkeypatch: pytest.MonkeyPatch) -> set[str]:
    """Whatever the settings look up when they are built, however they are declared."""
    from kanbo.config import Settings

    environ = _RecordingEnviron({k: v for k, v in os.environ.items() if not k.startswith(PREFIX)})
    monkeypatch.setattr(os, "environ", environ)
    Settings()
    monkeypatch.undo()
    return {name for name in environ.looked_up if name.startswith(PREFIX)}


def names_in_the_readme() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    table = section.split("\n\n")
    rows = [line for block in table if block.lstrip().startswith("| variable") for line in block.splitlines()]
    return [found.group(1) for line in rows if (found := _ROW.match(line))]


def test_the_source_scan_finds_what_the_settings_read(monkeypatch: pytest.MonkeyPatch):
    scanned = names_in_the_source()
    assert {"KANBO_DATABASE_URL", "KANBO_HOME", "KANBO_ARGON2_PROFILE"} <= scanned
    assert names_the_settings_read(monkeypatch) <= scanned


def test_configuration_table_lists_every_setting_once(monkeypatch: pytest.MonkeyPatch):
    documented = names_in_the_readme()
    assert len(documented) == len(set(documented)), "a variable is listed twice"
    read = names_in_the_source() | names_the_settings_read(monkeypatch)
    assert sorted(read - set(documented)) == [], "read by the code but missing from the README's table"
    assert sorted(set(documented) - read) == [], "in the README's table but read nowhere"
