"""Property-based robustness (issue 10 §3): generated input on every route of the app never gets a 5xx.

Every route the app serves (walked from ``app.routes``, methods and path parameters included) receives
hypothesis-generated PHP-style query strings, form bodies, JSON bodies (random trees and shapes close to
real ones) and headers. The properties: the answer is never 5xx, and every 4xx of the API is Kommo's
``application/problem+json`` with ``title``, ``type``, ``status`` and ``detail``.

Runs are reproducible (``derandomize=True``, no example database) and bounded by ``max_examples``; no
deadline, since tests never assert timings. The Redis outage while rate limiting is covered by
``tests/http/test_rate_limit.py`` (``test_redis_failing_falls_back_to_the_memory_limiter``,
``test_the_api_answers_while_redis_is_down``).
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx
import pytest_asyncio
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.factories import restricted_rights
from tests.support.routes import Route, app_routes, check

# KANBO_HYPOTHESIS_EXAMPLES=5000 KANBO_HYPOTHESIS_RANDOM=1 hunts longer with fresh random examples.
SETTINGS = settings(
    max_examples=int(os.environ.get("KANBO_HYPOTHESIS_EXAMPLES", "300")),
    deadline=None,
    derandomize=not os.environ.get("KANBO_HYPOTHESIS_RANDOM"),
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

WRITE_METHODS = ("POST", "PATCH", "PUT", "DELETE")


# Values ---------------------------------------------------------------------------------------

NON_ASCII_DIGITS = ["²", "³", "٣", "૩", "١٢", "\U0001d7d9", "Ⅻ", "½"]
HUGE_NUMBERS = ["999999999999999999", "9223372036854775807", "9223372036854775808",
                "999999999999999999999999999999", "1" * 25, "-9223372036854775809", "1e309", "1e-400",
                "18446744073709551616", "0x10", "1_000", "+1", " 1 ", "1.5", "1.0", "NaN", "inf", "-0"]
WORDS = ["", "id", "name", "price", "from", "to", "asc", "desc", "contacts", "leads", "companies",
         "catalog_elements", "loss_reason", "is_price_modified_by_robot", "only_deleted", "source_id",
         "statuses", "pipeline_id", "status_id", "custom_fields_values", "created_at", "updated_at",
         "closest_task_at", "responsible_user_id", "entity_id", "entity_type", "type", "value", "values",
         "field_id", "enum_id", "tags", "null", "true", "x", "0", "1", "-1", "a,b", "1,2,3", ",", "[]"]

_safe_chars = st.characters(codec="utf-8", exclude_characters="\x00")
small_text = st.text(_safe_chars, max_size=12)
scalar_text = st.one_of(
    st.sampled_from(WORDS), st.sampled_from(NON_ASCII_DIGITS), st.sampled_from(HUGE_NUMBERS),
    st.integers(min_value=-(2**70), max_value=2**70).map(str), small_text,
)

# Path parameters: real ids, small, huge, 18 digits, negative, non-ASCII, strings.
path_value = st.one_of(
    st.sampled_from(["1", "0", "-1", "142", "143", "999999999999999999", "9223372036854775808", "1" * 25,
                     "x1", "abc", "01HZZZZZZZZZZZZZZZZZZZZZZZ", "²", "٣", "1.5", "%", "a b"]),
    st.integers(min_value=0, max_value=2**64).map(str),
    st.sampled_from(NON_ASCII_DIGITS + HUGE_NUMBERS),
)

# PHP-style query strings ------------------------------------------------------------------------

BASES = ["filter", "order", "with", "page", "limit", "query", "id", "x", "", "filter]", "order[", "a"]
SEGMENTS = ["", "0", "1", "2", "id", "from", "to", "statuses", "pipeline_id", "status_id",
            "custom_fields_values", "created_at", "updated_at", "name", "price", "responsible_user_id",
            "entity", "entity_id", "type", "value", "value_before", "value_after", "leads_statuses",
            "999999999999999999", "1" * 30, *NON_ASCII_DIGITS]


@st.composite
def query_key(draw: st.DrawFn, ids: tuple[str, ...]) -> str:
    base = draw(st.one_of(st.sampled_from(BASES), small_text))
    segment = st.one_of(st.sampled_from(SEGMENTS), st.sampled_from(ids), small_text)
    segments = draw(st.lists(segment, max_size=4))
    key = base + "".join(f"[{s}]" for s in segments)
    if draw(st.booleans()):
        key += draw(st.sampled_from(["]", "[", "[[0]]", "[]]"]))
    return key


@st.composite
def encode(draw: st.DrawFn, text: str, *, key: bool) -> str:
    """Plain (only what must be escaped), every character escaped, or brackets escaped (``%5B``)."""
    how = draw(st.sampled_from(["plain", "all", "brackets"]))
    if how == "all":
        return quote(text, safe="")
    encoded = quote(text, safe="[],:" if key else ",:")
    return encoded.replace("[", "%5B").replace("]", "%5D") if how == "brackets" else encoded


@st.composite
def query_string(draw: st.DrawFn, ids: tuple[str, ...] = ("1",)) -> str:
    """Pairs of generated keys and values; ``ids`` (real ids: a field's, a lead's) appear in keys and values."""
    value = st.one_of(scalar_text, st.sampled_from(ids))
    pairs = draw(st.lists(st.tuples(query_key(ids), value), min_size=1, max_size=8))
    if draw(st.booleans()):  # a repeated key
        pairs.append((pairs[0][0], draw(value)))
    parts = []
    for key, value in pairs:
        text = draw(encode(key, key=True))
        if draw(st.integers(0, 9)) > 0:
            text += "=" + draw(encode(value, key=False))
        parts.append(text)
    if draw(st.integers(0, 9)) == 0:
        parts.append(draw(st.sampled_from(["%zz", "%", "%ff%fe", "&&", "=", "=x", "%00"])))
    return "&".join(parts)


# JSON -------------------------------------------------------------------------------------------

JSON_KEYS = ["id", "name", "price", "status_id", "pipeline_id", "responsible_user_id", "created_at",
             "updated_at", "closed_at", "custom_fields_values", "_embedded", "tags", "contacts", "companies",
             "field_id", "field_code", "values", "value", "enum_id", "enum_code", "request_id", "text",
             "entity_id", "entity_type", "note_type", "params", "task_type_id", "complete_till", "result",
             "destination", "settings", "rights", "to_entity_id", "to_entity_type", "metadata", "sort",
             "type", "is_main", "tags_to_add", "tags_to_delete", "source_uid", "source_name", "duration",
             "phone", "direction", "uniq", "link", "grant_type", "client_id", "code", "refresh_token",
             "email", "color", "statuses", "is_unsorted_on", "loss_reason_id", "first_name", "last_name"]

HUGE_INTS = [2**31, 2**53 + 1, 2**63 - 1, 2**63, 2**64, 10**30, -(2**63) - 1, 10**400]
json_scalar = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**40), max_value=2**40), st.sampled_from(HUGE_INTS),
    st.floats(allow_nan=False, allow_infinity=False), st.sampled_from([1e300, -1e300, 1.5, 1700000000.0]),
    small_text, st.sampled_from(["\x00", "a\x00b", "²", "٣", "", "1" * 30, "9223372036854775808", "x" * 300]),
)
json_key = st.one_of(st.sampled_from(JSON_KEYS), small_text)
json_tree = st.recursive(
    json_scalar,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(json_key, children, max_size=5),
    max_leaves=24,
)


FIELD_TYPES = ["text", "numeric", "checkbox", "select", "multiselect", "date", "url", "textarea", "radiobutton",
               "streetaddress", "smart_address", "birthday", "legal_entity", "date_time", "price", "category",
               "items", "tracking_data", "linked_entity", "chained_list", "monetary", "file", "payer", "supplier",
               "multitext", "x"]
URLS = ["https://example.com/hook", "http://127.0.0.1/x", "http://[::1]/", "https://xn--80ak6aa92e.com/",
        "ftp://x", "https://" + "a" * 300 + ".com/", "http://169.254.169.254/", "https://ex ample.com/", "x"]
EVENTS = ["add_lead", "update_lead", "delete_lead", "status_lead", "responsible_lead", "add_contact", "note_lead",
          "add_task", "add_unsorted", "x"]


def entity_like(ids: list[int]) -> st.SearchStrategy[dict[str, Any]]:
    """Objects close to real ones: mostly plausible values (real ids, timestamps, names), sometimes not."""
    def maybe(plausible: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        return st.one_of(*[plausible] * 7, json_scalar)

    number = maybe(st.one_of(st.sampled_from(ids), st.integers(0, 1000)))
    stamp = maybe(st.one_of(st.integers(1_600_000_000, 1_900_000_000), st.floats(1e9, 2e9)))
    name = maybe(small_text)
    kind = maybe(st.sampled_from(["leads", "contacts", "companies", "lead", "contact", "company", "x"]))
    cf_value = st.fixed_dictionaries({}, optional={
        "value": maybe(st.one_of(small_text, number, stamp, st.booleans())) | json_tree,
        "enum_id": number, "enum_code": maybe(st.sampled_from(["WORK", "MOB", "HOME", "x"]))})
    cf_item = st.fixed_dictionaries({}, optional={
        "field_id": number, "field_code": maybe(st.sampled_from(["PHONE", "EMAIL", "POSITION", "WEB", "x"])),
        "values": st.lists(cf_value, max_size=3) | json_scalar})
    named = st.fixed_dictionaries({}, optional={"id": number, "name": name, "is_main": maybe(st.booleans())})
    metadata = st.fixed_dictionaries({}, optional={
        "category": maybe(st.sampled_from(["forms", "sip", "chats"])), "form_id": name, "form_name": name,
        "form_page": name, "form_sent_at": stamp, "referer": name, "ip": name, "uniq": name, "from": name,
        "phone": name, "called_at": stamp, "duration": number, "link": name, "service_code": name,
        "is_call_event_needed": maybe(st.booleans())})
    letters = maybe(st.sampled_from(["A", "G", "M", "D", "x"]))
    rights = st.fixed_dictionaries({}, optional={
        "leads": st.fixed_dictionaries({}, optional={a: letters for a in ("view", "edit", "add", "delete", "export")}),
        "status_rights": maybe(st.lists(st.fixed_dictionaries({}, optional={
            "entity_type": kind, "pipeline_id": number, "status_id": number,
            "rights": st.fixed_dictionaries({}, optional={"view": letters, "edit": letters})}), max_size=2)),
        "mail_access": maybe(st.booleans()), "catalog_access": maybe(st.booleans())})
    return st.fixed_dictionaries({}, optional={
        "id": number, "name": name, "price": number, "status_id": number, "pipeline_id": number,
        "responsible_user_id": number, "request_id": maybe(small_text), "created_at": stamp, "updated_at": stamp,
        "custom_fields_values": maybe(st.lists(cf_item, max_size=3)),
        "_embedded": maybe(st.fixed_dictionaries({}, optional={
            "tags": maybe(st.lists(named, max_size=3)), "contacts": maybe(st.lists(named, max_size=2)),
            "companies": maybe(st.lists(named, max_size=2))})),
        "tags_to_add": maybe(st.lists(named, max_size=2)), "tags_to_delete": maybe(st.lists(named, max_size=2)),
        "entity_id": number, "entity_type": kind, "to_entity_id": number, "to_entity_type": kind,
        "note_type": maybe(st.sampled_from(["common", "call_in", "service_message", "sms_in", "x"])),
        "params": maybe(st.fixed_dictionaries({}, optional={"text": name, "uniq": name, "duration": number,
                                                            "phone": name, "link": name})),
        "text": name, "complete_till": stamp, "task_type_id": number, "duration": number, "phone": name,
        "metadata": maybe(metadata) | json_tree, "sort": number, "color": name, "is_main": maybe(st.booleans()),
        # custom fields, pipelines and stages, webhooks, users and roles, incoming leads, calls
        "type": maybe(st.sampled_from(FIELD_TYPES)), "code": name, "group_id": name,
        "enums": maybe(st.lists(st.fixed_dictionaries({}, optional={"id": number, "value": name, "sort": number}),
                                max_size=3)),
        "statuses": maybe(st.lists(st.fixed_dictionaries({}, optional={
            "id": number, "name": name, "sort": number, "color": name, "type": number}), max_size=3)),
        "is_unsorted_on": maybe(st.booleans()), "destination": maybe(st.sampled_from(URLS)),
        "settings": maybe(st.lists(st.sampled_from(EVENTS), max_size=3)), "email": name, "password": name,
        "rights": maybe(rights), "source_uid": name, "source_name": name, "uniq": name, "link": name,
        "direction": maybe(st.sampled_from(["inbound", "outbound", "x"])), "call_status": number,
        "call_result": name, "source": name, "first_name": name, "last_name": name,
    })


@st.composite
def json_bytes(draw: st.DrawFn, ids: list[int]) -> bytes:
    """A random JSON tree, or one object or a batch of objects close to real ones."""
    entity = entity_like(ids)
    body = draw(st.one_of(json_tree, st.lists(entity, min_size=1, max_size=4), entity))
    text = json.dumps(body, ensure_ascii=draw(st.booleans()))
    return text.encode("utf-8", "surrogatepass")


def php_form(value: Any, prefix: str = "") -> list[tuple[str, str]]:
    """A JSON value as PHP form fields: ``[{"name": "A"}]`` → ``0[name]=A``."""
    if isinstance(value, dict | list):
        items = value.items() if isinstance(value, dict) else enumerate(value)
        return [pair for k, v in items for pair in php_form(v, f"{prefix}[{k}]" if prefix else str(k))]
    text = "" if value is None else json.dumps(value) if isinstance(value, bool) else str(value)
    return [(prefix or "x", text)]


@st.composite
def form_bytes(draw: st.DrawFn, ids: list[int]) -> bytes:
    """A generated query string, or a real-looking object or batch written as PHP form fields."""
    if draw(st.booleans()):
        return draw(query_string(tuple(map(str, ids)))).encode("utf-8")
    entity = entity_like(ids)
    body = draw(st.one_of(st.lists(entity, min_size=1, max_size=4), entity))
    pairs = php_form(body)
    return "&".join(f"{quote(k, safe='[]')}={quote(v, safe='')}" for k, v in pairs).encode("utf-8", "surrogatepass")


# Headers ----------------------------------------------------------------------------------------

CONTENT_TYPES = ["application/json", "application/hal+json", "application/x-www-form-urlencoded",
                 "application/x-www-form-urlencoded; charset=utf-8", "multipart/form-data", "text/plain",
                 "application/json; charset=latin-1", "", "garbage", "application/json; boundary=\"", "*/*"]
ACCEPTS = ["application/json", "application/hal+json", "application/problem+json", "*/*", "text/html", "",
           "application/json;q=abc", "text/*;q=0, */*;q=2", ";;;", "application/hal+json;q=0.0001"]
DATES = ["Thu, 01 Jan 1970 00:00:00 GMT", "Fri, 31 Dec 9999 23:59:59 GMT", "Mon, 01 Jan 0001 00:00:00 GMT",
         "Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994",
         "garbage", "", "0", "9" * 30, "Thu, 31 Feb 2024 00:00:00 GMT", "2024-01-01T00:00:00Z", "²"]


def header_text(values: list[str]) -> st.SearchStrategy[bytes]:
    printable = st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF, exclude_characters="\x7f"),
                        max_size=30)
    return st.one_of(st.sampled_from(values), printable, st.sampled_from(NON_ASCII_DIGITS + HUGE_NUMBERS)).map(
        lambda s: s.encode("utf-8"))


@dataclass
class World:
    routes: list[Route]
    ids: dict[str, str]
    headers: dict[str, str]

    @property
    def numbers(self) -> list[int]:
        return sorted({int(v) for v in self.ids.values()} | {142, 143})


@pytest_asyncio.fixture
async def world(app: Any, client: httpx.AsyncClient, tenant: Any) -> World:
    """A tenant with a lead, a note, a task, a field, a tag, a loss reason, a task type and a role, so that
    path parameters can name real rows too."""
    headers = tenant.headers
    lead = (await client.post("/api/v4/leads", headers=headers, json=[{"name": "L", "price": 5}])).json()
    lead_id = lead["_embedded"]["leads"][0]["id"]
    note = (await client.post(f"/api/v4/leads/{lead_id}/notes", headers=headers,
                              json=[{"note_type": "common", "params": {"text": "n"}}])).json()
    task = (await client.post("/api/v4/tasks", headers=headers, json=[{
        "text": "t", "complete_till": 1900000000, "entity_id": lead_id, "entity_type": "leads"}])).json()
    pipelines = (await client.get("/api/v4/leads/pipelines", headers=headers)).json()
    pipeline = pipelines["_embedded"]["pipelines"][0]
    member_rights = restricted_rights(leads={"view": "M", "edit": "M", "delete": "D"}, contacts={"add": "D"})
    ids = {"entity_id": lead_id, "lead_id": lead_id, "note_id": note["_embedded"]["notes"][0]["id"],
           "task_id": task["_embedded"]["tasks"][0]["id"], "pipeline_id": pipeline["id"],
           "status_id": pipeline["_embedded"]["statuses"][0]["id"], "user_id": tenant.admin.id,
           "member_id": (await tenant.add_user(name="Member", rights=member_rights)).id}
    for name, path, body in (("field_id", "/api/v4/leads/custom_fields", {"name": "F", "type": "text"}),
                             ("tag_id", "/api/v4/leads/tags", {"name": "T"}),
                             ("reason_id", "/api/v4/leads/loss_reasons", {"name": "R"}),
                             ("type_id", "/api/v4/tasks/types", {"name": "TT"}),
                             ("role_id", "/api/v4/roles", {"name": "Role"})):
        answer = await client.post(path, headers=headers, json=[body])
        assert answer.status_code == 200, (path, answer.text)
        ids[name] = next(iter(answer.json()["_embedded"].values()))[0]["id"]
    routes = app_routes(app)
    openapi = {(m.upper(), p) for p, ops in app.openapi()["paths"].items() for m in ops}
    assert openapi <= {(r.method, r.path) for r in routes}  # the walk finds at least what the docs list
    return World(routes, {k: str(v) for k, v in ids.items()}, headers)


@st.composite
def concrete(draw: st.DrawFn, world: World, *, methods: tuple[str, ...] | None = None) -> tuple[Route, str]:
    """A route (of ``methods``, or any) and its path with every parameter filled."""
    routes = [r for r in world.routes if methods is None or r.method in methods]
    route = draw(st.sampled_from(routes))
    path = route.path
    for name in route.params:
        real = world.ids.get(name)
        value = draw(st.one_of(*[st.just(real)] * 3, path_value)) if real else draw(path_value)
        path = re.sub(r"\{" + name + r"(?::[a-z]+)?\}", lambda _m, v=value: quote(v, safe=""), path, count=1)
    return route, path


# The properties ----------------------------------------------------------------------------------

@SETTINGS
@given(data=st.data())
async def test_query_strings_never_get_a_server_error(client, world, data):
    route, path = data.draw(concrete(world))
    query = data.draw(query_string(tuple(map(str, world.numbers))), label="query")
    body = data.draw(json_bytes(world.numbers), label="body") if route.method in WRITE_METHODS else None
    response = await client.request(route.method, f"{path}?{query}", content=body, headers={
        **world.headers, "Content-Type": "application/json"})
    check(response, route)


@SETTINGS
@given(data=st.data())
async def test_form_bodies_never_get_a_server_error(client, world, data):
    route, path = data.draw(concrete(world, methods=WRITE_METHODS))
    body = data.draw(form_bytes(world.numbers), label="form")
    content_type = data.draw(st.sampled_from(["application/x-www-form-urlencoded",
                                              "application/x-www-form-urlencoded; charset=UTF-8"]))
    response = await client.request(route.method, path, content=body, headers={
        **world.headers, "Content-Type": content_type})
    check(response, route)


@SETTINGS
@given(data=st.data())
async def test_json_bodies_never_get_a_server_error(client, world, data):
    route, path = data.draw(concrete(world, methods=WRITE_METHODS))
    body = data.draw(json_bytes(world.numbers), label="json")
    response = await client.request(route.method, path, content=body, headers={
        **world.headers, "Content-Type": "application/json"})
    check(response, route)


@SETTINGS
@given(data=st.data())
async def test_headers_never_get_a_server_error(client, world, data):
    route, path = data.draw(concrete(world))
    headers: dict[str, Any] = dict(world.headers)
    for name, values in (("X-Context-User-ID", [world.ids["user_id"], world.ids["member_id"], "1" * 25, "0", "-1"]),
                         ("If-Modified-Since", DATES), ("Accept", ACCEPTS), ("Content-Type", CONTENT_TYPES)):
        if data.draw(st.booleans(), label=f"send {name}"):
            headers[name] = data.draw(header_text(values), label=name)
    body = data.draw(json_bytes(world.numbers), label="body") if route.method in WRITE_METHODS else None
    response = await client.request(route.method, path, content=body, headers=headers)
    check(response, route)
