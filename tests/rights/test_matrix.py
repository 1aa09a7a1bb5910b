"""The rights matrix: every API route against users whose rights are all / group / own / none, an
admin, a non-admin, and (for leads) a user denied the lead's stage.

``ROUTES`` maps every ``(method, path)`` of the app to what it needs; a route missing from it fails
``test_every_route_is_in_the_matrix``. The rows the calls act on belong to a *mate* in the users'
group: all (A) and group (G) may act on them, own (M) and none (D) may not. Lead rows sit in a stage
the *staged* user may neither see nor change.

Kinds of need, and what "allowed" / "denied" look like:

- ``row``: a GET of one row — 200 / 204 (or 403 for an action refused outright, letter D).
- ``list``: a GET of a list — the mate's row is in it / it is not (204, or 403 for an action refused
  outright).
- ``write``: a change of the mate's row — 2xx / 403.
- ``some``: the right on at least some rows (adding, summaries) — not 403 / 403 (letter D only).
- ``call``: ``POST /calls`` from the mate's contact's number — the call lands on that contact / it
  never names that contact.
- ``stream``: ``GET /api/v4/events/stream?since=0`` on a real server, read up to the event of a contact
  every user sees (the *sentinel*, made last) — the mate's lead's events are in it / they are not.
- ``admin``: admins only — not 403 / 403. ``any``: every user — never 403.
"""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import pytest_asyncio
from sqlalchemy import insert

from kanbo.core.db import bind_account
from kanbo.models.users import UserGroup
from tests.entities.helpers import main_stages, phone
from tests.support.asgi import ASGITransport
from tests.support.factories import Member, Tenant, make_tenant, restricted_rights
from tests.support.live import stream
from tests.unsorted.helpers import form

ENTITIES = ("leads", "contacts", "companies")
LETTERS = ("A", "G", "M", "D")
LINK_TARGET = {"leads": "contacts", "contacts": "companies", "companies": "contacts"}
MISSING = 999999999
_counter = itertools.count(1)

Request = tuple[str, Any]  # (path with its query, JSON body or None)
Build = Callable[["World"], Awaitable[Request]]


@dataclass(frozen=True)
class Need:
    kind: str  # row | list | write | some | call | stream | admin | any
    entity: str | None = None
    build: Build | None = None
    marker: Callable[[World], tuple[str, Any]] | None = None  # (key, value) found in a list
    stage: bool = True  # lead rows: the staged user is refused


def _static(path: str, body: Any = None, *, missing: str | None = None) -> Build:
    """``path`` with the world's ids; ``missing`` names a placeholder given an id that does not exist."""
    async def build(w: World) -> Request:
        return w.fill(path.replace(missing, str(MISSING)) if missing else path), body
    return build


@dataclass
class World:
    client: httpx.AsyncClient
    tenant: Tenant
    mate: Member
    users: dict[str, Member]
    stage: tuple[int, int]
    rows: dict[str, int]
    targets: dict[str, int]
    notes: dict[str, int]
    plain_lead: int
    task: int
    uid: str
    event: str
    phone_contact: int
    live: str = ""  # the app on a real server (event streams)
    sentinel: int = 0  # a contact every user sees, made after every other row of the world

    async def post(self, path: str, body: Any, member: Member | None = None) -> Any:
        response = await self.client.post(path, headers=(member or self.tenant.admin).headers, json=body)
        assert response.status_code == 200, (path, response.text)
        return response.json()

    async def fresh(self, entity: str, *, trashed: bool = False) -> int:
        """A new row of the mate's (a lead in the staged stage), in the trash if asked."""
        item: dict[str, Any] = {"responsible_user_id": self.mate.id}
        if entity == "tasks":
            item.update(text="t", complete_till=2000000000)
        else:
            item["name"] = f"fresh {next(_counter)}"
        if entity == "leads":
            item.update(pipeline_id=self.stage[0], status_id=self.stage[1])
        body = await self.post(f"/api/v4/{entity}", [item])
        row_id = int(body["_embedded"][entity][0]["id"])
        if trashed:
            response = await self.client.delete(f"/api/v4/{entity}/{row_id}", headers=self.tenant.headers)
            assert response.status_code == 204
        return row_id

    async def fresh_note(self, entity: str) -> int:
        body = await self.post(f"/api/v4/{entity}/{self.rows[entity]}/notes",
                               [{"note_type": "common", "params": {"text": "fresh"}}], self.mate)
        return int(body["_embedded"]["notes"][0]["id"])

    async def fresh_uid(self) -> str:
        body = await self.post("/api/v4/leads/unsorted/forms", [form(source_uid=f"m{next(_counter)}")], self.mate)
        return str(body["_embedded"]["unsorted"][0]["uid"])

    def fill(self, path: str) -> str:
        entity = path.split("/")[3]
        entity = entity if entity in ENTITIES else "leads"
        values = {"{entity_id}": self.rows[entity], "{note_id}": self.notes[entity], "{task_id}": self.task,
                  "{uid}": self.uid, "{event_id}": self.event, "{pipeline_id}": self.stage[0],
                  "{status_id}": self.stage[1], "{user_id}": self.tenant.admin.id, "{type_id}": 1,
                  "{field_id}": MISSING, "{group_id}": "x1", "{reason_id}": MISSING, "{tag_id}": MISSING,
                  "{role_id}": MISSING, "{webhook_id}": MISSING, "{delivery_id}": MISSING}
        for key, value in values.items():
            path = path.replace(key, str(value))
        return path


