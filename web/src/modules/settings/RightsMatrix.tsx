// The rights matrix: entities × actions, each all / group / own / none (add: all or none), and the rights per
// lead stage of every pipeline, which narrow the leads' rights in that stage. A narrower prerequisite narrows
// what depends on it (view → edit, delete, export), so the matrix the API gets is always valid.
import { useId } from "react";

import { useT, type MessageKey } from "../../i18n";
import { Button } from "../../ui";
import { useLetterNames } from "./parts";
import {
  ACTIONS,
  dependencyErrors,
  ENTITIES,
  lettersFor,
  LETTERS,
  setAll,
  setLetter,
  setStageLetter,
  STAGE_ACTIONS,
  stageKey,
  type Letter,
  type Matrix,
} from "./rights";
import { ordered, type Pipeline } from "./stages";

export function RightsMatrix(props: {
  matrix: Matrix;
  onChange: (matrix: Matrix) => void;
  pipelines: Pipeline[];
  /** Read-only (an administrator's rights, or a role's shown on a user that holds it). */
  readOnly?: boolean;
  /** The API's errors, keyed by path (`rights.leads.edit`). */
  errors?: Record<string, string>;
}) {
  const { matrix, readOnly } = props;
  const t = useT();
  const names = useLetterNames();
  const captionId = useId();
  const local = dependencyErrors(matrix);
  const messages = [
    ...Object.entries(local).map(([cell, { action, prerequisite }]) =>
      t("settings.rights.broader", {
        entity: t(`settings.rights.entity_${cell.split(".")[0]}` as MessageKey),
        action: t(`settings.rights.action_${action}`),
        prerequisite: t(`settings.rights.action_${prerequisite}`),
      }),
    ),
    ...Object.entries(props.errors ?? {}).filter(([path]) => path.startsWith("rights.")).map(([, message]) => message),
  ];
  return (
    <div className="rights">
      <table className="rights-matrix" aria-describedby={captionId}>
        <caption id={captionId}>{t("settings.rights.caption")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("settings.rights.entity")}</th>
            {ACTIONS.map((action) => (
              <th key={action} scope="col">{t(`settings.rights.action_${action}`)}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {ENTITIES.map((entity) => (
            <tr key={entity}>
              <th scope="row">{t(`settings.rights.entity_${entity}`)}</th>
              {ACTIONS.map((action) => {
                const letter = matrix.entities[entity][action];
                const invalid = `${entity}.${action}` in local || `rights.${entity}.${action}` in (props.errors ?? {});
                return (
                  <td key={action}>
                    <select
                      className={`rights-cell rights-${letter}`}
                      aria-label={t("settings.rights.cell", {
                        entity: t(`settings.rights.entity_${entity}`),
                        action: t(`settings.rights.action_${action}`),
                      })}
                      value={letter}
                      disabled={readOnly}
                      aria-invalid={invalid || undefined}
                      data-testid={`rights-${entity}-${action}`}
                      onChange={(event) => props.onChange(setLetter(matrix, entity, action, event.target.value as Letter))}
                    >
                      {lettersFor(action).map((option) => (
                        <option key={option} value={option}>{names[option]}</option>
                      ))}
                    </select>
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      {messages.length ? (
        <ul className="rights-errors" role="alert">
          {messages.map((message) => <li key={message}>{message}</li>)}
        </ul>
      ) : null}
      {!readOnly ? (
        <div className="settings-actions">
          <Button variant="ghost" onClick={() => props.onChange(setAll(matrix, "A"))}>{t("settings.rights.all_allowed")}</Button>
          <Button variant="ghost" onClick={() => props.onChange(setAll(matrix, "D"))}>{t("settings.rights.all_denied")}</Button>
        </div>
      ) : null}
      <StageRights {...props} />
    </div>
  );
}

function StageRights({ matrix, onChange, pipelines, readOnly }: { matrix: Matrix; onChange: (m: Matrix) => void; pipelines: Pipeline[]; readOnly?: boolean }) {
  const t = useT();
  const names = useLetterNames();
  const count = Object.keys(matrix.stages).length;
  return (
    <details className="rights-stages" open={count > 0}>
      <summary>{t("settings.rights.stages", { count })}</summary>
      <p className="settings-hint">{t("settings.rights.stages_hint")}</p>
      {pipelines.map((pipeline) => (
        <table key={pipeline.id} className="rights-matrix rights-stage-table">
          <caption>{pipeline.name}</caption>
          <thead>
            <tr>
              <th scope="col">{t("settings.rights.stage")}</th>
              {STAGE_ACTIONS.map((action) => <th key={action} scope="col">{t(`settings.rights.action_${action}`)}</th>)}
            </tr>
          </thead>
          <tbody>
            {ordered(pipeline._embedded.statuses).map((stage) => {
              const key = stageKey(pipeline.id, stage.id);
              return (
                <tr key={key}>
                  <th scope="row">{stage.name}</th>
                  {STAGE_ACTIONS.map((action) => (
                    <td key={action}>
                      <select
                        className="rights-cell"
                        aria-label={t("settings.rights.stage_cell", { pipeline: pipeline.name, stage: stage.name, action: t(`settings.rights.action_${action}`) })}
                        value={matrix.stages[key]?.[action] ?? ""}
                        disabled={readOnly}
                        onChange={(event) => onChange(setStageLetter(matrix, key, action, (event.target.value || null) as Letter | null))}
                      >
                        <option value="">{t("settings.rights.stage_inherit")}</option>
                        {LETTERS.map((letter) => <option key={letter} value={letter}>{names[letter]}</option>)}
                      </select>
                    </td>
                  ))}
                </tr>
              );
            })}
          </tbody>
        </table>
      ))}
    </details>
  );
}
