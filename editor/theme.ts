import { createContext, useCallback, useContext, useEffect, useLayoutEffect, useState } from 'react';

/**
 * Dark or light. The whole look lives in CSS variables (styles.css); the theme is one attribute on the
 * root element that swaps their values. Until the user picks one, the system's preference decides and
 * is followed live; once picked, the choice is kept in localStorage.
 */
export type Theme = 'dark' | 'light';

export const themeStorageKey = 'tradeloom.theme';

/** A stored choice, or null when the user never picked one (or storage holds something else). */
export function storedTheme(storage: Pick<Storage, 'getItem'> | undefined): Theme | null {
  try {
    const value = storage?.getItem(themeStorageKey);
    return value === 'dark' || value === 'light' ? value : null;
  } catch {
    return null;
  }
}

/** The system's preference; dark when it states none, as a trading desk is. */
export function systemTheme(matchMedia: ((query: string) => { matches: boolean }) | undefined): Theme {
  return matchMedia?.('(prefers-color-scheme: light)').matches ? 'light' : 'dark';
}

/** The theme to show: the user's choice, else the system's. */
export function resolveTheme(stored: Theme | null, system: Theme): Theme {
  return stored ?? system;
}

export function applyTheme(theme: Theme, root: HTMLElement = document.documentElement): void {
  root.dataset.theme = theme;
  root.style.colorScheme = theme;
}

const media = () => (typeof window !== 'undefined' && typeof window.matchMedia === 'function' ? window.matchMedia.bind(window) : undefined);
const storage = () => (typeof window !== 'undefined' ? window.localStorage : undefined);

/** The current theme and a toggle that remembers the user's choice. */
export function useTheme(): { theme: Theme; toggle: () => void } {
  const [chosen, setChosen] = useState<Theme | null>(() => storedTheme(storage()));
  const [system, setSystem] = useState<Theme>(() => systemTheme(media()));
  const theme = resolveTheme(chosen, system);

  // Before paint, so a light-theme user never sees a dark frame.
  useLayoutEffect(() => applyTheme(theme), [theme]);

  // Follow the system while the user has not chosen.
  useEffect(() => {
    const query = media()?.('(prefers-color-scheme: light)');
    if (!query || typeof query.addEventListener !== 'function') return;
    const onChange = () => setSystem(systemTheme(media()));
    query.addEventListener('change', onChange);
    return () => query.removeEventListener('change', onChange);
  }, []);

  const toggle = useCallback(() => {
    const next: Theme = theme === 'dark' ? 'light' : 'dark';
    setChosen(next);
    try {
      storage()?.setItem(themeStorageKey, next);
    } catch {
      // Private mode may refuse storage: the theme still changes for this visit.
    }
  }, [theme]);

  return { theme, toggle };
}

/** The theme in effect, for components that draw with colours outside CSS (charts). */
export const ThemeContext = createContext<Theme>('dark');

export function useThemeValue(): Theme {
  return useContext(ThemeContext);
}
