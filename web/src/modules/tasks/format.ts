// Times shown in the account's time zone: today's by their time, other days with the date.
import { useMemo } from "react";

import { useSession } from "../../api/session";
import { useLang } from "../../i18n";
import { localeFor } from "../../ui";
import { dayKey, safeTimeZone } from "./time";

export function formatWhen(seconds: number, now: number, locale: string, timeZone: string): string {
  const sameDay = dayKey(seconds, timeZone) === dayKey(now, timeZone);
  const options: Intl.DateTimeFormatOptions = sameDay
    ? { timeStyle: "short", timeZone }
    : { dateStyle: "medium", timeStyle: "short", timeZone };
  return new Intl.DateTimeFormat(locale, options).format(new Date(seconds * 1000));
}

/** The account's time zone (what "today" means on this screen) and the user's locale. */
export function useZone(): { timeZone: string; locale: string } {
  const zone = useSession().account.timezone;
  const { lang } = useLang();
  return useMemo(() => ({ timeZone: safeTimeZone(zone), locale: localeFor(lang) }), [zone, lang]);
}
