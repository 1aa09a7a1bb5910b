// Completing a task asks what came of it; the result goes to the card's feed (a task_result note).
import { useState, type FormEvent } from "react";

import { errorMessage } from "../../api/problem";
import { useT } from "../../i18n";
import { Button, Dialog, TextArea, useToast } from "../../ui";
import type { Task } from "./api";

export interface CompleteDialogProps {
  /** The task to complete; null keeps the dialog closed. */
  task: Task | null;
  onClose: () => void;
  onComplete: (id: number, result: string) => Promise<unknown>;
}

export function CompleteDialog(props: CompleteDialogProps) {
  return props.task ? <OpenCompleteDialog key={props.task.id} {...props} task={props.task} /> : null;
}

function OpenCompleteDialog({ task, onClose, onComplete }: CompleteDialogProps & { task: Task }) {
  const t = useT();
  const toast = useToast();
  const formId = `complete-task-${task.id}`;
  const [result, setResult] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    try {
      await onComplete(task.id, result);
      toast({ message: t("tasks.complete.done"), kind: "success" });
      onClose();
    } catch (failure) {
      setError(errorMessage(failure, t("tasks.error.save")));
      setBusy(false);
    }
  }

  return (
    <Dialog
      open
      onClose={onClose}
      title={t("tasks.complete.title")}
      footer={
        <>
          <Button onClick={onClose}>{t("common.cancel")}</Button>
          <Button type="submit" form={formId} variant="primary" busy={busy}>
            {t("tasks.complete.submit")}
          </Button>
        </>
      }
    >
      <form id={formId} onSubmit={submit}>
        <p className="task-complete-text">{task.text}</p>
        <TextArea
          label={t("tasks.complete.result")}
          hint={t("tasks.complete.hint")}
          value={result}
          maxLength={65535}
          onChange={(event) => setResult(event.target.value)}
          error={error}
        />
      </form>
    </Dialog>
  );
}
