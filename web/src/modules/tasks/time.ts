// Wall-clock time in a named time zone (the account's), from and to Unix seconds, without a date library.
// Days are compared by their local date ("2026-03-08"), never by adding 86,400 seconds, so days of 23 or 25
// hours (daylight saving changes) group correctly.

export interface WallTime {
  year: number;
  month: number; // 1–12
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let found = formatters.get(timeZone);
  if (!found) {
    found = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timeZone, found);
  }
  return found;
}

/** A usable IANA zone name: `timeZone` when Intl knows it, else "UTC". */
export function safeTimeZone(timeZone: string | null | undefined): string {
  if (!timeZone) return "UTC";
  try {
    formatter(timeZone);
    return timeZone;
  } catch {
    return "UTC";
  }
}

/** The wall-clock time in `timeZone` at `seconds` (Unix). */
export function wallTime(seconds: number, timeZone: string): WallTime {
  const parts: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(seconds * 1000))) {
    if (part.type !== "literal") parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year ?? 1970,
    month: parts.month ?? 1,
    day: parts.day ?? 1,
    hour: (parts.hour ?? 0) % 24,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
  };
}

function wallSeconds(wall: WallTime): number {
  return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second) / 1000;
}

/** How far `timeZone` is ahead of UTC at `seconds`, in seconds. */
function offsetAt(seconds: number, timeZone: string): number {
  const whole = Math.floor(seconds);
  return wallSeconds(wallTime(whole, timeZone)) - whole;
}

/** The instant a wall-clock time in `timeZone` names. A time that happens twice (clocks going back) is the
 * first one; a time that never happens (clocks going forward) is moved forward by the gap, as clocks do. */
export function fromWallTime(wall: WallTime, timeZone: string): number {
  const local = wallSeconds(wall);
  const before = offsetAt(local - 43_200, timeZone);
  const after = offsetAt(local + 43_200, timeZone);
  const candidates = [local - before, local - after].filter(
    (instant) => wallSeconds(wallTime(instant, timeZone)) === local,
  );
  return candidates.length ? Math.min(...candidates) : local - before;
}

function pad(value: number, size = 2): string {
  return String(value).padStart(size, "0");
}

/** The local date at `seconds` in `timeZone`: "2026-03-08" (sorts and compares as text). */
export function dayKey(seconds: number, timeZone: string): string {
  const wall = wallTime(seconds, timeZone);
  return `${pad(wall.year, 4)}-${pad(wall.month)}-${pad(wall.day)}`;
}

/** The value of an `<input type="datetime-local">` showing `seconds` in `timeZone`: "2026-03-08T14:30". */
export function toInputValue(seconds: number, timeZone: string): string {
  const wall = wallTime(seconds, timeZone);
  return `${dayKey(seconds, timeZone)}T${pad(wall.hour)}:${pad(wall.minute)}`;
}

const INPUT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/** Unix seconds of an `<input type="datetime-local">` value read in `timeZone`; null when blank or malformed. */
export function fromInputValue(value: string, timeZone: string): number | null {
  const match = INPUT.exec(value.trim());
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1).map((part) => Number(part ?? 0)) as number[];
  if (month! < 1 || month! > 12 || day! < 1 || day! > 31 || hour! > 23 || minute! > 59) return null;
  return fromWallTime(
    { year: year!, month: month!, day: day!, hour: hour!, minute: minute!, second: second ?? 0 },
    timeZone,
  );
}

/** 23:59 of the local day of `seconds` in `timeZone` (Kommo's "by the end of the day"). */
export function endOfDay(seconds: number, timeZone: string): number {
  const wall = wallTime(seconds, timeZone);
  return fromWallTime({ ...wall, hour: 23, minute: 59, second: 0 }, timeZone);
}

/** The same wall-clock time `days` local days later (whatever the length of the days in between). */
export function addDays(seconds: number, days: number, timeZone: string): number {
  const wall = wallTime(seconds, timeZone);
  const date = new Date(Date.UTC(wall.year, wall.month - 1, wall.day + days));
  return fromWallTime(
    { ...wall, year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() },
    timeZone,
  );
}
