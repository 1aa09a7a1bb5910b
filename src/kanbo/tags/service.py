"""Tags (spec §18): the tag catalogue per entity type, and the library entity services use to assign tags.

Tag names are unique per entity type and matched case-insensitively (see ``wire.folded``). Every library
call runs a fixed number of statements whatever the size of the batch.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, delete, false, or_, select, true, tuple_
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from kanbo.accounts import rights
from kanbo.core.db import bound_account
from kanbo.core.errors import Errors, NotFound
from kanbo.core.principal import Principal
from kanbo.core.time import now
from kanbo.events.service import Change, record_many
from kanbo.http.query import MAX_INT, ListQuery, as_list
from kanbo.http.wire import BatchItem
from kanbo.models.tags import EntityTag, Tag
from kanbo.tags.wire import TAG_COLORS as TAG_COLORS
from kanbo.tags.wire import (
    TagDelete,
    TagIn,
    TagList,
    TagUpdate,
    fold,
    folded,
    parse_refs,
    singular,
    tag_kind,
    tag_ref,
)

__all__ = [
    "TAG_COLORS", "TagOps", "add_tags", "apply_tag_ops", "delete_entity_tags", "delete_tags", "list_tags",
    "parse_tag_ops", "tag_filter_clause", "tags_for", "update_tags",
]


def _insert(session: AsyncSession, model: type[Any]) -> Any:
    """An INSERT that skips rows violating a unique key (concurrent writers)."""
    dialect = session.get_bind().dialect.name
    statement = pg_insert(model) if dialect == "postgresql" else sqlite_insert(model)
    return statement.on_conflict_do_nothing()


def _account(session: AsyncSession, principal: Principal | None) -> int:
    account_id = bound_account(session)
    if account_id is None and principal is not None:
        account_id = principal.account_id
    if account_id is None:
        raise RuntimeError("tags need a session bound to an account")
    return account_id


# The library the entity services call --------------------------------------------------------

@dataclass
class TagOps:
    """Tag changes of one entity. Items are ``{"id": int}`` or ``{"name": str}``."""

    replace: list[dict[str, Any]] | None = None  # `_embedded.tags`: the full new set ([] clears)
    add: list[dict[str, Any]] = field(default_factory=list)  # tags_to_add
    remove: list[dict[str, Any]] = field(default_factory=list)  # tags_to_delete
    # Error path of each item ("tags_to_add.3"); filled by parse_tag_ops, positional when absent.
    paths: dict[str, list[str]] = field(default_factory=dict, repr=False, compare=False)


_SECTIONS = (("replace", "_embedded.tags"), ("add", "tags_to_add"), ("remove", "tags_to_delete"))


def parse_tag_ops(item: dict[str, Any], errors: Errors, request_id: str) -> TagOps | None:
    """Read ``_embedded.tags`` (replace; null clears), ``tags_to_add`` and ``tags_to_delete`` of a body item."""
    ops = TagOps()
    embedded = item.get("_embedded")
    given = False
    if isinstance(embedded, dict) and "tags" in embedded:
        given = True
        ops.replace, ops.paths["replace"] = ([], []) if embedded["tags"] is None else \
            parse_refs(embedded["tags"], "_embedded.tags", errors, request_id)
    for attr, key in _SECTIONS[1:]:
        if item.get(key) is not None:
            given = True
            refs, paths = parse_refs(item[key], key, errors, request_id)
            setattr(ops, attr, refs)
            ops.paths[attr] = paths
    return ops if given else None


def _items(ops: TagOps, attr: str, prefix: str) -> list[tuple[Any, str]]:
    """The items of one section with their error paths (positional when the caller built the TagOps)."""
    refs = (ops.replace if attr == "replace" else getattr(ops, attr)) or []
    paths = ops.paths.get(attr)
    if paths is None or len(paths) != len(refs):
        paths = [f"{prefix}.{i}" for i in range(len(refs))]
    return list(zip(refs, paths, strict=True))


def _pick(tags: list[Tag], name: str) -> Tag:
    """Of the tags whose names fold alike, the one spelt exactly as asked, else the oldest."""
    return next((t for t in tags if t.name == name), min(tags, key=lambda t: t.id))


async def apply_tag_ops(session: AsyncSession, principal: Principal | None, entity_type: str,
                        ops_by_entity: dict[int, TagOps], errors: Errors,
                        request_ids: dict[int, str]) -> list[Change]:
    """Apply the tag changes of a whole batch of entities; nothing is written when ``errors`` is not empty."""
    kind = tag_kind(entity_type)
    if not ops_by_entity:
        return []
    refs = {entity_id: [(attr, path, tag_ref(ref)) for attr, prefix in _SECTIONS
                        for ref, path in _items(ops, attr, prefix)] for entity_id, ops in ops_by_entity.items()}
    ids = sorted({value for entries in refs.values() for _, _, value in entries if isinstance(value, int)})
    names: dict[str, str] = {}  # folded → the first spelling asked for
    for entries in refs.values():
        for _, _, value in entries:
            if isinstance(value, str):
                names.setdefault(fold(value), value)
    by_id: dict[int, Tag] = {}
    by_name: dict[str, list[Tag]] = {}

    def remember(tags: Iterable[Tag]) -> None:
        for tag in tags:
            by_id[tag.id] = tag
            by_name.setdefault(fold(tag.name), []).append(tag)

    if ids or names:
        remember(await session.scalars(select(Tag).where(
            Tag.entity_type == kind, or_(Tag.id.in_(ids), folded(Tag.name).in_(sorted(names))))))
    current: dict[int, dict[int, str]] = {entity_id: {} for entity_id in ops_by_entity}
    for entity_id, tag_id, tag_name in await session.execute(
            select(EntityTag.entity_id, Tag.id, Tag.name).join(Tag, Tag.id == EntityTag.tag_id)
            .where(EntityTag.entity_type == kind, EntityTag.entity_id.in_(sorted(ops_by_entity)))):
        current[entity_id][tag_id] = tag_name

    missing: set[str] = set()  # names to create (never for tags_to_delete: what does not exist is removed)
    for entity_id, entries in refs.items():
        request_id = request_ids.get(entity_id, "0")
        for attr, path, value in entries:
            if value is None:
                errors.add(request_id, path, "A tag needs an id or a name.", "NotBlank")
            elif isinstance(value, int) and value not in by_id and attr != "remove":
                errors.add(request_id, f"{path}.id", f"Tag {value} does not exist.", "NotSupportedChoice")
            elif isinstance(value, str) and fold(value) not in by_name and attr != "remove":
                missing.add(fold(value))
    if errors:
        return []
    account_id = _account(session, principal)
    if missing:
        remember(await _create_tags(session, account_id, kind, [names[key] for key in names if key in missing]))

    def resolve(value: int | str | None) -> int | None:
        if isinstance(value, str):
            key = fold(value)
            return _pick(by_name[key], names[key]).id if key in by_name else None
        return value if value in by_id else None

    changes: list[Change] = []
    inserts: list[dict[str, Any]] = []
    deletes: list[tuple[int, int]] = []
    for entity_id, entries in refs.items():
        wanted = {attr: {resolve(value) for a, _, value in entries if a == attr} - {None} for attr, _ in _SECTIONS}
        before = current[entity_id]
        target = wanted["replace"] if ops_by_entity[entity_id].replace is not None else set(before)
        target = (target | wanted["add"]) - wanted["remove"]
        added = sorted((by_id[t] for t in target - set(before) if t is not None), key=lambda t: (fold(t.name), t.id))
        removed = sorted(((t, before[t]) for t in set(before) - target), key=lambda p: (fold(p[1]), p[0]))
        inserts += [{"account_id": account_id, "entity_type": kind, "entity_id": entity_id, "tag_id": t.id}
                    for t in added]
        deletes += [(entity_id, tag_id) for tag_id, _ in removed]
        if added:
            changes.append(Change("entity_tag_added", singular(kind), entity_id,
                                  after=[{"tag": {"name": t.name}} for t in added]))
        if removed:
            changes.append(Change("entity_tag_deleted", singular(kind), entity_id,
                                  before=[{"tag": {"name": name}} for _, name in removed]))
    if deletes:
        await session.execute(
            delete(EntityTag).where(EntityTag.entity_type == kind,
                                    tuple_(EntityTag.entity_id, EntityTag.tag_id).in_(deletes))
            .execution_options(synchronize_session=False))
    if inserts:
        await session.execute(_insert(session, EntityTag), inserts)
    return changes


async def _create_tags(session: AsyncSession, account_id: int, kind: str, names: list[str],
                       colors: dict[str, str | None] | None = None) -> list[Tag]:
    """Insert tags (one statement); names another writer created meanwhile are read back instead."""
    stamp = now()
    colors = colors or {}
    values = [{"account_id": account_id, "entity_type": kind, "name": name, "color": colors.get(name),
               "created_at": stamp} for name in names]
    created = list(await session.scalars(_insert(session, Tag).values(values).returning(Tag)))
    lost = set(names) - {tag.name for tag in created}
    if lost:
        created += list(await session.scalars(select(Tag).where(Tag.entity_type == kind, Tag.name.in_(lost))))
    return created


async def tags_for(session: AsyncSession, entity_type: str, entity_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """``{entity_id: [{"id", "name", "color"}, ...]}`` ordered by name (case-insensitively); one query."""
    kind = tag_kind(entity_type)
    result: dict[int, list[dict[str, Any]]] = {entity_id: [] for entity_id in entity_ids}
    if not entity_ids:
        return result
    rows = await session.execute(
        select(EntityTag.entity_id, Tag.id, Tag.name, Tag.color).join(Tag, Tag.id == EntityTag.tag_id)
        .where(EntityTag.entity_type == kind, EntityTag.entity_id.in_(sorted(set(entity_ids)))))
    for entity_id, tag_id, name, color in rows:
        result.setdefault(entity_id, []).append({"id": tag_id, "name": name, "color": color})
    for tags in result.values():
        tags.sort(key=lambda t: (fold(t["name"]), t["name"], t["id"]))
    return result


def _digits(text: str) -> int | None:
    """``"12"`` → 12: ASCII digits within BIGINT range, else None."""
    text = text.strip()
    if not (text.isascii() and text.isdigit() and len(text) <= 19):
        return None
    return int(text) if int(text) <= MAX_INT else None


def tag_filter_clause(entity_type: str, id_column: Any, raw: Any) -> ColumnElement[bool]:
    """``filter[tags]`` / ``filter[tags][]=id_or_name``: entities having any of the tags (ids or names).

    A numeric value matches a tag id or a tag of that name; ``5,7`` is taken as two ids (and as a name).
    """
    kind = tag_kind(entity_type)
    values = as_list(raw, split_commas=False, path="filter[tags]")
    if not values:
        return true()
    ids: set[int] = set()
    for value in values:
        parts = [_digits(part) for part in value.split(",")]
        if all(part is not None for part in parts):
            ids.update(part for part in parts if part is not None)
    keys = sorted({fold(v) for v in values})
    tag_ids = select(Tag.id).where(Tag.entity_type == kind, or_(Tag.id.in_(sorted(ids)), folded(Tag.name).in_(keys)))
    tagged = select(EntityTag.entity_id).where(EntityTag.entity_type == kind, EntityTag.tag_id.in_(tag_ids))
    clause: ColumnElement[bool] = id_column.in_(tagged)
    return clause


async def delete_entity_tags(session: AsyncSession, entity_type: str, entity_ids: list[int]) -> None:
    """Forget the tags of purged entities (one statement)."""
    if not entity_ids:
        return
    await session.execute(
        delete(EntityTag).where(EntityTag.entity_type == tag_kind(entity_type),
                                EntityTag.entity_id.in_(sorted(set(entity_ids))))
        .execution_options(synchronize_session=False))


# The tags API -----------------------------------------------------------------------------

def require_admin(principal: Principal) -> None:
    rights.require_admin(principal, "rename, recolour or delete tags")


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _rid(item: BatchItem) -> str:
    return item.request_id if item.request_id is not None else "0"


async def list_tags(session: AsyncSession, entity_type: str, params: TagList,
                    query: ListQuery) -> tuple[list[Tag], bool]:
    """One page of tags (by id) and whether another page follows."""
    kind = tag_kind(entity_type)
    statement = select(Tag).where(Tag.entity_type == kind)
    f = params.filter
    if f.id is not None:
        statement = statement.where(Tag.id.in_(sorted(set(f.id))))
    if f.name is not None:
        wanted = {fold(name) for name in f.name}
        statement = statement.where(folded(Tag.name).in_(sorted(wanted)) if wanted else false())
    text = params.query.strip() if params.query else ""
    if text:
        statement = statement.where(folded(Tag.name).like(f"%{_escape_like(fold(text))}%", escape="\\"))
    tags = list(await session.scalars(statement.order_by(Tag.id).offset(query.offset).limit(query.limit + 1)))
    return tags[:query.limit], len(tags) > query.limit


async def add_tags(session: AsyncSession, principal: Principal, entity_type: str,
                   items: Sequence[TagIn]) -> list[tuple[str, Tag]]:
    """Create tags; a name that exists (case-insensitively) answers the existing tag, unchanged."""
    kind = tag_kind(entity_type)
    plans = [(_rid(item), item.name) for item in items]
    colors: dict[str, str | None] = {}
    for item in items:
        colors.setdefault(fold(item.name), item.color)
    spelling = {fold(name): name for _, name in reversed(plans)}  # first spelling wins
    existing: dict[str, list[Tag]] = {}
    for tag in await session.scalars(select(Tag).where(Tag.entity_type == kind,
                                                       folded(Tag.name).in_(sorted(spelling)))):
        existing.setdefault(fold(tag.name), []).append(tag)
    new = [spelling[key] for key in dict.fromkeys(fold(name) for _, name in plans) if key not in existing]
    if new:
        created = await _create_tags(session, _account(session, principal), kind, new,
                                     {spelling[key]: colors[key] for key in spelling})
        for tag in created:
            existing.setdefault(fold(tag.name), []).append(tag)
    return [(request_id, _pick(existing[fold(name)], spelling[fold(name)])) for request_id, name in plans]


async def update_tags(session: AsyncSession, principal: Principal, entity_type: str,
                      items: Sequence[TagUpdate], *, single: bool = False,
                      errors: Errors | None = None) -> list[tuple[str, Tag]]:
    """Rename / recolour tags by id (admins only). ``single``: a missing id is a 404, not a 400.
    ``errors``: those of items that failed validation, raised with this batch's own."""
    require_admin(principal)
    kind = tag_kind(entity_type)
    errors = errors if errors is not None else Errors()
    ids = sorted({item.id for item in items})
    asked = sorted({fold(item.name) for item in items if item.name is not None})
    # the tags to change and every tag now holding one of the new names
    tags = {tag.id: tag for tag in await session.scalars(select(Tag).where(
        Tag.entity_type == kind, or_(Tag.id.in_(ids), folded(Tag.name).in_(asked))))}
    final: dict[int, tuple[str, str | None]] = {}  # tag id → (name, colour) after the batch
    owner: dict[int, str] = {}  # tag id → request_id of the item that renames it
    for item in items:
        tag = tags.get(item.id)
        if tag is None:
            if single:
                raise NotFound(f"Tag {item.id} not found")
            errors.add(_rid(item), "id", f"Tag {item.id} does not exist.", "NotFound")
            continue
        name, color = final.get(item.id, (tag.name, tag.color))
        if item.name is not None and item.name != name:
            name = item.name
            owner[item.id] = _rid(item)
        if item.recolours:
            color = item.color
        final[item.id] = (name, color)
    # Names stay unique (case-insensitively) in the state after the whole batch, so renames may swap names.
    after = {tag_id: final[tag_id][0] if tag_id in final else tag.name for tag_id, tag in tags.items()}
    holders = Counter(fold(name) for name in after.values())
    for tag_id, request_id in owner.items():
        name = after[tag_id]
        if fold(name) != fold(tags[tag_id].name) and holders[fold(name)] > 1:
            errors.add(request_id, "name", f"A tag named '{name}' already exists.", "NotUnique")
    errors.raise_if_any()
    renamed = [tag_id for tag_id, (name, _) in final.items() if name != tags[tag_id].name]
    if len(renamed) > 1:  # free the old names first: a swap must not trip the unique key mid-flush
        for tag_id in renamed:
            tags[tag_id].name = f"\x01renaming {tag_id}"
        await session.flush()
    for tag_id, (name, color) in final.items():
        tags[tag_id].name, tags[tag_id].color = name, color
    await session.flush()
    return [(_rid(item), tags[item.id]) for item in items]


