"""Leads, contacts and companies, and the links between them (spec §5, §6, §17)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, ForeignKey, ForeignKeyConstraint, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from kanbo.core.db import Base, IdType, JsonType, TenantMixin


class EntityColumns(TenantMixin):
    """What leads, contacts and companies share."""

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(255), default="")
    responsible_user_id: Mapped[int] = mapped_column(IdType, ForeignKey("users.id", ondelete="RESTRICT"))
    created_by: Mapped[int] = mapped_column(IdType, default=0)
    updated_by: Mapped[int] = mapped_column(IdType, default=0)
    created_at: Mapped[int] = mapped_column(IdType)
    updated_at: Mapped[int] = mapped_column(IdType)
    closest_task_at: Mapped[int | None] = mapped_column(IdType, nullable=True)
    is_deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    deleted_at: Mapped[int | None] = mapped_column(IdType, nullable=True)
    # Still part of an incoming lead that was not accepted: hidden from contact and company lists.
    is_unsorted: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    # Values as written: [{"field_id": int, "values": [...]}] in the normalised wire shape (§12.4).
    custom_fields: Mapped[list[Any]] = mapped_column(JsonType, default=list)


class Company(EntityColumns, Base):
    __tablename__ = "companies"
    __table_args__ = (
        Index("ix_companies_account_updated", "account_id", "updated_at"),
        Index("ix_companies_account_created", "account_id", "created_at"),
        Index("ix_companies_account_responsible", "account_id", "responsible_user_id"),
        Index("ix_companies_account_name", "account_id", "name"),
        Index("ix_companies_account_task", "account_id", "closest_task_at"),
        Index("ix_companies_account_created_by", "account_id", "created_by"),
        Index("ix_companies_account_updated_by", "account_id", "updated_by"),
    )


class Contact(EntityColumns, Base):
    __tablename__ = "contacts"
    __table_args__ = (
        Index("ix_contacts_account_updated", "account_id", "updated_at"),
        Index("ix_contacts_account_created", "account_id", "created_at"),
        Index("ix_contacts_account_responsible", "account_id", "responsible_user_id"),
        Index("ix_contacts_account_name", "account_id", "name"),
        Index("ix_contacts_account_task", "account_id", "closest_task_at"),
        Index("ix_contacts_account_created_by", "account_id", "created_by"),
        Index("ix_contacts_account_updated_by", "account_id", "updated_by"),
    )

    first_name: Mapped[str] = mapped_column(String(255), default="")
    last_name: Mapped[str] = mapped_column(String(255), default="")
    company_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("companies.id", ondelete="SET NULL"), nullable=True, index=True
    )


class LossReason(TenantMixin, Base):
    __tablename__ = "loss_reasons"

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(255))
    sort: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[int] = mapped_column(IdType)
    updated_at: Mapped[int] = mapped_column(IdType)


class Lead(EntityColumns, Base):
    __tablename__ = "leads"
    __table_args__ = (
        # Every lead is in an existing stage: a stage holding leads cannot be deleted.
        ForeignKeyConstraint(["pipeline_id", "status_id"], ["statuses.pipeline_id", "statuses.id"],
                             ondelete="RESTRICT", name="fk_leads_stage_statuses"),
        Index("ix_leads_account_stage", "account_id", "pipeline_id", "status_id"),
        Index("ix_leads_account_updated", "account_id", "updated_at"),
        Index("ix_leads_account_created", "account_id", "created_at"),
        Index("ix_leads_account_closed", "account_id", "closed_at"),
        Index("ix_leads_account_responsible", "account_id", "responsible_user_id"),
        Index("ix_leads_account_price", "account_id", "price"),
        Index("ix_leads_account_name", "account_id", "name"),
        Index("ix_leads_account_task", "account_id", "closest_task_at"),
        Index("ix_leads_account_created_by", "account_id", "created_by"),
        Index("ix_leads_account_updated_by", "account_id", "updated_by"),
    )

    price: Mapped[int] = mapped_column(IdType, default=0)
    pipeline_id: Mapped[int] = mapped_column(IdType)
    status_id: Mapped[int] = mapped_column(IdType)
    loss_reason_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("loss_reasons.id", ondelete="SET NULL"), nullable=True
    )
    source_id: Mapped[int | None] = mapped_column(IdType, nullable=True)
    closed_at: Mapped[int | None] = mapped_column(IdType, nullable=True)
    score: Mapped[int | None] = mapped_column(Integer, nullable=True)
    labor_cost: Mapped[int | None] = mapped_column(Integer, nullable=True)
    company_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("companies.id", ondelete="SET NULL"), nullable=True, index=True
    )


class LeadContact(TenantMixin, Base):
    """A lead has many contacts; one of them may be the main contact."""

    __tablename__ = "lead_contacts"

    lead_id: Mapped[int] = mapped_column(IdType, ForeignKey("leads.id", ondelete="CASCADE"), primary_key=True)
    contact_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    is_main: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[int] = mapped_column(IdType)
