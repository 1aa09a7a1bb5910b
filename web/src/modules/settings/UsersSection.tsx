// Users, their groups and roles: add a user, change one's rights with the matrix, (de)activate members; the
// user groups and the roles below.
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";

import { api, unwrap } from "../../api/client";
import { useSession } from "../../api/session";
import { useT } from "../../i18n";
import { Button, ErrorState, Spinner } from "../../ui";
import { GroupsPanel } from "./GroupsPanel";
import { SettingsTable, useSettingsMutation } from "./parts";
import { RolesPanel } from "./RolesPanel";
import { fetchPipelines, fetchRoles, fetchUserGroups, fetchUsers, KEYS, type User } from "./settingsApi";
import { UserDialog } from "./UserDialog";

export default function UsersSection() {
  const t = useT();
  const users = useQuery({ queryKey: KEYS.users, queryFn: fetchUsers });
  const roles = useQuery({ queryKey: KEYS.roles, queryFn: fetchRoles });
  const groups = useQuery({ queryKey: KEYS.userGroups, queryFn: fetchUserGroups });
  const pipelines = useQuery({ queryKey: KEYS.pipelines, queryFn: fetchPipelines });
  const [editing, setEditing] = useState<User | "new" | null>(null);

  const failed = users.error ?? roles.error ?? groups.error ?? pipelines.error;
  if (failed) {
    return <ErrorState error={failed} onRetry={() => void Promise.all([users.refetch(), roles.refetch(), groups.refetch(), pipelines.refetch()])} />;
  }
  if (!users.data || !roles.data || !groups.data || !pipelines.data) return <Spinner />;
  return (
    <section className="settings-section" aria-labelledby="settings-users-title">
      <header className="settings-section-head">
        <h2 id="settings-users-title">{t("settings.users.title")}</h2>
        <Button variant="primary" onClick={() => setEditing("new")}>{t("settings.users.add")}</Button>
      </header>
      <div className="settings-panel">
        <UsersTable users={users.data} roles={roles.data} groups={groups.data} onEdit={setEditing} />
      </div>
      <div className="settings-columns">
        <GroupsPanel groups={groups.data} users={users.data} />
        <RolesPanel roles={roles.data} users={users.data} pipelines={pipelines.data} />
      </div>
      {editing ? (
        <UserDialog key={editing === "new" ? "new" : editing.id} user={editing === "new" ? null : editing}
          roles={roles.data} groups={groups.data} pipelines={pipelines.data} onClose={() => setEditing(null)} />
      ) : null}
    </section>
  );
}

function UsersTable(props: { users: User[]; roles: { id: number; name: string }[]; groups: { id: number; name: string }[]; onEdit: (user: User) => void }) {
  const t = useT();
  const session = useSession();
  const activate = useSettingsMutation({
    run: ({ user, active }: { user: User; active: boolean }) =>
      unwrap(api.POST(active ? "/api/v4/users/activate" : "/api/v4/users/deactivate", { body: [{ id: user.id }] })),
    touches: ["users"],
    done: (_, { user, active }) => t(active ? "settings.users.activated" : "settings.users.deactivated", { name: user.name }),
  });
  return (
    <SettingsTable caption={t("settings.users.title")} columns={[t("settings.users.name"), t("settings.users.email"),
      t("settings.users.role"), t("settings.users.group")]}>
          {props.users.map((user) => {
            const rights = user.rights;
            const role = props.roles.find((r) => r.id === rights.role_id);
            const group = props.groups.find((g) => g.id === (rights.group_id ?? 0));
            return (
              <tr key={user.id} className={rights.is_active ? undefined : "settings-row-inactive"}>
                <th scope="row" className="settings-cell-name">
                  {user.name}
                  {user.id === session.user.id ? <span className="settings-muted"> ({t("settings.users.you")})</span> : null}
                  {rights.is_admin ? <span className="settings-badge">{t("settings.users.admin")}</span> : null}
                  {rights.is_free ? <span className="settings-badge settings-badge-muted">{t("settings.users.free")}</span> : null}
                  {!rights.is_active ? <span className="settings-badge settings-badge-muted">{t("settings.users.inactive")}</span> : null}
                </th>
                <td>{user.email}</td>
                <td>{role?.name ?? t("settings.users.own_rights")}</td>
                <td>{group?.name ?? ""}</td>
                <td className="settings-cell-actions">
                  <Button variant="ghost" onClick={() => props.onEdit(user)} aria-label={t("settings.users.edit", { name: user.name })}>
                    {t("settings.users.edit_short")}
                  </Button>
                  {!rights.is_admin ? (
                    <Button variant="ghost" busy={activate.isPending && activate.variables?.user.id === user.id}
                      aria-label={t(rights.is_active ? "settings.users.deactivate_n" : "settings.users.activate_n", { name: user.name })}
                      onClick={() => activate.mutate({ user, active: !rights.is_active })}>
                      {rights.is_active ? t("settings.users.deactivate") : t("settings.users.activate")}
                    </Button>
                  ) : null}
                </td>
              </tr>
            );
          })}
    </SettingsTable>
  );
}
