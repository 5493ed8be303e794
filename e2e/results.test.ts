import { readFileSync } from 'node:fs';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useApp } from './setup.ts';
import { nodeCount, runAndWait } from './ui.ts';

const e2e = useApp();

/**
 * Count pixels of a chart's canvases: those differing from the top-left pixel (anything drawn), or
 * those close to `rgb` (a series of that colour). Each canvas is copied to a scratch canvas made for
 * reading, so the chart's own canvases never get slow readbacks (Chrome warns about those).
 */
function countPixels(chart: Locator, rgb: [number, number, number] | null = null): Promise<number> {
  return chart.locator('canvas').evaluateAll((canvases, colour) => {
    let best = 0;
    let total = 0;
    for (const c of canvases as HTMLCanvasElement[]) {
      if (!c.width || !c.height) continue;
      const scratch = document.createElement('canvas');
      scratch.width = c.width;
      scratch.height = c.height;
      const ctx = scratch.getContext('2d', { willReadFrequently: true })!;
      ctx.drawImage(c, 0, 0);
      const data = ctx.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (colour) {
          if (data[i + 3]! > 200 && Math.abs(data[i]! - colour[0]) < 24 && Math.abs(data[i + 1]! - colour[1]) < 24 && Math.abs(data[i + 2]! - colour[2]) < 24) n++;
        } else if (data[i + 3]! > 0 && (data[i] !== data[0] || data[i + 1] !== data[1] || data[i + 2] !== data[2])) n++;
      }
      best = Math.max(best, n);
      total += n;
    }
    return colour ? total : best;
  }, rgb);
}
const drawnPixels = (chart: Locator) => countPixels(chart);
const pixelsOfColour = (chart: Locator, rgb: [number, number, number]) => countPixels(chart, rgb);

/** Start a strategy from a template (from the first-start gallery, or the Strategies menu once strategies exist) and run it. */
async function runTemplate(page: Page, id: string, nodes: number): Promise<void> {
  await page.getByTestId('strategy-menu').waitFor({ timeout: 30_000 });
  const gallery = page.getByTestId('template-gallery');
  await expect.poll(async () => (await gallery.count()) > 0 || (await page.getByTestId('strategy-name').inputValue()) !== 'Untitled strategy', { timeout: 30_000 }).toBe(true);
  if (await gallery.count()) {
    await page.getByTestId(`use-template-${id}`).click();
  } else {
    await page.getByTestId('strategy-menu').click();
    await page.getByTestId('new-from-template').click();
    await page.getByTestId(`template-option-${id}`).click();
    await page.getByTestId('template-use').click();
  }
  await expect.poll(() => nodeCount(page), { timeout: 15_000 }).toBe(nodes);
  await expect.poll(() => page.getByTestId('compile-status').getAttribute('data-status'), { timeout: 15_000 }).toBe('ok');
  await runAndWait(page);
}

const numeric = (text: string | null) => Number((text ?? '').replace(/[,\s%+]/g, '').replace('−', '-'));

