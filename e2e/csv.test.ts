import { describe, expect, it } from 'vitest';
import { useApp } from './setup.ts';
import { buildCrossover, dropNode, runAndWait, runRows, selectNode } from './ui.ts';

const e2e = useApp();

const hour = 3600_000;
const start = Date.parse('2023-03-01T00:00:00Z');

/** Hourly OHLCV bars: a slow wave with a drift, so an SMA crossover has trends to trade. */
function csv(bars: number, poison?: { row: number; column: string }): string {
  const lines = ['time,open,high,low,close,volume'];
  let prev = 100;
  for (let i = 0; i < bars; i++) {
    const close = 100 + 0.02 * i + 8 * Math.sin(i / 18) + 1.5 * Math.sin(i / 3.7);
    const open = prev;
    const cells: Record<string, string> = {
      time: new Date(start + i * hour).toISOString(),
      open: open.toFixed(4),
      high: (Math.max(open, close) + 0.3).toFixed(4),
      low: (Math.min(open, close) - 0.3).toFixed(4),
      close: close.toFixed(4),
      volume: String(1000 + i),
    };
    if (poison?.row === i) cells[poison.column] = 'NaN';
    lines.push(['time', 'open', 'high', 'low', 'close', 'volume'].map((c) => cells[c]).join(','));
    prev = close;
  }
  return lines.join('\n') + '\n';
}

describe('uploaded CSV data', () => {
  it('uploads a CSV from the run panel, runs on it, and shows its bar count and dates; a bad file is refused with line and column', async () => {
    const { page, problems, shot, finish } = await e2e.open('csv');
    await page.getByTestId('empty-hint').waitFor({ timeout: 30_000 });
    await buildCrossover(page, { fast: '8', slow: '30' });

    await page.getByTestId('data-dataset').click();
    expect(await page.getByTestId('dataset-picker').count()).toBe(0);
    expect(await page.locator('.upload-button').textContent()).toBe('Upload CSV…');
    await page.getByTestId('run-upload').setInputFiles({ name: 'eth-1h.csv', mimeType: 'text/csv', buffer: Buffer.from(csv(300)) });
    await expect.poll(() => page.getByTestId('data-detail').textContent(), { timeout: 15_000 }).toBe('300 bars · 2023-03-01 → 2023-03-13 UTC');
    expect(await page.getByTestId('dataset-picker').locator('option:checked').textContent()).toBe('eth-1h.csv · 300 bars');
    await shot();

    await runAndWait(page);
    expect(await page.getByTestId('result-range').textContent()).toBe('2023-03-01 00:00 → 2023-03-13 11:00 UTC · 300 bars · warm-up 30');
    await shot();
    expect(await (await runRows(page)).first().textContent()).toContain('eth-1h.csv');
    await shot();

    // Row 4 of the data is line 5 of the file (the header is line 1).
    await page.getByTestId('run-upload').setInputFiles({ name: 'broken.csv', mimeType: 'text/csv', buffer: Buffer.from(csv(50, { row: 3, column: 'close' })) });
    const error = page.getByTestId('run-upload-error');
    await error.waitFor({ timeout: 15_000 });
    expect(await error.textContent()).toMatch(/^broken\.csv was refused: .*line 5, close: "NaN" is not a finite number/);
    // The refused file did not become a choice; the good one is still picked.
    expect(await page.getByTestId('dataset-picker').locator('option').count()).toBe(1);
    await shot();

    // A file too short for the strategy's warm-up uploads fine, but the run fails and says why.
    await page.getByTestId('run-upload').setInputFiles({ name: 'tiny.csv', mimeType: 'text/csv', buffer: Buffer.from(csv(20)) });
    await expect.poll(() => page.getByTestId('data-detail').textContent(), { timeout: 15_000 }).toMatch(/^20 bars/);
    expect(await page.getByTestId('run-upload-error').count()).toBe(0);
    await page.getByTestId('run-button').click();
    await expect.poll(() => page.getByTestId('run-progress').getAttribute('data-status'), { timeout: 60_000 }).toBe('failed');
    const ended = page.getByTestId('run-ended');
    await ended.waitFor();
    expect(await ended.textContent()).toContain('The run failed');
    expect(await page.getByTestId('run-error').textContent()).toMatch(/20 bars/);
    await shot();

    // A CSV bars node on the canvas names its file, not the dataset's id.
    const node = await dropNode(page, 'data.csv', 160, 520);
    await selectNode(page, node);
    const picker = page.locator('[data-testid="inspector"] [data-testid="param-dataset"]');
    await picker.selectOption((await picker.locator('option', { hasText: 'eth-1h.csv' }).getAttribute('value'))!);
    await expect.poll(() => page.locator(`.react-flow__node[data-id="${node}"] .tl-node-params`).textContent()).toBe('dataset eth-1h.csv');
    await shot();

    // While a file uploads the panel says so and Run waits: a run then would use the file chosen before it.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/api/datasets', async (route) => {
      if (route.request().method() === 'POST') await held;
      await route.continue();
    });
    await page.getByTestId('run-upload').setInputFiles({ name: 'eth-1h.csv', mimeType: 'text/csv', buffer: Buffer.from(csv(120)) });
    await page.getByTestId('upload-progress').waitFor();
    expect(await page.getByTestId('run-button').isDisabled()).toBe(true);
    expect(await page.getByTestId('run-button').textContent()).toBe('Uploading…');
    await shot();
    release();
    await expect.poll(() => page.getByTestId('data-detail').textContent(), { timeout: 15_000 }).toMatch(/^120 bars/);
    expect(await page.getByTestId('run-button').isDisabled()).toBe(false);
    await page.unroute('**/api/datasets');
    // Two uploads of one name are told apart by when they came.
    const labels = await page.getByTestId('dataset-picker').locator('option').allTextContents();
    expect(labels.filter((l) => l.startsWith('eth-1h.csv'))).toEqual([
      expect.stringMatching(/^eth-1h\.csv · 120 bars · uploaded \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/),
      expect.stringMatching(/^eth-1h\.csv · 300 bars · uploaded /),
    ]);

    // The deliberate 422 is the only failed request.
    expect(problems.filter((p) => p.includes('Failed to load resource'))).toHaveLength(1);
    await finish([422]);
  });
});
