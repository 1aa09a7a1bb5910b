// Moving a lead without dragging (its "Move" button: keyboard and touch), and the question a move to Lost asks:
// the loss reason. A drop on Lost opens this dialog with the stage already chosen; Cancel leaves the lead where
// it was.
import { useEffect, useState } from "react";

import { useT } from "../../i18n";
import { Button, Dialog, Select } from "../../ui";
import { useLossReasons } from "../cards/data";
import { LOST, type Lead, type Stage } from "./model";

export interface MoveRequest {
  lead: Lead;
  /** Set when the lead was dropped on a column (only Lost asks first). */
  to?: number;
}

export interface MoveDialogProps {
  request: MoveRequest | null;
  /** Stages a lead may be moved to, in board order. */
  stages: readonly Stage[];
  onClose: () => void;
  onMove: (lead: Lead, to: number, lossReasonId: number | null) => void;
}

export function MoveDialog({ request, stages, onClose, onMove }: MoveDialogProps) {
  const t = useT();
  const reasons = useLossReasons();
  const [to, setTo] = useState<number | null>(null);
  const [reason, setReason] = useState("");
  useEffect(() => {
    setTo(request?.to ?? null);
    setReason("");
  }, [request]);
  if (!request) return null;
  const lead = request.lead;
  const name = lead.name || t("board.unnamed", { id: lead.id });
  const target = to ?? stages.find((stage) => stage.id !== lead.status_id)?.id ?? null;
  const fixed = request.to !== undefined;

  function submit() {
    if (target === null) return;
    onMove(lead, target, target === LOST && reason ? Number(reason) : null);
  }

  return (
    <Dialog
      open
      onClose={onClose}
      size="small"
      title={fixed ? t("board.lost_title", { name }) : t("board.move_title", { name })}
      footer={
        <>
          <Button onClick={onClose}>{t("common.cancel")}</Button>
          <Button variant="primary" onClick={submit} disabled={target === null || target === lead.status_id}>
            {target === LOST ? t("board.mark_lost") : t("board.move")}
          </Button>
        </>
      }
    >
      <form
        onSubmit={(event) => {
          event.preventDefault();
          submit();
        }}
      >
        {fixed ? null : (
          <Select
            label={t("board.stage")}
            value={target ?? ""}
            onChange={(event) => setTo(Number(event.target.value))}
            options={stages.map((stage) => ({ value: stage.id, label: stage.name, disabled: stage.id === lead.status_id }))}
          />
        )}
        {target === LOST ? (
          <Select
            label={t("board.loss_reason")}
            placeholder={t("board.no_reason")}
            value={reason}
            onChange={(event) => setReason(event.target.value)}
            options={(reasons.data ?? []).map((item) => ({ value: item.id, label: item.name }))}
          />
        ) : null}
      </form>
    </Dialog>
  );
}
