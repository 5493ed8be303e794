import { describe, expect, it } from 'vitest';
import { useApp } from './setup.ts';
import { buildCrossover, edgeCount, nodeCount, selectNode } from './ui.ts';

const e2e = useApp();

describe('a saved strategy survives a server restart', () => {
  it('saves, restarts the server on the same database, reloads, reopens: nodes, wires, params, labels and settings are all there', async () => {
    const { page, problems, shot, finish } = await e2e.open('persistence');
    await page.getByTestId('empty-hint').waitFor({ timeout: 30_000 });

    const ids = await buildCrossover(page, { fast: '12', slow: '40' });
    await selectNode(page, ids.data);
    await page.locator('[data-testid="inspector"] [data-testid="param-seed"]').fill('1234');
    await page.locator(`[data-testid="inspector"] input[id^="label-"]`).fill('ETH-like');
    await page.getByTestId('settings-button').click();
    const settings = page.getByTestId('strategy-settings');
    await settings.locator('[data-testid="param-initialCash"]').fill('250000');
    await settings.locator('[data-testid="param-commissionBps"]').fill('7.5');
    await page.getByTestId('strategy-name').fill('Restart-proof crossover');
    await page.keyboard.press('Control+s');
    await expect.poll(() => page.getByTestId('save-state').textContent(), { timeout: 15_000 }).toBe('Saved');
    await shot();
    const [before] = await e2e.strategies();
    expect(before!.graph.nodes).toHaveLength(5);

    // A blank document, so the reload cannot simply reopen the last strategy by itself.
    await page.getByTestId('new-strategy').click();
    await page.getByTestId('empty-hint').waitFor();

    const downFrom = problems.length;
    await e2e.app.restart();
    // While the server was down the page's health poll may have failed to connect: that, and only that, is expected.
    const down = problems.splice(downFrom).filter((p) => !p.includes('net::ERR_CONNECTION_REFUSED'));
    expect(down).toEqual([]);

    await page.reload();
    await page.getByTestId('strategy-menu').click();
    await page.getByRole('menuitem').filter({ hasText: 'Restart-proof crossover' }).waitFor({ timeout: 30_000 });
    // The user chose a blank document before the restart; the reload keeps it blank (once the document
    // has loaded: the menu can be listed before the canvas renders its hint).
    await expect.poll(() => page.getByTestId('empty-hint').count(), { timeout: 15_000 }).toBe(1);
    expect(await nodeCount(page)).toBe(0);
    await shot();
    await page.getByRole('menuitem').filter({ hasText: 'Restart-proof crossover' }).getByRole('button').first().click();

    await expect.poll(() => nodeCount(page)).toBe(5);
    await expect.poll(() => edgeCount(page)).toBe(6);
    expect(await page.getByTestId('strategy-name').inputValue()).toBe('Restart-proof crossover');
    expect(await page.getByTestId('save-state').textContent()).toBe('Saved');
    for (const id of Object.values(ids)) expect(await page.getByTestId(`node-${id}`).count()).toBe(1);
    expect(await page.locator(`[data-testid="node-${ids.fast}"] .tl-node-params`).textContent()).toBe('period 12');
    expect(await page.locator(`[data-testid="node-${ids.slow}"] .tl-node-params`).textContent()).toBe('period 40');
    expect(await page.locator(`[data-testid="node-${ids.data}"] .tl-node-title`).textContent()).toBe('ETH-like');
    expect(await page.locator(`[data-testid="node-${ids.data}"] .tl-node-params`).textContent()).toContain('seed 1234');
    await expect.poll(() => page.getByTestId('compile-status').getAttribute('data-status'), { timeout: 15_000 }).toBe('ok');
    expect(await settings.locator('[data-testid="param-initialCash"]').inputValue()).toBe('250000');
    expect(await settings.locator('[data-testid="param-commissionBps"]').inputValue()).toBe('7.5');
    expect(await page.getByTestId('run-settings').textContent()).toContain('Cash 250K · Fee 7.5 bps');
    await shot();

    const [after] = await e2e.strategies();
    expect(after!.graph).toEqual(before!.graph);

    await finish();
  });
});
