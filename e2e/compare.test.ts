import type { Locator } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Run } from '../editor/api.ts';
import { useApp } from './setup.ts';
import { nodeCount, runAndWait, runRows } from './ui.ts';

const e2e = useApp();

/** Pixels of a chart's canvases close to `rgb`, read from a scratch copy so Chrome does not warn about readbacks. */
function pixelsOfColour(chart: Locator, rgb: [number, number, number]): Promise<number> {
  return chart.locator('canvas').evaluateAll((canvases, [r, g, b]) => {
    let count = 0;
    for (const c of canvases as HTMLCanvasElement[]) {
      if (!c.width || !c.height) continue;
      const scratch = document.createElement('canvas');
      scratch.width = c.width;
      scratch.height = c.height;
      const ctx = scratch.getContext('2d', { willReadFrequently: true })!;
      ctx.drawImage(c, 0, 0);
      const data = ctx.getImageData(0, 0, c.width, c.height).data;
      for (let i = 0; i < data.length; i += 4) if (data[i + 3]! > 200 && Math.abs(data[i]! - r!) < 24 && Math.abs(data[i + 1]! - g!) < 24 && Math.abs(data[i + 2]! - b!) < 24) count++;
    }
    return count;
  }, rgb);
}

describe('comparing two runs', () => {
  it('runs a template on two seeds, ticks both runs in the history and compares metrics and equity side by side', async () => {
    const { page, shot, finish } = await e2e.open('compare');
    await page.getByTestId('template-gallery').waitFor({ timeout: 30_000 });
    await page.getByTestId('use-template-trend-following').click();
    await expect.poll(() => nodeCount(page), { timeout: 15_000 }).toBe(12);
    await expect.poll(() => page.getByTestId('compile-status').getAttribute('data-status'), { timeout: 15_000 }).toBe('ok');
    await runAndWait(page);

    // One run only: nothing to compare yet, and the history says how to get there.
    let rows = await runRows(page);
    expect(await rows.count()).toBe(1);
    expect(await page.getByTestId('compare-hint').textContent()).toBe('Run the strategy twice to compare two runs.');

    await page.getByTestId('data-synthetic').click();
    await page.getByTestId('seed-input').fill('7');
    await runAndWait(page);
    rows = await runRows(page);
    expect(await rows.count()).toBe(2);
    await page.getByTestId('dock-expand').click();

    const compare = page.getByTestId('compare-button');
    expect(await compare.isDisabled()).toBe(true);
    await rows.nth(0).getByTestId('compare-pick').check();
    expect(await page.getByTestId('compare-hint').textContent()).toBe('Tick two finished runs to compare them (1 of 2).');
    expect(await compare.isDisabled()).toBe(true);
    await rows.nth(1).getByTestId('compare-pick').check();
    expect(await compare.isDisabled()).toBe(false);
    // Ticking does not open the run: the row click does, and the picks stay on this tab.
    expect(await page.getByTestId('run-history').isVisible()).toBe(true);
    await shot();

    const [newer, older] = await Promise.all([0, 1].map(async (i) => {
      const id = (await rows.nth(i).getAttribute('data-run-id'))!;
      return (await (await fetch(`${e2e.app.url}/api/runs/${id}`)).json()) as Run;
    }));
    await compare.click();
    const view = page.getByTestId('compare-view');
    await view.waitFor();
    // A is the older run (the graph's seed 42), B the newer one (seed 7).
    expect(await page.getByTestId('compare-a').textContent()).toContain('seed 42');
    expect(await page.getByTestId('compare-b').textContent()).toContain('seed 7');

    const table = page.getByTestId('compare-metrics');
    await table.waitFor({ timeout: 15_000 });
    expect(await table.locator('tbody tr').count()).toBe(21);
    const a = older!.metrics!;
    const b = newer!.metrics!;
    const row = (key: string) => page.getByTestId(`compare-row-${key}`);
    // Higher return is better, a deeper drawdown worse; the trade count is neither.
    expect(await row('totalReturn').getAttribute('data-tone')).toBe(b.totalReturn > a.totalReturn ? 'better' : 'worse');
    expect(await row('maxDrawdown').getAttribute('data-tone')).toBe(b.maxDrawdown < a.maxDrawdown ? 'better' : 'worse');
    expect(await row('trades').getAttribute('data-tone')).toBe(b.trades === a.trades ? 'same' : 'neutral');
    const cells = await row('totalReturn').locator('td').allTextContents();
    expect(cells[0]).toBe('Total return');
    const pct = (v: number) => `${v > 0 ? '+' : ''}${v.toFixed(2)} %`;
    expect(cells[1]).toBe(pct(a.totalReturn));
    expect(cells[2]).toBe(pct(b.totalReturn));
    const delta = b.totalReturn - a.totalReturn;
    expect(cells[3]).toBe(`${delta > 0 ? '+' : '−'}${Math.abs(delta).toFixed(2)} pp`);

    // Both equity curves on one chart, in the two runs' colours.
    const chart = page.getByTestId('compare-chart');
    await expect.poll(() => pixelsOfColour(chart, [138, 180, 255]), { timeout: 10_000 }).toBeGreaterThan(150);
    await expect.poll(() => pixelsOfColour(chart, [245, 197, 66]), { timeout: 10_000 }).toBeGreaterThan(150);
    await shot();

    // Back to the history, picks kept.
    await page.getByTestId('compare-close').click();
    await page.getByTestId('run-history').waitFor();
    expect(await page.getByTestId('compare-pick').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).checked))).toEqual([true, true]);
    await finish();
  });
});
