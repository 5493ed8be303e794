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
});
