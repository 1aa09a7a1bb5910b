/**
 * Incoming leads (Kommo's "Unsorted", spec §8), shared by the incoming screen and the board's Incoming column.
 *
 *   const pages = useIncomingPages({ pipelineId });            // waiting ones, newest first (TanStack infinite)
 *   const byLead = incomingByLead(pages.data?.pages.flatMap((p) => p.items) ?? []);   // lead id → incoming lead
 *   <IncomingItem item={item} compact showParties={false} lead={{ name, price }}
 *                 actions={<IncomingActions item={item} compact onDone={(outcome) => refreshBoard()} />} />
 *
 * IncomingActions: Accept (dialog: target stage, default the first stage after Incoming; responsible user,
 * default me) and Decline (confirmation). AcceptDialog / DeclineDialog take several items for bulk decisions.
 * Deciding refreshes every query under INCOMING_KEY; `onDone(outcome)` gets the decisions
 * (`{uid, outcome, leadId, statusId}`: an accepted lead's card is `/leads/<leadId>`) and the failures, so the
 * caller refreshes its own queries (the board's columns).
 */
export {
  acceptIncoming,
  CATEGORIES,
  declineIncoming,
  entityIds,
  firstStage,
  INCOMING_KEY,
  incomingByLead,
  targetStages,
  useIncomingLeads,
  useIncomingPages,
  useIncomingParties,
  usePipelines,
  type AcceptOptions,
  type Decision,
  type IncomingCategory,
  type IncomingFilter,
  type IncomingLead,
  type IncomingRef,
  type Outcome,
} from "./api";
export { AcceptDialog, DeclineDialog, type DecisionDialogProps } from "./DecisionDialogs";
export { details, headline, type Detail, type Headline } from "./describe";
export { IncomingActions, type IncomingActionsProps } from "./IncomingActions";
export { IncomingItem, useHeadline, type IncomingItemProps, type IncomingLeadSummary } from "./IncomingItem";
