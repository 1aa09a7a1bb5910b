import { describe, expect, it } from "vitest";

import { formatDate, formatDateTime, formatMoney, formatRelative, localeFor } from "./format";

const MARCH_5_2026_NOON_UTC = Date.UTC(2026, 2, 5, 12, 0) / 1000;

describe("formatting", () => {
  it("writes money in the locale's way, with cents only when there are some", () => {
    expect(formatMoney(1500, "USD", "en")).toBe("$1,500");
    expect(formatMoney(1500.5, "USD", "en")).toBe("$1,500.50");
    expect(formatMoney(1500, "EUR", "es").replace(/\s/g, " ")).toBe("1500 €");
    expect(formatMoney(2, "X1", "en")).toBe("2 X1"); // a code Intl refuses
  });

  it("writes Unix-second timestamps as dates in the locale", () => {
    expect(formatDate(MARCH_5_2026_NOON_UTC, "en", { timeZone: "UTC" })).toBe("Mar 5, 2026");
    expect(formatDate(MARCH_5_2026_NOON_UTC, "es", { timeZone: "UTC" })).toBe("5 mar 2026");
    expect(formatDateTime(MARCH_5_2026_NOON_UTC, "en", { timeZone: "UTC" })).toMatch(/Mar 5, 2026.*12:00\sPM/);
  });

  it("says how far a moment is", () => {
    const now = MARCH_5_2026_NOON_UTC;
    expect(formatRelative(now + 3 * 86400, "en", now)).toBe("in 3 days");
    expect(formatRelative(now - 2 * 3600, "en", now)).toBe("2 hours ago");
    expect(formatRelative(now - 86400, "es", now)).toBe("ayer");
    expect(formatRelative(now, "en", now)).toBe("now");
  });

  it("uses the browser's variant of the user's language", () => {
    expect(localeFor("es", ["en-US", "es-MX"])).toBe("es-MX");
    expect(localeFor("en", ["es-ES"])).toBe("en");
  });
});
