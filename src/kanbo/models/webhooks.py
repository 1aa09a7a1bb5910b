"""Webhook subscriptions, the event outbox, deliveries and their attempts (spec §14)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kanbo.core.db import Base, IdType, JsonType, TenantMixin
from kanbo.models.events import Event


class Webhook(TenantMixin, Base):
    __tablename__ = "webhooks"
    __table_args__ = (Index("ix_webhooks_account_destination", "account_id", "destination"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    destination: Mapped[str] = mapped_column(Text)
    settings: Mapped[list[Any]] = mapped_column(JsonType, default=list)  # event codes
    sort: Mapped[int] = mapped_column(Integer, default=0)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    disabled_at: Mapped[int | None] = mapped_column(IdType, nullable=True)
    # "kommo" (form-encoded legacy payload) or "standard" (signed JSON, Standard Webhooks).
    format: Mapped[str] = mapped_column(String(16), default="kommo")
    secret: Mapped[str | None] = mapped_column(String(128), nullable=True)
    created_by: Mapped[int] = mapped_column(IdType, default=0)
    created_at: Mapped[int] = mapped_column(IdType)
    updated_at: Mapped[int] = mapped_column(IdType)


class EventOutbox(TenantMixin, Base):
    """One row per recorded event, written in the event's transaction; the dispatcher claims them
    (``FOR UPDATE SKIP LOCKED`` on PostgreSQL), fans them out to deliveries and deletes them in one
    transaction, so the table only holds the events not dispatched yet."""

    __tablename__ = "event_outbox"

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    event_seq: Mapped[int] = mapped_column(IdType, ForeignKey("events.seq", ondelete="CASCADE"), index=True)
    created_at: Mapped[int] = mapped_column(IdType)
    # Lets the outbox row be added with its (not yet flushed) event in one step.
    event: Mapped[Event] = relationship(lazy="raise")


class WebhookDelivery(TenantMixin, Base):
    """One request to send to one subscription (events of one entity type may share it)."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        Index("ix_webhook_deliveries_due", "state", "next_attempt_at"),
        Index("ix_webhook_deliveries_webhook", "webhook_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    uid: Mapped[str] = mapped_column(String(32), unique=True)  # stable id sent on every attempt
    webhook_id: Mapped[int] = mapped_column(IdType, ForeignKey("webhooks.id", ondelete="CASCADE"))
    event_seqs: Mapped[list[Any]] = mapped_column(JsonType, default=list)
    codes: Mapped[list[Any]] = mapped_column(JsonType, default=list)
    content_type: Mapped[str] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)  # rendered when the events were fanned out
    state: Mapped[str] = mapped_column(String(16), default="pending")  # pending, succeeded, failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[int | None] = mapped_column(IdType, nullable=True)
    lease_until: Mapped[int | None] = mapped_column(IdType, nullable=True)
    last_status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[int] = mapped_column(IdType)
    updated_at: Mapped[int] = mapped_column(IdType)
    delivered_at: Mapped[int | None] = mapped_column(IdType, nullable=True)


class WebhookAttempt(TenantMixin, Base):
    __tablename__ = "webhook_attempts"
    __table_args__ = (Index("ix_webhook_attempts_delivery", "delivery_id", "attempt"),
                      Index("ix_webhook_attempts_webhook_time", "webhook_id", "created_at"))

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    delivery_id: Mapped[int] = mapped_column(IdType, ForeignKey("webhook_deliveries.id", ondelete="CASCADE"))
    webhook_id: Mapped[int] = mapped_column(IdType, ForeignKey("webhooks.id", ondelete="CASCADE"))
    attempt: Mapped[int] = mapped_column(Integer)
    succeeded: Mapped[bool] = mapped_column(Boolean, default=False)
    status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    latency_ms: Mapped[int] = mapped_column(Integer, default=0)
    response_excerpt: Mapped[str | None] = mapped_column(Text, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[int] = mapped_column(IdType)
