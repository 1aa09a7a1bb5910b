// Pipelines and their stages: switch, add, rename, make main and delete pipelines; add, rename, recolour,
// reorder (drag, or the move buttons from the keyboard) and delete stages. The system stages (Incoming, won,
// lost) can only be renamed. The API's limits and refusals are shown as it answers them.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useSearchParams } from "react-router-dom";

import { api, unwrap } from "../../api/client";
import { fieldErrors } from "../../api/problem";
import { useT } from "../../i18n";
import { Button, Dialog, EmptyState, ErrorState, IconButton, Spinner, TextField } from "../../ui";
import { ConfirmDialog, FormDialog, RenameForm, useSettingsMutation } from "./parts";
import { KEYS, fetchPipelines } from "./settingsApi";
import {
  isSystem,
  MAX_PIPELINES,
  MAX_STAGES,
  move,
  nextColor,
  ordered,
  PALETTE,
  regular,
  sortChanges,
  type Pipeline,
  type Stage,
  type StageColor,
} from "./stages";

const TOUCHES = ["pipelines"];

export default function PipelinesSection() {
  const t = useT();
  const query = useQuery({ queryKey: KEYS.pipelines, queryFn: fetchPipelines });
  const [params, setParams] = useSearchParams();
  const [adding, setAdding] = useState(false);
  if (query.isPending) return <Spinner />;
  if (query.isError) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  const pipelines = query.data;
  const wanted = Number(params.get("pipeline"));
  const selected = pipelines.find((p) => p.id === wanted) ?? pipelines.find((p) => p.is_main) ?? pipelines[0];
  const select = (id: number) => setParams({ pipeline: String(id) }, { replace: true });
  const full = pipelines.length >= MAX_PIPELINES;

  return (
    <section className="settings-section" aria-labelledby="settings-pipelines-title">
      <header className="settings-section-head">
        <h2 id="settings-pipelines-title">{t("settings.pipelines.title")}</h2>
        <Button variant="primary" onClick={() => setAdding(true)} disabled={full} title={full ? t("settings.pipelines.limit", { max: MAX_PIPELINES }) : undefined}>
          {t("settings.pipelines.add")}
        </Button>
      </header>
      <p className="settings-hint">{t("settings.pipelines.count", { count: pipelines.length, max: MAX_PIPELINES })}</p>
      <div className="settings-switch" role="group" aria-label={t("settings.pipelines.switch")}>
        {pipelines.map((pipeline) => (
          <button
            key={pipeline.id}
            type="button"
            className="settings-switch-item"
            aria-pressed={pipeline.id === selected?.id}
            onClick={() => select(pipeline.id)}
          >
            {pipeline.name}
            {pipeline.is_main ? <span className="settings-badge">{t("settings.pipelines.main")}</span> : null}
          </button>
        ))}
      </div>
      {selected ? (
        <PipelineEditor key={selected.id} pipeline={selected} />
      ) : (
        <EmptyState title={t("settings.pipelines.none")} />
      )}
      {adding ? <AddPipelineDialog onClose={() => setAdding(false)} onAdded={select} /> : null}
    </section>
  );
}

function AddPipelineDialog({ onClose, onAdded }: { onClose: () => void; onAdded: (id: number) => void }) {
  const t = useT();
  const [name, setName] = useState("");
  const [stage, setStage] = useState("");
  const add = useSettingsMutation({
    run: (item: { name: string; stage: string }) =>
      unwrap(api.POST("/api/v4/leads/pipelines", { body: [{ name: item.name, _embedded: { statuses: [{ name: item.stage }] } }] })),
    touches: TOUCHES,
    done: (_, item) => t("settings.pipelines.added", { name: item.name }),
    onSuccess: (body) => {
      const id = body._embedded.pipelines[0]?.id;
      if (id) onAdded(id);
      onClose();
    },
  });
  const errors = fieldErrors(add.error, "0");
  return (
    <FormDialog title={t("settings.pipelines.add")} submit={t("common.create")} busy={add.isPending} onClose={onClose}
      onSubmit={() => add.mutate({ name: name.trim(), stage: stage.trim() || t("settings.pipelines.first_stage_default") })}>
      <TextField label={t("settings.pipelines.name")} value={name} required maxLength={255} error={errors.name} onChange={(e) => setName(e.target.value)} />
      <TextField
        label={t("settings.pipelines.first_stage")}
        hint={t("settings.pipelines.first_stage_hint")}
        value={stage}
        maxLength={255}
        placeholder={t("settings.pipelines.first_stage_default")}
        error={errors["_embedded.statuses.0.name"]}
        onChange={(e) => setStage(e.target.value)}
      />
    </FormDialog>
  );
}

