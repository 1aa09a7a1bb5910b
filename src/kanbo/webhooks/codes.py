"""Event codes a webhook subscribes to (``settings``, spec §14.2)."""

from __future__ import annotations

# Codes Kanbo sends.
LEAD_CODES = ("add_lead", "update_lead", "delete_lead", "restore_lead", "status_lead", "responsible_lead",
              "note_lead")
CONTACT_CODES = ("add_contact", "update_contact", "delete_contact", "restore_contact", "responsible_contact",
                 "note_contact")
COMPANY_CODES = ("add_company", "update_company", "delete_company", "restore_company", "responsible_company",
                 "note_company")
TASK_CODES = ("add_task", "update_task", "delete_task", "responsible_task")
UNSORTED_CODES = ("add_unsorted", "delete_unsorted")

SENT_CODES: tuple[str, ...] = LEAD_CODES + CONTACT_CODES + COMPANY_CODES + TASK_CODES + UNSORTED_CODES

# Accepted so that clients subscribing to them are not refused, but Kanbo never sends them (yet):
# customers, talks, chat messages and templates, catalog (list) elements (catalog codes are inferred),
# and update_unsorted (an incoming lead is never changed in place: it is accepted, declined or linked).
ACCEPTED_ONLY_CODES: tuple[str, ...] = (
    "update_unsorted",
    "add_customer", "update_customer", "delete_customer", "responsible_customer", "note_customer",
    "add_talk", "update_talk",
    "add_message", "add_outgoing_message",
    "add_chat_template_review",
    "add_catalog", "update_catalog", "delete_catalog",
)

ORDERED_CODES: tuple[str, ...] = SENT_CODES + ACCEPTED_ONLY_CODES
EVENT_CODES: frozenset[str] = frozenset(ORDERED_CODES)
