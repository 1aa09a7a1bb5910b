import { useT } from "../i18n";

/** A busy indicator. With a `label` (default "Loading…") it is announced; `size="small"` fits in a button. */
export function Spinner({ label, size = "normal" }: { label?: string; size?: "small" | "normal" }) {
  const t = useT();
  if (size === "small") return <span className="spinner spinner-small" aria-hidden="true" />;
  return (
    <div className="spinner-box" role="status">
      <span className="spinner" aria-hidden="true" />
      <span className="spinner-label">{label ?? t("app.loading")}</span>
    </div>
  );
}
