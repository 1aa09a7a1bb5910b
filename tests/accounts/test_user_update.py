"""``PATCH /api/v4/users/{id}`` (a Kanbo extension): rights, flags, group and role of a user."""

from __future__ import annotations

from tests.accounts.helpers import make_group, make_role
from tests.support.factories import restricted_rights


def errors_of(body: dict) -> dict[str, str]:
    return {e["path"]: e["code"] for item in body["validation-errors"] for e in item["errors"]}


async def test_changes_the_matrix_and_keeps_what_is_not_given(client, tenant):
    member = await tenant.add_user(rights=restricted_rights(contacts={"view": "M", "edit": "M", "delete": "M",
                                                                      "export": "M"}))
    response = await client.patch(f"/api/v4/users/{member.id}", headers=tenant.headers, json={
        "name": "  Ana  ", "lang": "ES",
        "rights": {"leads": {"view": "G", "edit": "M", "delete": "D", "export": "G"}, "is_free": True,
                   "mail_access": False,
                   "status_rights": [{"pipeline_id": 1, "status_id": 142, "rights": {"view": "D"}}]}})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["name"] == "Ana" and body["lang"] == "es"
    rights = body["rights"]
    assert rights["leads"] == {"view": "G", "edit": "M", "add": "A", "delete": "D", "export": "G"}
    assert rights["contacts"]["view"] == "M"  # not given: kept
    assert rights["is_free"] is True and rights["mail_access"] is False and rights["is_admin"] is False
    assert rights["status_rights"] == [{"entity_type": "leads", "pipeline_id": 1, "status_id": 142,
                                        "rights": {"view": "D"}}]
    assert body["_embedded"] == {"roles": [], "groups": [{"id": 0, "name": "Main group"}]}
    again = (await client.get(f"/api/v4/users/{member.id}", headers=tenant.headers)).json()
    assert again["rights"]["leads"] == rights["leads"]
    # The new rights apply at once: the user's own view of leads is now "group".
    listing = await client.get("/api/v4/leads", headers=member.headers)
    assert listing.status_code in (200, 204)


async def test_group_role_and_admin_flag(client, tenant):
    group_id = await make_group(tenant, "North")
    role_id = await make_role(tenant, "Seller", restricted_rights(leads={"view": "M", "edit": "M", "delete": "M",
                                                                         "export": "M"}))
    member = await tenant.add_user()
    body = (await client.patch(f"/api/v4/users/{member.id}", headers=tenant.headers, json={
        "rights": {"group_id": group_id, "role_id": role_id}})).json()
    assert body["rights"]["group_id"] == group_id and body["rights"]["role_id"] == role_id
    assert body["rights"]["leads"]["view"] == "M"  # the role's rights apply
    assert body["_embedded"]["groups"] == [{"id": group_id, "name": "North"}]
    body = (await client.patch(f"/api/v4/users/{member.id}", headers=tenant.headers, json={
        "rights": {"group_id": 0, "role_id": 0, "is_admin": True}})).json()
    assert body["rights"]["group_id"] is None and body["rights"]["role_id"] is None
    assert body["rights"]["is_admin"] is True and body["rights"]["leads"]["view"] == "A"
    # Now an administrator: may add users.
    made = await client.post("/api/v4/users", headers=member.headers, json=[{"email": "new@example.com"}])
    assert made.status_code == 200


async def test_refusals(client, tenant):
    member = await tenant.add_user()
    path = f"/api/v4/users/{member.id}"
    bad = await client.patch(path, headers=tenant.headers, json={
        "rights": {"leads": {"view": "M", "edit": "A", "delete": "M", "export": "M"}, "role_id": 999999,
                   "group_id": 999999}})
    assert bad.status_code == 400
    assert errors_of(bad.json()) == {"rights.leads.edit": "InvalidValue", "rights.role_id": "NotFound",
                                     "rights.group_id": "NotFound"}
    letter = await client.patch(path, headers=tenant.headers, json={"rights": {"leads": {"add": "M"}}})
    assert letter.status_code == 400
    self_demotion = await client.patch(f"/api/v4/users/{tenant.admin.id}", headers=tenant.headers,
                                       json={"rights": {"is_admin": False}})
    assert self_demotion.status_code == 400
    assert errors_of(self_demotion.json()) == {"rights.is_admin": "NotSupportedChoice"}
    assert (await client.patch("/api/v4/users/999999", headers=tenant.headers, json={})).status_code == 404
    # Nothing changed.
    unchanged = (await client.get(path, headers=tenant.headers)).json()
    assert unchanged["rights"]["leads"]["view"] == "A" and unchanged["rights"]["role_id"] is None


async def test_only_admins(client, tenant):
    member = await tenant.add_user()
    response = await client.patch(f"/api/v4/users/{member.id}", headers=member.headers,
                                  json={"rights": {"is_admin": True}})
    assert response.status_code == 403
    assert (await client.get(f"/api/v4/users/{member.id}", headers=tenant.headers)).json()["rights"]["is_admin"] \
        is False
