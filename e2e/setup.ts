import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import type { Strategy } from '../editor/api.ts';
import { startApp, type RunningApp } from './app.ts';
import { launchBrowser, openPage, shooter, unexpectedProblems, type OpenedPage } from './browser.ts';

/** A page opened on the app for one test. */
export interface TestPage extends OpenedPage {
  /** Take the next numbered screenshot, `<name>-01.png`, `<name>-02.png`, … */
  shot(): Promise<void>;
  /**
   * Fail on any console problem or page error (bar the `Failed to load resource` lines for
   * `allowedStatuses`, see `unexpectedProblems`), then close the page.
   */
  finish(allowedStatuses?: readonly number[]): Promise<void>;
}

export interface E2E {
  /** The app started for this file; read it inside a test or hook. */
  readonly app: RunningApp;
  readonly browser: Browser;
  /** A fresh 1440×900 page on the app whose screenshots are named after `name`. */
  open(name: string): Promise<TestPage>;
  /** Every saved strategy, each as `GET /api/strategies/:id` returns it. */
  strategies(): Promise<Strategy[]>;
}

/**
 * Start the whole app and a browser once for the calling test file, and stop both after its last test.
 * Call it at module scope: it registers the `beforeAll` and `afterAll` hooks.
 *
 * @example
 * const e2e = useApp();
 * it('runs', async () => {
 *   const { page, shot, finish } = await e2e.open('run');
 *   await shot();
 *   await finish();
 * });
 */
export function useApp(): E2E {
  let app: RunningApp | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    app = await startApp();
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is not started yet: use it inside a test or hook`);
    return value;
  };

  const e2e: E2E = {
    get app() {
      return started(app, 'the app');
    },
    get browser() {
      return started(browser, 'the browser');
    },
    async open(name) {
      const opened = await openPage(e2e.browser, e2e.app.url);
      return {
        ...opened,
        shot: shooter(opened.page, name),
        async finish(allowedStatuses = []) {
          expect(unexpectedProblems(opened.problems, allowedStatuses)).toEqual([]);
          await opened.page.close();
        },
      };
    },
    async strategies() {
      const url = e2e.app.url;
      const list = (await (await fetch(`${url}/api/strategies`)).json()) as { items: { id: string }[] };
      return Promise.all(list.items.map(async (s) => (await (await fetch(`${url}/api/strategies/${s.id}`)).json()) as Strategy));
    },
  };
  return e2e;
}