# The table ----------------------------------------------------------------------------------------

def _fresh_row(entity: str, template: str, *, trashed: bool = False, batch: bool = False) -> Build:
    async def build(w: World) -> Request:
        row_id = await w.fresh(entity, trashed=trashed)
        return template.replace("{entity_id}", str(row_id)).replace("{task_id}", str(row_id)), \
            [{"id": row_id}] if batch else None
    return build


def _fresh_note(entity: str, template: str) -> Build:
    async def build(w: World) -> Request:
        note_id = await w.fresh_note(entity)
        return template.replace("{entity_id}", str(w.rows[entity])).replace("{note_id}", str(note_id)), None
    return build


def _fresh_uid(action: str, body: Callable[[World], Any] | None = None) -> Build:
    async def build(w: World) -> Request:
        return f"/api/v4/leads/unsorted/{await w.fresh_uid()}/{action}", body(w) if body else {}
    return build


def _with(build_body: Callable[[World], Any], path: str) -> Build:
    async def build(w: World) -> Request:
        return w.fill(path), build_body(w)
    return build


def _entity_routes(e: str) -> dict[tuple[str, str], Need]:
    base = f"/api/v4/{e}"
    one = base + "/{entity_id}"
    target = LINK_TARGET[e]
    link = lambda w: [{"to_entity_id": w.targets[e], "to_entity_type": target}]  # noqa: E731
    batch_link = lambda w: [{"entity_id": w.rows[e], "to_entity_id": w.targets[e], "to_entity_type": target}]  # noqa: E731
    row_marker = lambda w: ("id", w.rows[e])  # noqa: E731
    note_marker = lambda w: ("id", w.notes[e])  # noqa: E731
    note_text = {"note_type": "common", "params": {"text": "changed"}}
    return {
        ("GET", base): Need("list", e, _static(base), row_marker),
        ("POST", base): Need("some", e, _static(base, [{}])),
        ("PATCH", base): Need("write", e, _with(lambda w: [{"id": w.rows[e], "name": "patched"}], base)),
        ("DELETE", base): Need("write", e, _fresh_row(e, base, batch=True)),
        ("GET", one): Need("row", e, _static(one)),
        ("PATCH", one): Need("write", e, _static(one, {"name": "patched"})),
        ("DELETE", one): Need("write", e, _fresh_row(e, one)),
        ("POST", one + "/restore"): Need("write", e, _fresh_row(e, one + "/restore", trashed=True)),
        ("POST", one + "/link"): Need("write", e, _with(link, one + "/link")),
        ("POST", one + "/unlink"): Need("write", e, _with(link, one + "/unlink")),
        ("POST", base + "/link"): Need("write", e, _with(batch_link, base + "/link")),
        ("POST", base + "/unlink"): Need("write", e, _with(batch_link, base + "/unlink")),
        ("GET", one + "/links"): Need("row", e, _static(one + "/links")),
        ("GET", base + "/links"): Need("list", e, _with(lambda w: None, base + "/links?filter[entity_id]={entity_id}"),
                                       lambda w: ("entity_id", w.rows[e])),
        ("GET", base + "/notes"): Need("list", e, _static(base + "/notes"), note_marker),
        ("GET", one + "/notes"): Need("list", e, _static(one + "/notes"), note_marker),
        ("GET", base + "/notes/{note_id}"): Need("row", e, _static(base + "/notes/{note_id}")),
        ("GET", one + "/notes/{note_id}"): Need("row", e, _static(one + "/notes/{note_id}")),
        ("POST", base + "/notes"): Need("write", e, _with(
            lambda w: [{"entity_id": w.rows[e], "note_type": "common", "params": {"text": "n"}}], base + "/notes")),
        ("POST", one + "/notes"): Need("write", e, _static(one + "/notes",
                                                           [{"note_type": "common", "params": {"text": "n"}}])),
        ("PATCH", base + "/notes"): Need("write", e, _with(lambda w: [{"id": w.notes[e], **note_text}],
                                                           base + "/notes")),
        ("PATCH", base + "/notes/{note_id}"): Need("write", e, _static(base + "/notes/{note_id}", note_text)),
        ("PATCH", one + "/notes/{note_id}"): Need("write", e, _static(one + "/notes/{note_id}", note_text)),
        ("POST", base + "/notes/{note_id}/pin"): Need("write", e, _static(base + "/notes/{note_id}/pin")),
        ("POST", base + "/notes/{note_id}/unpin"): Need("write", e, _static(base + "/notes/{note_id}/unpin")),
        # Only a note's author or an admin deletes it: the mate wrote these.
        ("DELETE", base + "/notes/{note_id}"): Need("admin", e, _fresh_note(e, base + "/notes/{note_id}")),
        ("DELETE", one + "/notes/{note_id}"): Need("admin", e, _fresh_note(e, one + "/notes/{note_id}")),
        ("GET", base + "/tags"): Need("any", build=_static(base + "/tags")),
        ("POST", base + "/tags"): Need("any", build=_with(lambda w: [{"name": f"tag {next(_counter)}"}],
                                                          base + "/tags")),
        ("PATCH", base + "/tags"): Need("admin", build=_static(base + "/tags", [{"id": MISSING}])),
        ("PATCH", base + "/tags/{tag_id}"): Need("admin", build=_static(base + "/tags/{tag_id}", {})),
        ("DELETE", base + "/tags"): Need("admin", build=_static(base + "/tags", [{"id": MISSING}])),
        **_field_routes(e),
    }


