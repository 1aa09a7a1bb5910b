"""Tags per entity type and their assignment to entities (spec §18)."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kanbo.core.db import Base, IdType, TenantMixin


class Tag(TenantMixin, Base):
    __tablename__ = "tags"
    __table_args__ = (UniqueConstraint("account_id", "entity_type", "name"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    entity_type: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(255))
    color: Mapped[str | None] = mapped_column(String(6), nullable=True)
    created_at: Mapped[int] = mapped_column(IdType)


class EntityTag(TenantMixin, Base):
    __tablename__ = "entity_tags"
    __table_args__ = (Index("ix_entity_tags_tag", "tag_id", "entity_id"),)

    entity_type: Mapped[str] = mapped_column(String(16), primary_key=True)
    entity_id: Mapped[int] = mapped_column(IdType, primary_key=True)
    tag_id: Mapped[int] = mapped_column(IdType, ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True)
