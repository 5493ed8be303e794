import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useApp } from './setup.ts';
import {
  boxSelect,
  clickEmptyCanvas,
  connect,
  dragNode,
  dropNode,
  edgeCount,
  nodeCount,
  nodePosition,
  selectedNodeIds,
  selectNode,
  setParam,
} from './ui.ts';

const e2e = useApp();

const params = (page: Page, id: string) => page.locator(`[data-testid="node-${id}"] .tl-node-params`).textContent();

describe('canvas editing a trader expects', () => {
  it('undoes and redoes params, deletes and moves; copies and pastes nodes with their wires; shows the shortcuts', async () => {
    const { page, shot, finish } = await e2e.open('editing');
    await page.getByTestId('empty-hint').waitFor({ timeout: 30_000 });
    await expect.poll(() => page.getByTestId('undo-button').isDisabled()).toBe(true);

    const data = await dropNode(page, 'data.synthetic', 160, 160);
    const sma = await dropNode(page, 'indicator.sma', 460, 160);
    await connect(page, [data, 'close'], [sma, 'source']);
    await expect.poll(() => edgeCount(page)).toBe(1);

    // A param typed in one go is one step, undone with the canvas focused, not inside the field.
    await setParam(page, sma, 'period', '35');
    await expect.poll(() => params(page, sma)).toBe('period 35');
    await clickEmptyCanvas(page);
    await page.keyboard.press('Control+z');
    await expect.poll(() => params(page, sma)).toBe('period 20');
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(() => params(page, sma)).toBe('period 35');
    // The open form follows the undo instead of keeping stale text.
    await selectNode(page, sma);
    await clickEmptyCanvas(page);
    await page.keyboard.press('Control+z');
    await selectNode(page, sma);
    await expect.poll(() => page.locator('[data-testid="inspector"] [data-testid="param-period"]').inputValue()).toBe('20');

    // Typing Ctrl+Z inside a field is the field's own undo, never the graph's.
    await page.locator('[data-testid="inspector"] [data-testid="param-period"]').fill('40');
    await page.keyboard.press('Control+z');
    // (A graph undo here would have taken the wire away: it was the step before.)
    expect(await edgeCount(page)).toBe(1);
    expect(await nodeCount(page)).toBe(2);

    // Delete removes the node and its wire as one step; undo brings both back.
    await selectNode(page, sma);
    await page.locator(`.react-flow__node[data-id="${sma}"]`).focus();
    await page.keyboard.press('Delete');
    await expect.poll(() => nodeCount(page)).toBe(1);
    expect(await edgeCount(page)).toBe(0);
    await page.keyboard.press('Control+z');
    await expect.poll(() => nodeCount(page)).toBe(2);
    await expect.poll(() => edgeCount(page)).toBe(1);
    await page.keyboard.press('Control+y');
    await expect.poll(() => nodeCount(page)).toBe(1);
    await page.getByTestId('undo-button').click();
    await expect.poll(() => edgeCount(page)).toBe(1);

    // Backspace in a text field edits the text; it must not delete the selected node.
    await selectNode(page, data);
    await page.locator('[data-testid="inspector"] [data-testid="param-seed"]').press('Backspace');
    expect(await nodeCount(page)).toBe(2);
    await page.locator('[data-testid="inspector"] [data-testid="param-seed"]').fill('42');

    // A drag is one step.
    const before = await nodePosition(page, data);
    await dragNode(page, data, 0, 140);
    await expect.poll(async () => (await nodePosition(page, data)).y).toBeGreaterThan(before.y + 60);
    await clickEmptyCanvas(page);
    await page.keyboard.press('Control+z');
    // Saved positions are whole pixels, so the undone drag lands within a pixel of where it began.
    await expect.poll(async () => Math.abs((await nodePosition(page, data)).y - before.y)).toBeLessThan(1);
    expect(Math.abs((await nodePosition(page, data)).x - before.x)).toBeLessThan(1);
    await shot();

    // Box-select both, copy, paste twice: new ids, the wire between them copied, the copies selected.
    await boxSelect(page, { x: 60, y: 60 }, { x: 840, y: 460 });
    await expect.poll(async () => (await selectedNodeIds(page)).sort()).toEqual([data, sma].sort());
    await page.getByTestId('selection-actions').waitFor();
    await shot();
    await page.keyboard.press('Control+c');
    await page.keyboard.press('Control+v');
    await expect.poll(() => nodeCount(page)).toBe(4);
    await expect.poll(() => edgeCount(page)).toBe(2);
    const pasted = await selectedNodeIds(page);
    expect(pasted).toHaveLength(2);
    expect(pasted).not.toContain(data);
    expect(pasted).not.toContain(sma);
    const pastedSma = pasted.find((id) => id.startsWith('sma-'))!;
    expect(await params(page, pastedSma)).toBe('period 20');
    const original = await nodePosition(page, sma);
    const copy = await nodePosition(page, pastedSma);
    expect(copy.x - original.x).toBeGreaterThan(20);
    expect(copy.y - original.y).toBeGreaterThan(20);
    await page.keyboard.press('Control+v');
    await expect.poll(() => nodeCount(page)).toBe(6);
    await expect.poll(() => edgeCount(page)).toBe(3);
    await shot();
    await page.keyboard.press('Control+z');
    await expect.poll(() => nodeCount(page)).toBe(4);
    await expect.poll(() => page.getByTestId('compile-status').getAttribute('data-status'), { timeout: 15_000 }).not.toBe('checking');

    // After undoing the pastes, a clicked node is deleted by the Delete key (it once did nothing here).
    await page.keyboard.press('Control+z');
    await expect.poll(() => nodeCount(page)).toBe(2);
    await page.locator(`.react-flow__node[data-id="${sma}"]`).click();
    await expect.poll(() => selectedNodeIds(page)).toEqual([sma]);
    await page.keyboard.press('Delete');
    await expect.poll(() => nodeCount(page)).toBe(1);
    await page.keyboard.press('Control+z');
    await expect.poll(() => nodeCount(page)).toBe(2);

    await page.keyboard.press('?');
    await page.getByTestId('shortcuts-dialog').waitFor();
    expect(await page.getByTestId('shortcuts-dialog').textContent()).toContain('Paste them as new nodes');
    await shot();
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('shortcuts-dialog').count()).toBe(0);

    await finish();
  });

  it('copies notes and a group with its nodes, and pastes them into another strategy', async () => {
    const graph = {
      schemaVersion: 1,
      nodes: [
        { id: 'data', type: 'data.synthetic', position: { x: 0, y: 0 } },
        { id: 'fast', type: 'indicator.sma', params: { period: 10 }, position: { x: 300, y: 0 } },
        { id: 'slow', type: 'indicator.sma', params: { period: 50 }, position: { x: 300, y: 170 } },
      ],
      edges: [
        { id: 'e1', source: { node: 'data', port: 'close' }, target: { node: 'fast', port: 'source' } },
        { id: 'e2', source: { node: 'fast', port: 'value' }, target: { node: 'slow', port: 'source' } },
      ],
      annotations: {
        comments: [{ id: 'why', text: 'Two averages: entries when they cross', position: { x: 0, y: 180 }, size: { width: 220, height: 90 } }],
        groups: [{ id: 'avgs', label: 'Averages', nodes: ['fast', 'slow'] }],
      },
    };
    const res = await fetch(`${e2e.app.url}/api/strategies`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Noted', graph }) });
    expect(res.ok).toBe(true);

    const { page, shot, finish } = await e2e.open('editing-clipboard-notes');
    await page.getByTestId('comment-why').waitFor({ timeout: 30_000 });
    // Select the note, then add the group (by its title strip): the group brings its two nodes along.
    await page.locator('[data-testid="comment-why"] .tl-comment-head').click();
    await page.locator('[data-testid="group-avgs"] .tl-group-head').click({ modifiers: ['Shift'] });
    await expect.poll(() => page.locator('.react-flow__node.selected').count()).toBe(2);
    await page.keyboard.press('Control+c');

    // Into a new, blank strategy.
    await page.getByTestId('new-strategy').click();
    await page.getByTestId('empty-hint').waitFor();
    await page.locator('[data-testid="canvas"] .react-flow__pane').click({ position: { x: 30, y: 30 } });
    await page.keyboard.press('Control+v');
    // Two strategy nodes, the note and the group's frame.
    await expect.poll(() => page.locator('.react-flow__node-strategy').count()).toBe(2);
    expect(await nodeCount(page)).toBe(4);
    // The wire between the group's nodes came too; the one from the data node (not copied) did not.
    await expect.poll(() => edgeCount(page)).toBe(1);
    const note = page.locator('[data-testid^="comment-text-"]');
    await note.waitFor();
    expect(await note.inputValue()).toBe('Two averages: entries when they cross');
    expect(await note.getAttribute('data-testid')).not.toBe('comment-text-why');
    const label = page.locator('[data-testid^="group-label-"]');
    expect(await label.textContent()).toBe('Averages');
    const groupId = (await label.getAttribute('data-testid'))!.replace('group-label-', '');
    expect(groupId).not.toBe('avgs');
    expect(await page.getByTestId(`group-${groupId}`).textContent()).toContain('2 nodes');
    await shot();

    // Saved with the new strategy: fresh ids, the group around the pasted copies.
    await page.getByTestId('strategy-name').fill('Pasted notes');
    await page.keyboard.press('Control+s');
    await expect.poll(() => page.getByTestId('save-state').textContent(), { timeout: 15_000 }).toBe('Saved');
    const pasted = (await e2e.strategies()).find((s) => s.name === 'Pasted notes')!;
    const ids = pasted.graph.nodes.map((n) => n.id);
    expect(ids).toHaveLength(2);
    expect(ids).not.toContain('fast');
    expect(pasted.graph.annotations?.groups).toEqual([expect.objectContaining({ label: 'Averages', nodes: expect.arrayContaining(ids) })]);
    expect(pasted.graph.annotations?.comments).toEqual([expect.objectContaining({ text: 'Two averages: entries when they cross' })]);
    await finish();
  });

  it('asks before unsaved edits are thrown away, in the app and on reload', async () => {
    const { page, dialogs, shot, finish } = await e2e.open('unsaved');
    await page.getByTestId('new-strategy').waitFor({ timeout: 30_000 });
    await page.getByTestId('new-strategy').click();
    await page.getByTestId('empty-hint').waitFor();
    await dropNode(page, 'data.synthetic', 200, 200);
    await page.getByTestId('strategy-name').fill('Guarded');
    await page.keyboard.press('Control+s');
    await expect.poll(() => page.getByTestId('save-state').textContent(), { timeout: 15_000 }).toBe('Saved');

    const sma = await dropNode(page, 'indicator.sma', 500, 200);
    await setParam(page, sma, 'period', '15');
    await expect.poll(() => page.getByTestId('save-state').textContent()).toBe('Unsaved changes');
    await page.getByTestId('new-strategy').click();
    await page.getByTestId('unsaved-dialog').waitFor();
    await shot();
    await page.getByTestId('unsaved-cancel').click();
    expect(await nodeCount(page)).toBe(2);

    // Save and continue keeps the edit and then does what was asked.
    await page.getByTestId('new-strategy').click();
    await page.getByTestId('unsaved-save').click();
    await page.getByTestId('empty-hint').waitFor();
    await page.getByTestId('strategy-menu').click();
    await page.getByRole('menuitem').filter({ hasText: 'Guarded' }).getByRole('button').first().click();
    await expect.poll(() => nodeCount(page)).toBe(2);
    await expect.poll(() => params(page, sma)).toBe('period 15');

    // The browser's own prompt guards a reload with unsaved edits.
    await setParam(page, sma, 'period', '16');
    await page.reload();
    expect(dialogs).toContain('beforeunload');

    await finish();
  });
});
