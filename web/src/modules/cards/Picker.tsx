// A search box with a list of choices (ARIA combobox): type, ↑/↓ to move, Enter to pick, Esc to close.
// Used to link a contact, a company or a lead, to add a tag and to fill a linked-entity field.
import { useQuery } from "@tanstack/react-query";
import { useEffect, useId, useRef, useState, type KeyboardEvent } from "react";

import { errorMessage } from "../../api/problem";
import { useT } from "../../i18n";

export interface PickOption {
  id: number;
  label: string;
  hint?: string;
  /** What the option is when a search mixes kinds (`contacts`, `companies`). */
  kind?: string;
}

export interface PickerProps {
  label: string;
  placeholder?: string;
  /** Cache key of the search (the query text is added). */
  scope: readonly unknown[];
  search: (text: string) => Promise<PickOption[]>;
  onPick: (option: PickOption) => void | Promise<void>;
  /** Offer "create «text»" as the last choice. */
  onCreate?: (text: string) => void | Promise<void>;
  createLabel?: (text: string) => string;
  /** Esc (`byKey`), or the focus left an empty box: the caller hides it. */
  onClose?: (byKey: boolean) => void;
  /** Search with an empty box too (tags: the account's tags). */
  searchEmpty?: boolean;
  autoFocus?: boolean;
  /** "Create «text»" comes first unless a result is named exactly so (tags: Enter adds what was typed). */
  createFirst?: boolean;
}

export type Choice = PickOption & { create?: boolean };

/** The choices for `typed`: a result named exactly so first, then the others; "create" (when offered and no
 * result has that name) last, or first with `createFirst`. */
export function pickOptions(
  results: readonly PickOption[],
  typed: string,
  create?: { label: string; first?: boolean },
): Choice[] {
  const wanted = typed.toLowerCase();
  const exact = results.filter((option) => option.label.toLowerCase() === wanted);
  const options: Choice[] = [...exact, ...results.filter((option) => !exact.includes(option))];
  if (!create || !typed || exact.length) return options;
  const choice: Choice = { id: -1, label: create.label, create: true };
  return create.first ? [choice, ...options] : [...options, choice];
}

function useDebounced(value: string, ms: number): string {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = window.setTimeout(() => setSettled(value), ms);
    return () => window.clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

export function Picker(props: PickerProps) {
  const t = useT();
  const id = useId();
  const [text, setText] = useState("");
  const [active, setActive] = useState(0);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const query = useDebounced(text.trim(), 200);
  const enabled = props.searchEmpty || query.length > 0;
  const found = useQuery({
    queryKey: [...props.scope, "pick", query],
    queryFn: () => props.search(query),
    enabled,
    staleTime: 10_000,
  });

  const typed = text.trim();
  // Results of an older text (the search waits for typing to pause) are never offered: Enter would pick them.
  const settled = query === typed && !found.isFetching;
  const create = props.onCreate
    ? { label: props.createLabel ? props.createLabel(typed) : typed, first: props.createFirst }
    : undefined;
  const options = pickOptions(enabled && settled ? (found.data ?? []) : [], typed, settled ? create : undefined);
  const pendingEnter = useRef(false);
  const current = Math.min(active, Math.max(options.length - 1, 0));
  const listId = `${id}-list`;

  useEffect(() => {
    if (props.autoFocus) input.current?.focus();
  }, [props.autoFocus]);

  useEffect(() => {
    if (!settled || !pendingEnter.current) return;
    pendingEnter.current = false;
    void choose(current);
  });

  async function choose(index: number) {
    const option = options[index];
    if (!option || busy) return;
    setBusy(true);
    try {
      if (option.create) await props.onCreate?.(typed);
      else await props.onPick(option);
      setText("");
    } finally {
      setBusy(false);
    }
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === "ArrowDown") {
      event.preventDefault();
      setActive((current + 1) % Math.max(options.length, 1));
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      setActive((current - 1 + options.length) % Math.max(options.length, 1));
    } else if (event.key === "Enter") {
      event.preventDefault();
      if (settled) void choose(current);
      else pendingEnter.current = true; // chosen once the search for this text has answered
    } else if (event.key === "Escape" && props.onClose) {
      event.preventDefault();
      event.stopPropagation();
      props.onClose(true);
    }
  }

  const open = options.length > 0 || (settled && enabled && typed.length > 0);
  return (
    <div className="picker">
      <label className="visually-hidden" htmlFor={`${id}-input`}>
        {props.label}
      </label>
      <input
        ref={input}
        id={`${id}-input`}
        type="text"
        role="combobox"
        aria-expanded={open}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={options.length ? `${id}-opt-${current}` : undefined}
        aria-busy={busy || found.isFetching || undefined}
        placeholder={props.placeholder ?? props.label}
        value={text}
        readOnly={busy}
        onChange={(event) => {
          pendingEnter.current = false;
          setText(event.target.value);
          setActive(0);
        }}
        onKeyDown={onKeyDown}
        onBlur={() => {
          if (!text.trim() && !busy) props.onClose?.(false);
        }}
      />
      <ul className="picker-list" id={listId} role="listbox" aria-label={props.label} hidden={!open}>
        {options.map((option, index) => (
          <li
            key={option.create ? "create" : option.id}
            id={`${id}-opt-${index}`}
            role="option"
            aria-selected={index === current}
            className={[index === current ? "active" : null, option.create ? "picker-create" : null]
              .filter(Boolean)
              .join(" ")}
            onMouseDown={(event) => {
              event.preventDefault(); // keep the focus in the box
              void choose(index);
            }}
          >
            <span>{option.label}</span>
            {option.hint ? <small className="picker-hint">{option.hint}</small> : null}
          </li>
        ))}
      </ul>
      {options.length === 0 && open ? <p className="picker-none">{t("cards.pick_none")}</p> : null}
      {found.isError ? <p className="field-error">{errorMessage(found.error, t("error.generic"))}</p> : null}
    </div>
  );
}
