import { describe, expect, it } from 'vitest';
import { useApp } from './setup.ts';
import { buildCrossover, clickEmptyCanvas, connect, dropNode, selectNode, setParam } from './ui.ts';

const e2e = useApp();

describe('live preview', () => {
  it('charts the selected indicator or logic node over sample data, and follows its params', async () => {
    const { page, shot, finish } = await e2e.open('preview');
    await page.getByTestId('empty-hint').waitFor({ timeout: 30_000 });

    const ids = await buildCrossover(page);
    const preview = page.getByTestId('preview');

    // An indicator not wired yet: the preview says what is missing instead of a chart.
    const rsi = await dropNode(page, 'indicator.rsi', 560, 420);
    await selectNode(page, rsi);
    await expect.poll(() => preview.getAttribute('data-state'), { timeout: 15_000 }).toBe('error');
    expect(await page.getByTestId('preview-problem').textContent()).toMatch(/needs its "source" input connected/);
    await shot();

    await selectNode(page, ids.slow);
    await expect.poll(() => preview.getAttribute('data-state'), { timeout: 15_000 }).toBe('ready');
    // lightweight-charts draws on canvases: a drawn chart has them, sized to the panel.
    const chart = page.getByTestId('preview-chart');
    await expect.poll(() => chart.locator('canvas').count()).toBeGreaterThan(0);
    const box = (await chart.boundingBox())!;
    expect(box.width).toBeGreaterThan(200);
    expect(box.height).toBeGreaterThan(120);
    const note = page.getByTestId('preview-note');
    await expect.poll(() => note.textContent()).toContain('600 bars of synthetic, seed 42');
    expect(await note.textContent()).toContain('warm-up 49 bars');
    expect(await preview.locator('.preview-chip').allTextContents()).toEqual(['value', 'close']);
    await shot();

    // A new period re-runs it (debounced, the stale answer dropped): the warm-up follows.
    await setParam(page, ids.slow, 'period', '120');
    await expect.poll(() => note.textContent(), { timeout: 15_000 }).toContain('warm-up 119 bars');

    // A logic node: its two conditions, in a pane of their own.
    await selectNode(page, ids.cross);
    await expect.poll(() => preview.locator('.preview-chip').allTextContents(), { timeout: 15_000 }).toEqual(['above', 'below', 'close']);
    expect(await preview.getAttribute('data-state')).toBe('ready');
    await shot();

    // Wiring the RSI makes it previewable, though it feeds nothing yet.
    await clickEmptyCanvas(page);
    await connect(page, [ids.data, 'close'], [rsi, 'source']);
    await selectNode(page, rsi);
    await expect.poll(() => preview.getAttribute('data-state'), { timeout: 15_000 }).toBe('ready');
    await expect.poll(() => note.textContent()).toContain('600 bars');

    // Orders and data have nothing to chart: no preview section.
    await selectNode(page, ids.order);
    expect(await page.getByTestId('preview').count()).toBe(0);
    await finish();
  });
});
