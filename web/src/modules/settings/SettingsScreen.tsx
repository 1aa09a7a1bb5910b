// /settings/*: the administrators' settings. Each section is its own lazy chunk; members see why they
// cannot get in (the API refuses them anyway).
import { lazy, Suspense, useEffect, type ComponentType } from "react";
import { Navigate, NavLink, Route, Routes } from "react-router-dom";

import { useSession } from "../../api/session";
import { useT, type MessageKey } from "../../i18n";
import { EmptyState, Spinner } from "../../ui";
import "./settings.css";

interface Section {
  path: string;
  label: MessageKey;
  Component: ComponentType;
}

const SECTIONS: Section[] = [
  { path: "pipelines", label: "settings.nav.pipelines", Component: lazy(() => import("./PipelinesSection")) },
  { path: "fields", label: "settings.nav.fields", Component: lazy(() => import("./FieldsSection")) },
  { path: "users", label: "settings.nav.users", Component: lazy(() => import("./UsersSection")) },
  { path: "webhooks", label: "settings.nav.webhooks", Component: lazy(() => import("./WebhooksSection")) },
  { path: "integrations", label: "settings.nav.integrations", Component: lazy(() => import("./IntegrationsSection")) },
];

export default function SettingsScreen() {
  const t = useT();
  const { isAdmin } = useSession();
  useEffect(() => {
    document.title = `${t("nav.settings")} · ${t("app.name")}`;
  }, [t]);
  if (!isAdmin) {
    return (
      <EmptyState
        icon="🔒"
        title={t("settings.admins_only.title")}
        message={t("settings.admins_only.message")}
      />
    );
  }
  return (
    <div className="settings">
      <h1 className="settings-title">{t("nav.settings")}</h1>
      <nav className="settings-nav" aria-label={t("settings.nav.label")}>
        <ul>
          {SECTIONS.map((section) => (
            <li key={section.path}>
              <NavLink to={`/settings/${section.path}`} className="settings-nav-link">
                {t(section.label)}
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <div className="settings-body">
        <Suspense fallback={<Spinner />}>
          <Routes>
            <Route index element={<Navigate to="pipelines" replace />} />
            {SECTIONS.map(({ path, Component }) => (
              <Route key={path} path={`${path}/*`} element={<Component />} />
            ))}
            <Route path="*" element={<Navigate to="pipelines" replace />} />
          </Routes>
        </Suspense>
      </div>
    </div>
  );
}
