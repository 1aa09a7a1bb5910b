"""``kanbo openapi`` and the committed ``web/src/api/openapi.json`` the UI's client is generated from."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from kanbo.http.openapi import dumps

COMMITTED = Path(__file__).resolve().parents[2] / "web" / "src" / "api" / "openapi.json"


def test_the_committed_document_is_the_apps(app):
    expected = dumps(app.openapi())
    assert COMMITTED.read_text(encoding="utf-8") == expected, (
        "web/src/api/openapi.json differs from the app's OpenAPI document: run `make api-client` and commit "
        "web/src/api/openapi.json and web/src/api/schema.d.ts")


def test_the_text_is_stable_sorted_and_newline_terminated():
    document = {"b": 1, "a": {"d": [2, 1], "c": "é"}}
    text = dumps(document)
    assert text == '{\n  "a": {\n    "c": "é",\n    "d": [\n      2,\n      1\n    ]\n  },\n  "b": 1\n}\n'
    assert dumps(json.loads(text)) == text


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kanbo", "openapi", *args], capture_output=True, text=True,
                          timeout=120, cwd=cwd)


def test_kanbo_openapi_writes_the_document(app, tmp_path):
    target = tmp_path / "openapi.json"
    done = run_cli("--out", str(target), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"written": str(target), "bytes": len(target.read_bytes())}
    assert target.read_text(encoding="utf-8") == dumps(app.openapi())
    printed = run_cli("--out", "-", cwd=tmp_path)
    assert printed.returncode == 0 and printed.stdout == target.read_text(encoding="utf-8")


def test_kanbo_openapi_refuses_a_missing_folder(tmp_path):
    done = run_cli("--out", str(tmp_path / "nowhere" / "openapi.json"), cwd=tmp_path)
    assert done.returncode == 1
    assert "No folder" in json.loads(done.stdout)["error"]


def test_the_default_target_is_the_checkouts_web_client():
    from kanbo.cli.openapi import DEFAULT_OUT

    assert DEFAULT_OUT == COMMITTED
