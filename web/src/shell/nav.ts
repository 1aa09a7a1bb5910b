import type { MessageKey } from "../i18n";

export interface NavItem {
  to: string;
  label: MessageKey;
  adminOnly?: boolean;
}

/** The header's links, in order. A link whose screen is not registered in App.tsx shows "page not found". */
export const NAV: readonly NavItem[] = [
  { to: "/board", label: "nav.board" },
  { to: "/leads", label: "nav.leads" },
  { to: "/contacts", label: "nav.contacts" },
  { to: "/companies", label: "nav.companies" },
  { to: "/tasks", label: "nav.tasks" },
  { to: "/incoming", label: "nav.incoming" },
  { to: "/settings", label: "nav.settings", adminOnly: true },
];

export function visibleNav(isAdmin: boolean): NavItem[] {
  return NAV.filter((item) => isAdmin || !item.adminOnly);
}
