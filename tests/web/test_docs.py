"""The API docs: Swagger UI at /api/docs from local files (it must render offline), /openapi.json, /docs → docs."""

from __future__ import annotations

import re

import pytest

_REFERENCES = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']|url:\s*["']([^"']+)["']""")


async def test_docs_page_uses_only_files_the_app_serves(client):
    page = await client.get("/api/docs")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    html = page.text
    assert "SwaggerUIBundle" in html
    assert "http:" not in html and "https:" not in html and "//cdn" not in html
    references = {a or b for a, b in _REFERENCES.findall(html)}
    assert {"/openapi.json", "/api/docs/assets/swagger-ui-bundle.js", "/api/docs/assets/swagger-ui.css"} <= references
    for reference in references:
        assert reference.startswith("/") and not reference.startswith("//"), reference
        served = await client.get(reference)
        assert served.status_code == 200, reference
        assert served.content, reference
    script = await client.get("/api/docs/assets/swagger-ui-bundle.js")
    assert "javascript" in script.headers["content-type"]
    assert "css" in (await client.get("/api/docs/assets/swagger-ui.css")).headers["content-type"]


async def test_the_bundled_swagger_ui_reads_the_openapi_version_we_publish(client):
    """FastAPI writes OpenAPI 3.1, which Swagger UI renders from version 5 on."""
    document = (await client.get("/openapi.json")).json()
    assert document["openapi"].startswith("3.1")
    script = (await client.get("/api/docs/assets/swagger-ui-bundle.js")).text
    version = re.search(r'PACKAGE_VERSION:"(\d+)\.\d+\.\d+"', script)
    assert version is not None and int(version.group(1)) >= 5


async def test_openapi_document_at_both_paths(client):
    document = await client.get("/openapi.json")
    assert document.status_code == 200
    assert document.headers["content-type"].startswith("application/json")
    body = document.json()
    assert body["info"]["title"] == "Kanbo"
    assert "/api/v4/leads" in body["paths"]
    old = await client.get("/api/openapi.json")
    assert old.status_code == 200 and old.json() == body


async def test_docs_shortcut_redirects(client):
    response = await client.get("/docs")
    assert response.status_code in (302, 307) and response.headers["location"] == "/api/docs"


@pytest.mark.parametrize("path", ["/api/docs/assets/nothing.js", "/api/docs/assets/%2e%2e/%2e%2e/etc/passwd",
                                  "/api/docs/assets/"])
async def test_missing_assets_are_404(client, path):
    assert (await client.get(path)).status_code == 404


async def test_dot_segments_never_reach_files_outside_the_assets(client):
    # The client resolves the dot segments: this asks for /etc/passwd, which is no page of the server or the app.
    response = await client.get("/api/docs/assets/../../../etc/passwd")
    assert response.url.path == "/etc/passwd"
    assert response.status_code == 404 and "root:" not in response.text
    assert response.headers["content-type"] == "application/problem+json"
