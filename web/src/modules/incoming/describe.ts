// What an incoming lead is, readably: a headline ("Call from +1 555…", "Form “Callback”") and the details of
// its metadata per category (spec §8.4), leaving out what was not given.
import type { MessageKey } from "../../i18n";
import type { IncomingLead, IncomingRef } from "./api";

export type DetailKind = "text" | "time" | "url" | "phone" | "email" | "duration";

export interface Detail {
  label: MessageKey;
  value: string;
  kind: DetailKind;
}

export interface Headline {
  key: MessageKey;
  vars: Record<string, string>;
}

type Meta = Record<string, unknown>;

function text(value: unknown): string | null {
  if (typeof value === "string") return value.trim() || null;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return null;
}

function child(meta: Meta, key: string): Meta {
  const value = meta[key];
  return typeof value === "object" && value !== null ? (value as Meta) : {};
}

/** The headline of an incoming lead: who called, which form, which mail, which chat. */
export function headline(item: IncomingRef): Headline {
  if (!item.category || !item.metadata) return { key: "incoming.headline.unknown", vars: {} };
  const meta = item.metadata as Meta;
  const source = item.source_name ?? "";
  switch (item.category) {
    case "sip": {
      const phone = text(meta.phone) ?? text(meta.from);
      return phone ? { key: "incoming.headline.sip", vars: { phone } } : { key: "incoming.headline.sip_unknown", vars: {} };
    }
    case "forms": {
      const form = text(meta.form_name) ?? text(meta.form_id) ?? source;
      return { key: "incoming.headline.forms", vars: { form } };
    }
    case "mail": {
      const subject = text(meta.subject);
      const from = text(child(meta, "from").name) ?? text(child(meta, "from").email) ?? source;
      return subject ? { key: "incoming.headline.mail", vars: { subject } } : { key: "incoming.headline.mail_from", vars: { from } };
    }
    case "chats": {
      const name = text(child(meta, "client").name) ?? text(meta.from) ?? source;
      return { key: "incoming.headline.chats", vars: { name } };
    }
  }
}

const FIELDS: Record<IncomingLead["category"], [string, MessageKey, DetailKind][]> = {
  sip: [
    ["phone", "incoming.meta.phone", "phone"],
    ["from", "incoming.meta.caller", "text"],
    ["called_at", "incoming.meta.called_at", "time"],
    ["duration", "incoming.meta.duration", "duration"],
    ["call_responsible", "incoming.meta.call_responsible", "text"],
    ["link", "incoming.meta.recording", "url"],
    ["service_code", "incoming.meta.service", "text"],
  ],
  forms: [
    ["form_page", "incoming.meta.form_page", "url"],
    ["form_sent_at", "incoming.meta.sent_at", "time"],
    ["referer", "incoming.meta.referer", "url"],
    ["ip", "incoming.meta.ip", "text"],
  ],
  mail: [
    ["from.name", "incoming.meta.from_name", "text"],
    ["from.email", "incoming.meta.from_email", "email"],
    ["subject", "incoming.meta.subject", "text"],
    ["received_at", "incoming.meta.received_at", "time"],
    ["content_summary", "incoming.meta.summary", "text"],
  ],
  chats: [
    ["client.name", "incoming.meta.client", "text"],
    ["service", "incoming.meta.service", "text"],
    ["from", "incoming.meta.from", "text"],
    ["received_at", "incoming.meta.received_at", "time"],
    ["last_message_text", "incoming.meta.last_message", "text"],
  ],
};

function lookup(meta: Meta, path: string): unknown {
  const [head, rest] = path.split(".", 2) as [string, string | undefined];
  return rest === undefined ? meta[head] : child(meta, head)[rest];
}

/** The details of the metadata worth showing, in a fixed order; empty values left out. A caller's `from`
 * that only repeats the phone is left out too. */
export function details(item: IncomingLead): Detail[] {
  const meta = item.metadata as Meta;
  const shown: Detail[] = [];
  for (const [path, label, kind] of FIELDS[item.category]) {
    const value = text(lookup(meta, path));
    if (value === null) continue;
    if (item.category === "sip" && path === "from" && value === text(meta.phone)) continue;
    if (kind === "url" && !/^https?:\/\//i.test(value)) {
      shown.push({ label, value, kind: "text" }); // never a link to javascript: or a relative path
      continue;
    }
    shown.push({ label, value, kind });
  }
  return shown;
}

/** A call's length: "45 s", "3:07", "1:02:03". */
export function formatDuration(seconds: number): string {
  const whole = Math.max(0, Math.round(seconds));
  if (whole < 60) return `${whole} s`;
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const rest = String(whole % 60).padStart(2, "0");
  return hours ? `${hours}:${String(minutes).padStart(2, "0")}:${rest}` : `${minutes}:${rest}`;
}

/** The first value of a contact's field by its code (PHONE, EMAIL), as written. */
export function firstFieldValue(
  fields: readonly { field_code: string | null; values: Record<string, unknown>[] }[] | null | undefined,
  code: string,
): string | null {
  const field = fields?.find((entry) => entry.field_code === code);
  return text(field?.values[0]?.value);
}
