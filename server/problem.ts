import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ZodError } from 'zod';

/** One field-level problem: `path` names the offending field, e.g. `body.graph.nodes.2.params.period`. */
export interface FieldProblem {
  path: string;
  message: string;
}

/**
 * An RFC 9457 problem document. Never carries a stack trace. Its static type is left open because
 * @hono/zod-openapi only types `application/json` bodies, and route handlers return problems beside
 * their typed success responses.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function problem(c: Context, status: ContentfulStatusCode, title: string, detail: string, extra: Record<string, unknown> = {}): any {
  return c.body(JSON.stringify({ type: 'about:blank', title, status, detail, ...extra }), status, {
    'content-type': 'application/problem+json',
  });
}

export function zodProblems(error: ZodError, prefix: string): FieldProblem[] {
  return error.issues.map((issue) => ({
    path: [prefix, ...issue.path.map(String)].filter(Boolean).join('.'),
    message: issue.message,
  }));
}

export function notFound(c: Context, what: string) {
  return problem(c, 404, 'Not found', `${what} was not found.`);
}

/**
 * 503 for a request that needed the database while it could not be reached (see db/availability.ts).
 * Whether a write that was in flight committed is unknown to the server too, so the detail does not
 * claim either; every multi-row write is one transaction, so it committed whole or not at all.
 */
export function databaseUnavailable(c: Context, retryAfterSeconds: number) {
  c.header('retry-after', String(retryAfterSeconds));
  return problem(
    c,
    503,
    'Database unavailable',
    `The database cannot be reached right now, so the request could not be completed. Try again in ${retryAfterSeconds} seconds.`,
    { code: 'DATABASE_UNAVAILABLE' },
  );
}