function PipelineEditor({ pipeline }: { pipeline: Pipeline }) {
  const t = useT();
  const [renaming, setRenaming] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [, setParams] = useSearchParams();
  const path = { params: { path: { pipeline_id: pipeline.id } } };
  const patch = useSettingsMutation({
    run: (body: { name?: string; is_main?: boolean }) =>
      unwrap(api.PATCH("/api/v4/leads/pipelines/{pipeline_id}", { ...path, body })),
    touches: TOUCHES,
    done: (_, body) => (body.is_main ? t("settings.pipelines.made_main", { name: pipeline.name }) : t("settings.saved")),
    onSuccess: () => setRenaming(false),
  });
  const remove = useSettingsMutation({
    run: () => unwrap(api.DELETE("/api/v4/leads/pipelines/{pipeline_id}", path)),
    touches: TOUCHES,
    done: t("settings.pipelines.deleted", { name: pipeline.name }),
    onSuccess: () => setParams({}, { replace: true }),
    // A refusal (the main pipeline, leads still in it) is toasted with the API's words.
  });
  const stages = ordered(pipeline._embedded.statuses);

  return (
    <div className="settings-panel">
      <div className="settings-panel-head">
        {renaming ? (
          <RenameForm
            label={t("settings.pipelines.name")}
            value={pipeline.name}
            busy={patch.isPending}
            error={fieldErrors(patch.error, "0").name}
            onSave={(name) => patch.mutate({ name })}
            onCancel={() => setRenaming(false)}
          />
        ) : (
          <h3>{pipeline.name}</h3>
        )}
        <div className="settings-actions">
          {!renaming ? <Button onClick={() => setRenaming(true)}>{t("settings.rename")}</Button> : null}
          {!pipeline.is_main ? (
            <Button onClick={() => patch.mutate({ is_main: true })} busy={patch.isPending && !renaming}>
              {t("settings.pipelines.make_main")}
            </Button>
          ) : null}
          <Button
            variant="danger"
            onClick={() => setDeleting(true)}
            disabled={pipeline.is_main}
            title={pipeline.is_main ? t("settings.pipelines.main_undeletable") : undefined}
          >
            {t("settings.pipelines.delete")}
          </Button>
        </div>
      </div>
      <StageList pipeline={pipeline} stages={stages} />
      <ConfirmDialog
        open={deleting}
        title={t("settings.pipelines.delete")}
        message={t("settings.pipelines.delete_confirm", { name: pipeline.name })}
        confirm={t("common.delete")}
        busy={remove.isPending}
        onConfirm={() => remove.mutate(undefined, { onSettled: () => setDeleting(false) })}
        onClose={() => setDeleting(false)}
      />
    </div>
  );
}