async def delete_tags(session: AsyncSession, principal: Principal, entity_type: str,
                      items: Sequence[TagDelete], errors: Errors | None = None) -> None:
    """Delete tags by id (admins only), removing them from every entity. ``errors``: as in :func:`update_tags`."""
    require_admin(principal)
    kind = tag_kind(entity_type)
    errors = errors if errors is not None else Errors()
    ids = {item.id for item in items}
    found = set(await session.scalars(select(Tag.id).where(Tag.entity_type == kind, Tag.id.in_(ids))))
    for item in items:
        if item.id not in found:
            errors.add(_rid(item), "id", f"Tag {item.id} does not exist.", "NotFound")
    errors.raise_if_any()
    # Each entity that had them records ``entity_tag_deleted``, as when a tag is removed from it.
    removed: dict[int, list[str]] = {}
    for entity_id, name in await session.execute(
            select(EntityTag.entity_id, Tag.name).join(Tag, Tag.id == EntityTag.tag_id)
            .where(EntityTag.tag_id.in_(found)).order_by(EntityTag.entity_id, Tag.id)):
        removed.setdefault(entity_id, []).append(name)
    record_many(session, principal, [Change("entity_tag_deleted", singular(kind), entity_id,
                                            before=[{"tag": {"name": name}} for name in names])
                                     for entity_id, names in removed.items()])
    await session.execute(delete(EntityTag).where(EntityTag.tag_id.in_(found))
                          .execution_options(synchronize_session=False))
    await session.execute(delete(Tag).where(Tag.id.in_(found)).execution_options(synchronize_session=False))
