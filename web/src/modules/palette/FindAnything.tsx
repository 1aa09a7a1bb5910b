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

function SearchIcon() {
  return (
    <svg className="palette-launch-icon" viewBox="0 0 20 20" width="16" height="16" aria-hidden="true" focusable="false">
      <circle cx="8.5" cy="8.5" r="5.5" fill="none" stroke="currentColor" strokeWidth="2" />
      <path d="M12.5 12.5 L17 17" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
    </svg>
  );
}

export function FindAnything() {
  const t = useT();
  const [open, setOpen] = useState(false);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!isPaletteShortcut(event)) return;
      event.preventDefault();
      // Not over another dialog (a form being filled in): that one is closed first.
      if (!document.querySelector('[role="dialog"][aria-modal="true"]')) setOpen(true);
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
        <SearchIcon />
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
