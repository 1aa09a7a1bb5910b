// One list screen (leads, contacts or companies): search, filters, columns, sortable table (a compact list
// on phones), "Load more", selection and bulk actions. The search, sort and filters live in the URL.
import { useCallback, useEffect, useId, useMemo, useState } from "react";
import { useSearchParams } from "react-router-dom";

import { useT, type MessageKey } from "../../i18n";
import { Button, EmptyState, ErrorState, Spinner, useFormat } from "../../ui";
import { useMediaQuery, useSearchText } from "../../ui/hooks";
import { BulkBar } from "./BulkBar";
import { ColumnChooser } from "./ColumnChooser";
import { allColumns, defaultColumns, storeColumns, storedColumns, visibleColumns, type CellContext, type Column } from "./columns";
import { CompactList } from "./CompactList";
import { useEntityPages, useFields, usePipelines, useTagNames, useUsers, type Row } from "./data";
import { EntityTable } from "./EntityTable";
import { FilterPanel } from "./FilterPanel";
import { clearFilters, filterCount, nextSort, readState, writeState, type EntityKind, type ListState } from "./listState";
import { clickRow, keepShown, NO_SELECTION, selectedInOrder, togglePage, type Selection } from "./selection";
import "./lists.css";

const TITLES: Record<EntityKind, MessageKey> = { leads: "nav.leads", contacts: "nav.contacts", companies: "nav.companies" };
const PHONE_WIDTH = "(max-width: 700px)";

function SearchBox({ value, onSearch, label }: { value: string; onSearch: (text: string) => void; label: string }) {
  const id = useId();
  const { text, setText, submit } = useSearchText(value, onSearch);
  return (
    <div className="list-search">
      <label className="visually-hidden" htmlFor={id}>
        {label}
      </label>
      <input
        id={id}
        type="search"
        placeholder={label}
        value={text}
        autoComplete="off"
        onChange={(event) => setText(event.target.value)}
        onKeyDown={(event) => event.key === "Enter" && submit()}
      />
    </div>
  );
}

/** Rows of all loaded pages, once each (a row changed meanwhile may move from one page to the next). */
function uniqueRows(pages: readonly { rows: Row[] }[] | undefined): Row[] {
  const seen = new Set<number>();
  const rows: Row[] = [];
  for (const page of pages ?? []) {
    for (const row of page.rows) {
      if (!seen.has(row.id)) {
        seen.add(row.id);
        rows.push(row);
      }
    }
  }
  return rows;
}

