import { describe, expect, it } from 'vitest';
import type { StrategyVersionSummary } from '../editor/api.ts';
import { useApp } from './setup.ts';
import { clickEmptyCanvas, connect, dropNode, fitView, nodeCount, selectNode, setParam } from './ui.ts';

const e2e = useApp();

async function versionsOf(id: string): Promise<StrategyVersionSummary[]> {
  return ((await (await fetch(`${e2e.app.url}/api/strategies/${id}/versions`)).json()) as { items: StrategyVersionSummary[] }).items;
}

describe('version history', () => {
  it('saves twice, shows the diff between the versions highlighted on the canvas, and restores the first', async () => {
    const { page, shot, finish } = await e2e.open('versions');
    await page.getByTestId('template-gallery-dismiss').click({ timeout: 30_000 });
    await page.getByTestId('empty-hint').waitFor();

    // Version 1: bars, an SMA and an RSI.
    const data = await dropNode(page, 'data.synthetic', 120, 160);
    const sma = await dropNode(page, 'indicator.sma', 400, 100);
    const rsi = await dropNode(page, 'indicator.rsi', 400, 320);
    await page.getByTestId('strategy-name').fill('Versioned SMA');
    await page.getByTestId('save-button').click();
    await expect.poll(() => page.getByTestId('save-state').textContent(), { timeout: 15_000 }).toBe('Saved');

    // Version 2: the SMA's period changed, the RSI gone, an EMA added, bars wired into the SMA.
    await setParam(page, sma, 'period', '30');
    await selectNode(page, rsi);
    await page.locator(`.react-flow__node[data-id="${rsi}"]`).focus();
    await page.keyboard.press('Delete');
    await expect.poll(() => nodeCount(page)).toBe(2);
    const ema = await dropNode(page, 'indicator.ema', 660, 220);
    await fitView(page);
    await connect(page, [data, 'close'], [sma, 'source']);
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(1);
    await page.keyboard.press('Control+s');
    await expect.poll(() => page.getByTestId('save-state').textContent(), { timeout: 15_000 }).toBe('Saved');
    const [strategy] = await e2e.strategies();
    expect(strategy!.version).toBe(2);

    // The history lists both saves, newest first; the newest is current and cannot be "restored".
    await page.getByTestId('history-button').click();
    const history = page.getByTestId('version-history');
    await history.getByTestId('version-2').waitFor();
    expect(await history.getByTestId('version-list').locator('li').count()).toBe(2);
    expect(await history.getByTestId('version-2').textContent()).toContain('Current');
    expect(await history.getByTestId('version-2').textContent()).toContain('3 nodes · 1 wire');
    expect(await history.getByTestId('version-1').textContent()).toContain('3 nodes · 0 wires');
    expect(await history.getByTestId('version-restore-2').count()).toBe(0);
    expect(await page.getByTestId('history-button').getAttribute('aria-pressed')).toBe('true');
    await shot();

    // Tick both, by keyboard for the second: the diff covers the canvas and lists the changes.
    await history.getByTestId('version-check-1').click();
    expect(await history.textContent()).toContain('Tick one more version');
    await history.getByTestId('version-check-2').focus();
    await page.keyboard.press('Space');
    const diff = page.getByTestId('diff-canvas');
    await diff.waitFor();
    expect(await diff.getAttribute('data-from')).toBe('1');
    expect(await diff.getAttribute('data-to')).toBe('2');
    await expect.poll(() => diff.locator('.react-flow__node').count()).toBe(4);
    const nodeIn = (id: string) => diff.locator(`[data-testid="node-${id}"]`);
    expect(await nodeIn(sma).getAttribute('class')).toContain('diff-changed');
    expect(await nodeIn(ema).getAttribute('class')).toContain('diff-added');
    expect(await nodeIn(rsi).getAttribute('class')).toContain('diff-removed');
    expect(await nodeIn(data).getAttribute('class')).toContain('diff-same');
    expect(await nodeIn(rsi).locator('.tl-node-diff').textContent()).toBe('Removed');
    expect(await diff.locator('.diff-edge-added').count()).toBe(1);
    expect(await page.getByTestId('diff-legend').textContent()).toContain('1 added1 changed1 removed');

    const summary = page.getByTestId('diff-summary');
    expect(await summary.getByTestId(`diff-node-${sma}`).getAttribute('data-status')).toBe('changed');
    const period = summary.getByTestId(`diff-node-${sma}`).getByTestId('diff-change-period');
    expect(await period.locator('.diff-after').textContent()).toBe('30');
    expect(Number(await period.locator('.diff-before').textContent())).not.toBe(30);
    expect(await summary.getByTestId(`diff-node-${ema}`).getAttribute('data-status')).toBe('added');
    expect(await summary.getByTestId(`diff-node-${rsi}`).getAttribute('data-status')).toBe('removed');
    expect(await summary.getByTestId('diff-wire').getAttribute('data-status')).toBe('added');
    await shot();

    // A change in the list brings its node into view on the diff canvas.
    await summary.getByTestId(`diff-node-${rsi}`).getByRole('button').click();
    await expect.poll(() => diff.locator('.react-flow__node.diff-focus').getAttribute('data-id')).toBe(rsi);
    await page.waitForTimeout(400);
    await shot();

    // The editing canvas underneath was left alone; back to it.
    await page.getByTestId('diff-close').click();
    await expect.poll(() => diff.count()).toBe(0);
    expect(await history.getByTestId('version-check-1').isChecked()).toBe(false);
    expect(await nodeCount(page)).toBe(3);

    // Restore version 1, after an unsaved edit (made with the history closed) the confirmation warns about.
    await page.getByTestId('history-button').click();
    await setParam(page, sma, 'period', '45');
    await clickEmptyCanvas(page);
    await page.getByTestId('history-button').click();
    await history.getByTestId('version-restore-1').click();
    const confirm = page.getByTestId('restore-dialog');
    await confirm.waitFor();
    expect(await confirm.textContent()).toContain('as a new version v3');
    expect(await confirm.getByTestId('restore-dirty').count()).toBe(1);
    await shot();
    await confirm.getByTestId('restore-confirm').click();
    await expect.poll(() => confirm.count()).toBe(0);

    // A new version 3 equal to version 1; versions 1 and 2 untouched; the canvas shows it, saved.
    await history.getByTestId('version-3').waitFor();
    expect(await history.getByTestId('version-3').textContent()).toContain('from v1');
    expect(await history.getByTestId('version-3').textContent()).toContain('Restored from version 1');
    await expect.poll(() => nodeCount(page)).toBe(3);
    expect(await page.getByTestId(`node-${rsi}`).count()).toBe(1);
    expect(await page.getByTestId(`node-${ema}`).count()).toBe(0);
    expect(await page.getByTestId('save-state').textContent()).toBe('Saved');
    const versions = await versionsOf(strategy!.id);
    expect(versions.map((v) => [v.number, v.restoredFrom])).toEqual([
      [3, 1],
      [2, null],
      [1, null],
    ]);
    const [restored] = await e2e.strategies();
    expect(restored!.graph.nodes.map((n) => n.id).sort()).toEqual([data, rsi, sma].sort());
    await shot();

    // v1 against v3: the same strategy.
    await history.getByTestId('version-check-1').click();
    await history.getByTestId('version-check-3').click();
    await page.getByTestId('diff-empty').waitFor();
    await page.getByTestId('compare-clear').click();
    await expect.poll(() => diff.count()).toBe(0);
    // Escape leaves a diff too.
    await history.getByTestId('version-check-2').click();
    await history.getByTestId('version-check-3').click();
    await diff.waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => diff.count()).toBe(0);

    await page.getByTestId('history-close').click();
    await page.getByRole('complementary', { name: 'Inspector' }).waitFor();
    await finish();
  });

  it('says a blank, unsaved strategy has no history yet', async () => {
    const { page, shot, finish } = await e2e.open('versions-empty');
    await page.getByTestId('new-strategy').click({ timeout: 30_000 });
    await page.getByTestId('history-button').click();
    await page.getByTestId('history-empty').waitFor();
    expect(await page.getByTestId('history-empty').textContent()).toContain('not saved yet');
    await shot();
    await page.getByTestId('history-button').click();
    await expect.poll(() => page.getByTestId('version-history').count()).toBe(0);
    await finish();
  });
});
