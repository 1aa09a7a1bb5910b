// The incoming leads screen (route `incoming`): waiting incoming leads newest first, by category and
// pipeline (kept in the address: ?category=forms&pipeline=3), each readable and accepted or declined in
// place or several at once; what was just decided stays listed with a link to the lead it became.
import { useMemo, useState } from "react";
import { Link, useSearchParams } from "react-router-dom";

import { useT } from "../../i18n";
import { Button, EmptyState, ErrorState, Select, Spinner } from "../../ui";
import {
  CATEGORIES,
  entityIds,
  useIncomingLeads,
  useIncomingPages,
  usePipelines,
  type Decision,
  type IncomingCategory,
  type IncomingRef,
  type Outcome,
} from "./api";
import { AcceptDialog, DeclineDialog } from "./DecisionDialogs";
import { IncomingActions } from "./IncomingActions";
import { IncomingItem, useHeadline } from "./IncomingItem";
import "./incoming.css";

interface Decided extends Decision {
  title: string;
}

function readCategory(value: string | null): IncomingCategory | null {
  return CATEGORIES.includes(value as IncomingCategory) ? (value as IncomingCategory) : null;
}

export default function IncomingScreen() {
  const t = useT();
  const [params, setParams] = useSearchParams();
  const category = readCategory(params.get("category"));
  const pipelineId = Number(params.get("pipeline")) || null;
  const pages = useIncomingPages({ category, pipelineId });
  const pipelines = usePipelines();
  const headline = useHeadline();
  const items = useMemo(() => pages.data?.pages.flatMap((page) => page.items) ?? [], [pages.data]);
  const leads = useIncomingLeads(items.map((item) => entityIds(item).lead).filter((id): id is number => id !== null));
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [bulk, setBulk] = useState<"accept" | "decline" | null>(null);
  const [decided, setDecided] = useState<Decided[]>([]);

  const chosen = items.filter((item) => selected.has(item.uid));
  const pipelineName = (id: number) => pipelines.data?.find((pipeline) => pipeline.id === id)?.name ?? null;

  function setParam(name: string, value: string | null) {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
    setSelected(new Set());
  }

  function remember(outcome: Outcome, sorted: readonly IncomingRef[]) {
    const titles = new Map(sorted.map((item) => [item.uid, headline(item)]));
    const fresh = outcome.decisions.map((decision) => ({ ...decision, title: titles.get(decision.uid) ?? "" }));
    setDecided((before) => [...fresh, ...before].slice(0, 20));
    setSelected((before) => new Set([...before].filter((uid) => !titles.has(uid))));
  }

  function toggle(uid: string, on: boolean) {
    setSelected((before) => {
      const next = new Set(before);
      if (on) next.add(uid);
      else next.delete(uid);
      return next;
    });
  }

  const allChosen = items.length > 0 && chosen.length === items.length;
  return (
    <div className="incoming-screen">
      <h1>{t("incoming.title")}</h1>
      <div className="incoming-toolbar">
        <div className="incoming-tabs" role="group" aria-label={t("incoming.categories")}>
          {[null, ...CATEGORIES].map((name) => (
            <button
              key={name ?? "all"}
              type="button"
              className="incoming-tab"
              aria-pressed={category === name}
              onClick={() => setParam("category", name)}
            >
              {name ? t(`incoming.category.${name}`) : t("incoming.category.all")}
            </button>
          ))}
        </div>
        {(pipelines.data?.length ?? 0) > 1 ? (
          <Select
            label={t("incoming.filter.pipeline")}
            value={pipelineId ?? ""}
            placeholder={t("incoming.filter.all_pipelines")}
            onChange={(event) => setParam("pipeline", event.target.value)}
            options={(pipelines.data ?? []).map((pipeline) => ({ value: pipeline.id, label: pipeline.name }))}
          />
        ) : null}
      </div>

      {decided.length ? <DecidedList decided={decided} onClear={() => setDecided([])} /> : null}

      {items.length ? (
        <div className="incoming-bulk" role="group" aria-label={t("incoming.bulk")}>
          <label className="incoming-select-all">
            <input
              type="checkbox"
              checked={allChosen}
              onChange={(event) => setSelected(new Set(event.target.checked ? items.map((item) => item.uid) : []))}
            />{" "}
            {t("incoming.select_all")}
          </label>
          <Button variant="primary" disabled={!chosen.length} onClick={() => setBulk("accept")}>
            {t("incoming.accept_selected", { count: chosen.length })}
          </Button>
          <Button disabled={!chosen.length} onClick={() => setBulk("decline")}>
            {t("incoming.decline_selected", { count: chosen.length })}
          </Button>
        </div>
      ) : null}

      {pages.isPending ? (
        <Spinner label={t("app.loading")} />
      ) : pages.isError ? (
        <ErrorState error={pages.error} onRetry={() => void pages.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState
          icon="✉"
          title={t("incoming.empty.title")}
          message={category ? t("incoming.empty.category") : t("incoming.empty.message")}
        />
      ) : (
        <ul className="incoming-list">
          {items.map((item) => {
            const lead = leads.data?.get(entityIds(item).lead ?? 0);
            return (
              <li key={item.uid}>
                <IncomingItem
                  item={item}
                  pipelineName={pipelineName(item.pipeline_id)}
                  lead={lead ? { name: lead.name, price: lead.price } : null}
                  selected={selected.has(item.uid)}
                  onSelectChange={(on) => toggle(item.uid, on)}
                  actions={<IncomingActions item={item} onDone={(outcome) => remember(outcome, [item])} />}
                />
              </li>
            );
          })}
        </ul>
      )}
      {pages.hasNextPage ? (
        <div className="incoming-more">
          <Button busy={pages.isFetchingNextPage} onClick={() => void pages.fetchNextPage()}>
            {t("incoming.load_more")}
          </Button>
        </div>
      ) : null}

      <AcceptDialog
        items={bulk === "accept" ? chosen : []}
        onClose={() => setBulk(null)}
        onDone={(outcome) => remember(outcome, chosen)}
      />
      <DeclineDialog
        items={bulk === "decline" ? chosen : []}
        onClose={() => setBulk(null)}
        onDone={(outcome) => remember(outcome, chosen)}
      />
    </div>
  );
}

function DecidedList({ decided, onClear }: { decided: Decided[]; onClear: () => void }) {
  const t = useT();
  return (
    <section className="incoming-decided" aria-labelledby="incoming-decided-title">
      <div className="incoming-decided-head">
        <h2 id="incoming-decided-title">{t("incoming.just_sorted")}</h2>
        <Button variant="ghost" onClick={onClear}>
          {t("incoming.clear")}
        </Button>
      </div>
      <ul>
        {decided.map((decision) => (
          <li key={decision.uid} className={`incoming-decided-${decision.outcome}`}>
            <span className="incoming-outcome">
              {decision.outcome === "accepted" ? t("incoming.outcome.accepted") : t("incoming.outcome.declined")}
            </span>{" "}
            {decision.title}
            {decision.outcome === "accepted" && decision.leadId !== null ? (
              <>
                {" — "}
                <Link to={`/leads/${decision.leadId}`}>{t("incoming.open_lead")}</Link>
              </>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