def _field_routes(e: str) -> dict[tuple[str, str], Need]:
    base = f"/api/v4/{e}/custom_fields"
    routes: dict[tuple[str, str], Need] = {}
    for path in (base, base + "/{field_id}", base + "/groups", base + "/groups/{group_id}"):
        routes[("GET", path)] = Need("any", build=_static(path))
    for method, path, body in (("POST", base, [{}]), ("PATCH", base, [{"id": MISSING}]),
                               ("PATCH", base + "/{field_id}", {}), ("DELETE", base + "/{field_id}", None),
                               ("POST", base + "/groups", [{}]), ("PATCH", base + "/groups/{group_id}", {}),
                               ("DELETE", base + "/groups/{group_id}", None)):
        routes[(method, path)] = Need("admin", build=_static(path, body))
    return routes


def _admin(*routes: tuple[str, str, Any]) -> dict[tuple[str, str], Need]:
    """Admin-only changes; deletes aim at ids that do not exist, so an admin's call changes nothing."""
    return {(method, path): Need("admin", build=_static(path, body, missing="{" + path.rsplit("{", 1)[-1]
                                                        if method == "DELETE" and "{" in path else None))
            for method, path, body in routes}


def _any(*paths: str) -> dict[tuple[str, str], Need]:
    return {("GET", path): Need("any", build=_static(path)) for path in paths}


