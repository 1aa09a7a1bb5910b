from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kanbo.core.db import Base, IdType, JsonType, TenantMixin


class Pipeline(TenantMixin, Base):
    __tablename__ = "pipelines"

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(255))
    sort: Mapped[int] = mapped_column(Integer, default=100)
    is_main: Mapped[bool] = mapped_column(Boolean, default=False)
    is_unsorted_on: Mapped[bool] = mapped_column(Boolean, default=True)
    is_archive: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[int] = mapped_column(IdType)
    updated_at: Mapped[int] = mapped_column(IdType)


class Status(TenantMixin, Base):
    """A stage. Won (142) and Lost (143) have the same id in every pipeline, so the row's key is
    ``pk`` and the wire id is ``id``, unique per pipeline; regular ids come from a counter."""

    __tablename__ = "statuses"
    __table_args__ = (UniqueConstraint("pipeline_id", "id"),)

    pk: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    id: Mapped[int] = mapped_column(IdType, index=True)
    pipeline_id: Mapped[int] = mapped_column(IdType, ForeignKey("pipelines.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(255))
    sort: Mapped[int] = mapped_column(Integer)
    color: Mapped[str] = mapped_column(String(7))
    type: Mapped[int] = mapped_column(Integer, default=0)  # 0 regular, 1 incoming leads
    descriptions: Mapped[list[Any]] = mapped_column(JsonType, default=list)
    created_at: Mapped[int] = mapped_column(IdType)
    updated_at: Mapped[int] = mapped_column(IdType)
