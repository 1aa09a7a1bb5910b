from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kanbo.core.db import Base, IdType, JsonType, TenantMixin


class UserGroup(TenantMixin, Base):
    __tablename__ = "user_groups"

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(255))
    uuid: Mapped[str] = mapped_column(String(36))
    created_at: Mapped[int] = mapped_column(IdType)


class Role(TenantMixin, Base):
    __tablename__ = "roles"

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(255))
    rights: Mapped[dict[str, Any]] = mapped_column(JsonType)
    created_at: Mapped[int] = mapped_column(IdType)
    updated_at: Mapped[int] = mapped_column(IdType)


class User(TenantMixin, Base):
    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("account_id", "email"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(255))
    email: Mapped[str] = mapped_column(String(255), index=True)
    password_hash: Mapped[str | None] = mapped_column(String(255), nullable=True)
    lang: Mapped[str] = mapped_column(String(8), default="en")
    uuid: Mapped[str] = mapped_column(String(36))
    amojo_id: Mapped[str] = mapped_column(String(36))
    phone_number: Mapped[str | None] = mapped_column(String(32), nullable=True)
    user_rank: Mapped[str] = mapped_column(String(16), default="newbie")
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    is_free: Mapped[bool] = mapped_column(Boolean, default=False)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    group_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("user_groups.id", ondelete="SET NULL"), nullable=True, index=True
    )
    role_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("roles.id", ondelete="RESTRICT"), nullable=True, index=True
    )
    # The user's own rights; when ``role_id`` is set the role's rights apply instead.
    rights: Mapped[dict[str, Any]] = mapped_column(JsonType)
    created_at: Mapped[int] = mapped_column(IdType)
    updated_at: Mapped[int] = mapped_column(IdType)
