// A card's tags: shown as chips, removed one by one, added from the account's tags or as a new one.
import { useState } from "react";

import { errorMessage } from "../../api/problem";
import { useT } from "../../i18n";
import { Button, IconButton, useToast } from "../../ui";
import type { Entity, Kind, Tag } from "./kinds";
import { searchTags } from "./links";
import { Picker } from "./Picker";
import { useSave } from "./Predefined";

/** Kommo's tag colours are a fixed palette (6-hex, no #); unknown ones get the default chip. */
function chipStyle(tag: Tag) {
  if (!tag.color || !/^[0-9a-f]{6}$/i.test(tag.color)) return undefined;
  const [r, g, b] = [0, 2, 4].map((at) => parseInt(tag.color!.slice(at, at + 2), 16));
  const light = 0.299 * r! + 0.587 * g! + 0.114 * b! > 150;
  return { background: `#${tag.color}`, color: light ? "#1d2733" : "#ffffff" };
}

export function Tags({ kind, entity }: { kind: Kind; entity: Entity }) {
  const t = useT();
  const toast = useToast();
  const save = useSave(kind, entity.id);
  const [adding, setAdding] = useState(false);
  const [closed, setClosed] = useState(false); // the search box was closed: the focus goes back to its button
  const tags = ((entity._embedded?.tags ?? []) as Tag[]).slice().sort((a, b) => a.name.localeCompare(b.name));

  async function change(body: Parameters<typeof save>[0]) {
    try {
      await save(body);
    } catch (failure) {
      toast({ kind: "error", message: errorMessage(failure, t("cards.save_failed")) });
      throw failure;
    }
  }

  return (
    <div className="card-tags">
      <ul className="tag-list" aria-label={t("cards.tags")}>
        {tags.map((tag) => (
          <li key={tag.id} className="tag-chip" style={chipStyle(tag)}>
            <span>{tag.name}</span>
            <IconButton
              label={t("cards.tag_remove", { name: tag.name })}
              icon="✕"
              onClick={() => void change({ tags_to_delete: [{ id: tag.id }] }).catch(() => undefined)}
            />
          </li>
        ))}
      </ul>
      {adding ? (
        <Picker
          label={t("cards.tag_add")}
          placeholder={t("cards.tag_placeholder")}
          scope={["cards", "tags", kind]}
          searchEmpty
          createFirst
          autoFocus
          search={(text) =>
            searchTags(
              kind,
              text,
              tags.map((tag) => tag.id),
            )
          }
          onPick={(option) => change({ tags_to_add: [{ id: option.id }] })}
          onCreate={(name) => change({ tags_to_add: [{ name }] })}
          createLabel={(name) => t("cards.tag_create", { name })}
          onClose={(byKey) => {
            setAdding(false);
            setClosed(byKey);
          }}
        />
      ) : (
        <Button variant="ghost" className="tag-add" autoFocus={closed} onClick={() => setAdding(true)}>
          + {t("cards.tag_add")}
        </Button>
      )}
    </div>
  );
}
