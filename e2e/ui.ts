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
