// One lead on the board: name (a link to its card), price, contact and company, responsible user, tags and the
// closest task. Ordinary cards are dragged to another column, or moved with their "Move" button (keyboard).
// A card of the Incoming column carries Accept / Decline instead.
import type { DragEvent, ReactNode } from "react";
import { Link } from "react-router-dom";

import { useT } from "../../i18n";
import { useFormat } from "../../ui";
import { formatWhen, useZone } from "../tasks/format";
import type { Lead, Task } from "./model";

/** The drag payload's type (a lead id and the stage it leaves). */
export const DRAG_TYPE = "application/x-kanbo-lead";

export interface CardExtras {
  /** Where an incoming lead came from ("Form “Contact us”", "Call from +34…"). */
  source?: string | null;
  contact?: string | null;
  company?: string | null;
  responsible?: string | null;
  task?: Task | null;
}

export interface LeadCardProps {
  lead: Lead;
  extras: CardExtras;
  now: number;
  /** Can be dragged and moved (false: an incoming lead, or no edit right). */
  movable: boolean;
  onMove?: () => void;
  onDragStart?: () => void;
  onDragEnd?: () => void;
  /** Accept / Decline of an incoming lead. */
  actions?: ReactNode;
  pending?: boolean;
}

export function LeadCard({ lead, extras, now, movable, onMove, onDragStart, onDragEnd, actions, pending }: LeadCardProps) {
  const t = useT();
  const format = useFormat();
  const zone = useZone();
  const name = lead.name || t("board.unnamed", { id: lead.id });
  const tags = lead._embedded.tags ?? [];
  const task = extras.task;
  const overdue = task ? task.complete_till < now : false;

  function dragStart(event: DragEvent<HTMLElement>) {
    event.dataTransfer.setData(DRAG_TYPE, JSON.stringify({ id: lead.id, from: lead.status_id }));
    event.dataTransfer.setData("text/plain", name);
    event.dataTransfer.effectAllowed = "move";
    onDragStart?.();
  }

  return (
    <article
      className={`board-card${pending ? " board-card-pending" : ""}`}
      draggable={movable}
      onDragStart={movable ? dragStart : undefined}
      onDragEnd={movable ? onDragEnd : undefined}
      aria-label={name}
      data-lead-id={lead.id}
    >
      <div className="board-card-top">
        <Link className="board-card-name" to={`/leads/${lead.id}`} draggable={false}>
          {name}
        </Link>
        {movable && onMove ? (
          <button type="button" className="board-card-move" onClick={onMove} aria-label={t("board.move_label", { name })}>
            {t("board.move")}
          </button>
        ) : null}
      </div>
      {extras.source ? <div className="board-card-source">{extras.source}</div> : null}
      {lead.price ? <div className="board-card-price">{format.money(lead.price)}</div> : null}
      {extras.contact || extras.company ? (
        <div className="board-card-parties">
          {[extras.contact, extras.company].filter(Boolean).join(" · ")}
        </div>
      ) : null}
      {extras.responsible ? <div className="board-card-user">{extras.responsible}</div> : null}
      {tags.length ? (
        <ul className="board-card-tags" aria-label={t("board.tags")}>
          {tags.map((tag) => (
            <li key={tag.id}>{tag.name}</li>
          ))}
        </ul>
      ) : null}
      {task ? (
        <div className={`board-card-task${overdue ? " board-card-task-overdue" : ""}`}>
          <span>{overdue ? t("board.task_overdue") : t("board.task")}</span>{" "}
          {formatWhen(task.complete_till, now, zone.locale, zone.timeZone)}
          {task.text ? `: ${task.text}` : ""}
        </div>
      ) : null}
      {actions ? <div className="board-card-actions">{actions}</div> : null}
    </article>
  );
}
