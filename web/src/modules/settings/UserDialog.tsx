// Adding a user (POST /api/v4/users) or changing one (PATCH /api/v4/users/{id}, a Kanbo extension): name,
// language, administrator and free-seat flags, group, role, and the user's own rights matrix (used while the
// user holds no role; a role's rights are shown read-only).
import { useState } from "react";

import { api, unwrap } from "../../api/client";
import { fieldErrors } from "../../api/problem";
import { useSession } from "../../api/session";
import { LANGUAGES, useT } from "../../i18n";
import { Checkbox, Select, TextField } from "../../ui";
import { FormDialog, useSettingsMutation } from "./parts";
import { fullMatrix, toMatrix, toRightsIn, dependencyErrors, type Matrix } from "./rights";
import { RightsMatrix } from "./RightsMatrix";
import type { Role, User, UsersGroup } from "./settingsApi";
import type { Pipeline } from "./stages";

const TOUCHES = ["users", "roles", "session"]; // the session: an administrator may change their own name or language

export function UserDialog(props: {
  user: User | null;
  roles: Role[];
  groups: UsersGroup[];
  pipelines: Pipeline[];
  onClose: () => void;
}) {
  const { user } = props;
  const t = useT();
  const session = useSession();
  const self = user?.id === session.user.id;
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [name, setName] = useState(user?.name ?? "");
  const [lang, setLang] = useState(user?.lang ?? session.account.language);
  const [isAdmin, setIsAdmin] = useState(user?.rights.is_admin ?? false);
  const [isFree, setIsFree] = useState(user?.rights.is_free ?? false);
  const [groupId, setGroupId] = useState(String(user?.rights.group_id ?? 0));
  const [roleId, setRoleId] = useState(String(user?.rights.role_id ?? 0));
  const [matrix, setMatrix] = useState<Matrix>(() => (user ? toMatrix(user.rights) : fullMatrix()));
  const role = props.roles.find((r) => String(r.id) === roleId) ?? null;

  const save = useSettingsMutation({
    run: async (body: Record<string, unknown>) => {
      if (user) await unwrap(api.PATCH("/api/v4/users/{user_id}", { params: { path: { user_id: user.id } }, body }));
      else await unwrap(api.POST("/api/v4/users", { body: [body as { email: string }] }));
    },
    touches: TOUCHES,
    done: user ? t("settings.users.saved", { name: name || user.name }) : t("settings.users.added", { email }),
    onSuccess: props.onClose,
  });
  const errors = fieldErrors(save.error, "0");
  const invalid = Object.keys(dependencyErrors(matrix)).length > 0;

  function submit() {
    if (invalid && !role && !isAdmin) return;
    const rights: Record<string, unknown> = {
      is_admin: isAdmin,
      is_free: isFree,
      group_id: Number(groupId),
      role_id: Number(roleId),
    };
    if (!role && !isAdmin) Object.assign(rights, toRightsIn(matrix)); // a role's rights apply instead of these
    const body: Record<string, unknown> = { lang, rights };
    if (name.trim()) body.name = name.trim();
    if (!user) {
      body.email = email.trim();
      if (password) body.password = password;
    }
    save.mutate(body);
  }

  let note: string | null = null;
  if (isAdmin) note = t("settings.users.admin_note");
  else if (role) note = t("settings.users.role_note", { role: role.name });
  return (
    <FormDialog
      size="large"
      title={user ? t("settings.users.edit_title", { name: user.name }) : t("settings.users.add")}
      submit={user ? t("common.save") : t("settings.users.add_submit")}
      busy={save.isPending}
      onClose={props.onClose}
      onSubmit={submit}
    >
      <div className="field-form-grid">
        {user ? (
          <TextField label={t("settings.users.email")} value={user.email} readOnly />
        ) : (
          <TextField label={t("settings.users.email")} type="email" required value={email} error={errors.email}
            autoComplete="off" onChange={(e) => setEmail(e.target.value)} />
        )}
        <TextField label={t("settings.users.name")} value={name} maxLength={255} error={errors.name}
          hint={user ? undefined : t("settings.users.name_hint")} onChange={(e) => setName(e.target.value)} />
        {!user ? (
          <TextField label={t("settings.users.password")} type="password" value={password} autoComplete="new-password"
            hint={t("settings.users.password_hint")} error={errors.password} onChange={(e) => setPassword(e.target.value)} />
        ) : null}
        <Select label={t("settings.users.lang")} value={lang} error={errors.lang}
          options={LANGUAGES.map((code) => ({ value: code, label: t(`lang.${code}`) }))} onChange={(e) => setLang(e.target.value)} />
        <Select label={t("settings.users.group")} value={groupId} error={errors["rights.group_id"]}
          options={props.groups.map((g) => ({ value: String(g.id), label: g.name }))} onChange={(e) => setGroupId(e.target.value)} />
        <Select label={t("settings.users.role")} value={roleId} error={errors["rights.role_id"]}
          options={[{ value: "0", label: t("settings.users.no_role") }, ...props.roles.map((r) => ({ value: String(r.id), label: r.name }))]}
          onChange={(e) => {
            const next = props.roles.find((r) => String(r.id) === e.target.value);
            setRoleId(e.target.value);
            if (next) setMatrix(toMatrix(next.rights)); // what the role gives; kept as a start if it is dropped
          }} />
      </div>
      <Checkbox label={t("settings.users.is_admin")} checked={isAdmin} disabled={self}
        hint={self ? t("settings.users.self_admin") : t("settings.users.is_admin_hint")} error={errors["rights.is_admin"]}
        onChange={(e) => setIsAdmin(e.target.checked)} />
      <Checkbox label={t("settings.users.is_free")} hint={t("settings.users.is_free_hint")} checked={isFree}
        onChange={(e) => setIsFree(e.target.checked)} />
      <h3 className="settings-subtitle">{t("settings.rights.title")}</h3>
      {note ? <p className="settings-note">{note}</p> : null}
      <RightsMatrix matrix={isAdmin ? fullMatrix() : matrix} onChange={setMatrix} pipelines={props.pipelines}
        readOnly={isAdmin || role !== null} errors={errors} />
    </FormDialog>
  );
}
