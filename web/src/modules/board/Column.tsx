// One stage of the board: its header (name, count and price sum of the filtered leads), the quick-add form, and
// its leads — loaded a page at a time as the column scrolls, and virtualised (only the cards in view are in the
// page), so a stage of 10,000 leads costs what a stage of 20 does.
import { useQueryClient } from "@tanstack/react-query";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useMemo, useRef, useState, type DragEvent } from "react";

import { useT } from "../../i18n";
import { Button, Spinner, useFormat } from "../../ui";
import { IncomingActions, useHeadline } from "../incoming";
import { QuickAdd } from "./QuickAdd";
import { refreshBoard, useCardDetails, useColumn, type BoardScope } from "./data";
import { DRAG_TYPE, LeadCard } from "./LeadCard";
import { columnLeads, INCOMING, isDropTarget, mainContact, type Lead, type Stage } from "./model";

const CARD_HEIGHT = 118;
/** Columns with more cards loaded than this are virtualised (a first page never is). */
export const VIRTUAL_AFTER = 60;

export interface ColumnProps {
  scope: BoardScope;
  stage: Stage;
  /** The stage's count and price sum (null until the summary is in). */
  totals: { count: number; sum: number } | null;
  users: ReadonlyMap<number, string>;
  now: number;
  /** The lead being dragged (null when none). */
  dragging: Lead | null;
  onDragLead: (lead: Lead | null) => void;
  onDropLead: (lead: Lead, to: Stage) => void;
  onMoveRequest: (lead: Lead) => void;
  /** Leads whose move is on its way to the server. */
  pending: ReadonlySet<number>;
}

export function Column({ scope, stage, totals, users, now, dragging, onDragLead, onDropLead, onMoveRequest, pending }: ColumnProps) {
  const t = useT();
  const format = useFormat();
  const client = useQueryClient();
  const incoming = stage.type === INCOMING;
  const pages = useColumn(scope, stage.id);
  const leads = useMemo(() => columnLeads(pages.data), [pages.data]);
  const headline = useHeadline();
  const details = useCardDetails(pages.data?.pages.map((page) => page.leads) ?? [], incoming);
  const [over, setOver] = useState(false);
  const [adding, setAdding] = useState(false);

  const scroller = useRef<HTMLDivElement>(null);
  const virtual = leads.length > VIRTUAL_AFTER;
  const virtualizer = useVirtualizer({
    enabled: virtual,
    count: leads.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => CARD_HEIGHT,
    overscan: 4,
    initialRect: { width: 280, height: 700 },
    getItemKey: (index) => leads[index]?.id ?? index,
  });
  const items = virtual
    ? virtualizer.getVirtualItems()
    : leads.map((lead, index) => ({ index, key: lead.id, start: 0 }));
  const lastShown = items.length ? items[items.length - 1]!.index : -1;
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = pages;
  // The next page loads when the column is scrolled near its end: by the last card rendered once virtualised,
  // by the scroll position before (every card is rendered then, so the last one is always "shown").
  useEffect(() => {
    if (virtual && hasNextPage && !isFetchingNextPage && lastShown >= leads.length - 5) void fetchNextPage();
  }, [virtual, hasNextPage, isFetchingNextPage, fetchNextPage, lastShown, leads.length]);
  function onScroll() {
    const body = scroller.current;
    if (virtual || !body || !hasNextPage || isFetchingNextPage) return;
    if (body.scrollTop + body.clientHeight >= body.scrollHeight - 2 * CARD_HEIGHT) void fetchNextPage();
  }

  const droppable = dragging !== null && isDropTarget(stage) && dragging.status_id !== stage.id;
  function dragOver(event: DragEvent<HTMLElement>) {
    if (!droppable || !event.dataTransfer.types.includes(DRAG_TYPE)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    setOver(true);
  }
  function drop(event: DragEvent<HTMLElement>) {
    setOver(false);
    if (!droppable || !dragging) return;
    event.preventDefault();
    onDropLead(dragging, stage);
  }

  const name = stage.name;
  return (
    <section
      className={`board-column${over ? " board-column-over" : ""}${droppable ? " board-column-droppable" : ""}`}
      aria-label={totals ? t("board.column_label", { name, count: totals.count }) : name}
      data-stage-id={stage.id}
      onDragOver={dragOver}
      onDragLeave={() => setOver(false)}
      onDrop={drop}
    >
      <header className="board-column-head" style={{ borderTopColor: stage.color }}>
        <h2 className="board-column-name">{name}</h2>
        <div className="board-column-totals">
          {totals ? (
            <>
              <span className="board-column-count">{t("board.leads", { count: totals.count })}</span>
              <span className="board-column-sum">{format.money(totals.sum)}</span>
            </>
          ) : (
            <span className="board-column-count">…</span>
          )}
        </div>
        {isDropTarget(stage) ? (
          <button
            type="button"
            className="board-column-add"
            aria-expanded={adding}
            aria-label={t("board.add_in", { name })}
            onClick={() => setAdding((value) => !value)}
          >
            +
          </button>
        ) : null}
      </header>
      {adding ? <QuickAdd scope={scope} stage={stage} onDone={() => setAdding(false)} /> : null}
      <div className="board-column-body" ref={scroller} onScroll={onScroll}>
        {pages.isPending ? (
          <Spinner />
        ) : pages.isError ? (
          <p className="board-column-note" role="alert">
            {t("board.column_error")}{" "}
            <Button variant="ghost" onClick={() => void pages.refetch()}>
              {t("common.retry")}
            </Button>
          </p>
        ) : leads.length === 0 ? (
          <p className="board-column-note">{t("board.empty")}</p>
        ) : (
          <div
            className={virtual ? "board-column-list board-column-virtual" : "board-column-list"}
            style={virtual ? { height: virtualizer.getTotalSize() } : undefined}
          >
            {items.map((item) => {
              const lead = leads[item.index]!;
              const contact = mainContact(lead);
              const company = lead._embedded.companies[0]?.id;
              const incomingLead = details.incoming.get(lead.id);
              return (
                <div
                  key={item.key}
                  className="board-column-slot"
                  data-index={item.index}
                  ref={virtual ? virtualizer.measureElement : undefined}
                  style={virtual ? { transform: `translateY(${item.start}px)` } : undefined}
                >
                  <LeadCard
                    lead={lead}
                    now={now}
                    movable={!incoming}
                    pending={pending.has(lead.id)}
                    onMove={() => onMoveRequest(lead)}
                    onDragStart={() => onDragLead(lead)}
                    onDragEnd={() => onDragLead(null)}
                    extras={{
                      source: incomingLead ? headline(incomingLead) : null,
                      contact: contact !== null ? details.contacts.get(contact) : null,
                      company: company !== undefined ? details.companies.get(company) : null,
                      responsible: users.get(lead.responsible_user_id) ?? null,
                      task: details.tasks.get(lead.id) ?? null,
                    }}
                    actions={
                      incomingLead ? (
                        <IncomingActions item={incomingLead} compact onDone={() => void refreshBoard(client)} />
                      ) : null
                    }
                  />
                </div>
              );
            })}
          </div>
        )}
        {isFetchingNextPage ? <p className="board-column-note">{t("board.loading_more")}</p> : null}
      </div>
    </section>
  );
}
