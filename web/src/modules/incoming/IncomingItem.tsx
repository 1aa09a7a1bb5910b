// One incoming lead, readably: its category, headline and time, the pipeline and source, the metadata
// details, what accepting it creates (its lead, contact and company) and possible duplicates. The actions
// (normally <IncomingActions>) are passed in, so a board column and the incoming screen share the item.
import { useId, type ReactNode } from "react";
import { Link } from "react-router-dom";

import { useT } from "../../i18n";
import { useFormat } from "../../ui";
import { formatWhen, useZone } from "../tasks/format";
import { useNow } from "../tasks/useNow";
import { entityIds, useIncomingParties, type IncomingCategory, type IncomingLead, type IncomingRef } from "./api";
import { details, firstFieldValue, formatDuration, headline, type Detail } from "./describe";

export interface IncomingLeadSummary {
  name: string;
  price: number;
}

export interface IncomingItemProps {
  item: IncomingLead;
  /** The pipeline's name, shown when given. */
  pipelineName?: string | null;
  /** The incoming lead's lead (name and price) when the caller has it; else shown by its id. */
  lead?: IncomingLeadSummary | null;
  /** Fetch and show the contact and company it brings (default true; a board column may turn it off). */
  showParties?: boolean;
  /** Headline, time and the first details only (a board card). */
  compact?: boolean;
  /** A selection checkbox is shown when onSelectChange is given. */
  selected?: boolean;
  onSelectChange?: (selected: boolean) => void;
  /** The buttons: normally <IncomingActions item={item} />. */
  actions?: ReactNode;
}

// Symbols every system font has (no colour emoji in a bare Linux Chromium).
const ICONS: Record<IncomingCategory, string> = { sip: "☎", forms: "✎", mail: "✉", chats: "❝" };

/** The headline of an incoming lead as text, in the current language. */
export function useHeadline(): (item: IncomingRef) => string {
  const t = useT();
  return (item) => {
    const line = headline(item);
    return t(line.key, line.vars);
  };
}

export function IncomingItem(props: IncomingItemProps) {
  const { item, compact = false } = props;
  const t = useT();
  const format = useFormat();
  const { timeZone, locale } = useZone();
  const now = useNow(60_000);
  const titleId = useId();
  const title = useHeadline()(item);
  const shown = details(item);

  return (
    <article className={compact ? "incoming-item incoming-compact" : "incoming-item"} aria-labelledby={titleId}>
      <header className="incoming-head">
        {props.onSelectChange ? (
          <input
            type="checkbox"
            className="incoming-select"
            checked={props.selected ?? false}
            onChange={(event) => props.onSelectChange?.(event.target.checked)}
            aria-label={t("incoming.select_item", { title })}
          />
        ) : null}
        <span className={`incoming-category incoming-category-${item.category}`}>
          <span aria-hidden="true">{ICONS[item.category]}</span> {t(`incoming.category.${item.category}`)}
        </span>
        <h3 className="incoming-title" id={titleId}>
          {title}
        </h3>
        <time
          className="incoming-time"
          dateTime={new Date(item.created_at * 1000).toISOString()}
          title={format.relative(item.created_at)}
        >
          {formatWhen(item.created_at, now, locale, timeZone)}
        </time>
      </header>
      <p className="incoming-source">
        {props.pipelineName ? <span>{t("incoming.pipeline", { name: props.pipelineName })}</span> : null}
        <span>{t("incoming.source", { name: item.source_name })}</span>
      </p>
      <Details shown={compact ? shown.slice(0, 2) : shown} />
      {compact ? null : <Creates item={item} lead={props.lead} showParties={props.showParties ?? true} />}
      {props.actions ? <div className="incoming-actions">{props.actions}</div> : null}
    </article>
  );
}

function Details({ shown }: { shown: Detail[] }) {
  const t = useT();
  const format = useFormat();
  if (!shown.length) return null;
  return (
    <dl className="incoming-details">
      {shown.map((detail) => (
        <div key={detail.label} className="incoming-detail">
          <dt>{t(detail.label)}</dt>
          <dd>{renderValue(detail, format.dateTime)}</dd>
        </div>
      ))}
    </dl>
  );
}

function renderValue(detail: Detail, dateTime: (seconds: number) => string): ReactNode {
  switch (detail.kind) {
    case "time":
      return dateTime(Number(detail.value));
    case "duration":
      return formatDuration(Number(detail.value));
    case "url":
      return (
        <a href={detail.value} target="_blank" rel="noreferrer noopener">
          {detail.value}
        </a>
      );
    case "phone":
      return <a href={`tel:${detail.value.replace(/[^\d+]/g, "")}`}>{detail.value}</a>;
    case "email":
      return <a href={`mailto:${detail.value}`}>{detail.value}</a>;
    default:
      return detail.value;
  }
}

function Creates({ item, lead, showParties }: { item: IncomingLead; lead?: IncomingLeadSummary | null; showParties: boolean }) {
  const t = useT();
  const format = useFormat();
  const ids = entityIds(item);
  const { contact, company } = useIncomingParties(item, showParties);
  const phone = firstFieldValue(contact?.custom_fields_values, "PHONE");
  const email = firstFieldValue(contact?.custom_fields_values, "EMAIL");
  return (
    <div className="incoming-creates">
      <h4>{t("incoming.creates")}</h4>
      <ul>
        {ids.lead !== null ? (
          <li>
            <span className="incoming-kind">{t("incoming.kind.lead")}</span>{" "}
            {lead ? lead.name || t("incoming.unnamed", { id: ids.lead }) : t("incoming.unnamed", { id: ids.lead })}
            {lead && lead.price ? <span className="incoming-price"> · {format.money(lead.price)}</span> : null}
          </li>
        ) : null}
        {ids.contact !== null && showParties ? (
          <li>
            <span className="incoming-kind">{t("incoming.kind.contact")}</span>{" "}
            {contact?.name || t("incoming.unnamed", { id: ids.contact })}
            {phone ? <> · <a href={`tel:${phone.replace(/[^\d+]/g, "")}`}>{phone}</a></> : null}
            {email ? <> · <a href={`mailto:${email}`}>{email}</a></> : null}
          </li>
        ) : null}
        {ids.company !== null && showParties ? (
          <li>
            <span className="incoming-kind">{t("incoming.kind.company")}</span>{" "}
            {company?.name || t("incoming.unnamed", { id: ids.company })}
          </li>
        ) : null}
      </ul>
      {item.duplicate_of.length ? (
        <p className="incoming-duplicates">
          {t("incoming.duplicates")}{" "}
          {item.duplicate_of.map((id, index) => (
            <span key={id}>
              {index ? ", " : null}
              <Link to={`/contacts/${id}`}>{t("incoming.contact_ref", { id })}</Link>
            </span>
          ))}
        </p>
      ) : null}
    </div>
  );
}