function StageList({ pipeline, stages }: { pipeline: Pipeline; stages: Stage[] }) {
  const t = useT();
  const client = useQueryClient();
  const [dragged, setDragged] = useState<number | null>(null);
  const [over, setOver] = useState<number | null>(null);
  const [announce, setAnnounce] = useState("");
  const regularStages = regular(stages);

  const reorder = useSettingsMutation({
    run: async (changes: { id: number; sort: number }[]) => {
      for (const change of changes) {
        await unwrap(
          api.PATCH("/api/v4/leads/pipelines/{pipeline_id}/statuses/{status_id}", {
            params: { path: { pipeline_id: pipeline.id, status_id: change.id } },
            body: { sort: change.sort },
          }),
        );
      }
    },
    touches: TOUCHES,
  });

  function moveStage(id: number, to: number) {
    const ids = regularStages.map((s) => s.id);
    const from = ids.indexOf(id);
    if (from < 0 || to < 0 || to >= ids.length || from === to) return;
    const wanted = move(ids, from, to);
    const changes = sortChanges(regularStages, wanted);
    if (!changes.length) return;
    // Show the new order at once; the refresh after the requests brings the server's.
    client.setQueryData<Pipeline[]>(KEYS.pipelines, (old) =>
      old?.map((p) =>
        p.id !== pipeline.id
          ? p
          : {
              ...p,
              _embedded: {
                statuses: p._embedded.statuses.map((s) => ({ ...s, sort: changes.find((c) => c.id === s.id)?.sort ?? s.sort })),
              },
            },
      ),
    );
    const name = regularStages[from]?.name ?? "";
    setAnnounce(t("settings.stages.moved", { name, position: to + 1, count: ids.length }));
    reorder.mutate(changes);
  }

  function drop(targetId: number) {
    if (dragged === null || dragged === targetId) return;
    const to = regularStages.findIndex((s) => s.id === targetId);
    moveStage(dragged, to);
  }

  return (
    <>
      <h4 className="settings-subtitle">{t("settings.stages.title")}</h4>
      <p className="settings-hint">{t("settings.stages.hint", { count: stages.length, max: MAX_STAGES })}</p>
      <ol className="stage-list" aria-label={t("settings.stages.list", { name: pipeline.name })}>
        {stages.map((stage) => {
          const index = regularStages.findIndex((s) => s.id === stage.id);
          const system = isSystem(stage);
          return (
            <li
              key={stage.id}
              className={["stage-row", system ? "stage-system" : null, over === stage.id && dragged !== stage.id ? "stage-drop" : null]
                .filter(Boolean)
                .join(" ")}
              draggable={!system}
              data-testid={`stage-${stage.id}`}
              onDragStart={(event) => {
                setDragged(stage.id);
                event.dataTransfer.effectAllowed = "move";
                event.dataTransfer.setData("text/plain", String(stage.id));
              }}
              onDragOver={(event) => {
                if (system || dragged === null) return;
                event.preventDefault();
                setOver(stage.id);
              }}
              onDragLeave={() => setOver((current) => (current === stage.id ? null : current))}
              onDrop={(event) => {
                event.preventDefault();
                drop(stage.id);
                setDragged(null);
                setOver(null);
              }}
              onDragEnd={() => {
                setDragged(null);
                setOver(null);
              }}
            >
              <StageRow
                pipelineId={pipeline.id}
                stage={stage}
                system={system}
                first={index === 0}
                last={index === regularStages.length - 1}
                onMove={(delta) => moveStage(stage.id, index + delta)}
              />
            </li>
          );
        })}
      </ol>
      <p className="visually-hidden" aria-live="polite">
        {announce}
      </p>
      <AddStageForm pipeline={pipeline} stages={stages} />
    </>
  );
}

