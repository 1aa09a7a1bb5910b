// The cards linked to this one (a lead's contacts and company, a contact's company and leads, a company's contacts
// and leads): each opens its own card; link an existing one found by search or a new one made inline; unlink.
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "react-router-dom";

import { errorMessage } from "../../api/problem";
import { useT, type MessageKey } from "../../i18n";
import { Button, IconButton, useFormat, useToast } from "../../ui";
import { cardKeys, refreshCard, usePipelines } from "./data";
import { cardPath, type Entity, type Kind, type Lead } from "./kinds";
import {
  createNamed,
  isMainContact,
  link,
  linkedIds,
  makeMainContact,
  searchCards,
  SLOTS,
  unlink,
  useLinked,
  type LinkSlot,
} from "./links";
import { Picker } from "./Picker";
import { stageLabel } from "./Predefined";

const TITLES: Record<Kind, { many: MessageKey; one: MessageKey; add: MessageKey; create: MessageKey }> = {
  contacts: {
    many: "cards.links.contacts",
    one: "cards.links.contact",
    add: "cards.links.add_contact",
    create: "cards.links.create_contact",
  },
  companies: {
    many: "cards.links.companies",
    one: "cards.links.company",
    add: "cards.links.add_company",
    create: "cards.links.create_company",
  },
  leads: {
    many: "cards.links.leads",
    one: "cards.links.lead",
    add: "cards.links.add_lead",
    create: "cards.links.create_lead",
  },
};

/** The first phone or email of a contact or company, to tell namesakes apart. */
function reachOf(entity: Entity): string | undefined {
  for (const code of ["PHONE", "EMAIL"]) {
    const value = entity.custom_fields_values?.find((field) => field.field_code === code)?.values[0]?.value;
    if (typeof value === "string" && value) return value;
  }
  return undefined;
}

function LinkSection({ kind, entity, slot }: { kind: Kind; entity: Entity; slot: LinkSlot }) {
  const t = useT();
  const toast = useToast();
  const format = useFormat();
  const client = useQueryClient();
  const pipelines = usePipelines();
  const ids = linkedIds(entity, slot.target);
  const linked = useLinked(slot.target, ids);
  const [adding, setAdding] = useState(false);
  const [closed, setClosed] = useState(false);
  const titles = TITLES[slot.target];
  const heading = t(slot.single ? titles.one : titles.many);

  /** Link or unlink, then read this card and the other one (`targetId`; a new card has nothing cached) again. */
  async function run(action: () => Promise<unknown>, targetId?: number) {
    try {
      await action();
      await Promise.all([
        refreshCard(client, kind, entity.id),
        targetId ? client.invalidateQueries({ queryKey: cardKeys.entity(slot.target, targetId) }) : null,
      ]);
    } catch (failure) {
      toast({ kind: "error", message: errorMessage(failure, t("cards.save_failed")) });
    }
  }

  function hint(card: Entity | undefined): string | undefined {
    if (!card) return undefined;
    if (slot.target !== "leads") return reachOf(card);
    const lead = card as Lead;
    return `${stageLabel(pipelines.data, lead.pipeline_id, lead.status_id)} · ${format.money(lead.price)}`;
  }

  return (
    <section className="card-links" aria-label={heading}>
      <h3 className="card-links-title">{heading}</h3>
      {ids.length === 0 ? <p className="card-links-empty">{t("cards.links.none")}</p> : null}
      <ul className="card-links-list">
        {ids.map((id) => {
          const card = linked.data?.find((item) => item.id === id);
          const name = card?.name || `#${id}`;
          return (
            <li key={id}>
              <div className="card-link-text">
                <Link to={cardPath(slot.target, id)}>{name}</Link>
                {kind === "leads" && slot.target === "contacts" && isMainContact(entity, id) ? (
                  <span className="badge">{t("cards.links.main")}</span>
                ) : null}
                {kind === "leads" && slot.target === "contacts" && ids.length > 1 && !isMainContact(entity, id) ? (
                  <Button
                    variant="ghost"
                    className="card-link-main"
                    aria-label={t("cards.links.make_main_label", { name })}
                    onClick={() => void run(() => makeMainContact(entity.id, id), id)}
                  >
                    {t("cards.links.make_main")}
                  </Button>
                ) : null}
                {hint(card) ? <small className="card-link-hint">{hint(card)}</small> : null}
              </div>
              <IconButton
                label={t("cards.links.unlink", { name })}
                icon="✕"
                onClick={() => void run(() => unlink(kind, entity.id, slot.target, id), id)}
              />
            </li>
          );
        })}
      </ul>
      {adding ? (
        <Picker
          label={t(titles.add)}
          placeholder={t("cards.links.search")}
          scope={["cards", "search", slot.target]}
          autoFocus
          search={(text) => searchCards(slot.target, text, ids)}
          onPick={(option) => run(() => link(kind, entity.id, slot.target, option.id), option.id)}
          onCreate={(name) =>
            run(async () => {
              const created = await createNamed(slot.target, name);
              await link(kind, entity.id, slot.target, created);
            })
          }
          createLabel={(name) => t(titles.create, { name })}
          onClose={(byKey) => {
            setAdding(false);
            setClosed(byKey);
          }}
        />
      ) : (
        <Button variant="ghost" autoFocus={closed} onClick={() => setAdding(true)}>
          + {t(titles.add)}
        </Button>
      )}
    </section>
  );
}

export function LinksPanel({ kind, entity }: { kind: Kind; entity: Entity }) {
  return (
    <div className="card-links-panel">
      {SLOTS[kind].map((slot) => (
        <LinkSection key={slot.target} kind={kind} entity={entity} slot={slot} />
      ))}
    </div>
  );
}
