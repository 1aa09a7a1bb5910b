// The account's integrations (OAuth clients): the list, adding one (its client secret is shown once, with copy
// buttons) and disabling or enabling one (a disabled integration's tokens stop working at once).
import { useState } from "react";

import { api, unwrap } from "../../api/client";
import { fieldErrors } from "../../api/problem";
import { useT } from "../../i18n";
import { Button, Dialog, TextField, useFormat } from "../../ui";
import { CopyField, FormDialog, SettingsTable, useSettingsMutation } from "./parts";
import type { Integration } from "./settingsApi";

const TOUCHES = ["integrations", "long_lived_tokens"];

export function IntegrationsTable({ integrations }: { integrations: Integration[] }) {
  const t = useT();
  const format = useFormat();
  const toggle = useSettingsMutation({
    run: (integration: Integration) =>
      unwrap(
        api.PATCH("/api/v4/integrations/{integration_id}", {
          params: { path: { integration_id: integration.id } },
          body: { is_active: !integration.is_active },
        }),
      ),
    touches: TOUCHES,
    done: (changed) =>
      t(changed.is_active ? "settings.integrations.enabled_done" : "settings.integrations.disabled_done", { name: changed.name }),
  });
  if (integrations.length === 0) return <p className="settings-hint">{t("settings.integrations.none")}</p>;
  return (
    <SettingsTable
      caption={t("settings.integrations.title")}
      columns={[
        t("settings.integrations.name"),
        t("settings.integrations.client_id"),
        t("settings.integrations.redirect_uri"),
        t("settings.integrations.scopes"),
        t("settings.tokens.created"),
      ]}
    >
      {integrations.map((integration) => (
        <tr key={integration.id} className={integration.is_active ? undefined : "settings-row-inactive"}>
          <th scope="row" className="settings-cell-name">
            {integration.name}
            {!integration.is_active ? (
              <span className="settings-badge settings-badge-muted">{t("settings.integrations.disabled")}</span>
            ) : null}
          </th>
          <td className="settings-break">
            <code>{integration.client_id}</code>
          </td>
          <td className="settings-break">{integration.redirect_uri}</td>
          <td>{integration.scopes.join(", ")}</td>
          <td>{format.date(integration.created_at)}</td>
          <td className="settings-cell-actions">
            <Button
              variant="ghost"
              busy={toggle.isPending && toggle.variables?.id === integration.id}
              aria-label={t(integration.is_active ? "settings.integrations.disable_n" : "settings.integrations.enable_n", {
                name: integration.name,
              })}
              onClick={() => toggle.mutate(integration)}
            >
              {t(integration.is_active ? "settings.integrations.disable" : "settings.integrations.enable")}
            </Button>
          </td>
        </tr>
      ))}
    </SettingsTable>
  );
}

export function AddIntegrationDialog({ onClose }: { onClose: () => void }) {
  const t = useT();
  const [name, setName] = useState("");
  const [redirect, setRedirect] = useState("https://");
  const [made, setMade] = useState<Integration | null>(null);
  const add = useSettingsMutation({
    run: () => unwrap(api.POST("/api/v4/integrations", { body: { name, redirect_uri: redirect } })),
    touches: TOUCHES,
    onSuccess: (integration) => setMade(integration),
  });
  const errors = fieldErrors(add.error);
  if (made?.client_secret) {
    return (
      <Dialog
        key="made"
        open
        onClose={onClose}
        title={t("settings.integrations.made", { name: made.name })}
        footer={
          <Button variant="primary" onClick={onClose}>
            {t("settings.done")}
          </Button>
        }
      >
        <p className="settings-note">{t("settings.integrations.secret_once")}</p>
        <CopyField label={t("settings.integrations.client_id")} value={made.client_id} />
        <CopyField label={t("settings.integrations.client_secret")} value={made.client_secret} />
      </Dialog>
    );
  }
  return (
    <FormDialog
      key="form"
      title={t("settings.integrations.add")}
      submit={t("common.create")}
      busy={add.isPending}
      onClose={onClose}
      onSubmit={() => add.mutate(undefined)}
    >
      <TextField
        label={t("settings.integrations.name")}
        required
        maxLength={255}
        value={name}
        error={errors.name}
        onChange={(event) => setName(event.target.value)}
      />
      <TextField
        label={t("settings.integrations.redirect_uri")}
        type="url"
        required
        value={redirect}
        hint={t("settings.integrations.redirect_hint")}
        error={errors.redirect_uri}
        onChange={(event) => setRedirect(event.target.value)}
      />
    </FormDialog>
  );
}
