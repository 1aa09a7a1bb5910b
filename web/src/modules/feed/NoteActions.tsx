// Fixing or removing a note of the feed: Edit (its text, PATCH /api/v4/{entity}/{id}/notes/{note_id}) and Delete
// (after a confirmation, DELETE of the same path). Only text notes ("common") are edited here; the API decides
// who may (the edit right on the card) and its refusal is shown as it says it.
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";

import { api, unwrap } from "../../api/client";
import { errorMessage } from "../../api/problem";
import { useT } from "../../i18n";
import { Button, Dialog, TextArea, useToast } from "../../ui";
import { cardKeys, kindPath } from "../cards/data";
import type { Kind } from "../cards/kinds";
import { formErrors } from "../cards/saveErrors";
import type { Note } from "./merge";
import { feedKeys } from "./useFeed";

/** Notes whose text the feed lets one change. */
export function isEditableNote(note: Pick<Note, "note_type">): boolean {
  return note.note_type === "common";
}

function noteText(note: Note): string {
  const text = (note.params as { text?: unknown } | null)?.text;
  return typeof text === "string" ? text : "";
}

export function NoteActions({ note, kind, id }: { note: Note; kind: Kind; id: number }) {
  const t = useT();
  const toast = useToast();
  const client = useQueryClient();
  const [dialog, setDialog] = useState<"edit" | "delete" | null>(null);
  const [text, setText] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const path = { params: { path: { entity_id: id, note_id: note.id } } };

  function open(which: "edit" | "delete") {
    setText(noteText(note));
    setError(null);
    setDialog(which);
  }

  async function run(work: () => Promise<unknown>, done: string) {
    setBusy(true);
    setError(null);
    try {
      await work();
      await Promise.all([
        client.invalidateQueries({ queryKey: feedKeys.card(kind, id) }),
        client.invalidateQueries({ queryKey: cardKeys.entity(kind, id) }),
      ]);
      setDialog(null);
      toast({ kind: "success", message: done });
    } catch (failure) {
      const fields = formErrors(failure);
      const message = fields["params.text"] ?? Object.values(fields)[0];
      if (message && dialog === "edit") setError(message);
      else toast({ kind: "error", message: errorMessage(failure, t("feed.save_failed")) });
    } finally {
      setBusy(false);
    }
  }

  function save() {
    if (!text.trim()) {
      setError(t("feed.note_empty"));
      return;
    }
    void run(
      () => unwrap(api.PATCH(kindPath(kind, "/api/v4/leads/{entity_id}/notes/{note_id}"), { ...path, body: { params: { text } } })),
      t("feed.note_saved"),
    );
  }

  function remove() {
    void run(() => unwrap(api.DELETE(kindPath(kind, "/api/v4/leads/{entity_id}/notes/{note_id}"), path)), t("feed.note_deleted"));
  }

  return (
    <span className="feed-note-actions">
      <Button variant="ghost" aria-label={t("feed.note_edit_label")} onClick={() => open("edit")}>
        {t("common.edit")}
      </Button>
      <Button variant="ghost" aria-label={t("feed.note_delete_label")} onClick={() => open("delete")}>
        {t("common.delete")}
      </Button>
      <Dialog
        open={dialog === "edit"}
        onClose={() => setDialog(null)}
        title={t("feed.note_edit_title")}
        size="small"
        footer={
          <>
            <Button onClick={() => setDialog(null)}>{t("common.cancel")}</Button>
            <Button variant="primary" busy={busy} onClick={save}>
              {t("common.save")}
            </Button>
          </>
        }
      >
        <TextArea
          label={t("feed.note_text")}
          value={text}
          error={error}
          rows={5}
          onChange={(event) => setText(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
              event.preventDefault();
              save();
            }
          }}
        />
      </Dialog>
      <Dialog
        open={dialog === "delete"}
        onClose={() => setDialog(null)}
        title={t("feed.note_delete_title")}
        size="small"
        footer={
          <>
            <Button onClick={() => setDialog(null)}>{t("common.cancel")}</Button>
            <Button variant="danger" busy={busy} onClick={remove}>
              {t("common.delete")}
            </Button>
          </>
        }
      >
        <p>{noteText(note) || t("feed.note.common")}</p>
      </Dialog>
    </span>
  );
}
