// The event codes a webhook subscribes to (spec §14.2), grouped as the add dialog shows them. These are the
// codes Kanbo sends (src/kanbo/webhooks/codes.py); the API also accepts others it never sends.
import type { components } from "../../api/client";

export type EventCode = components["schemas"]["WebhookIn"]["settings"][number];

export const CODE_GROUPS: { key: "leads" | "contacts" | "companies" | "tasks" | "incoming"; codes: EventCode[] }[] = [
  { key: "leads", codes: ["add_lead", "update_lead", "delete_lead", "restore_lead", "status_lead", "responsible_lead", "note_lead"] },
  { key: "contacts", codes: ["add_contact", "update_contact", "delete_contact", "restore_contact", "responsible_contact", "note_contact"] },
  { key: "companies", codes: ["add_company", "update_company", "delete_company", "restore_company", "responsible_company", "note_company"] },
  { key: "tasks", codes: ["add_task", "update_task", "delete_task", "responsible_task"] },
  { key: "incoming", codes: ["add_unsorted", "delete_unsorted"] },
];

/** The action part of a code (`status_lead` → `status`), for its label. */
export function codeAction(code: string): string {
  return code.slice(0, code.indexOf("_"));
}
