// Accepting (into a chosen stage, for a chosen user) and declining one incoming lead or several at once.
import { useState, type FormEvent } from "react";

import { errorMessage } from "../../api/problem";
import { useSession } from "../../api/session";
import { useT } from "../../i18n";
import { Button, Dialog, Select, useToast } from "../../ui";
import { useUsers } from "../tasks/lookups";
import {
  acceptIncoming,
  declineIncoming,
  firstStage,
  targetStages,
  useDecide,
  usePipelines,
  type IncomingRef,
  type Outcome,
} from "./api";
import { useHeadline } from "./IncomingItem";

export interface DecisionDialogProps {
  /** The incoming leads to decide on; the dialog is open while there are some. */
  items: readonly IncomingRef[];
  onClose: () => void;
  /** Called once every item was tried (some may have failed: `outcome.failures`). */
  onDone?: (outcome: Outcome) => void;
}

function useReport() {
  const t = useT();
  const toast = useToast();
  return (outcome: Outcome, done: "incoming.accepted" | "incoming.declined") => {
    if (outcome.decisions.length) toast({ message: t(done, { count: outcome.decisions.length }), kind: "success" });
    const failed = outcome.failures[0];
    if (failed) {
      const reason = errorMessage(failed.error, t("error.generic"));
      toast({ message: t("incoming.failed", { count: outcome.failures.length, reason }), kind: "error" });
    }
  };
}

export function AcceptDialog(props: DecisionDialogProps) {
  return props.items.length ? <OpenAcceptDialog {...props} /> : null;
}

function OpenAcceptDialog({ items, onClose, onDone }: DecisionDialogProps) {
  const t = useT();
  const session = useSession();
  const pipelines = usePipelines();
  const { users } = useUsers();
  const decide = useDecide();
  const report = useReport();
  const headline = useHeadline();
  const pipelineIds = new Set(items.map((item) => item.pipeline_id));
  const pipeline = pipelineIds.size === 1 ? pipelines.data?.find((p) => pipelineIds.has(p.id)) : undefined;
  const stages = targetStages(pipeline);
  const [stage, setStage] = useState<string>("");
  const [user, setUser] = useState(String(session.user.id));
  const [busy, setBusy] = useState(false);
  const chosenStage = stage || String(firstStage(pipeline)?.id ?? "");
  const people = users.filter((one) => one.rights.is_active || one.id === session.user.id);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    const options = { statusId: pipeline && chosenStage ? Number(chosenStage) : null, userId: Number(user) };
    const outcome = await decide(items, (item) => acceptIncoming(item, options));
    report(outcome, "incoming.accepted");
    onDone?.(outcome);
    onClose();
  }

  return (
    <Dialog
      open
      onClose={onClose}
      title={items.length === 1 ? t("incoming.accept.title_single", { title: headline(items[0]!) })
        : t("incoming.accept.title_many", { count: items.length })}
      footer={
        <>
          <Button onClick={onClose}>{t("common.cancel")}</Button>
          <Button type="submit" form="incoming-accept" variant="primary" busy={busy}>
            {t("incoming.accept")}
          </Button>
        </>
      }
    >
      <form id="incoming-accept" onSubmit={submit}>
        {pipelineIds.size === 1 ? (
          <Select
            label={t("incoming.accept.stage")}
            hint={pipeline ? t("incoming.pipeline", { name: pipeline.name }) : undefined}
            value={chosenStage}
            onChange={(event) => setStage(event.target.value)}
            options={stages.map((one) => ({ value: one.id, label: one.name }))}
            disabled={!pipeline}
          />
        ) : (
          <p className="field-hint">{t("incoming.accept.first_stages")}</p>
        )}
        <Select
          label={t("incoming.accept.user")}
          value={user}
          onChange={(event) => setUser(event.target.value)}
          options={
            people.length ? people.map((one) => ({ value: one.id, label: one.name }))
              : [{ value: session.user.id, label: session.user.name }]
          }
        />
      </form>
    </Dialog>
  );
}

export function DeclineDialog(props: DecisionDialogProps) {
  return props.items.length ? <OpenDeclineDialog {...props} /> : null;
}

function OpenDeclineDialog({ items, onClose, onDone }: DecisionDialogProps) {
  const t = useT();
  const decide = useDecide();
  const report = useReport();
  const headline = useHeadline();
  const [busy, setBusy] = useState(false);

  async function decline() {
    if (busy) return;
    setBusy(true);
    const outcome = await decide(items, declineIncoming);
    report(outcome, "incoming.declined");
    onDone?.(outcome);
    onClose();
  }

  return (
    <Dialog
      open
      size="small"
      onClose={onClose}
      title={items.length === 1 ? t("incoming.decline.title_single", { title: headline(items[0]!) })
        : t("incoming.decline.title_many", { count: items.length })}
      footer={
        <>
          <Button onClick={onClose}>{t("common.cancel")}</Button>
          <Button variant="danger" busy={busy} onClick={() => void decline()}>
            {t("incoming.decline")}
          </Button>
        </>
      }
    >
      <p>{t("incoming.decline.explain")}</p>
    </Dialog>
  );
}
