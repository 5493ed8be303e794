import { describe, expect, it } from 'vitest';
import { useApp } from './setup.ts';
import { buildCrossover, clickEmptyCanvas, connect, dropNode, metric, runAndWait, runRows, setParam } from './ui.ts';

const e2e = useApp();

describe('run control', () => {
  it('cancels a long run from the panel, then shows any past run from the history', async () => {
    const { page, shot, finish } = await e2e.open('cancel');
    await page.getByTestId('empty-hint').waitFor({ timeout: 30_000 });
    const ids = await buildCrossover(page);
    // A Hurst exponent of the close (about 0.45 µs a bar since session 17's measurement, so 15M bars take
    // several seconds) keeps the run going long enough to cancel it: the crossover alone runs 15M bars in
    // about a second, faster than a cancel gets through.
    const hurst = await dropNode(page, 'indicator.hurst', 560, 380);
    await connect(page, [ids.data, 'close'], [hurst, 'source']);
    await page.waitForFunction(() => document.querySelectorAll('.react-flow__edge').length === 7);
    await setParam(page, ids.data, 'bars', '15000000');
    await clickEmptyCanvas(page);
    await expect.poll(() => page.getByTestId('data-detail').textContent()).toBe('Synthetic · seed 42 · 15,000,000 bars');

    await page.getByTestId('run-button').click();
    const progress = page.getByTestId('run-progress');
    await expect.poll(() => progress.getAttribute('data-status'), { timeout: 60_000 }).toBe('running');
    // Wait for real progress, so the cancel stops a backtest in flight rather than one still queued.
    await expect.poll(async () => Number(((await page.getByTestId('run-bars').textContent()) ?? '').split(' / ')[0]!.replace(/,/g, '')), { timeout: 120_000 }).toBeGreaterThan(0);
    expect(await page.getByTestId('run-bars').textContent()).toContain('/ 15,000,000 bars');
    await shot();

    await page.getByTestId('cancel-run').click();
    await expect.poll(() => progress.getAttribute('data-status'), { timeout: 60_000 }).toBe('cancelled');
    expect(await page.getByTestId('run-status').textContent()).toBe('Cancelled');
    await page.getByTestId('run-ended').waitFor();
    expect(await page.getByTestId('run-ended').textContent()).toContain('Cancelled');
    await expect.poll(() => page.getByTestId('run-button').isEnabled()).toBe(true);
    await shot();
    const item = (await runRows(page)).first();
    await expect.poll(() => item.getAttribute('data-status')).toBe('cancelled');
    expect(await item.textContent()).toContain('Cancelled');
    expect(await item.textContent()).toContain('/ 15M');
    await shot();

    // A short run next; then the history switches between the two.
    await setParam(page, ids.data, 'bars', '3000');
    await clickEmptyCanvas(page);
    await runAndWait(page);
    const finished = await metric(page, 'finalEquity');
    const rows = await runRows(page);
    await expect.poll(() => rows.count()).toBe(2);
    await shot();
    await rows.nth(1).click();
    await page.getByTestId('run-ended').waitFor();
    expect(await page.getByTestId('run-progress').getAttribute('data-status')).toBe('cancelled');
    expect(await page.getByTestId('run-error').textContent()).not.toBe('');
    await shot();
    await (await runRows(page)).first().click();
    await page.getByTestId('metrics').waitFor();
    expect(await metric(page, 'finalEquity')).toBe(finished);
    await shot();

    await finish();
  });
});
