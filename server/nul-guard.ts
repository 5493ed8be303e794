import type { Context, Next } from 'hono';
import { problem } from './problem.ts';

/**
 * PostgreSQL cannot store the NUL character in text, JSON or a query parameter: a value holding one
 * failed deep inside a write, as a 500, as a 503 "database unavailable" (the wire protocol refuses the
 * message), or, in a deployment control's `by`, as an activity retried for ever that held the
 * deployment's kill switch and stop. So a request carrying one is refused at the door, naming where.
 */
export async function refuseNul(c: Context, next: Next) {
  const url = new URL(c.req.url);
  const inUrl = /%00/.test(url.pathname) ? ['path'] : [...url.searchParams].filter(([k, v]) => (k + v).includes('\0')).map(([k]) => `query.${k}`);
  // JSON bodies up to the largest any JSON route takes (4 MB); a larger one is refused by its route's limit.
  const size = Number(c.req.header('content-length') ?? 0);
  const readable = /json/i.test(c.req.header('content-type') ?? '') && size <= 4 * 1024 * 1024;
  const inBody = inUrl.length || !readable ? [] : nulPaths(await c.req.raw.clone().text());
  const paths = [...inUrl, ...inBody];
  if (!paths.length) return next();
  const message = 'contains the NUL character (\\u0000), which cannot be stored';
  return problem(c, 400, 'Invalid request', `${paths.join(', ')} ${message}.`, { errors: paths.map((path) => ({ path, message })) });
}

/** Where NUL characters sit in a JSON text (`body.a.0.b`), keys included; none in malformed JSON (the route refuses it). */
export function nulPaths(text: string): string[] {
  // Cheap first: a NUL in JSON is written \u0000 (or sent raw, which JSON.parse refuses anyway).
  if (!/\\u0000/i.test(text)) return [];
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return [];
  }
  const found: string[] = [];
  const walk = (v: unknown, path: string) => {
    if (typeof v === 'string') {
      if (v.includes('\0')) found.push(path);
    } else if (v && typeof v === 'object') {
      for (const [k, child] of Object.entries(v)) {
        const at = `${path}.${k}`;
        if (k.includes('\0')) found.push(at);
        walk(child, at);
      }
    }
  };
  walk(value, 'body');
  return found;
}
