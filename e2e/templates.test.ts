import { describe, expect, it } from 'vitest';
import { useApp } from './setup.ts';
import { dropNode, edgeCount, metric, nodeCount, runAndWait } from './ui.ts';

const e2e = useApp();

describe('strategy templates', () => {
  it('leaves the upper canvas free on first start: a node dragged in makes the gallery step aside, Hide dismisses it', async () => {
    const { page, finish } = await e2e.open('templates-blank');
    const gallery = page.getByTestId('template-gallery');
    await gallery.waitFor({ timeout: 30_000 });
    await page.getByTestId('empty-hint').waitFor();
    await dropNode(page, 'data.synthetic', 160, 160);
    await expect.poll(() => gallery.count()).toBe(0);
    await page.keyboard.press('Control+z');
    await expect.poll(() => nodeCount(page)).toBe(0);
    await gallery.waitFor();
    await page.getByTestId('template-gallery-dismiss').click();
    await expect.poll(() => gallery.count()).toBe(0);
    await page.getByTestId('empty-hint').waitFor();
    await finish();
  });

  it('a new trader picks “RSI with stop” from the gallery, runs it on synthetic data, then starts another from the menu by keyboard', async () => {
    const { page, shot, finish } = await e2e.open('templates');

    // First start: the gallery is offered along with the hint to build from scratch.
    const gallery = page.getByTestId('template-gallery');
    await gallery.waitFor({ timeout: 30_000 });
    await expect.poll(() => gallery.locator('[data-testid^="template-card-"]').count(), { timeout: 15_000 }).toBeGreaterThanOrEqual(8);
    expect(await page.getByTestId('empty-hint').count()).toBe(1);
    const rsiCard = page.getByTestId('template-card-rsi-with-stop');
    expect(await rsiCard.textContent()).toContain('RSI with stop');
    expect(await rsiCard.locator('.tpl-tag').first().textContent()).toBe('RSI');
    expect(await rsiCard.locator('.tpl-version').textContent()).toBe('v1');
    expect(await rsiCard.locator('.tpl-author').textContent()).toBe('Tradeloom');
    for (const name of ['Trend following', 'Mean reversion', 'Breakout', 'Volatility targeting', 'Regime switching', 'Spread mean reversion', 'Momentum rotation']) {
      expect(await gallery.textContent()).toContain(name);
    }
    await shot();

    // The card's name opens the full description.
    await rsiCard.locator('.tpl-card-name').click();
    const dialog = page.getByTestId('template-dialog');
    await dialog.waitFor();
    expect(await page.getByTestId('template-details').textContent()).toContain('Watch out');
    expect(await page.getByTestId('template-option-rsi-with-stop').getAttribute('aria-selected')).toBe('true');
    await shot();
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);

    // Use it: a saved strategy, on the canvas, compiling, ready to run.
    await page.getByTestId('use-template-rsi-with-stop').click();
    await expect.poll(() => nodeCount(page), { timeout: 15_000 }).toBe(9);
    expect(await edgeCount(page)).toBe(10);
    await expect.poll(() => gallery.count()).toBe(0);
    expect(await page.getByTestId('empty-hint').count()).toBe(0);
    expect(await page.getByTestId('strategy-name').inputValue()).toBe('RSI with stop');
    await expect.poll(() => page.getByTestId('save-state').textContent()).toBe('Saved');
    await expect.poll(() => page.getByTestId('compile-status').getAttribute('data-status'), { timeout: 15_000 }).toBe('ok');
    expect(await page.getByTestId('data-detail').textContent()).toContain('Synthetic · seed 42 · 5,000 bars');
    expect(await page.locator('[data-testid="node-bracket"] .tl-node-title').textContent()).toBe('2 ATR stop · 3 ATR target');
    // It opens readable (it opened at zoom 0.43 here, in the overview look with no text), from its data node.
    expect(await page.locator('.canvas.is-overview').count()).toBe(0);
    expect(await page.locator('[data-testid^="node-"] .tl-node-title').first().isVisible()).toBe(true);
    await shot();

    await runAndWait(page);
    const trades = Number((await metric(page, 'trades')).replace(/,/g, ''));
    expect(trades).toBeGreaterThan(0);
    expect(await metric(page, 'totalReturn')).toMatch(/%$/);
    await shot();
    await page.getByTestId('tab-trades').click();
    await page.getByTestId('trades-table').waitFor();
    expect(await page.locator('[data-testid="trades-table"] tbody tr').count()).toBeGreaterThanOrEqual(trades);
    await shot();

    // From the strategy menu, by keyboard: back up into the list, arrow to Breakout, Enter.
    await page.getByTestId('strategy-menu').click();
    await page.getByTestId('new-from-template').waitFor();
    await shot();
    await page.getByTestId('new-from-template').click();
    await dialog.waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('template-use');
    await page.keyboard.press('Shift+Tab');
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('template-option-trend-following');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('template-option-breakout');
    expect(await page.getByTestId('template-details').textContent()).toContain('Donchian');
    expect(await page.getByTestId('template-use').textContent()).toBe('Use “Breakout (Donchian channel)”');
    await shot();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('strategy-name').inputValue(), { timeout: 15_000 }).toBe('Breakout (Donchian channel)');
    await expect.poll(() => nodeCount(page)).toBe(9);
    await expect.poll(() => page.getByTestId('compile-status').getAttribute('data-status'), { timeout: 15_000 }).toBe('ok');
    await shot();

    const saved = await e2e.strategies();
    expect(saved.map((s) => s.name).sort()).toEqual(['Breakout (Donchian channel)', 'RSI with stop']);
    // The graph is stored as is: no template field in it.
    expect(Object.keys(saved[0]!.graph).sort()).toEqual(['edges', 'nodes', 'schemaVersion', 'settings']);

    // Strategies exist now: a reload reopens the last one instead of offering the gallery.
    await page.reload();
    await expect.poll(() => page.getByTestId('strategy-name').inputValue(), { timeout: 30_000 }).toBe('Breakout (Donchian channel)');
    expect(await gallery.count()).toBe(0);
    await finish();
  });
});
