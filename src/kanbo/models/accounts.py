from __future__ import annotations

from sqlalchemy import Boolean, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from kanbo.core.db import Base, IdType


class Account(Base):
    """A tenant. Every tenant row carries its ``account_id``."""

    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(255))
    subdomain: Mapped[str] = mapped_column(String(63), unique=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    amojo_id: Mapped[str] = mapped_column(String(36))
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    language: Mapped[str] = mapped_column(String(2), default="en")
    country: Mapped[str] = mapped_column(String(2), default="US")
    is_unsorted_on: Mapped[bool] = mapped_column(Boolean, default=True)
    is_loss_reason_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    contact_name_display_order: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[int] = mapped_column(IdType)
    updated_at: Mapped[int] = mapped_column(IdType)
    created_by: Mapped[int] = mapped_column(IdType, default=0)
    updated_by: Mapped[int] = mapped_column(IdType, default=0)


class ServerKey(Base):
    """Installation-wide secrets (the token signing key), shared by every process."""

    __tablename__ = "server_keys"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[int] = mapped_column(IdType)
