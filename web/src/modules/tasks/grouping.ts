// Which group a task shows in: Overdue (its exact deadline has passed), Today (later today, by the
// account's time zone) or Upcoming (a later day). Completed tasks have a group of their own.
import { dayKey } from "./time";

export const OPEN_GROUPS = ["overdue", "today", "upcoming"] as const;
export type OpenGroup = (typeof OPEN_GROUPS)[number];

export interface Deadlined {
  complete_till: number;
}

/** The group of an open task with this deadline, `now` being Unix seconds. */
export function groupOf(deadline: number, now: number, timeZone: string): OpenGroup {
  if (deadline < now) return "overdue";
  return dayKey(deadline, timeZone) === dayKey(now, timeZone) ? "today" : "upcoming";
}

export type Grouped<T> = Record<OpenGroup, T[]>;

/** The open tasks by group, each group in deadline order (earliest first; ties by id when the items have one). */
export function groupTasks<T extends Deadlined>(tasks: readonly T[], now: number, timeZone: string): Grouped<T> {
  const groups: Grouped<T> = { overdue: [], today: [], upcoming: [] };
  for (const task of tasks) groups[groupOf(task.complete_till, now, timeZone)].push(task);
  for (const name of OPEN_GROUPS) groups[name].sort(byDeadline);
  return groups;
}

function byDeadline(a: Deadlined, b: Deadlined): number {
  const ids = (item: Deadlined) => (item as { id?: number }).id ?? 0;
  return a.complete_till - b.complete_till || ids(a) - ids(b);
}

/** Whether an empty group is really empty. Tasks load in deadline order a page at a time, so a group with
 * nothing loaded may still have tasks on the next pages — unless every page is loaded or a task of a later
 * group has already arrived. */
export function surelyEmpty<T>(groups: Grouped<T>, group: OpenGroup, morePages: boolean): boolean {
  if (groups[group].length > 0) return false;
  if (!morePages) return true;
  return OPEN_GROUPS.slice(OPEN_GROUPS.indexOf(group) + 1).some((later) => groups[later].length > 0);
}
