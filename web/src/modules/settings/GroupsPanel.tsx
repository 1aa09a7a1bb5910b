// User groups (a Kanbo extension of the API): the main group, then the account's own; add, rename, delete
// (its users return to the main group). "Group" rights (G) mean the records of the user's group.
import { useState } from "react";

import { api, unwrap } from "../../api/client";
import { fieldErrors } from "../../api/problem";
import { useT } from "../../i18n";
import { Button, TextField } from "../../ui";
import { ConfirmDialog, RenameForm, useSettingsMutation } from "./parts";
import type { User, UsersGroup } from "./settingsApi";

const TOUCHES = ["users_groups", "users"];

export function GroupsPanel({ groups, users }: { groups: UsersGroup[]; users: User[] }) {
  const t = useT();
  const [name, setName] = useState("");
  const add = useSettingsMutation({
    run: (groupName: string) => unwrap(api.POST("/api/v4/users/groups", { body: [{ name: groupName }] })),
    touches: TOUCHES,
    done: (_, groupName) => t("settings.groups.added", { name: groupName }),
    onSuccess: () => setName(""),
  });
  return (
    <section className="settings-panel" aria-labelledby="settings-user-groups-title">
      <div className="settings-panel-head">
        <h3 id="settings-user-groups-title">{t("settings.user_groups.title")}</h3>
      </div>
      <p className="settings-hint">{t("settings.user_groups.hint")}</p>
      <ul className="settings-list">
        {groups.map((group) => (
          <GroupRow key={group.id} group={group} members={users.filter((u) => (u.rights.group_id ?? 0) === group.id).length} />
        ))}
      </ul>
      <form className="settings-inline-form" onSubmit={(event) => {
        event.preventDefault();
        if (name.trim()) add.mutate(name.trim());
      }}>
        <TextField label={t("settings.user_groups.new")} value={name} maxLength={255} error={fieldErrors(add.error, "0").name}
          onChange={(e) => setName(e.target.value)} />
        <Button type="submit" busy={add.isPending} disabled={!name.trim()}>{t("settings.user_groups.add")}</Button>
      </form>
    </section>
  );
}

function GroupRow({ group, members }: { group: UsersGroup; members: number }) {
  const t = useT();
  const [renaming, setRenaming] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const path = { params: { path: { group_id: group.id } } };
  const rename = useSettingsMutation({
    run: (name: string) => unwrap(api.PATCH("/api/v4/users/groups/{group_id}", { ...path, body: { name } })),
    touches: TOUCHES,
    done: t("settings.saved"),
    onSuccess: () => setRenaming(false),
  });
  const remove = useSettingsMutation({
    run: () => unwrap(api.DELETE("/api/v4/users/groups/{group_id}", path)),
    touches: TOUCHES,
    done: t("settings.groups.deleted", { name: group.name }),
  });
  const main = group.id === 0;
  return (
    <li className="settings-list-row">
      {renaming ? (
        <RenameForm label={t("settings.groups.name")} value={group.name} busy={rename.isPending}
          error={fieldErrors(rename.error, "0").name} onSave={(name) => rename.mutate(name)} onCancel={() => setRenaming(false)} />
      ) : (
        <>
          <span className="settings-cell-name">
            {group.name}
            {main ? <span className="settings-badge settings-badge-muted">{t("settings.user_groups.main")}</span> : null}
          </span>
          <span className="settings-muted">{t("settings.user_groups.members", { count: members })}</span>
          {!main ? (
            <span className="settings-actions">
              <Button variant="ghost" onClick={() => setRenaming(true)} aria-label={t("settings.user_groups.rename", { name: group.name })}>
                {t("settings.rename")}
              </Button>
              <Button variant="ghost" onClick={() => setDeleting(true)} aria-label={t("settings.user_groups.delete", { name: group.name })}>
                {t("common.delete")}
              </Button>
            </span>
          ) : null}
        </>
      )}
      <ConfirmDialog open={deleting} title={t("settings.user_groups.delete", { name: group.name })}
        message={t("settings.user_groups.delete_confirm", { name: group.name })} confirm={t("common.delete")}
        busy={remove.isPending} onClose={() => setDeleting(false)}
        onConfirm={() => remove.mutate(undefined, { onSettled: () => setDeleting(false) })} />
    </li>
  );
}
