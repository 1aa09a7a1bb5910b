import { useRouteError } from "react-router-dom";

import { useT } from "../i18n";
import { ErrorState } from "../ui/States";

/** A screen that failed to render or to load (a stale chunk after an upgrade): offer to reload. */
export function RouteError() {
  const t = useT();
  const error = useRouteError();
  return (
    <main id="main" className="page-center">
      <ErrorState error={error} message={t("error.generic")} onRetry={() => window.location.reload()} />
    </main>
  );
}
