// One readable line per event of the events log (spec §11, Kanbo's value shapes in §24). No React here:
// events.test.ts covers it.
import type { MessageKey } from "../../i18n";
import type { Vars } from "../../i18n/translate";
import type { FeedEvent } from "./merge";

type Entity = "lead" | "contact" | "company";

export interface EventContext {
  t: (key: MessageKey, vars?: Vars) => string;
  userName: (id: number) => string;
  /** "Stage" or "Pipeline: Stage" when `pipelineId` is not the other side's pipeline. */
  stageName: (pipelineId: number, statusId: number) => string;
  pipelineName: (pipelineId: number) => string;
  field: (id: number) => { name: string } | undefined;
  lossReason: (id: number) => string | undefined;
  number: (value: number) => string;
  money: (value: number) => string;
  date: (seconds: number) => string;
  dateTime: (seconds: number) => string;
  /** The account's name of an event type (GET /api/v4/events/types), for types without a line of their own. */
  typeName: (type: string) => string | undefined;
}

export interface EventLine {
  text: string;
  /** The card the event names (a linked contact…). */
  link?: { entity: Entity; id: number };
}

type Change = Record<string, Record<string, unknown> | undefined>;

function values(list: unknown, key: string): Record<string, unknown>[] {
  if (!Array.isArray(list)) return [];
  return (list as Change[]).map((item) => item?.[key]).filter((item): item is Record<string, unknown> => !!item);
}

function first(list: unknown, key: string): Record<string, unknown> | undefined {
  return values(list, key)[0];
}

