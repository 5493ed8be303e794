import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useApp } from './setup.ts';
import { connect, dropNode, fitView, metric, runAndWait, setParam } from './ui.ts';

// A task queue of this file's own: other apps on the shared Temporal must not take its backtests.
process.env.TEMPORAL_TASK_QUEUE = `e2e-custom-node-${process.pid}`;
const e2e = useApp();

/** A Hull-style smoothed average written by a user: two EMAs, price in and price out. */
const source = `import { defineNode, z } from 'tradeloom/node';

export default defineNode({
  type: 'doubleEma',
  title: 'Double EMA',
  description: 'Twice-smoothed exponential average with less lag (DEMA).',
  inputs: { source: { kind: 'price', description: 'Usually the close.' } },
  outputs: { value: { kind: 'price', description: 'The DEMA.' } },
  params: z.object({ period: z.number().int().min(2).max(500).default(20).describe('Bars.') }),
  init: () => ({ e1: NaN, e2: NaN, n: 0 }),
  step(s, p, input, out) {
    const k = 2 / (p.period + 1);
    s.e1 = Number.isNaN(s.e1) ? input.source : s.e1 + k * (input.source - s.e1);
    s.e2 = Number.isNaN(s.e2) ? s.e1 : s.e2 + k * (s.e1 - s.e2);
    s.n++;
    if (s.n >= p.period) out.value = 2 * s.e1 - s.e2;
  },
});
`;

const editor = (page: Page) => page.getByTestId('custom-node-editor');

/** The text Monaco shows (it renders spaces as no-break spaces). */
const shownCode = async (page: Page) => (await editor(page).locator('.view-lines').innerText()).replace(/\u00a0/g, ' ');

/** Replace everything in Monaco with `text` by pasting it, as a user brings in code they wrote elsewhere. */
async function replaceSource(page: Page, text: string) {
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.evaluate((t) => navigator.clipboard.writeText(t), text);
  await editor(page).locator('.monaco-editor .view-lines').click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Control+V');
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  await expect
    .poll(async () => {
      const shown = await shownCode(page);
      return lines.filter((l) => !shown.includes(l));
    }, { timeout: 10_000 })
    .toEqual([]);
}

/** Put the cursor at the end of the source on a fresh line. */
async function newLineAtEnd(page: Page) {
  await page.keyboard.press('Control+End');
  await page.keyboard.press('Enter');
}

