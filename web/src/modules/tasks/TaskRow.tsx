// One task in a list: type, text, deadline (red when overdue), the card it belongs to, the responsible user
// (changed in place) and the actions (complete, reschedule).
import { useId, useState, type FormEvent } from "react";
import { Link } from "react-router-dom";

import { errorMessage } from "../../api/problem";
import { useT } from "../../i18n";
import { Button, formatRelative, useToast } from "../../ui";
import type { Task, TaskChange } from "./api";
import { formatWhen } from "./format";
import type { User } from "./lookups";
import { fromInputValue, toInputValue } from "./time";

export interface TaskRowProps {
  task: Task;
  overdue: boolean;
  now: number;
  timeZone: string;
  locale: string;
  typeName: string;
  entityName: string | null;
  users: readonly User[];
  onComplete: (task: Task) => void;
  onChange: (id: number, fields: TaskChange) => Promise<unknown>;
}

export function TaskRow(props: TaskRowProps) {
  const { task, overdue, now, timeZone, locale } = props;
  const t = useT();
  const textId = useId();
  const [rescheduling, setRescheduling] = useState(false);
  const deadline = formatWhen(task.complete_till, now, locale, timeZone);
  const result = !Array.isArray(task.result) ? task.result.text : null;

  return (
    <li className={["task-row", task.is_completed ? "task-done" : null].filter(Boolean).join(" ")}
      aria-labelledby={textId}>
      <div className="task-main">
        <span className="task-type">{props.typeName}</span>
        <p className="task-text" id={textId}>
          {task.text}
        </p>
        {result ? <p className="task-result">{t("tasks.row.result", { text: result })}</p> : null}
        <EntityLink task={task} name={props.entityName} />
      </div>
      <div className="task-when">
        <time
          className={overdue ? "task-deadline task-overdue" : "task-deadline"}
          dateTime={new Date(task.complete_till * 1000).toISOString()}
        >
          {overdue ? <span className="visually-hidden">{t("tasks.group.overdue")}: </span> : null}
          {deadline}
        </time>
        {overdue ? <span className="task-ago">{formatRelative(task.complete_till, locale, now)}</span> : null}
        {rescheduling ? (
          <RescheduleForm
            task={task}
            timeZone={timeZone}
            onChange={props.onChange}
            onDone={() => setRescheduling(false)}
          />
        ) : null}
      </div>
      <div className="task-who">
        <ResponsibleSelect task={task} users={props.users} onChange={props.onChange} />
      </div>
      <div className="task-actions">
        {task.is_completed ? (
          <span className="task-done-mark">{t("tasks.row.completed")}</span>
        ) : (
          <>
            <Button variant="primary" onClick={() => props.onComplete(task)}>
              {t("tasks.row.complete")}
            </Button>
            {!rescheduling ? (
              <Button variant="ghost" onClick={() => setRescheduling(true)}>
                {t("tasks.row.reschedule")}
              </Button>
            ) : null}
          </>
        )}
      </div>
    </li>
  );
}

function EntityLink({ task, name }: { task: Task; name: string | null }) {
  const t = useT();
  if (!task.entity_type || !task.entity_id) return <span className="task-entity task-entity-none">{t("tasks.row.no_entity")}</span>;
  const kind = t(`tasks.entity.${task.entity_type}`);
  return (
    <Link className="task-entity" to={`/${task.entity_type}/${task.entity_id}`}>
      <span className="task-entity-kind">{kind}</span> {name || t("tasks.row.unnamed", { id: task.entity_id })}
    </Link>
  );
}

function ResponsibleSelect({ task, users, onChange }: Pick<TaskRowProps, "task" | "users" | "onChange">) {
  const t = useT();
  const toast = useToast();
  const [busy, setBusy] = useState(false);
  const current = users.find((user) => user.id === task.responsible_user_id);
  if (task.is_completed || users.length === 0) {
    return <span className="task-user">{current?.name ?? t("tasks.row.unknown_user")}</span>;
  }
  const choices = users.filter((user) => user.rights.is_active || user.id === task.responsible_user_id);
  return (
    <select
      className="task-user-select"
      aria-label={t("tasks.row.responsible_for", { text: task.text })}
      value={task.responsible_user_id}
      disabled={busy}
      aria-busy={busy || undefined}
      onChange={async (event) => {
        setBusy(true);
        try {
          await onChange(task.id, { responsible_user_id: Number(event.target.value) });
          toast({ message: t("tasks.saved"), kind: "success" });
        } catch (error) {
          toast({ message: errorMessage(error, t("tasks.error.save")), kind: "error" });
        } finally {
          setBusy(false);
        }
      }}
    >
      {current ? null : <option value={task.responsible_user_id}>{t("tasks.row.unknown_user")}</option>}
      {choices.map((user) => (
        <option key={user.id} value={user.id}>
          {user.name}
        </option>
      ))}
    </select>
  );
}

function RescheduleForm({ task, timeZone, onChange, onDone }: {
  task: Task;
  timeZone: string;
  onChange: TaskRowProps["onChange"];
  onDone: () => void;
}) {
  const t = useT();
  const toast = useToast();
  const [value, setValue] = useState(() => toInputValue(task.complete_till, timeZone));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const deadline = fromInputValue(value, timeZone);
    if (deadline === null) {
      setError(t("tasks.error.deadline"));
      return;
    }
    setBusy(true);
    try {
      await onChange(task.id, { complete_till: deadline });
      toast({ message: t("tasks.saved"), kind: "success" });
      onDone();
    } catch (failure) {
      setError(errorMessage(failure, t("tasks.error.save")));
      setBusy(false);
    }
  }

  return (
    <form className="task-reschedule" onSubmit={submit} onKeyDown={(event) => event.key === "Escape" && onDone()}>
      <input
        type="datetime-local"
        aria-label={t("tasks.row.new_deadline", { text: task.text })}
        value={value}
        onChange={(event) => setValue(event.target.value)}
        aria-invalid={error ? true : undefined}
        autoFocus
        required
      />
      <Button type="submit" variant="primary" busy={busy}>
        {t("common.save")}
      </Button>
      <Button variant="ghost" onClick={onDone}>
        {t("common.cancel")}
      </Button>
      {error ? <p className="field-error" role="alert">{error}</p> : null}
    </form>
  );
}
