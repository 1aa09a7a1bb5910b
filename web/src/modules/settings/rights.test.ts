import { describe, expect, it } from "vitest";

import {
  dependencyErrors,
  fullMatrix,
  setAll,
  setLetter,
  setStageLetter,
  stageKey,
  toMatrix,
  toRightsIn,
  type RightsOut,
} from "./rights";

const answered: RightsOut = {
  leads: { view: "G", edit: "M", add: "A", delete: "D", export: "G" },
  contacts: { view: "A", edit: "A", add: "D", delete: "A", export: "A" },
  companies: { view: "M", edit: "M", add: "A", delete: "M", export: "M" },
  tasks: { view: "A", edit: "A", add: "A", delete: "A", export: "A" },
  mail_access: true,
  catalog_access: false,
  status_rights: [
    { entity_type: "leads", pipeline_id: 7, status_id: 142, rights: { view: "D" } },
    { entity_type: "leads", pipeline_id: 3, status_id: 1001, rights: { edit: "M", delete: "M" } },
    { entity_type: "leads", pipeline_id: 3, status_id: 1002, rights: {} },
  ],
  catalog_rights: [],
};

describe("rights matrix", () => {
  it("reads the API's rights object and writes it back unchanged", () => {
    const matrix = toMatrix(answered);
    expect(matrix.entities.leads).toEqual(answered.leads);
    expect(matrix.stages).toEqual({ "7:142": { view: "D" }, "3:1001": { edit: "M", delete: "M" } });
    expect(toRightsIn(matrix)).toEqual({
      leads: answered.leads,
      contacts: answered.contacts,
      companies: answered.companies,
      tasks: answered.tasks,
      status_rights: [
        { entity_type: "leads", pipeline_id: 3, status_id: 1001, rights: { edit: "M", delete: "M" } },
        { entity_type: "leads", pipeline_id: 7, status_id: 142, rights: { view: "D" } },
      ],
    });
  });

  it("takes a missing or unknown letter as none, as the server does", () => {
    const partial = { ...answered, tasks: { edit: "A", delete: "X" } } as unknown as RightsOut;
    expect(toMatrix(partial).entities.tasks).toEqual({ view: "D", edit: "A", add: "D", delete: "D", export: "D" });
  });

  it("finds the cells broader than what they depend on", () => {
    const matrix = fullMatrix();
    matrix.entities.leads = { view: "M", edit: "A", add: "A", delete: "G", export: "M" };
    expect(dependencyErrors(matrix)).toEqual({
      "leads.edit": { action: "edit", prerequisite: "view" },
      "leads.delete": { action: "delete", prerequisite: "view" },
    });
    expect(dependencyErrors(fullMatrix())).toEqual({});
  });

  it("narrows the dependent actions when a prerequisite narrows, and never widens them", () => {
    let matrix = setLetter(fullMatrix(), "contacts", "view", "G");
    expect(matrix.entities.contacts).toEqual({ view: "G", edit: "G", add: "A", delete: "G", export: "G" });
    matrix = setLetter(matrix, "contacts", "edit", "D");
    expect(matrix.entities.contacts).toEqual({ view: "G", edit: "D", add: "A", delete: "D", export: "G" });
    matrix = setLetter(matrix, "contacts", "view", "A");
    expect(matrix.entities.contacts).toEqual({ view: "A", edit: "D", add: "A", delete: "D", export: "G" });
    expect(dependencyErrors(matrix)).toEqual({});
    expect(fullMatrix().entities.contacts.view).toBe("A"); // the input is never changed
  });

  it("sets and clears stage letters, dropping stages left with none", () => {
    const key = stageKey(5, 1003);
    let matrix = setStageLetter(fullMatrix(), key, "view", "M");
    matrix = setStageLetter(matrix, key, "edit", "D");
    expect(toRightsIn(matrix).status_rights).toEqual([
      { entity_type: "leads", pipeline_id: 5, status_id: 1003, rights: { view: "M", edit: "D" } },
    ]);
    matrix = setStageLetter(setStageLetter(matrix, key, "view", null), key, "edit", null);
    expect(matrix.stages).toEqual({});
    expect(toRightsIn(matrix).status_rights).toEqual([]);
  });

  it("sets every entity at once", () => {
    const none = setAll(fullMatrix(), "D");
    expect(Object.values(none.entities).every((row) => Object.values(row).every((l) => l === "D"))).toBe(true);
  });
});
