// The rights matrix of the users and roles screens ↔ the API's rights object (spec §4.3).
// Letters: A all, G group, M own (main: the user is responsible), D none. `add` takes only A or D.
// A dependent action may not be broader than what it depends on (edit ≤ view, delete ≤ view and edit,
// export ≤ view), as the API checks; stage rights narrow a lead's rights in one pipeline stage.
import type { components } from "../../api/client";

export type RightsOut = components["schemas"]["RightsOut"];
export type RightsIn = components["schemas"]["RightsIn"];
export type Letter = "A" | "G" | "M" | "D";

export const ENTITIES = ["leads", "contacts", "companies", "tasks"] as const;
export type Entity = (typeof ENTITIES)[number];
export const ACTIONS = ["view", "edit", "add", "delete", "export"] as const;
export type Action = (typeof ACTIONS)[number];
export const STAGE_ACTIONS = ["view", "edit", "delete", "export"] as const;
export type StageAction = (typeof STAGE_ACTIONS)[number];

export const LETTERS: readonly Letter[] = ["A", "G", "M", "D"];
/** The letters an action may take. */
export function lettersFor(action: Action): readonly Letter[] {
  return action === "add" ? ["A", "D"] : LETTERS;
}

const STRICTNESS: Record<Letter, number> = { A: 0, G: 2, M: 3, D: 4 };
const DEPENDS_ON: Partial<Record<Action, readonly Action[]>> = {
  edit: ["view"],
  delete: ["view", "edit"],
  export: ["view"],
};

export type EntityRights = Record<Action, Letter>;
export type StageRights = Partial<Record<StageAction, Letter>>;

export interface Matrix {
  entities: Record<Entity, EntityRights>;
  /** Keyed by stageKey(pipelineId, statusId); an action left out follows the entity's letter. */
  stages: Record<string, StageRights>;
}

export function stageKey(pipelineId: number, statusId: number): string {
  return `${pipelineId}:${statusId}`;
}

function isLetter(value: unknown): value is Letter {
  return value === "A" || value === "G" || value === "M" || value === "D";
}

/** Everything allowed: a new role's or user's starting point. */
export function fullMatrix(): Matrix {
  const row = (): EntityRights => ({ view: "A", edit: "A", add: "A", delete: "A", export: "A" });
  return { entities: { leads: row(), contacts: row(), companies: row(), tasks: row() }, stages: {} };
}

/** The matrix of a rights object as the API answers it (missing letters are "none", as the server reads them). */
export function toMatrix(rights: Pick<RightsOut, Entity | "status_rights">): Matrix {
  const matrix = fullMatrix();
  for (const entity of ENTITIES) {
    const given = (rights[entity] ?? {}) as Partial<Record<Action, unknown>>;
    for (const action of ACTIONS) {
      const letter = given[action];
      matrix.entities[entity][action] = isLetter(letter) ? letter : "D";
    }
  }
  for (const entry of rights.status_rights ?? []) {
    const stage: StageRights = {};
    for (const action of STAGE_ACTIONS) {
      const letter = (entry.rights as Partial<Record<StageAction, unknown>>)[action];
      if (isLetter(letter)) stage[action] = letter;
    }
    if (Object.keys(stage).length) matrix.stages[stageKey(entry.pipeline_id, entry.status_id)] = stage;
  }
  return matrix;
}

/** The rights object to send: every entity's five letters and the stage rights as a whole (stages with no
 * letter left out). mail_access and catalog_access are not part of the matrix: not sent, they stay. */
export function toRightsIn(matrix: Matrix): RightsIn {
  const status_rights = Object.entries(matrix.stages)
    .filter(([, stage]) => STAGE_ACTIONS.some((action) => stage[action]))
    .map(([key, stage]) => {
      const [pipeline_id, status_id] = key.split(":").map(Number) as [number, number];
      const rights: StageRights = {};
      for (const action of STAGE_ACTIONS) if (stage[action]) rights[action] = stage[action];
      return { entity_type: "leads", pipeline_id, status_id, rights };
    })
    .sort((a, b) => a.pipeline_id - b.pipeline_id || a.status_id - b.status_id);
  const copy = (entity: Entity) => {
    const row = matrix.entities[entity];
    return { ...row, add: row.add === "A" ? ("A" as const) : ("D" as const) }; // add is all or none
  };
  return {
    leads: copy("leads"),
    contacts: copy("contacts"),
    companies: copy("companies"),
    tasks: copy("tasks"),
    status_rights,
  };
}

/** The cells that break the dependency rule, keyed `entity.action` (what the API would refuse). */
export function dependencyErrors(matrix: Matrix): Record<string, { action: Action; prerequisite: Action }> {
  const errors: Record<string, { action: Action; prerequisite: Action }> = {};
  for (const entity of ENTITIES) {
    const row = matrix.entities[entity];
    for (const action of ACTIONS) {
      for (const prerequisite of DEPENDS_ON[action] ?? []) {
        if (STRICTNESS[row[action]] < STRICTNESS[row[prerequisite]]) {
          errors[`${entity}.${action}`] ??= { action, prerequisite };
        }
      }
    }
  }
  return errors;
}

/** Set one cell, narrowing the actions that depend on it so the row stays valid (choosing "view: none"
 * also makes edit, delete and export none), as a person filling the matrix expects. */
export function setLetter(matrix: Matrix, entity: Entity, action: Action, letter: Letter): Matrix {
  const row: EntityRights = { ...matrix.entities[entity], [action]: letter };
  let changed = true;
  while (changed) {
    changed = false;
    for (const dependent of ACTIONS) {
      for (const prerequisite of DEPENDS_ON[dependent] ?? []) {
        if (STRICTNESS[row[dependent]] < STRICTNESS[row[prerequisite]]) {
          row[dependent] = row[prerequisite];
          changed = true;
        }
      }
    }
  }
  return { ...matrix, entities: { ...matrix.entities, [entity]: row } };
}

/** Set (or clear, with null) one stage's letter for an action. */
export function setStageLetter(matrix: Matrix, key: string, action: StageAction, letter: Letter | null): Matrix {
  const stage: StageRights = { ...(matrix.stages[key] ?? {}) };
  if (letter) stage[action] = letter;
  else delete stage[action];
  const stages = { ...matrix.stages };
  if (Object.keys(stage).length) stages[key] = stage;
  else delete stages[key];
  return { ...matrix, stages };
}

/** Give every entity the same letter in every action (a row of "all" or "none" at once). */
export function setAll(matrix: Matrix, letter: "A" | "D"): Matrix {
  const entities = { ...matrix.entities };
  for (const entity of ENTITIES) entities[entity] = { view: letter, edit: letter, add: letter, delete: letter, export: letter };
  return { ...matrix, entities };
}
