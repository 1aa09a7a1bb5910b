// The table of a list: sortable headers, a checkbox per row (shift-click selects a range), the name links
// to the card. Rows are virtualised once there are many of them (after several "Load more"), so a long
// list scrolls as fast as a short one; a short one is plain rows (find in page and screen readers see all).
import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useRef, type MouseEvent } from "react";
import { Link, useNavigate } from "react-router-dom";

import { useT } from "../../i18n";
import type { CellContext, Column } from "./columns";
import type { Row } from "./data";
import type { EntityKind, Sort } from "./listState";
import { pageState, type Selection } from "./selection";

/** Rows above this number are virtualised. */
export const VIRTUAL_AFTER = 120;
const ROW_HEIGHT = 44;

export interface RowSelectionProps {
  selection: Selection;
  /** A row's checkbox was clicked (`shift`: with Shift held). */
  onSelect: (id: number, shift: boolean) => void;
  onSelectPage: () => void;
}

/** What the table and the compact list (phones) both show. */
export interface ListViewProps extends RowSelectionProps {
  kind: EntityKind;
  label: string;
  rows: readonly Row[];
  columns: readonly Column[];
  ctx: CellContext;
}

interface Props extends ListViewProps {
  sort: Sort;
  onSort: (column: Column) => void;
}

export function cardPath(kind: EntityKind, id: number): string {
  return `/${kind}/${id}`;
}

/** The header checkbox: checked, mixed or unchecked. */
export function PageCheckbox({ selection, ids, onChange, label }: {
  selection: Selection;
  ids: readonly number[];
  onChange: () => void;
  label: string;
}) {
  const ref = useRef<HTMLInputElement>(null);
  const state = pageState(selection, ids);
  useEffect(() => {
    if (ref.current) ref.current.indeterminate = state === "some";
  }, [state]);
  return (
    <input
      ref={ref}
      type="checkbox"
      aria-label={label}
      checked={state === "all" && ids.length > 0}
      disabled={ids.length === 0}
      onChange={onChange}
    />
  );
}

/** Tracks the Shift key, for a checkbox toggled with Shift+Space (its click event may not say so). */
export function useShiftKey() {
  const down = useRef(false);
  useEffect(() => {
    const set = (event: KeyboardEvent) => {
      down.current = event.shiftKey;
    };
    window.addEventListener("keydown", set);
    window.addEventListener("keyup", set);
    return () => {
      window.removeEventListener("keydown", set);
      window.removeEventListener("keyup", set);
    };
  }, []);
  return down;
}

export function EntityTable(props: Props) {
  const { kind, rows, columns, ctx, sort, selection } = props;
  const t = useT();
  const navigate = useNavigate();
  const scroller = useRef<HTMLDivElement>(null);
  const shift = useShiftKey();
  const virtual = rows.length > VIRTUAL_AFTER;
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    enabled: virtual,
    initialRect: { width: 1200, height: 800 },
  });
  const ids = rows.map((row) => row.id);
  const items = virtual ? virtualizer.getVirtualItems() : rows.map((_, index) => ({ index, start: index * ROW_HEIGHT, end: 0 }));
  const total = virtual ? virtualizer.getTotalSize() : 0;
  const padTop = virtual && items.length ? items[0]!.start : 0;
  const padBottom = virtual && items.length ? total - items[items.length - 1]!.end : 0;
  const span = columns.length + 1;

  function openRow(event: MouseEvent<HTMLTableRowElement>, id: number) {
    const target = event.target as HTMLElement;
    if (target.closest("a, button, input, label") || window.getSelection()?.toString()) return;
    navigate(cardPath(kind, id));
  }

  return (
    <div className="list-scroll" ref={scroller}>
      <table className="list-table" aria-label={props.label} aria-rowcount={rows.length + 1}>
        <thead>
          <tr>
            <th scope="col" className="list-check">
              <PageCheckbox selection={selection} ids={ids} onChange={props.onSelectPage} label={t("lists.select_page")} />
            </th>
            {columns.map((column) => {
              const sorted = column.sortKey !== undefined && sort.key === column.sortKey;
              return (
                <th
                  key={column.key}
                  scope="col"
                  className={column.numeric ? "list-num" : undefined}
                  aria-sort={sorted ? (sort.dir === "asc" ? "ascending" : "descending") : undefined}
                >
                  {column.sortKey !== undefined ? (
                    <button type="button" className="list-sort" onClick={() => props.onSort(column)}>
                      {column.label}
                      <span aria-hidden="true" className="list-sort-mark">
                        {sorted ? (sort.dir === "asc" ? "▲" : "▼") : "↕"}
                      </span>
                    </button>
                  ) : (
                    column.label
                  )}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {padTop > 0 ? (
            <tr aria-hidden="true" className="list-pad">
              <td colSpan={span} style={{ height: padTop }} />
            </tr>
          ) : null}
          {items.map(({ index }) => {
            const row = rows[index]!;
            const selected = selection.ids.has(row.id);
            const name = row.name || `#${row.id}`;
            return (
              <tr
                key={row.id}
                aria-rowindex={index + 2}
                className={selected ? "list-row selected" : "list-row"}
                onClick={(event) => openRow(event, row.id)}
              >
                <td className="list-check">
                  <input
                    type="checkbox"
                    aria-label={t("lists.select_row", { name })}
                    checked={selected}
                    onChange={(event) => {
                      const native = event.nativeEvent as globalThis.MouseEvent;
                      props.onSelect(row.id, Boolean(native.shiftKey) || shift.current);
                    }}
                  />
                </td>
                {columns.map((column) =>
                  column.key === "name" ? (
                    <th key="name" scope="row" className="list-name">
                      <Link to={cardPath(kind, row.id)}>{name}</Link>
                    </th>
                  ) : (
                    <td key={column.key} className={column.numeric ? "list-num" : undefined}>
                      {column.render(row, ctx)}
                    </td>
                  ),
                )}
              </tr>
            );
          })}
          {padBottom > 0 ? (
            <tr aria-hidden="true" className="list-pad">
              <td colSpan={span} style={{ height: padBottom }} />
            </tr>
          ) : null}
        </tbody>
      </table>
    </div>
  );
}
