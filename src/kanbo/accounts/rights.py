"""Rights: the rights object (spec §4.3), merged and checked, and the decisions every service asks for.

Letters: ``A`` all records, ``G`` records of the user's group, ``M`` records the user is responsible
for, ``L`` linked records (catalogs), ``D`` denied. An admin may do everything.
"""

from __future__ import annotations

import copy
from typing import Any, get_args

from sqlalchemy import ColumnElement, and_, false, not_, or_, select, true
from sqlalchemy.orm import InstrumentedAttribute

from kanbo.accounts.rights_wire import CatalogLetter, Letter, RightsIn
from kanbo.core.errors import Errors, Forbidden
from kanbo.core.principal import Principal, administers
from kanbo.models.activity import Task
from kanbo.models.entities import Company, Contact, Lead
from kanbo.models.users import User

ENTITIES = ("leads", "contacts", "companies", "tasks")
ACTIONS = ("view", "edit", "add", "delete", "export")
LETTERS: tuple[str, ...] = get_args(Letter)
CATALOG_LETTERS: tuple[str, ...] = get_args(CatalogLetter)
STATUS_ACTIONS = ("view", "edit", "delete", "export")
STRICTNESS = {"A": 0, "L": 1, "G": 2, "M": 3, "D": 4}
# An action may not be broader than the action it depends on.
DEPENDS_ON = {"edit": ("view",), "delete": ("view", "edit"), "export": ("view",)}


def full_rights() -> dict[str, Any]:
    """Everything allowed: an admin's rights and the default for a new user."""
    rights: dict[str, Any] = {entity: dict.fromkeys(ACTIONS, "A") for entity in ENTITIES}
    rights.update({"status_rights": [], "catalog_rights": [], "mail_access": True, "catalog_access": True})
    return rights


def apply_rights(given: RightsIn | None, errors: Errors, request_id: str, path: str = "rights",
                 base: dict[str, Any] | None = None) -> dict[str, Any]:
    """The rights a client sent (already typed, letters included) merged over ``base`` (default: full
    rights): an entity's actions one by one, ``status_rights`` and ``catalog_rights`` as wholes. An action
    broader than the one it depends on is recorded in ``errors`` at its path (``rights.leads.edit``)."""
    rights = copy.deepcopy(base) if base is not None else full_rights()
    if given is None:
        return rights
    for entity in ENTITIES:
        actions = getattr(given, entity)
        if actions is None:
            continue
        for action in ACTIONS:
            letter = getattr(actions, action)
            if letter is not None:
                rights[entity][action] = letter
        _check_dependencies(rights[entity], errors, request_id, f"{path}.{entity}")
    if given.status_rights is not None:
        rights["status_rights"] = [
            {"entity_type": stage.entity_type or "leads", "pipeline_id": stage.pipeline_id,
             "status_id": stage.status_id,
             "rights": stage.rights.model_dump(include=set(STATUS_ACTIONS), exclude_none=True) if stage.rights else {}}
            for stage in given.status_rights
        ]
    if given.catalog_rights is not None:
        rights["catalog_rights"] = [
            {"catalog_id": catalog.catalog_id,
             "rights": catalog.rights.model_dump(include=set(ACTIONS), exclude_none=True) if catalog.rights else {}}
            for catalog in given.catalog_rights
        ]
    for flag in ("mail_access", "catalog_access"):
        value = getattr(given, flag)
        if value is not None:
            rights[flag] = value
    return rights


def _check_dependencies(entity_rights: dict[str, str], errors: Errors, request_id: str, path: str) -> None:
    for action, prerequisites in DEPENDS_ON.items():
        letter = entity_rights.get(action)
        if letter is None:
            continue
        for prerequisite in prerequisites:
            base = entity_rights.get(prerequisite)
            if base is not None and STRICTNESS[letter] < STRICTNESS[base]:
                errors.add(request_id, f"{path}.{action}",
                           f"'{action}' cannot be broader than '{prerequisite}' ({base}).", "InvalidValue")


# Decisions ------------------------------------------------------------------------------------

def is_admin(principal: Principal) -> bool:
    """The one admin check (:func:`kanbo.core.principal.administers`) as the rights policy names it."""
    return administers(principal)


def require_admin(principal: Principal, action: str) -> None:
    """403 unless the principal is an account administrator."""
    if not is_admin(principal):
        raise Forbidden(f"Only account administrators may {action}")


def letter(principal: Principal, entity: str, action: str) -> str:
    if is_admin(principal):
        return "A"
    return str(principal.rights.get(entity, {}).get(action, "D"))


def may(principal: Principal, entity: str, action: str) -> bool:
    """May the principal do ``action`` on at least some records of ``entity``?"""
    return letter(principal, entity, action) != "D"


