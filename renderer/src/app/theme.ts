/**
 * Light, dark, or as the system says (the default); remembered. The resolved theme is set as `data-theme` on <html>,
 * so the CSS has one palette per theme, and 'system' follows the system's setting as it changes.
 */
export const THEMES = ['system', 'light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];

const STORAGE_KEY = 'smb.theme';
const systemDark = matchMedia('(prefers-color-scheme: dark)');

export function storedTheme(): Theme {
  const stored = localStorage.getItem(STORAGE_KEY);
  return THEMES.find((t) => t === stored) ?? 'system';
}

/** Applies the theme now and, for 'system', whenever the system's changes; returns the function that stops that. */
export function applyTheme(theme: Theme): () => void {
  localStorage.setItem(STORAGE_KEY, theme);
  const apply = () => {
    document.documentElement.dataset.theme = theme === 'system' ? (systemDark.matches ? 'dark' : 'light') : theme;
  };
  apply();
  if (theme !== 'system') return () => {};
  systemDark.addEventListener('change', apply);
  return () => systemDark.removeEventListener('change', apply);
}
