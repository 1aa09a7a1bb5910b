// Under the feed: write a note, or set a task (type, text, responsible user, exact deadline).
import { useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent, type KeyboardEvent } from "react";

import { api, unwrap } from "../../api/client";
import { errorMessage, problemOf } from "../../api/problem";
import { useSession } from "../../api/session";
import { useT } from "../../i18n";
import { Button, Select, TextArea, TextField, useToast } from "../../ui";
import { cardKeys, kindPath, useTaskTypes, useUsers } from "../cards/data";
import { fromDateTimeInput, toDateTimeInput } from "../cards/fieldValues";
import type { Kind } from "../cards/kinds";
import { formErrors } from "../cards/saveErrors";
import { taskTypeName } from "./FeedItems";
import { feedKeys } from "./useFeed";

type Mode = "note" | "task";

/** The default deadline: the next full hour, as the date and time inputs want it. */
export function defaultDeadline(now = new Date()): { date: string; time: string } {
  const next = new Date(now);
  next.setMinutes(0, 0, 0);
  next.setHours(next.getHours() + 1);
  const [date, time] = toDateTimeInput(next.getTime() / 1000).split("T") as [string, string];
  return { date, time };
}

export function Composer({ kind, id }: { kind: Kind; id: number }) {
  const t = useT();
  const [mode, setMode] = useState<Mode>("note");
  return (
    <section className="composer" aria-label={t("feed.composer")}>
      <div className="composer-modes" role="group" aria-label={t("feed.composer_mode")}>
        {(["note", "task"] as const).map((one) => (
          <button
            key={one}
            type="button"
            className="composer-mode"
            aria-pressed={mode === one}
            onClick={() => setMode(one)}
          >
            {t(one === "note" ? "feed.compose_note" : "feed.compose_task")}
          </button>
        ))}
      </div>
      {mode === "note" ? <NoteForm kind={kind} id={id} /> : <TaskForm kind={kind} id={id} />}
    </section>
  );
}

function useAfterWrite(kind: Kind, id: number) {
  const client = useQueryClient();
  return () =>
    Promise.all([
      client.invalidateQueries({ queryKey: feedKeys.card(kind, id) }),
      client.invalidateQueries({ queryKey: cardKeys.entity(kind, id) }),
    ]);
}

function submitOnCtrlEnter(event: KeyboardEvent<HTMLTextAreaElement>) {
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    event.currentTarget.form?.requestSubmit();
  }
}

/** The text of a note or a task and the button that sends it (Ctrl+Enter sends too). */
function TextAndSend(props: {
  label: string;
  placeholder?: string;
  text: string;
  setText: (text: string) => void;
  error?: string | null;
  send: string;
  busy: boolean;
}) {
  const t = useT();
  return (
    <>
      <TextArea
        label={props.label}
        placeholder={props.placeholder}
        value={props.text}
        error={props.error}
        hint={t("feed.ctrl_enter")}
        onChange={(event) => props.setText(event.target.value)}
        onKeyDown={submitOnCtrlEnter}
      />
      <div className="composer-actions">
        <Button type="submit" variant="primary" busy={props.busy}>
          {props.send}
        </Button>
      </div>
    </>
  );
}

function NoteForm({ kind, id }: { kind: Kind; id: number }) {
  const t = useT();
  const toast = useToast();
  const after = useAfterWrite(kind, id);
  const [text, setText] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!text.trim()) {
      setError(t("feed.note_empty"));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await unwrap(
        api.POST(kindPath(kind, "/api/v4/leads/{entity_id}/notes"), {
          params: { path: { entity_id: id } },
          body: [{ note_type: "common", params: { text } }],
        }),
      );
      setText("");
      await after();
    } catch (failure) {
      const fields = formErrors(failure);
      const message = fields["params.text"] ?? Object.values(fields)[0];
      if (message) setError(message);
      else toast({ kind: "error", message: errorMessage(failure, t("feed.save_failed")) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="composer-form" onSubmit={submit}>
      <TextAndSend
        label={t("feed.note_label")}
        placeholder={t("feed.note_placeholder")}
        text={text}
        setText={setText}
        error={error}
        send={t("feed.add_note")}
        busy={busy}
      />
    </form>
  );
}

function TaskForm({ kind, id }: { kind: Kind; id: number }) {
  const t = useT();
  const toast = useToast();
  const session = useSession();
  const after = useAfterWrite(kind, id);
  const types = useTaskTypes();
  const users = useUsers();
  const [initial] = useState(defaultDeadline);
  const [typeId, setTypeId] = useState("1");
  const [text, setText] = useState("");
  const [date, setDate] = useState(initial.date);
  const [time, setTime] = useState(initial.time);
  const [responsible, setResponsible] = useState(String(session.user.id));
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});

  async function submit(event: FormEvent) {
    event.preventDefault();
    const deadline = fromDateTimeInput(`${date}T${time}`);
    const local: Record<string, string> = {};
    if (!text.trim()) local.text = t("feed.task_text_empty");
    if (deadline === null) local.complete_till = t("feed.task_deadline_bad");
    setErrors(local);
    if (Object.keys(local).length || deadline === null) return;
    setBusy(true);
    try {
      await unwrap(
        api.POST("/api/v4/tasks", {
          body: [
            {
              text,
              complete_till: deadline,
              entity_id: id,
              entity_type: kind,
              task_type_id: Number(typeId),
              responsible_user_id: Number(responsible),
            },
          ],
        }),
      );
      setText("");
      await after();
    } catch (failure) {
      const fields = formErrors(failure);
      setErrors(fields);
      if (!problemOf(failure)?.["validation-errors"]?.length) {
        toast({ kind: "error", message: errorMessage(failure, t("feed.save_failed")) });
      }
    } finally {
      setBusy(false);
    }
  }

  const typeOptions = (types.data ?? [{ id: 1, name: "", code: "FOLLOW_UP", color: null, icon_id: null }]).map(
    (type) => ({
      value: type.id,
      label: taskTypeName(t, types.data, type.id),
    }),
  );
  const userOptions = (users.data ?? [])
    .filter((user) => user.rights.is_active)
    .map((user) => ({ value: user.id, label: user.name }));
  if (!userOptions.some((option) => String(option.value) === responsible)) {
    userOptions.unshift({ value: session.user.id, label: session.user.name });
  }
  const otherError = Object.entries(errors).find(
    ([path]) => !["text", "complete_till", "task_type_id", "responsible_user_id"].includes(path),
  );

  return (
    <form className="composer-form composer-task" onSubmit={submit}>
      <div className="composer-row">
        <Select
          label={t("feed.task_type")}
          value={typeId}
          options={typeOptions}
          error={errors.task_type_id}
          onChange={(event) => setTypeId(event.target.value)}
        />
        <TextField
          label={t("feed.task_date")}
          type="date"
          required
          value={date}
          error={errors.complete_till}
          onChange={(event) => setDate(event.target.value)}
        />
        <TextField
          label={t("feed.task_time")}
          type="time"
          required
          value={time}
          onChange={(event) => setTime(event.target.value)}
        />
        <Select
          label={t("feed.task_responsible")}
          value={responsible}
          options={userOptions}
          error={errors.responsible_user_id}
          onChange={(event) => setResponsible(event.target.value)}
        />
      </div>
      <TextAndSend
        label={t("feed.task_text")}
        text={text}
        setText={setText}
        error={errors.text ?? otherError?.[1]}
        send={t("feed.add_task")}
        busy={busy}
      />
    </form>
  );
}
