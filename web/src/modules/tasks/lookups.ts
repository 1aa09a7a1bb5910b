// What the tasks screen looks up besides tasks: the account's users (names, who is active, my rights) and
// the task types. Both change rarely: cached for the session, refreshed in the background.
import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";

import { api, unwrap, type components } from "../../api/client";
import { useSession } from "../../api/session";

export type User = components["schemas"]["UserOut"];
export type TaskType = components["schemas"]["TaskTypesPageEmbedded"]["task_types"][number];

const LONG = 5 * 60_000;

/** Every user of the account (Kommo pages them by 250 at most; accounts are far smaller). */
export function useUsers() {
  const query = useQuery({
    queryKey: ["tasks", "users"],
    queryFn: async () => {
      const page = await unwrap(api.GET("/api/v4/users", { params: { query: { limit: 250 } } }));
      return page?._embedded.users ?? [];
    },
    staleTime: LONG,
  });
  const byId = useMemo(() => new Map((query.data ?? []).map((user) => [user.id, user])), [query.data]);
  return { ...query, users: query.data ?? [], byId };
}

export function useTaskTypes() {
  const query = useQuery({
    queryKey: ["tasks", "types"],
    queryFn: async () => (await unwrap(api.GET("/api/v4/tasks/types")))?._embedded.task_types ?? [],
    staleTime: LONG,
  });
  const byId = useMemo(() => new Map((query.data ?? []).map((type) => [type.id, type])), [query.data]);
  return { ...query, types: query.data ?? [], byId };
}

/** Whether the signed-in user may see tasks of other users (their tasks `view` right is wider than "M"). */
export function useSeesOthers(): boolean {
  const session = useSession();
  const { byId } = useUsers();
  if (session.isAdmin) return true;
  const letter = byId.get(session.user.id)?.rights.tasks.view;
  return letter === "A" || letter === "G";
}
