// How each kind of feed item looks: an event line, a note, a call (with its recording), a task.
import type { ReactNode } from "react";
import { Link } from "react-router-dom";

import { useT } from "../../i18n";
import { Button, useFormat } from "../../ui";
import { cardPath, kindOf, type Kind, type TaskType } from "../cards/kinds";
import { describeEvent, type EventContext } from "./events";
import type { FeedEvent, Note, Task } from "./merge";
import { callView, isCall, noteView } from "./notes";

function When({ at }: { at: number }) {
  const format = useFormat();
  const date = new Date(at * 1000);
  return (
    <time className="feed-time" dateTime={date.toISOString()} title={format.dateTime(at)}>
      {new Intl.DateTimeFormat(format.locale, { hour: "2-digit", minute: "2-digit" }).format(date)}
    </time>
  );
}

export function EventRow({
  event,
  context,
  author,
  cardName,
}: {
  event: FeedEvent;
  context: EventContext;
  author: string;
  /** The name of a card an event names (a linked contact), when known. */
  cardName: (kind: Kind, id: number) => string | undefined;
}) {
  const line = describeEvent(context, event);
  const kind = line.link ? kindOf(line.link.entity) : null;
  return (
    <div className="feed-event">
      <When at={event.created_at} />
      <span className="feed-author">{author}</span>
      <span className="feed-event-text">
        {line.text}
        {line.link && kind ? (
          <>
            {" "}
            <Link to={cardPath(kind, line.link.id)}>{cardName(kind, line.link.id) ?? `#${line.link.id}`}</Link>
          </>
        ) : null}
      </span>
    </div>
  );
}

export function CallRow({ note, author }: { note: Note; author: string }) {
  const t = useT();
  const call = callView(note);
  const title = t(call.incoming ? "feed.call.incoming" : "feed.call.outgoing", { phone: call.phone || "—" });
  return (
    <article className="feed-card feed-call" aria-label={title}>
      <header className="feed-card-head">
        <span className="feed-icon" aria-hidden="true">
          {call.incoming ? "☎↙" : "☎↗"}
        </span>
        <strong>{title}</strong>
        <When at={note.created_at} />
        <span className="feed-author">{author}</span>
      </header>
      <p className="feed-call-facts">
        {t("feed.call.duration", { duration: call.duration })}
        {call.status ? ` · ${t(call.status)}` : ""}
        {call.source ? ` · ${call.source}` : ""}
      </p>
      {call.result ? <p className="feed-text">{call.result}</p> : null}
      {call.link ? (
        <audio className="feed-audio" controls preload="none" src={call.link} aria-label={t("feed.call.recording")}>
          <a href={call.link}>{t("feed.call.recording")}</a>
        </audio>
      ) : null}
    </article>
  );
}

export function NoteRow({ note, author, actions }: { note: Note; author: string; actions?: ReactNode }) {
  const t = useT();
  if (isCall(note)) return <CallRow note={note} author={author} />;
  const view = noteView(t, note);
  return (
    <article className={`feed-card feed-note feed-note-${note.note_type}`} aria-label={view.title}>
      <header className="feed-card-head">
        <strong>{view.title}</strong>
        <When at={note.created_at} />
        <span className="feed-author">{author}</span>
        {actions}
      </header>
      {view.text ? <p className="feed-text">{view.text}</p> : null}
      {view.url ? (
        <a href={view.url} target="_blank" rel="noreferrer noopener">
          {view.urlLabel ?? view.url}
        </a>
      ) : null}
    </article>
  );
}

export interface TaskRowProps {
  task: Task;
  types: readonly TaskType[] | undefined;
  responsible: string;
  onComplete?: (task: Task) => void;
}

export function taskTypeName(t: ReturnType<typeof useT>, types: readonly TaskType[] | undefined, id: number): string {
  const found = types?.find((type) => type.id === id);
  if (found?.code === "FOLLOW_UP") return t("feed.task.follow_up");
  if (found?.code === "MEETING") return t("feed.task.meeting");
  return found?.name ?? t("feed.task.task");
}

export function TaskRow({ task, types, responsible, onComplete }: TaskRowProps) {
  const t = useT();
  const format = useFormat();
  const overdue = !task.is_completed && task.complete_till * 1000 < Date.now();
  const type = taskTypeName(t, types, task.task_type_id);
  const result = !Array.isArray(task.result) ? task.result?.text : undefined;
  return (
    <article
      className={[
        "feed-card feed-task",
        task.is_completed ? "feed-task-done" : null,
        overdue ? "feed-task-overdue" : null,
      ]
        .filter(Boolean)
        .join(" ")}
      aria-label={`${type}: ${task.text}`}
    >
      <header className="feed-card-head">
        <strong>{task.is_completed ? t("feed.task.completed", { type }) : type}</strong>
        <span className="feed-deadline">
          {t("feed.task.until", { when: format.dateTime(task.complete_till) })}
          {overdue ? <span className="badge badge-danger">{t("feed.task.overdue")}</span> : null}
        </span>
        <span className="feed-author">{responsible}</span>
      </header>
      <p className="feed-text">{task.text}</p>
      {result ? (
        <p className="feed-result">
          <span className="feed-result-label">{t("feed.task.result")}:</span> {result}
        </p>
      ) : null}
      {!task.is_completed && onComplete ? (
        <div className="feed-actions">
          <Button variant="secondary" onClick={() => onComplete(task)}>
            {t("feed.task.complete")}
          </Button>
        </div>
      ) : null}
    </article>
  );
}
