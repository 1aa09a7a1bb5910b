import { Link, useLocation } from "react-router-dom";

import { useT } from "../i18n";
import { EmptyState } from "../ui/States";

export function NotFound() {
  const t = useT();
  const location = useLocation();
  return (
    <EmptyState
      title={t("not_found.title")}
      message={t("not_found.message", { path: location.pathname })}
      action={
        <Link className="btn btn-primary" to="/board">
          {t("not_found.home")}
        </Link>
      }
    />
  );
}