def _allows(granted: str, principal: Principal, responsible_user_id: int | None,
            responsible_group_id: int | None) -> bool:
    if granted == "A":
        return True
    if granted == "M":
        return responsible_user_id == principal.user_id
    if granted == "G":
        if responsible_user_id == principal.user_id:
            return True
        return principal.group_id is not None and responsible_group_id == principal.group_id
    return False


def may_row(principal: Principal, entity: str, action: str, responsible_user_id: int | None,
            responsible_group_id: int | None, stage: tuple[int, int] | None = None) -> bool:
    """May the principal do ``action`` on one row, given its responsible user and that user's group;
    for a lead, ``stage`` (pipeline id, status id) also applies the stage rights (``status_rights``)."""
    if not _allows(letter(principal, entity, action), principal, responsible_user_id, responsible_group_id):
        return False
    if stage is None or is_admin(principal) or action not in STATUS_ACTIONS:
        return True
    granted = stage_letter(principal, stage[0], stage[1], action)
    return granted is None or _allows(granted, principal, responsible_user_id, responsible_group_id)


def may_entity(principal: Principal, entity: str, action: str, row: Any, responsible_group_id: int | None) -> bool:
    """:func:`may_row` for an entity row (a lead's own stage included)."""
    stage = (row.pipeline_id, row.status_id) if entity == "leads" else None
    return may_row(principal, entity, action, row.responsible_user_id, responsible_group_id, stage)


def scope(principal: Principal, entity: str, action: str,
          responsible_column: InstrumentedAttribute[Any]) -> ColumnElement[bool]:
    """A WHERE clause limiting a list query to the rows the principal may ``action``."""
    granted = letter(principal, entity, action)
    if granted == "A":
        return true()
    if granted == "M":
        return responsible_column == principal.user_id
    if granted == "G":
        if principal.group_id is None:
            return responsible_column == principal.user_id
        group_members = select(User.id).where(User.group_id == principal.group_id).scalar_subquery()
        return responsible_column.in_(group_members)
    return false()


MODELS: dict[str, Any] = {"leads": Lead, "contacts": Contact, "companies": Company, "tasks": Task}


def visible(principal: Principal, entity_type: str, model: Any = None,
            action: str = "view") -> list[ColumnElement[bool]]:
    """The WHERE clauses limiting a query of ``entity_type`` rows (``model``, default the type's own
    table; pass an alias when needed) to those the principal may ``action``: the letter of the action
    and, for leads, the stage rights. Every list and read path asks this, nothing else."""
    model = model if model is not None else MODELS[entity_type]
    clauses = [scope(principal, entity_type, action, model.responsible_user_id)]
    if entity_type == "leads" and action in STATUS_ACTIONS:
        stage = stage_rights_clause(principal, model.pipeline_id, model.status_id, model.responsible_user_id,
                                    action)
        if stage is not None:
            clauses.append(stage)
    return clauses


# Stage rights (``status_rights``) of leads -----------------------------------------------------

def stage_rights_clause(principal: Principal, pipeline_col: Any, status_col: Any, responsible_col: Any,
                        action: str = "view") -> ColumnElement[bool] | None:
    """Per-stage rights (``status_rights``) narrowing a leads query; ``None`` when none apply."""
    if is_admin(principal):
        return None
    clauses = []
    for entry in principal.rights.get("status_rights") or []:
        letter = (entry.get("rights") or {}).get(action)
        if letter in (None, "A"):
            continue
        in_stage = and_(pipeline_col == entry["pipeline_id"], status_col == entry["status_id"])
        if letter == "M":
            clauses.append(or_(not_(in_stage), responsible_col == principal.user_id))
        elif letter == "G":
            members = select(User.id).where(User.group_id == principal.group_id).scalar_subquery() \
                if principal.group_id is not None else select(User.id).where(User.id == principal.user_id) \
                .scalar_subquery()
            clauses.append(or_(not_(in_stage), responsible_col.in_(members)))
        else:
            clauses.append(not_(in_stage))
    return and_(*clauses) if clauses else None


def may_enter_stage(principal: Principal, pipeline_id: int, status_id: int) -> bool:
    """May the principal move leads into this stage (its ``edit`` stage right is not ``D``)?"""
    return is_admin(principal) or stage_letter(principal, pipeline_id, status_id, "edit") != "D"


def stage_letter(principal: Principal, pipeline_id: int, status_id: int, action: str) -> str | None:
    for entry in principal.rights.get("status_rights") or []:
        if entry.get("pipeline_id") == pipeline_id and entry.get("status_id") == status_id:
            letter = (entry.get("rights") or {}).get(action)
            return str(letter) if letter else None
    return None