describe('results of a backtest', () => {
  it('charts a template run: candles, trade markers and EMA overlays; zooming in fetches finer candles; an oscillator opens a pane', async () => {
    const { page, shot, finish } = await e2e.open('results');
    await runTemplate(page, 'trend-following', 12);

    // The overview: headline metrics beside equity with its drawdown pane.
    await expect.poll(() => drawnPixels(page.getByTestId('equity-chart')), { timeout: 10_000 }).toBeGreaterThan(500);
    await page.getByTestId('dock-expand').click();
    await expect.poll(async () => (await page.getByTestId('dock').boundingBox())?.height ?? 0).toBeGreaterThan(450);
    await shot();

    await page.getByTestId('tab-chart').click();
    const chart = page.getByTestId('price-chart');
    await expect.poll(() => chart.getAttribute('data-candles'), { timeout: 30_000 }).not.toBe('0');
    // 5,000 bars do not fit in 1,500 candles: each candle is 4 bars, and it says so.
    expect(await chart.getAttribute('data-bars-per-candle')).toBe('4');
    expect(await page.getByTestId('chart-resolution').textContent()).toBe('1 candle = 4 bars · 5,000 of 5,000 bars');
    expect(Number(await chart.getAttribute('data-markers'))).toBeGreaterThan(0);
    const fast = page.getByTestId('legend-emaFast.value');
    expect(await fast.textContent()).toBe('EMA fast');
    expect(await fast.getAttribute('aria-pressed')).toBe('true');
    expect(await page.getByTestId('legend-emaSlow.value').textContent()).toBe('EMA slow');
    await expect.poll(() => drawnPixels(chart), { timeout: 10_000 }).toBeGreaterThan(5000);
    // The first overlay's colour (#f5c542) is on the canvas, and goes when its chip hides it.
    const canvas = page.getByTestId('price-chart-canvas');
    await expect.poll(() => pixelsOfColour(canvas, [245, 197, 66])).toBeGreaterThan(200);
    await fast.click();
    expect(await fast.getAttribute('aria-pressed')).toBe('false');
    await expect.poll(() => pixelsOfColour(canvas, [245, 197, 66])).toBeLessThan(20);
    await fast.click();
    await expect.poll(() => pixelsOfColour(canvas, [245, 197, 66])).toBeGreaterThan(200);

    // Hovering a candle reads out its prices.
    const box = (await canvas.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.4);
    await expect.poll(() => page.getByTestId('chart-hover').textContent()).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\dO [\d,.]+ H [\d,.]+ L [\d,.]+ C [\d,.]+/);
    await shot();

    // Zoom in with the wheel, a notch at a time as a trader does: once the visible candles are few, the
    // chart fetches the window in view with finer candles, down to every bar.
    const perCandle = async () => Number(await chart.getAttribute('data-bars-per-candle'));
    for (let i = 0; i < 40 && (await perCandle()) !== 1; i++) {
      await page.mouse.wheel(0, -240);
      await page.waitForTimeout(400);
    }
    await expect.poll(perCandle, { timeout: 15_000 }).toBe(1);
    await expect.poll(() => chart.getAttribute('data-loading')).toBe('false');
    const windowBars = Number((await page.getByTestId('chart-resolution').textContent())!.match(/^every bar · ([\d,]+) of 5,000 bars$/)![1]!.replace(/,/g, ''));
    // The window fetched is what was in view plus half of it either side: hundreds of bars, not the run.
    expect(windowBars).toBeGreaterThan(200);
    expect(windowBars).toBeLessThanOrEqual(1500);
    await shot();

    // ADX is an oscillator: offered in the menu, drawn in its own pane when ticked, gone when unticked.
    // (lightweight-charts lays panes out as table rows, with a separator row between two panes.)
    const rowsBefore = await canvas.locator('table tr').count();
    await page.getByTestId('oscillator-menu').click();
    await page.getByTestId('oscillator-adx.adx').check();
    await expect.poll(() => page.getByTestId('oscillator-menu').textContent()).toContain('· 1');
    await page.keyboard.press('Escape');
    await expect.poll(() => canvas.locator('table tr').count(), { timeout: 15_000 }).toBe(rowsBefore + 2);
    // The view stayed where it was: still every bar of the zoomed window.
    expect(await perCandle()).toBe(1);
    await expect.poll(() => pixelsOfColour(canvas, [179, 157, 219])).toBeGreaterThan(100);
    await shot();
    await page.getByTestId('oscillator-menu').click();
    await page.getByTestId('oscillator-adx.adx').uncheck();
    await page.keyboard.press('Escape');
    await expect.poll(() => canvas.locator('table tr').count(), { timeout: 15_000 }).toBe(rowsBefore);

    await page.getByTestId('chart-reset').click();
    await expect.poll(() => chart.getAttribute('data-bars-per-candle'), { timeout: 15_000 }).toBe('4');

    // Every metric, grouped, with a tooltip saying what it means.
    await page.getByTestId('tab-metrics').click();
    const table = page.getByTestId('metrics-table');
    await table.waitFor();
    expect(await table.locator('.metrics-row').count()).toBe(21);
    expect(await page.getByTestId('metrics-row-sharpe').locator('dt').getAttribute('title')).toContain('standard deviation');
    expect(await page.getByTestId('metrics-row-maxDrawdown').locator('dd').textContent()).toMatch(/^-\d+\.\d\d %$/);
    await shot();
    await finish();
  });

  it('sorts and filters the trade list and exports exactly what is shown as CSV', async () => {
    const { page, shot, finish } = await e2e.open('trades');
    // The narrowest width the editor supports: the toolbar and the table must still fit.
    await page.setViewportSize({ width: 1280, height: 800 });
    await runTemplate(page, 'rsi-with-stop', 9);
    await page.getByTestId('dock-expand').click();
    await page.getByTestId('tab-trades').click();
    const rows = page.locator('[data-testid="trades-table"] tbody tr');
    await rows.first().waitFor();
    const total = await rows.count();
    expect(total).toBeGreaterThan(5);
    expect(await page.getByTestId('trades-count').textContent()).toBe(`${total} trades`);

    // Sort by PnL, largest first, then flip.
    const pnl = () => page.locator('[data-testid="trades-table"] tbody tr td:nth-child(10)').allTextContents();
    await page.getByTestId('sort-pnl').click();
    let values = (await pnl()).map(numeric);
    expect(values).toEqual([...values].sort((a, b) => b - a));
    expect(await page.getByTestId('sort-pnl').locator('xpath=..').getAttribute('aria-sort')).toBe('descending');
    await page.getByTestId('sort-pnl').click();
    values = (await pnl()).map(numeric);
    expect(values).toEqual([...values].sort((a, b) => a - b));

    // Losses only, then only those closed by the stop-loss.
    await page.getByTestId('filter-pnl').locator('[data-value="loss"]').click();
    values = (await pnl()).map(numeric);
    expect(values.length).toBeGreaterThan(0);
    expect(values.length).toBeLessThan(total);
    expect(values.every((v) => v < 0)).toBe(true);
    expect(await page.getByTestId('trades-count').textContent()).toBe(`${values.length} of ${total}`);
    const exits = await page.getByTestId('filter-exit').locator('option').allTextContents();
    expect(exits[0]).toBe('Any');
    expect(exits).toContain('Stop-loss');
    await page.getByTestId('filter-exit').selectOption('stopLoss');
    const shown = await rows.count();
    expect(shown).toBeGreaterThan(0);
    expect(await page.locator('[data-testid="trades-table"] tbody .exit-reason').allTextContents()).toEqual(Array(shown).fill('Stop-loss'));
    await shot();

    // The download holds the rows shown, in the order shown.
    const numbers = await rows.locator('td:first-child').allTextContents();
    const shownPnl = (await pnl()).map(numeric);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
    expect(download.suggestedFilename()).toMatch(/^trades-[0-9a-f]{8}-filtered\.csv$/);
    const text = readFileSync((await download.path())!, 'utf8');
    const lines = text.trimEnd().split('\r\n');
    expect(lines[0]).toBe('trade,side,entry_time,exit_time,quantity,entry_price,exit_price,pnl,return_pct,bars,exit');
    expect(lines).toHaveLength(shown + 1);
    const cells = lines.slice(1).map((l) => l.split(','));
    expect(cells.map((c) => c[0])).toEqual(numbers);
    expect(cells.every((c) => c[1] === 'long' && c[10] === 'stopLoss' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:00\.000Z$/.test(c[2]!))).toBe(true);
    cells.forEach((c, i) => expect(Number(c[7])).toBeCloseTo(shownPnl[i]!, 1));

    // Clearing the filters brings every trade back.
    await page.getByTestId('filter-exit').selectOption('all');
    await page.getByTestId('filter-pnl').locator('[data-value="all"]').click();
    expect(await rows.count()).toBe(total);
    await shot();

    // In a 1024 × 700 window the toolbar wraps inside the panel: Export is in reach (it sat past the right
    // edge), and the table's header sticks below the taller toolbar.
    await page.setViewportSize({ width: 1024, height: 700 });
    const exportBox = (await page.getByTestId('export-csv').boundingBox())!;
    expect(exportBox.x + exportBox.width).toBeLessThanOrEqual(1024);
    const toolbarBox = (await page.locator('.trades-toolbar').boundingBox())!;
    const headBox = (await page.locator('[data-testid="trades-table"] thead th').first().boundingBox())!;
    expect(headBox.y).toBeGreaterThanOrEqual(toolbarBox.y + toolbarBox.height - 1);
    const [narrow] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
    expect(narrow.suggestedFilename()).toMatch(/^trades-[0-9a-f]{8}\.csv$/);
    await shot();
    await finish();
  });
});