describe('custom nodes in the editor', () => {
  it('writes a node in Monaco with IntelliSense and type errors, tests it, saves it, and backtests a graph that uses it', async () => {
    const { page, shot, finish } = await e2e.open('custom-node');

    // "New custom node…" from the strategy menu opens Monaco on the starter template.
    await page.getByTestId('strategy-menu').click();
    await page.getByTestId('new-custom-node').click();
    await editor(page).locator('.monaco-editor .view-lines').waitFor({ timeout: 60_000 });
    await expect.poll(() => shownCode(page), { timeout: 10_000 }).toContain('myRateOfChange');
    await expect.poll(() => page.getByTestId('custom-type-errors').getAttribute('data-count'), { timeout: 30_000 }).toBe('0');
    await shot();

    // Type the node; IntelliSense knows the node API (from the .d.ts), so defineNode is offered.
    await replaceSource(page, source);
    await newLineAtEnd(page);
    await page.keyboard.type('defineN', { delay: 30 });
    // Quick suggestions pop up by themselves after a pause; Ctrl+Space asks at once, as a user would.
    await page.keyboard.press('Control+Space');
    const suggest = page.locator('.suggest-widget .monaco-list-row').filter({ hasText: 'defineNode' });
    await suggest.first().waitFor({ timeout: 30_000 });
    await shot();
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+Shift+K');

    // A type error shows as you type: a red squiggle and the count in the header.
    await page.keyboard.type("const wrong: number = 'text';", { delay: 10 });
    await expect.poll(() => page.getByTestId('custom-type-errors').getAttribute('data-count'), { timeout: 30_000 }).toBe('1');
    await editor(page).locator('.squiggly-error').first().waitFor();
    await expect(page.getByTestId('custom-type-errors').innerText()).resolves.toBe('1 type error');
    await shot();
    await page.keyboard.press('Control+Shift+K');
    await expect.poll(() => page.getByTestId('custom-type-errors').getAttribute('data-count'), { timeout: 30_000 }).toBe('0');

    // So is a global the sandbox removes, which the TypeScript library still has: not a surprise on the first Test.
    await page.keyboard.type('const now = Date.now();', { delay: 10 });
    await expect.poll(() => page.getByTestId('custom-type-errors').getAttribute('data-count'), { timeout: 30_000 }).toBe('1');
    await editor(page).locator('.squiggly-error').first().waitFor();
    await page.keyboard.press('Control+Shift+K');
    await expect.poll(() => page.getByTestId('custom-type-errors').getAttribute('data-count'), { timeout: 30_000 }).toBe('0');

    // The server's own refusal (a contract problem TypeScript cannot see) comes back as a marker too.
    await replaceSource(page, source.replace("outputs: { value: { kind: 'price', description: 'The DEMA.' } },", 'outputs: {},'));
    await page.getByTestId('custom-test').click();
    await expect.poll(() => page.getByTestId('custom-problem').innerText(), { timeout: 30_000 }).toContain('node contract');
    await editor(page).locator('.squiggly-error').first().waitFor();

    // Test runs it in the sandbox and charts its output beside the code.
    await replaceSource(page, source);
    await page.getByTestId('custom-test').click();
    await editor(page).locator('[data-testid="custom-test-chart"] canvas').first().waitFor({ timeout: 30_000 });
    await expect(page.getByTestId('custom-test-summary').innerText()).resolves.toContain('source ← close');
    await page.getByTestId('custom-lookahead-ok').waitFor();
    await expect(page.getByTestId('custom-problem').count()).resolves.toBe(0);
    await shot();

    // Save: version 1, and it is in the palette under Custom.
    await page.getByTestId('custom-save').click();
    await expect.poll(() => page.getByTestId('custom-notice').innerText(), { timeout: 30_000 }).toContain('Saved as version 1');
    await page.locator('[data-testid="palette-custom.doubleEma"]').waitFor();
    await expect(page.getByTestId('custom-node-type').innerText()).resolves.toContain('custom.doubleEma · v1');
    await shot();
    await page.getByTestId('custom-close').click();
    await editor(page).waitFor({ state: 'detached' });

    // Drag it from the palette into a crossover graph, twice (fast and slow), wire it and run a backtest.
    const data = await dropNode(page, 'data.synthetic', 110, 140);
    const fast = await dropNode(page, 'custom.doubleEma', 330, 80);
    const slow = await dropNode(page, 'custom.doubleEma', 330, 300);
    const cross = await dropNode(page, 'logic.crossover', 560, 190);
    const order = await dropNode(page, 'order.targetPercent', 790, 190);
    await setParam(page, fast, 'period', '10');
    await setParam(page, slow, 'period', '40');
    await fitView(page);
    const wires: [[string, string], [string, string]][] = [
      [[data, 'close'], [fast, 'source']],
      [[data, 'close'], [slow, 'source']],
      [[fast, 'value'], [cross, 'a']],
      [[slow, 'value'], [cross, 'b']],
      [[cross, 'above'], [order, 'enter']],
      [[cross, 'below'], [order, 'exit']],
    ];
    for (const [i, [from, to]] of wires.entries()) {
      await connect(page, from, to);
      await page.waitForFunction((n) => document.querySelectorAll('.react-flow__edge').length === n, i + 1);
    }
    await page.getByTestId('compile-status').and(page.locator('[data-status="ok"]')).waitFor({ timeout: 15_000 });
    await runAndWait(page);
    expect(Number((await metric(page, 'trades')).replace(/,/g, ''))).toBeGreaterThan(0);
    await shot();

    // A second version is offered on the nodes that use the first, not forced on them.
    await page.getByTestId('palette-custom.doubleEma').hover();
    await page.getByTestId('palette-edit-custom.doubleEma').click();
    await expect.poll(() => shownCode(page), { timeout: 30_000 }).toContain("type: 'doubleEma'");
    await replaceSource(page, source.replace("title: 'Double EMA'", "title: 'Double EMA v2'"));
    await page.getByTestId('custom-save').click();
    await expect.poll(() => page.getByTestId('custom-notice').innerText(), { timeout: 30_000 }).toContain('Saved as version 2');
    await page.getByTestId('custom-close').click();
    await page.getByTestId(`node-update-${fast}`).waitFor();
    expect(await page.getByTestId(`node-update-${fast}`).innerText()).toBe('v2 available — update');
    await page.getByTestId('compile-status').and(page.locator('[data-status="ok"]')).waitFor({ timeout: 15_000 });
    await shot();
    // Updating one node but not the other would mix versions: the compiler says so on both.
    await page.getByTestId(`node-update-${fast}`).click();
    await page.getByTestId(`node-errors-${slow}`).waitFor({ timeout: 15_000 });
    expect(await page.getByTestId(`node-errors-${slow}`).innerText()).toMatch(/v1 and v2/);
    await page.getByTestId(`node-update-${slow}`).click();
    await page.getByTestId('compile-status').and(page.locator('[data-status="ok"]')).waitFor({ timeout: 15_000 });
    expect(await page.getByTestId(`node-update-${slow}`).count()).toBe(0);
    await shot();

    // An older version's code can be read (and saved again as the newest).
    await page.getByTestId('palette-custom.doubleEma').hover();
    await page.getByTestId('palette-edit-custom.doubleEma').click();
    await expect.poll(() => shownCode(page), { timeout: 30_000 }).toContain("title: 'Double EMA v2'");
    await page.getByTestId('custom-node-version').selectOption('1');
    await expect.poll(() => shownCode(page), { timeout: 30_000 }).toContain("title: 'Double EMA',");
    expect(await page.getByTestId('custom-node-type').innerText()).toContain('v1 of 2: Save makes this code v3');

    // Picking another node with unsaved code asks first; "Keep editing" keeps the code.
    await newLineAtEnd(page);
    await page.keyboard.type('// my unsaved note', { delay: 5 });
    await expect.poll(() => page.getByTestId('custom-node-type').innerText()).toContain('unsaved');
    await page.getByTestId('custom-node-open').selectOption('');
    await page.getByTestId('custom-open-confirm').waitFor();
    await shot();
    await page.getByTestId('custom-open-keep').click();
    expect(await shownCode(page)).toContain('// my unsaved note');
    await page.getByTestId('custom-node-open').selectOption('');
    await page.getByTestId('custom-open-discard').click();
    await expect.poll(() => shownCode(page), { timeout: 10_000 }).toContain('myRateOfChange');

    // Delete asks once more, then the node leaves the palette, and the graph's nodes say it is gone.
    const opened = page.getByTestId('custom-node-open');
    await opened.selectOption({ label: 'Double EMA v2 (v2)' });
    await expect.poll(() => shownCode(page), { timeout: 30_000 }).toContain("title: 'Double EMA v2'");
    await page.getByTestId('custom-delete').click();
    await expect(page.getByTestId('custom-delete').innerText()).resolves.toBe('Delete “Double EMA v2” and all 2 versions?');
    await page.getByTestId('custom-delete').click();
    await expect.poll(() => page.getByTestId('custom-notice').innerText(), { timeout: 30_000 }).toContain('Deleted “Double EMA v2”');
    await page.getByTestId('palette-custom.doubleEma').waitFor({ state: 'detached' });
    await page.getByTestId('custom-close').click();
    expect(await page.getByTestId(`node-missing-${fast}`).innerText()).toContain('No custom node “custom.doubleEma” here: it was deleted');
    // The compiler, asked again now that the catalog changed, refuses both nodes.
    await expect.poll(() => page.getByTestId('compile-status').getAttribute('data-status'), { timeout: 15_000 }).toBe('errors');
    await shot();

    await finish([422]);
  });
});
