// Choosing the lead, contact or company a task belongs to: type a few letters, pick one of the matches
// (GET /api/v4/search), or leave it unattached.
import { useQuery } from "@tanstack/react-query";
import { useEffect, useId, useRef, useState } from "react";

import { api, unwrap } from "../../api/client";
import { useT } from "../../i18n";
import { Button, Spinner, TextField } from "../../ui";
import type { TaskEntityType } from "./api";

export interface PickedEntity {
  type: TaskEntityType;
  id: number;
  name: string;
}

const TYPES: readonly TaskEntityType[] = ["leads", "contacts", "companies"];

function useDebounced(value: string, ms: number): string {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = window.setTimeout(() => setSettled(value), ms);
    return () => window.clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

export function EntityPicker({ value, onChange, error }: {
  value: PickedEntity | null;
  onChange: (entity: PickedEntity | null) => void;
  error?: string | null;
}) {
  const t = useT();
  const resultsId = useId();
  const [text, setText] = useState("");
  const query = useDebounced(text.trim(), 250);
  const box = useRef<HTMLDivElement>(null);
  const touched = useRef(false);
  useEffect(() => {
    // Keyboard users keep their place: after picking, on Remove; after removing, back in the search box.
    if (touched.current) box.current?.querySelector<HTMLElement>("button, input")?.focus();
  }, [value]);
  const choose = (entity: PickedEntity | null) => {
    touched.current = true;
    setText("");
    onChange(entity);
  };
  const search = useQuery({
    queryKey: ["tasks", "search", query],
    queryFn: () => unwrap(api.GET("/api/v4/search", { params: { query: { query, limit: 5 } } })),
    enabled: query.length >= 2 && value === null,
    staleTime: 30_000,
  });

  if (value) {
    return (
      <div className="field" ref={box}>
        <span className="field-label">{t("tasks.add.entity")}</span>
        <div className="entity-picked">
          <span>
            <span className="task-entity-kind">{t(`tasks.entity.${value.type}`)}</span> {value.name}
          </span>
          <Button variant="ghost" onClick={() => choose(null)}>
            {t("tasks.add.entity_clear")}
          </Button>
        </div>
        {error ? <p className="field-error">{error}</p> : null}
      </div>
    );
  }

  const found = search.data?._embedded;
  const matches = found
    ? TYPES.flatMap((type) => found[type].map((row) => ({ type, id: row.id, name: row.name })))
    : [];
  return (
    <div className="entity-picker" ref={box}>
      <TextField
        type="search"
        label={t("tasks.add.entity")}
        hint={t("tasks.add.entity_hint")}
        value={text}
        onChange={(event) => setText(event.target.value)}
        aria-controls={resultsId}
        autoComplete="off"
        error={error}
      />
      <div id={resultsId} aria-live="polite">
        {search.isFetching ? <Spinner size="small" /> : null}
        {query.length >= 2 && search.isSuccess && matches.length === 0 ? (
          <p className="field-hint">{t("tasks.add.entity_none")}</p>
        ) : null}
        {matches.length ? (
          <ul className="entity-matches">
            {matches.map((match) => (
              <li key={`${match.type}:${match.id}`}>
                <button type="button" className="entity-match" onClick={() => choose(match)}>
                  <span className="task-entity-kind">{t(`tasks.entity.${match.type}`)}</span> {match.name}
                </button>
              </li>
            ))}
          </ul>
        ) : null}
      </div>
    </div>
  );
}
