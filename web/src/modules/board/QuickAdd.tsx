// Adding a lead in a column: a name and a price, Enter saves, Esc closes. The API's validation messages show
// under their fields; the form stays open for the next lead.
import { useId, useRef, useState } from "react";

import { errorMessage, fieldErrors } from "../../api/problem";
import { useT } from "../../i18n";
import { Button, TextField, useToast } from "../../ui";
import { useQuickAdd, type BoardScope } from "./data";
import type { Stage } from "./model";

export function QuickAdd({ scope, stage, onDone }: { scope: BoardScope; stage: Stage; onDone: () => void }) {
  const t = useT();
  const toast = useToast();
  const id = useId();
  const add = useQuickAdd(scope);
  const [name, setName] = useState("");
  const [price, setPrice] = useState("");
  const form = useRef<HTMLFormElement>(null);
  const errors = add.isError ? fieldErrors(add.error, "0") : {};
  const priceError = price.trim() !== "" && !/^\d+$/.test(price.trim()) ? t("board.price_invalid") : null;

  function submit() {
    if (priceError) return;
    const text = name.trim();
    add.mutate(
      { name: text, price: price.trim() ? Number(price.trim()) : null, stageId: stage.id },
      {
        onSuccess: () => {
          toast({ kind: "success", message: t("board.added", { name: text || t("board.unnamed_new") }) });
          setName("");
          setPrice("");
          form.current?.querySelector<HTMLInputElement>("input")?.focus();
        },
        onError: (error) => {
          if (!Object.keys(fieldErrors(error, "0")).length) toast({ kind: "error", message: errorMessage(error, t("board.add_failed")) });
        },
      },
    );
  }

  return (
    <form
      ref={form}
      className="board-quick-add"
      aria-label={t("board.add_in", { name: stage.name })}
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
      onKeyDown={(event) => {
        if (event.key === "Escape") onDone();
      }}
    >
      <TextField
        id={`${id}-name`}
        label={t("board.name")}
        value={name}
        autoFocus
        maxLength={255}
        error={errors.name ?? null}
        onChange={(event) => setName(event.target.value)}
      />
      <TextField
        id={`${id}-price`}
        label={t("board.price")}
        inputMode="numeric"
        value={price}
        error={priceError ?? errors.price ?? null}
        onChange={(event) => setPrice(event.target.value)}
      />
      <div className="board-quick-add-buttons">
        <Button type="submit" variant="primary" busy={add.isPending}>
          {t("board.add")}
        </Button>
        <Button type="button" variant="ghost" onClick={onDone}>
          {t("common.close")}
        </Button>
      </div>
    </form>
  );
}
