import { z } from 'zod';
import { bool } from '../../bool.ts';
import { defineNode } from '../../contract.ts';
import { applyGate, blockCaveat, flattenCaveat, GateMode, gateState, resumeCaveat } from '../shared/gate.ts';

const dayMs = 86_400_000;
const weekdays: readonly string[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'use HH:MM, 24-hour');

function clockMs(hhmm: string): number {
  return (Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5))) * 60_000;
}

/** Is a bar opening at `time` inside the window? Times of day and weekdays in UTC. */
function inSession(time: number, startMs: number, endMs: number, dayMask: number): boolean {
  const day = Math.floor(time / dayMs);
  // 1970-01-01 was a Thursday (weekday 4, counting from Sunday).
  const weekday = (((day + 4) % 7) + 7) % 7;
  if (((dayMask >> weekday) & 1) === 0) return false;
  const ms = time - day * dayMs;
  if (startMs === endMs) return true;
  return startMs < endMs ? ms >= startMs && ms < endMs : ms >= startMs || ms < endMs;
}

/** Lets new entries through only inside a UTC time window on chosen weekdays; exits always pass. */
export const sessionFilter = defineNode({
  type: 'risk.sessionFilter',
  version: 1,
  category: 'risk',
  title: 'Session filter',
  description: 'Only open or add to positions inside a UTC time window on chosen weekdays; optionally go flat at the session end.',
  docs: {
    example: '13:30–20:00 UTC, Monday to Friday, flatten on: trade the US cash session (summer time) and never hold overnight.',
    caveats: [
      'A bar is in session when its open time falls inside [Start, End) UTC on a listed weekday, the weekday being that of the bar’s own UTC date. Start = End means the whole day; End before Start wraps past midnight (22:00–06:00). Times are UTC: daylight saving is not followed.',
      'Orders decided at the close of an in-session bar pass, and fill at the next bar’s open. Outside the session (Flatten off):',
      blockCaveat,
      'Flatten on: the node is flat on every bar outside the session and on the session’s last bar, the in-session bar whose successor, one bar length later, would open outside it. The exit then fills at the next open, which for data with no bars outside the session is the next session’s first bar: to be flat before the session ends, set End one bar earlier.',
      flattenCaveat,
      resumeCaveat,
      'The bar length is the smallest gap between bar times seen so far, so on the very first bar the last-bar check is skipped (the out-of-session check still applies).',
      '`blocked` is 1 on bars where new risk is refused (outside the session, or its last bar with Flatten on). No warm-up.',
    ],
  },
  inputs: { order: { kind: 'order', description: 'The order to filter.' } },
  outputs: {
    order: { kind: 'order', description: 'The order, or the hold / flat order outside the session.' },
    blocked: { kind: 'bool', description: 'True on bars where new entries are refused.' },
  },
  params: z.object({
    start: clock.default('00:00').describe('Session start, HH:MM UTC.'),
    end: clock.default('00:00').describe('Session end, HH:MM UTC (exclusive); equal to Start for the whole day.'),
    // A comma-separated string rather than an array, so the editor's form can show it as one text field.
    days: z
      .string()
      .regex(/^(sun|mon|tue|wed|thu|fri|sat)(,(sun|mon|tue|wed|thu|fri|sat))*$/, 'weekdays as sun,mon,…,sat, comma-separated')
      .default('mon,tue,wed,thu,fri')
      .describe('Weekdays (UTC) the session runs on, comma-separated: sun,mon,tue,wed,thu,fri,sat.'),
    flatten: z.boolean().default(false).describe('Go flat at the session’s last bar and stay flat outside it.'),
  }),
  warmup: () => 0,
  init: (p) => ({
    startMs: clockMs(p.start),
    endMs: clockMs(p.end),
    dayMask: p.days.split(',').reduce((m, d) => m | (1 << weekdays.indexOf(d)), 0),
    prevTime: NaN,
    minGap: NaN,
    gate: gateState(),
  }),
  step(s, p, input, out, ctx) {
    const time = ctx.time;
    // NaN (not Infinity) for "no gap yet", so the state stays plain JSON-safe numbers like every other node's.
    const gap = time - s.prevTime;
    if (gap > 0 && !(gap >= s.minGap)) s.minGap = gap;
    s.prevTime = time;
    const open = inSession(time, s.startMs, s.endMs, s.dayMask);
    const lastBar = open && p.flatten && s.minGap === s.minGap && !inSession(time + s.minGap, s.startMs, s.endMs, s.dayMask);
    const blocked = !open || lastBar;
    applyGate(s.gate, !blocked ? GateMode.pass : p.flatten ? GateMode.flatten : GateMode.block, input.order, out.order, ctx);
    out.blocked = bool(blocked);
  },
});
