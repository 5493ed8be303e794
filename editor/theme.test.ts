import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { resolveTheme, storedTheme, systemTheme, themeStorageKey } from './theme.ts';

const css = readFileSync(new URL('./styles.css', import.meta.url), 'utf8');

/** The custom properties one rule block declares, e.g. `:root {` or `:root[data-theme='light'] {`. */
function variables(selector: string): Map<string, string> {
  const start = css.indexOf(`${selector} {`);
  if (start < 0) throw new Error(`no ${selector} block in styles.css`);
  const block = css.slice(start, css.indexOf('}', start));
  return new Map([...block.matchAll(/(--[\w-]+):\s*([^;]+);/g)].map((m) => [m[1]!, m[2]!.trim()]));
}

/** WCAG relative luminance of a #rrggbb colour. */
function luminance(hex: string): number {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) throw new Error(`not a #rrggbb colour: ${hex}`);
  const [r, g, b] = m.slice(1).map((h) => {
    const c = parseInt(h, 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

const dark = variables(':root');
const light = new Map([...dark, ...variables(":root[data-theme='light']")]);

describe('theme colours', () => {
  it('gives every dark variable a light value, so nothing stays dark in the light theme', () => {
    const lightOwn = variables(":root[data-theme='light']");
    const colours = [...dark].filter(([, v]) => /^#|^rgba?\(/.test(v)).map(([k]) => k);
    expect(colours.filter((k) => !lightOwn.has(k))).toEqual([]);
  });

  for (const [name, vars] of [['dark', dark], ['light', light]] as const) {
    it(`keeps text legible on the main surfaces of the ${name} theme`, () => {
      const surfaces = ['--bg', '--panel', '--panel-2', '--panel-3', '--node-bg'];
      for (const s of surfaces) {
        // Body text: WCAG AAA; second-level and muted text: AA for normal text.
        expect(contrast(vars.get('--text')!, vars.get(s)!), `--text on ${s}`).toBeGreaterThanOrEqual(7);
        expect(contrast(vars.get('--text-2')!, vars.get(s)!), `--text-2 on ${s}`).toBeGreaterThanOrEqual(4.5);
        expect(contrast(vars.get('--muted')!, vars.get(s)!), `--muted on ${s}`).toBeGreaterThanOrEqual(4.5);
      }
      expect(contrast(vars.get('--err-text')!, vars.get('--err-bg')!), 'error banner').toBeGreaterThanOrEqual(4.5);
      expect(contrast(vars.get('--warn-text')!, vars.get('--warn-bg')!), 'warning banner').toBeGreaterThanOrEqual(4.5);
      expect(contrast(vars.get('--note-text')!, vars.get('--note-bg')!), 'comment note').toBeGreaterThanOrEqual(7);
      expect(contrast(vars.get('--accent-text')!, vars.get('--panel')!), 'accent text').toBeGreaterThanOrEqual(4.5);
      // The focus ring must stand out from what it surrounds (WCAG 2.2 non-text contrast).
      expect(contrast(vars.get('--focus-ring')!, vars.get('--panel')!), 'focus ring').toBeGreaterThanOrEqual(3);
    });
  }
});

describe('theme choice', () => {
  const store = (value: string | null) => ({ getItem: (k: string) => (k === themeStorageKey ? value : null) });

  it('follows the system until the user picks, then keeps the pick', () => {
    expect(resolveTheme(storedTheme(store(null)), 'light')).toBe('light');
    expect(resolveTheme(storedTheme(store('dark')), 'light')).toBe('dark');
    expect(resolveTheme(storedTheme(store('light')), 'dark')).toBe('light');
  });

  it('ignores a stored value it does not know, and storage that throws', () => {
    expect(storedTheme(store('sepia'))).toBeNull();
    expect(storedTheme({ getItem: () => { throw new Error('denied'); } })).toBeNull();
    expect(storedTheme(undefined)).toBeNull();
  });

  it('reads the system preference, dark when there is none', () => {
    expect(systemTheme((q) => ({ matches: q === '(prefers-color-scheme: light)' }))).toBe('light');
    expect(systemTheme(() => ({ matches: false }))).toBe('dark');
    expect(systemTheme(undefined)).toBe('dark');
  });
});
