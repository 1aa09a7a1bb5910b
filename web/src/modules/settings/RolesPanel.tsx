// Roles: a named rights matrix users can hold (the user dialog assigns them). Add, change, delete; the API
// refuses to delete a role users still hold.
import { useState } from "react";

import { api, unwrap } from "../../api/client";
import { fieldErrors } from "../../api/problem";
import { useT } from "../../i18n";
import { Button, TextField } from "../../ui";
import { ConfirmDialog, FormDialog, useSettingsMutation } from "./parts";
import { dependencyErrors, fullMatrix, toMatrix, toRightsIn, type Matrix } from "./rights";
import { RightsMatrix } from "./RightsMatrix";
import type { Role, User } from "./settingsApi";
import type { Pipeline } from "./stages";

const TOUCHES = ["roles", "users"];

export function RolesPanel({ roles, users, pipelines }: { roles: Role[]; users: User[]; pipelines: Pipeline[] }) {
  const t = useT();
  const [editing, setEditing] = useState<Role | "new" | null>(null);
  const [deleting, setDeleting] = useState<Role | null>(null);
  const remove = useSettingsMutation({
    run: (role: Role) => unwrap(api.DELETE("/api/v4/roles/{role_id}", { params: { path: { role_id: role.id } } })),
    touches: TOUCHES,
    done: (_, role) => t("settings.roles.deleted", { name: role.name }),
  });
  return (
    <section className="settings-panel" aria-labelledby="settings-roles-title">
      <div className="settings-panel-head">
        <h3 id="settings-roles-title">{t("settings.roles.title")}</h3>
        <Button onClick={() => setEditing("new")}>{t("settings.roles.add")}</Button>
      </div>
      {roles.length === 0 ? (
        <p className="settings-hint">{t("settings.roles.none")}</p>
      ) : (
        <ul className="settings-list">
          {roles.map((role) => {
            const holders = users.filter((u) => u.rights.role_id === role.id);
            return (
              <li key={role.id} className="settings-list-row">
                <span className="settings-cell-name">{role.name}</span>
                <span className="settings-muted">{t("settings.roles.holders", { count: holders.length })}</span>
                <span className="settings-actions">
                  <Button variant="ghost" onClick={() => setEditing(role)} aria-label={t("settings.roles.edit_n", { name: role.name })}>
                    {t("common.edit")}
                  </Button>
                  <Button variant="ghost" onClick={() => setDeleting(role)} aria-label={t("settings.roles.delete", { name: role.name })}>
                    {t("common.delete")}
                  </Button>
                </span>
              </li>
            );
          })}
        </ul>
      )}
      {editing ? (
        <RoleDialog role={editing === "new" ? null : editing} pipelines={pipelines} onClose={() => setEditing(null)} />
      ) : null}
      <ConfirmDialog open={deleting !== null} title={t("settings.roles.delete", { name: deleting?.name ?? "" })}
        message={t("settings.roles.delete_confirm", { name: deleting?.name ?? "" })} confirm={t("common.delete")}
        busy={remove.isPending} onClose={() => setDeleting(null)}
        onConfirm={() => deleting && remove.mutate(deleting, { onSettled: () => setDeleting(null) })} />
    </section>
  );
}

function RoleDialog({ role, pipelines, onClose }: { role: Role | null; pipelines: Pipeline[]; onClose: () => void }) {
  const t = useT();
  const [name, setName] = useState(role?.name ?? "");
  const [matrix, setMatrix] = useState<Matrix>(() => (role ? toMatrix(role.rights) : fullMatrix()));
  const save = useSettingsMutation({
    run: async (body: { name: string; rights: ReturnType<typeof toRightsIn> }) => {
      if (role) await unwrap(api.PATCH("/api/v4/roles/{role_id}", { params: { path: { role_id: role.id } }, body }));
      else await unwrap(api.POST("/api/v4/roles", { body: [body] }));
    },
    touches: TOUCHES,
    done: (_, body) => (role ? t("settings.saved") : t("settings.roles.added", { name: body.name })),
    onSuccess: onClose,
  });
  const errors = fieldErrors(save.error, "0");
  function submit() {
    if (Object.keys(dependencyErrors(matrix)).length) return;
    save.mutate({ name: name.trim(), rights: toRightsIn(matrix) });
  }
  return (
    <FormDialog size="large" title={role ? t("settings.roles.edit", { name: role.name }) : t("settings.roles.add")}
      submit={role ? t("common.save") : t("common.create")} busy={save.isPending} onClose={onClose} onSubmit={submit}>
      <TextField label={t("settings.roles.name")} value={name} required maxLength={255} error={errors.name}
        onChange={(e) => setName(e.target.value)} />
      <RightsMatrix matrix={matrix} onChange={setMatrix} pipelines={pipelines} errors={errors} />
    </FormDialog>
  );
}
