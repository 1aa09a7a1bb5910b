// Webhooks: the subscriptions with their event codes; add one (destination, events, Kommo's form body or signed
// JSON), delete one; and each webhook's delivery log (state, attempts, answers) with "send again".
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";

import { api, unwrap } from "../../api/client";
import { fieldErrors } from "../../api/problem";
import { useT, type MessageKey } from "../../i18n";
import { Button, Checkbox, Dialog, EmptyState, ErrorState, Select, Spinner, TextField, useFormat } from "../../ui";
import { ConfirmDialog, CopyField, FormDialog, SettingsTable, useSettingsMutation } from "./parts";
import { fetchWebhooks, KEYS, type Delivery, type Webhook } from "./settingsApi";
import { CODE_GROUPS, codeAction, type EventCode } from "./webhookCodes";

const TOUCHES = ["webhooks"];
const STATES = ["pending", "succeeded", "failed"] as const;
type DeliveryState = (typeof STATES)[number];

export default function WebhooksSection() {
  const t = useT();
  const format = useFormat();
  const query = useQuery({ queryKey: KEYS.webhooks, queryFn: fetchWebhooks });
  const [adding, setAdding] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<Webhook | null>(null);
  const [log, setLog] = useState<Webhook | null>(null);
  const remove = useSettingsMutation({
    run: (webhook: Webhook) => unwrap(api.DELETE("/api/v4/webhooks", { body: { destination: webhook.destination } })),
    touches: TOUCHES,
    done: (_, webhook) => t("settings.webhooks.deleted", { destination: webhook.destination }),
  });

  let body;
  if (query.isPending) body = <Spinner />;
  else if (query.isError) body = <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  else if (query.data.length === 0)
    body = <EmptyState title={t("settings.webhooks.none")} message={t("settings.webhooks.none_hint")} />;
  else
    body = (
      <div className="settings-panel">
        <SettingsTable caption={t("settings.webhooks.title")}
          columns={[t("settings.webhooks.destination"), t("settings.webhooks.events"), t("settings.webhooks.state")]}>
            {query.data.map((webhook) => (
              <tr key={webhook.id}>
                <th scope="row" className="settings-cell-name settings-break">
                  {webhook.destination}
                  <span className="settings-muted settings-block">
                    {webhook.format === "standard" ? t("settings.webhooks.format_standard") : t("settings.webhooks.format_kommo")}
                    {" · "}
                    {format.dateTime(webhook.created_at)}
                  </span>
                </th>
                <td>
                  <ul className="settings-chips" aria-label={t("settings.webhooks.events_of", { destination: webhook.destination })}>
                    {webhook.settings.map((code) => <li key={code}><code>{code}</code></li>)}
                  </ul>
                </td>
                <td>
                  {webhook.disabled ? (
                    <span className="settings-badge settings-badge-danger">{t("settings.webhooks.disabled")}</span>
                  ) : (
                    <span className="settings-badge settings-badge-ok">{t("settings.webhooks.enabled")}</span>
                  )}
                </td>
                <td className="settings-cell-actions">
                  <Button variant="ghost" onClick={() => setLog(webhook)} aria-label={t("settings.webhooks.log_of", { destination: webhook.destination })}>
                    {t("settings.webhooks.log")}
                  </Button>
                  <Button variant="ghost" onClick={() => setDeleting(webhook)} aria-label={t("settings.webhooks.delete", { destination: webhook.destination })}>
                    {t("common.delete")}
                  </Button>
                </td>
              </tr>
            ))}
        </SettingsTable>
      </div>
    );

  return (
    <section className="settings-section" aria-labelledby="settings-webhooks-title">
      <header className="settings-section-head">
        <h2 id="settings-webhooks-title">{t("settings.webhooks.title")}</h2>
        <Button variant="primary" onClick={() => setAdding(true)}>{t("settings.webhooks.add")}</Button>
      </header>
      <p className="settings-hint">{t("settings.webhooks.hint")}</p>
      {body}
      {adding ? <AddWebhookDialog onClose={() => setAdding(false)} onSecret={setSecret} /> : null}
      <Dialog open={secret !== null} onClose={() => setSecret(null)} title={t("settings.webhooks.secret_title")}
        footer={<Button variant="primary" onClick={() => setSecret(null)}>{t("settings.done")}</Button>}>
        <p className="settings-note">{t("settings.webhooks.secret_once")}</p>
        <CopyField label={t("settings.webhooks.secret")} value={secret ?? ""} />
      </Dialog>
      <ConfirmDialog open={deleting !== null} title={t("settings.webhooks.delete", { destination: deleting?.destination ?? "" })}
        message={t("settings.webhooks.delete_confirm", { destination: deleting?.destination ?? "" })} confirm={t("common.delete")}
        busy={remove.isPending} onClose={() => setDeleting(null)}
        onConfirm={() => deleting && remove.mutate(deleting, { onSettled: () => setDeleting(null) })} />
      {log ? <DeliveryLog webhook={log} onClose={() => setLog(null)} /> : null}
    </section>
  );
}