def _table() -> dict[tuple[str, str], Need]:
    table: dict[tuple[str, str], Need] = {}
    for e in ENTITIES:
        table.update(_entity_routes(e))
    pipelines, uns, tasks = "/api/v4/leads/pipelines", "/api/v4/leads/unsorted", "/api/v4/tasks"
    stage = pipelines + "/{pipeline_id}/statuses/{status_id}"
    table.update(_any(
        "/api/v4/account", "/api/v4/events/types", "/api/v4/users", "/api/v4/users/{user_id}", "/api/v4/roles",
        "/api/v4/roles/{role_id}", "/api/v4/leads/loss_reasons", "/api/v4/leads/loss_reasons/{reason_id}",
        pipelines, pipelines + "/{pipeline_id}", pipelines + "/{pipeline_id}/statuses", stage,
        tasks + "/types", tasks + "/types/{type_id}"))
    table.update(_admin(
        ("POST", "/api/v4/users", [{}]), ("POST", "/api/v4/users/activate", [{}]),
        ("POST", "/api/v4/users/deactivate", [{}]), ("POST", "/api/v4/roles", [{}]),
        ("PATCH", "/api/v4/roles", [{"id": MISSING}]), ("PATCH", "/api/v4/roles/{role_id}", {}),
        ("DELETE", "/api/v4/roles/{role_id}", None),
        ("POST", "/api/v4/leads/loss_reasons", [{}]), ("PATCH", "/api/v4/leads/loss_reasons/{reason_id}", {}),
        ("DELETE", "/api/v4/leads/loss_reasons/{reason_id}", None),
        ("POST", pipelines, [{}]), ("PATCH", pipelines + "/{pipeline_id}", {"sort": "x"}),
        ("DELETE", pipelines + "/{pipeline_id}", None),
        ("POST", pipelines + "/{pipeline_id}/statuses", [{}]), ("PATCH", stage, {"sort": "x"}),
        ("DELETE", stage, None),
        ("POST", tasks + "/types", [{}]), ("PATCH", tasks + "/types/{type_id}", {}),
        ("DELETE", tasks + "/types/{type_id}", None),
        ("GET", "/api/v4/webhooks", None), ("POST", "/api/v4/webhooks", {}), ("DELETE", "/api/v4/webhooks", {}),
        ("GET", "/api/v4/webhooks/{webhook_id}/deliveries", None),
        ("POST", "/api/v4/webhooks/deliveries/{delivery_id}/retry", None),
        # Kanbo's extensions for the settings screens.
        ("PATCH", "/api/v4/users/{user_id}", {}), ("POST", "/api/v4/users/groups", [{}]),
        ("DELETE", "/api/v4/users/groups/{group_id}", None),
        ("GET", "/api/v4/integrations", None), ("POST", "/api/v4/integrations", {}),
        ("GET", "/api/v4/long_lived_tokens", None),
        ("POST", "/api/v4/long_lived_tokens", {}), ("DELETE", "/api/v4/long_lived_tokens/{token_id}", None)))
    # User groups have number ids ({group_id} fills in a custom field group's "x1"): one that does not exist.
    table[("PATCH", "/api/v4/users/groups/{group_id}")] = Need("admin", build=_static(
        "/api/v4/users/groups/{group_id}", {}, missing="{group_id}"))
    table[("PATCH", "/api/v4/integrations/{integration_id}")] = Need("admin", build=_static(
        "/api/v4/integrations/{integration_id}", {}, missing="{integration_id}"))
    uid_marker = lambda w: ("uid", w.uid)  # noqa: E731
    board = pipelines + "/{pipeline_id}/summary"
    table.update({
        ("POST", "/api/v4/leads/complex"): Need("some", "leads", _static("/api/v4/leads/complex", [{}])),
        ("GET", uns): Need("list", "leads", _static(uns), uid_marker, stage=False),
        ("GET", uns + "/summary"): Need("some", "leads", _static(uns + "/summary")),
        ("GET", board): Need("some", "leads", _static(board)),
        # The mate's lead is the only entity of any type by that name.
        ("GET", "/api/v4/search"): Need("list", "leads", _static("/api/v4/search?query=Mate%27s%20lead"),
                                        lambda w: ("id", w.rows["leads"])),
        ("GET", uns + "/{uid}"): Need("row", "leads", _static(uns + "/{uid}"), stage=False),
        ("POST", uns + "/forms"): Need("some", "leads", _static(uns + "/forms", [{}])),
        ("POST", uns + "/sip"): Need("some", "leads", _static(uns + "/sip", [{}])),
        ("POST", uns + "/chats"): Need("some", "leads", _static(uns + "/chats", [{}])),
        ("POST", uns + "/{uid}/accept"): Need("write", "leads", _fresh_uid("accept"), stage=False),
        ("DELETE", uns + "/{uid}/decline"): Need("write", "leads", _fresh_uid("decline"), stage=False),
        ("POST", uns + "/{uid}/link"): Need("write", "leads", _fresh_uid(
            "link", lambda w: {"link": {"entity_id": w.plain_lead, "entity_type": "leads"}}), stage=False),
        ("GET", "/api/v4/events"): Need("list", "leads", _static(
            "/api/v4/events?filter[entity]=lead&filter[entity_id]={entity_id}"),
            lambda w: ("entity_id", w.rows["leads"])),
        ("GET", "/api/v4/events/{event_id}"): Need("row", "leads", _static("/api/v4/events/{event_id}")),
        ("GET", "/api/v4/events/stream"): Need("stream", "leads"),
        ("POST", "/api/v4/calls"): Need("call", "contacts"),
        ("GET", tasks): Need("list", "tasks", _static(tasks), lambda w: ("id", w.task)),
        ("POST", tasks): Need("some", "tasks", _static(tasks, [{}])),
        ("PATCH", tasks): Need("write", "tasks", _with(lambda w: [{"id": w.task, "text": "patched"}], tasks)),
        ("DELETE", tasks): Need("write", "tasks", _fresh_row("tasks", tasks, batch=True)),
        ("GET", tasks + "/{task_id}"): Need("row", "tasks", _static(tasks + "/{task_id}")),
        ("PATCH", tasks + "/{task_id}"): Need("write", "tasks", _static(tasks + "/{task_id}", {"text": "patched"})),
        ("DELETE", tasks + "/{task_id}"): Need("write", "tasks", _fresh_row("tasks", tasks + "/{task_id}")),
        ("POST", tasks + "/{task_id}/restore"): Need("write", "tasks", _fresh_row(
            "tasks", tasks + "/{task_id}/restore", trashed=True)),
    })
    return table


