"""Event type keys (spec §11.4) with stable numbers and human names in Spanish and English.

``GET /api/v4/events/types`` lists them. The numbers are Kanbo's own (Kommo's are not documented):
each key keeps its number forever, so new keys are only ever appended. The filter alias
``custom_field_{FIELD_ID}_value_changed`` is not a key of its own (it selects
``custom_field_value_changed`` events of one field) and is not listed.
"""

from __future__ import annotations

from dataclasses import dataclass

LANGUAGES = ("es", "en")
DEFAULT_LANGUAGE = "en"


@dataclass(frozen=True)
class EventType:
    key: str
    type: int
    names: dict[str, str]

    def name(self, lang: str) -> str:
        return self.names.get(lang) or self.names[DEFAULT_LANGUAGE]


# (key, English, Spanish) — the position + 1 is the key's number; append only.
_TABLE: tuple[tuple[str, str, str], ...] = (
    ("lead_added", "New lead", "Nuevo lead"),
    ("lead_deleted", "Lead deleted", "Lead eliminado"),
    ("lead_restored", "Lead restored", "Lead restaurado"),
    ("lead_status_changed", "Lead stage changed", "Cambio de etapa del lead"),
    ("lead_linked", "Lead linked", "Lead vinculado"),
    ("lead_unlinked", "Lead unlinked", "Lead desvinculado"),
    ("contact_added", "New contact", "Nuevo contacto"),
    ("contact_deleted", "Contact deleted", "Contacto eliminado"),
    ("contact_restored", "Contact restored", "Contacto restaurado"),
    ("contact_linked", "Contact linked", "Contacto vinculado"),
    ("contact_unlinked", "Contact unlinked", "Contacto desvinculado"),
    ("company_added", "New company", "Nueva empresa"),
    ("company_deleted", "Company deleted", "Empresa eliminada"),
    ("company_restored", "Company restored", "Empresa restaurada"),
    ("company_linked", "Company linked", "Empresa vinculada"),
    ("company_unlinked", "Company unlinked", "Empresa desvinculada"),
    ("customer_added", "New customer", "Nuevo cliente"),
    ("customer_deleted", "Customer deleted", "Cliente eliminado"),
    ("customer_status_changed", "Customer stage changed", "Cambio de etapa del cliente"),
    ("customer_linked", "Customer linked", "Cliente vinculado"),
    ("customer_unlinked", "Customer unlinked", "Cliente desvinculado"),
    ("task_added", "New task", "Nueva tarea"),
    ("task_deleted", "Task deleted", "Tarea eliminada"),
    ("task_completed", "Task completed", "Tarea completada"),
    ("task_type_changed", "Task type changed", "Cambio de tipo de tarea"),
    ("task_text_changed", "Task text changed", "Cambio de texto de la tarea"),
    ("task_deadline_changed", "Task deadline changed", "Cambio de fecha límite de la tarea"),
    ("task_result_added", "Task result added", "Resultado de la tarea añadido"),
    ("incoming_call", "Incoming call", "Llamada entrante"),
    ("outgoing_call", "Outgoing call", "Llamada saliente"),
    ("incoming_chat_message", "Incoming chat message", "Mensaje de chat entrante"),
    ("outgoing_chat_message", "Outgoing chat message", "Mensaje de chat saliente"),
    ("incoming_sms", "Incoming SMS", "SMS entrante"),
    ("outgoing_sms", "Outgoing SMS", "SMS saliente"),
    ("entity_tag_added", "Tag added", "Etiqueta añadida"),
    ("entity_tag_deleted", "Tag removed", "Etiqueta eliminada"),
    ("entity_linked", "Link added", "Vínculo añadido"),
    ("entity_unlinked", "Link removed", "Vínculo eliminado"),
    ("sale_field_changed", "Sale value changed", "Cambio del valor de venta"),
    ("name_field_changed", "Name changed", "Cambio de nombre"),
    ("ltv_field_changed", "Lifetime value changed", "Cambio del valor de vida del cliente"),
    ("custom_field_value_changed", "Field value changed", "Cambio del valor de un campo"),
    ("entity_responsible_changed", "Responsible user changed", "Cambio de usuario responsable"),
    ("robot_replied", "Bot replied", "Respuesta del bot"),
    ("intent_identified", "Intent identified", "Intención identificada"),
    ("nps_rate_added", "NPS rating added", "Valoración NPS añadida"),
    ("link_followed", "Link followed", "Enlace visitado"),
    ("transaction_added", "Purchase added", "Compra añadida"),
    ("common_note_added", "Note added", "Nota añadida"),
    ("common_note_deleted", "Note deleted", "Nota eliminada"),
    ("attachment_note_added", "File attached", "Archivo adjuntado"),
    ("targeting_in_note_added", "Added to an ad audience", "Añadido a una audiencia publicitaria"),
    ("targeting_out_note_added", "Removed from an ad audience", "Quitado de una audiencia publicitaria"),
    ("geo_note_added", "Location added", "Ubicación añadida"),
    ("service_note_added", "System note added", "Nota del sistema añadida"),
    ("site_visit_note_added", "Website visit", "Visita al sitio web"),
    ("message_to_cashier_note_added", "Message to the cashier", "Mensaje a caja"),
    ("key_action_completed", "Key action completed", "Acción clave completada"),
    ("entity_merged", "Duplicates merged", "Duplicados fusionados"),
    # Kanbo's own keys for incoming leads (they feed the add_unsorted/delete_unsorted webhooks).
    ("unsorted_added", "Incoming lead received", "Lead entrante recibido"),
    ("unsorted_accepted", "Incoming lead accepted", "Lead entrante aceptado"),
    ("unsorted_declined", "Incoming lead declined", "Lead entrante rechazado"),
    ("unsorted_linked", "Incoming lead linked", "Lead entrante vinculado"),
    # Kanbo's own key for a lead's loss reason (set, changed, or cleared when the reason is deleted).
    ("lead_loss_reason_changed", "Loss reason changed", "Cambio del motivo de pérdida"),
)

EVENT_TYPES: tuple[EventType, ...] = tuple(
    EventType(key, number, {"en": english, "es": spanish})
    for number, (key, english, spanish) in enumerate(_TABLE, start=1)
)
BY_KEY = {event_type.key: event_type for event_type in EVENT_TYPES}

# Entity types events are recorded for (singular, as on the wire) and the plural of their paths.
ENTITY_PLURALS = {
    "lead": "leads",
    "contact": "contacts",
    "company": "companies",
    "customer": "customers",
    "task": "tasks",
    "catalog_element": "catalog_elements",
}
ENTITY_SINGULARS = {plural: singular for singular, plural in ENTITY_PLURALS.items()}


def language(requested: str | None, fallback: str) -> str:
    """``language_code`` when Kanbo speaks it, else the fallback (the account's), else English."""
    code = (requested or "").strip().lower()[:2]
    if code in LANGUAGES:
        return code
    return fallback if fallback in LANGUAGES else DEFAULT_LANGUAGE