function AddWebhookDialog({ onClose, onSecret }: { onClose: () => void; onSecret: (secret: string) => void }) {
  const t = useT();
  const [destination, setDestination] = useState("https://");
  const [kind, setKind] = useState<"kommo" | "standard">("kommo");
  const [codes, setCodes] = useState<Set<EventCode>>(new Set(["add_lead", "update_lead", "status_lead"]));
  const [checked, setChecked] = useState(false);
  const save = useSettingsMutation({
    run: () => unwrap(api.POST("/api/v4/webhooks", { body: { destination: destination.trim(), settings: [...codes], format: kind } })),
    touches: TOUCHES,
    done: t("settings.webhooks.added", { destination: destination.trim() }),
    onSuccess: (webhook) => {
      if (webhook.secret) onSecret(webhook.secret);
      onClose();
    },
  });
  const errors = fieldErrors(save.error);
  const toggle = (code: EventCode, on: boolean) =>
    setCodes((current) => {
      const next = new Set(current);
      if (on) next.add(code);
      else next.delete(code);
      return next;
    });
  function submit() {
    setChecked(true);
    if (codes.size) save.mutate();
  }
  return (
    <FormDialog size="large" title={t("settings.webhooks.add")} submit={t("common.create")} busy={save.isPending}
      onClose={onClose} onSubmit={submit}>
      <TextField label={t("settings.webhooks.destination")} type="url" required value={destination}
        hint={t("settings.webhooks.destination_hint")} error={errors.destination} onChange={(e) => setDestination(e.target.value)} />
      <Select label={t("settings.webhooks.format")} value={kind} onChange={(e) => setKind(e.target.value as "kommo" | "standard")}
        hint={kind === "standard" ? t("settings.webhooks.format_standard_hint") : t("settings.webhooks.format_kommo_hint")}
        options={[{ value: "kommo", label: t("settings.webhooks.format_kommo") }, { value: "standard", label: t("settings.webhooks.format_standard") }]} />
      <p className="field-error" role={checked && !codes.size ? "alert" : undefined}>
        {checked && !codes.size ? t("settings.webhooks.events_needed") : errors.settings ?? ""}
      </p>
      <div className="webhook-codes">
        {CODE_GROUPS.map((group) => {
          const all = group.codes.every((code) => codes.has(code));
          return (
            <fieldset key={group.key} className="webhook-code-group">
              <legend>{t(`settings.webhooks.group_${group.key}`)}</legend>
              <Checkbox label={t("settings.webhooks.all_of_group")} checked={all}
                onChange={(e) => group.codes.forEach((code) => toggle(code, e.target.checked))} />
              {group.codes.map((code) => (
                <Checkbox key={code} checked={codes.has(code)} onChange={(e) => toggle(code, e.target.checked)}
                  label={<>{t(`settings.webhooks.action_${codeAction(code)}` as MessageKey)} <code>{code}</code></>} />
              ))}
            </fieldset>
          );
        })}
      </div>
    </FormDialog>
  );
}

