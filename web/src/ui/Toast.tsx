// Short messages after an action: const toast = useToast(); toast({ message: t("…"), kind: "success" }).
// They are announced (aria-live), stay 5 s (errors 8 s) and can be dismissed.
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";

import { useT } from "../i18n";
import { IconButton } from "./Button";

export type ToastKind = "info" | "success" | "error";

export interface ToastInput {
  message: string;
  kind?: ToastKind;
}

interface ToastItem {
  id: number;
  message: string;
  kind: ToastKind;
}

const ToastContext = createContext<(toast: ToastInput) => void>(() => undefined);

export function useToast(): (toast: ToastInput) => void {
  return useContext(ToastContext);
}

export function ToastProvider({ children }: { children: ReactNode }) {
  const [items, setItems] = useState<ToastItem[]>([]);
  const next = useRef(1);
  const dismiss = useCallback((id: number) => setItems((current) => current.filter((item) => item.id !== id)), []);
  const show = useCallback((toast: ToastInput) => {
    const item = { id: next.current++, message: toast.message, kind: toast.kind ?? "info" };
    setItems((current) => [...current.slice(-4), item]);
  }, []);
  const value = useMemo(() => show, [show]);
  return (
    <ToastContext.Provider value={value}>
      {children}
      <div className="toasts" aria-live="polite" aria-relevant="additions">
        {items.map((item) => (
          <Toast key={item.id} item={item} onDismiss={dismiss} />
        ))}
      </div>
    </ToastContext.Provider>
  );
}

function Toast({ item, onDismiss }: { item: ToastItem; onDismiss: (id: number) => void }) {
  const t = useT();
  useEffect(() => {
    const timer = window.setTimeout(() => onDismiss(item.id), item.kind === "error" ? 8000 : 5000);
    return () => window.clearTimeout(timer);
  }, [item, onDismiss]);
  return (
    <div className={`toast toast-${item.kind}`} role={item.kind === "error" ? "alert" : "status"}>
      <span>{item.message}</span>
      <IconButton label={t("common.dismiss")} icon="✕" onClick={() => onDismiss(item.id)} />
    </div>
  );
}
