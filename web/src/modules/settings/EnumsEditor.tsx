// The choices of a select, multiselect, radio button, multitext or category field: add, rename, reorder
// (move up/down) and remove. Enter in a choice adds the next one.
import { useEffect, useRef, useState } from "react";

import { useT } from "../../i18n";
import { Button, IconButton } from "../../ui";
import { move } from "./stages";
import { newEnum, type EnumDraft } from "./fields";

export function EnumsEditor(props: {
  items: EnumDraft[];
  onChange: (items: EnumDraft[]) => void;
  errors: Record<string, string>;
  legend: string;
}) {
  const { items, onChange, errors } = props;
  const t = useT();
  const [focusKey, setFocusKey] = useState<string | null>(null);
  const inputs = useRef(new Map<string, HTMLInputElement>());
  useEffect(() => {
    if (focusKey) inputs.current.get(focusKey)?.focus();
  }, [focusKey, items]);

  function add(after?: number) {
    const item = newEnum();
    const next = [...items];
    next.splice(after === undefined ? next.length : after + 1, 0, item);
    onChange(next);
    setFocusKey(item.key);
  }
  function update(index: number, value: string) {
    onChange(items.map((item, i) => (i === index ? { ...item, value } : item)));
  }
  function reorder(index: number, delta: number) {
    onChange(move(items, index, index + delta));
    setFocusKey(items[index]?.key ?? null);
  }
  function remove(index: number) {
    onChange(items.filter((_, i) => i !== index));
    const neighbour = items[index + 1] ?? items[index - 1];
    setFocusKey(neighbour?.key ?? null);
  }

  return (
    <fieldset className="enums">
      <legend>{props.legend}</legend>
      {errors.enums ? <p className="field-error">{errors.enums}</p> : null}
      <ol className="enums-list">
        {items.map((item, index) => {
          const error = errors[`enums.${index}.value`] ?? errors[`enums.${index}`];
          const id = `enum-${item.key}`;
          return (
            <li key={item.key} className="enums-row">
              <label htmlFor={id} className="visually-hidden">
                {t("settings.fields.choice_n", { n: index + 1 })}
              </label>
              <input
                id={id}
                ref={(element) => {
                  if (element) inputs.current.set(item.key, element);
                  else inputs.current.delete(item.key);
                }}
                value={item.value}
                maxLength={255}
                aria-invalid={error ? true : undefined}
                onChange={(event) => update(index, event.target.value)}
                onKeyDown={(event) => {
                  if (event.key === "Enter") {
                    event.preventDefault();
                    add(index);
                  }
                }}
              />
              <IconButton
                label={t("settings.fields.choice_up", { n: index + 1 })}
                icon="↑"
                aria-disabled={index === 0 || undefined}
                onClick={() => index > 0 && reorder(index, -1)}
              />
              <IconButton
                label={t("settings.fields.choice_down", { n: index + 1 })}
                icon="↓"
                aria-disabled={index === items.length - 1 || undefined}
                onClick={() => index < items.length - 1 && reorder(index, 1)}
              />
              <IconButton label={t("settings.fields.choice_remove", { n: index + 1 })} icon="✕" onClick={() => remove(index)} />
              {error ? <p className="field-error enums-error">{error}</p> : null}
            </li>
          );
        })}
      </ol>
      <Button onClick={() => add()}>{t("settings.fields.choice_add")}</Button>
    </fieldset>
  );
}
