// The list on a phone: one card per row (name linked to the card, the other chosen columns on a line
// below), with the same checkboxes and selection as the table.
import { Link } from "react-router-dom";

import { useT } from "../../i18n";
import { cardPath, PageCheckbox, useShiftKey, type ListViewProps } from "./EntityTable";

export function CompactList({ kind, label, rows, columns, ctx, selection, onSelect, onSelectPage }: ListViewProps) {
  const t = useT();
  const shift = useShiftKey();
  const details = columns.filter((column) => column.key !== "name");
  return (
    <div className="list-compact-box">
      <label className="list-compact-all">
        <PageCheckbox
          selection={selection}
          ids={rows.map((row) => row.id)}
          onChange={onSelectPage}
          label={t("lists.select_page")}
        />
        <span aria-hidden="true">{t("lists.select_page")}</span>
      </label>
      <ul className="list-compact" aria-label={label}>
        {rows.map((row) => {
          const selected = selection.ids.has(row.id);
          const name = row.name || `#${row.id}`;
          const line = details
            .map((column) => column.text(row, ctx))
            .filter(Boolean)
            .join(" · ");
          return (
            <li key={row.id} className={selected ? "list-compact-item selected" : "list-compact-item"}>
              <input
                type="checkbox"
                aria-label={t("lists.select_row", { name })}
                checked={selected}
                onChange={(event) =>
                  onSelect(row.id, Boolean((event.nativeEvent as MouseEvent).shiftKey) || shift.current)
                }
              />
              <div className="list-compact-text">
                <Link to={cardPath(kind, row.id)} className="list-compact-name">
                  {name}
                </Link>
                {line ? <p className="list-compact-line">{line}</p> : null}
              </div>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
