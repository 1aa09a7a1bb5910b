// The tasks screen (route `tasks`): the caller's visible tasks grouped Overdue / Today / Upcoming by the
// account's time zone, filtered by responsible user and type (kept in the address: ?user=all&type=2&done=1),
// completed ones on demand. Rows complete, reschedule and reassign in place.
import { useMemo, useState, type ReactNode } from "react";
import { useSearchParams } from "react-router-dom";

import { useSession } from "../../api/session";
import { useT, type MessageKey } from "../../i18n";
import { Button, Checkbox, ErrorState, Select, Spinner } from "../../ui";
import { AddTaskDialog } from "./AddTaskDialog";
import { entityName, useEntityNames, useTaskPages, useTaskWrites, type Task } from "./api";
import { CompleteDialog } from "./CompleteDialog";
import { readFilter } from "./filter";
import { useZone } from "./format";
import { groupTasks, OPEN_GROUPS, surelyEmpty, type OpenGroup } from "./grouping";
import { useSeesOthers, useTaskTypes, useUsers } from "./lookups";
import { TaskRow } from "./TaskRow";
import { useNow } from "./useNow";
import "./tasks.css";

const EMPTY: Record<OpenGroup | "completed", MessageKey> = {
  overdue: "tasks.empty.overdue",
  today: "tasks.empty.today",
  upcoming: "tasks.empty.upcoming",
  completed: "tasks.empty.completed",
};

export default function TasksScreen() {
  const t = useT();
  const session = useSession();
  const { timeZone, locale } = useZone();
  const now = useNow();
  const [params, setParams] = useSearchParams();
  const seesOthers = useSeesOthers();
  const users = useUsers();
  const types = useTaskTypes();
  const filter = readFilter(params, session.user.id, seesOthers);
  const showDone = params.get("done") === "1";
  const open = useTaskPages(filter);
  const done = useTaskPages({ ...filter, completed: true }, showDone);
  const writes = useTaskWrites();
  const [completing, setCompleting] = useState<Task | null>(null);
  const [adding, setAdding] = useState(false);

  const openTasks = useMemo(() => open.data?.pages.flatMap((page) => page.tasks) ?? [], [open.data]);
  const doneTasks = useMemo(() => done.data?.pages.flatMap((page) => page.tasks) ?? [], [done.data]);
  const groups = useMemo(() => groupTasks(openTasks, now, timeZone), [openTasks, now, timeZone]);
  const shown = useMemo(() => (showDone ? [...openTasks, ...doneTasks] : openTasks), [openTasks, doneTasks, showDone]);
  const names = useEntityNames(shown);

  function setParam(name: string, value: string | null) {
    const next = new URLSearchParams(params);
    if (value === null || value === "") next.delete(name);
    else next.set(name, value);
    setParams(next, { replace: true });
  }

  const row = (task: Task, overdue: boolean) => (
    <TaskRow
      key={task.id}
      task={task}
      overdue={overdue}
      now={now}
      timeZone={timeZone}
      locale={locale}
      typeName={types.byId.get(task.task_type_id)?.name ?? t("tasks.row.unknown_type")}
      entityName={entityName(names, task)}
      users={users.users}
      onComplete={setCompleting}
      onChange={(id, fields) => writes.change.mutateAsync({ id, ...fields })}
    />
  );

  return (
    <div className="tasks-screen">
      <div className="tasks-head">
        <h1>{t("tasks.title")}</h1>
        <Button variant="primary" onClick={() => setAdding(true)}>
          {t("tasks.add")}
        </Button>
      </div>
      <div className="tasks-toolbar" role="group" aria-label={t("tasks.filters")}>
        {seesOthers ? (
          <Select
            label={t("tasks.filter.responsible")}
            value={filter.user}
            onChange={(event) => setParam("user", event.target.value === "me" ? null : event.target.value)}
          >
            <option value="me">{t("tasks.filter.me")}</option>
            <option value="all">{t("tasks.filter.everyone")}</option>
            {users.users
              .filter((user) => user.id !== session.user.id)
              .map((user) => (
                <option key={user.id} value={user.id}>
                  {user.name}
                </option>
              ))}
          </Select>
        ) : null}
        <Select
          label={t("tasks.filter.type")}
          value={filter.types[0] ?? ""}
          onChange={(event) => setParam("type", event.target.value)}
          placeholder={t("tasks.filter.all_types")}
          options={types.types.map((type) => ({ value: type.id, label: type.name }))}
        />
        <Checkbox
          label={t("tasks.filter.show_completed")}
          checked={showDone}
          onChange={(event) => setParam("done", event.target.checked ? "1" : null)}
        />
      </div>

      {open.isPending ? (
        <Spinner label={t("app.loading")} />
      ) : open.isError ? (
        <ErrorState error={open.error} onRetry={() => void open.refetch()} />
      ) : (
        <>
          {OPEN_GROUPS.map((group) => (
            <TaskGroup
              key={group}
              group={group}
              count={groups[group].length}
              empty={surelyEmpty(groups, group, open.hasNextPage) ? EMPTY[group] : null}
            >
              {groups[group].map((task) => row(task, group === "overdue"))}
            </TaskGroup>
          ))}
          <LoadMore pages={open} />
        </>
      )}

      {showDone ? (
        <TaskGroup
          group="completed"
          count={doneTasks.length}
          empty={done.isSuccess && doneTasks.length === 0 ? EMPTY.completed : null}
          footer={
            done.isPending ? (
              <Spinner label={t("app.loading")} />
            ) : done.isError ? (
              <ErrorState error={done.error} onRetry={() => void done.refetch()} />
            ) : (
              <LoadMore pages={done} />
            )
          }
        >
          {doneTasks.map((task) => row(task, false))}
        </TaskGroup>
      ) : null}

      <CompleteDialog task={completing} onClose={() => setCompleting(null)} onComplete={writes.complete} />
      <AddTaskDialog
        open={adding}
        onClose={() => setAdding(false)}
        onAdd={(task) => writes.add.mutateAsync(task)}
        types={types.types}
        users={users.users}
        responsibleId={filter.responsible.length === 1 ? filter.responsible[0]! : session.user.id}
        timeZone={timeZone}
        now={now}
      />
    </div>
  );
}

function TaskGroup({ group, count, empty, children, footer }: {
  group: OpenGroup | "completed";
  count: number;
  /** The empty state's text, when the group is surely empty. */
  empty: MessageKey | null;
  /** The rows (<li>). */
  children: ReactNode;
  footer?: ReactNode;
}) {
  const t = useT();
  const id = `tasks-group-${group}`;
  return (
    <section className={`tasks-group tasks-group-${group}`} aria-labelledby={id}>
      <h2 id={id}>
        {t(`tasks.group.${group}`)} <span className="tasks-count">{count}</span>
      </h2>
      {empty ? <p className="tasks-empty">{t(empty)}</p> : null}
      {count > 0 ? <ul className="tasks-list">{children}</ul> : null}
      {footer}
    </section>
  );
}

function LoadMore({ pages }: { pages: ReturnType<typeof useTaskPages> }) {
  const t = useT();
  if (!pages.hasNextPage) return null;
  return (
    <div className="tasks-more">
      <Button busy={pages.isFetchingNextPage} onClick={() => void pages.fetchNextPage()}>
        {t("tasks.load_more")}
      </Button>
    </div>
  );
}
