import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findTemporalCli, locateTemporalCli, pickPort, startEmbeddedTemporal, TEMPORAL_CLI_MODULE } from './temporal.ts';

let root: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'tradeloom-cli-'));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

function fakeExecutable(path: string, body = 'exit 0'): string {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

/** An environment that sees only the temp dirs, never the machine's real `temporal`, `go` or cache. */
function env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { PATH: join(root, 'empty-bin'), HOME: join(root, 'home'), ...extra };
}

describe('locating the Temporal CLI', () => {
  it('prefers TEMPORAL_CLI_PATH over PATH and the cache', () => {
    const explicit = fakeExecutable(join(root, 'explicit', 'temporal'));
    fakeExecutable(join(root, 'bin', 'temporal'));
    fakeExecutable(join(root, 'xdg', 'tradeloom', 'bin', 'temporal'));
    const e = env({ TEMPORAL_CLI_PATH: explicit, PATH: join(root, 'bin'), XDG_CACHE_HOME: join(root, 'xdg') });
    expect(locateTemporalCli(e)).toEqual({ path: explicit, source: 'TEMPORAL_CLI_PATH' });
  });

  it('prefers `temporal` on PATH over the cache, skipping PATH entries that are not executable', () => {
    mkdirSync(join(root, 'first'));
    writeFileSync(join(root, 'first', 'temporal'), ''); // not executable
    const onPath = fakeExecutable(join(root, 'second', 'temporal'));
    fakeExecutable(join(root, 'xdg', 'tradeloom', 'bin', 'temporal'));
    const e = env({ PATH: `${join(root, 'first')}:${join(root, 'second')}`, XDG_CACHE_HOME: join(root, 'xdg') });
    expect(locateTemporalCli(e)).toEqual({ path: onPath, source: 'PATH' });
  });

  it('falls back to $XDG_CACHE_HOME/tradeloom/bin, then ~/.cache/tradeloom/bin', () => {
    const xdg = fakeExecutable(join(root, 'xdg', 'tradeloom', 'bin', 'temporal'));
    const home = fakeExecutable(join(root, 'home', '.cache', 'tradeloom', 'bin', 'temporal'));
    expect(locateTemporalCli(env({ XDG_CACHE_HOME: join(root, 'xdg') }))).toEqual({ path: xdg, source: 'cache' });
    expect(locateTemporalCli(env())).toEqual({ path: home, source: 'cache' });
  });

  it('refuses a TEMPORAL_CLI_PATH that is not an executable instead of looking elsewhere', () => {
    fakeExecutable(join(root, 'bin', 'temporal'));
    const e = env({ TEMPORAL_CLI_PATH: join(root, 'missing', 'temporal'), PATH: join(root, 'bin') });
    expect(() => locateTemporalCli(e)).toThrow(/TEMPORAL_CLI_PATH is set to .*missing\/temporal/);
  });

  it('finds nothing on a machine without it', () => {
    expect(locateTemporalCli(env())).toBeUndefined();
  });
});

