// Form inputs with a label, an optional hint and an error message slot (aria-invalid + aria-describedby).
// Pass `error` from fieldErrors(problem)[path] (api/problem.ts) to show the server's message under the field.
import {
  useId,
  type InputHTMLAttributes,
  type ReactNode,
  type SelectHTMLAttributes,
  type TextareaHTMLAttributes,
} from "react";

interface FieldBits {
  label: ReactNode;
  hint?: ReactNode;
  error?: string | null;
}

function describedBy(id: string, hint: unknown, error: unknown): string | undefined {
  const ids = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean);
  return ids.length ? ids.join(" ") : undefined;
}

function Messages({ id, hint, error }: { id: string; hint?: ReactNode; error?: string | null }) {
  return (
    <>
      {hint ? <p className="field-hint" id={`${id}-hint`}>{hint}</p> : null}
      {error ? <p className="field-error" id={`${id}-error`}>{error}</p> : null}
    </>
  );
}

export type TextFieldProps = FieldBits & InputHTMLAttributes<HTMLInputElement>;

export function TextField({ label, hint, error, id, className, ...input }: TextFieldProps) {
  const own = useId();
  const fieldId = id ?? own;
  return (
    <div className={["field", error ? "field-invalid" : null, className].filter(Boolean).join(" ")}>
      <label htmlFor={fieldId}>
        {label}
        {input.required ? <span className="field-required" aria-hidden="true"> *</span> : null}
      </label>
      <input
        type="text"
        {...input}
        id={fieldId}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(fieldId, hint, error)}
      />
      <Messages id={fieldId} hint={hint} error={error} />
    </div>
  );
}

export type TextAreaProps = FieldBits & TextareaHTMLAttributes<HTMLTextAreaElement>;

export function TextArea({ label, hint, error, id, className, ...input }: TextAreaProps) {
  const own = useId();
  const fieldId = id ?? own;
  return (
    <div className={["field", error ? "field-invalid" : null, className].filter(Boolean).join(" ")}>
      <label htmlFor={fieldId}>{label}</label>
      <textarea
        {...input}
        id={fieldId}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(fieldId, hint, error)}
      />
      <Messages id={fieldId} hint={hint} error={error} />
    </div>
  );
}

export interface SelectOption {
  value: string | number;
  label: string;
  disabled?: boolean;
}

export type SelectProps = FieldBits &
  SelectHTMLAttributes<HTMLSelectElement> & {
    /** The choices; or pass <option> children instead. */
    options?: readonly SelectOption[];
    /** A first, empty choice ("— none —"). */
    placeholder?: string;
  };

export function Select({ label, hint, error, id, className, options, placeholder, children, ...select }: SelectProps) {
  const own = useId();
  const fieldId = id ?? own;
  return (
    <div className={["field", error ? "field-invalid" : null, className].filter(Boolean).join(" ")}>
      <label htmlFor={fieldId}>{label}</label>
      <select
        {...select}
        id={fieldId}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(fieldId, hint, error)}
      >
        {placeholder !== undefined ? <option value="">{placeholder}</option> : null}
        {options?.map((option) => (
          <option key={option.value} value={option.value} disabled={option.disabled}>
            {option.label}
          </option>
        ))}
        {children}
      </select>
      <Messages id={fieldId} hint={hint} error={error} />
    </div>
  );
}

export type CheckboxProps = FieldBits & Omit<InputHTMLAttributes<HTMLInputElement>, "type">;

export function Checkbox({ label, hint, error, id, className, ...input }: CheckboxProps) {
  const own = useId();
  const fieldId = id ?? own;
  return (
    <div className={["field field-check", error ? "field-invalid" : null, className].filter(Boolean).join(" ")}>
      <input
        {...input}
        type="checkbox"
        id={fieldId}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(fieldId, hint, error)}
      />
      <label htmlFor={fieldId}>{label}</label>
      <Messages id={fieldId} hint={hint} error={error} />
    </div>
  );
}
