// The tasks screen's filter, kept in the address: ?user=all&type=2 (user "me" is the default).
import type { TaskFilter } from "./api";

/** `user` is "me", "all" or a user id; a user who may only see their own tasks always gets "me". */
export function readFilter(params: URLSearchParams, me: number, seesOthers: boolean): TaskFilter & { user: string } {
  const asked = params.get("user") ?? "me";
  const user = !seesOthers || !/^(all|\d+)$/.test(asked) ? "me" : asked;
  const responsible = user === "me" ? [me] : user === "all" ? [] : [Number(user)];
  const type = Number(params.get("type"));
  return { user, responsible, types: Number.isInteger(type) && type > 0 ? [type] : [], completed: false };
}
