// Find anything: a dialog that finds leads, contacts and companies by name, phone (any form) or email as
// you type (GET /api/v4/search, 150 ms after the last key; a newer text cancels the request of an older
// one). ↑/↓ move through the results, Enter opens the card, Esc closes. Loaded on first use.
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from "react";
import { useNavigate } from "react-router-dom";

import { api, unwrap } from "../../api/client";
import { errorMessage } from "../../api/problem";
import { useT, type MessageKey } from "../../i18n";
import { Dialog, Spinner, useFormat } from "../../ui";
import { useDebouncedValue } from "../../ui/hooks";
import { usePipelines } from "../lists/data";
import { groupResults, highlight, moveActive, type ResultItem, type ResultType } from "./results";
import "./palette.css";

export const SEARCH_DELAY_MS = 150;
const PER_TYPE = 5;

const GROUP_TITLES: Record<ResultType, MessageKey> = {
  leads: "nav.leads",
  contacts: "nav.contacts",
  companies: "nav.companies",
};

function Marked({ text, query }: { text: string; query: string }) {
  return (
    <>
      {highlight(text, query).map((segment, index) =>
        segment.match ? <mark key={index}>{segment.text}</mark> : <span key={index}>{segment.text}</span>,
      )}
    </>
  );
}

export function usePaletteSearch(text: string) {
  const term = useDebouncedValue(text.trim(), SEARCH_DELAY_MS);
  const query = useQuery({
    queryKey: ["palette", term],
    // The signal makes TanStack Query abort this request once a newer text replaces it.
    queryFn: ({ signal }) => unwrap(api.GET("/api/v4/search", { params: { query: { query: term, limit: PER_TYPE } }, signal })),
    enabled: term !== "",
    placeholderData: keepPreviousData,
    staleTime: 10_000,
  });
  return { term, query };
}

export default function Palette({ onClose }: { onClose: () => void }) {
  const t = useT();
  const format = useFormat();
  const navigate = useNavigate();
  const input = useRef<HTMLInputElement>(null);
  const listId = useId();
  const [text, setText] = useState("");
  const { term, query } = usePaletteSearch(text);
  const answer = term ? query.data : undefined;
  const { groups, flat } = useMemo(() => groupResults(answer), [answer]);
  const [active, setActive] = useState(-1);
  const pipelines = usePipelines(groups.some((group) => group.type === "leads"));
  const stages = useMemo(
    () => new Map((pipelines.data ?? []).flatMap((pipeline) => pipeline._embedded.statuses.map((stage) => [stage.id, stage.name]))),
    [pipelines.data],
  );
  const optionId = (index: number) => `${listId}-${index}`;

  useEffect(() => setActive(flat.length ? 0 : -1), [flat]);
  useEffect(() => {
    if (active >= 0) document.getElementById(`${listId}-${active}`)?.scrollIntoView?.({ block: "nearest" });
  }, [active, listId]);

  function open(item: ResultItem | undefined) {
    if (!item) return;
    onClose();
    navigate(item.href);
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      setActive((current) => moveActive(current, event.key === "ArrowDown" ? 1 : -1, flat.length));
    } else if (event.key === "Enter") {
      event.preventDefault();
      open(flat[active]);
    }
  }

  const shownQuery = answer?.query ?? term;
  const waiting = text.trim() !== "" && (text.trim() !== term || query.isFetching);
  let status;
  if (!text.trim()) status = <p className="palette-note">{t("palette.hint")}</p>;
  else if (query.isError) status = <p className="palette-note palette-error" role="alert">{errorMessage(query.error, t("error.generic"))}</p>;
  else if (answer && flat.length === 0 && !waiting) status = <p className="palette-note">{t("palette.no_results", { query: shownQuery })}</p>;
  else if (!answer && waiting) status = <Spinner label={t("palette.searching")} />;

  return (
    <Dialog open onClose={onClose} title={t("palette.title")} size="medium" initialFocus={input}>
      <div className="palette">
        <div className="palette-input">
          <input
            ref={input}
            type="search"
            role="combobox"
            aria-label={t("palette.title")}
            aria-expanded={flat.length > 0}
            aria-controls={listId}
            aria-autocomplete="list"
            aria-activedescendant={active >= 0 ? optionId(active) : undefined}
            aria-describedby={`${listId}-keys`}
            placeholder={t("palette.placeholder")}
            autoComplete="off"
            spellCheck={false}
            value={text}
            onChange={(event) => setText(event.target.value)}
            onKeyDown={onKeyDown}
          />
          {waiting && answer ? <span className="spinner spinner-small" aria-hidden="true" /> : null}
        </div>
        <div id={listId} role="listbox" aria-label={t("palette.results")} className="palette-results">
          {groups.map((group) => (
            <div key={group.type} role="group" aria-labelledby={`${listId}-${group.type}`} className="palette-group">
              <div id={`${listId}-${group.type}`} role="presentation" className="palette-group-title">
                {t(GROUP_TITLES[group.type])}
              </div>
              {group.items.map((item) => {
                const details =
                  item.type === "leads"
                    ? [format.money(item.price ?? 0), stages.get(item.statusId ?? 0) ?? ""]
                    : [item.phone ?? "", item.email ?? ""];
                return (
                  <div
                    key={`${item.type}-${item.id}`}
                    id={optionId(item.index)}
                    role="option"
                    aria-selected={item.index === active}
                    className={item.index === active ? "palette-option active" : "palette-option"}
                    onMouseMove={() => item.index !== active && setActive(item.index)}
                    onMouseDown={(event) => event.preventDefault()}
                    onClick={() => open(item)}
                  >
                    <span className="palette-option-title">
                      <Marked text={item.title} query={shownQuery} />
                    </span>
                    <span className="palette-option-detail">
                      {details.filter(Boolean).map((detail, index) => (
                        <span key={index}>
                          <Marked text={detail} query={item.type === "leads" ? "" : shownQuery} />
                        </span>
                      ))}
                    </span>
                  </div>
                );
              })}
            </div>
          ))}
        </div>
        {status}
        <p className="palette-keys" id={`${listId}-keys`}>
          {t("palette.keys")}
        </p>
      </div>
    </Dialog>
  );
}
