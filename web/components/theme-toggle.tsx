import { useSyncExternalStore } from "react";
import { getTheme, setTheme, subscribeTheme } from "../lib/theme";

/** Switches between the light and dark theme; the choice is remembered in this browser. */
export function ThemeToggle() {
  const theme = useSyncExternalStore(subscribeTheme, getTheme);
  const dark = theme === "dark";
  return (
    <button
      type="button"
      className="button-quiet theme-toggle"
      data-testid="theme-toggle"
      aria-pressed={dark}
      onClick={() => setTheme(dark ? "light" : "dark")}
    >
      Dark theme
    </button>
  );
}
