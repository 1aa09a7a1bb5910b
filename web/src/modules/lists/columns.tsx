// The columns of the three lists: fixed ones per entity type and one per custom field. Which are shown is
// the user's choice (the column chooser), remembered in this browser per entity type.
import type { ReactNode } from "react";

import type { MessageKey, T } from "../../i18n";
import type { useFormat } from "../../ui";
import type { Field, LeadRow, Pipeline, Row, Stage, User } from "./data";
import type { EntityKind } from "./listState";

export interface CellContext {
  users: ReadonlyMap<number, User>;
  stages: ReadonlyMap<number, { stage: Stage; pipeline: Pipeline }>;
  format: ReturnType<typeof useFormat>;
  t: T;
}

export interface Column {
  key: string;
  label: string;
  /** The API's `order[...]` key when the column can be sorted. */
  sortKey?: string;
  /** Dates sort newest first on the first click. */
  descFirst?: boolean;
  numeric?: boolean;
  render: (row: Row, ctx: CellContext) => ReactNode;
  /** The cell as plain text (the compact list on phones). */
  text: (row: Row, ctx: CellContext) => string;
}

interface Builtin {
  key: string;
  label: MessageKey;
  sortKey?: string;
  descFirst?: boolean;
  numeric?: boolean;
  text: (row: Row, ctx: CellContext) => string;
  render?: (row: Row, ctx: CellContext) => ReactNode;
}

const isLead = (row: Row): row is LeadRow => "pipeline_id" in row;

function stageOf(row: Row, ctx: CellContext) {
  return isLead(row) ? ctx.stages.get(row.status_id) : undefined;
}

const date = (value: number | null | undefined, ctx: CellContext) => (value ? ctx.format.date(value) : "");

const BUILTINS: Record<string, Builtin> = {
  name: { key: "name", label: "lists.col.name", sortKey: "name", text: (row) => row.name },
  price: {
    key: "price",
    label: "lists.col.price",
    sortKey: "price",
    numeric: true,
    text: (row, ctx) => (isLead(row) ? ctx.format.money(row.price) : ""),
  },
  status: {
    key: "status",
    label: "lists.col.status",
    text: (row, ctx) => {
      const found = stageOf(row, ctx);
      return found ? `${found.stage.name} · ${found.pipeline.name}` : "";
    },
    render: (row, ctx) => {
      const found = stageOf(row, ctx);
      if (!found) return null;
      return (
        <span className="list-stage" title={found.pipeline.name}>
          <span className="list-stage-dot" style={{ background: found.stage.color }} aria-hidden="true" />
          {found.stage.name}
        </span>
      );
    },
  },
  responsible: {
    key: "responsible",
    label: "lists.col.responsible",
    text: (row, ctx) => ctx.users.get(row.responsible_user_id)?.name ?? "",
  },
  tags: {
    key: "tags",
    label: "lists.col.tags",
    text: (row) => row._embedded.tags.map((tag) => tag.name).join(", "),
    render: (row) => (
      <span className="list-tags">
        {row._embedded.tags.map((tag) => (
          <span key={tag.id} className="list-tag" style={tag.color ? { background: tag.color } : undefined}>
            {tag.name}
          </span>
        ))}
      </span>
    ),
  },
  closest_task_at: {
    key: "closest_task_at",
    label: "lists.col.closest_task_at",
    sortKey: "closest_task_at",
    text: (row, ctx) => date(row.closest_task_at, ctx),
  },
  created_at: {
    key: "created_at",
    label: "lists.col.created_at",
    sortKey: "created_at",
    descFirst: true,
    text: (row, ctx) => date(row.created_at, ctx),
  },
  updated_at: {
    key: "updated_at",
    label: "lists.col.updated_at",
    sortKey: "updated_at",
    descFirst: true,
    text: (row, ctx) => date(row.updated_at, ctx),
  },
};

