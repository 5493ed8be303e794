import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Strategy } from '../editor/api.ts';
import { useApp } from './setup.ts';
import { nodeCount } from './ui.ts';

const e2e = useApp();
const smaCross = JSON.parse(readFileSync(new URL('../docs/examples/sma-crossover.json', import.meta.url), 'utf8'));

async function create(name: string): Promise<Strategy> {
  const res = await fetch(`${e2e.app.url}/api/strategies`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, graph: smaCross }) });
  expect(res.status).toBe(201);
  return (await res.json()) as Strategy;
}

async function openLibrary(page: Page) {
  await page.getByTestId('strategy-menu').click();
  await page.getByTestId('manage-strategies').click();
  const dialog = page.getByTestId('strategies-dialog');
  await dialog.waitFor();
  return dialog;
}

/** The names in the dialog's list, top to bottom. */
function rowNames(page: Page): Promise<string[]> {
  return page.locator('[data-testid="strategies-dialog"] tr.lib-row').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.name ?? ''));
}

const row = (page: Page, name: string) => page.locator(`[data-testid="strategies-dialog"] tr.lib-row[data-name="${name}"]`);

describe('the strategies library', () => {
  it('lists, searches, renames inline, duplicates and deletes with confirmation', async () => {
    const alpha = await create('Alpha trend');
    const beta = await create('Beta reversion');
    const gamma = await create('Gamma breakout');
    const { page, shot, finish } = await e2e.open('strategies');
    // The newest strategy opens on start.
    await expect.poll(() => page.getByTestId('strategy-name').inputValue(), { timeout: 30_000 }).toBe('Gamma breakout');
    await expect.poll(() => nodeCount(page)).toBe(6);

    const dialog = await openLibrary(page);
    await expect.poll(() => rowNames(page)).toEqual(['Gamma breakout', 'Beta reversion', 'Alpha trend']);
    expect(await row(page, 'Gamma breakout').textContent()).toContain('Open');
    expect(await row(page, 'Alpha trend').locator('td.num').textContent()).toBe('v1');
    // Searching is what the dialog is for: the field has the focus.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('library-search');
    await shot();

    // Search by name, any case; and a search that finds nothing says so.
    await page.keyboard.type('BETA');
    await expect.poll(() => rowNames(page)).toEqual(['Beta reversion']);
    await page.getByTestId('library-search').fill('nothing like it');
    await page.getByTestId('library-empty').waitFor();
    expect(await page.getByTestId('library-empty').textContent()).toContain('No strategy name contains “nothing like it”');
    await shot();
    await page.getByTestId('library-search').fill('');
    await expect.poll(() => rowNames(page)).toHaveLength(3);

    // Rename inline: Escape leaves the field without closing the dialog; Enter saves.
    await row(page, 'Alpha trend').getByTestId('library-rename').click();
    const input = page.getByTestId('library-rename-input');
    await input.fill('Discarded name');
    await page.keyboard.press('Escape');
    await expect.poll(() => input.count()).toBe(0);
    expect(await dialog.isVisible()).toBe(true);
    expect(await row(page, 'Alpha trend').count()).toBe(1);
    await row(page, 'Alpha trend').locator('.lib-name-button').focus();
    await page.keyboard.press('F2');
    await input.fill('Alpha trend, slower');
    await shot();
    await page.keyboard.press('Enter');
    await expect.poll(() => rowNames(page)).toContain('Alpha trend, slower');
    expect(await page.getByTestId('library-notice').textContent()).toContain('Renamed to “Alpha trend, slower”');
    expect(((await (await fetch(`${e2e.app.url}/api/strategies/${alpha.id}`)).json()) as Strategy).name).toBe('Alpha trend, slower');

    // Renaming the open strategy renames it in the top bar too, without unsaved changes.
    await row(page, 'Gamma breakout').getByTestId('library-rename').click();
    await input.fill('Gamma breakout II');
    await input.press('Enter');
    await expect.poll(() => page.getByTestId('strategy-name').inputValue()).toBe('Gamma breakout II');
    await expect.poll(() => page.getByTestId('save-state').textContent()).toBe('Saved');

    // Duplicate: the copy is listed first and its notice offers to open it.
    await row(page, 'Beta reversion').getByTestId('library-duplicate').click();
    await expect.poll(() => rowNames(page)).toContain('Beta reversion (copy)');
    expect((await rowNames(page))[0]).toBe('Beta reversion (copy)');
    expect(await page.getByTestId('library-notice').textContent()).toContain('Duplicated as “Beta reversion (copy)”');
    const copies = (await e2e.strategies()).filter((s) => s.name === 'Beta reversion (copy)');
    expect(copies).toHaveLength(1);
    expect(copies[0]!.graph).toEqual(((await (await fetch(`${e2e.app.url}/api/strategies/${beta.id}`)).json()) as Strategy).graph);

    // Delete asks first, in the row; Cancel keeps it, Delete removes it and leaves the canvas it was open on.
    await row(page, 'Gamma breakout II').getByTestId('library-delete').click();
    const confirm = page.getByTestId(`library-row-${gamma.id}`);
    expect(await confirm.textContent()).toContain('Delete “Gamma breakout II” with its 1 version, its runs and its stopped deployments?');
    await shot();
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    expect(await row(page, 'Gamma breakout II').count()).toBe(1);
    await row(page, 'Gamma breakout II').getByTestId('library-delete').click();
    await page.getByTestId('library-delete-confirm').click();
    await expect.poll(() => rowNames(page)).toEqual(['Beta reversion (copy)', 'Alpha trend, slower', 'Beta reversion']);
    expect((await fetch(`${e2e.app.url}/api/strategies/${gamma.id}`)).status).toBe(404);
    await expect.poll(() => page.getByTestId('strategy-name').inputValue()).toBe('Untitled strategy');
    expect(await nodeCount(page)).toBe(0);

    // Open a strategy from the list, by keyboard.
    await row(page, 'Beta reversion').locator('.lib-name-button').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => dialog.count()).toBe(0);
    await expect.poll(() => page.getByTestId('strategy-name').inputValue()).toBe('Beta reversion');
    await expect.poll(() => nodeCount(page)).toBe(6);

    // Escape closes the dialog.
    await openLibrary(page);
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);
    await finish();
  });

  it('exports a strategy as a download and imports the file back; a bad file is refused with the path at fault', async () => {
    await create('Delta momentum, slower');
    const { page, shot, finish } = await e2e.open('strategies-io');
    await expect.poll(() => page.getByTestId('strategy-name').inputValue(), { timeout: 30_000 }).toBe('Delta momentum, slower');
    await openLibrary(page);
    const source = row(page, 'Delta momentum, slower');
    await source.waitFor();

    const [download] = await Promise.all([page.waitForEvent('download'), source.getByTestId('library-export').click()]);
    // Browsers take the exact name from `filename*`; `filename` is the ASCII fallback.
    expect(download.suggestedFilename()).toBe('Delta momentum, slower.json');
    const file = readFileSync((await download.path())!, 'utf8');
    const doc = JSON.parse(file);
    expect(doc).toMatchObject({ format: 'tradeloom.strategy', formatVersion: 1, name: 'Delta momentum, slower' });
    expect(doc.graph.nodes).toHaveLength(6);

    await page.getByTestId('library-import-file').setInputFiles({ name: 'delta.json', mimeType: 'application/json', buffer: Buffer.from(file) });
    await expect.poll(() => rowNames(page)).toContain('Delta momentum, slower (imported)');
    const notice = page.getByTestId('library-notice');
    expect(await notice.textContent()).toContain('Imported delta.json as “Delta momentum, slower (imported)”');
    await shot();
    const imported = (await e2e.strategies()).find((s) => s.name === 'Delta momentum, slower (imported)')!;
    expect(imported.graph).toEqual(doc.graph);
    await notice.getByRole('button', { name: 'Open it' }).click();
    await expect.poll(() => page.getByTestId('strategy-name').inputValue()).toBe('Delta momentum, slower (imported)');
    await expect.poll(() => nodeCount(page)).toBe(6);

    // A file that is not a strategy: the server names each path at fault.
    await openLibrary(page);
    const bad = structuredClone(doc);
    bad.formatVersion = 3;
    bad.graph.nodes[1].id = 'not valid!';
    await page.getByTestId('library-import-file').setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(bad)) });
    await expect.poll(() => notice.getAttribute('class')).toContain('is-error');
    const text = await notice.textContent();
    expect(text).toContain('Could not import broken.json');
    expect(text).toContain('formatVersion: this Tradeloom reads strategy files of format version 1');
    expect(text).toContain('graph.nodes.1.id: use letters, digits, - and _ only');
    await shot();

    // Not JSON at all: refused before it is sent.
    await page.getByTestId('library-import-file').setInputFiles({ name: 'notes.json', mimeType: 'application/json', buffer: Buffer.from('name: not json') });
    await expect.poll(() => notice.textContent()).toContain('notes.json is not a JSON file');
    expect(await rowNames(page)).not.toContain('Bad');
    await finish([400]);
  });

  it('refuses a misspelt key by name, and a misspelt param shows on its node with a way to remove it', async () => {
    const { page, shot, finish } = await e2e.open('strategies-unknown-keys');
    await openLibrary(page);
    const notice = page.getByTestId('library-notice');
    const file = (name: string, graph: unknown) => ({ name, mimeType: 'application/json', buffer: Buffer.from(JSON.stringify({ format: 'tradeloom.strategy', formatVersion: 1, name: 'Typos', graph })) });

    // A setting spelt wrong would run on its default without a word: the file is refused, naming the key.
    const settingTypo = structuredClone(smaCross);
    settingTypo.settings = { ...settingTypo.settings, comissionBps: 50 };
    await page.getByTestId('library-import-file').setInputFiles(file('settings.json', settingTypo));
    await expect.poll(() => notice.getAttribute('class')).toContain('is-error');
    expect(await notice.textContent()).toContain('"comissionBps"');

    // A node's param spelt wrong: imported (params are the node's own business), then refused by the compiler.
    const paramTypo = structuredClone(smaCross);
    paramTypo.nodes.find((n: { id: string }) => n.id === 'slow').params = { perod: 20 };
    await page.getByTestId('library-import-file').setInputFiles(file('params.json', paramTypo));
    await expect.poll(() => notice.textContent()).toContain('Imported params.json');
    await notice.getByRole('button', { name: 'Open it' }).click();
    await expect.poll(() => page.getByTestId('compile-status').getAttribute('data-status'), { timeout: 30_000 }).toBe('errors');
    await page.locator('.react-flow__node[data-id="slow"]').click();
    const unknown = page.getByTestId('unknown-param-perod');
    await expect.poll(() => unknown.textContent()).toContain('not a param of this node (did you mean "period"?)');
    await shot();
    await unknown.getByRole('button', { name: 'Remove' }).click();
    await expect.poll(() => page.getByTestId('compile-status').getAttribute('data-status')).toBe('ok');
    await expect.poll(() => unknown.count()).toBe(0);
    await shot();
    await finish([400]);
  });
});