function num(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

const LIFECYCLE: Record<string, MessageKey> = {
  lead_added: "feed.event.lead_added",
  lead_deleted: "feed.event.lead_deleted",
  lead_restored: "feed.event.lead_restored",
  contact_added: "feed.event.contact_added",
  contact_deleted: "feed.event.contact_deleted",
  contact_restored: "feed.event.contact_restored",
  company_added: "feed.event.company_added",
  company_deleted: "feed.event.company_deleted",
  company_restored: "feed.event.company_restored",
  unsorted_added: "feed.event.unsorted_added",
  unsorted_accepted: "feed.event.unsorted_accepted",
  unsorted_declined: "feed.event.unsorted_declined",
  unsorted_linked: "feed.event.unsorted_linked",
  common_note_deleted: "feed.event.note_deleted",
};

const LINKED: Record<Entity, [MessageKey, MessageKey]> = {
  lead: ["feed.event.linked_lead", "feed.event.unlinked_lead"],
  contact: ["feed.event.linked_contact", "feed.event.unlinked_contact"],
  company: ["feed.event.linked_company", "feed.event.unlinked_company"],
};

function change(ctx: EventContext, from: string, to: string): Vars {
  const empty = ctx.t("feed.event.empty");
  return { from: from || empty, to: to || empty };
}

function stageText(
  ctx: EventContext,
  stage: Record<string, unknown> | undefined,
  other: Record<string, unknown> | undefined,
) {
  const pipelineId = num(stage?.pipeline_id);
  const statusId = num(stage?.id);
  if (pipelineId === null || statusId === null) return "";
  const name = ctx.stageName(pipelineId, statusId);
  const samePipeline = !other || num(other.pipeline_id) === pipelineId;
  return samePipeline ? name : `${ctx.pipelineName(pipelineId)}: ${name}`;
}

/** The readable text of one value of a `custom_field_value` change. */
export function fieldValueText(ctx: EventContext, value: Record<string, unknown>): string {
  const text = typeof value.text === "string" ? value.text : "";
  const stamp = /^-?\d+$/.test(text) ? Number(text) : null;
  switch (value.field_type) {
    case "date":
    case "birthday":
      return stamp !== null ? ctx.date(stamp) : text;
    case "date_time":
      return stamp !== null ? ctx.dateTime(stamp) : text;
    case "checkbox":
      return text === "1" ? ctx.t("cards.yes") : text === "0" ? ctx.t("cards.no") : text;
    case "numeric":
    case "price":
    case "monetary":
      return text !== "" && Number.isFinite(Number(text)) ? ctx.number(Number(text)) : text;
    default:
      return text;
  }
}

function fieldLine(ctx: EventContext, event: FeedEvent): string {
  const before = values(event.value_before, "custom_field_value");
  const after = values(event.value_after, "custom_field_value");
  const fieldId = num(after[0]?.field_id ?? before[0]?.field_id);
  const field =
    (fieldId !== null && ctx.field(fieldId)?.name) || ctx.t("feed.event.field_unknown", { id: fieldId ?? "?" });
  const from = before
    .map((value) => fieldValueText(ctx, value))
    .filter(Boolean)
    .join(", ");
  const to = after
    .map((value) => fieldValueText(ctx, value))
    .filter(Boolean)
    .join(", ");
  if (!from) return ctx.t("feed.event.field_set", { field, to });
  if (!to) return ctx.t("feed.event.field_cleared", { field, from });
  return ctx.t("feed.event.field_changed", { field, from, to });
}

/** The card a link event names (`link {entity {id, type}}`), when it is a lead, contact or company. */
export function linkTarget(event: Pick<FeedEvent, "type" | "value_before" | "value_after">): EventLine["link"] {
  if (event.type !== "entity_linked" && event.type !== "entity_unlinked") return undefined;
  const side = event.type === "entity_linked" || !event.value_before.length ? event.value_after : event.value_before;
  const target = first(side, "link")?.entity as Record<string, unknown> | undefined;
  const entity = target?.type as Entity | undefined;
  const id = num(target?.id);
  return entity && entity in LINKED && id !== null ? { entity, id } : undefined;
}

function humanize(type: string): string {
  const words = type.replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** What happened, in one line of the user's language. Unknown types fall back to their name (never throws). */
export function describeEvent(ctx: EventContext, event: FeedEvent): EventLine {
  const { t } = ctx;
  const before = event.value_before;
  const after = event.value_after;
  const lifecycle = LIFECYCLE[event.type];
  if (lifecycle) return { text: t(lifecycle) };
  switch (event.type) {
    case "lead_status_changed": {
      const from = first(before, "lead_status");
      const to = first(after, "lead_status");
      return { text: t("feed.event.stage", change(ctx, stageText(ctx, from, to), stageText(ctx, to, from))) };
    }
    case "entity_responsible_changed": {
      const name = (list: unknown) => {
        const id = num(first(list, "responsible_user")?.id);
        return id === null ? "" : ctx.userName(id);
      };
      return { text: t("feed.event.responsible", change(ctx, name(before), name(after))) };
    }
    case "name_field_changed": {
      const name = (list: unknown) => String(first(list, "name_field_value")?.name ?? "");
      return { text: t("feed.event.name", change(ctx, name(before), name(after))) };
    }
    case "sale_field_changed": {
      const sale = (list: unknown) => {
        const value = num(first(list, "sale_field_value")?.sale);
        return value === null ? "" : ctx.money(value);
      };
      return { text: t("feed.event.sale", change(ctx, sale(before), sale(after))) };
    }
    case "custom_field_value_changed":
      return { text: fieldLine(ctx, event) };
    case "entity_tag_added":
    case "entity_tag_deleted": {
      const list = event.type === "entity_tag_added" ? after : before.length ? before : after;
      const tags = values(list, "tag")
        .map((tag) => String(tag.name ?? ""))
        .join(", ");
      return {
        text: t(event.type === "entity_tag_added" ? "feed.event.tag_added" : "feed.event.tag_deleted", { tags }),
      };
    }
    case "entity_linked":
    case "entity_unlinked": {
      const target = linkTarget(event);
      if (!target) return { text: humanize(event.type) };
      return { text: t(LINKED[target.entity][event.type === "entity_linked" ? 0 : 1]), link: target };
    }
    case "lead_loss_reason_changed": {
      const id = num(first(after, "loss_reason")?.id);
      if (id === null) return { text: t("feed.event.loss_reason_cleared") };
      return { text: t("feed.event.loss_reason", { reason: ctx.lossReason(id) ?? `#${id}` }) };
    }
    default:
      return { text: ctx.typeName(event.type) ?? humanize(event.type) };
  }
}
