import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { GraphInput } from '../engine/graph.ts';
import { withDeclaredGeometry } from '../editor/components/node-geometry.ts';
import type { EditorCatalog } from '../editor/api.ts';
import { useApp } from './setup.ts';
import {
  boxSelect,
  buildCrossover,
  clickEmptyCanvas,
  connect,
  dropNode,
  edgeCount,
  fitView,
  handle,
  nodeCount,
  nodePosition,
  selectedNodeIds,
  selectNode,
  setParam,
} from './ui.ts';

const e2e = useApp();

const params = (page: Page, id: string) => page.locator(`[data-testid="node-${id}"] .tl-node-params`).textContent();
const positions = async (page: Page, ids: string[]) => Object.fromEntries(await Promise.all(ids.map(async (id) => [id, await nodePosition(page, id)] as const)));

/** Drag something by a point inside it, with the real mouse. */
async function drag(page: Page, selector: string, dx: number, dy: number): Promise<void> {
  const box = await page.locator(selector).first().boundingBox();
  if (!box) throw new Error(`${selector} is not visible`);
  const x = box.x + Math.min(40, box.width / 2);
  const y = box.y + box.height / 2;
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x + dx / 2, y + dy / 2, { steps: 5 });
  await page.mouse.move(x + dx, y + dy, { steps: 5 });
  await page.mouse.up();
}

async function saveAndWait(page: Page): Promise<void> {
  await page.keyboard.press('Control+s');
  await expect.poll(() => page.getByTestId('save-state').textContent(), { timeout: 15_000 }).toBe('Saved');
}

