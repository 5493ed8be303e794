import type { MiddlewareHandler } from 'hono';
import { problem } from './problem.ts';

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
