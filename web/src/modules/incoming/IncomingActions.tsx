// Accept and Decline buttons for one incoming lead, with their dialogs.
import { useState } from "react";

import { useT } from "../../i18n";
import { Button } from "../../ui";
import type { IncomingRef, Outcome } from "./api";
import { AcceptDialog, DeclineDialog } from "./DecisionDialogs";

export interface IncomingActionsProps {
  /** The incoming lead (an IncomingLead from the API, or at least its uid and pipeline_id). */
  item: IncomingRef;
  /** After the decision (the lists under the "incoming" query key are refreshed already). */
  onDone?: (outcome: Outcome) => void;
  /** Smaller buttons (a board card). */
  compact?: boolean;
}

export function IncomingActions({ item, onDone, compact = false }: IncomingActionsProps) {
  const t = useT();
  const [dialog, setDialog] = useState<"accept" | "decline" | null>(null);
  return (
    <>
      <Button variant={compact ? "secondary" : "primary"} onClick={() => setDialog("accept")}>
        {t("incoming.accept")}
      </Button>
      <Button variant={compact ? "ghost" : "secondary"} onClick={() => setDialog("decline")}>
        {t("incoming.decline")}
      </Button>
      <AcceptDialog items={dialog === "accept" ? [item] : []} onClose={() => setDialog(null)} onDone={onDone} />
      <DeclineDialog items={dialog === "decline" ? [item] : []} onClose={() => setDialog(null)} onDone={onDone} />
    </>
  );
}
