// The palette's results: the answer of GET /api/v4/search grouped by type into one list the keyboard walks
// through, and the part of a text that matched. Pure functions (results.test.ts).
import type { components } from "../../api/client";

export type SearchAnswer = components["schemas"]["SearchOut"];
export type ResultType = "leads" | "contacts" | "companies";

export const RESULT_TYPES: readonly ResultType[] = ["contacts", "leads", "companies"];

export interface ResultItem {
  type: ResultType;
  id: number;
  title: string;
  /** Contacts and companies: the phone and the email; leads: nothing (the palette shows price and stage). */
  phone: string | null;
  email: string | null;
  /** Leads only. */
  price?: number;
  statusId?: number;
  /** Where Enter goes: the card. */
  href: string;
  /** Position in the flat list (what ↑/↓ move through). */
  index: number;
}

export interface ResultGroup {
  type: ResultType;
  items: ResultItem[];
}

/** Non-empty groups in a fixed order (contacts, leads, companies), numbered across groups. */
export function groupResults(answer: SearchAnswer | undefined): { groups: ResultGroup[]; flat: ResultItem[] } {
  const flat: ResultItem[] = [];
  const groups: ResultGroup[] = [];
  for (const type of RESULT_TYPES) {
    const items: ResultItem[] = [];
    if (type === "leads") {
      for (const lead of answer?._embedded.leads ?? []) {
        items.push({
          type, id: lead.id, title: lead.name || `#${lead.id}`, phone: null, email: null, price: lead.price,
          statusId: lead.status_id, href: `/leads/${lead.id}`, index: flat.length + items.length,
        });
      }
    } else {
      for (const card of answer?._embedded[type] ?? []) {
        items.push({
          type, id: card.id, title: card.name || `#${card.id}`, phone: card.phone ?? null, email: card.email ?? null,
          href: `/${type}/${card.id}`, index: flat.length + items.length,
        });
      }
    }
    if (items.length) {
      groups.push({ type, items });
      flat.push(...items);
    }
  }
  return { groups, flat };
}

/** The next active position after ↑ (-1) or ↓ (+1) among `count` results, wrapping around; -1 when none. */
export function moveActive(active: number, delta: number, count: number): number {
  if (count <= 0) return -1;
  if (active < 0) return delta > 0 ? 0 : count - 1;
  return (((active + delta) % count) + count) % count;
}

export interface Segment {
  text: string;
  match: boolean;
}

function cut(text: string, start: number, end: number): Segment[] {
  return [
    { text: text.slice(0, start), match: false },
    { text: text.slice(start, end), match: true },
    { text: text.slice(end), match: false },
  ].filter((segment) => segment.text !== "");
}

const PHONE_LIKE = /^[\p{Nd}\s()+\-./]+$/u;

/** `text` split into the part `query` matched and the rest: the query as written (any case), or, for a
 * phone typed in another form ("5550000012" in "+1 (555) 000-0012"), the digits it matched. */
export function highlight(text: string, query: string): Segment[] {
  const wanted = query.trim();
  const plain = [{ text, match: false }];
  if (!wanted || !text) return text ? plain : [];
  const at = text.toLocaleLowerCase().indexOf(wanted.toLocaleLowerCase());
  if (at >= 0 && text.toLocaleLowerCase().length === text.length) return cut(text, at, at + wanted.length);
  if (!PHONE_LIKE.test(wanted)) return plain;
  const digits = wanted.replace(/\D/g, "");
  if (digits.length < 3) return plain;
  const positions: number[] = [];
  for (let index = 0; index < text.length; index++) if (/\d/.test(text[index]!)) positions.push(index);
  const own = positions.map((index) => text[index]).join("");
  for (const candidate of [digits, digits.replace(/^(00|810)/, "")]) {
    const found = own.lastIndexOf(candidate);
    if (candidate && found >= 0) return cut(text, positions[found]!, positions[found + candidate.length - 1]! + 1);
  }
  return plain;
}
