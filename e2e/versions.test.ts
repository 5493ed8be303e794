import { readFileSync } from 'node:fs';
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

  it('shows notes and groups added, removed and changed between two versions, on the canvas and in the list', async () => {
    const note = (id: string, text: string, x: number, y: number) => ({ id, text, position: { x, y }, size: { width: 220, height: 90 } });
    const nodes = [
      { id: 'data', type: 'data.synthetic', position: { x: 0, y: 0 } },
      { id: 'fast', type: 'indicator.sma', params: { period: 10 }, position: { x: 280, y: 0 } },
      { id: 'slow', type: 'indicator.sma', params: { period: 50 }, position: { x: 280, y: 160 } },
    ];
    const edges = [{ id: 'e1', source: { node: 'data', port: 'close' }, target: { node: 'fast', port: 'source' } }];
    const v1 = {
      schemaVersion: 1,
      nodes,
      edges,
      annotations: { comments: [note('why', 'Entry: the fast average', 0, -160), note('old', 'Try an EMA later', 560, 200)], groups: [{ id: 'avgs', label: 'Averages', nodes: ['fast', 'slow'] }] },
    };
    const v2 = {
      ...v1,
      annotations: {
        comments: [note('why', 'Entry: the fast average crossing the slow one', 0, -160), note('new', 'Costs checked at 5 bps', 560, -160)],
        groups: [{ id: 'avgs', label: 'Signal averages', nodes: ['fast', 'slow'] }, { id: 'feed', label: 'Data', nodes: ['data'] }],
      },
    };
    const post = (method: string, path: string, body: unknown) => fetch(`${e2e.app.url}/api${path}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const created = (await (await post('POST', '/strategies', { name: 'Annotated versions', graph: v1 })).json()) as { id: string };
    expect((await post('PUT', `/strategies/${created.id}`, { graph: v2 })).ok).toBe(true);

    const { page, shot, finish } = await e2e.open('versions-annotations');
    await page.getByTestId('comment-why').waitFor({ timeout: 30_000 });
    await page.getByTestId('history-button').click();
    const history = page.getByTestId('version-history');
    await history.getByTestId('version-check-1').click();
    await history.getByTestId('version-check-2').click();
    const diff = page.getByTestId('diff-canvas');
    await diff.waitFor();
    // Notes: one edited, one added, one removed (a ghost where it was); groups: one renamed, one added.
    await expect.poll(() => diff.locator('[data-testid^="comment-"][data-diff]').count()).toBe(3);
    const marked = async (id: string) => diff.getByTestId(id).getAttribute('data-diff');
    expect(await marked('comment-why')).toBe('changed');
    expect(await marked('comment-new')).toBe('added');
    expect(await marked('comment-old')).toBe('removed');
    await expect.poll(() => marked('group-avgs')).toBe('changed');
    expect(await marked('group-feed')).toBe('added');
    expect(await diff.getByTestId('comment-old').locator('.tl-node-diff').textContent()).toBe('Removed');
    // Read-only: the note cannot be typed into, and nothing offers to delete it.
    expect(await diff.getByTestId('comment-text-why').getAttribute('readonly')).not.toBeNull();
    expect(await diff.locator('.tl-annotation-remove').count()).toBe(0);
    expect(await page.getByTestId('diff-legend').textContent()).toContain('notes/groups 5');

    const summary = page.getByTestId('diff-summary');
    // The strategy itself did not change; the notes did.
    await summary.getByTestId('diff-empty').waitFor();
    expect(await summary.getByTestId('diff-annotation-why').getAttribute('data-status')).toBe('changed');
    expect(await summary.getByTestId('diff-annotation-why').textContent()).toContain('text edited');
    expect(await summary.getByTestId('diff-annotation-new').getAttribute('data-status')).toBe('added');
    expect(await summary.getByTestId('diff-annotation-old').textContent()).toContain('Try an EMA later');
    expect(await summary.getByTestId('diff-annotation-old').getAttribute('data-status')).toBe('removed');
    const renamed = summary.getByTestId('diff-annotation-avgs');
    expect(await renamed.locator('.diff-before').textContent()).toBe('"Averages"');
    expect(await renamed.locator('.diff-after').textContent()).toBe('"Signal averages"');
    // A row brings its note into view.
    await summary.getByTestId('diff-annotation-old').getByRole('button').click();
    await expect.poll(() => diff.locator('.react-flow__node.diff-focus').getAttribute('data-id')).toBe('old');
    await page.waitForTimeout(400);
    await shot();
    await page.getByTestId('diff-close').click();
    await finish();
  });

  it('two tabs on one strategy: the second save is refused, not silently undoing the first, until the user chooses', async () => {
    const graph = JSON.parse(readFileSync(new URL('../docs/examples/sma-crossover.json', import.meta.url), 'utf8'));
    const created = await fetch(`${e2e.app.url}/api/strategies`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Two tabs', graph }) });
    const { id } = (await created.json()) as { id: string };
    // Both tabs open the newest strategy, this one, at version 1.
    const a = await e2e.open('versions-tab-a');
    const b = await e2e.open('versions-tab-b');
    for (const tab of [a, b]) await expect.poll(() => tab.page.getByTestId('strategy-name').inputValue(), { timeout: 30_000 }).toBe('Two tabs');
    const saved = (tab: typeof a) => expect.poll(() => tab.page.getByTestId('save-state').textContent(), { timeout: 15_000 }).toBe('Saved');

    await setParam(a.page, 'fast', 'period', '12');
    await a.page.keyboard.press('Control+s');
    await saved(a);
    await setParam(b.page, 'slow', 'period', '80');
    await b.page.keyboard.press('Control+s');
    const banner = b.page.getByTestId('error-banner');
    await banner.waitFor();
    expect(await banner.textContent()).toContain('The strategy was saved as version 2 since version 1');
    expect(await b.page.getByTestId('save-state').textContent()).toBe('Save failed');
    await b.shot();
    expect((await versionsOf(id)).map((v) => v.number)).toEqual([2, 1]);

    // B keeps its edit as the newest version; A's stays in the history as version 2.
    await banner.getByRole('button', { name: 'Save mine as the newest' }).click();
    await saved(b);
    const periods = async (n: number) => {
      const v = (await (await fetch(`${e2e.app.url}/api/strategies/${id}/versions/${n}`)).json()) as { graph: { nodes: { id: string; params: { period?: number } }[] } };
      return Object.fromEntries(v.graph.nodes.filter((x) => x.params.period !== undefined).map((x) => [x.id, x.params.period]));
    };
    expect(await periods(2)).toEqual({ fast: 12, slow: 50 });
    expect(await periods(3)).toEqual({ fast: 10, slow: 80 });

    // A, now behind, edits again and is refused too; it drops its edit and loads B's version.
    await setParam(a.page, 'slow', 'period', '60');
    await a.page.keyboard.press('Control+s');
    await a.page.getByTestId('error-banner').getByRole('button', { name: 'Discard mine, load version 3' }).click();
    await saved(a);
    await expect.poll(() => a.page.getByTestId('error-banner').count()).toBe(0);
    await selectNode(a.page, 'slow');
    expect(await a.page.locator('[data-testid="inspector"] [data-testid="param-period"]').inputValue()).toBe('80');
    await a.shot();
    expect((await versionsOf(id)).map((v) => v.number)).toEqual([3, 2, 1]);
    await a.finish([409]);
    await b.finish([409]);
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
