// Integrations (OAuth clients) and long-lived tokens: list both, add or disable an integration (Integrations.tsx),
// make a token (shown once, with a copy button) and revoke one. Tokens act with the rights of the administrator who makes them.
import { useQuery } from "@tanstack/react-query";
import { useId, useState } from "react";

import { api, unwrap } from "../../api/client";
import { fieldErrors } from "../../api/problem";
import { useT } from "../../i18n";
import { Button, Dialog, ErrorState, Select, Spinner, TextField, useFormat } from "../../ui";
import { ConfirmDialog, CopyField, FormDialog, SettingsTable, useSettingsMutation } from "./parts";
import { AddIntegrationDialog, IntegrationsTable } from "./Integrations";
import { fetchIntegrations, fetchTokens, fetchUsers, KEYS, type Integration, type Token } from "./settingsApi";

const TOUCHES = ["long_lived_tokens"];
const PRESETS = [30, 90, 365, 1830];

export default function IntegrationsSection() {
  const t = useT();
  const format = useFormat();
  const integrations = useQuery({ queryKey: KEYS.integrations, queryFn: fetchIntegrations });
  const tokens = useQuery({ queryKey: KEYS.tokens, queryFn: fetchTokens });
  const users = useQuery({ queryKey: KEYS.users, queryFn: fetchUsers });
  const [creating, setCreating] = useState(false);
  const [adding, setAdding] = useState(false);
  const [revoking, setRevoking] = useState<Token | null>(null);
  const revoke = useSettingsMutation({
    run: (token: Token) => unwrap(api.DELETE("/api/v4/long_lived_tokens/{token_id}", { params: { path: { token_id: token.id } } })),
    touches: TOUCHES,
    done: (_, token) => t("settings.tokens.revoked", { id: token.id }),
  });
  const failed = integrations.error ?? tokens.error ?? users.error;
  if (failed) return <ErrorState error={failed} onRetry={() => void Promise.all([integrations.refetch(), tokens.refetch(), users.refetch()])} />;
  if (!integrations.data || !tokens.data || !users.data) return <Spinner />;
  const userName = (id: number) => users.data.find((u) => u.id === id)?.name ?? `#${id}`;
  const integrationName = (id: number | null) => (id === null ? "—" : integrations.data.find((i) => i.id === id)?.name ?? `#${id}`);

  return (
    <section className="settings-section" aria-labelledby="settings-integrations-title">
      <header className="settings-section-head">
        <h2 id="settings-integrations-title">{t("settings.integrations.title")}</h2>
      </header>
      <div className="settings-panel">
        <div className="settings-panel-head">
          <h3>{t("settings.integrations.oauth")}</h3>
          <Button variant="primary" onClick={() => setAdding(true)}>{t("settings.integrations.add")}</Button>
        </div>
        <IntegrationsTable integrations={integrations.data} />
      </div>
      <div className="settings-panel">
        <div className="settings-panel-head">
          <h3>{t("settings.tokens.title")}</h3>
          <Button variant="primary" onClick={() => setCreating(true)}>{t("settings.tokens.add")}</Button>
        </div>
        <p className="settings-hint">{t("settings.tokens.hint")}</p>
        {tokens.data.length === 0 ? (
          <p className="settings-hint">{t("settings.tokens.none")}</p>
        ) : (
          <SettingsTable caption={t("settings.tokens.title")} columns={[t("settings.tokens.id"), t("settings.tokens.user"),
            t("settings.tokens.integration"), t("settings.tokens.created"), t("settings.tokens.expires"), t("settings.tokens.state")]}>
                {tokens.data.map((token) => (
                  <tr key={token.id} className={token.state === "active" ? undefined : "settings-row-inactive"}>
                    <th scope="row">#{token.id}</th>
                    <td>{userName(token.user_id)}</td>
                    <td>{integrationName(token.integration_id)}</td>
                    <td>{format.date(token.created_at)}</td>
                    <td>{format.date(token.expires_at)}</td>
                    <td>
                      <span className={`settings-badge ${token.state === "active" ? "settings-badge-ok" : "settings-badge-muted"}`}>
                        {t(`settings.tokens.state_${token.state}`)}
                      </span>
                    </td>
                    <td className="settings-cell-actions">
                      {token.state === "active" ? (
                        <Button variant="ghost" onClick={() => setRevoking(token)} aria-label={t("settings.tokens.revoke_n", { id: token.id })}>
                          {t("settings.tokens.revoke")}
                        </Button>
                      ) : null}
                    </td>
                  </tr>
                ))}
          </SettingsTable>
        )}
      </div>
      {adding ? <AddIntegrationDialog onClose={() => setAdding(false)} /> : null}
      {creating ? <CreateTokenDialog integrations={integrations.data} onClose={() => setCreating(false)} /> : null}
      <ConfirmDialog open={revoking !== null} title={t("settings.tokens.revoke_n", { id: revoking?.id ?? "" })}
        message={t("settings.tokens.revoke_confirm")} confirm={t("settings.tokens.revoke")} busy={revoke.isPending}
        onClose={() => setRevoking(null)} onConfirm={() => revoking && revoke.mutate(revoking, { onSettled: () => setRevoking(null) })} />
    </section>
  );
}

function CreateTokenDialog({ integrations, onClose }: { integrations: Integration[]; onClose: () => void }) {
  const t = useT();
  const format = useFormat();
  const [days, setDays] = useState("365");
  const [integrationId, setIntegrationId] = useState("");
  const [made, setMade] = useState<Token | null>(null);
  const listId = useId();
  const create = useSettingsMutation({
    run: () => unwrap(api.POST("/api/v4/long_lived_tokens", {
      body: { days: Number(days), ...(integrationId ? { integration_id: Number(integrationId) } : {}) },
    })),
    touches: TOUCHES,
    onSuccess: (token) => setMade(token),
  });
  const errors = fieldErrors(create.error, "0");
  if (made?.access_token) {
    return (
      <Dialog key="made" open onClose={onClose} title={t("settings.tokens.made")}
        footer={<Button variant="primary" onClick={onClose}>{t("settings.done")}</Button>}>
        <p className="settings-note">{t("settings.tokens.once", { date: format.date(made.expires_at) })}</p>
        <CopyField label={t("settings.tokens.token")} value={made.access_token} />
      </Dialog>
    );
  }
  return (
    <FormDialog key="form" title={t("settings.tokens.add")} submit={t("common.create")} busy={create.isPending}
      onClose={onClose} onSubmit={() => create.mutate()}>
      <TextField label={t("settings.tokens.days")} type="number" min={1} max={1830} required value={days} list={`${listId}-days`}
        hint={t("settings.tokens.days_hint")} error={errors.days} onChange={(e) => setDays(e.target.value)} />
      <datalist id={`${listId}-days`}>
        {PRESETS.map((preset) => <option key={preset} value={preset} />)}
      </datalist>
      <Select label={t("settings.tokens.integration")} value={integrationId} error={errors.integration_id}
        options={[{ value: "", label: t("settings.tokens.no_integration") }, ...integrations.map((i) => ({ value: String(i.id), label: i.name }))]}
        onChange={(e) => setIntegrationId(e.target.value)} />
    </FormDialog>
  );
}
