import { useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { mySettingsKey, settingsApi, type Theme } from '../api/settings';

/** The last theme applied, so a reload paints in it before the settings have loaded. */
const STORED = 'apicechat.theme';
const dark = window.matchMedia('(prefers-color-scheme: dark)');

const resolve = (theme: Theme) => (theme === 'system' ? (dark.matches ? 'dark' : 'light') : theme);

/** Sets data-theme on <html>: the CSS variables of styles.css follow it over the whole app. */
export function applyTheme(theme: Theme) {
  document.documentElement.dataset.theme = resolve(theme);
  document.documentElement.dataset.themeSetting = theme;
  localStorage.setItem(STORED, theme);
}

/** At start-up, before React renders: the theme of the last visit. */
export function applyStoredTheme() {
  const stored = localStorage.getItem(STORED);
  applyTheme(stored === 'light' || stored === 'dark' ? stored : 'system');
}

/** Keeps the page in the logged-in user's theme, following the system's while it is "system". */
export function useUserTheme() {
  const settings = useQuery({ queryKey: mySettingsKey, queryFn: settingsApi.mine });
  const theme = settings.data?.theme;
  useEffect(() => {
    if (!theme) return;
    applyTheme(theme);
    if (theme !== 'system') return;
    const follow = () => applyTheme('system');
    dark.addEventListener('change', follow);
    return () => dark.removeEventListener('change', follow);
  }, [theme]);
}
