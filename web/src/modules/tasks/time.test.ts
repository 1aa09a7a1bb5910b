import { describe, expect, it } from "vitest";

import { addDays, dayKey, endOfDay, fromInputValue, fromWallTime, safeTimeZone, toInputValue, wallTime } from "./time";

/** Unix seconds of a UTC date and time. */
const utc = (iso: string) => Date.parse(`${iso}Z`) / 1000;

describe("wall-clock time in a zone", () => {
  it("reads the local date and time", () => {
    expect(wallTime(utc("2026-05-10T20:00:00"), "Asia/Kolkata")).toEqual({
      year: 2026, month: 5, day: 11, hour: 1, minute: 30, second: 0,
    });
    expect(dayKey(utc("2026-05-10T03:00:00"), "America/Mexico_City")).toBe("2026-05-09");
    expect(dayKey(utc("2026-05-10T00:00:00"), "UTC")).toBe("2026-05-10");
  });

  it("turns a local time into the instant, both ways round", () => {
    const instant = utc("2026-07-01T16:45:00");
    expect(toInputValue(instant, "Europe/Madrid")).toBe("2026-07-01T18:45");
    expect(fromInputValue("2026-07-01T18:45", "Europe/Madrid")).toBe(instant);
    expect(fromInputValue("2026-01-15T09:00", "America/New_York")).toBe(utc("2026-01-15T14:00:00"));
  });

  it("moves a time that never happens forward by the gap (clocks going forward)", () => {
    // New York, 8 March 2026: 02:00 EST becomes 03:00 EDT, so 02:30 does not exist.
    expect(fromInputValue("2026-03-08T02:30", "America/New_York")).toBe(utc("2026-03-08T07:30:00"));
    expect(toInputValue(utc("2026-03-08T07:30:00"), "America/New_York")).toBe("2026-03-08T03:30");
  });

  it("takes the first of a time that happens twice (clocks going back)", () => {
    // New York, 1 November 2026: 01:30 happens in EDT (05:30Z) and again in EST (06:30Z).
    expect(fromInputValue("2026-11-01T01:30", "America/New_York")).toBe(utc("2026-11-01T05:30:00"));
  });

  it("refuses blank and malformed input", () => {
    expect(fromInputValue("", "UTC")).toBeNull();
    expect(fromInputValue("2026-13-01T10:00", "UTC")).toBeNull();
    expect(fromInputValue("tomorrow", "UTC")).toBeNull();
  });

  it("finds the end of the local day and the same time days later across daylight saving changes", () => {
    expect(endOfDay(utc("2026-03-08T06:30:00"), "America/New_York")).toBe(utc("2026-03-09T03:59:00"));
    // 9:00 EST on 7 March, two days later is 9:00 EDT (one hour less in UTC).
    expect(addDays(utc("2026-03-07T14:00:00"), 2, "America/New_York")).toBe(utc("2026-03-09T13:00:00"));
    expect(addDays(utc("2026-12-31T10:00:00"), 1, "UTC")).toBe(utc("2027-01-01T10:00:00"));
  });

  it("falls back to UTC for an unknown zone", () => {
    expect(safeTimeZone("Mars/Olympus_Mons")).toBe("UTC");
    expect(safeTimeZone("")).toBe("UTC");
    expect(safeTimeZone("Europe/Madrid")).toBe("Europe/Madrid");
  });

  it("round-trips every hour of a year in a zone with daylight saving", () => {
    const start = utc("2026-01-01T00:00:00");
    for (let hour = 0; hour < 365 * 24; hour += 1) {
      const instant = start + hour * 3600;
      const local = toInputValue(instant, "Europe/London");
      const back = fromInputValue(local, "Europe/London")!;
      // An hour that happens twice comes back as its first occurrence.
      expect(toInputValue(back, "Europe/London"), local).toBe(local);
      expect(back <= instant && instant - back <= 3600, local).toBe(true);
    }
  });

  it("builds instants from wall times", () => {
    expect(fromWallTime({ year: 2026, month: 2, day: 28, hour: 23, minute: 59, second: 0 }, "UTC")).toBe(
      utc("2026-02-28T23:59:00"),
    );
  });
});
