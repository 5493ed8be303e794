import { readFileSync } from 'node:fs';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { GraphInput } from '../engine/graph.ts';
import { useApp } from './setup.ts';
import { nodeCount, selectNode } from './ui.ts';

const e2e = useApp();

/** The SMA crossover example on 2,000 synthetic bars: small enough that each study ends in seconds. */
function crossover(): GraphInput {
  const graph = JSON.parse(readFileSync(new URL('../docs/examples/sma-crossover.json', import.meta.url), 'utf8')) as GraphInput;
  graph.nodes.find((n) => n.id === 'data')!.params = { seed: 42, bars: 2000 };
  return graph;
}

/** Pixels of a lightweight-chart that differ from its background, read from a scratch copy (no readback warnings). */
function drawnPixels(chart: Locator): Promise<number> {
  return chart.locator('canvas').evaluateAll((canvases) => {
    let best = 0;
    for (const c of canvases as HTMLCanvasElement[]) {
      if (!c.width || !c.height) continue;
      const scratch = document.createElement('canvas');
      scratch.width = c.width;
      scratch.height = c.height;
      const ctx = scratch.getContext('2d', { willReadFrequently: true })!;
      ctx.drawImage(c, 0, 0);
      const data = ctx.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i + 3]! > 0 && (data[i] !== data[0] || data[i + 1] !== data[1] || data[i + 2] !== data[2])) n++;
      best = Math.max(best, n);
    }
    return best;
  });
}

/** Start the study the form describes and wait until it has succeeded and shows its result. */
async function startAndWait(page: Page, kind: string): Promise<void> {
  await page.getByTestId('start-study').click();
  const study = page.locator(`[data-testid="study"][data-kind="${kind}"]`);
  await study.waitFor({ timeout: 30_000 });
  await expect.poll(() => study.getAttribute('data-status'), { timeout: 180_000 }).toBe('succeeded');
}

async function paramValue(page: Page, nodeId: string): Promise<string> {
  await selectNode(page, nodeId);
  return page.locator('[data-testid="inspector"] [data-testid="param-period"]').inputValue();
}

