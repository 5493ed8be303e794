import type { OpenAPIHono } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { problem } from './problem.ts';
import { problemResponse } from './schemas.ts';

/**
 * A fixed-window request limit per client key. In-process on purpose: one server process per
 * deployment for now; a shared store comes with horizontal API scaling.
 */
export function rateLimit(options: { limit: number; windowMs: number; key: (c: Parameters<MiddlewareHandler>[0]) => string }): MiddlewareHandler {
  const windows = new Map<string, { start: number; count: number }>();
  return async (c, next) => {
    const now = Date.now();
    const key = options.key(c);
    let w = windows.get(key);
    if (!w || now - w.start >= options.windowMs) {
      w = { start: now, count: 0 };
      windows.set(key, w);
    }
    if (++w.count > options.limit) {
      const retry = Math.ceil((w.start + options.windowMs - now) / 1000);
      c.header('retry-after', String(retry));
      return problem(c, 429, 'Too many requests', `At most ${options.limit} requests per ${options.windowMs / 1000} s here; retry in ${retry} s.`);
    }
    await next();
  };
}

type LimitOptions = Parameters<typeof rateLimit>[0];
const limitedPosts = new WeakMap<OpenAPIHono, { paths: string[]; options: LimitOptions }[]>();

/**
 * `rateLimit` on POST requests to `paths` (Hono patterns: `/api/runs`, `/api/runs/*`), remembered so
 * `documentRateLimits` can give the routes under them their 429 in the API document.
 */
export function limitPosts(app: OpenAPIHono, paths: string[], options: LimitOptions): void {
  app.on('POST', paths, rateLimit(options));
  limitedPosts.set(app, [...(limitedPosts.get(app) ?? []), { paths, options }]);
}

/** Adds the 429 answer to every documented POST route a `limitPosts` limit covers (call after the routes). */
export function documentRateLimits(app: OpenAPIHono): void {
  const covered = (path: string, pattern: string) => (pattern.endsWith('/*') ? path.startsWith(pattern.slice(0, -1)) : path === pattern);
  for (const def of app.openAPIRegistry.definitions) {
    if (def.type !== 'route' || def.route.method !== 'post') continue;
    const limit = limitedPosts.get(app)?.find((l) => l.paths.some((pattern) => covered(def.route.path, pattern)));
    if (!limit) continue;
    def.route.responses[429] ??= problemResponse(`More than ${limit.options.limit} such requests in ${limit.options.windowMs / 1000} s (the \`retry-after\` header says when to try again)`);
  }
}
