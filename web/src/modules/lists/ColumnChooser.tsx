// Which columns the list shows (the name always): a dialog of checkboxes, remembered in this browser.
import { useState } from "react";

import { useT } from "../../i18n";
import { Button, Checkbox, Dialog } from "../../ui";
import { toggleColumn, type Column } from "./columns";

interface Props {
  columns: readonly Column[];
  chosen: readonly string[];
  onChange: (keys: string[]) => void;
  onReset: () => void;
}

export function ColumnChooser({ columns, chosen, onChange, onReset }: Props) {
  const t = useT();
  const [open, setOpen] = useState(false);
  const shown = new Set(chosen);
  const choosable = columns.filter((column) => column.key !== "name");
  const toggle = (key: string) => onChange(toggleColumn(chosen, key));
  return (
    <>
      <Button onClick={() => setOpen(true)} icon={<span aria-hidden="true">▦</span>}>
        {t("lists.columns")}
      </Button>
      <Dialog
        open={open}
        onClose={() => setOpen(false)}
        title={t("lists.columns_title")}
        size="small"
        footer={
          <>
            <Button variant="ghost" onClick={onReset}>
              {t("lists.columns_reset")}
            </Button>
            <Button variant="primary" onClick={() => setOpen(false)}>
              {t("common.close")}
            </Button>
          </>
        }
      >
        <fieldset className="list-columns">
          <legend className="visually-hidden">{t("lists.columns_title")}</legend>
          {choosable.map((column) => (
            <Checkbox
              key={column.key}
              label={column.label}
              checked={shown.has(column.key)}
              onChange={() => toggle(column.key)}
            />
          ))}
        </fieldset>
      </Dialog>
    </>
  );
}