export function ListScreen({ kind }: { kind: EntityKind }) {
  const t = useT();
  const format = useFormat();
  const filtersId = useId();
  const [params, setParams] = useSearchParams();
  const state = useMemo(() => readState(params), [params]);
  const update = useCallback((next: ListState) => setParams(writeState(next), { replace: true }), [setParams]);
  const compact = useMediaQuery(PHONE_WIDTH);
  const [filtersOpen, setFiltersOpen] = useState(() => filterCount(state) > 0);
  const [selection, setSelection] = useState<Selection>(NO_SELECTION);
  const [chosen, setChosen] = useState<string[] | null>(() => storedColumns(kind));

  const pages = useEntityPages(kind, state);
  const fields = useFields(kind);
  const users = useUsers();
  const pipelines = usePipelines(kind === "leads");
  const tagNames = useTagNames(kind);

  const rows = useMemo(() => uniqueRows(pages.data?.pages), [pages.data]);
  const order = useMemo(() => rows.map((row) => row.id), [rows]);
  useEffect(() => setSelection((current) => keepShown(current, order)), [order]);

  const columns = useMemo(() => allColumns(kind, fields.data ?? [], t), [kind, fields.data, t]);
  const shownKeys = chosen ?? defaultColumns(kind, fields.data ?? []);
  const shown = useMemo(() => visibleColumns(columns, shownKeys), [columns, shownKeys]);
  const ctx = useMemo<CellContext>(() => {
    const stages: CellContext["stages"] = new Map(
      (pipelines.data ?? []).flatMap((pipeline) => pipeline._embedded.statuses.map((stage) => [stage.id, { stage, pipeline }] as const)),
    );
    return { users: new Map((users.data ?? []).map((user) => [user.id, user])), stages, format, t };
  }, [pipelines.data, users.data, format, t]);

  const title = t(TITLES[kind]);
  const filters = filterCount(state);
  const selected = selectedInOrder(selection, order);
  const onSort = (column: Column) => column.sortKey && update({ ...state, sort: nextSort(state.sort, column.sortKey, column.descFirst) });
  const selectionProps = {
    selection,
    onSelect: (id: number, shift: boolean) => setSelection((current) => clickRow(current, id, order, shift)),
    onSelectPage: () => setSelection((current) => togglePage(current, order)),
  };

  let body;
  if (pages.isPending) {
    body = <Spinner />;
  } else if (pages.isError) {
    body = <ErrorState error={pages.error} onRetry={() => void pages.refetch()} />;
  } else if (rows.length === 0) {
    const filtered = filters > 0 || state.query !== "";
    body = (
      <EmptyState
        icon="∅"
        title={filtered ? t("lists.empty_filtered") : t(`lists.empty.${kind}`)}
        message={filtered ? t("lists.empty_filtered_hint") : undefined}
        action={
          filtered ? (
            <Button variant="primary" onClick={() => update({ ...clearFilters(state), query: "" })}>
              {t("lists.show_all")}
            </Button>
          ) : undefined
        }
      />
    );
  } else {
    const listProps = { kind, label: title, rows, columns: shown, ctx, ...selectionProps };
    body = compact ? (
      <CompactList {...listProps} />
    ) : (
      <EntityTable {...listProps} sort={state.sort} onSort={onSort} />
    );
  }

  return (
    <section className="list-screen" aria-labelledby={`${filtersId}-title`}>
      <header className="list-head">
        <h1 id={`${filtersId}-title`}>{title}</h1>
        {rows.length ? (
          <span className="list-count" aria-live="polite">
            {pages.hasNextPage ? t("lists.shown_more", { count: rows.length }) : t("lists.shown", { count: rows.length })}
          </span>
        ) : null}
      </header>
      <div className="list-toolbar">
        <SearchBox value={state.query} onSearch={(query) => update({ ...state, query })} label={t(`lists.search.${kind}`)} />
        <Button aria-expanded={filtersOpen} aria-controls={filtersId} onClick={() => setFiltersOpen((open) => !open)}>
          {filters ? t("lists.filters_count", { count: filters }) : t("lists.filters")}
        </Button>
        <ColumnChooser
          columns={columns}
          chosen={shownKeys}
          onChange={(keys) => {
            storeColumns(kind, keys);
            setChosen(keys);
          }}
          onReset={() => {
            storeColumns(kind, null);
            setChosen(null);
          }}
        />
        {pages.isFetching && !pages.isPending ? <span className="spinner spinner-small" aria-hidden="true" /> : null}
      </div>
      {filtersOpen ? (
        <FilterPanel
          id={filtersId}
          kind={kind}
          state={state}
          onChange={update}
          users={users.data ?? []}
          pipelines={pipelines.data ?? []}
          fields={fields.data ?? []}
          tagNames={tagNames.data ?? []}
        />
      ) : null}
      {selected.length ? (
        <BulkBar
          kind={kind}
          ids={selected}
          rows={rows}
          users={users.data ?? []}
          pipelines={pipelines.data ?? []}
          onClear={() => setSelection(NO_SELECTION)}
          onDone={(keep) => setSelection({ ids: new Set(keep), anchor: null })}
        />
      ) : null}
      <div className={pages.isPlaceholderData ? "list-body list-stale" : "list-body"} aria-busy={pages.isFetching}>
        {body}
      </div>
      {pages.hasNextPage ? (
        <div className="list-more">
          <Button busy={pages.isFetchingNextPage} onClick={() => void pages.fetchNextPage()}>
            {t("lists.load_more")}
          </Button>
        </div>
      ) : null}
    </section>
  );
}
