import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OpenAPIHono } from '@hono/zod-openapi';
import { serveStatic } from '@hono/node-server/serve-static';
import { Scalar } from '@scalar/hono-api-reference';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import type { AppDeps } from './deps.ts';
import { isDatabaseUnavailable, outageLogger, RETRY_AFTER_SECONDS } from './db/availability.ts';
import { databaseUnavailable, problem, zodProblems } from './problem.ts';
import { registerCustomNodeRoutes } from './routes/custom-nodes.ts';
import { registerDatasetRoutes } from './routes/datasets.ts';
import { registerDeploymentRoutes } from './routes/deployments.ts';
import { registerExportRoutes } from './routes/exports.ts';
import { registerPreviewRoutes } from './routes/preview.ts';
import { registerResearchRoutes } from './routes/research.ts';
import { registerRunRoutes } from './routes/runs.ts';
import { registerStrategyRoutes } from './routes/strategies.ts';
import { registerSystemRoutes } from './routes/system.ts';
import { refuseNul } from './nul-guard.ts';
import { documentRateLimits } from './rate-limit.ts';
import { registerTemplateRoutes } from './routes/templates.ts';

// The reference page's script is served from the installed package: no CDN, works offline. The file is
// not in the package's exports map, so it is found beside the package's entry point (dist/index.js).
const scalarBundle = join(dirname(fileURLToPath(import.meta.resolve('@scalar/api-reference'))), 'browser/standalone.js');

/**
 * The HTTP app: OpenAPI routes validated by zod, problem+json errors, the API reference and the editor.
 * Tested in-process with `app.request()`.
 */
export function createApp(deps: AppDeps) {
  const app = new OpenAPIHono({
    defaultHook: (result, c) => {
      if (!result.success) {
        const errors = zodProblems(result.error, result.target === 'json' ? 'body' : result.target);
        return problem(c, 400, 'Invalid request', errors.map((e) => `${e.path}: ${e.message}`).join('; '), { errors });
      }
    },
  });

  const logOutage = outageLogger((fields, message) => deps.log.warn(fields, message));
  app.onError((err, c) => {
    if (err instanceof HTTPException) {
      if (err.status === 400 && /JSON/i.test(err.message)) return problem(c, 400, 'Invalid request', 'The body is not valid JSON.', { errors: [{ path: 'body', message: 'malformed JSON' }] });
      return problem(c, err.status, 'Request refused', err.message);
    }
    // An outage, not a bug: no stack, a throttled log line, and a 503 the client may retry.
    if (isDatabaseUnavailable(err)) {
      logOutage(c.req.path, err);
      return databaseUnavailable(c, RETRY_AFTER_SECONDS);
    }
    // Log the details; the client gets a message without internals or a stack trace.
    deps.log.error({ err, path: c.req.path }, 'unhandled error');
    return problem(c, 500, 'Internal error', 'Something went wrong on the server. The error was logged.');
  });
  app.notFound((c) => (c.req.path.startsWith('/api/') ? problem(c, 404, 'Not found', `No API route for ${c.req.method} ${c.req.path}.`) : c.text('Not found', 404)));

  // A JSON content type on an empty body, as generated clients and "try it" consoles send for a body that
  // is optional: read as no body, so such a route answers as it does without one (it said "not valid JSON").
  app.use('/api/*', async (c, next) => {
    if (c.req.header('content-length') === '0' && /json/i.test(c.req.header('content-type') ?? '')) {
      const headers = new Headers(c.req.raw.headers);
      headers.delete('content-type');
      c.req.raw = new Request(c.req.raw, { headers });
    }
    await next();
  });

  app.use('/api/strategies', bodyLimit({ maxSize: 4 * 1024 * 1024, onError: (c) => problem(c, 413, 'Too large', 'A strategy may be at most 4 MB.') }));
  app.use('/api/strategies/*', bodyLimit({ maxSize: 4 * 1024 * 1024, onError: (c) => problem(c, 413, 'Too large', 'A strategy may be at most 4 MB.') }));
  app.use('/api/compile', bodyLimit({ maxSize: 4 * 1024 * 1024, onError: (c) => problem(c, 413, 'Too large', 'A graph may be at most 4 MB.') }));
  app.use('/api/preview', bodyLimit({ maxSize: 4 * 1024 * 1024, onError: (c) => problem(c, 413, 'Too large', 'A graph may be at most 4 MB.') }));
  app.use('/api/runs', bodyLimit({ maxSize: 64 * 1024, onError: (c) => problem(c, 413, 'Too large', 'A run request may be at most 64 KB.') }));
  app.use('/api/research', bodyLimit({ maxSize: 64 * 1024, onError: (c) => problem(c, 413, 'Too large', 'A research request may be at most 64 KB.') }));
  app.use('/api/deployments', bodyLimit({ maxSize: 64 * 1024, onError: (c) => problem(c, 413, 'Too large', 'A deployment request may be at most 64 KB.') }));
  app.use('/api/research/*', bodyLimit({ maxSize: 64 * 1024, onError: (c) => problem(c, 413, 'Too large', 'A research request may be at most 64 KB.') }));
  // After the size limits: it reads a JSON body before the route does.
  app.use('/api/*', refuseNul);

  registerSystemRoutes(app, deps);
  registerStrategyRoutes(app, deps);
  registerTemplateRoutes(app, deps);
  registerDatasetRoutes(app, deps);
  registerRunRoutes(app, deps);
  // After the run routes, so their rate limit on POST /api/runs/* applies to test alerts too.
  registerExportRoutes(app, deps);
  registerResearchRoutes(app, deps);
  registerDeploymentRoutes(app, deps);
  registerPreviewRoutes(app, deps);
  registerCustomNodeRoutes(app, deps);
  documentRateLimits(app);

  // The server is the one the document was fetched from: the reference's curl examples then carry a whole
  // URL that pastes into a shell (with no server they read `curl /api/runs`).
  app.doc31('/api/openapi.json', (c) => ({
    openapi: '3.1.0',
    info: { title: 'Tradeloom API', version: '0.1.0', description: 'Build trading strategies as graphs and run them as durable Temporal backtests.' },
    servers: [{ url: new URL(c.req.url).origin, description: 'This Tradeloom' }],
  }));
  app.get('/api/docs/scalar.js', async (c) => c.body(await readFile(scalarBundle), 200, { 'content-type': 'text/javascript', 'cache-control': 'max-age=86400' }));
  app.get('/api/docs', Scalar({ url: '/api/openapi.json', pageTitle: 'Tradeloom API', cdn: '/api/docs/scalar.js', theme: 'deepSpace', withDefaultFonts: false }));

  // An unknown API path is a 404 problem for GET too, not the editor's page (which the fallback below serves).
  app.get('/api/*', (c) => c.notFound());

  if (deps.editorDir) {
    const root = deps.editorDir;
    app.use('/*', serveStatic({ root }));
    // Client-side routes fall back to the single page.
    app.get('*', serveStatic({ root, path: 'index.html' }));
  }
  return app;
}

export type AppType = ReturnType<typeof createApp>;
