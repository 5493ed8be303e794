import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Deployment, DeploymentDetail } from '../editor/api.ts';
import type { GraphInput } from '../engine/graph.ts';
import { useApp } from './setup.ts';
import { nodeCount } from './ui.ts';

const e2e = useApp();

/**
 * The SMA crossover with short periods (crossovers, so orders, within seconds of replay) on a synthetic
 * series with a strong drift and moderate volatility: a long-only strategy that passes the robustness
 * gate's default thresholds, so paper trading can be promoted honestly.
 */
function crossover(): GraphInput {
  const graph = JSON.parse(readFileSync(new URL('../docs/examples/sma-crossover.json', import.meta.url), 'utf8')) as GraphInput;
  graph.nodes.find((n) => n.id === 'data')!.params = { seed: 42, bars: 2000, drift: 3, volatility: 0.2 };
  const fast = graph.nodes.find((n) => n.id === 'fast')!;
  fast.params = { ...fast.params, period: 3 };
  // The walk-forward needs something to optimise in-sample.
  fast.optimize = { period: { values: [3, 4] } };
  graph.nodes.find((n) => n.id === 'slow')!.params = { ...graph.nodes.find((n) => n.id === 'slow')!.params, period: 8 };
  return graph;
}

async function post<T>(path: string, body: unknown): Promise<T> {
  const res = await fetch(`${e2e.app.url}/api${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status, await res.clone().text()).toBeLessThan(300);
  return (await res.json()) as T;
}

/** Run a study through the API and wait until it has succeeded. */
async function study(body: Record<string, unknown>): Promise<void> {
  const run = await post<{ id: string }>('/research', body);
  await expect
    .poll(async () => ((await (await fetch(`${e2e.app.url}/api/research/${run.id}`)).json()) as { status: string }).status, { timeout: 180_000, interval: 500 })
    .toBe('succeeded');
}

/** The app on the newest strategy (a six-node crossover), its Deployments tab expanded, the newest deployment open. */
async function openNewestDeployment(name: string) {
  const opened = await e2e.open(name);
  const { page } = opened;
  await page.setViewportSize({ width: 1280, height: 800 });
  await expect.poll(() => nodeCount(page), { timeout: 30_000 }).toBe(6);
  await page.getByTestId('tab-deployments').click();
  await page.getByTestId('dock-expand').click();
  await page.getByTestId('deployment-item').first().click();
  return opened;
}

async function detail(id: string): Promise<DeploymentDetail> {
  return (await (await fetch(`${e2e.app.url}/api/deployments/${id}?limit=1000`)).json()) as DeploymentDetail;
}

describe('deployments', () => {
  it('promotes to paper on a replay feed once the gate passes, streams bars, equity, orders and fills, and the kill switch stops new exposure', async () => {
    const strategy = await post<{ id: string }>('/strategies', { name: 'SMA deploy', graph: crossover() });
    const { page, shot, finish } = await e2e.open('deployments');
    await page.setViewportSize({ width: 1280, height: 800 });
    await expect.poll(() => nodeCount(page), { timeout: 30_000 }).toBe(6);

    // No deployment yet: the tab opens on the promote form, with the gate's verdict on this strategy.
    await page.getByTestId('tab-deployments').click();
    await page.getByTestId('dock-expand').click();
    await page.getByTestId('promote-form').waitFor();
    expect(await page.getByTestId('deployment-list').textContent()).toContain('Not deployed yet');
    await page.getByTestId('gate').waitFor({ timeout: 15_000 });
    // Without any study the gate cannot pass (a missing result fails its checks): paper and live stay closed, shadow is open.
    expect(await page.getByTestId('gate').getAttribute('data-pass')).toBe('false');
    await page.getByTestId('promote-mode-paper').click();
    expect(await page.getByTestId('promote-start').isDisabled()).toBe(true);
    expect(await page.getByTestId('promote-blocked').textContent()).toMatch(/robustness gate to pass/);
    await shot();
    await page.getByTestId('promote-mode-live').click();
    await page.getByTestId('promote-live').waitFor();
    expect(await page.getByTestId('promote-start').isDisabled()).toBe(true);
    await page.getByTestId('promote-mode-shadow').click();
    expect(await page.getByTestId('promote-start').isDisabled()).toBe(false);
    await shot();

    // A walk-forward and a Monte Carlo study (the Research tab's own e2e drives them from the UI); then the gate passes.
    const data = { kind: 'synthetic', seed: 42 };
    await study({ kind: 'walkForward', strategyId: strategy.id, data, config: { mode: 'rolling', inSampleBars: 500, outOfSampleBars: 250, metric: 'totalReturn' } });
    await study({ kind: 'monteCarlo', strategyId: strategy.id, data, config: { method: 'blockBootstrap', paths: 200, blockLength: 25, seed: 11 } });
    const verdict = await post<{ pass: boolean; checks: unknown[] }>('/research/robustness', { strategyId: strategy.id });
    expect(verdict, JSON.stringify(verdict.checks)).toMatchObject({ pass: true });
    await page.getByTestId('gate').getByRole('button', { name: 'Re-check' }).click();
    await expect.poll(() => page.getByTestId('gate').getAttribute('data-pass'), { timeout: 15_000 }).toBe('true');

    // Live needs LIVE typed in a confirmation dialog (and keys); cancelled here: the test has no exchange.
    await page.getByTestId('promote-mode-live').click();
    await page.getByTestId('promote-apiKey').fill('demo-key');
    await page.getByTestId('promote-secret').fill('demo-secret');
    await page.getByTestId('promote-start').click();
    await page.getByTestId('live-dialog').waitFor();
    expect(await page.getByTestId('live-confirm').isDisabled()).toBe(true);
    await page.getByTestId('live-confirm-input').fill('live');
    expect(await page.getByTestId('live-confirm').isDisabled()).toBe(true);
    await page.getByTestId('live-confirm-input').fill('LIVE');
    expect(await page.getByTestId('live-confirm').isDisabled()).toBe(false);
    await shot();
    await page.getByTestId('live-dialog').getByRole('button', { name: 'Cancel' }).click();
    expect(await page.getByTestId('live-dialog').count()).toBe(0);

    // Paper: the strategy's own series replayed at 10 bars a second; a bad speed is named, not sent.
    await page.getByTestId('promote-mode-paper').click();
    await page.getByTestId('promote-barsPerSecond').fill('');
    await page.getByTestId('promote-start').click();
    expect(await page.getByTestId('promote-form').locator('.field-error').first().textContent()).toBe('bars per second: more than 0, at most 1000');
    await page.getByTestId('promote-barsPerSecond').fill('10');
    await page.getByTestId('promote-name').fill('SMA paper');
    // Short SMAs cross often: a looser throttle than the default 20 a minute, so the breaker does not halt it first.
    await page.getByTestId('promote-throttleMaxOrders').fill('1000');
    await page.getByTestId('promote-start').click();
    const view = page.getByTestId('deployment');
    await view.waitFor({ timeout: 30_000 });
    expect(await view.getAttribute('data-mode')).toBe('paper');
    await expect.poll(() => page.getByTestId('deployment-state').textContent(), { timeout: 30_000 }).toBe('Active');
    const [listed] = (await (await fetch(`${e2e.app.url}/api/deployments?strategyId=${strategy.id}`)).json()).items as Deployment[];
    expect(listed).toMatchObject({ name: 'SMA paper', mode: 'paper', symbol: 'BTC/USDT', feed: { kind: 'replay', barsPerSecond: 10 }, riskLimits: { throttle: { maxOrders: 1000, windowMs: 60_000 } } });
    const id = listed!.id;

    // Bars arrive live over SSE: the bar count rises and the equity curve grows point by point.
    const bars = async () => Number((await page.getByTestId('stat-cards').locator('.stat-card').nth(2).locator('dd').textContent())?.replace(/,/g, ''));
    await expect.poll(bars, { timeout: 30_000 }).toBeGreaterThan(5);
    const before = await bars();
    await expect.poll(bars, { timeout: 15_000 }).toBeGreaterThan(before);
    await expect.poll(async () => Number(await page.getByTestId('deploy-equity').getAttribute('data-points')), { timeout: 15_000 }).toBeGreaterThan(3);
    await page.getByTestId('equity-chart').waitFor();
    expect(await page.getByTestId('deploy-live').textContent()).toBe('live');

    // An order is sent to the paper venue as the crossover fires, and fills on a following bar.
    await expect.poll(() => page.getByTestId('order-row').count(), { timeout: 60_000 }).toBeGreaterThan(0);
    // The whole order row on failure: a denial says which check refused it.
    expect((await detail(id)).orders.at(-1)).toMatchObject({ side: 'buy', reasonCode: null });
    await page.getByTestId('deploy-section-fills').click();
    await expect.poll(() => page.getByTestId('fill-row').count(), { timeout: 60_000 }).toBeGreaterThan(0);
    // Equity moves with the position once something is held.
    await expect.poll(async () => (await detail(id)).equity, { timeout: 30_000 }).not.toBe(100_000);
    await page.getByTestId('deploy-section-orders').click();
    await shot();

    // Pause holds the bars; resume carries on.
    await page.getByTestId('control-pause').click();
    await expect.poll(() => page.getByTestId('deployment-state').textContent(), { timeout: 30_000 }).toBe('Paused');
    await page.getByTestId('control-resume').click();
    await expect.poll(() => page.getByTestId('deployment-state').textContent(), { timeout: 30_000 }).toBe('Active');

    // The kill switch asks first; cancelling leaves everything as it was.
    await page.getByTestId('kill-switch').click();
    await page.getByTestId('kill-dialog').waitFor();
    await shot();
    await page.getByTestId('kill-dialog').getByRole('button', { name: 'Cancel' }).click();
    expect(await page.getByTestId('deployment-state').textContent()).toBe('Active');
    await page.getByTestId('kill-switch').click();
    await page.getByTestId('kill-confirm').click();
    await expect.poll(() => page.getByTestId('deployment-state').textContent(), { timeout: 30_000 }).toBe('Killed');
    expect(await view.getAttribute('data-state')).toBe('killed');
    expect(await page.locator('[data-testid="deployment-item"]').getAttribute('data-state')).toBe('killed');
    await page.getByTestId('control-release-kill').waitFor();
    const atKill = await detail(id);
    expect(atKill).toMatchObject({ killSwitch: true, tradingState: 'REDUCING' });

    // Bars keep coming, but nothing adds exposure: a buy the strategy wants now is denied with its reason;
    // only a sale that shrinks the position could still go out.
    const known = new Set(atKill.orders.map((o) => o.clientOrderId));
    await expect.poll(async () => (await detail(id)).barsProcessed, { timeout: 30_000 }).toBeGreaterThan(atKill.barsProcessed + 30);
    const after = (await detail(id)).orders.filter((o) => !known.has(o.clientOrderId));
    for (const o of after) {
      if (o.side === 'buy') expect(o).toMatchObject({ status: 'denied', reasonCode: expect.stringMatching(/REDUCE_ONLY|HALTED/) });
      else expect(o.status === 'denied' || o.quantity <= atKill.position + 1e-9).toBe(true);
    }
    if (after.some((o) => o.status === 'denied')) {
      await page.getByTestId('deploy-section-denials').click();
      await expect.poll(() => page.getByTestId('denials-table-row').count(), { timeout: 15_000 }).toBeGreaterThan(0);
      expect(await page.getByTestId('denials-table-row').first().getAttribute('data-code')).toMatch(/REDUCE_ONLY|HALTED/);
    }
    await shot();

    // Stop ends it for good; the controls go away.
    await page.getByTestId('control-stop').click();
    await page.getByTestId('stop-confirm').click();
    await expect.poll(() => page.getByTestId('deployment-state').textContent(), { timeout: 30_000 }).toBe('Stopped');
    expect(await page.getByTestId('kill-switch').count()).toBe(0);
    // Once it has settled, the PnL summed from the fills agrees with equity minus the starting cash in the list.
    const pnlCard = () => page.getByTestId('stat-cards').locator('.stat-card').nth(1).locator('dd').textContent();
    const pnlListed = () => page.getByTestId('deployment-item').locator('.study-item-line').nth(1).locator('span').nth(1).textContent();
    await expect.poll(async () => (await pnlCard())?.trim(), { timeout: 15_000 }).toBe((await pnlListed())?.trim());
    expect((await pnlCard())?.trim()).not.toBe('—');
    await shot();
    await finish();
  });
  it('shows why a deployment failed: a clear error state on the deployment, and the reason in the list', async () => {
    // A custom node that passes its input through and throws on bar 12: the step fails, is retried,
    // fails again on the same bar, and the deployment fails with that reason (docs/trading.md).
    const brittle = `
import { defineNode, z } from 'tradeloom/node';
export default defineNode({
  type: 'brittleAverage',
  title: 'Brittle average',
  description: 'Passes its input through, and throws on one bar.',
  inputs: { source: { kind: 'number', description: 'Any series.' } },
  outputs: { value: { kind: 'number', description: 'The input.' } },
  params: z.object({ failAt: z.number().int().min(0).max(100000).default(12).describe('The bar it throws on.') }),
  init: () => ({}),
  step(s, p, input, out, ctx) {
    if (ctx.bar === p.failAt) throw new Error('cannot handle this bar');
    out.value = input.source;
  },
});`;
    await post('/custom-nodes', { source: brittle });
    const graph = crossover();
    const slow = graph.nodes.find((n) => n.id === 'slow')!;
    Object.assign(slow, { type: 'custom.brittleAverage', version: 1, params: { failAt: 12 } });
    const strategy = await post<{ id: string }>('/strategies', { name: 'Brittle deploy', graph });
    const limits = { maxOrderQuantity: 1e6, maxOrderNotional: 1e9, maxPosition: 1e6, maxGrossExposure: 1e9 };
    const created = await post<Deployment>('/deployments', { strategyId: strategy.id, name: 'Brittle paper', mode: 'paper', symbol: 'BTC/USDT', feed: { kind: 'replay', data: { kind: 'synthetic', seed: 3, bars: 60 }, barsPerSecond: 40 }, riskLimits: limits });
    await expect.poll(async () => (await detail(created.id)).status, { timeout: 60_000, interval: 500 }).toBe('failed');
    const failed = await detail(created.id);
    expect(failed.error).toMatch(/cannot handle this bar/);

    const { page, shot, finish } = await openNewestDeployment('deployment-failed');
    await expect.poll(() => page.getByTestId('deployment-state').textContent(), { timeout: 30_000 }).toBe('Failed');
    const banner = page.getByTestId('failure-reason');
    await banner.waitFor();
    expect(await banner.getAttribute('role')).toBe('alert');
    expect(await banner.textContent()).toContain(failed.error!);
    // The list says it too, so a failed deployment stands out before it is opened.
    const item = page.getByTestId('deployment-item-error');
    expect(await item.textContent()).toContain(failed.error!);
    expect(await page.getByTestId('deployment-item').first().getAttribute('data-state')).toBe('failed');
    // Nothing left to control on a failed deployment.
    expect(await page.getByTestId('control-stop').count()).toBe(0);
    await shot();
    await finish();
  });

  it('says when a replay has played its last bar, while the deployment stays running', async () => {
    const strategy = await post<{ id: string }>('/strategies', { name: 'Short replay', graph: crossover() });
    const limits = { maxOrderQuantity: 1e6, maxOrderNotional: 1e9, maxPosition: 1e6, maxGrossExposure: 1e9 };
    const created = await post<Deployment>('/deployments', { strategyId: strategy.id, name: 'Short paper', mode: 'paper', symbol: 'BTC/USDT', feed: { kind: 'replay', data: { kind: 'synthetic', seed: 5, bars: 40 }, barsPerSecond: 40 }, riskLimits: limits });
    await expect.poll(async () => (await detail(created.id)).events.some((e) => e.code === 'REPLAY_ENDED'), { timeout: 60_000, interval: 500 }).toBe(true);

    const { page, shot, finish } = await openNewestDeployment('deployment-replay-ended');
    await page.getByTestId('replay-ended').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('replay-ended').textContent()).toContain('The replay has ended');
    // Still running: stop is what ends it.
    expect(await page.getByTestId('control-stop').count()).toBe(1);
    await shot();
    await post(`/deployments/${created.id}/stop`, {});
    await finish();
  });
});