function StageRow(props: {
  pipelineId: number;
  stage: Stage;
  system: boolean;
  first: boolean;
  last: boolean;
  onMove: (delta: number) => void;
}) {
  const { stage, system } = props;
  const t = useT();
  const [renaming, setRenaming] = useState(false);
  const [colouring, setColouring] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const path = { params: { path: { pipeline_id: props.pipelineId, status_id: stage.id } } };
  const patch = useSettingsMutation({
    run: (body: { name?: string; color?: StageColor }) =>
      unwrap(api.PATCH("/api/v4/leads/pipelines/{pipeline_id}/statuses/{status_id}", { ...path, body })),
    touches: TOUCHES,
    done: t("settings.saved"),
    onSuccess: () => {
      setRenaming(false);
      setColouring(false);
    },
  });
  const remove = useSettingsMutation({
    run: () => unwrap(api.DELETE("/api/v4/leads/pipelines/{pipeline_id}/statuses/{status_id}", path)),
    touches: TOUCHES,
    done: t("settings.stages.deleted", { name: stage.name }),
  });

  return (
    <>
      <span className="stage-handle" aria-hidden="true" title={system ? undefined : t("settings.stages.drag")}>
        {system ? "" : "⠿"}
      </span>
      {system ? (
        <span className="stage-swatch" style={{ background: stage.color }} aria-hidden="true" />
      ) : (
        <button
          type="button"
          className="stage-swatch stage-swatch-button"
          style={{ background: stage.color }}
          aria-label={t("settings.stages.colour_of", { name: stage.name, colour: stage.color })}
          title={t("settings.stages.colour")}
          onClick={() => setColouring(true)}
        />
      )}
      <div className="stage-name">
        {renaming ? (
          <RenameForm
            label={t("settings.stages.name_of", { name: stage.name })}
            value={stage.name}
            busy={patch.isPending}
            error={fieldErrors(patch.error, "0").name}
            onSave={(name) => patch.mutate({ name })}
            onCancel={() => setRenaming(false)}
          />
        ) : (
          <>
            <span>{stage.name}</span>
            {system ? <span className="settings-badge settings-badge-muted">{t("settings.stages.system")}</span> : null}
          </>
        )}
      </div>
      {!renaming ? (
        <div className="settings-actions stage-actions">
          <IconButton label={t("settings.stages.rename", { name: stage.name })} icon="✎" onClick={() => setRenaming(true)} />
          {!system ? (
            <>
              <IconButton
                label={t("settings.stages.move_up", { name: stage.name })}
                icon="↑"
                aria-disabled={props.first || undefined}
                onClick={() => !props.first && props.onMove(-1)}
              />
              <IconButton
                label={t("settings.stages.move_down", { name: stage.name })}
                icon="↓"
                aria-disabled={props.last || undefined}
                onClick={() => !props.last && props.onMove(1)}
              />
              <IconButton label={t("settings.stages.delete", { name: stage.name })} icon="✕" onClick={() => setDeleting(true)} />
            </>
          ) : null}
        </div>
      ) : null}
      <Dialog open={colouring} onClose={() => setColouring(false)} title={t("settings.stages.colour_title", { name: stage.name })} size="small">
        <div className="palette" role="group" aria-label={t("settings.stages.colour")}>
          {PALETTE.map((colour) => (
            <button
              key={colour}
              type="button"
              className="palette-swatch"
              style={{ background: colour }}
              aria-label={colour}
              aria-pressed={colour === stage.color}
              disabled={patch.isPending}
              onClick={() => patch.mutate({ color: colour })}
            />
          ))}
        </div>
      </Dialog>
      <ConfirmDialog
        open={deleting}
        title={t("settings.stages.delete", { name: stage.name })}
        message={t("settings.stages.delete_confirm", { name: stage.name })}
        confirm={t("common.delete")}
        busy={remove.isPending}
        onConfirm={() => remove.mutate(undefined, { onSettled: () => setDeleting(false) })}
        onClose={() => setDeleting(false)}
      />
    </>
  );
}

function AddStageForm({ pipeline, stages }: { pipeline: Pipeline; stages: Stage[] }) {
  const t = useT();
  const [name, setName] = useState("");
  const add = useSettingsMutation({
    run: (stageName: string) =>
      unwrap(
        api.POST("/api/v4/leads/pipelines/{pipeline_id}/statuses", {
          params: { path: { pipeline_id: pipeline.id } },
          body: [{ name: stageName, color: nextColor(stages) as (typeof PALETTE)[number] }],
        }),
      ),
    touches: TOUCHES,
    done: (_, stageName) => t("settings.stages.added", { name: stageName }),
    onSuccess: () => setName(""),
  });
  const full = stages.length >= MAX_STAGES;
  return (
    <form
      className="settings-inline-form"
      onSubmit={(event) => {
        event.preventDefault();
        if (name.trim()) add.mutate(name.trim());
      }}
    >
      <TextField
        label={t("settings.stages.new")}
        value={name}
        maxLength={255}
        disabled={full}
        hint={full ? t("settings.stages.limit", { max: MAX_STAGES }) : undefined}
        error={fieldErrors(add.error, "0").name}
        onChange={(event) => setName(event.target.value)}
      />
      <Button type="submit" variant="primary" busy={add.isPending} disabled={full || !name.trim()}>
        {t("settings.stages.add")}
      </Button>
    </form>
  );
}
