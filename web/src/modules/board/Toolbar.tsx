// The board's toolbar: the pipeline switcher, the search box and the filters (responsible user, tag, created
// range). Every choice is written to the page URL (shareable, kept on reload).
import { useId, useState } from "react";

import { useT } from "../../i18n";
import { Button, Select, TextField } from "../../ui";
import { useSearchText } from "../../ui/hooks";
import { filterCount, type BoardFilters, type Pipeline } from "./model";

export interface ToolbarProps {
  pipelines: readonly Pipeline[];
  pipelineId: number;
  filters: BoardFilters;
  onChange: (next: BoardFilters) => void;
  users: readonly { id: number; name: string }[];
  tagNames: readonly string[];
  busy: boolean;
}

function Search({ value, onSearch }: { value: string; onSearch: (text: string) => void }) {
  const t = useT();
  const { text, setText, submit } = useSearchText(value, onSearch);
  return (
    <TextField
      className="board-search"
      type="search"
      label={t("board.search")}
      value={text}
      onChange={(event) => setText(event.target.value)}
      onKeyDown={(event) => event.key === "Enter" && submit()}
    />
  );
}

export function Toolbar({ pipelines, pipelineId, filters, onChange, users, tagNames, busy }: ToolbarProps) {
  const t = useT();
  const panelId = useId();
  const count = filterCount(filters);
  const [open, setOpen] = useState(count > 0);
  const set = (patch: Partial<BoardFilters>) => onChange({ ...filters, ...patch });
  return (
    <div className="board-toolbar">
      <div className="board-toolbar-row">
        <Select
          className="board-pipeline"
          label={t("board.pipeline")}
          value={pipelineId}
          onChange={(event) => set({ pipeline: Number(event.target.value) })}
          options={pipelines.map((item) => ({ value: item.id, label: item.name }))}
        />
        <Search value={filters.query} onSearch={(query) => set({ query })} />
        <Button aria-expanded={open} aria-controls={panelId} onClick={() => setOpen((value) => !value)}>
          {count ? t("board.filters_count", { count }) : t("board.filters")}
        </Button>
        {busy ? <span className="spinner spinner-small" aria-hidden="true" /> : null}
      </div>
      {open ? (
        <div className="board-filters" id={panelId} role="group" aria-label={t("board.filters")}>
          <Select
            label={t("board.responsible")}
            placeholder={t("board.anyone")}
            value={filters.users[0] ?? ""}
            onChange={(event) => set({ users: event.target.value ? [Number(event.target.value)] : [] })}
            options={users.map((user) => ({ value: user.id, label: user.name }))}
          />
          <Select
            label={t("board.tag")}
            placeholder={t("board.any_tag")}
            value={filters.tags[0] ?? ""}
            onChange={(event) => set({ tags: event.target.value ? [event.target.value] : [] })}
            options={tagNames.map((name) => ({ value: name, label: name }))}
          />
          <TextField
            type="date"
            label={t("board.created_from")}
            value={filters.created.from ?? ""}
            onChange={(event) => set({ created: { ...filters.created, from: event.target.value || undefined } })}
          />
          <TextField
            type="date"
            label={t("board.created_to")}
            value={filters.created.to ?? ""}
            onChange={(event) => set({ created: { ...filters.created, to: event.target.value || undefined } })}
          />
          {count ? (
            <Button variant="ghost" onClick={() => onChange({ ...filters, users: [], tags: [], created: {} })}>
              {t("board.clear")}
            </Button>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
