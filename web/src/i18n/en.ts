// English texts: the reference dictionary. Keys are `area.name`; `{name}` is replaced by t(key, { name }).
// A key may have plural forms `key_one` / `key_other`, chosen by t(key, { count }).
// es.ts must have exactly the same keys (TypeScript and i18n.test.ts check it).
export const en = {
  "app.name": "Kanbo",
  "app.skip_to_content": "Skip to content",
  "app.loading": "Loading…",
  "app.signing_out": "Signing out…",

  "nav.label": "Main",
  "nav.menu": "Menu",
  "nav.board": "Board",
  "nav.leads": "Leads",
  "nav.contacts": "Contacts",
  "nav.companies": "Companies",
  "nav.tasks": "Tasks",
  "nav.incoming": "Incoming leads",
  "nav.settings": "Settings",

  "user.sign_out": "Sign out",
  "user.language": "Language",
  "user.menu": "Account menu for {name}",

  "lang.en": "English",
  "lang.es": "Español",

  "common.retry": "Try again",
  "common.close": "Close",
  "common.cancel": "Cancel",
  "common.save": "Save",
  "common.delete": "Delete",
  "common.edit": "Edit",
  "common.create": "Create",
  "common.search": "Search",
  "common.required": "required",
  "common.dismiss": "Dismiss",
  "common.items_one": "{count} item",
  "common.items_other": "{count} items",

  "error.title": "Something went wrong",
  "error.generic": "The request failed. Check your connection and try again.",
  "error.forbidden": "You do not have the rights to see this.",
  "error.session": "Could not load your session.",

  "not_found.title": "Page not found",
  "not_found.message": "There is no page at {path}.",
  "not_found.home": "Go to the board",
} as const;

export type MessageKey = keyof typeof en;
export type Dictionary = Record<MessageKey, string>;
