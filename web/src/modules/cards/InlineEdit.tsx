// A value edited in place: shown as a button; Enter or a click opens its input; Enter or leaving it (blur) saves,
// Esc cancels. A failed save keeps the input open with the API's message under it.
import { useEffect, useId, useRef, useState, type FocusEvent, type KeyboardEvent, type ReactNode } from "react";

import { useT } from "../../i18n";
import { Spinner } from "../../ui";
import { saveError } from "./saveErrors";

export interface EditorProps<D> {
  draft: D;
  setDraft: (draft: D) => void;
  /** The id of the first input (its <label> points at it). */
  inputId: string;
  /** aria-describedby of the inputs while there is an error. */
  describedBy?: string;
  invalid: boolean;
  disabled: boolean;
}

/** The attributes every input of an editor carries (`first`: the input the label points at). */
export function editorAttrs(
  p: Pick<EditorProps<unknown>, "inputId" | "describedBy" | "invalid" | "disabled">,
  first = true,
) {
  return {
    id: first ? p.inputId : undefined,
    "aria-describedby": p.describedBy,
    "aria-invalid": p.invalid || undefined,
    disabled: p.disabled,
  };
}

export interface InlineEditProps<D> {
  label: string;
  /** The readable value (null or "" when empty). */
  display: ReactNode;
  /** Text of the value for the button's name (screen readers); defaults to `display` when it is a string. */
  displayText?: string;
  editable?: boolean;
  start: () => D;
  /** True when saving `draft` would change nothing (then the editor just closes). */
  unchanged: (draft: D) => boolean;
  save: (draft: D) => Promise<unknown>;
  /** Where the saved parts of the body are, to pick the API's message (`["price"]`). */
  errorPaths: readonly string[];
  editor: (props: EditorProps<D>) => ReactNode;
  /** The editor has several inputs: a <fieldset> with a legend instead of a <label>. */
  group?: boolean;
  /** Enter saves (false for multi-line text: Ctrl+Enter there). */
  enterSaves?: boolean;
  className?: string;
}

export function InlineEdit<D>(props: InlineEditProps<D>) {
  const { label, display, editable = true, group = false, enterSaves = true } = props;
  const t = useT();
  const id = useId();
  const [draft, setDraft] = useState<D | null>(null);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const button = useRef<HTMLButtonElement>(null);
  const box = useRef<HTMLDivElement>(null);
  // Where the focus goes once the next render is on screen: into the editor, or back to the value.
  const focusNext = useRef<"editor" | "value" | null>(null);
  const editing = draft !== null;
  useEffect(() => {
    const target = focusNext.current;
    focusNext.current = null;
    if (target === "editor") box.current?.querySelector<HTMLElement>("input, select, textarea, button")?.focus();
    if (target === "value") button.current?.focus();
  }, [editing]);
  const empty = display === null || display === undefined || display === "";
  const valueText = props.displayText ?? (typeof display === "string" ? display : "");

  function open() {
    setError(null);
    setDraft(props.start());
    focusNext.current = "editor";
  }

  function close(refocus: boolean) {
    setDraft(null);
    setError(null);
    focusNext.current = refocus ? "value" : null;
  }

  async function commit(refocus: boolean) {
    if (draft === null || saving) return;
    if (props.unchanged(draft)) {
      close(refocus);
      return;
    }
    setSaving(true);
    try {
      await props.save(draft);
      close(refocus);
    } catch (failure) {
      setError(saveError(failure, props.errorPaths, t("cards.save_failed")));
    } finally {
      setSaving(false);
    }
  }

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    if (event.defaultPrevented) return; // handled inside (a search box picked a choice)
    if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      close(true);
      return;
    }
    if (event.key !== "Enter" || event.nativeEvent.isComposing) return;
    const target = event.target as HTMLElement;
    if (target.tagName === "BUTTON") return; // the editor's own buttons (add a phone, remove…)
    const multiLine = target.tagName === "TEXTAREA" || !enterSaves;
    if (multiLine && !(event.ctrlKey || event.metaKey)) return;
    event.preventDefault();
    void commit(true);
  }

  function onBlur(event: FocusEvent<HTMLDivElement>) {
    const next = event.relatedTarget as Node | null;
    if (next && box.current?.contains(next)) return;
    void commit(false);
  }

  const errorId = `${id}-error`;
  if (draft === null) {
    return (
      <div className={["inline-field", props.className].filter(Boolean).join(" ")}>
        <span className="inline-label" id={`${id}-label`}>
          {label}
        </span>
        {editable ? (
          <button
            ref={button}
            type="button"
            className={empty ? "inline-value inline-empty" : "inline-value"}
            aria-label={`${label}: ${empty ? t("cards.empty") : valueText || t("cards.edit")}`}
            onClick={open}
          >
            {empty ? t("cards.empty") : display}
          </button>
        ) : (
          <span
            className={empty ? "inline-value inline-readonly inline-empty" : "inline-value inline-readonly"}
            aria-labelledby={`${id}-label`}
          >
            {empty ? "—" : display}
          </span>
        )}
      </div>
    );
  }

  const editor = props.editor({
    draft,
    setDraft,
    inputId: `${id}-input`,
    describedBy: error ? errorId : undefined,
    invalid: !!error,
    disabled: saving,
  });
  return (
    <div
      ref={box}
      className={["inline-field inline-editing", error ? "field-invalid" : null, props.className]
        .filter(Boolean)
        .join(" ")}
      onKeyDown={onKeyDown}
      onBlur={onBlur}
    >
      {group ? (
        <fieldset className="inline-group" aria-describedby={error ? errorId : undefined}>
          <legend className="inline-label">{label}</legend>
          {editor}
        </fieldset>
      ) : (
        <>
          <label className="inline-label" htmlFor={`${id}-input`}>
            {label}
          </label>
          {editor}
        </>
      )}
      <div className="inline-status">
        {saving ? (
          <span className="inline-saving">
            <Spinner size="small" /> {t("cards.saving")}
          </span>
        ) : (
          <span className="inline-help">{t(enterSaves ? "cards.hint_enter" : "cards.hint_ctrl_enter")}</span>
        )}
      </div>
      {error ? (
        <p className="field-error" id={errorId} role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}
