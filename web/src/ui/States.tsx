import type { ReactNode } from "react";

import { errorMessage } from "../api/problem";
import { useT } from "../i18n";
import { Button } from "./Button";

/** Nothing to show yet: a title, an optional message and an optional action (a Button). */
export function EmptyState({ title, message, action, icon }: {
  title: string;
  message?: ReactNode;
  action?: ReactNode;
  icon?: ReactNode;
}) {
  return (
    <div className="state state-empty">
      {icon ? <div className="state-icon" aria-hidden="true">{icon}</div> : null}
      <h2 className="state-title">{title}</h2>
      {message ? <p className="state-message">{message}</p> : null}
      {action ? <div className="state-action">{action}</div> : null}
    </div>
  );
}

/** A failed load: the problem's detail (or `message`) and a retry button when `onRetry` is given. */
export function ErrorState({ error, title, message, onRetry }: {
  error?: unknown;
  title?: string;
  message?: string;
  onRetry?: () => void;
}) {
  const t = useT();
  const text = message ?? errorMessage(error, t("error.generic"));
  return (
    <div className="state state-error" role="alert">
      <h2 className="state-title">{title ?? t("error.title")}</h2>
      <p className="state-message">{text}</p>
      {onRetry ? (
        <div className="state-action">
          <Button variant="primary" onClick={onRetry}>
            {t("common.retry")}
          </Button>
        </div>
      ) : null}
    </div>
  );
}
