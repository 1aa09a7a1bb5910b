// Small pieces the settings sections share: a confirmation dialog, a one-line rename form, a read-only value
// with a copy button, and mutations that report their outcome in a toast and refresh what they changed.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from "react";

import { errorMessage } from "../../api/problem";
import { useT } from "../../i18n";
import { Button, Dialog, useToast } from "../../ui";
import { refresh } from "./settingsApi";

/** A mutation that toasts `done` on success and the API's message on failure, then refreshes every query
 * whose key names one of `touches`. */
export function useSettingsMutation<V, R>(options: {
  run: (vars: V) => Promise<R>;
  touches: string[];
  done?: string | ((result: R, vars: V) => string | null);
  onSuccess?: (result: R, vars: V) => void;
}) {
  const t = useT();
  const toast = useToast();
  const client = useQueryClient();
  return useMutation({
    mutationFn: options.run,
    onSuccess: (result, vars) => {
      const message = typeof options.done === "function" ? options.done(result, vars) : options.done;
      if (message) toast({ message, kind: "success" });
      options.onSuccess?.(result, vars);
    },
    onError: (error) => toast({ message: errorMessage(error, t("error.generic")), kind: "error" }),
    onSettled: () => refresh(client, ...options.touches),
  });
}

export function ConfirmDialog(props: {
  open: boolean;
  title: string;
  message: ReactNode;
  confirm: string;
  busy?: boolean;
  onConfirm: () => void;
  onClose: () => void;
}) {
  const t = useT();
  return (
    <Dialog
      open={props.open}
      onClose={props.onClose}
      title={props.title}
      size="small"
      footer={
        <>
          <Button onClick={props.onClose}>
            {t("common.cancel")}
          </Button>
          <Button variant="danger" busy={props.busy} onClick={props.onConfirm}>
            {props.confirm}
          </Button>
        </>
      }
    >
      <p className="settings-confirm">{props.message}</p>
    </Dialog>
  );
}

/** An input with Save and Cancel: Enter saves, Esc cancels. */
export function RenameForm(props: {
  label: string;
  value: string;
  busy?: boolean;
  error?: string | null;
  onSave: (value: string) => void;
  onCancel: () => void;
}) {
  const t = useT();
  const [value, setValue] = useState(props.value);
  const input = useRef<HTMLInputElement>(null);
  const id = useId();
  useEffect(() => {
    input.current?.focus();
    input.current?.select();
  }, []);
  function submit(event: FormEvent) {
    event.preventDefault();
    const trimmed = value.trim();
    if (!trimmed || trimmed === props.value) props.onCancel();
    else props.onSave(trimmed);
  }
  return (
    <form className="settings-rename" onSubmit={submit}>
      <label htmlFor={id} className="visually-hidden">
        {props.label}
      </label>
      <input
        id={id}
        ref={input}
        value={value}
        maxLength={255}
        aria-invalid={props.error ? true : undefined}
        onChange={(event) => setValue(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === "Escape") {
            event.preventDefault();
            event.stopPropagation();
            props.onCancel();
          }
        }}
      />
      <Button type="submit" variant="primary" busy={props.busy}>
        {t("common.save")}
      </Button>
      <Button onClick={props.onCancel}>{t("common.cancel")}</Button>
      {props.error ? <p className="field-error">{props.error}</p> : null}
    </form>
  );
}

/** A secret shown once: read-only, selected on focus, with a copy button. */
export function CopyField({ label, value }: { label: string; value: string }) {
  const t = useT();
  const toast = useToast();
  const id = useId();
  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      toast({ message: t("settings.copied"), kind: "success" });
    } catch {
      (document.getElementById(id) as HTMLTextAreaElement | null)?.select();
      toast({ message: t("settings.copy_failed"), kind: "error" });
    }
  }
  return (
    <div className="field settings-copy">
      <label htmlFor={id}>{label}</label>
      <textarea id={id} readOnly value={value} rows={3} onFocus={(event) => event.target.select()} />
      <div>
        <Button variant="primary" onClick={() => void copy()}>
          {t("settings.copy")}
        </Button>
      </div>
    </div>
  );
}

/** Letters of a rights matrix, for screen readers and titles. */
export function useLetterNames() {
  const t = useT();
  return {
    A: t("settings.rights.letter_all"),
    G: t("settings.rights.letter_group"),
    M: t("settings.rights.letter_own"),
    D: t("settings.rights.letter_none"),
  } as const;
}

/** A dialog holding a form: Cancel and the submit button in its footer (Enter in a field submits). */
export function FormDialog(props: {
  title: string;
  submit: string;
  busy?: boolean;
  size?: "small" | "medium" | "large";
  onSubmit: () => void;
  onClose: () => void;
  children: ReactNode;
}) {
  const t = useT();
  const formId = useId();
  function submit(event: FormEvent) {
    event.preventDefault();
    props.onSubmit();
  }
  return (
    <Dialog
      open
      onClose={props.onClose}
      size={props.size}
      title={props.title}
      footer={
        <>
          <Button onClick={props.onClose}>{t("common.cancel")}</Button>
          <Button variant="primary" type="submit" form={formId} busy={props.busy}>
            {props.submit}
          </Button>
        </>
      }
    >
      <form id={formId} onSubmit={submit} noValidate>
        {props.children}
      </form>
    </Dialog>
  );
}

/** A table of settings rows: its caption (for screen readers), column headings, and a last column of actions. */
export function SettingsTable(props: { caption: string; columns: string[]; actions?: boolean; children: ReactNode }) {
  const t = useT();
  return (
    <div className="settings-table-wrap">
      <table className="settings-table">
        <caption className="visually-hidden">{props.caption}</caption>
        <thead>
          <tr>
            {props.columns.map((column) => (
              <th key={column} scope="col">{column}</th>
            ))}
            {props.actions !== false ? (
              <th scope="col"><span className="visually-hidden">{t("settings.actions")}</span></th>
            ) : null}
          </tr>
        </thead>
        <tbody>{props.children}</tbody>
      </table>
    </div>
  );
}
