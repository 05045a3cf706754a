/**
 * The colour theme: the one chosen with the header's toggle (kept in localStorage), else the system's
 * (prefers-color-scheme, followed as it changes). Applied as `data-theme` on <html>, which styles.css reads.
 */
export type Theme = "light" | "dark";

const storageKey = "edge-rag-chat.theme";
const systemDark = window.matchMedia("(prefers-color-scheme: dark)");
const listeners = new Set<() => void>();

function isTheme(value: unknown): value is Theme {
  return value === "light" || value === "dark";
}

function readChoice(): Theme | null {
  try {
    const stored = window.localStorage.getItem(storageKey);
    return isTheme(stored) ? stored : null;
  } catch {
    // Storage unavailable: the choice lasts for this page only.
    return null;
  }
}

let choice: Theme | null = readChoice();

export function getTheme(): Theme {
  return choice ?? (systemDark.matches ? "dark" : "light");
}

function apply(): void {
  document.documentElement.dataset.theme = getTheme();
  for (const listener of listeners) listener();
}

export function setTheme(theme: Theme): void {
  choice = theme;
  try {
    window.localStorage.setItem(storageKey, theme);
  } catch {
    // See readChoice.
  }
  apply();
}

export function subscribeTheme(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Applies the theme now (before the first render, so the page does not flash) and whenever the system's changes. */
export function startTheme(): void {
  apply();
  systemDark.addEventListener("change", apply);
}
