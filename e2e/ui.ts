import type { Page } from 'playwright-core';

/** Canvas gestures a user makes, done with the real mouse and real HTML5 drag and drop. */

const canvasPane = '[data-testid="canvas"] .react-flow__pane';

async function nodeIds(page: Page): Promise<string[]> {
  return page.locator('.react-flow__node').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.id ?? ''));
}

/**
 * Drag a palette item onto the canvas at (x, y) relative to the canvas's top-left corner and return
 * the new node's id.
 */
export async function dropNode(page: Page, type: string, x: number, y: number): Promise<string> {
  const before = new Set(await nodeIds(page));
  await page.dragAndDrop(`[data-testid="palette-${type}"]`, canvasPane, { targetPosition: { x, y } });
  await page.waitForFunction((n) => document.querySelectorAll('.react-flow__node').length > n, before.size);
  const added = (await nodeIds(page)).filter((id) => !before.has(id));
  if (added.length !== 1) throw new Error(`expected one new node after dropping ${type}, got ${added.join(', ') || 'none'}`);
  return added[0]!;
}

export function handle(page: Page, nodeId: string, side: 'source' | 'target', port: string) {
  return page.locator(`.react-flow__node[data-id="${nodeId}"] .react-flow__handle.${side}[data-handleid="${port}"]`);
}

async function centre(page: Page, nodeId: string, side: 'source' | 'target', port: string) {
  const box = await handle(page, nodeId, side, port).boundingBox();
  if (!box) throw new Error(`handle ${nodeId}.${port} (${side}) is not visible`);
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** Drag a wire from an output handle to an input handle, the way a user does. */
export async function connect(page: Page, from: [string, string], to: [string, string]): Promise<void> {
  const a = await centre(page, from[0], 'source', from[1]);
  const b = await centre(page, to[0], 'target', to[1]);
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move(a.x + (b.x - a.x) / 3, a.y + (b.y - a.y) / 3, { steps: 5 });
  await page.mouse.move(b.x, b.y, { steps: 10 });
  await page.mouse.up();
}

export async function edgeCount(page: Page): Promise<number> {
  return page.locator('.react-flow__edge').count();
}

/** Click a node's title bar to select it, so the inspector shows its form. */
export async function selectNode(page: Page, nodeId: string): Promise<void> {
  await page.locator(`.react-flow__node[data-id="${nodeId}"] .tl-node-header`).click();
  await page.locator(`[data-testid="inspector"][data-node-id="${nodeId}"]`).waitFor();
}

export async function setParam(page: Page, nodeId: string, key: string, value: string): Promise<void> {
  await selectNode(page, nodeId);
  await page.locator(`[data-testid="inspector"] [data-testid="param-${key}"]`).fill(value);
}

export async function fitView(page: Page): Promise<void> {
  await page.locator('.react-flow__controls-fitview').click();
  // The fit animates; handles must have settled before their positions are read.
  await page.waitForTimeout(400);
}

/** The node ids of the classic SMA crossover. */
export interface CrossoverIds {
  data: string;
  fast: string;
  slow: string;
  cross: string;
  order: string;
}

/** Drop the classic SMA crossover's nodes, unwired and with default params: synthetic bars, fast/slow SMA, crossover, target %. */
export async function dropCrossover(page: Page): Promise<CrossoverIds> {
  const data = await dropNode(page, 'data.synthetic', 110, 140);
  const fast = await dropNode(page, 'indicator.sma', 330, 80);
  const slow = await dropNode(page, 'indicator.sma', 330, 300);
  const cross = await dropNode(page, 'logic.crossover', 560, 190);
  const order = await dropNode(page, 'order.targetPercent', 790, 190);
  return { data, fast, slow, cross, order };
}

/** The crossover's six wires, output to input, in the order a user draws them. */
export function crossoverWires({ data, fast, slow, cross, order }: CrossoverIds): [[string, string], [string, string]][] {
  return [
    [[data, 'close'], [fast, 'source']],
    [[data, 'close'], [slow, 'source']],
    [[fast, 'value'], [cross, 'a']],
    [[slow, 'value'], [cross, 'b']],
    [[cross, 'above'], [order, 'enter']],
    [[cross, 'below'], [order, 'exit']],
  ];
}

/** Drop and wire the classic SMA crossover: synthetic bars → fast/slow SMA → crossover → target % of equity. */
export async function buildCrossover(page: Page, periods: { fast: string; slow: string } = { fast: '10', slow: '50' }): Promise<CrossoverIds> {
  const ids = await dropCrossover(page);
  await setParam(page, ids.fast, 'period', periods.fast);
  await setParam(page, ids.slow, 'period', periods.slow);
  await fitView(page);
  for (const [i, [from, to]] of crossoverWires(ids).entries()) {
    await connect(page, from, to);
    await page.waitForFunction((n) => document.querySelectorAll('.react-flow__edge').length === n, i + 1);
  }
  await page.getByTestId('compile-status').and(page.locator('[data-status="ok"]')).waitFor({ timeout: 15_000 });
  return ids;
}

export function nodeCount(page: Page): Promise<number> {
  return page.locator('.react-flow__node').count();
}

export async function nodePosition(page: Page, nodeId: string): Promise<{ x: number; y: number }> {
  const transform = await page.locator(`.react-flow__node[data-id="${nodeId}"]`).evaluate((el) => (el as HTMLElement).style.transform);
  const m = /translate\((-?[\d.]+)px, ?(-?[\d.]+)px\)/.exec(transform);
  if (!m) throw new Error(`node ${nodeId} has no translate transform: ${transform}`);
  return { x: Number(m[1]), y: Number(m[2]) };
}

/** Drag a node by its title bar by (dx, dy) screen pixels. */
export async function dragNode(page: Page, nodeId: string, dx: number, dy: number): Promise<void> {
  const box = await page.locator(`.react-flow__node[data-id="${nodeId}"] .tl-node-header`).boundingBox();
  if (!box) throw new Error(`node ${nodeId} is not visible`);
  const x = box.x + box.width / 2;
  const y = box.y + box.height / 2;
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x + dx / 2, y + dy / 2, { steps: 5 });
  await page.mouse.move(x + dx, y + dy, { steps: 5 });
  await page.mouse.up();
}

