"""Every table, one module per aggregate. Importing this package registers them all."""

from kanbo.core.sequences import Counter
from kanbo.models.accounts import Account, ServerKey
from kanbo.models.activity import Note, Task, TaskType, Unsorted
from kanbo.models.auth import AuthorizationCode, BrowserSession, Grant, Integration, RefreshToken
from kanbo.models.custom_fields import CustomField, CustomFieldEnum, CustomFieldGroup, FieldValue
from kanbo.models.entities import Company, Contact, Lead, LeadContact, LossReason
from kanbo.models.events import Event
from kanbo.models.pipelines import Pipeline, Status
from kanbo.models.tags import EntityTag, Tag
from kanbo.models.users import Role, User, UserGroup
from kanbo.models.webhooks import EventOutbox, Webhook, WebhookAttempt, WebhookDelivery

__all__ = [
    "Account",
    "AuthorizationCode",
    "BrowserSession",
    "Company",
    "Contact",
    "Counter",
    "CustomField",
    "CustomFieldEnum",
    "CustomFieldGroup",
    "EntityTag",
    "Event",
    "EventOutbox",
    "FieldValue",
    "Grant",
    "Integration",
    "Lead",
    "LeadContact",
    "LossReason",
    "Note",
    "Pipeline",
    "RefreshToken",
    "Role",
    "ServerKey",
    "Status",
    "Tag",
    "Task",
    "TaskType",
    "Unsorted",
    "User",
    "UserGroup",
    "Webhook",
    "WebhookAttempt",
    "WebhookDelivery",
]
