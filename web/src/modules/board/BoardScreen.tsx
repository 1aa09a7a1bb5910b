// The pipeline board at /board: a column per stage of the chosen pipeline (?pipeline=ID), each loading its own
// leads a page at a time; drag a card (or use its Move button) to change its stage, optimistically; a move to
// Lost asks for the loss reason. Changes anyone makes reach an open board through the live event stream.
import { useCallback, useMemo, useState } from "react";
import { useSearchParams } from "react-router-dom";

import { errorMessage } from "../../api/problem";
import { useT } from "../../i18n";
import { EmptyState, ErrorState, Spinner, useToast } from "../../ui";
import { usePipelines, useTagNames, useUsers } from "../lists/data";
import { useNow } from "../tasks/useNow";
import { Column } from "./Column";
import { useMoveLead, useSummary, type BoardScope } from "./data";
import { useLiveBoard } from "./live";
import { boardStages, isDropTarget, LOST, pickPipeline, readFilters, stageTotals, writeFilters, type BoardFilters, type Lead, type Stage } from "./model";
import { MoveDialog, type MoveRequest } from "./MoveDialog";
import { Toolbar } from "./Toolbar";
import "./board.css";

export default function BoardScreen() {
  const t = useT();
  const toast = useToast();
  const now = useNow();
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => readFilters(params), [params]);
  const pipelines = usePipelines(true);
  const users = useUsers();
  const tagNames = useTagNames("leads");
  const pipeline = pickPipeline(pipelines.data ?? [], filters.pipeline);
  const stages = useMemo(() => boardStages(pipeline), [pipeline]);
  const scope: BoardScope = useMemo(() => ({ pipelineId: pipeline?.id ?? 0, filters }), [pipeline, filters]);
  const summary = useSummary(scope);
  const move = useMoveLead(scope);
  const [dragging, setDragging] = useState<Lead | null>(null);
  const [request, setRequest] = useState<MoveRequest | null>(null);
  const [pending, setPending] = useState<ReadonlySet<number>>(new Set());
  const userNames = useMemo(() => new Map((users.data ?? []).map((user) => [user.id, user.name])), [users.data]);
  useLiveBoard(scope);

  const setFilters = useCallback(
    (next: BoardFilters) => setParams(writeFilters(next), { replace: true }),
    [setParams],
  );

  const doMove = useCallback(
    (lead: Lead, to: number, lossReasonId: number | null) => {
      setRequest(null);
      const target = stages.find((stage) => stage.id === to);
      setPending((current) => new Set(current).add(lead.id));
      move.mutate(
        { lead, from: lead.status_id, to, lossReasonId },
        {
          onError: (error) =>
            toast({
              kind: "error",
              message: t("board.move_failed", { name: lead.name, error: errorMessage(error, t("error.title")) }),
            }),
          onSuccess: () => toast({ kind: "success", message: t("board.moved", { name: lead.name, stage: target?.name ?? "" }) }),
          onSettled: () =>
            setPending((current) => {
              const next = new Set(current);
              next.delete(lead.id);
              return next;
            }),
        },
      );
    },
    [move, stages, t, toast],
  );

  const onDropLead = useCallback(
    (lead: Lead, to: Stage) => {
      setDragging(null);
      if (to.id === LOST) setRequest({ lead, to: LOST });
      else doMove(lead, to.id, null);
    },
    [doMove],
  );

  if (pipelines.isPending) return <Spinner />;
  if (pipelines.isError) return <ErrorState error={pipelines.error} onRetry={() => void pipelines.refetch()} />;
  if (!pipeline) return <EmptyState title={t("board.no_pipelines")} />;

  return (
    <div className="board">
      <h1 className="visually-hidden">{t("nav.board")}</h1>
      <Toolbar
        pipelines={pipelines.data ?? []}
        pipelineId={pipeline.id}
        filters={filters}
        onChange={setFilters}
        users={users.data ?? []}
        tagNames={tagNames.data ?? []}
        busy={summary.isFetching}
      />
      {summary.isError ? (
        <p className="board-summary-error" role="alert">
          {errorMessage(summary.error, t("error.title"))}
        </p>
      ) : null}
      <div className="board-columns" role="list" aria-label={pipeline.name}>
        {stages.map((stage) => (
          <div role="listitem" key={stage.id} className="board-column-item">
            <Column
              scope={scope}
              stage={stage}
              totals={summary.data ? stageTotals(summary.data, stage.id) : null}
              users={userNames}
              now={now}
              dragging={dragging}
              onDragLead={setDragging}
              onDropLead={onDropLead}
              onMoveRequest={(lead) => setRequest({ lead })}
              pending={pending}
            />
          </div>
        ))}
      </div>
      <MoveDialog
        request={request}
        stages={stages.filter(isDropTarget)}
        onClose={() => setRequest(null)}
        onMove={doMove}
      />
    </div>
  );
}
