"""The README's configuration table lists exactly the KANBO_* settings the code reads."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

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
        elif isinstance(node, ast.keyword) and node.arg == "validation_alias":
            name = _constant(node.value)  # a pydantic-settings field of config.py
            if name is not None and _NAME.match(name):
                yield name
        elif isinstance(node, ast.Subscript) and _is_environ(node.value):
            name = _constant(node.slice)
            if name is not None and _NAME.match(name):
                yield name


def names_in_the_source() -> set[str]:
    names: set[str] = set()
    for path in sorted(SOURCE.rglob("*.py")):
        names.update(_names_in(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))))
    return names


def names_the_settings_read() -> set[str]:
    """The variables of every settings group, as pydantic-settings will look them up."""
    from dataclasses import fields

    from kanbo.config import Settings

    names: set[str] = set()
    for group in fields(Settings):
        model = group.default_factory  # type: ignore[misc]
        for name, info in model.model_fields.items():  # type: ignore[union-attr]
            alias = info.validation_alias
            assert isinstance(alias, str), f"{model.__name__}.{name} must name its variable (validation_alias)"
            names.add(alias)
    return names


def names_in_the_readme() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    table = section.split("\n\n")
    rows = [line for block in table if block.lstrip().startswith("| variable") for line in block.splitlines()]
    return [found.group(1) for line in rows if (found := _ROW.match(line))]


def test_the_source_scan_finds_what_the_settings_read():
    scanned = names_in_the_source()
    assert {"KANBO_DATABASE_URL", "KANBO_HOME", "KANBO_ARGON2_PROFILE"} <= scanned
    declared = names_the_settings_read()
    assert {"KANBO_DATABASE_URL", "KANBO_WEBHOOKS_RETRY_SCHEDULE"} <= declared
    assert declared <= scanned


def test_configuration_table_lists_every_setting_once():
    documented = names_in_the_readme()
    assert len(documented) == len(set(documented)), "a variable is listed twice"
    read = names_in_the_source() | names_the_settings_read()
    assert sorted(read - set(documented)) == [], "read by the code but missing from the README's table"
    assert sorted(set(documented) - read) == [], "in the README's table but read nowhere"


def test_the_readmes_pictures_exist():
    """Every image the README shows is in the repository (``make screenshots`` writes them)."""
    readme = (ROOT / "README.md").read_text("utf-8")
    images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", readme)
    assert {"docs/screenshots/board.png", "docs/screenshots/lead-card.png"} <= set(images)
    for image in images:
        path = ROOT / image
        assert path.is_file() and path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", image
