// Custom fields of leads, contacts and companies, by group: add a field of any type, change or delete one,
// move it to another group (its dialog), and add, rename or delete groups.
import { useQuery } from "@tanstack/react-query";
import { useId, useState } from "react";
import { useSearchParams } from "react-router-dom";

import { api, unwrap } from "../../api/client";
import { fieldErrors } from "../../api/problem";
import { useT } from "../../i18n";
import { Button, EmptyState, ErrorState, Spinner, TextField } from "../../ui";
import { FieldDialog } from "./FieldDialog";
import { byGroup, FIELD_ENTITIES, type Field, type FieldEntity, type FieldGroup } from "./fields";
import { ConfirmDialog, FormDialog, RenameForm, SettingsTable, useSettingsMutation } from "./parts";
import { fetchFieldGroups, fetchFields, fetchPipelines, fieldPath, groupPath, groupsPath, KEYS } from "./settingsApi";

const TOUCHES = ["custom_fields"];

export default function FieldsSection() {
  const t = useT();
  const [params, setParams] = useSearchParams();
  const entity: FieldEntity = (FIELD_ENTITIES as readonly string[]).includes(params.get("entity") ?? "")
    ? (params.get("entity") as FieldEntity)
    : "leads";
  const fields = useQuery({ queryKey: KEYS.fields(entity), queryFn: () => fetchFields(entity) });
  const groups = useQuery({ queryKey: KEYS.groups(entity), queryFn: () => fetchFieldGroups(entity) });
  const pipelines = useQuery({ queryKey: KEYS.pipelines, queryFn: fetchPipelines });
  const [editing, setEditing] = useState<{ field: Field | null; groupId?: string | null } | null>(null);
  const [addingGroup, setAddingGroup] = useState(false);

  const failed = fields.error ?? groups.error ?? pipelines.error;
  let body;
  if (failed) {
    body = <ErrorState error={failed} onRetry={() => void Promise.all([fields.refetch(), groups.refetch(), pipelines.refetch()])} />;
  } else if (!fields.data || !groups.data || !pipelines.data) {
    body = <Spinner />;
  } else if (fields.data.length === 0 && groups.data.length === 0) {
    body = <EmptyState title={t("settings.fields.none")} message={t("settings.fields.none_hint")} />;
  } else {
    body = byGroup(fields.data, groups.data).map(({ group, fields: list }) => (
      <GroupBlock key={group?.id ?? "none"} entity={entity} group={group} fields={list}
        onEdit={(field) => setEditing({ field })} onAdd={() => setEditing({ field: null, groupId: group?.id ?? null })} />
    ));
  }

  return (
    <section className="settings-section" aria-labelledby="settings-fields-title">
      <header className="settings-section-head">
        <h2 id="settings-fields-title">{t("settings.fields.title")}</h2>
        <div className="settings-actions">
          <Button onClick={() => setAddingGroup(true)}>{t("settings.groups.add")}</Button>
          <Button variant="primary" onClick={() => setEditing({ field: null })}>
            {t("settings.fields.add")}
          </Button>
        </div>
      </header>
      <div className="settings-switch" role="group" aria-label={t("settings.fields.entity")}>
        {FIELD_ENTITIES.map((e) => (
          <button key={e} type="button" className="settings-switch-item" aria-pressed={e === entity}
            onClick={() => setParams({ entity: e }, { replace: true })}>
            {t(`nav.${e}`)}
          </button>
        ))}
      </div>
      {body}
      {editing && groups.data && pipelines.data ? (
        <FieldDialog
          key={editing.field?.id ?? "new"}
          entity={entity}
          field={editing.field}
          groupId={editing.groupId}
          groups={groups.data}
          pipelines={pipelines.data}
          onClose={() => setEditing(null)}
        />
      ) : null}
      {addingGroup ? <AddGroupDialog entity={entity} onClose={() => setAddingGroup(false)} /> : null}
    </section>
  );
}

