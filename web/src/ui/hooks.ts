// Small generic hooks of the kit.
import { useEffect, useRef, useState } from "react";

/** `value`, once it has stayed the same for `delay` ms (typing into a search box). */
export function useDebouncedValue<T>(value: T, delay: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = window.setTimeout(() => setSettled(value), delay);
    return () => window.clearTimeout(timer);
  }, [value, delay]);
  return settled;
}

/** A search box's text: follows `value` (the page URL's), and calls `onSearch` with the trimmed text once the
 * typing settles for 300 ms (not when `value` itself changes) or at once on `submit()` (Enter). */
export function useSearchText(value: string, onSearch: (text: string) => void) {
  const [text, setText] = useState(value);
  const settled = useDebouncedValue(text, 300);
  const latest = useRef({ value, onSearch });
  latest.current = { value, onSearch };
  useEffect(() => setText(value), [value]);
  useEffect(() => {
    if (settled.trim() !== latest.current.value) latest.current.onSearch(settled.trim());
  }, [settled]);
  return { text, setText, submit: () => onSearch(text.trim()) };
}

/** Whether a CSS media query matches now, kept up to date: `useMediaQuery("(max-width: 700px)")`. */
export function useMediaQuery(query: string): boolean {
  const read = () => typeof window !== "undefined" && typeof window.matchMedia === "function" && window.matchMedia(query).matches;
  const [matches, setMatches] = useState(read);
  useEffect(() => {
    if (typeof window.matchMedia !== "function") return;
    const list = window.matchMedia(query);
    const onChange = () => setMatches(list.matches);
    onChange();
    list.addEventListener("change", onChange);
    return () => list.removeEventListener("change", onChange);
  }, [query]);
  return matches;
}
