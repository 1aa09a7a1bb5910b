// The card of a lead, contact or company: its fields (left) and its feed (right), following live events (live.ts).
// Usable anywhere (a route here, the board may open one too).
import { useEffect, useId } from "react";
import { Link } from "react-router-dom";

import { ApiError } from "../../api/problem";
import { useT, type MessageKey } from "../../i18n";
import { EmptyState, ErrorState, Spinner, useFormat } from "../../ui";
import { Feed } from "../feed/Feed";
import { CardFields } from "./CustomFields";
import { useEntity, useUsers, userName } from "./data";
import type { Entity, Kind } from "./kinds";
import { LinksPanel } from "./LinksPanel";
import { useCardLiveUpdates } from "./live";
import { PredefinedFields, TextProperty } from "./Predefined";
import { Tags } from "./Tags";
import "./cards.css";

const TEXTS: Record<Kind, { list: MessageKey; one: MessageKey; missing: MessageKey }> = {
  leads: { list: "nav.leads", one: "cards.kind.lead", missing: "cards.missing.lead" },
  contacts: { list: "nav.contacts", one: "cards.kind.contact", missing: "cards.missing.contact" },
  companies: { list: "nav.companies", one: "cards.kind.company", missing: "cards.missing.company" },
};

function BackLink({ kind }: { kind: Kind }) {
  const t = useT();
  return (
    <Link className="card-back" to={`/${kind}`}>
      ← {t(TEXTS[kind].list)}
    </Link>
  );
}

function Header({ kind, entity }: { kind: Kind; entity: Entity }) {
  const t = useT();
  const format = useFormat();
  const users = useUsers();
  const titleId = useId();
  return (
    <header className="card-header" aria-labelledby={titleId}>
      <p className="card-kind">
        {t(TEXTS[kind].one)} #{entity.id}
      </p>
      <h1 id={titleId} className="visually-hidden">
        {entity.name}
      </h1>
      <TextProperty
        className="card-title"
        label={t("cards.name")}
        value={entity.name}
        path="name"
        kind={kind}
        id={entity.id}
      />
      <p className="card-meta">
        {t("cards.created", {
          when: format.dateTime(entity.created_at),
          who: userName(users.data, entity.created_by, t("feed.robot")),
        })}
      </p>
      <Tags kind={kind} entity={entity} />
    </header>
  );
}

export function EntityCard({ kind, id }: { kind: Kind; id: number | null }) {
  const t = useT();
  const entity = useEntity(kind, id);
  useCardLiveUpdates(kind, id); // someone else's changes show without a reload
  const name = entity.data?.name;
  useEffect(() => {
    if (!name) return;
    const before = document.title;
    document.title = `${name} — ${t("app.name")}`;
    return () => {
      document.title = before;
    };
  }, [name, t]);

  if (
    id === null ||
    (entity.isSuccess && !entity.data) ||
    (entity.error instanceof ApiError && entity.error.status === 404)
  ) {
    return (
      <EmptyState
        icon="🔍"
        title={t(TEXTS[kind].missing)}
        message={t("cards.missing_detail")}
        action={
          <Link className="btn btn-primary" to={`/${kind}`}>
            {t("cards.back_to", { list: t(TEXTS[kind].list) })}
          </Link>
        }
      />
    );
  }
  if (entity.error instanceof ApiError && entity.error.status === 403) {
    return (
      <EmptyState
        icon="🔒"
        title={t("cards.forbidden_title")}
        message={entity.error.problem?.detail || t("error.forbidden")}
        action={<BackLink kind={kind} />}
      />
    );
  }
  if (entity.isError) return <ErrorState error={entity.error} onRetry={() => void entity.refetch()} />;
  if (!entity.data) return <Spinner />;

  const card = entity.data;
  return (
    <div className="card-page">
      <div className="card-side">
        <BackLink kind={kind} />
        <Header kind={kind} entity={card} />
        <CardFields kind={kind} entity={card} predefined={<PredefinedFields kind={kind} entity={card} />} />
        <LinksPanel kind={kind} entity={card} />
      </div>
      <Feed kind={kind} id={card.id} />
    </div>
  );
}
