// useT(): the current language's texts. Add a text: its key in en.ts and es.ts (same keys), then t("area.key").
import { createContext, useCallback, useContext, useEffect, useMemo, type ReactNode } from "react";

import type { MessageKey } from "./en";
import { translate, type Lang, type Vars } from "./translate";

export { LANGUAGES, pickLanguage, supported, type Lang } from "./translate";
export type { MessageKey } from "./en";

/** A key of the dictionaries, or the stem of a plural pair (`common.items` for `common.items_one`/`_other`). */
export type TextKey = MessageKey | (MessageKey extends infer K ? (K extends `${infer Stem}_other` ? Stem : never) : never);

export type T = (key: TextKey, vars?: Vars) => string;

interface I18n {
  lang: Lang;
  t: T;
  setLang: (lang: Lang) => void;
}

const I18nContext = createContext<I18n>({
  lang: "en",
  t: (key, vars) => translate("en", key, vars),
  setLang: () => undefined,
});

export function I18nProvider(props: { lang: Lang; setLang: (lang: Lang) => void; children: ReactNode }) {
  const { lang, setLang } = props;
  const t = useCallback<T>((key, vars) => translate(lang, key, vars), [lang]);
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  const value = useMemo(() => ({ lang, t, setLang }), [lang, t, setLang]);
  return <I18nContext.Provider value={value}>{props.children}</I18nContext.Provider>;
}

/** `const t = useT(); t("nav.board"); t("common.items", { count: 3 })` */
export function useT(): T {
  return useContext(I18nContext).t;
}

/** The current language and the switch (session.tsx remembers the choice per user). */
export function useLang(): { lang: Lang; setLang: (lang: Lang) => void } {
  const { lang, setLang } = useContext(I18nContext);
  return { lang, setLang };
}
