import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useApp } from './setup.ts';
import { connect, crossoverWires, dropCrossover, dropNode, edgeCount, fitView, handle, setParam } from './ui.ts';

const e2e = useApp();

/** How many pixels of a chart canvas differ from its top-left pixel: zero means nothing was drawn. */
function drawnPixels(page: Page): Promise<number> {
  return page.locator('[data-testid="equity-chart"] canvas').evaluateAll((canvases) => {
    let best = 0;
    for (const c of canvases as HTMLCanvasElement[]) {
      if (!c.width || !c.height) continue;
      const data = c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data;
      if (!data) continue;
      let drawn = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i + 3]! > 0 && (data[i] !== data[0] || data[i + 1] !== data[1] || data[i + 2] !== data[2])) drawn++;
      best = Math.max(best, drawn);
    }
    return best;
  });
}

describe('a new trader builds an SMA crossover and backtests it', () => {
  it('drags, wires, configures, runs and sees the results', async () => {
    const { page, shot, finish } = await e2e.open('sma-crossover');
    await expect.poll(() => page.getByTestId('strategy-name').inputValue(), { timeout: 30_000 }).toBe('Untitled strategy');
    await page.getByTestId('empty-hint').waitFor();
    await shot();

    const ids = await dropCrossover(page);
    const { fast, slow, cross } = ids;
    expect(new Set(Object.values(ids)).size).toBe(5);
    for (const id of Object.values(ids)) expect(id).toMatch(/^[A-Za-z]+-[0-9a-f]{4}$/);
    await expect.poll(() => page.getByTestId('empty-hint').count()).toBe(0);

    await setParam(page, fast, 'period', '0');
    await expect.poll(() => page.getByTestId('param-error-period').textContent()).toBe('must be at least 1');
    await setParam(page, fast, 'period', '10');
    await expect.poll(() => page.getByTestId('param-error-period').count()).toBe(0);
    await setParam(page, slow, 'period', '50');
    await expect.poll(() => page.locator(`[data-testid="node-${fast}"] .tl-node-params`).textContent()).toBe('period 10');
    await expect.poll(() => page.locator(`[data-testid="node-${slow}"] .tl-node-params`).textContent()).toBe('period 50');
    await shot();

    await fitView(page);
    for (const [i, [from, to]] of crossoverWires(ids).entries()) {
      await connect(page, from, to);
      await expect.poll(() => edgeCount(page), { message: `wire ${from.join('.')} → ${to.join('.')}` }).toBe(i + 1);
    }
    await expect.poll(() => page.getByTestId('compile-status').getAttribute('data-status'), { timeout: 15_000 }).toBe('ok');
    await expect.poll(() => page.locator('.tl-node.has-error').count()).toBe(0);

    // A condition cannot feed an average: refused, with the reason on screen, and no wire drawn.
    await connect(page, [cross, 'above'], [fast, 'source']);
    const refusal = page.getByTestId('connection-refusal');
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain('a Condition output cannot feed a Number input');
    expect(await edgeCount(page)).toBe(6);
    await shot();

    await page.getByTestId('data-synthetic').click();
    await page.getByTestId('seed-input').fill('7');
    await page.getByTestId('run-button').click();
    await page.getByTestId('run-progress').waitFor({ timeout: 30_000 });
    await expect.poll(() => page.getByTestId('save-state').textContent(), { timeout: 15_000 }).toBe('Saved');
    await shot();

    await page.getByTestId('metrics').waitFor({ timeout: 180_000 });
    expect(await page.getByTestId('run-progress').getAttribute('data-status')).toBe('succeeded');
    const trades = (await page.getByTestId('metric-trades').locator('.metric-value').textContent()) ?? '';
    expect(trades).toMatch(/^\d[\d,]*$/);
    expect(Number(trades.replace(/,/g, ''))).toBeGreaterThan(0);
    expect(await page.getByTestId('metric-totalReturn').locator('.metric-value').textContent()).toMatch(/%$/);
    await expect.poll(() => drawnPixels(page), { timeout: 10_000 }).toBeGreaterThan(500);
    await shot();

    const sub = (await page.getByTestId('metric-trades').locator('.metric-sub').textContent()) ?? '';
    await page.getByTestId('tab-trades').click();
    await page.getByTestId('trades-table').waitFor();
    // The table also lists a trade still open at the end; the metric, the tab and the table all say so.
    const rows = await page.locator('[data-testid="trades-table"] tbody tr').count();
    const open = await page.locator('[data-testid="trades-table"] tbody tr.is-open').count();
    expect(rows - open).toBe(Number(trades.replace(/,/g, '')));
    expect(sub).toBe(open ? `closed · ${open} open` : 'closed');
    expect(await page.getByTestId('tab-trades').textContent()).toBe(`Trades${trades}${open ? `+${open}` : ''}`);
    expect(await page.locator('[data-testid="tab-trades"] .tab-count').getAttribute('title')).toBe(`${trades} closed trade${trades === '1' ? '' : 's'}${open ? `, ${open} open` : ''}`);
    expect(await page.getByTestId('trades-summary').textContent()).toMatch(new RegExp(`^${trades} closed`));
    await shot();

    await page.getByTestId('tab-runs').click();
    expect(await page.getByTestId('history-item').count()).toBe(1);
    expect(await page.getByTestId('history-item').first().getAttribute('data-status')).toBe('succeeded');
    await shot();
    await finish();
  });

  it('marks the node a compile error concerns before anything runs', async () => {
    const { page, shot, finish } = await e2e.open('compile-error');
    await page.getByTestId('new-strategy').waitFor({ timeout: 30_000 });
    await page.getByTestId('new-strategy').click();
    await page.getByTestId('empty-hint').waitFor();

    const data = await dropNode(page, 'data.synthetic', 120, 140);
    const cross = await dropNode(page, 'logic.crossover', 420, 160);
    const order = await dropNode(page, 'order.targetPercent', 700, 160);
    await connect(page, [data, 'close'], [cross, 'a']);
    await connect(page, [cross, 'above'], [order, 'enter']);
    await expect.poll(() => edgeCount(page)).toBe(2);

    // Only the crossover is left with a problem once the check of the latest edit is back.
    await expect.poll(() => page.getByTestId('compile-status').getAttribute('data-status'), { timeout: 15_000 }).toBe('errors');
    await expect.poll(() => page.locator('.tl-node.has-error').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid'))), { timeout: 15_000 }).toEqual([`node-${cross}`]);
    const errors = page.getByTestId(`node-errors-${cross}`);
    expect(await errors.textContent()).toContain('needs its "b" input connected');
    expect(await handle(page, cross, 'target', 'b').count()).toBe(1);
    await page.getByTestId('tab-problems').click();
    expect(await page.getByTestId('problems').textContent()).toContain('needs its "b" input connected');
    await shot();

    await finish();
  });
});
