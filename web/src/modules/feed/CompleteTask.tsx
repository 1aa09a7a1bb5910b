// Completing a task asks for its result; the API records it (PATCH /api/v4/tasks/{id} with result.text, which
// also adds a task_result note to the card).
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";

import { api, unwrap } from "../../api/client";
import { errorMessage } from "../../api/problem";
import { useT } from "../../i18n";
import { Button, Dialog, TextArea } from "../../ui";
import { cardKeys } from "../cards/data";
import type { Kind } from "../cards/kinds";
import { formErrors } from "../cards/saveErrors";
import type { Task } from "./merge";
import { feedKeys } from "./useFeed";

export function CompleteTaskDialog({
  task,
  kind,
  id,
  onClose,
}: {
  task: Task | null;
  kind: Kind;
  id: number;
  onClose: () => void;
}) {
  const t = useT();
  const client = useQueryClient();
  const [result, setResult] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  function close() {
    setResult("");
    setError(null);
    onClose();
  }

  async function complete() {
    if (!task) return;
    setBusy(true);
    setError(null);
    try {
      const text = result.trim();
      await unwrap(
        api.PATCH("/api/v4/tasks/{task_id}", {
          params: { path: { task_id: task.id } },
          body: { is_completed: true, ...(text ? { result: { text } } : {}) },
        }),
      );
      await Promise.all([
        client.invalidateQueries({ queryKey: feedKeys.card(kind, id) }),
        client.invalidateQueries({ queryKey: cardKeys.entity(kind, id) }),
      ]);
      close();
    } catch (failure) {
      const fields = formErrors(failure);
      setError(fields["result.text"] ?? Object.values(fields)[0] ?? errorMessage(failure, t("feed.save_failed")));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog
      open={task !== null}
      onClose={close}
      title={t("feed.task.complete_title")}
      size="small"
      footer={
        <>
          <Button onClick={close}>{t("common.cancel")}</Button>
          <Button variant="primary" busy={busy} onClick={() => void complete()}>
            {t("feed.task.complete")}
          </Button>
        </>
      }
    >
      {task ? <p className="complete-task-text">{task.text}</p> : null}
      <TextArea
        label={t("feed.task.result")}
        hint={t("feed.task.result_hint")}
        value={result}
        error={error}
        onChange={(event) => setResult(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
            event.preventDefault();
            void complete();
          }
        }}
      />
    </Dialog>
  );
}
