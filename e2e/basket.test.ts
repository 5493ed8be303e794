import { describe, expect, it } from 'vitest';
import { useApp } from './setup.ts';
import { connect, dropNode, fitView, runAndWait, selectNode, setParam } from './ui.ts';

const e2e = useApp();

const hour = 3600_000;
const start = Date.parse('2024-02-01T00:00:00Z');

/**
 * Hourly OHLCV bars, a wave whose phase decides when this file leads, so a momentum rotation keeps
 * switching between the files; `holes` are hours the file has no bar for.
 */
function csv(phase: number, bars: number, holes: readonly number[] = []): string {
  const lines = ['time,open,high,low,close,volume'];
  for (let i = 0; i < bars; i++) {
    if (holes.includes(i)) continue;
    const at = (k: number) => 100 + 12 * Math.sin(k / 30 + phase) + 0.01 * k;
    const open = at(i - 1);
    const close = at(i);
    lines.push([new Date(start + i * hour).toISOString(), open.toFixed(4), (Math.max(open, close) + 0.25).toFixed(4), (Math.min(open, close) - 0.25).toFixed(4), close.toFixed(4), 1000 + i].join(','));
  }
  return lines.join('\n') + '\n';
}

describe('a CSV basket', () => {
  it('uploads two CSVs into a basket node, runs a momentum rotation on them and shows trades and charts for both symbols', async () => {
    const { page, shot, finish } = await e2e.open('basket');
    await page.getByTestId('empty-hint').waitFor({ timeout: 30_000 });

    // Momentum rotation: rate of change → top 1 → equal weight → rebalance, on a basket of uploaded files.
    const data = await dropNode(page, 'data.csvBasket', 110, 120);
    const roc = await dropNode(page, 'indicator.roc', 340, 120);
    const top = await dropNode(page, 'portfolio.topN', 570, 120);
    const weights = await dropNode(page, 'portfolio.weights', 340, 330);
    const rebalance = await dropNode(page, 'order.rebalance', 570, 330);
    await setParam(page, roc, 'period', '20');
    // Hold only the leader, so the strategy rotates from one file to the other.
    await setParam(page, top, 'count', '1');
    await fitView(page);
    const wires: [[string, string], [string, string]][] = [
      [[data, 'close'], [roc, 'source']],
      [[roc, 'value'], [top, 'score']],
      [[top, 'selected'], [weights, 'selected']],
      [[weights, 'weight'], [rebalance, 'weight']],
    ];
    for (const [i, [from, to]] of wires.entries()) {
      await connect(page, from, to);
      await page.waitForFunction((n) => document.querySelectorAll('.react-flow__edge').length === n, i + 1);
    }

    // Nothing uploaded yet: the basket says so, and the graph does not compile until files are picked.
    await selectNode(page, data);
    const field = page.getByTestId('param-datasets');
    await field.getByTestId('basket-empty').waitFor();
    expect(await field.getByTestId('basket-count').textContent()).toBe('none chosen');
    await page.getByTestId('compile-status').and(page.locator('[data-status="errors"]')).waitFor({ timeout: 15_000 });
    await shot();

    // Both files at once; each becomes a symbol named after its file and is ticked.
    await field.getByTestId('basket-upload').setInputFiles([
      { name: 'alpha-1h.csv', mimeType: 'text/csv', buffer: Buffer.from(csv(0, 400)) },
      // Beta has a few hours missing: those are skipped for beta alone.
      { name: 'beta-1h.csv', mimeType: 'text/csv', buffer: Buffer.from(csv(Math.PI, 400, [150, 151, 152])) },
    ]);
    await expect.poll(() => field.getByTestId('basket-count').textContent(), { timeout: 15_000 }).toBe('2 symbols');
    const rows = field.getByTestId('basket-row');
    expect(await rows.count()).toBe(2);
    // Listed in the basket's order (the order they were added, the symbols' order), not newest first.
    await expect.poll(() => field.locator('.basket-row.is-on .basket-name').allTextContents()).toEqual(['alpha-1h.csv', 'beta-1h.csv']);
    expect(await field.getByTestId('basket-symbol').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).placeholder).sort())).toEqual(['alpha-1h', 'beta-1h']);
    // Rename beta's symbol; alpha keeps its file's name.
    await field.locator('.basket-row', { hasText: 'beta-1h.csv' }).getByTestId('basket-symbol').fill('BETA');
    await page.getByTestId('compile-status').and(page.locator('[data-status="ok"]')).waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('data-detail').textContent()).toMatch(/^CSV basket · 2 symbols: (alpha-1h, BETA|BETA, alpha-1h)$/);
    await shot();

    // A symbol used twice is an error on that row, before anything runs.
    const alphaSymbol = field.locator('.basket-row', { hasText: 'alpha-1h.csv' }).getByTestId('basket-symbol');
    await alphaSymbol.fill('beta');
    await page.getByTestId('compile-status').and(page.locator('[data-status="errors"]')).waitFor({ timeout: 15_000 });
    await expect.poll(() => field.locator('.basket-row-error').allTextContents(), { timeout: 10_000 }).toEqual([expect.stringMatching(/symbol "(beta|BETA)" is already used by another dataset of the basket/)]);
    await shot();
    await alphaSymbol.fill('');
    await page.getByTestId('compile-status').and(page.locator('[data-status="ok"]')).waitFor({ timeout: 15_000 });

    await runAndWait(page);
    expect(await page.getByTestId('result-range').textContent()).toMatch(/· 400 bars · warm-up 20$/);
    await shot();

    // Trades of both symbols, in a Symbol column.
    await page.getByTestId('tab-trades').click();
    await page.getByTestId('trades-table').waitFor();
    expect(await page.locator('[data-testid="trades-table"] thead th').nth(1).textContent()).toContain('Symbol');
    const symbols = new Set(await page.locator('[data-testid="trades-table"] tbody tr td:nth-child(2)').allTextContents());
    expect(symbols).toEqual(new Set(['alpha-1h', 'BETA']));
    // A rotation, not two buy-and-holds: positions closed as the lead changed hands.
    expect(await page.locator('[data-testid="trades-table"] tbody tr:not(.is-open)').count()).toBeGreaterThanOrEqual(2);
    await shot();

    // The price chart charts one symbol at a time; switching shows the other's candles and markers.
    await page.getByTestId('tab-chart').click();
    const chart = page.getByTestId('price-chart');
    await expect.poll(() => chart.getAttribute('data-candles'), { timeout: 30_000 }).not.toBe('0');
    const picker = page.getByTestId('chart-symbol');
    expect(await picker.locator('option').allTextContents()).toEqual(expect.arrayContaining(['alpha-1h', 'BETA']));
    const other = (await picker.inputValue()) === 'BETA' ? 'alpha-1h' : 'BETA';
    await picker.selectOption(other);
    // Beta misses three hours: its chart has three candles fewer, gaps rather than made-up bars.
    await expect.poll(() => chart.getAttribute('data-candles'), { timeout: 30_000 }).toBe(other === 'BETA' ? '397' : '400');
    expect(Number(await chart.getAttribute('data-markers'))).toBeGreaterThan(0);
    await shot();

    await finish();
  });
});
