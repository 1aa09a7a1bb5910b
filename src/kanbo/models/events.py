from __future__ import annotations

from typing import Any

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from kanbo.core.db import Base, IdType, JsonType, TenantMixin


class Event(TenantMixin, Base):
    """One row of the event log: the source of the events API, webhooks, automation, live updates.

    ``seq`` orders rows inside the database; ``uid`` is the public, ULID-like string id; ``position``
    numbers the account's events 1, 2, 3… in the order their transactions committed (given at commit
    by :mod:`kanbo.events.commits`; NULL only inside the writing transaction): the live stream's cursor.
    """

    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_account_entity", "account_id", "entity_type", "entity_id"),
        Index("ix_events_account_type_created", "account_id", "type", "created_at"),
        Index("ix_events_account_position", "account_id", "position", unique=True),
    )

    seq: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    uid: Mapped[str] = mapped_column(String(26), unique=True)
    type: Mapped[str] = mapped_column(String(64))
    entity_type: Mapped[str] = mapped_column(String(32))  # singular: lead, contact, company, task…
    entity_id: Mapped[int] = mapped_column(IdType)
    created_by: Mapped[int] = mapped_column(IdType, default=0)
    created_at: Mapped[int] = mapped_column(IdType, index=True)
    value_before: Mapped[list[Any]] = mapped_column(JsonType)
    value_after: Mapped[list[Any]] = mapped_column(JsonType)
    position: Mapped[int | None] = mapped_column(IdType, nullable=True)
    # The event whose automation caused this one (rules cannot loop through their own effects).
    cause_uid: Mapped[str | None] = mapped_column(String(26), nullable=True)
