import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium; Playwright cannot download browsers on these machines. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export const screenshotDir = join(import.meta.dirname, '..', 'test-results', 'e2e');

export interface OpenedPage {
  page: Page;
  /** Console errors and warnings (React reports its warnings there) and uncaught page errors. */
  problems: string[];
  /** Dialog types the page opened, e.g. 'beforeunload'; every dialog is accepted. */
  dialogs: string[];
}

/** A 1440×900 page that records console problems and dialogs. */
export async function openPage(browser: Browser, url: string): Promise<OpenedPage> {
  mkdirSync(screenshotDir, { recursive: true });
  // Dark, as a trading desk is: the editor follows the system's scheme until the user picks a theme.
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, colorScheme: 'dark' });
  const problems: string[] = [];
  const dialogs: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console.${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('dialog', (d) => {
    dialogs.push(d.type());
    void d.accept();
  });
  await page.goto(url);
  return { page, problems, dialogs };
}

/**
 * The problems left after removing the browser's own "Failed to load resource" lines for responses a
 * test caused on purpose, e.g. `[422]` for a refused CSV. Anything else still fails the test.
 */
export function unexpectedProblems(problems: readonly string[], allowedStatuses: readonly number[] = []): string[] {
  return problems.filter((p) => !allowedStatuses.some((s) => p.startsWith(`console.error: Failed to load resource: the server responded with a status of ${s} `)));
}

export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(screenshotDir, `${name}.png`) });
}

/** Numbered screenshots for one test: `<name>-01.png`, `<name>-02.png`, … */
export function shooter(page: Page, name: string): () => Promise<void> {
  let n = 0;
  return () => shot(page, `${name}-${String(++n).padStart(2, '0')}`);
}
