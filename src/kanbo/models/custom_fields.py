"""Custom field definitions, their enums and groups, and the value index used by filters (§12)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kanbo.core.db import Base, IdType, JsonType, TenantMixin


class CustomField(TenantMixin, Base):
    __tablename__ = "custom_fields"
    __table_args__ = (Index("ix_custom_fields_account_entity", "account_id", "entity_type"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    entity_type: Mapped[str] = mapped_column(String(16))  # leads, contacts, companies
    name: Mapped[str] = mapped_column(String(255))
    type: Mapped[str] = mapped_column(String(32))
    code: Mapped[str | None] = mapped_column(String(64), nullable=True)
    sort: Mapped[int] = mapped_column(Integer, default=500)
    group_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    is_api_only: Mapped[bool] = mapped_column(Boolean, default=False)
    is_predefined: Mapped[bool] = mapped_column(Boolean, default=False)
    is_deletable: Mapped[bool] = mapped_column(Boolean, default=True)
    required_statuses: Mapped[list[Any]] = mapped_column(JsonType, default=list)
    hidden_statuses: Mapped[list[Any]] = mapped_column(JsonType, default=list)
    # Type-specific settings: remind, currency, search_in, chained_lists, tracking_callback, nested…
    settings: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)
    created_at: Mapped[int] = mapped_column(IdType)
    updated_at: Mapped[int] = mapped_column(IdType)


class CustomFieldEnum(TenantMixin, Base):
    __tablename__ = "custom_field_enums"

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    field_id: Mapped[int] = mapped_column(IdType, ForeignKey("custom_fields.id", ondelete="CASCADE"), index=True)
    value: Mapped[str] = mapped_column(String(255))
    sort: Mapped[int] = mapped_column(Integer, default=0)
    code: Mapped[str | None] = mapped_column(String(64), nullable=True)


class CustomFieldGroup(TenantMixin, Base):
    __tablename__ = "custom_field_groups"
    __table_args__ = (UniqueConstraint("account_id", "id"),)

    pk: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(64))  # e.g. "leads_1591337000", as Kommo
    entity_type: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(255))
    sort: Mapped[int] = mapped_column(Integer, default=0)
    is_predefined: Mapped[bool] = mapped_column(Boolean, default=False)
    type: Mapped[str] = mapped_column(String(32), default="custom_field_group")


class FieldValue(TenantMixin, Base):
    """One searchable value of one entity's field: filters and phone/email look-ups use this index.

    ``text`` is normalised (case-folded; phones in E.164); ``kind`` is ``phone`` or ``email`` for the
    PHONE/EMAIL fields so a contact or company is found by phone or email with one indexed look-up.
    ``phone_rev`` (phone rows only) holds the phone's digits reversed: the phone rule
    (``custom_fields/phones.py``) looks numbers up by equality and by prefix of it ("ends with").
    """

    __tablename__ = "field_values"
    __table_args__ = (
        Index("ix_field_values_entity", "entity_type", "entity_id"),
        Index("ix_field_values_text", "account_id", "entity_type", "field_id", "text"),
        Index("ix_field_values_number", "account_id", "entity_type", "field_id", "number"),
        Index("ix_field_values_enum", "account_id", "entity_type", "field_id", "enum_id"),
        Index("ix_field_values_kind", "account_id", "kind", "text"),
        # Prefix search over every text value of an entity type (``query=``); byte-wise on PostgreSQL.
        Index("ix_field_values_search", "account_id", "entity_type", "text",
              postgresql_ops={"text": "text_pattern_ops"}),
        # Phone look-ups: equality and prefix ranges of the reversed digits; byte-wise on PostgreSQL.
        Index("ix_field_values_phone", "account_id", "phone_rev", postgresql_ops={"phone_rev": "text_pattern_ops"}),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    entity_type: Mapped[str] = mapped_column(String(16))
    entity_id: Mapped[int] = mapped_column(IdType)
    field_id: Mapped[int] = mapped_column(IdType, ForeignKey("custom_fields.id", ondelete="CASCADE"))
    enum_id: Mapped[int | None] = mapped_column(IdType, nullable=True)
    text: Mapped[str | None] = mapped_column(String(512), nullable=True)
    number: Mapped[float | None] = mapped_column(Float, nullable=True)
    kind: Mapped[str | None] = mapped_column(String(8), nullable=True)
    phone_rev: Mapped[str | None] = mapped_column(String(32), nullable=True)