function GroupBlock(props: { entity: FieldEntity; group: FieldGroup | null; fields: Field[]; onEdit: (field: Field) => void; onAdd: () => void }) {
  const { entity, group } = props;
  const t = useT();
  const [renaming, setRenaming] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const path = { params: { path: { group_id: group?.id ?? "" } } };
  const rename = useSettingsMutation({
    run: (name: string) => unwrap(api.PATCH(groupPath(entity), { ...path, body: { name } })),
    touches: TOUCHES,
    done: t("settings.saved"),
    onSuccess: () => setRenaming(false),
  });
  const remove = useSettingsMutation({
    run: () => unwrap(api.DELETE(groupPath(entity), path)),
    touches: TOUCHES,
    done: t("settings.groups.deleted", { name: group?.name ?? "" }),
  });
  const title = group ? group.name : t("settings.fields.no_group");
  const headingId = useId();
  if (!group && props.fields.length === 0) return null;
  return (
    <section className="settings-panel" aria-labelledby={headingId}>
      <div className="settings-panel-head">
        {renaming && group ? (
          <RenameForm label={t("settings.groups.name")} value={group.name} busy={rename.isPending}
            error={fieldErrors(rename.error, "0").name} onSave={(name) => rename.mutate(name)} onCancel={() => setRenaming(false)} />
        ) : (
          <h3 id={headingId}>
            {title}
            {group?.is_predefined ? <span className="settings-badge settings-badge-muted">{t("settings.fields.predefined")}</span> : null}
          </h3>
        )}
        <div className="settings-actions">
          <Button variant="ghost" onClick={props.onAdd}>{t("settings.fields.add_here")}</Button>
          {group && !group.is_predefined && !renaming ? (
            <>
              <Button onClick={() => setRenaming(true)}>{t("settings.rename")}</Button>
              <Button variant="danger" onClick={() => setDeleting(true)}>{t("common.delete")}</Button>
            </>
          ) : null}
        </div>
      </div>
      {props.fields.length === 0 ? (
        <p className="settings-hint">{t("settings.groups.empty")}</p>
      ) : (
        <SettingsTable caption={title}
          columns={[t("settings.fields.name"), t("settings.fields.type_label"), t("settings.fields.code")]}>
          {props.fields.map((field) => (
            <FieldRow key={field.id} entity={entity} field={field} onEdit={() => props.onEdit(field)} />
          ))}
        </SettingsTable>
      )}
      {group ? (
        <ConfirmDialog open={deleting} title={t("settings.groups.delete")} confirm={t("common.delete")}
          message={t("settings.groups.delete_confirm", { name: group.name })} busy={remove.isPending}
          onConfirm={() => remove.mutate(undefined, { onSettled: () => setDeleting(false) })} onClose={() => setDeleting(false)} />
      ) : null}
    </section>
  );
}

function FieldRow({ entity, field, onEdit }: { entity: FieldEntity; field: Field; onEdit: () => void }) {
  const t = useT();
  const [deleting, setDeleting] = useState(false);
  const remove = useSettingsMutation({
    run: () => unwrap(api.DELETE(fieldPath(entity), { params: { path: { field_id: field.id } } })),
    touches: TOUCHES,
    done: t("settings.fields.deleted", { name: field.name }),
  });
  const deletable = field.is_deletable && !field.is_predefined;
  const choices = field.enums?.length ?? 0;
  return (
    <tr>
      <th scope="row" className="settings-cell-name">
        {field.name}
        {field.is_predefined ? <span className="settings-badge settings-badge-muted">{t("settings.fields.predefined")}</span> : null}
        {field.is_api_only ? <span className="settings-badge settings-badge-muted">{t("settings.fields.api_only_badge")}</span> : null}
        {field.required_statuses.length ? <span className="settings-badge">{t("settings.fields.required_badge")}</span> : null}
      </th>
      <td>
        {t(`settings.fields.type.${field.type}`)}
        {choices ? <span className="settings-muted"> · {t("settings.fields.choices_count", { count: choices })}</span> : null}
      </td>
      <td><code>{field.code ?? ""}</code></td>
      <td className="settings-cell-actions">
        <Button variant="ghost" onClick={onEdit} aria-label={t("settings.fields.edit", { name: field.name })}>
          {t("common.edit")}
        </Button>
        {deletable ? (
          <Button variant="ghost" onClick={() => setDeleting(true)} aria-label={t("settings.fields.delete", { name: field.name })}>
            {t("common.delete")}
          </Button>
        ) : null}
        <ConfirmDialog open={deleting} title={t("settings.fields.delete", { name: field.name })} confirm={t("common.delete")}
          message={t("settings.fields.delete_confirm", { name: field.name })} busy={remove.isPending}
          onConfirm={() => remove.mutate(undefined, { onSettled: () => setDeleting(false) })} onClose={() => setDeleting(false)} />
      </td>
    </tr>
  );
}

function AddGroupDialog({ entity, onClose }: { entity: FieldEntity; onClose: () => void }) {
  const t = useT();
  const [name, setName] = useState("");
  const add = useSettingsMutation({
    run: (groupName: string) => unwrap(api.POST(groupsPath(entity), { body: [{ name: groupName }] })),
    touches: TOUCHES,
    done: (_, groupName) => t("settings.groups.added", { name: groupName }),
    onSuccess: onClose,
  });
  return (
    <FormDialog title={t("settings.groups.add")} submit={t("common.create")} size="small" busy={add.isPending}
      onClose={onClose} onSubmit={() => name.trim() && add.mutate(name.trim())}>
      <TextField label={t("settings.groups.name")} value={name} required maxLength={255}
        error={fieldErrors(add.error, "0").name} onChange={(e) => setName(e.target.value)} />
    </FormDialog>
  );
}
