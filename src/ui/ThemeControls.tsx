/**
 * Light, dark or the system's choice, and a presentation mode with large type for a projector:
 * both kept across reloads, both applied as attributes on <html> that styles.css reads.
 */
import { useEffect, useState } from 'react';

export type Theme = 'system' | 'light' | 'dark';
const THEME_KEY = 'lambda-workbench:theme';
const PRESENT_KEY = 'lambda-workbench:present';

function read(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function write(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // Storage refused: the choice holds until the page is closed.
  }
}

/** Applies the stored choices before the first render, so the page does not flash the other theme. */
export function applyStoredTheme(): void {
  const theme = read(THEME_KEY);
  if (theme === 'light' || theme === 'dark') document.documentElement.dataset.theme = theme;
  if (read(PRESENT_KEY) === 'on') document.documentElement.dataset.present = 'on';
}

export function ThemeControls() {
  const [theme, setTheme] = useState<Theme>(() => {
    const t = read(THEME_KEY);
    return t === 'light' || t === 'dark' ? t : 'system';
  });
  const [present, setPresent] = useState(() => read(PRESENT_KEY) === 'on');
  useEffect(() => {
    const root = document.documentElement;
    if (theme === 'system') delete root.dataset.theme;
    else root.dataset.theme = theme;
    write(THEME_KEY, theme);
  }, [theme]);
  useEffect(() => {
    const root = document.documentElement;
    if (present) root.dataset.present = 'on';
    else delete root.dataset.present;
    write(PRESENT_KEY, present ? 'on' : 'off');
  }, [present]);
  return (
    <div className="theme-controls">
      <label>
        Theme{' '}
        <select data-testid="theme" value={theme} onChange={(e) => setTheme(e.target.value as Theme)}>
          <option value="system">as the system</option>
          <option value="light">light</option>
          <option value="dark">dark</option>
        </select>
      </label>
      <button type="button" data-testid="presentation-mode" aria-pressed={present} title="Large type, for a projector" onClick={() => setPresent(!present)}>
        Presentation
      </button>
    </div>
  );
}