ROUTES = _table()


# The world: one account per module --------------------------------------------------------------

async def _group(tenant: Tenant, name: str) -> int:
    async with tenant.db.transaction() as session:
        bind_account(session, tenant.id)
        result = await session.execute(insert(UserGroup).values(account_id=tenant.id, name=name, uuid=name,
                                                                created_at=0).returning(UserGroup.id))
        return int(result.scalar_one())


def _letters(letter: str) -> dict[str, str]:
    return {"view": letter, "edit": letter, "delete": letter, "export": letter, "add": "D" if letter == "D" else "A"}


@pytest_asyncio.fixture(scope="module")
async def world(app: Any, db: Any, live_url: str) -> Any:
    transport = ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as client:
        tenant = await make_tenant(db)
        team = await _group(tenant, "team")
        pipeline_id, statuses = await main_stages(client, tenant)
        staged_rights = restricted_rights()
        staged_rights["status_rights"] = [{"entity_type": "leads", "pipeline_id": pipeline_id,
                                           "status_id": statuses[2],
                                           "rights": {"view": "D", "edit": "D", "delete": "D", "export": "D"}}]
        users = {"admin": tenant.admin,
                 "member": await tenant.add_user(name="Member", group_id=team),
                 "none": await tenant.add_user(name="None", group_id=team, rights=restricted_rights(
                     **{e: _letters("D") for e in (*ENTITIES, "tasks")})),
                 "staged": await tenant.add_user(name="Staged", group_id=team, rights=staged_rights)}
        for entity, letter in itertools.product((*ENTITIES, "tasks"), LETTERS):
            users[f"{entity}:{letter}"] = await tenant.add_user(
                name=f"{entity} {letter}", group_id=team, rights=restricted_rights(**{entity: _letters(letter)}))
        mate = await tenant.add_user(name="Mate", group_id=team)
        w = World(client, tenant, mate, users, (pipeline_id, statuses[2]), {}, {}, {}, 0, 0, "", "", 0)
        body = await w.post("/api/v4/companies", [{"name": "Mate's company", "responsible_user_id": mate.id},
                                                  {"name": "Target company"}])
        w.rows["companies"], w.targets["contacts"] = (c["id"] for c in body["_embedded"]["companies"])
        body = await w.post("/api/v4/contacts", [
            {"name": "Mate's contact", "responsible_user_id": mate.id,
             "_embedded": {"companies": [{"id": w.rows["companies"]}]}},
            {"name": "Target contact"},
            {"name": "Mate's phone", "responsible_user_id": mate.id,
             "custom_fields_values": [phone("+1 555 010 4242")]}])
        w.rows["contacts"], target_contact, w.phone_contact = (c["id"] for c in body["_embedded"]["contacts"])
        w.targets["leads"] = w.targets["companies"] = target_contact
        body = await w.post("/api/v4/leads", [
            {"name": "Mate's lead", "responsible_user_id": mate.id, "pipeline_id": pipeline_id,
             "status_id": statuses[2], "_embedded": {"contacts": [{"id": w.rows["contacts"]}]}},
            {"name": "Mate's plain lead", "responsible_user_id": mate.id}])
        w.rows["leads"], w.plain_lead = (lead["id"] for lead in body["_embedded"]["leads"])
        for e in ENTITIES:
            w.notes[e] = await w.fresh_note(e)
        w.task = await w.fresh("tasks")
        w.uid = await w.fresh_uid()
        events = await client.get(f"/api/v4/events?filter[entity]=lead&filter[entity_id]={w.rows['leads']}",
                                  headers=tenant.headers)
        w.event = events.json()["_embedded"]["events"][0]["id"]
        w.live = live_url
        body = await w.post("/api/v4/contacts", [{"name": "Sentinel"}])
        w.sentinel = body["_embedded"]["contacts"][0]["id"]
        yield w


