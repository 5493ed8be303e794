import { describe, expect, it } from 'vitest';
import { limitOrder } from './limit/index.ts';
import { marketOrder } from './market/index.ts';
import { stopOrder } from './stop/index.ts';
import { stopLimitOrder } from './stopLimit/index.ts';
import { targetPercent } from './targetPercent/index.ts';
import { idleAfter } from './testing.ts';

// Every node whose idle test is `holdIdle`: sized once at entry, the size held while in.
const holders = [
  { def: marketOrder, params: { sizeMode: 'units', size: 3 } },
  { def: limitOrder, params: { sizeMode: 'units', size: 3 } },
  { def: stopOrder, params: { sizeMode: 'units', size: 3 } },
  { def: stopLimitOrder, params: { sizeMode: 'units', size: 3 } },
  { def: targetPercent, params: { percent: 10 } },
];

describe.each(holders)('$def.type idle (holdIdle)', ({ def, params }) => {
  it('level mode: idle while Enter agrees with what is held, not on a bar that opens or closes', () => {
    const inside = { params, wired: [], bars: [{ enter: 1 }] };
    expect(idleAfter(def, inside, { enter: 1 })).toBe(true);
    expect(idleAfter(def, inside, { enter: 0 })).toBe(false);
    expect(idleAfter(def, inside, { enter: NaN })).toBe(false);
    const outside = { params, wired: [], bars: [{ enter: 1 }, { enter: 0 }] };
    expect(idleAfter(def, outside, { enter: 0 })).toBe(true);
    expect(idleAfter(def, outside, { enter: 1 })).toBe(false);
  });

  it('latched mode: in, idle until Exit; out, idle until an Enter without Exit (flat with Exit true is idle)', () => {
    const inside = { params, wired: [], bars: [{ enter: 1, exit: 0 }] };
    expect(idleAfter(def, inside, { enter: 0, exit: NaN })).toBe(true);
    expect(idleAfter(def, inside, { enter: 1, exit: 1 })).toBe(false);
    const outside = { params, wired: [], bars: [{ enter: 1, exit: 0 }, { enter: 0, exit: 1 }] };
    expect(idleAfter(def, outside, { enter: 1, exit: 1 })).toBe(true);
    expect(idleAfter(def, outside, { enter: 0, exit: 1 })).toBe(true);
    expect(idleAfter(def, outside, { enter: 0, exit: 0 })).toBe(true);
    expect(idleAfter(def, outside, { enter: 1, exit: 0 })).toBe(false);
  });
});
