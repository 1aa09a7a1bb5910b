"""Tasks, task types, notes and incoming leads (spec §8, §9, §10)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kanbo.core.db import Base, IdType, JsonType, TenantMixin


class TaskType(TenantMixin, Base):
    """A custom task type. Ids 1 (follow-up) and 2 (meeting) are built in; custom ids start at 3 per account."""

    __tablename__ = "task_types"
    __table_args__ = (UniqueConstraint("account_id", "id"),)

    pk: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    id: Mapped[int] = mapped_column(IdType)
    name: Mapped[str] = mapped_column(String(255))
    color: Mapped[str | None] = mapped_column(String(7), nullable=True)
    icon_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    code: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[int] = mapped_column(IdType)


class Task(TenantMixin, Base):
    __tablename__ = "tasks"
    __table_args__ = (
        Index("ix_tasks_account_responsible", "account_id", "responsible_user_id"),
        Index("ix_tasks_account_entity", "account_id", "entity_type", "entity_id", "is_completed"),
        Index("ix_tasks_account_deadline", "account_id", "complete_till"),
        Index("ix_tasks_account_updated", "account_id", "updated_at"),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    responsible_user_id: Mapped[int] = mapped_column(IdType, ForeignKey("users.id", ondelete="RESTRICT"))
    entity_type: Mapped[str | None] = mapped_column(String(16), nullable=True)  # leads, contacts, companies
    entity_id: Mapped[int | None] = mapped_column(IdType, nullable=True)
    task_type_id: Mapped[int] = mapped_column(IdType, default=1)
    text: Mapped[str] = mapped_column(Text, default="")
    duration: Mapped[int] = mapped_column(Integer, default=0)
    complete_till: Mapped[int] = mapped_column(IdType)
    is_completed: Mapped[bool] = mapped_column(Boolean, default=False)
    result_text: Mapped[str | None] = mapped_column(Text, nullable=True)
    completed_at: Mapped[int | None] = mapped_column(IdType, nullable=True)
    is_deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[int] = mapped_column(IdType, default=0)
    updated_by: Mapped[int] = mapped_column(IdType, default=0)
    created_at: Mapped[int] = mapped_column(IdType)
    updated_at: Mapped[int] = mapped_column(IdType)


class Note(TenantMixin, Base):
    """One item of a card's feed: a typed note with its ``params`` (spec §10.3)."""

    __tablename__ = "notes"
    __table_args__ = (
        Index("ix_notes_account_entity", "account_id", "entity_type", "entity_id"),
        Index("ix_notes_account_type_updated", "account_id", "entity_type", "updated_at"),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    entity_type: Mapped[str] = mapped_column(String(16))  # leads, contacts, companies
    entity_id: Mapped[int] = mapped_column(IdType)
    note_type: Mapped[str] = mapped_column(String(64))
    params: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)
    responsible_user_id: Mapped[int | None] = mapped_column(IdType, nullable=True)
    is_pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[int] = mapped_column(IdType, default=0)
    updated_by: Mapped[int] = mapped_column(IdType, default=0)
    created_at: Mapped[int] = mapped_column(IdType)
    updated_at: Mapped[int] = mapped_column(IdType)


class Unsorted(TenantMixin, Base):
    """An incoming lead (call, form, mail, chat) waiting to be accepted, declined or linked."""

    __tablename__ = "unsorted"
    __table_args__ = (
        Index("ix_unsorted_account_state", "account_id", "state", "created_at"),
        Index("ix_unsorted_account_pipeline", "account_id", "pipeline_id"),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    uid: Mapped[str] = mapped_column(String(64), unique=True)
    category: Mapped[str] = mapped_column(String(8))  # sip, forms, chats, mail
    source_uid: Mapped[str] = mapped_column(String(255))
    source_name: Mapped[str] = mapped_column(String(255))
    pipeline_id: Mapped[int] = mapped_column(IdType, ForeignKey("pipelines.id", ondelete="CASCADE"))
    meta: Mapped[dict[str, Any]] = mapped_column("metadata", JsonType, default=dict)
    lead_id: Mapped[int | None] = mapped_column(IdType, ForeignKey("leads.id", ondelete="SET NULL"), nullable=True)
    contact_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("contacts.id", ondelete="SET NULL"), nullable=True
    )
    company_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("companies.id", ondelete="SET NULL"), nullable=True
    )
    state: Mapped[str] = mapped_column(String(16), default="new")  # new, accepted, declined, linked
    # Contacts whose phone or email matched at arrival: a possible duplicate.
    duplicate_of: Mapped[list[Any]] = mapped_column(JsonType, default=list)
    created_by: Mapped[int] = mapped_column(IdType, default=0)
    created_at: Mapped[int] = mapped_column(IdType)
    updated_at: Mapped[int] = mapped_column(IdType)
    resolved_at: Mapped[int | None] = mapped_column(IdType, nullable=True)
    resolved_by: Mapped[int | None] = mapped_column(IdType, nullable=True)
