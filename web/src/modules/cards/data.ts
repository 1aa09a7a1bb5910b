// What a card reads and writes, through the public API. Query keys start with "cards" (this module's cache).
//
// The three kinds share their operations' shapes (`/api/v4/leads/{entity_id}/link` is the same operation as
// `/api/v4/contacts/{entity_id}/link`), so calls that differ only by the kind name the leads path for the types
// and send the kind's own path (`kindPath`).
import { useQuery, type QueryClient } from "@tanstack/react-query";

import { api, unwrap, type components } from "../../api/client";
import { phpQuery } from "../../api/phpQuery";
import type {
  Company,
  Contact,
  Entity,
  FieldDef,
  FieldGroup,
  Kind,
  Lead,
  LossReason,
  Pipeline,
  TaskType,
  User,
} from "./kinds";

type Schemas = components["schemas"];
export type EntityPatch = Schemas["LeadIn"] & Schemas["ContactIn"];

const REFERENCE = { staleTime: 5 * 60_000 } as const;
const MAX_PAGES = 20;

/** The kind's own path for an operation typed by its leads twin. */
export function kindPath<P extends `/api/v4/leads${string}`>(kind: Kind, path: P): P {
  return path.replace("/api/v4/leads", `/api/v4/${kind}`) as P;
}

interface Paged<T> {
  _links?: { next?: { href: string } | null };
  _embedded?: T;
}

/** Every page of a list (at most MAX_PAGES), following `_links.next`; a 204 is an empty list. */
export async function fetchAll<T, E>(
  page: (n: number) => Promise<Paged<E> | undefined>,
  items: (embedded: E) => T[],
): Promise<T[]> {
  const all: T[] = [];
  for (let n = 1; n <= MAX_PAGES; n++) {
    const answer = await page(n);
    if (!answer?._embedded) break;
    all.push(...items(answer._embedded));
    if (!answer._links?.next) break;
  }
  return all;
}

export const cardKeys = {
  all: ["cards"] as const,
  entity: (kind: Kind, id: number) => ["cards", "entity", kind, id] as const,
  linked: (kind: Kind, ids: readonly number[]) => ["cards", "linked", kind, [...ids].sort((a, b) => a - b)] as const,
  fields: (kind: Kind) => ["cards", "fields", kind] as const,
  groups: (kind: Kind) => ["cards", "groups", kind] as const,
  users: ["cards", "users"] as const,
  pipelines: ["cards", "pipelines"] as const,
  lossReasons: ["cards", "loss-reasons"] as const,
  taskTypes: ["cards", "task-types"] as const,
};

const WITH: Record<Kind, string[]> = {
  leads: ["contacts", "loss_reason"],
  contacts: ["leads"],
  companies: ["leads", "contacts"],
};

/** The card, or null when there is none (204: missing, another account's, or not visible to the user). */
export async function getEntity(kind: Kind, id: number): Promise<Entity | null> {
  const options = { params: { path: { entity_id: id }, query: { with: WITH[kind] } }, querySerializer: phpQuery };
  let found: unknown;
  if (kind === "leads") found = await unwrap(api.GET("/api/v4/leads/{entity_id}", options));
  else if (kind === "contacts") found = await unwrap(api.GET("/api/v4/contacts/{entity_id}", options));
  else found = await unwrap(api.GET("/api/v4/companies/{entity_id}", options));
  return (found as Lead | Contact | Company | undefined) ?? null; // the trashed form only comes with with=only_deleted
}

/** The card (`id` null: a malformed id in the path, nothing to ask). */
export function useEntity(kind: Kind, id: number | null) {
  return useQuery({
    queryKey: cardKeys.entity(kind, id ?? 0),
    queryFn: () => getEntity(kind, id ?? 0),
    enabled: id !== null,
  });
}

export async function patchEntity(kind: Kind, id: number, body: EntityPatch): Promise<void> {
  await unwrap(api.PATCH(kindPath(kind, "/api/v4/leads/{entity_id}"), { params: { path: { entity_id: id } }, body }));
}

/** After a change to a card: the card, the cards it links, and its feed are read again. */
export function refreshCard(client: QueryClient, kind: Kind, id: number): Promise<unknown> {
  return Promise.all([
    client.invalidateQueries({ queryKey: cardKeys.entity(kind, id) }),
    client.invalidateQueries({ queryKey: ["cards", "linked"] }),
    client.invalidateQueries({ queryKey: ["feed", kind, id] }),
  ]);
}

// Reference data -----------------------------------------------------------------------------------

/** Every page of a reference list, cached for a while (fields, groups, users, pipelines, loss reasons). */
function useAll<T, E>(
  queryKey: readonly unknown[],
  page: (n: number) => Promise<Paged<E> | undefined>,
  items: (embedded: E) => T[],
) {
  return useQuery({ queryKey, ...REFERENCE, queryFn: () => fetchAll(page, items) });
}

/** One page of 250 (the most a list gives). */
const pageOf = (page: number) => ({ params: { query: { page, limit: 250 } } });

export const useFieldDefs = (kind: Kind) =>
  useAll<FieldDef, Schemas["FieldsPageEmbedded"]>(
    cardKeys.fields(kind),
    (page) => unwrap(api.GET(kindPath(kind, "/api/v4/leads/custom_fields"), pageOf(page))),
    (e) => e.custom_fields,
  );

export const useFieldGroups = (kind: Kind) =>
  useAll<FieldGroup, Schemas["GroupsPageEmbedded"]>(
    cardKeys.groups(kind),
    (page) => unwrap(api.GET(kindPath(kind, "/api/v4/leads/custom_fields/groups"), pageOf(page))),
    (e) => e.custom_field_groups,
  );

export function useUsers() {
  return useAll<User, Schemas["UsersPageEmbedded"]>(
    cardKeys.users,
    (page) => unwrap(api.GET("/api/v4/users", pageOf(page))),
    (e) => e.users,
  );
}

/** Pipelines come in one page (at most 10 per account, or 50 in Kommo). */
export function usePipelines() {
  const first = (page: number) =>
    page === 1 ? unwrap(api.GET("/api/v4/leads/pipelines")) : Promise.resolve(undefined);
  return useAll<Pipeline, Schemas["PipelinesPageEmbedded"]>(cardKeys.pipelines, first, (e) => e.pipelines);
}

export function useLossReasons() {
  const page = (n: number) => unwrap(api.GET("/api/v4/leads/loss_reasons", pageOf(n)));
  return useAll<LossReason, Schemas["LossReasonsPageEmbedded"]>(cardKeys.lossReasons, page, (e) => e.loss_reasons);
}

export function useTaskTypes() {
  return useQuery({
    queryKey: cardKeys.taskTypes,
    ...REFERENCE,
    queryFn: async (): Promise<TaskType[]> => {
      const account = await unwrap(
        api.GET("/api/v4/account", { params: { query: { with: ["task_types"] } }, querySerializer: phpQuery }),
      );
      return account?._embedded?.task_types ?? [];
    },
  });
}

/** The name of user `id` ("#id" when unknown; the robot is 0). */
export function userName(users: readonly User[] | undefined, id: number | null | undefined, robot: string): string {
  if (!id) return robot;
  return users?.find((user) => user.id === id)?.name ?? `#${id}`;
}
