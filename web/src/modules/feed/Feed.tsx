// A card's feed, as in Kommo: history oldest first with the newest at the bottom, the open tasks under it and the
// composer last. "Show earlier" loads older pages. Usable on any card (the board may open one).
import { useId, useLayoutEffect, useMemo, useRef, useState } from "react";

import { useLang, useT } from "../../i18n";
import { Button, EmptyState, ErrorState, Spinner, useFormat } from "../../ui";
import { useFieldDefs, useLossReasons, usePipelines, useTaskTypes, useUsers, userName } from "../cards/data";
import { kindOf, type Entity, type Kind } from "../cards/kinds";
import { useLinked } from "../cards/links";
import { stageLabel } from "../cards/Predefined";
import { Composer } from "./Composer";
import { CompleteTaskDialog } from "./CompleteTask";
import { linkTarget, type EventContext } from "./events";
import { EventRow, NoteRow, TaskRow } from "./FeedItems";
import { isEditableNote, NoteActions } from "./NoteActions";
import type { FeedItem, Task } from "./merge";
import { useEventTypes, useFeed } from "./useFeed";
import "./feed.css";

function useEventContext(kind: Kind): EventContext {
  const t = useT();
  const format = useFormat();
  const users = useUsers();
  const pipelines = usePipelines();
  const fields = useFieldDefs(kind);
  const reasons = useLossReasons();
  const { lang } = useLang();
  const typeNames = useEventTypes(lang);
  return useMemo(
    () => ({
      t,
      userName: (id) => userName(users.data, id, t("feed.robot")),
      stageName: (pipelineId, statusId) => stageLabel(pipelines.data, pipelineId, statusId),
      pipelineName: (pipelineId) => pipelines.data?.find((item) => item.id === pipelineId)?.name ?? `#${pipelineId}`,
      field: (id) => fields.data?.find((item) => item.id === id),
      lossReason: (id) => reasons.data?.find((item) => item.id === id)?.name,
      number: format.number,
      money: (value) => format.money(value),
      date: (seconds) =>
        new Intl.DateTimeFormat(format.locale, { dateStyle: "medium", timeZone: "UTC" }).format(
          new Date(seconds * 1000),
        ),
      dateTime: format.dateTime,
      typeName: (type) => typeNames.data?.get(type),
    }),
    [t, format, users.data, pipelines.data, fields.data, reasons.data, typeNames.data],
  );
}

/** Names of the cards that link events of the feed name (one list request per kind). */
function useCardNames(items: readonly FeedItem[]) {
  const ids: Record<Kind, number[]> = { leads: [], contacts: [], companies: [] };
  for (const item of items) {
    const target = item.type === "event" ? linkTarget(item.event) : undefined;
    const kind = target ? kindOf(target.entity) : null;
    if (target && kind && !ids[kind].includes(target.id)) ids[kind].push(target.id);
  }
  const found: Record<Kind, Entity[] | undefined> = {
    leads: useLinked("leads", ids.leads).data,
    contacts: useLinked("contacts", ids.contacts).data,
    companies: useLinked("companies", ids.companies).data,
  };
  return (kind: Kind, id: number) => found[kind]?.find((card) => card.id === id)?.name;
}

function dayOf(at: number): string {
  const date = new Date(at * 1000);
  return `${date.getFullYear()}-${date.getMonth()}-${date.getDate()}`;
}

/** Keeps the newest item in view: at the bottom when the feed opens or grows there, and where the reader was when
 * older items come in above. */
function useStickToBottom(items: readonly FeedItem[], bottom: string) {
  const scroller = useRef<HTMLDivElement>(null);
  const last = useRef<{ first?: string; last?: string; height: number }>({ height: 0 });
  const firstKey = items[0]?.key;
  const lastKey = `${items[items.length - 1]?.key}|${bottom}`;
  useLayoutEffect(() => {
    const box = scroller.current;
    if (!box) return;
    const before = last.current;
    if (lastKey !== before.last) box.scrollTop = box.scrollHeight;
    else if (firstKey !== before.first) box.scrollTop += box.scrollHeight - before.height;
    last.current = { first: firstKey, last: lastKey, height: box.scrollHeight };
  }, [firstKey, lastKey]);
  return scroller;
}

export function Feed({ kind, id }: { kind: Kind; id: number }) {
  const t = useT();
  const format = useFormat();
  const { lang } = useLang();
  const feed = useFeed(kind, id, lang);
  const context = useEventContext(kind);
  const users = useUsers();
  const types = useTaskTypes();
  const [completing, setCompleting] = useState<Task | null>(null);
  const headingId = useId();
  const scroller = useStickToBottom(feed.timeline, feed.openTasks.map((task) => task.id).join(","));
  const author = (userId: number) => userName(users.data, userId, t("feed.robot"));
  const cardName = useCardNames(feed.timeline);

  let body;
  if (feed.isLoading) body = <Spinner label={t("feed.loading")} />;
  else if (feed.error) body = <ErrorState error={feed.error} title={t("feed.failed")} onRetry={feed.retry} />;
  else if (feed.timeline.length === 0 && feed.openTasks.length === 0 && !feed.hasEarlier) {
    body = <EmptyState title={t("feed.empty_title")} message={t("feed.empty")} />;
  } else {
    let day = "";
    body = (
      <ol className="feed-list">
        {feed.timeline.flatMap((item) => {
          const rows = [];
          const itemDay = dayOf(item.at);
          if (itemDay !== day) {
            day = itemDay;
            rows.push(
              <li key={`day-${itemDay}`} className="feed-day" aria-hidden="true">
                <span>{format.date(item.at)}</span>
              </li>,
            );
          }
          rows.push(
            <li key={item.key} className={`feed-item feed-item-${item.type}`}>
              {item.type === "event" ? (
                <EventRow
                  event={item.event}
                  context={context}
                  author={author(item.event.created_by)}
                  cardName={cardName}
                />
              ) : null}
              {item.type === "note" ? (
                <NoteRow
                  note={item.note}
                  author={author(item.note.created_by)}
                  actions={isEditableNote(item.note) ? <NoteActions note={item.note} kind={kind} id={id} /> : null}
                />
              ) : null}
              {item.type === "task" ? (
                <TaskRow task={item.task} types={types.data} responsible={author(item.task.responsible_user_id)} />
              ) : null}
            </li>,
          );
          return rows;
        })}
      </ol>
    );
  }

  return (
    <section className="feed" aria-labelledby={headingId}>
      <h2 id={headingId} className="feed-title">
        {t("feed.title")}
      </h2>
      <div className="feed-scroll" ref={scroller} tabIndex={0} aria-label={t("feed.history")}>
        {feed.hasEarlier ? (
          <div className="feed-earlier">
            <Button variant="ghost" busy={feed.loadingEarlier} onClick={feed.loadEarlier}>
              {t("feed.earlier")}
            </Button>
          </div>
        ) : null}
        {body}
        {feed.openTasks.length ? (
          <section className="feed-open-tasks" aria-label={t("feed.open_tasks")}>
            <h3 className="feed-open-title">{t("feed.open_tasks")}</h3>
            <ul>
              {feed.openTasks.map((task) => (
                <li key={task.id}>
                  <TaskRow
                    task={task}
                    types={types.data}
                    responsible={author(task.responsible_user_id)}
                    onComplete={setCompleting}
                  />
                </li>
              ))}
            </ul>
          </section>
        ) : null}
      </div>
      <Composer kind={kind} id={id} />
      <CompleteTaskDialog task={completing} kind={kind} id={id} onClose={() => setCompleting(null)} />
    </section>
  );
}
