// What the settings screens read from the API, and their query keys. Every write refreshes what it touched
// (and the other screens' copies: any cached query whose key names the same thing).
import type { QueryClient } from "@tanstack/react-query";

import { api, unwrap, type components } from "../../api/client";
import type { FieldEntity } from "./fields";

export type User = components["schemas"]["UserOut"];
export type Role = components["schemas"]["RoleOut"];
export type UsersGroup = components["schemas"]["UsersGroup"];
export type Webhook = components["schemas"]["WebhookOut"];
export type Delivery = components["schemas"]["WebhookDeliveryOut"];
export type Integration = components["schemas"]["IntegrationOut"];
export type Token = components["schemas"]["TokenOut"];

export const KEYS = {
  pipelines: ["settings", "pipelines"] as const,
  fields: (entity: FieldEntity) => ["settings", "custom_fields", entity] as const,
  groups: (entity: FieldEntity) => ["settings", "custom_fields", entity, "groups"] as const,
  users: ["settings", "users"] as const,
  roles: ["settings", "roles"] as const,
  userGroups: ["settings", "users_groups"] as const,
  webhooks: ["settings", "webhooks"] as const,
  deliveries: (webhookId: number, state: string) => ["settings", "webhooks", webhookId, "deliveries", state] as const,
  integrations: ["settings", "integrations"] as const,
  tokens: ["settings", "long_lived_tokens"] as const,
};

/** Refresh every cached query whose key mentions one of `words` (this screen's and the other screens'). */
export function refresh(client: QueryClient, ...words: string[]): Promise<void> {
  return client.invalidateQueries({
    predicate: (query) => query.queryKey.some((part) => typeof part === "string" && words.some((w) => part.includes(w))),
  });
}

const PAGE = 250;

/** Every page of a paged list (the API answers 204 past the last one). */
async function allPages<T>(page: (n: number) => Promise<{ _embedded: Record<string, T[]>; _links: { next?: unknown } } | undefined>, key: string): Promise<T[]> {
  const items: T[] = [];
  for (let n = 1; n < 100; n++) {
    const body = await page(n);
    if (!body) break;
    items.push(...(body._embedded[key] ?? []));
    if (!body._links.next) break;
  }
  return items;
}

export async function fetchPipelines() {
  const body = await unwrap(api.GET("/api/v4/leads/pipelines"));
  return body?._embedded.pipelines ?? [];
}

// The three entity types share one shape; the client is typed on the leads paths.
type FieldsPath = "/api/v4/leads/custom_fields";
type GroupsPath = "/api/v4/leads/custom_fields/groups";
export const fieldsPath = (entity: FieldEntity) => `/api/v4/${entity}/custom_fields` as FieldsPath;
export const fieldPath = (entity: FieldEntity) =>
  `/api/v4/${entity}/custom_fields/{field_id}` as "/api/v4/leads/custom_fields/{field_id}";
export const groupsPath = (entity: FieldEntity) => `/api/v4/${entity}/custom_fields/groups` as GroupsPath;
export const groupPath = (entity: FieldEntity) =>
  `/api/v4/${entity}/custom_fields/groups/{group_id}` as "/api/v4/leads/custom_fields/groups/{group_id}";

export function fetchFields(entity: FieldEntity) {
  return allPages(
    (page) => unwrap(api.GET(fieldsPath(entity), { params: { query: { page, limit: PAGE } } })),
    "custom_fields",
  ) as Promise<components["schemas"]["FieldOut"][]>;
}

export function fetchFieldGroups(entity: FieldEntity) {
  return allPages(
    (page) => unwrap(api.GET(groupsPath(entity), { params: { query: { page, limit: PAGE } } })),
    "custom_field_groups",
  ) as Promise<components["schemas"]["GroupOut"][]>;
}

export function fetchUsers() {
  return allPages(
    (page) => unwrap(api.GET("/api/v4/users", { params: { query: { page, limit: PAGE, with: ["role", "group"] } } })),
    "users",
  ) as Promise<User[]>;
}

export function fetchRoles() {
  return allPages((page) => unwrap(api.GET("/api/v4/roles", { params: { query: { page, limit: PAGE } } })), "roles") as Promise<Role[]>;
}

export async function fetchUserGroups(): Promise<UsersGroup[]> {
  const account = await unwrap(api.GET("/api/v4/account", { params: { query: { with: ["users_groups"] } } }));
  return account._embedded?.users_groups ?? [];
}

export async function fetchWebhooks(): Promise<Webhook[]> {
  const body = await unwrap(api.GET("/api/v4/webhooks"));
  return body?._embedded.webhooks ?? [];
}

export async function fetchIntegrations(): Promise<Integration[]> {
  const body = await unwrap(api.GET("/api/v4/integrations"));
  return body?._embedded.integrations ?? [];
}

export function fetchTokens() {
  return allPages(
    (page) => unwrap(api.GET("/api/v4/long_lived_tokens", { params: { query: { page, limit: PAGE } } })),
    "long_lived_tokens",
  ) as Promise<Token[]>;
}
