import { registry } from '../index.ts';
import { createRegistry } from '../registry.ts';
import { bracket } from './bracket/index.ts';
import { closeAll } from './closeAll/index.ts';
import { limitOrder } from './limit/index.ts';
import { marketOrder } from './market/index.ts';
import { stopOrder } from './stop/index.ts';
import { stopLimitOrder } from './stopLimit/index.ts';
import { targetPosition } from './targetPosition/index.ts';

const orderNodes = [marketOrder, limitOrder, stopOrder, stopLimitOrder, bracket, targetPosition, closeAll];

/** The built-in registry with every order node in it, whether or not `nodes/index.ts` lists it yet. */
export const orderRegistry = createRegistry([...registry.definitions.filter((d) => !orderNodes.some((n) => n.type === d.type)), ...orderNodes]);