function DeliveryLog({ webhook, onClose }: { webhook: Webhook; onClose: () => void }) {
  const t = useT();
  const [state, setState] = useState<DeliveryState | "">("");
  const [page, setPage] = useState(1);
  const query = useQuery({
    queryKey: [...KEYS.deliveries(webhook.id, state), page],
    queryFn: async () => {
      const body = await unwrap(api.GET("/api/v4/webhooks/{webhook_id}/deliveries", {
        params: { path: { webhook_id: webhook.id }, // One state as `filter[state]=failed` (the server reads one value or a comma list); openapi-fetch
        // cannot write an array inside an object.
        query: { page, limit: 25, ...(state ? { filter: { state } as unknown as { state: DeliveryState[] } } : {}) } },
      }));
      return { items: body?._embedded.deliveries ?? [], more: Boolean(body?._links.next) };
    },
  });
  return (
    <Dialog open onClose={onClose} size="large" title={t("settings.webhooks.log_of", { destination: webhook.destination })}>
      <Select label={t("settings.webhooks.filter_state")} value={state}
        options={[{ value: "", label: t("settings.webhooks.state_all") }, ...STATES.map((s) => ({ value: s, label: t(`settings.webhooks.state_${s}`) }))]}
        onChange={(e) => {
          setState(e.target.value as DeliveryState | "");
          setPage(1);
        }} />
      {query.isPending ? <Spinner /> : null}
      {query.isError ? <ErrorState error={query.error} onRetry={() => void query.refetch()} /> : null}
      {query.data && query.data.items.length === 0 ? <EmptyState title={t("settings.webhooks.no_deliveries")} /> : null}
      {query.data && query.data.items.length ? (
        <ol className="deliveries">
          {query.data.items.map((delivery) => <DeliveryItem key={delivery.id} delivery={delivery} />)}
        </ol>
      ) : null}
      <div className="settings-actions settings-pager">
        <Button disabled={page === 1} onClick={() => setPage((p) => p - 1)}>{t("settings.previous")}</Button>
        <span className="settings-muted">{t("settings.page", { page })}</span>
        <Button disabled={!query.data?.more} onClick={() => setPage((p) => p + 1)}>{t("settings.next")}</Button>
      </div>
    </Dialog>
  );
}

function DeliveryItem({ delivery }: { delivery: Delivery }) {
  const t = useT();
  const format = useFormat();
  const retry = useSettingsMutation({
    run: () => unwrap(api.POST("/api/v4/webhooks/deliveries/{delivery_id}/retry", { params: { path: { delivery_id: delivery.id } } })),
    touches: TOUCHES,
    done: t("settings.webhooks.redelivered"),
  });
  const stateClass = delivery.state === "succeeded" ? "settings-badge-ok" : delivery.state === "failed" ? "settings-badge-danger" : "";
  return (
    <li className="delivery">
      <div className="delivery-head">
        <span className={`settings-badge ${stateClass}`}>{t(`settings.webhooks.state_${delivery.state}`)}</span>
        <span>{format.dateTime(delivery.created_at)}</span>
        <span className="settings-muted">{delivery.codes.join(", ")}</span>
        <span>{t("settings.webhooks.attempts", { count: delivery.attempts })}</span>
        <span>{t("settings.webhooks.status_code", { code: delivery.last_status_code ?? "—" })}</span>
        {delivery.next_attempt_at && delivery.state === "pending" ? (
          <span className="settings-muted">{t("settings.webhooks.next_attempt", { when: format.relative(delivery.next_attempt_at) })}</span>
        ) : null}
        <Button variant="secondary" busy={retry.isPending} onClick={() => retry.mutate()}>{t("settings.webhooks.redeliver")}</Button>
      </div>
      {delivery.last_error ? <p className="field-error">{delivery.last_error}</p> : null}
      {delivery._embedded.attempts.length ? (
        <details>
          <summary>{t("settings.webhooks.attempt_details", { count: delivery._embedded.attempts.length })}</summary>
          <table className="settings-table">
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">{t("settings.webhooks.when")}</th>
                <th scope="col">{t("settings.webhooks.response_code")}</th>
                <th scope="col">{t("settings.webhooks.latency")}</th>
                <th scope="col">{t("settings.webhooks.answer")}</th>
              </tr>
            </thead>
            <tbody>
              {delivery._embedded.attempts.map((attempt) => (
                <tr key={attempt.attempt}>
                  <td>{attempt.attempt}</td>
                  <td>{format.dateTime(attempt.created_at)}</td>
                  <td>{attempt.status_code ?? "—"}</td>
                  <td>{t("settings.webhooks.ms", { ms: attempt.latency_ms })}</td>
                  <td className="settings-break">
                    {attempt.response_excerpt ? <code>{attempt.response_excerpt}</code> : null}
                    {attempt.error ? <span className="settings-block field-error">{attempt.error}</span> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      ) : null}
    </li>
  );
}
