// A new task: type, what to do, the card it belongs to (optional), who does it and by when.
import { useState, type FormEvent } from "react";

import { errorMessage, fieldErrors } from "../../api/problem";
import { useT } from "../../i18n";
import { Button, Dialog, Select, TextArea, TextField, useToast } from "../../ui";
import type { NewTask } from "./api";
import { EntityPicker, type PickedEntity } from "./EntityPicker";
import type { TaskType, User } from "./lookups";
import { addDays, endOfDay, fromInputValue, toInputValue } from "./time";

export interface AddTaskDialogProps {
  open: boolean;
  onClose: () => void;
  onAdd: (task: NewTask) => Promise<unknown>;
  types: readonly TaskType[];
  users: readonly User[];
  /** Preselected responsible user. */
  responsibleId: number;
  timeZone: string;
  now: number;
}

/** The default deadline: the end of today, or of tomorrow when today is almost over. */
export function defaultDeadline(now: number, timeZone: string): number {
  const today = endOfDay(now, timeZone);
  return today - now >= 15 * 60 ? today : endOfDay(addDays(now, 1, timeZone), timeZone);
}

export function AddTaskDialog(props: AddTaskDialogProps) {
  return props.open ? <OpenAddTaskDialog {...props} /> : null;
}

function OpenAddTaskDialog({ onClose, onAdd, types, users, responsibleId, timeZone, now }: AddTaskDialogProps) {
  const t = useT();
  const toast = useToast();
  const [typeId, setTypeId] = useState(String(types[0]?.id ?? 1));
  const [text, setText] = useState("");
  const [responsible, setResponsible] = useState(String(responsibleId));
  const [deadline, setDeadline] = useState(() => toInputValue(defaultDeadline(now, timeZone), timeZone));
  const [entity, setEntity] = useState<PickedEntity | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    const completeTill = fromInputValue(deadline, timeZone);
    const local: Record<string, string> = {};
    if (!text.trim()) local.text = t("tasks.error.text");
    if (completeTill === null) local.complete_till = t("tasks.error.deadline");
    setErrors(local);
    if (Object.keys(local).length || completeTill === null) return;
    setBusy(true);
    try {
      await onAdd({
        text: text.trim(),
        complete_till: completeTill,
        task_type_id: Number(typeId),
        responsible_user_id: Number(responsible),
        entity_id: entity?.id ?? null,
        entity_type: entity?.type ?? null,
      });
      toast({ message: t("tasks.added"), kind: "success" });
      onClose();
    } catch (failure) {
      const fields = fieldErrors(failure, "0");
      setErrors(Object.keys(fields).length ? fields : { "": errorMessage(failure, t("tasks.error.save")) });
      setBusy(false);
    }
  }

  const active = users.filter((user) => user.rights.is_active || user.id === responsibleId);
  const people = active.length ? active.map((user) => ({ value: user.id, label: user.name }))
    : [{ value: responsibleId, label: t("tasks.filter.me") }];
  return (
    <Dialog
      open
      onClose={onClose}
      title={t("tasks.add.title")}
      footer={
        <>
          <Button onClick={onClose}>{t("common.cancel")}</Button>
          <Button type="submit" form="add-task-form" variant="primary" busy={busy}>
            {t("tasks.add.submit")}
          </Button>
        </>
      }
    >
      <form id="add-task-form" className="task-form" onSubmit={submit} noValidate>
        {errors[""] ? <p className="field-error" role="alert">{errors[""]}</p> : null}
        <Select
          label={t("tasks.add.type")}
          value={typeId}
          onChange={(event) => setTypeId(event.target.value)}
          options={types.map((type) => ({ value: type.id, label: type.name }))}
          error={errors.task_type_id}
        />
        <TextArea
          label={t("tasks.add.text")}
          value={text}
          onChange={(event) => setText(event.target.value)}
          required
          error={errors.text}
        />
        <div className="task-form-row">
          <TextField
            type="datetime-local"
            label={t("tasks.add.deadline")}
            hint={t("tasks.add.zone_hint", { zone: timeZone })}
            value={deadline}
            onChange={(event) => setDeadline(event.target.value)}
            required
            error={errors.complete_till}
          />
          <Select
            label={t("tasks.add.responsible")}
            value={responsible}
            onChange={(event) => setResponsible(event.target.value)}
            options={people}
            error={errors.responsible_user_id}
          />
        </div>
        <EntityPicker value={entity} onChange={setEntity} error={errors.entity_id ?? errors.entity_type} />
      </form>
    </Dialog>
  );
}