describe('findTemporalCli', () => {
  it('builds it with `go install` into the cache when Go is on PATH', async () => {
    const argsFile = join(root, 'go-args');
    // A stand-in for Go that "installs" a binary where GOBIN says, as the real one does.
    fakeExecutable(
      join(root, 'gobin', 'go'),
      `echo "$@" > ${argsFile}\necho "go: downloading github.com/temporalio/cli v1.5.1" >&2\n` +
        `printf '#!/bin/sh\\n' > "$GOBIN/temporal"\n/bin/chmod 755 "$GOBIN/temporal"`,
    );
    const messages: string[] = [];
    const log = { info: (m: string) => messages.push(m), warn: (m: string) => messages.push(m) };
    const cli = await findTemporalCli({ env: env({ PATH: join(root, 'gobin') }), log });

    expect(cli).toBe(join(root, 'home', '.cache', 'tradeloom', 'bin', 'temporal'));
    expect(readFileSync(argsFile, 'utf8').trim()).toBe(`install ${TEMPORAL_CLI_MODULE}`);
    expect(messages[0]).toMatch(/^building the Temporal CLI with Go \(a few minutes, once\)…/);
    expect(messages).toContain('go: downloading github.com/temporalio/cli v1.5.1');
    // Next time the cache answers without Go.
    expect(locateTemporalCli(env())).toEqual({ path: cli, source: 'cache' });
  });

  it('reports a failed Go build with its output and the command to retry', async () => {
    fakeExecutable(join(root, 'gobin', 'go'), 'echo "go: module lookup disabled" >&2\nexit 1');
    const e = env({ PATH: join(root, 'gobin'), XDG_CACHE_HOME: join(root, 'xdg') });
    const error = await findTemporalCli({ env: e }).catch((err: Error) => err);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain('exit code 1');
    expect((error as Error).message).toContain('go: module lookup disabled');
    expect((error as Error).message).toContain(
      `GOBIN=${join(root, 'xdg', 'tradeloom', 'bin')} go install ${TEMPORAL_CLI_MODULE}`,
    );
  });

  it('says exactly how to install it when there is no binary and no Go', async () => {
    const e = env({ XDG_CACHE_HOME: join(root, 'xdg') });
    const error = await findTemporalCli({ env: e, sdkDownloadError: 'dns error' }).catch((err: Error) => err);
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toContain(`  GOBIN=${join(root, 'xdg', 'tradeloom', 'bin')} go install ${TEMPORAL_CLI_MODULE}`);
    expect(message).toContain('set TEMPORAL_CLI_PATH');
    expect(message).toContain("The Temporal SDK's download of the server failed: dns error");
  });
});

describe('pickPort', () => {
  let busy: Server | undefined;
  afterEach(() => {
    busy?.close();
    busy = undefined;
  });

  it('keeps the preferred port when it is free and moves off it when it is busy', async () => {
    busy = createServer();
    const taken = await new Promise<number>((resolve) => {
      busy!.listen({ port: 0, host: '127.0.0.1' }, () => resolve((busy!.address() as { port: number }).port));
    });
    const warnings: string[] = [];
    const moved = await pickPort(taken, { info() {}, warn: (m) => warnings.push(m) });
    expect(moved).not.toBe(taken);
    expect(warnings).toEqual([`port ${taken} is busy; the embedded Temporal uses port ${moved} instead`]);
    // `moved` was released by the probe, so it is free now and is kept as is.
    expect(await pickPort(moved)).toBe(moved);
  });
});

describe('startEmbeddedTemporal', () => {
  it('starts a server that exits during start-up again, twice, then reports the first line of its panic', async () => {
    // A CLI that panics the way the dev server does when another process took one of its ports: the cause
    // in the first line, then a stack longer than the lines an error keeps.
    const starts = join(root, 'starts');
    const stack = Array.from({ length: 40 }, (_, i) => `echo '  frame ${i}' >&2`).join('\n');
    const cli = fakeExecutable(join(root, 'bin', 'temporal'), `echo start >> '${starts}'\necho 'panic: listen tcp 127.0.0.1:41234: bind: address already in use' >&2\n${stack}\nexit 2`);
    const warnings: string[] = [];
    const started = startEmbeddedTemporal({ dataDir: null, port: 0, env: env({ TEMPORAL_CLI_PATH: cli }), log: { info() {}, warn: (m) => warnings.push(m) } });
    const error = await started.then(() => undefined, (err: unknown) => err);
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toMatch(/did not start on 127\.0\.0\.1:\d+: exited during start-up/);
    expect(message).toContain('panic: listen tcp 127.0.0.1:41234: bind: address already in use');
    expect(message).toContain('frame 39');
    expect(message).toContain('more lines');
    expect(readFileSync(starts, 'utf8').trim().split('\n')).toHaveLength(3);
    expect(warnings.filter((w) => w.includes('exited during start-up; trying again'))).toHaveLength(2);
    expect(warnings[0]).toContain('panic: listen tcp');
  });
});
