// The three kinds of card and the API's names for them.
import type { components } from "../../api/client";

export type Kind = "leads" | "contacts" | "companies";
export const KINDS: readonly Kind[] = ["leads", "contacts", "companies"];

type Schemas = components["schemas"];
export type Lead = Schemas["LeadOut"];
export type Contact = Schemas["ContactOut"];
export type Company = Schemas["CompanyOut"];
export type Entity = Lead | Contact | Company;
export type FieldDef = Schemas["FieldOut"];
export type FieldGroup = Schemas["GroupOut"];
export type FieldValuesOut = Schemas["EntityFieldValuesOut"];
export type User = Schemas["UserOut"];
export type Pipeline = Schemas["PipelineOut"];
export type Stage = Schemas["StatusOut"];
export type LossReason = Schemas["LossReasonOut"];
export type TaskType = Schemas["kanbo__accounts__account_wire__TaskTypeOut"];
export type Tag = Schemas["EntityTagOut"];

/** The singular the events log uses (`filter[entity]=lead`). */
export const SINGULAR: Record<Kind, "lead" | "contact" | "company"> = {
  leads: "lead",
  contacts: "contact",
  companies: "company",
};

export function isKind(value: string | undefined): value is Kind {
  return (KINDS as readonly string[]).includes(value ?? "");
}

/** The kind of a plural or singular entity type (`contacts`, `contact`), else null. */
export function kindOf(type: string | null | undefined): Kind | null {
  if (!type) return null;
  if (isKind(type)) return type;
  const found = KINDS.find((kind) => SINGULAR[kind] === type);
  return found ?? null;
}

/** Where a card is in the app. */
export function cardPath(kind: Kind, id: number): string {
  return `/${kind}/${id}`;
}

/** A card's id from the route: a positive integer, else null (then the card is "not found"). */
export function parseId(raw: string | undefined): number | null {
  if (!raw || !/^\d{1,15}$/.test(raw)) return null;
  const id = Number(raw);
  return id > 0 ? id : null;
}
