import { describe, expect, it } from "vitest";

import { defaultDeadline } from "./AddTaskDialog";
import { readFilter } from "./filter";
import { fromInputValue, toInputValue } from "./time";

const query = (text: string) => new URLSearchParams(text);

describe("readFilter", () => {
  it("defaults to my open tasks of every type", () => {
    expect(readFilter(query(""), 7, true)).toEqual({ user: "me", responsible: [7], types: [], completed: false });
  });

  it("reads everyone, one user and a type", () => {
    expect(readFilter(query("user=all&type=3"), 7, true)).toMatchObject({ user: "all", responsible: [], types: [3] });
    expect(readFilter(query("user=12"), 7, true)).toMatchObject({ user: "12", responsible: [12] });
  });

  it("keeps a user who may see only their own tasks on their own, and ignores nonsense", () => {
    expect(readFilter(query("user=all"), 7, false)).toMatchObject({ user: "me", responsible: [7] });
    expect(readFilter(query("user=drop%20table&type=-1"), 7, true)).toMatchObject({ user: "me", types: [] });
    expect(readFilter(query("type=2.5"), 7, true).types).toEqual([]);
  });
});

describe("defaultDeadline", () => {
  const zone = "Europe/Madrid";

  it("is the end of today in the account's zone", () => {
    const now = fromInputValue("2026-03-29T10:00", zone)!; // a 23-hour day there
    expect(toInputValue(defaultDeadline(now, zone), zone)).toBe("2026-03-29T23:59");
  });

  it("is the end of tomorrow when today is nearly over", () => {
    const now = fromInputValue("2026-10-24T23:50", zone)!; // the next day has 25 hours
    expect(toInputValue(defaultDeadline(now, zone), zone)).toBe("2026-10-25T23:59");
  });
});