/** The fixed columns of each list, in order ("name" is always shown). */
export const BUILTIN_KEYS: Record<EntityKind, string[]> = {
  leads: ["name", "price", "status", "responsible", "tags", "closest_task_at", "created_at", "updated_at"],
  contacts: ["name", "responsible", "tags", "closest_task_at", "created_at", "updated_at"],
  companies: ["name", "responsible", "tags", "closest_task_at", "created_at", "updated_at"],
};

const DATE_TYPES = new Set(["date", "date_time", "birthday"]);
const NUMBER_TYPES = new Set(["numeric", "price", "monetary"]);

/** One value of a custom field as text. */
export function valueText(field: Pick<Field, "type">, value: Record<string, unknown>, ctx: CellContext): string {
  const raw = value.value;
  if (raw === null || raw === undefined) return "";
  if (typeof raw === "boolean") return raw ? ctx.t("lists.yes") : ctx.t("lists.no");
  if (typeof raw === "number") {
    if (DATE_TYPES.has(field.type)) return field.type === "date_time" ? ctx.format.dateTime(raw) : ctx.format.date(raw);
    return ctx.format.number(raw);
  }
  if (typeof raw === "object") {
    const named = raw as Record<string, unknown>;
    return String(named.name ?? named.value ?? named.file_name ?? "");
  }
  return String(raw);
}

export function fieldKey(field: Pick<Field, "id">): string {
  return `f:${field.id}`;
}

function fieldColumn(field: Field): Column {
  const text = (row: Row, ctx: CellContext) => {
    const found = row.custom_fields_values?.find((item) => item.field_id === field.id);
    return (found?.values ?? []).map((value) => valueText(field, value, ctx)).filter(Boolean).join(", ");
  };
  return {
    key: fieldKey(field),
    label: field.name,
    sortKey: String(field.id),
    numeric: NUMBER_TYPES.has(field.type),
    descFirst: DATE_TYPES.has(field.type),
    text,
    render: text,
  };
}

/** Every column the list may show: the fixed ones, then one per custom field. */
export function allColumns(kind: EntityKind, fields: readonly Field[], t: T): Column[] {
  const builtins = BUILTIN_KEYS[kind].map((key) => {
    const spec = BUILTINS[key]!;
    return { ...spec, label: t(spec.label), render: spec.render ?? spec.text };
  });
  return [...builtins, ...fields.map(fieldColumn)];
}

/** The columns shown before the user chooses: the main ones, and the phone and email of people and firms. */
export function defaultColumns(kind: EntityKind, fields: readonly Field[]): string[] {
  const byCode = (code: string) => fields.filter((field) => field.code === code).map(fieldKey);
  if (kind === "leads") return ["name", "price", "status", "responsible", "tags", "created_at"];
  return ["name", ...byCode("PHONE"), ...byCode("EMAIL"), "responsible", "tags", "created_at"];
}

const STORAGE = "kanbo.lists.columns.";

export function storedColumns(kind: EntityKind): string[] | null {
  try {
    const parsed: unknown = JSON.parse(window.localStorage.getItem(STORAGE + kind) ?? "null");
    return Array.isArray(parsed) && parsed.every((key) => typeof key === "string") ? parsed : null;
  } catch {
    return null;
  }
}

export function storeColumns(kind: EntityKind, keys: readonly string[] | null): void {
  try {
    if (keys === null) window.localStorage.removeItem(STORAGE + kind);
    else window.localStorage.setItem(STORAGE + kind, JSON.stringify(keys));
  } catch {
    // storage disabled: the choice lasts until the page is reloaded
  }
}

/** The columns to show, in the chosen order (those that still exist), the name always first. */
export function visibleColumns(columns: readonly Column[], chosen: readonly string[]): Column[] {
  const byKey = new Map(columns.map((column) => [column.key, column]));
  const name = byKey.get("name");
  const rest = chosen.filter((key) => key !== "name").map((key) => byKey.get(key));
  return [name, ...rest].filter((column): column is Column => column !== undefined);
}

/** The chosen columns with `key` shown (added at the end) or hidden. */
export function toggleColumn(chosen: readonly string[], key: string): string[] {
  return chosen.includes(key) ? chosen.filter((item) => item !== key) : [...chosen, key];
}