describe('the canvas tools', () => {
  it('tidies the graph with one undoable auto-layout, shows a minimap, port tooltips and fits the view', async () => {
    const { page, shot, finish } = await e2e.open('canvas-layout');
    await page.getByTestId('empty-hint').waitFor({ timeout: 30_000 });
    await expect.poll(() => page.getByTestId('layout-button').isDisabled()).toBe(true);
    const ids = await buildCrossover(page);
    const all = [ids.data, ids.fast, ids.slow, ids.cross, ids.order];

    // The minimap draws every node, coloured by category.
    await page.locator('.react-flow__minimap').waitFor();
    await expect.poll(() => page.locator('.react-flow__minimap-node').count()).toBe(5);
    const fills = await page.locator('.react-flow__minimap-node').evaluateAll((els) => new Set(els.map((e) => (e as SVGElement).style.fill)).size);
    expect(fills).toBe(4);

    // Hovering a handle names the port, its kind and what it carries.
    const source = handle(page, ids.fast, 'target', 'source');
    await source.hover();
    const tip = page.locator(`.react-flow__node[data-id="${ids.fast}"] .tl-port-tip-in`);
    await expect.poll(() => tip.isVisible()).toBe(true);
    expect(await tip.textContent()).toMatch(/^source.*Number.*series/i);
    await shot();
    await page.mouse.move(5, 5);
    await expect.poll(() => tip.isVisible()).toBe(false);

    // Mess the layout up, then tidy it: left to right in data-flow order.
    await clickEmptyCanvas(page);
    const before = await positions(page, all);
    await page.getByTestId('layout-button').click();
    // The layout engine is loaded on first use: give it time on a busy machine.
    await expect.poll(async () => JSON.stringify(await positions(page, all)), { timeout: 20_000 }).not.toBe(JSON.stringify(before));
    const laid = await positions(page, all);
    expect(laid[ids.data]!.x).toBeLessThan(laid[ids.fast]!.x);
    expect(laid[ids.fast]!.x).toBe(laid[ids.slow]!.x);
    expect(laid[ids.fast]!.y).not.toBe(laid[ids.slow]!.y);
    expect(laid[ids.slow]!.x).toBeLessThan(laid[ids.cross]!.x);
    expect(laid[ids.cross]!.x).toBeLessThan(laid[ids.order]!.x);
    // After the layout the view fits the graph: every node is on screen.
    await page.waitForTimeout(500);
    const canvas = (await page.getByTestId('canvas').boundingBox())!;
    for (const id of all) {
      const box = (await page.locator(`.react-flow__node[data-id="${id}"]`).boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(canvas.x);
      expect(box.x + box.width).toBeLessThanOrEqual(canvas.x + canvas.width);
    }
    await shot();

    // One step to undo, one to redo, and the shortcut does the same as the button.
    await page.keyboard.press('Control+z');
    await expect.poll(async () => JSON.stringify(await positions(page, all))).toBe(JSON.stringify(before));
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(async () => JSON.stringify(await positions(page, all))).toBe(JSON.stringify(laid));
    await page.keyboard.press('Control+z');
    await expect.poll(async () => JSON.stringify(await positions(page, all))).toBe(JSON.stringify(before));
    await page.keyboard.press('Control+Shift+L');
    await expect.poll(async () => JSON.stringify(await positions(page, all))).toBe(JSON.stringify(laid));
    expect(await edgeCount(page)).toBe(6);

    // Zoom far out, then fit: the graph fills the view again.
    for (let i = 0; i < 6; i++) await page.locator('.react-flow__controls-zoomout').click();
    await fitView(page);
    const width = (await page.locator('.react-flow__nodes').boundingBox())!.width;
    expect(width).toBeGreaterThan(0);
    const spread = (await page.locator(`.react-flow__node[data-id="${ids.order}"]`).boundingBox())!.x - (await page.locator(`.react-flow__node[data-id="${ids.data}"]`).boundingBox())!.x;
    expect(spread).toBeGreaterThan(canvas.width * 0.5);

    // The cheat sheet lists the new shortcuts.
    await page.keyboard.press('?');
    const sheet = await page.getByTestId('shortcuts-dialog').textContent();
    expect(sheet).toContain('auto-layout');
    expect(sheet).toContain('Duplicate');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('shortcuts-dialog').count()).toBe(0);
    await finish();
  });

  it('duplicates, adds comments and groups that move their nodes, and keeps them across save and reload', async () => {
    const { page, shot, finish } = await e2e.open('canvas-annotations');
    await page.getByTestId('empty-hint').waitFor({ timeout: 30_000 });
    const data = await dropNode(page, 'data.synthetic', 140, 160);
    const sma = await dropNode(page, 'indicator.sma', 420, 120);
    const rsi = await dropNode(page, 'indicator.rsi', 420, 330);
    await connect(page, [data, 'close'], [sma, 'source']);
    await connect(page, [data, 'close'], [rsi, 'source']);
    await setParam(page, sma, 'period', '42');

    // Ctrl+D duplicates the selection (params kept) without touching the clipboard.
    await selectNode(page, sma);
    await clickEmptyCanvas(page, 840, 40);
    await selectNode(page, sma);
    await page.locator(`.react-flow__node[data-id="${sma}"]`).focus();
    await page.keyboard.press('Control+d');
    await expect.poll(() => nodeCount(page)).toBe(4);
    const copy = (await selectedNodeIds(page))[0]!;
    expect(copy).not.toBe(sma);
    expect(await params(page, copy)).toBe('period 42');
    await page.keyboard.press('Control+z');
    await expect.poll(() => nodeCount(page)).toBe(3);

    // A comment note: added from the toolbar, typed into, resizable while selected.
    await page.getByTestId('add-note-button').click();
    const note = page.locator('[data-testid^="comment-text-"]');
    await note.waitFor();
    const noteId = (await note.getAttribute('data-testid'))!.replace('comment-text-', '');
    await note.fill('Fast average over the close; RSI below filters entries.');
    expect(await nodeCount(page)).toBe(4);
    await expect.poll(() => page.locator(`.react-flow__node[data-id="${noteId}"] .react-flow__resize-control`).count()).toBeGreaterThan(0);
    // Dragged by its title strip, out of the way below the data node.
    const noteBefore = await nodePosition(page, noteId);
    await drag(page, `[data-testid="comment-${noteId}"] .tl-comment-head`, -250, 170);
    await expect.poll(async () => (await nodePosition(page, noteId)).x - noteBefore.x).toBeLessThan(-60);

    // Group the two indicators, rename the group, and drag it: both nodes move with it.
    await clickEmptyCanvas(page, 840, 40);
    await boxSelect(page, { x: 380, y: 60 }, { x: 700, y: 470 });
    await expect.poll(async () => (await selectedNodeIds(page)).sort()).toEqual([rsi, sma].sort());
    await page.getByTestId('group-button').click();
    const frame = page.locator('[data-testid^="group-label-"]');
    await frame.waitFor();
    const groupId = (await frame.getAttribute('data-testid'))!.replace('group-label-', '');
    expect(await page.getByTestId(`group-${groupId}`).textContent()).toContain('2 nodes');
    await frame.dblclick();
    await page.getByTestId(`group-input-${groupId}`).fill('Signals');
    await page.getByTestId(`group-input-${groupId}`).press('Enter');
    await expect.poll(() => frame.textContent()).toBe('Signals');
    await shot();

    const members = await positions(page, [sma, rsi, data]);
    await drag(page, `[data-testid="group-${groupId}"] .tl-group-head`, 0, 120);
    const moved = await positions(page, [sma, rsi, data]);
    const dy = moved[sma]!.y - members[sma]!.y;
    expect(dy).toBeGreaterThan(50);
    expect(moved[rsi]!.y - members[rsi]!.y).toBeCloseTo(dy, 0);
    expect(moved[sma]!.x).toBeCloseTo(members[sma]!.x, 0);
    // Nodes outside the group stay put, and the frame still wraps its members.
    expect(moved[data]).toEqual(members[data]);
    const frameBox = (await page.getByTestId(`group-${groupId}`).boundingBox())!;
    const smaBox = (await page.locator(`.react-flow__node[data-id="${sma}"]`).boundingBox())!;
    expect(smaBox.y).toBeGreaterThan(frameBox.y);
    expect(smaBox.y + smaBox.height).toBeLessThan(frameBox.y + frameBox.height);
    // The group move is one undo step.
    await clickEmptyCanvas(page, 840, 40);
    await page.keyboard.press('Control+z');
    await expect.poll(async () => (await nodePosition(page, sma)).y).toBeCloseTo(members[sma]!.y, 0);
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(async () => (await nodePosition(page, sma)).y).toBeCloseTo(moved[sma]!.y, 0);
    // Clicking inside the frame, beside its nodes, reaches the canvas: the frame never blocks it.
    await selectNode(page, sma);
    const inside = (await page.getByTestId(`group-${groupId}`).boundingBox())!;
    await page.mouse.click(inside.x + 6, inside.y + inside.height - 6);
    await expect.poll(() => selectedNodeIds(page)).toEqual([]);
    expect(await page.locator('.react-flow__node.selected').count()).toBe(0);
    await shot();

    await page.getByTestId('strategy-name').fill('Annotated');
    await saveAndWait(page);
    // The annotations are stored beside the graph and do not stop it compiling.
    const [saved] = await e2e.strategies();
    expect(saved!.graph.annotations?.comments).toEqual([expect.objectContaining({ id: noteId, text: 'Fast average over the close; RSI below filters entries.' })]);
    expect(saved!.graph.annotations?.groups).toEqual([{ id: groupId, label: 'Signals', nodes: expect.arrayContaining([sma, rsi]) }]);
    const compiled = await (await fetch(`${e2e.app.url}/api/compile`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ graph: saved!.graph }) })).json();
    expect(compiled.errors?.map((e: { code: string }) => e.code) ?? []).not.toContain('invalid_graph');

    await page.reload();
    await page.getByTestId(`group-${groupId}`).waitFor({ timeout: 30_000 });
    expect(await page.getByTestId(`group-label-${groupId}`).textContent()).toBe('Signals');
    expect(await page.getByTestId(`comment-text-${noteId}`).inputValue()).toBe('Fast average over the close; RSI below filters entries.');
    expect(await page.getByTestId(`group-${groupId}`).textContent()).toContain('2 nodes');
    expect(await page.getByTestId('save-state').textContent()).toBe('Saved');
    await shot();

    // Ungrouping keeps the nodes.
    await page.getByTestId(`group-${groupId}`).getByRole('button', { name: 'Ungroup' }).click();
    await expect.poll(() => page.getByTestId(`group-${groupId}`).count()).toBe(0);
    expect(await nodeCount(page)).toBe(4);
    await finish();
  });

  it('pastes copied nodes into another strategy, and into another tab through the system clipboard', async () => {
    const { page, shot, finish } = await e2e.open('canvas-clipboard');
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: e2e.app.url });
    await page.getByTestId('new-strategy').waitFor({ timeout: 30_000 });
    await page.getByTestId('new-strategy').click();
    await page.getByTestId('empty-hint').waitFor();
    const data = await dropNode(page, 'data.synthetic', 160, 200);
    const sma = await dropNode(page, 'indicator.sma', 460, 200);
    await connect(page, [data, 'close'], [sma, 'source']);
    await setParam(page, sma, 'period', '33');
    await page.getByTestId('strategy-name').fill('Clip source');
    await saveAndWait(page);

    await clickEmptyCanvas(page);
    await page.keyboard.press('Control+a');
    await page.keyboard.press('Control+c');
    // The system clipboard holds the nodes as JSON with Tradeloom's format marker.
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toContain('application/vnd.tradeloom.nodes+json');

    // Another strategy: the nodes arrive with their params and the wire between them, under new ids.
    await page.getByTestId('new-strategy').click();
    await page.getByTestId('empty-hint').waitFor();
    await clickEmptyCanvas(page);
    await page.keyboard.press('Control+v');
    await expect.poll(() => nodeCount(page)).toBe(2);
    await expect.poll(() => edgeCount(page)).toBe(1);
    const pasted = await selectedNodeIds(page);
    expect(pasted).not.toContain(data);
    expect(pasted).not.toContain(sma);
    const pastedSma = pasted.find((id) => id.startsWith('sma-'))!;
    expect(await params(page, pastedSma)).toBe('period 33');
    await expect.poll(() => page.getByTestId('compile-status').getAttribute('data-status'), { timeout: 15_000 }).not.toBe('checking');
    await shot();

    // A second tab has its own app state: only the system clipboard can bring the nodes there.
    const other = await e2e.open('canvas-clipboard-tab');
    await other.page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: e2e.app.url });
    await other.page.getByTestId('new-strategy').waitFor({ timeout: 30_000 });
    await other.page.getByTestId('new-strategy').click();
    await other.page.getByTestId('empty-hint').waitFor();
    await clickEmptyCanvas(other.page);
    await other.page.keyboard.press('Control+v');
    await expect.poll(() => nodeCount(other.page)).toBe(2);
    await expect.poll(() => edgeCount(other.page)).toBe(1);
    const tabSma = (await selectedNodeIds(other.page)).find((id) => id.startsWith('sma-'))!;
    expect(await params(other.page, tabSma)).toBe('period 33');
    await other.shot();
    await other.finish();
    await finish();
  });

  it('switches to a light theme that persists, follows the system until chosen, and is keyboard reachable', async () => {
    const { page, shot, finish } = await e2e.open('canvas-theme');
    await page.getByTestId('new-strategy').waitFor({ timeout: 30_000 });
    const theme = () => page.evaluate(() => document.documentElement.dataset.theme);
    const bg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    // The page prefers dark (see e2e/browser.ts) and nothing is stored yet: dark.
    expect(await theme()).toBe('dark');
    expect(await bg()).toBe('rgb(12, 15, 19)');
    // With no choice stored, the system's preference is followed live.
    await page.emulateMedia({ colorScheme: 'light' });
    await expect.poll(theme).toBe('light');
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect.poll(theme).toBe('dark');

    // A choice made in the app wins over the system, and survives a reload.
    await page.getByTestId('theme-toggle').click();
    await expect.poll(theme).toBe('light');
    expect(await bg()).toBe('rgb(238, 241, 245)');
    await page.reload();
    await page.getByTestId('new-strategy').waitFor({ timeout: 30_000 });
    expect(await theme()).toBe('light');
    expect(await page.evaluate(() => localStorage.getItem('tradeloom.theme'))).toBe('light');

    // The whole editor in the light theme: canvas, tooltips, inspector with its preview.
    await page.getByTestId('new-strategy').click();
    const ids = await buildCrossover(page);
    expect(await page.locator('.react-flow').getAttribute('class')).toContain('light');
    await selectNode(page, ids.slow);
    await page.getByTestId('preview-chart').waitFor({ timeout: 30_000 });
    await handle(page, ids.cross, 'source', 'above').hover();
    await page.waitForTimeout(300);
    await shot();

    // Keyboard: the toggle is reachable by Tab from the shortcuts button's neighbour and works with Enter.
    await page.getByTestId('theme-toggle').focus();
    await page.keyboard.press('Enter');
    await expect.poll(theme).toBe('dark');
    await handle(page, ids.cross, 'source', 'above').hover();
    await page.waitForTimeout(300);
    await shot();
    await finish();
  });

  it('works from the keyboard: palette and toolbar by Tab, arrows in the palette, visible focus, Escape closes dialogs', async () => {
    const { page, shot, finish } = await e2e.open('canvas-keyboard');
    await page.getByTestId('new-strategy').waitFor({ timeout: 30_000 });
    await page.getByTestId('new-strategy').click();
    await page.getByTestId('empty-hint').waitFor();
    const active = () => page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.getAttribute('aria-label') ?? '');
    const outline = () => page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);

    // From the search box, Tab reaches the first node type; arrows walk the list; Enter adds the node.
    await page.getByTestId('palette-search').focus();
    await page.keyboard.press('Tab');
    await expect.poll(active).toBe('palette-data.synthetic');
    expect(await outline()).toBe('solid');
    await page.keyboard.press('ArrowDown');
    await expect.poll(active).toBe('palette-data.csv');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Enter');
    await expect.poll(() => nodeCount(page)).toBe(1);
    await page.keyboard.press('End');
    expect(await active()).toMatch(/^palette-/);
    await shot();

    // Typed into the search: ↓ goes into the matches, and Enter there adds the first match.
    await page.getByTestId('palette-search').fill('resample');
    await page.keyboard.press('ArrowDown');
    await expect.poll(active).toBe('palette-data.resample');
    await page.getByTestId('palette-search').fill('crossover');
    await page.keyboard.press('Enter');
    await expect.poll(() => nodeCount(page)).toBe(2);
    await page.getByTestId('palette-search').fill('');

    // The toolbar is a row of buttons reached by Tab, each with a visible focus ring.
    await page.getByTestId('strategy-name').focus();
    const reached = new Set<string>();
    for (let i = 0; i < 14; i++) {
      await page.keyboard.press('Tab');
      reached.add(await active());
      if (reached.has('theme-toggle')) break;
    }
    for (const id of ['save-button', 'settings-button', 'history-button', 'layout-button', 'add-note-button', 'theme-toggle']) expect(reached).toContain(id);
    expect(await outline()).toBe('solid');
    for (let i = 0; i < 4 && (await active()) !== 'add-note-button'; i++) await page.keyboard.press('Shift+Tab');
    expect(await active()).toBe('add-note-button');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('[data-testid^="comment-text-"]').count()).toBe(1);
    await shot();

    // Escape closes the cheat sheet, and the strategy library.
    await page.getByTestId('shortcuts-button').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('shortcuts-dialog').waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('shortcuts-dialog').count()).toBe(0);
    await finish();
  });

  it('closes a dialog on an Escape that arrives the moment it appears, before the browser paints it', async () => {
    const { page, shot, finish } = await e2e.open('dialog-early-escape');
    await page.getByTestId('new-strategy').waitFor({ timeout: 30_000 });
    await page.getByTestId('new-strategy').click();
    await page.getByTestId('empty-hint').waitFor();
    // The cheat sheet is loaded on demand, so it appears in a render of its own, not in the one the key
    // started. The page sends Escape as soon as the dialog is in the document (a microtask after React
    // adds it, before any paint): a key handler attached after paint would miss it, as one in a CI run did.
    await page.evaluate(() => {
      const w = window as unknown as { escapedEarly: number };
      w.escapedEarly = 0;
      new MutationObserver(() => {
        if (w.escapedEarly === 0 && document.querySelector('[data-testid="shortcuts-dialog"]')) {
          w.escapedEarly = 1;
          window.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
        }
      }).observe(document.body, { childList: true, subtree: true });
    });
    await page.keyboard.press('?');
    await expect.poll(() => page.evaluate(() => (window as unknown as { escapedEarly: number }).escapedEarly)).toBe(1);
    await expect.poll(() => page.getByTestId('shortcuts-dialog').count()).toBe(0);
    // Opened again, it stays open until Escape.
    await page.keyboard.press('?');
    await page.getByTestId('shortcuts-dialog').waitFor();
    await page.waitForTimeout(300);
    expect(await page.getByTestId('shortcuts-dialog').count()).toBe(1);
    await shot();
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('shortcuts-dialog').count()).toBe(0);
    await shot();
    await finish();
  });

  it('draws every node type with its handles exactly where the canvas declared them to React Flow', async () => {
    // One node of every built-in type, unconnected (so most show compile errors: the error list and badge
    // must not move a handle), with each type's default params: with and without a summary line.
    const catalog = (await (await fetch(`${e2e.app.url}/api/nodes`)).json()) as EditorCatalog;
    const entries = catalog.nodes.filter((n) => !n.type.startsWith('custom.'));
    const graph: GraphInput = {
      schemaVersion: 1,
      nodes: entries.map((n, i) => ({ id: `n${i}`, type: n.type, version: n.version, params: structuredClone(n.defaults), position: { x: (i % 8) * 240, y: Math.floor(i / 8) * 260 } })),
      edges: [],
    };
    const res = await fetch(`${e2e.app.url}/api/strategies`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Every node', graph }) });
    expect(res.ok).toBe(true);

    const { page, shot, finish } = await e2e.open('canvas-node-geometry');
    await expect.poll(() => page.locator('.react-flow__node-strategy').count(), { timeout: 30_000 }).toBe(entries.length);
    await page.waitForFunction(() => [...document.querySelectorAll<HTMLElement>('.react-flow__node')].every((el) => el.style.visibility !== 'hidden'));
    await page.waitForTimeout(400);
    // Every handle in the DOM, relative to its node's corner at zoom 1.
    const readDrawn = () => page.evaluate(() => {
      const t = document.querySelector<HTMLElement>('.react-flow__viewport')!.style.transform;
      const zoom = Number(/scale\(([\d.e+-]+)\)/.exec(t)![1]);
      return [...document.querySelectorAll<HTMLElement>('.react-flow__node-strategy')].map((node) => {
        const box = node.getBoundingClientRect();
        return {
          id: node.dataset.id!,
          summary: node.querySelector('.tl-node-params') !== null,
          errors: node.querySelector('.tl-node-errors') !== null,
          height: node.offsetHeight,
          width: node.offsetWidth,
          handles: [...node.querySelectorAll<HTMLElement>('.react-flow__handle')].map((h) => {
            const r = h.getBoundingClientRect();
            return { id: h.dataset.handleid!, type: h.classList.contains('source') ? 'source' : 'target', x: (r.left - box.left) / zoom, y: (r.top - box.top) / zoom, width: r.width / zoom, height: r.height / zoom };
          }),
        };
      });
    });
    const drawn = await readDrawn();
    expect(drawn).toHaveLength(entries.length);
    let withSummary = 0;
    let withErrors = 0;
    for (const d of drawn) {
      const entry = entries[Number(d.id.slice(1))]!;
      // What the canvas handed React Flow for this node before it was mounted.
      const node = withDeclaredGeometry({ id: d.id, type: 'strategy', position: { x: 0, y: 0 }, data: { type: entry.type, version: entry.version, params: structuredClone(entry.defaults) } }, entry);
      const declared = { width: node.initialWidth!, height: node.initialHeight!, handles: node.handles! };
      withSummary += d.summary ? 1 : 0;
      withErrors += d.errors ? 1 : 0;
      expect(d.width, entry.type).toBe(declared.width);
      // The declared height is the node's without an error list; the list only adds below the ports.
      if (d.errors) expect(d.height, entry.type).toBeGreaterThan(declared.height);
      else expect(d.height, entry.type).toBe(declared.height);
      expect(d.handles, entry.type).toHaveLength(declared.handles.length);
      for (const h of declared.handles) {
        const seen = d.handles.find((x) => x.id === h.id && x.type === h.type);
        expect(seen, `${entry.type} ${h.type} ${h.id}`).toBeDefined();
        for (const k of ['x', 'y', 'width', 'height'] as const) expect(Math.abs(seen![k] - h[k]!), `${entry.type} ${h.id} ${k}: drawn ${seen![k]}, declared ${h[k]}`).toBeLessThanOrEqual(1);
      }
    }
    // The check covered nodes with and without a summary line, and with an error list.
    expect(withSummary).toBeGreaterThan(0);
    expect(withSummary).toBeLessThan(drawn.length);
    expect(withErrors).toBeGreaterThan(0);
    await shot();

    // Zoomed in to an editing zoom (the full look, text and all), the nodes in view are laid out the same.
    for (let i = 0; i < 12 && (await page.locator('.canvas.is-overview').count()) > 0; i++) {
      await page.locator('.react-flow__controls-zoomin').click();
      await page.waitForTimeout(300);
    }
    await page.locator('.react-flow__controls-zoomin').click();
    await page.waitForTimeout(400);
    expect(await page.locator('.canvas.is-overview').count()).toBe(0);
    const zoomed = new Map((await readDrawn()).map((d) => [d.id, d]));
    expect(zoomed.size).toBeGreaterThan(0);
    for (const d of drawn) {
      const z = zoomed.get(d.id);
      if (!z) continue;
      expect(z.height).toBe(d.height);
      for (const [i, h] of z.handles.entries()) for (const k of ['x', 'y'] as const) expect(Math.abs(h[k] - d.handles[i]![k])).toBeLessThanOrEqual(1);
    }
    // The view the trader zoomed to stays put when they select a node: the strategy opened fitted
    // without React Flow's fit left queued to fire at the next change.
    const transform = () => page.locator('.react-flow__viewport').evaluate((el) => (el as HTMLElement).style.transform);
    const before = await transform();
    // A node whose title is inside the canvas, clear of the panels around it.
    const visibleId = await page.evaluate(() => {
      const pane = document.querySelector('[data-testid="canvas"]')!.getBoundingClientRect();
      const inside = [...document.querySelectorAll<HTMLElement>('.react-flow__node-strategy')].find((el) => {
        const r = el.querySelector('.tl-node-title')!.getBoundingClientRect();
        return r.left > pane.left + 80 && r.right < pane.right - 200 && r.top > pane.top + 20 && r.bottom < pane.bottom - 150;
      });
      return inside?.dataset.id;
    });
    expect(visibleId).toBeDefined();
    await page.locator(`.react-flow__node[data-id="${visibleId}"] .tl-node-title`).click();
    await expect.poll(() => page.locator('.react-flow__node.selected').count()).toBe(1);
    await page.waitForTimeout(400);
    expect(await transform()).toBe(before);
    await shot();
    await finish();
  });

  it('keeps the view the trader moved to when they select a node of a strategy that opened fitted', async () => {
    const graph: GraphInput = {
      schemaVersion: 1,
      nodes: [
        { id: 'data', type: 'data.synthetic', params: { seed: 3 }, position: { x: 0, y: 0 } },
        { id: 'fast', type: 'indicator.sma', params: { period: 5 }, position: { x: 300, y: 0 } },
      ],
      edges: [{ id: 'e1', source: { node: 'data', port: 'close' }, target: { node: 'fast', port: 'source' } }],
    };
    const res = await fetch(`${e2e.app.url}/api/strategies`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Fitted', graph }) });
    expect(res.ok).toBe(true);
    const { page, finish } = await e2e.open('canvas-fitted-view');
    await page.getByTestId('node-fast').waitFor({ timeout: 30_000 });
    await expect.poll(() => edgeCount(page)).toBe(1);
    const transform = () => page.locator('.react-flow__viewport').evaluate((el) => (el as HTMLElement).style.transform);
    const opened = await transform();
    await page.locator('.react-flow__controls-zoomout').click();
    await page.waitForTimeout(400);
    const moved = await transform();
    expect(moved).not.toBe(opened);
    // Selecting changes the nodes React Flow is given: a fit left queued since opening would fire now.
    await page.locator('[data-testid="node-fast"] .tl-node-title').click();
    await expect.poll(() => page.locator('.react-flow__node.selected').count()).toBe(1);
    await page.waitForTimeout(400);
    expect(await transform()).toBe(moved);
    await finish();
  });
});
