// The app shell: skip link, header (nav, language, user, sign-out) and the screen in <main>.
import { Suspense, useEffect, useId, useState } from "react";
import { Link, NavLink, Outlet, useLocation } from "react-router-dom";

import { useSession } from "../api/session";
import { LANGUAGES, useLang, useT, type Lang } from "../i18n";
import { Button } from "../ui/Button";
import { Spinner } from "../ui/Spinner";
import { FindAnything } from "../modules/palette/FindAnything";
import { visibleNav } from "./nav";

export const MAIN_ID = "main";

export function Layout() {
  return (
    <>
      <SkipLink />
      <Header />
      <main id={MAIN_ID} className="app-main" tabIndex={-1}>
        <Suspense fallback={<Spinner />}>
          <Outlet />
        </Suspense>
      </main>
    </>
  );
}

function SkipLink() {
  const t = useT();
  return (
    <a className="skip-link" href={`#${MAIN_ID}`}>
      {t("app.skip_to_content")}
    </a>
  );
}

function Header() {
  const t = useT();
  const session = useSession();
  const location = useLocation();
  const [menuOpen, setMenuOpen] = useState(false);
  const [signingOut, setSigningOut] = useState(false);
  const navId = useId();
  useEffect(() => setMenuOpen(false), [location.pathname]); // a link was followed: fold the menu again

  return (
    <header className="app-header">
      <Link className="brand" to="/board">
        {t("app.name")}
      </Link>
      <FindAnything />
      <button
        type="button"
        className="menu-toggle"
        aria-expanded={menuOpen}
        aria-controls={navId}
        onClick={() => setMenuOpen((open) => !open)}
      >
        <span aria-hidden="true">☰</span> {t("nav.menu")}
      </button>
      <div className={menuOpen ? "header-menu open" : "header-menu"} id={navId}>
        <nav aria-label={t("nav.label")}>
          <ul className="nav-list">
            {visibleNav(session.isAdmin).map((item) => (
              <li key={item.to}>
                <NavLink to={item.to} className="nav-link">
                  {t(item.label)}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <div className="header-user">
          <LanguageSwitch />
          <span className="user-name" title={session.user.email}>
            {session.user.name}
          </span>
          <Button
            variant="ghost"
            busy={signingOut}
            onClick={() => {
              setSigningOut(true);
              void session.signOut();
            }}
          >
            {t("user.sign_out")}
          </Button>
        </div>
      </div>
    </header>
  );
}

function LanguageSwitch() {
  const t = useT();
  const { lang, setLang } = useLang();
  const id = useId();
  return (
    <span className="lang-switch">
      <label htmlFor={id} className="visually-hidden">
        {t("user.language")}
      </label>
      <select id={id} value={lang} onChange={(event) => setLang(event.target.value as Lang)}>
        {LANGUAGES.map((code) => (
          <option key={code} value={code} lang={code}>
            {t(`lang.${code}`)}
          </option>
        ))}
      </select>
    </span>
  );
}
