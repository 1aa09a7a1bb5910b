// Language choice and message lookup (no React here: i18n.test.ts covers it).
import { en, type Dictionary, type MessageKey } from "./en";
import { es } from "./es";

export const LANGUAGES = ["en", "es"] as const;
export type Lang = (typeof LANGUAGES)[number];

export const DICTIONARIES: Record<Lang, Dictionary> = { en, es };

/** The supported language of a tag such as "es", "es-MX" or "EN_us"; null for any other. */
export function supported(tag: string | null | undefined): Lang | null {
  const base = (tag ?? "").toLowerCase().split(/[-_]/)[0];
  return (LANGUAGES as readonly string[]).includes(base ?? "") ? (base as Lang) : null;
}

/** The language to show: the user's own choice in this browser, else the user's `lang`, else the
 * account's language, else the browser's, else English. */
export function pickLanguage(sources: {
  stored?: string | null;
  user?: string | null;
  account?: string | null;
  browser?: readonly string[];
}): Lang {
  for (const tag of [sources.stored, sources.user, sources.account, ...(sources.browser ?? [])]) {
    const lang = supported(tag);
    if (lang) return lang;
  }
  return "en";
}

export type Vars = Record<string, string | number>;

/** The text of `key` in `lang` with `{name}` placeholders filled; `{ count }` picks `key_one`/`key_other`. */
export function translate(lang: Lang, key: MessageKey | string, vars?: Vars): string {
  const dictionary = DICTIONARIES[lang] as Record<string, string>;
  let chosen = key;
  if (typeof vars?.count === "number") {
    const plural = `${key}_${new Intl.PluralRules(lang).select(vars.count)}`;
    chosen = plural in dictionary ? plural : `${key}_other` in dictionary ? `${key}_other` : key;
  }
  const text = dictionary[chosen] ?? (en as Record<string, string>)[chosen] ?? key;
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}
