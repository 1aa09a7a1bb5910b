// Numbers, money and dates in the user's locale. Kommo's timestamps are Unix seconds.
import { useMemo } from "react";

import { useLang } from "../i18n";
import { useSessionOptional } from "../api/session";

/** The locale for `lang`: the browser's own variant of it when it has one (es-MX, en-GB), else `lang`. */
export function localeFor(lang: string, browser: readonly string[] = navigatorLanguages()): string {
  const own = browser.find((tag) => tag.toLowerCase().split("-")[0] === lang);
  return own ?? lang;
}

function navigatorLanguages(): readonly string[] {
  return typeof navigator === "undefined" ? [] : navigator.languages ?? [navigator.language];
}

export function formatNumber(value: number, locale: string): string {
  return new Intl.NumberFormat(locale).format(value);
}

/** `1500` in USD → "$1,500" (en) / "1500 US$" (es); cents shown only when there are some. */
export function formatMoney(amount: number, currency: string, locale: string): string {
  const whole = Number.isInteger(amount);
  try {
    return new Intl.NumberFormat(locale, {
      style: "currency",
      currency,
      minimumFractionDigits: whole ? 0 : 2,
      maximumFractionDigits: whole ? 0 : 2,
    }).format(amount);
  } catch {
    return `${formatNumber(amount, locale)} ${currency}`; // a currency code Intl does not know
  }
}

export interface DateOptions {
  timeZone?: string;
}

/** A Unix timestamp (seconds) as a date: "Mar 5, 2026" / "5 mar 2026". */
export function formatDate(seconds: number, locale: string, options: DateOptions = {}): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", ...options }).format(new Date(seconds * 1000));
}

/** A Unix timestamp (seconds) as a date and time. */
export function formatDateTime(seconds: number, locale: string, options: DateOptions = {}): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short", ...options }).format(
    new Date(seconds * 1000),
  );
}

/** "in 3 days", "2 hours ago", "hace 5 minutos": `seconds` relative to `now` (both Unix seconds). */
export function formatRelative(seconds: number, locale: string, now = Date.now() / 1000): string {
  const delta = seconds - now;
  const units: [Intl.RelativeTimeFormatUnit, number][] = [
    ["year", 365 * 86400],
    ["month", 30 * 86400],
    ["week", 7 * 86400],
    ["day", 86400],
    ["hour", 3600],
    ["minute", 60],
  ];
  const format = new Intl.RelativeTimeFormat(locale, { numeric: "auto" });
  for (const [unit, size] of units) {
    if (Math.abs(delta) >= size) return format.format(Math.round(delta / size), unit);
  }
  return format.format(Math.round(delta), "second");
}

/** The formatters bound to the user's locale (and the account's currency for money()). */
export function useFormat() {
  const { lang } = useLang();
  const currency = useSessionOptional()?.account.currency ?? "USD";
  return useMemo(() => {
    const locale = localeFor(lang);
    return {
      locale,
      number: (value: number) => formatNumber(value, locale),
      money: (amount: number, code: string = currency) => formatMoney(amount, code, locale),
      date: (seconds: number) => formatDate(seconds, locale),
      dateTime: (seconds: number) => formatDateTime(seconds, locale),
      relative: (seconds: number) => formatRelative(seconds, locale),
    };
  }, [lang, currency]);
}
