"""HAL envelopes and their links (spec §1.3, §21 #2), built from a bare ASGI request."""

from __future__ import annotations

from urllib.parse import urlsplit

import orjson
from starlette.requests import Request

from kanbo.http import hal
from tests.support.lists import parse_list_query


def _request(path: str, query: bytes, host: bytes = b"127.0.0.1:8000", scheme: str = "http") -> Request:
    return Request({"type": "http", "method": "GET", "scheme": scheme, "path": path, "raw_path": path.encode(),
                    "query_string": query, "headers": [(b"host", host)], "server": ("127.0.0.1", 8000)})


def _page(request: Request, items: list[dict], **kwargs) -> dict:
    query = parse_list_query(request.scope["query_string"], orderable=["id"])
    response = hal.collection(request, "things", items, query, **kwargs)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/hal+json"
    return orjson.loads(response.body)


def test_empty_page_is_204_without_body_or_content_type():
    response = hal.collection(_request("/api/v4/things", b""), "things", [], parse_list_query(""))
    assert response.status_code == 204
    assert response.body == b""
    assert "content-type" not in response.headers


def test_links_keep_every_parameter_as_sent_and_replace_page():
    raw = b"filter%5Bid%5D%5B0%5D=1&with=a%2Cb&page=2&limit=1&order[id]=desc"
    body = _page(_request("/api/v4/things", raw), [{"id": 1}], has_next=True)
    assert body["_page"] == 2
    links = body["_links"]
    assert links["self"]["href"] == "http://127.0.0.1:8000/api/v4/things?" + raw.decode()
    kept = ["filter%5Bid%5D%5B0%5D=1", "with=a%2Cb", "limit=1", "order[id]=desc"]
    for name, page in (("next", 3), ("prev", 1), ("first", 1)):
        href = links[name]["href"]
        assert href.startswith("http://127.0.0.1:8000/api/v4/things?")
        pairs = urlsplit(href).query.split("&")
        assert pairs == [*kept, f"page={page}"], name


def test_no_next_or_prev_on_a_single_page():
    links = _page(_request("/api/v4/things", b"limit=5"), [{"id": 1}])["_links"]
    assert "next" not in links and "prev" not in links
    assert links["first"]["href"] == "http://127.0.0.1:8000/api/v4/things?limit=5&page=1"


def test_links_follow_the_requests_scheme_host_and_port():
    request = _request("/api/v4/things", b"", host=b"acme.example.com:8443", scheme="https")
    links = _page(request, [{"id": 1}], has_next=True)["_links"]
    assert links["next"]["href"] == "https://acme.example.com:8443/api/v4/things?page=2"


def test_raw_utf8_and_spaces_in_the_query_are_percent_encoded_in_links():
    raw = "query=Иван Petrov&limit=1".encode()
    links = _page(_request("/api/v4/things", raw), [{"id": 1}], has_next=True)["_links"]
    assert links["next"]["href"] == (
        "http://127.0.0.1:8000/api/v4/things?query=%D0%98%D0%B2%D0%B0%D0%BD%20Petrov&limit=1&page=2")
    assert links["next"]["href"].isascii()


def test_totals():
    body = _page(_request("/api/v4/things", b"limit=2"), [{"id": 1}, {"id": 2}], total=5, has_next=True)
    assert (body["_total_items"], body["_page"], body["_page_count"]) == (5, 1, 3)
    assert list(body) == ["_total_items", "_page", "_page_count", "_links", "_embedded"]
    assert body["_embedded"] == {"things": [{"id": 1}, {"id": 2}]}


def test_created_envelope():
    response = hal.created(_request("/api/v4/things", b""), "things", [{"id": 7, "request_id": "0"}])
    body = orjson.loads(response.body)
    assert body == {"_links": {"self": {"href": "http://127.0.0.1:8000/api/v4/things"}},
                    "_embedded": {"things": [{"id": 7, "request_id": "0"}]}}
