// What a note says (spec §10.3), per type: a title and the text under it. Calls have their own view (CallNote).
// No React here: notes.test.ts covers it.
import type { MessageKey } from "../../i18n";
import type { Vars } from "../../i18n/translate";
import type { Note } from "./merge";

export interface NoteView {
  title: string;
  text?: string;
  /** A link the note carries (a visited page, a file). */
  url?: string;
  urlLabel?: string;
}

export interface CallView {
  incoming: boolean;
  phone: string;
  /** "m:ss" (or "h:mm:ss"). */
  duration: string;
  status?: MessageKey;
  result: string;
  source: string;
  /** The recording, when the call has one. */
  link?: string;
}

type T = (key: MessageKey, vars?: Vars) => string;

function str(value: unknown): string {
  if (value === null || value === undefined) return "";
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

export function isCall(note: Pick<Note, "note_type">): boolean {
  return note.note_type === "call_in" || note.note_type === "call_out";
}

/** 75 → "1:15", 3725 → "1:02:05". */
export function formatDuration(seconds: number): string {
  const total = Math.max(0, Math.round(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}

const CALL_STATUS: Record<number, MessageKey> = {
  1: "feed.call.status_1",
  2: "feed.call.status_2",
  3: "feed.call.status_3",
  4: "feed.call.status_4",
  5: "feed.call.status_5",
  6: "feed.call.status_6",
  7: "feed.call.status_7",
  8: "feed.call.status_8",
};

function safeUrl(value: unknown): string | undefined {
  const text = str(value);
  return /^https?:\/\//i.test(text) ? text : undefined;
}

export function callView(note: Note): CallView {
  const params = (note.params ?? {}) as Record<string, unknown>;
  const duration = typeof params.duration === "number" ? params.duration : Number(params.duration) || 0;
  return {
    incoming: note.note_type === "call_in",
    phone: str(params.phone),
    duration: formatDuration(duration),
    status: typeof params.call_status === "number" ? CALL_STATUS[params.call_status] : undefined,
    result: str(params.call_result),
    source: str(params.source),
    link: safeUrl(params.link),
  };
}

const TITLES: Record<string, MessageKey> = {
  common: "feed.note.common",
  service_message: "feed.note.service",
  extended_service_message: "feed.note.service",
  message_cashier: "feed.note.cashier",
  geolocation: "feed.note.geolocation",
  sms_in: "feed.note.sms_in",
  sms_out: "feed.note.sms_out",
  attachment: "feed.note.attachment",
  dropbox_attachment: "feed.note.attachment",
  amomail_message: "feed.note.mail",
  site_visit: "feed.note.site_visit",
  link_followed: "feed.note.link_followed",
  targeting_in: "feed.note.targeting",
  targeting_out: "feed.note.targeting",
  transaction: "feed.note.transaction",
  invoice_paid: "feed.note.invoice_paid",
  bill_paid: "feed.note.invoice_paid",
  zoom_meeting: "feed.note.zoom",
  ai_result: "feed.note.ai_result",
  chat: "feed.note.chat",
  task_result: "feed.note.task_result",
};

/** The title and text of any note; unknown types show their params as "key: value" lines. */
export function noteView(t: T, note: Note): NoteView {
  const p = (note.params ?? {}) as Record<string, unknown>;
  const titleKey = TITLES[note.note_type];
  const title = titleKey ? t(titleKey, { service: str(p.service) || "—", phone: str(p.phone) }) : note.note_type;
  switch (note.note_type) {
    case "common":
    case "ai_result":
    case "task_result":
    case "service_message":
    case "extended_service_message":
    case "invoice_paid":
    case "bill_paid":
      return { title, text: str(p.text) };
    case "message_cashier":
      return { title, text: [str(p.text), p.status ? `(${str(p.status)})` : ""].filter(Boolean).join(" ") };
    case "sms_in":
    case "sms_out":
      return { title, text: str(p.text) };
    case "geolocation": {
      const lat = str(p.latitude);
      const lon = str(p.longitude);
      const map =
        lat && lon
          ? `https://www.openstreetmap.org/?mlat=${encodeURIComponent(lat)}&mlon=${encodeURIComponent(lon)}`
          : undefined;
      return {
        title,
        text: [str(p.text), str(p.address)].filter(Boolean).join(" — "),
        url: map,
        urlLabel: map ? `${lat}, ${lon}` : undefined,
      };
    }
    case "attachment":
      return { title, text: str(p.original_name) || str(p.file_name) };
    case "dropbox_attachment":
      return { title, text: str(p.filename), url: safeUrl(p.link), urlLabel: str(p.filename) || undefined };
    case "amomail_message": {
      const from = (p.from ?? {}) as Record<string, unknown>;
      const to = (p.to ?? {}) as Record<string, unknown>;
      const who = [str(from.email || from.name), str(to.email || to.name)].filter(Boolean).join(" → ");
      return { title, text: [str(p.subject), who, str(p.content_summary)].filter(Boolean).join("\n") };
    }
    case "site_visit":
    case "link_followed":
      return { title, url: safeUrl(p.url), text: safeUrl(p.url) ? undefined : str(p.url) };
    case "targeting_in":
    case "targeting_out":
      return { title, text: [str(p.service), str(p.campaign)].filter(Boolean).join(" — ") };
    case "transaction":
      return { title, text: str(p.transaction_id) };
    case "zoom_meeting":
      return { title, text: str(p.conference) };
    case "chat":
      return { title };
    default: {
      const lines = Object.entries(p).map(([key, value]) => `${key}: ${str(value)}`);
      return { title, text: lines.join("\n") };
    }
  }
}