describe('research studies', () => {
  it('marks params optimisable, sweeps them into a heatmap and applies the best; walk-forward, Monte Carlo, costs, the gate and cancelling', async () => {
    const res = await fetch(`${e2e.app.url}/api/strategies`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'SMA research', graph: crossover() }) });
    expect(res.status).toBe(201);
    const { page, shot, finish } = await e2e.open('research');
    await expect.poll(() => nodeCount(page), { timeout: 30_000 }).toBe(6);

    // Mark the fast period optimisable: a starting range around its value, then 5 … 15 in steps of 5.
    await selectNode(page, 'fast');
    const toggle = page.locator('[data-testid="inspector"] [data-testid="optimise-period"]');
    await toggle.click();
    expect(await toggle.getAttribute('aria-pressed')).toBe('true');
    const fastRange = page.getByTestId('range-period');
    await expect.poll(() => page.getByTestId('range-values-period').textContent()).toBe('4 values: 5, 10, 15, 20');
    // A fractional period is refused as it is typed, naming the value, and never stored.
    await fastRange.getByTestId('range-step').fill('2.5');
    await expect.poll(() => page.getByTestId('range-error-period').textContent()).toBe('7.5 must be a whole number');
    await fastRange.getByTestId('range-step').fill('5');
    await fastRange.getByTestId('range-max').fill('15');
    await fastRange.getByTestId('range-max').press('Enter');
    await expect.poll(() => page.getByTestId('range-values-period').textContent()).toBe('3 values: 5, 10, 15');
    await shot();

    // The slow period as a list of values.
    await selectNode(page, 'slow');
    await page.locator('[data-testid="inspector"] [data-testid="optimise-period"]').click();
    await page.getByTestId('range-mode-list').click();
    await page.getByTestId('range-values').fill('30, 50, 70');
    await page.getByTestId('range-values').press('Enter');
    await expect.poll(() => page.getByTestId('range-values-period').textContent()).toBe('3 values: 30, 50, 70');
    await expect.poll(() => page.getByTestId('compile-status').getAttribute('data-status'), { timeout: 15_000 }).toBe('ok');

    // The research tab opens on a new study: the search space is the two ranges, 9 combinations.
    await page.getByTestId('tab-research').click();
    await page.getByTestId('dock-expand').click();
    await page.getByTestId('study-form').waitFor();
    await expect.poll(() => page.getByTestId('study-space').textContent()).toContain('9 combinations');
    await page.getByTestId('study-metric').selectOption('totalReturn');
    // A bad random-sampling count is named before anything is sent.
    await page.getByTestId('study-sampling-random').click();
    await page.getByTestId('study-samples').fill('0');
    await page.getByTestId('start-study').click();
    await expect.poll(() => page.getByTestId('study-errors').textContent()).toBe('Samples must be at least 1');
    await page.getByTestId('study-sampling-grid').click();
    await expect.poll(() => page.getByTestId('study-estimate').textContent()).toBe('9 trials on 2,000 bars');
    await shot();

    // Starting saves the strategy (the marks included) and runs the sweep.
    await startAndWait(page, 'sweep');
    const saved = (await e2e.strategies())[0]!;
    expect(saved.graph.nodes.find((n) => n.id === 'fast')!.optimize).toEqual({ period: { min: 5, max: 15, step: 5 } });
    expect(saved.graph.nodes.find((n) => n.id === 'slow')!.optimize).toEqual({ period: { values: [30, 50, 70] } });
    const heatmap = page.getByTestId('heatmap');
    await expect.poll(() => heatmap.getAttribute('data-cells'), { timeout: 30_000 }).toBe('9');
    expect(await page.getByTestId('trial-row').count()).toBe(9);
    expect(await page.getByTestId('heatmap-table').locator('tbody tr').count()).toBe(3);

    // The table opens best first by the sweep's metric; that is the trial the summary calls best.
    const runs = (await (await fetch(`${e2e.app.url}/api/research?strategyId=${saved.id}`)).json()) as { items: { id: string }[] };
    const sweep = (await (await fetch(`${e2e.app.url}/api/research/${runs.items[0]!.id}`)).json()) as { summary: { best: { trialIndex: number; params: Record<string, number> } } };
    const best = sweep.summary.best;
    expect(await page.getByTestId('trial-row').first().getAttribute('data-trial')).toBe(String(best.trialIndex));

    // Hovering a cell reads it out.
    const cell = page.locator(`[data-testid="heat-cell"][data-x="${best.params['fast.period']}"][data-y="${best.params['slow.period']}"]`);
    await cell.hover();
    await expect.poll(() => page.getByTestId('heat-tooltip').textContent()).toContain(`trial #${best.trialIndex}`);
    await shot();

    // Picking another trial in the table offers its params too.
    const other = page.getByTestId('trial-row').nth(1);
    const otherIndex = await other.getAttribute('data-trial');
    await other.click();
    expect(await page.getByTestId('apply-picked').textContent()).toBe(`Apply trial #${otherIndex}`);
    await shot();

    // Apply the best params: the nodes change, in one step Undo takes back.
    await page.getByTestId('apply-best').click();
    await expect.poll(() => page.getByTestId('apply-notice').textContent()).toContain(`trial #${best.trialIndex}`);
    expect(await paramValue(page, 'fast')).toBe(String(best.params['fast.period']));
    expect(await paramValue(page, 'slow')).toBe(String(best.params['slow.period']));
    await page.getByTestId('apply-notice').getByRole('button', { name: 'Undo' }).click();
    expect(await paramValue(page, 'fast')).toBe('10');
    expect(await paramValue(page, 'slow')).toBe('50');
    await page.getByTestId('apply-best').click();
    expect(await paramValue(page, 'fast')).toBe(String(best.params['fast.period']));

    // Walk-forward: four rolling windows of 300 bars after 800 in sample.
    await page.getByTestId('new-study').click();
    await page.getByTestId('study-kind-walkForward').click();
    await page.getByTestId('study-inSampleBars').fill('800');
    await page.getByTestId('study-outOfSampleBars').fill('300');
    await expect.poll(() => page.getByTestId('study-estimate').textContent()).toBe('40 trials on 2,000 bars');
    await startAndWait(page, 'walkForward');
    await page.getByTestId('wf-view').waitFor();
    expect(await page.getByTestId('wf-window').count()).toBe(4);
    await expect.poll(() => drawnPixels(page.getByTestId('equity-chart')), { timeout: 10_000 }).toBeGreaterThan(500);
    await shot();

    // Monte Carlo on the applied params: percentiles and two histograms.
    await page.getByTestId('new-study').click();
    await page.getByTestId('study-kind-monteCarlo').click();
    await page.getByTestId('study-paths').fill('400');
    await startAndWait(page, 'monteCarlo');
    await page.getByTestId('mc-view').waitFor();
    expect(await page.getByTestId('mc-percentiles').locator('tbody tr').count()).toBe(6);
    expect(Number(await page.getByTestId('mc-hist-return').getAttribute('data-bins'))).toBeGreaterThan(1);
    expect(await page.getByTestId('mc-hist-drawdown').locator('rect.hist-bar').count()).toBeGreaterThan(1);
    await shot();

    // Cost sensitivity: one line per slippage multiplier.
    await page.getByTestId('new-study').click();
    await page.getByTestId('study-kind-costSensitivity').click();
    await page.getByTestId('study-commissionMultipliers').fill('0, 1, 3');
    await page.getByTestId('study-slippageMultipliers').fill('0, 2');
    await startAndWait(page, 'costSensitivity');
    expect(await page.getByTestId('cost-chart').getAttribute('data-lines')).toBe('2');
    expect(await page.getByTestId('cost-table').locator('tbody tr').count()).toBe(6);
    expect(await page.getByTestId('cost-chart').locator('polyline').count()).toBe(2);
    await shot();

    // The gate: every check of the latest walk-forward and Monte Carlo, each passed or failed.
    await page.getByTestId('gate-entry').click();
    await page.getByTestId('gate').waitFor({ timeout: 15_000 });
    const checks = page.getByTestId('gate-check');
    expect(await checks.count()).toBe(7);
    const verdict = await (await fetch(`${e2e.app.url}/api/research/robustness`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ strategyId: saved.id }) })).json();
    expect(await page.getByTestId('gate').getAttribute('data-pass')).toBe(String(verdict.pass));
    expect(await checks.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-pass')))).toEqual(verdict.checks.map((c: { pass: boolean }) => String(c.pass)));
    await shot();

    // A long sweep (199 × 3 combinations) can be cancelled while it runs; it ends as cancelled, saying how far it got.
    await selectNode(page, 'fast');
    const wide = page.getByTestId('range-period');
    await wide.getByTestId('range-min').fill('2');
    await wide.getByTestId('range-max').fill('200');
    await wide.getByTestId('range-step').fill('1');
    await wide.getByTestId('range-step').press('Enter');
    await expect.poll(() => page.getByTestId('range-values-period').textContent()).toBe('199 values: 2, 3, 4 … 200');
    await page.getByTestId('new-study').click();
    await page.getByTestId('study-kind-sweep').click();
    await expect.poll(() => page.getByTestId('study-estimate').textContent()).toBe('597 trials on 2,000 bars');
    await page.getByTestId('start-study').click();
    await page.getByTestId('cancel-study').click({ timeout: 30_000 });
    const cancelled = page.locator('[data-testid="study"][data-kind="sweep"]');
    await expect.poll(() => cancelled.getAttribute('data-status'), { timeout: 120_000 }).toBe('cancelled');
    await expect.poll(() => page.getByTestId('study-ended').textContent()).toMatch(/^CancelledStopped before any trial ran|^Cancelled\d+ of 597 trials were stored/);
    await expect.poll(() => page.locator('[data-testid="study-item"][data-status="cancelled"]').count()).toBe(1);
    // Trials it stored before the cancel are summarised under the notice: the best so far and the heatmap.
    if (/^Cancelled[1-9]\d* of 597/.test((await page.getByTestId('study-ended').textContent()) ?? '')) {
      await cancelled.getByTestId('sweep-view').waitFor({ timeout: 15_000 });
      expect(await cancelled.getByTestId('sweep-best').textContent()).toMatch(/^Best of the \d+ stored by Total return:/);
    }
    await shot();

    // Five studies in the list; the first sweep's heatmap still there at 1,280 px.
    expect(await page.getByTestId('study-item').count()).toBe(5);
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.locator('[data-testid="study-item"][data-kind="sweep"][data-status="succeeded"]').click();
    await expect.poll(() => page.getByTestId('heatmap').getAttribute('data-cells'), { timeout: 15_000 }).toBe('9');
    await shot();
    await finish();
  });
});
