import { describe, expect, it } from "vitest";

import { groupOf, groupTasks, surelyEmpty } from "./grouping";
import { fromInputValue } from "./time";

const utc = (iso: string) => Date.parse(`${iso}Z`) / 1000;
/** Unix seconds of a local time in `zone` ("2026-03-08T23:59"). */
const at = (local: string, zone: string) => fromInputValue(local, zone)!;

describe("groupOf", () => {
  it("puts a passed deadline in Overdue, later today in Today and a later day in Upcoming", () => {
    const now = utc("2026-05-10T10:00:00");
    expect(groupOf(utc("2026-05-10T09:59:59"), now, "UTC")).toBe("overdue");
    expect(groupOf(utc("2026-05-09T23:00:00"), now, "UTC")).toBe("overdue");
    expect(groupOf(now, now, "UTC")).toBe("today");
    expect(groupOf(utc("2026-05-10T23:59:00"), now, "UTC")).toBe("today");
    expect(groupOf(utc("2026-05-11T00:00:00"), now, "UTC")).toBe("upcoming");
  });

  it("uses the account's zone, not UTC, for the day", () => {
    // 15:30 in Kolkata; 01:30 the next day there is Upcoming although it is the same UTC day.
    const now = utc("2026-05-10T10:00:00");
    expect(groupOf(utc("2026-05-10T20:00:00"), now, "Asia/Kolkata")).toBe("upcoming");
    expect(groupOf(utc("2026-05-10T18:29:00"), now, "Asia/Kolkata")).toBe("today");
    // 21:00 on the 9th in Mexico City; 02:00 UTC on the 11th is still the 10th there: Upcoming, not today.
    const evening = utc("2026-05-10T03:00:00");
    expect(groupOf(utc("2026-05-10T05:59:00"), evening, "America/Mexico_City")).toBe("today");
    expect(groupOf(utc("2026-05-10T06:00:00"), evening, "America/Mexico_City")).toBe("upcoming");
  });

  it("keeps 23:59 today and 00:00 tomorrow apart on a 23-hour day (clocks going forward)", () => {
    const zone = "America/New_York";
    const now = at("2026-03-08T01:30", zone);
    expect(groupOf(at("2026-03-08T23:59", zone), now, zone)).toBe("today");
    expect(groupOf(at("2026-03-09T00:00", zone), now, zone)).toBe("upcoming");
  });

  it("keeps 23:59 today and 00:00 tomorrow apart on a 25-hour day (clocks going back)", () => {
    const zone = "Europe/Madrid";
    const now = at("2026-10-25T00:30", zone);
    expect(groupOf(at("2026-10-25T23:59", zone), now, zone)).toBe("today");
    expect(groupOf(at("2026-10-26T00:00", zone), now, zone)).toBe("upcoming");
  });

  it("handles a day whose midnight does not exist", () => {
    // Santiago, 6 September 2026: clocks jump from 24:00 to 01:00, so the 6th starts at 01:00.
    const zone = "America/Santiago";
    const now = at("2026-09-05T08:00", zone);
    expect(groupOf(at("2026-09-05T23:59", zone), now, zone)).toBe("today");
    expect(groupOf(at("2026-09-06T00:00", zone), now, zone)).toBe("upcoming");
    expect(groupOf(at("2026-09-06T00:00", zone) - 1, now, zone)).toBe("today");
  });
});

describe("groupTasks", () => {
  it("splits tasks into groups in deadline order", () => {
    const now = utc("2026-05-10T10:00:00");
    const tasks = [
      { id: 1, complete_till: utc("2026-05-12T09:00:00") },
      { id: 2, complete_till: utc("2026-05-10T12:00:00") },
      { id: 3, complete_till: utc("2026-05-01T09:00:00") },
      { id: 4, complete_till: utc("2026-05-10T11:00:00") },
      { id: 5, complete_till: utc("2026-05-10T11:00:00") },
    ];
    const groups = groupTasks(tasks, now, "UTC");
    expect(groups.overdue.map((task) => task.id)).toEqual([3]);
    expect(groups.today.map((task) => task.id)).toEqual([4, 5, 2]);
    expect(groups.upcoming.map((task) => task.id)).toEqual([1]);
  });
});

describe("surelyEmpty", () => {
  const task = { complete_till: 0 };

  it("is sure when every page is loaded", () => {
    expect(surelyEmpty({ overdue: [], today: [], upcoming: [] }, "today", false)).toBe(true);
    expect(surelyEmpty({ overdue: [], today: [task], upcoming: [] }, "today", false)).toBe(false);
  });

  it("is sure with more pages only when a later group has tasks already", () => {
    expect(surelyEmpty({ overdue: [], today: [], upcoming: [task] }, "today", true)).toBe(true);
    expect(surelyEmpty({ overdue: [task], today: [], upcoming: [] }, "today", true)).toBe(false);
    expect(surelyEmpty({ overdue: [], today: [task], upcoming: [] }, "upcoming", true)).toBe(false);
  });
});