/** Shift-drag a selection box on the empty canvas between two points relative to the canvas. */
export async function boxSelect(page: Page, from: { x: number; y: number }, to: { x: number; y: number }): Promise<void> {
  const pane = await page.locator(canvasPane).boundingBox();
  if (!pane) throw new Error('the canvas is not visible');
  await page.keyboard.down('Shift');
  await page.mouse.move(pane.x + from.x, pane.y + from.y);
  await page.mouse.down();
  await page.mouse.move(pane.x + (from.x + to.x) / 2, pane.y + (from.y + to.y) / 2, { steps: 5 });
  await page.mouse.move(pane.x + to.x, pane.y + to.y, { steps: 5 });
  await page.mouse.up();
  await page.keyboard.up('Shift');
}

/** Click an empty spot of the canvas: clears the selection and takes the focus out of any field. */
export async function clickEmptyCanvas(page: Page, x = 20, y = 20): Promise<void> {
  await page.locator(canvasPane).click({ position: { x, y } });
}

export async function selectedNodeIds(page: Page): Promise<string[]> {
  return page.locator('.react-flow__node.selected').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.id ?? ''));
}

/** The value text of a metric card, e.g. `58,993` for `finalEquity`. */
export async function metric(page: Page, key: string): Promise<string> {
  return (await page.getByTestId(`metric-${key}`).locator('.metric-value').textContent()) ?? '';
}

/** Click Run and wait for the new run (not an earlier one still on screen) to finish and show its metrics. */
export async function runAndWait(page: Page): Promise<void> {
  const progress = page.getByTestId('run-progress');
  const before = (await progress.count()) ? await progress.getAttribute('data-run-id') : null;
  await page.getByTestId('run-button').click();
  await page.waitForFunction(
    (old) => {
      const el = document.querySelector('[data-testid="run-progress"]');
      return el !== null && el.getAttribute('data-run-id') !== old && el.getAttribute('data-status') === 'succeeded';
    },
    before,
    { timeout: 180_000 },
  );
  await page.getByTestId('metrics').waitFor({ timeout: 30_000 });
}

/** Open the Runs tab and return its rows, newest first. */
export async function runRows(page: Page) {
  await page.getByTestId('tab-runs').click();
  await page.getByTestId('run-history').waitFor();
  return page.getByTestId('history-item');
}
