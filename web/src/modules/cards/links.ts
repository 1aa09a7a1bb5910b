// The cards a card links (spec §17): which kinds, their ids in the card, their details, and the writes.
import { useQuery } from "@tanstack/react-query";

import { api, unwrap } from "../../api/client";
import { phpQuery } from "../../api/phpQuery";
import { cardKeys, kindPath } from "./data";
import type { Entity, Kind, Lead } from "./kinds";
import type { PickOption } from "./Picker";

export interface LinkSlot {
  target: Kind;
  /** At most one (a lead's or a contact's company): linking another replaces it. */
  single: boolean;
}

/** What each kind of card links, in the order the card shows it. */
export const SLOTS: Record<Kind, readonly LinkSlot[]> = {
  leads: [
    { target: "contacts", single: false },
    { target: "companies", single: true },
  ],
  contacts: [
    { target: "companies", single: true },
    { target: "leads", single: false },
  ],
  companies: [
    { target: "contacts", single: false },
    { target: "leads", single: false },
  ],
};

/** The ids of `target` cards that `entity` links (from its `_embedded`). */
export function linkedIds(entity: Entity, target: Kind): number[] {
  const embedded = (entity._embedded ?? {}) as Record<string, unknown>;
  const list = embedded[target];
  if (!Array.isArray(list)) return [];
  return list.map((item: { id?: unknown }) => item.id).filter((id): id is number => typeof id === "number");
}

/** Whether `contactId` is the lead's main contact. */
export function isMainContact(entity: Entity, contactId: number): boolean {
  const contacts = ((entity as Lead)._embedded?.contacts ?? []) as { id: number; is_main?: boolean }[];
  return contacts.some((contact) => contact.id === contactId && contact.is_main);
}

/** The linked cards themselves (names, phones, stages), in one list request. */
export function useLinked(target: Kind, ids: readonly number[]) {
  return useQuery({
    queryKey: cardKeys.linked(target, ids),
    enabled: ids.length > 0,
    queryFn: async (): Promise<Entity[]> => {
      const page = await unwrap(
        api.GET(kindPath(target, "/api/v4/leads"), {
          params: { query: { filter: { id: [...ids] }, limit: 250 } },
          querySerializer: phpQuery,
        }),
      );
      const embedded = (page?._embedded ?? {}) as Record<string, Entity[] | undefined>;
      return embedded[target] ?? [];
    },
  });
}

export async function link(kind: Kind, id: number, target: Kind, targetId: number): Promise<void> {
  await unwrap(
    api.POST(kindPath(kind, "/api/v4/leads/{entity_id}/link"), {
      params: { path: { entity_id: id } },
      // typed by the leads twin; SLOTS hold only targets the API accepts for `kind`
      body: [{ to_entity_id: targetId, to_entity_type: target as "contacts" }],
    }),
  );
}

/** Makes a linked contact the lead's main one (linking it again with `main_contact`; the others stop being). */
export async function makeMainContact(leadId: number, contactId: number): Promise<void> {
  await unwrap(
    api.POST("/api/v4/leads/{entity_id}/link", {
      params: { path: { entity_id: leadId } },
      body: [{ to_entity_id: contactId, to_entity_type: "contacts", metadata: { main_contact: true } }],
    }),
  );
}

export async function unlink(kind: Kind, id: number, target: Kind, targetId: number): Promise<void> {
  await unwrap(
    api.POST(kindPath(kind, "/api/v4/leads/{entity_id}/unlink"), {
      params: { path: { entity_id: id } },
      // typed by the leads twin; SLOTS hold only targets the API accepts for `kind`
      body: [{ to_entity_id: targetId, to_entity_type: target as "contacts" }],
    }),
  );
}

/** A new contact, company or lead with just a name; its id. */
export async function createNamed(kind: Kind, name: string): Promise<number> {
  const answer = await unwrap(api.POST(kindPath(kind, "/api/v4/leads"), { body: [{ name }] }));
  const created = ((answer?._embedded ?? {}) as Record<string, { id: number }[] | undefined>)[kind]?.[0];
  if (!created) throw new Error("The API created nothing");
  return created.id;
}

/** Contacts, companies or leads whose name, phone or email matches `text` (GET /api/v4/search). */
export async function searchCards(target: Kind, text: string, exclude: readonly number[] = []): Promise<PickOption[]> {
  if (!text) return [];
  const found = await unwrap(api.GET("/api/v4/search", { params: { query: { query: text, limit: 10 } } }));
  const embedded = found?._embedded;
  if (!embedded) return [];
  const skip = new Set(exclude);
  if (target === "leads") {
    return embedded.leads
      .filter((lead) => !skip.has(lead.id))
      .map((lead) => ({ id: lead.id, label: lead.name, hint: `#${lead.id}` }));
  }
  return embedded[target]
    .filter((card) => !skip.has(card.id))
    .map((card) => ({ id: card.id, label: card.name, hint: card.phone ?? card.email ?? undefined }));
}

/** The account's tags of a kind matching `text` (all of them for an empty text, up to 20). */
export async function searchTags(kind: Kind, text: string, exclude: readonly number[] = []): Promise<PickOption[]> {
  const page = await unwrap(
    api.GET(kindPath(kind, "/api/v4/leads/tags"), {
      params: { query: { ...(text ? { query: text } : {}), limit: 20 } },
    }),
  );
  const skip = new Set(exclude);
  return (page?._embedded?.tags ?? [])
    .filter((tag) => !skip.has(tag.id))
    .map((tag) => ({ id: tag.id, label: tag.name }));
}
