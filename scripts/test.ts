/**
 * `npm test`: typecheck, unit tests, then real PostgreSQL + Temporal (scripts/test-services.ts) for the
 * integration and e2e tests. Every step runs even when an earlier one failed; the exit code is non-zero if any
 * failed. Extra arguments go to each vitest run: `npm test -- engine/` runs only matching files.
 *
 * The last line is always `N passed, N failed` over all projects (CI reads it). A step that fails without a
 * failing test (typecheck, a file that does not load, services that do not start) counts as one failure.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { ensureServices, type TestServices } from './test-services.ts';

interface StepResult {
  name: string;
  ok: boolean;
  seconds: number;
  passed: number;
  failed: number;
  detail: string;
  /** What failed, a line each, so the summary (the tail CI keeps) names it. */
  failures?: string[];
}

const root = join(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
const vitestBin = join(dirname(require.resolve('vitest/package.json')), 'vitest.mjs');
const tscBin = join(dirname(require.resolve('typescript/package.json')), 'bin', 'tsc');
const extraArgs = process.argv.slice(2);
const reportDir = mkdtempSync(join(tmpdir(), 'tradeloom-test-'));
/** How many failures (failed tests, files that did not run, errors) the summary names. */
const maxListed = 40;

let current: ChildProcess | undefined;
let services: TestServices | undefined;
let interrupted = false;

function run(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return new Promise((resolve) => {
    if (interrupted) return resolve(1);
    const child = spawn(process.execPath, argv, { cwd: root, env, stdio: 'inherit' });
    current = child;
    child.once('error', (err) => {
      console.error(err);
      resolve(1);
    });
    child.once('close', (code, signal) => {
      current = undefined;
      resolve(code ?? (signal ? 128 : 1));
    });
  });
}

function heading(text: string): void {
  console.log(`\n━━ ${text} ━━`);
}

async function timed(name: string, body: () => Promise<Omit<StepResult, 'name' | 'seconds'>>): Promise<StepResult> {
  heading(name);
  const started = performance.now();
  let result: Omit<StepResult, 'name' | 'seconds'>;
  try {
    result = await body();
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    result = { ok: false, passed: 0, failed: 1, detail: 'error (see above)' };
  }
  return { name, seconds: (performance.now() - started) / 1000, ...result };
}

async function typecheck(): Promise<Omit<StepResult, 'name' | 'seconds'>> {
  const code = await run([tscBin, '--noEmit', '-p', '.']);
  return code === 0
    ? { ok: true, passed: 0, failed: 0, detail: 'no type errors' }
    : { ok: false, passed: 0, failed: 1, detail: 'type errors (see above)' };
}

/** The parts of vitest's JSON report (Jest's format) that are counted here. */
interface VitestReport {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  testResults: Array<{
    name: string;
    status: string;
    message?: string;
    assertionResults: Array<{ status: string; fullName: string; failureMessages?: string[] }>;
  }>;
}

/** The first line of a failure message, without colours, cut short: enough to tell one failure from another. */
function firstLine(message: string | undefined): string {
  const line = (stripVTControlCharacters(message ?? '').split('\n').find((l) => l.trim()) ?? '').trim();
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

async function vitest(project: string, env?: NodeJS.ProcessEnv): Promise<Omit<StepResult, 'name' | 'seconds'>> {
  const outputFile = join(reportDir, `${project}.json`);
  const code = await run(
    [
      vitestBin,
      'run',
      '--project',
      project,
      '--passWithNoTests',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${outputFile}`,
      ...extraArgs,
    ],
    env,
  );
  let report: VitestReport | undefined;
  try {
    report = JSON.parse(readFileSync(outputFile, 'utf8')) as VitestReport;
  } catch {
    // no report: vitest itself failed before it could write one
  }
  if (!report) {
    const detail = `vitest exited with ${code} and wrote no report`;
    return { ok: false, passed: 0, failed: 1, detail, failures: [`${detail} (see above)`] };
  }
  // A file that fails to load has no failing test in it, but it is a failure.
  const brokenFiles = report.testResults.filter(
    (file) => file.status === 'failed' && !file.assertionResults.some((t) => t.status === 'failed'),
  ).length;
  let failed = report.numFailedTests + brokenFiles;
  // Exit code 1 with nothing failing means an unhandled error between tests.
  if (code !== 0 && failed === 0) failed = 1;
  const skipped = report.numPendingTests + report.numTodoTests;
  const parts = [`${report.numPassedTests} passed`, `${failed} failed`];
  if (skipped) parts.push(`${skipped} skipped`);
  if (brokenFiles) parts.push(`${brokenFiles} file(s) failed to run`);
  if (report.testResults.length === 0) parts.push('no test files');
  const failures = report.testResults.flatMap((file) => {
    const path = relative(root, file.name);
    const tests = file.assertionResults.filter((t) => t.status === 'failed');
    // The file's own message: why it did not load, or a hook (afterAll…) that failed beside its tests.
    const own = file.status === 'failed' && (tests.length === 0 || file.message) ? [`${path}: ${firstLine(file.message)}`] : [];
    return [...own, ...tests.map((t) => `${path} › ${t.fullName}: ${firstLine(t.failureMessages?.[0])}`)];
  });
  if (code !== 0 && failures.length === 0) failures.push(`vitest exited with ${code} with no failed test: an error between tests (see above)`);
  return { ok: code === 0, passed: report.numPassedTests, failed, detail: parts.join(', '), failures };
}

async function main(): Promise<number> {
  const results: StepResult[] = [];
  results.push(await timed('typecheck', typecheck));
  results.push(await timed('unit', () => vitest('unit')));

  const servicesStep = await timed('services', async () => {
    services = await ensureServices();
    return {
      ok: true,
      passed: 0,
      failed: 0,
      detail: `PostgreSQL ${new URL(services.databaseUrl).host}, Temporal ${services.temporalAddress}`,
    };
  });
  results.push(servicesStep);

  if (services) {
    const env = {
      ...process.env,
      TEST_DATABASE_URL: services.databaseUrl,
      TEST_TEMPORAL_ADDRESS: services.temporalAddress,
    };
    results.push(await timed('integration', () => vitest('integration', env)));
    results.push(await timed('e2e', () => vitest('e2e', env)));
    await services.stop();
  } else {
    for (const name of ['integration', 'e2e']) {
      results.push({ name, ok: false, seconds: 0, passed: 0, failed: 1, detail: 'not run: services did not start' });
    }
  }
  rmSync(reportDir, { recursive: true, force: true });

  heading('summary');
  for (const r of results) {
    console.log(`${r.name.padEnd(12)} ${(r.ok ? 'ok' : 'FAILED').padEnd(7)} ${r.seconds.toFixed(1).padStart(6)} s  ${r.detail}`);
  }
  // A few dozen are enough to see what broke; when everything fails, the lines above say it at length.
  const failures = results.flatMap((r) => (r.failures ?? []).map((failure) => `  ✗ ${r.name}: ${failure}`));
  for (const line of failures.slice(0, maxListed)) console.log(line);
  if (failures.length > maxListed) console.log(`  … and ${failures.length - maxListed} more failures (see above)`);
  const passed = results.reduce((n, r) => n + r.passed, 0);
  const failed = results.reduce((n, r) => n + r.failed, 0);
  console.log(`${passed} passed, ${failed} failed`);
  return results.every((r) => r.ok) ? 0 : 1;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, async () => {
    interrupted = true;
    const child = current;
    if (child) {
      const closed = new Promise((resolve) => child.once('close', resolve));
      child.kill(signal);
      await closed; // vitest may still write its report; remove the folder after that
    }
    await services?.stop();
    rmSync(reportDir, { recursive: true, force: true });
    process.exit(signal === 'SIGINT' ? 130 : 143);
  });
}

process.exitCode = await main();
