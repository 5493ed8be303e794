import { describe, expect, it } from 'vitest';
import { useApp } from './setup.ts';
import { buildCrossover, clickEmptyCanvas, metric, runAndWait } from './ui.ts';

const e2e = useApp();

const money = (text: string) => Number(text.replace(/[^\d.−-]/g, '').replace('−', '-'));

describe('backtest settings', () => {
  it('edits commission in the schema form, saves it with the strategy, and the run uses it', async () => {
    const { page, shot, finish } = await e2e.open('settings');
    await page.getByTestId('empty-hint').waitFor({ timeout: 30_000 });
    await buildCrossover(page);

    // The Settings button shows the form, even with a node selected, and puts the cursor in it.
    await page.getByTestId('settings-button').click();
    const settings = page.getByTestId('strategy-settings');
    await settings.waitFor();
    const commission = settings.locator('[data-testid="param-commissionBps"]');
    expect(await settings.textContent()).toContain('Commission (bps)');

    // Inline validation from the schema's limits; an invalid value is never applied.
    await commission.fill('-1');
    await expect.poll(() => settings.getByTestId('param-error-commissionBps').textContent()).toBe('must be at least 0');
    await commission.fill('2000');
    await expect.poll(() => settings.getByTestId('param-error-commissionBps').textContent()).toBe('must be at most 1000');
    await shot();

    await commission.fill('0');
    await expect.poll(() => page.getByTestId('run-settings').textContent()).toContain('Fee 0 bps');
    await runAndWait(page);
    const free = money(await metric(page, 'finalEquity'));
    await shot();

    await commission.fill('50');
    await expect.poll(() => page.getByTestId('run-settings').textContent()).toContain('Fee 50 bps');
    await runAndWait(page);
    const costly = money(await metric(page, 'finalEquity'));
    await shot();
    expect(costly).toBeLessThan(free);

    // Saved with the strategy (the run saved it first).
    await expect.poll(() => page.getByTestId('save-state').textContent()).toBe('Saved');
    const [saved] = await e2e.strategies();
    expect(saved!.graph.settings?.commissionBps).toBe(50);

    // Undo covers settings too.
    await clickEmptyCanvas(page);
    await page.keyboard.press('Control+z');
    await expect.poll(() => commission.inputValue()).toBe('0');

    await finish();
  });

  it('draws the results charts in the light theme, switching live when the theme toggles', async () => {
    // The app reopens the crossover the test before saved.
    const { page, shot, finish } = await e2e.open('settings-light-charts');
    await page.locator('.react-flow__node-strategy').first().waitFor({ timeout: 30_000 });
    await runAndWait(page);
    const equity = page.getByTestId('equity-chart');
    await equity.locator('canvas').first().waitFor();
    expect(await equity.getAttribute('data-chart-theme')).toBe('dark');
    const ink = () => equity.evaluate((el) => {
      // The chart's own pixels: the axis labels and grid drawn on its canvases, averaged to one brightness.
      let sum = 0;
      let n = 0;
      for (const c of el.querySelectorAll('canvas')) {
        const ctx = c.getContext('2d');
        if (!ctx || c.width === 0 || c.height === 0) continue;
        const data = ctx.getImageData(0, 0, c.width, c.height).data;
        for (let i = 0; i < data.length; i += 4) {
          if (data[i + 3]! < 200) continue;
          sum += (data[i]! + data[i + 1]! + data[i + 2]!) / 3;
          n++;
        }
      }
      return n ? sum / n : null;
    });
    const darkInk = await ink();

    await page.getByTestId('theme-toggle').click();
    await expect.poll(() => equity.getAttribute('data-chart-theme')).toBe('light');
    await equity.locator('canvas').first().waitFor();
    await page.waitForTimeout(300);
    const lightInk = await ink();
    // Redrawn for a white panel: its opaque pixels (grid, labels, fills) differ from the dark ones.
    expect(darkInk).not.toBeNull();
    expect(lightInk).not.toBeNull();
    expect(Math.abs(lightInk! - darkInk!)).toBeGreaterThan(10);
    await shot();

    // The candlestick chart opens in the light theme and follows a switch back without losing its place.
    await page.getByTestId('tab-chart').click();
    const price = page.getByTestId('price-chart');
    await expect.poll(() => price.getAttribute('data-candles').then(Number), { timeout: 15_000 }).toBeGreaterThan(0);
    expect(await price.getAttribute('data-chart-theme')).toBe('light');
    await page.waitForTimeout(300);
    await shot();
    await page.getByTestId('theme-toggle').click();
    await expect.poll(() => price.getAttribute('data-chart-theme')).toBe('dark');
    expect(Number(await price.getAttribute('data-candles'))).toBeGreaterThan(0);
    await finish();
  });
});