# The checks --------------------------------------------------------------------------------------

def _users_for(need: Need) -> list[str]:
    if need.kind == "admin":
        return ["admin", "member", "none"]
    if need.kind == "any":
        return ["admin", "member", "none"]
    return ["admin", *(f"{need.entity}:{letter}" for letter in LETTERS), "staged"]


def _allowed(need: Need, user: str) -> bool:
    if user == "admin":
        return True
    if need.kind == "any":
        return True
    if need.kind == "admin":
        return False
    if user == "staged":
        return need.kind in ("some", "call") or need.entity != "leads" or not need.stage
    letter = user.split(":")[1]
    return letter != "D" if need.kind == "some" else letter in ("A", "G")


def _found(body: Any, key: str, value: Any) -> bool:
    embedded = body.get("_embedded") if isinstance(body, dict) else None
    if not isinstance(embedded, dict):
        return False
    return any(isinstance(item, dict) and item.get(key) == value
               for items in embedded.values() if isinstance(items, list) for item in items)


async def _check(w: World, method: str, need: Need, user: str) -> str | None:
    member = w.users[user]
    allowed = _allowed(need, user)
    if need.kind == "call":
        response = await w.client.post("/api/v4/calls", headers=member.headers, json=[
            {"direction": "inbound", "phone": "+1 555 010 4242", "duration": 3, "source": "pbx"}])
        placed = response.json()["_embedded"]["calls"] if response.status_code == 200 else []
        hit = any((c["entity_type"], c["entity_id"]) == ("contacts", w.phone_contact) for c in placed)
        return None if hit == allowed else f"call landed on the contact: {hit}"
    if need.kind == "stream":
        def about(message: Any) -> tuple[str, int]:
            return message.body["entity_type"], message.body["entity_id"]

        async with stream(w.live, member.headers, "?since=0") as reader:
            seen = await reader.events(lambda m: about(m) == ("contact", w.sentinel), seconds=10)
        hit = any(about(m) == ("lead", w.rows["leads"]) for m in seen)
        return None if hit == allowed else f"the mate's lead's events streamed: {hit}"
    assert need.build is not None
    path, body = await need.build(w)
    response = await w.client.request(method, path, headers=member.headers,
                                      **({"json": body} if body is not None else {}))
    status = response.status_code
    if status >= 500:
        return f"{status}: {response.text[:200]}"
    if need.kind in ("admin", "any", "some"):
        ok = (status != 403) == allowed
    elif need.kind == "row":  # a user refused the action outright (D) may also get a 403
        ok = status == 200 if allowed else status == 204 or (status == 403 and user.endswith(":D"))
    elif need.kind == "write":
        ok = (200 <= status < 300) if allowed else status == 403
    else:  # list
        assert need.marker is not None
        key, value = need.marker(w)
        seen = status == 200 and _found(response.json(), key, value)
        ok = seen == allowed and status in (200, 204, 403)
    return None if ok else f"{method} {path} → {status} {response.text[:200]}"


def test_every_route_is_in_the_matrix(app: Any) -> None:
    routes = {(method.upper(), path) for path, operations in app.openapi()["paths"].items()
              if path.startswith("/api/v4") for method in operations}
    assert sorted(routes - set(ROUTES)) == [], "routes without a rights entry"
    assert sorted(set(ROUTES) - routes) == [], "entries for routes that do not exist"


@pytest.mark.parametrize(("method", "path"), sorted(ROUTES))
async def test_route_rights(world: World, method: str, path: str) -> None:
    need = ROUTES[(method, path)]
    failures = {}
    for user in _users_for(need):
        problem = await _check(world, method, need, user)
        if problem is not None:
            failures[user] = f"{'allowed' if _allowed(need, user) else 'denied'} expected; {problem}"
    assert failures == {}
