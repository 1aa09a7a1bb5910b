// The header's "Find anything" button and its shortcut, Ctrl+K (⌘K on a Mac), anywhere in the app.
// The palette itself is a separate chunk, loaded the first time it opens.
import { lazy, Suspense, useEffect, useState } from "react";

import { useT } from "../../i18n";
import "./launcher.css";

const Palette = lazy(() => import("./Palette"));

/** Ctrl+K or ⌘K (not with Alt or Shift: those are other shortcuts). */
export function isPaletteShortcut(event: Pick<KeyboardEvent, "key" | "ctrlKey" | "metaKey" | "altKey" | "shiftKey">): boolean {
  return (event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey && event.key.toLowerCase() === "k";
}

const isMac = typeof navigator !== "undefined" && /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);

export function FindAnything() {
  const t = useT();
  const [open, setOpen] = useState(false);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!isPaletteShortcut(event)) return;
      event.preventDefault();
      setOpen(true);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);
  return (
    <>
      <button
        type="button"
        className="palette-launch"
        aria-label={t("palette.open")}
        aria-haspopup="dialog"
        aria-keyshortcuts="Control+K Meta+K"
        title={`${t("palette.open")} (${isMac ? "⌘K" : "Ctrl+K"})`}
        onClick={() => setOpen(true)}
      >
        <span aria-hidden="true" className="palette-launch-icon">⌕</span>
        <span aria-hidden="true" className="palette-launch-text">
          {t("palette.open")}
        </span>
        <kbd aria-hidden="true">{isMac ? "⌘K" : "Ctrl K"}</kbd>
      </button>
      {open ? (
        <Suspense fallback={null}>
          <Palette onClose={() => setOpen(false)} />
        </Suspense>
      ) : null}
    </>
  );
}
